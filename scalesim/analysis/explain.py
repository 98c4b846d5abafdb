"""Scenario discovery: which assumptions make an event happen (``scalesim explain``).

Given an event over a run's outputs (scalesim.analysis.events: ``binding_constraint[2030] ==
data``, ``largest_run_flop[2032] >= 1e30``, ...), one Monte Carlo run answers three questions:

1. **How likely is it?** P = share of samples with the event, with its Monte Carlo standard
   error sqrt(P (1 − P) / n); when no sample has it, the one-sided 95% upper bound
   1 − 0.05^(1/n) (≈ 3/n, the "rule of three"), and when every sample has it the matching
   lower bound 0.05^(1/n) (≈ 1 − 3/n).
2. **Which priors does it depend on?** For each uncertain prior, its p10/p50/p90 among the
   samples with the event beside those among all samples, ranked by the Kolmogorov–Smirnov
   distance between the prior's distribution in the samples with the event and in those
   without it (regional sensitivity analysis, Spear & Hornberger 1980): 0 when the event
   does not depend on the prior, 1 when the prior alone decides it. (The distance to the
   unconditional distribution is (1 − P) times this one: the ranking is the same.) A
   distance below the two-sample test's 5% critical value, 1.358 · sqrt(1/m + 1/(n − m)), is
   within Monte Carlo noise. The conditional median's place in the unconditional
   distribution (its mid-rank prior quantile, the mean of the shares of samples below it and
   at or below it, so that a discrete prior the event does not shift reads 0.5) says in which
   direction it moves.
3. **Where does it concentrate?** PRIM boxes (patient rule induction, Friedman & Fisher
   1999; :mod:`scalesim.analysis.prim`): ranges of 1, 2 and 3 priors, each with its
   coverage (share of the event samples inside) and density (share of the samples inside
   with the event); a box on more priors only where its extra ranges add density beyond
   Monte Carlo noise.

Before it starts, :func:`explain` estimates its memory (the run's kept arrays, then every
prior's values for all samples and the analysis's working arrays;
:mod:`scalesim.analysis.explain_memory`) and refuses with one line past the budget.

Every sample comes from :func:`scalesim.engine.run.run` (the one orchestration) and its prior
values from :func:`scalesim.scenario.priors.draw` with the same seed, which is what that run
draws (a test checks it against the run's own outputs).

References: Spear & Hornberger 1980, "Eutrophication in Peel Inlet II", Water Research 14:
43–49 (regional sensitivity analysis); Friedman & Fisher 1999, "Bump hunting in
high-dimensional data", Statistics and Computing 9: 123–143.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from scalesim.analysis.events import compile_event, evaluate
from scalesim.analysis.explain_memory import check_memory
from scalesim.analysis.explain_stats import (
    KS_C95,
    QUANTILES,
    ParameterShift,
    ks_distance,
    parameter_shift,
    probability_bound,
)
from scalesim.analysis.prim import (
    MAX_BOX_PARAMETERS,
    PEEL,
    PRIM_SAMPLES,
    Box,
    BoxBound,
    peel,
    prim_boxes,
)
from scalesim.engine.options import checked_samples_seed
from scalesim.engine.run import present_variables, run
from scalesim.errors import InputError
from scalesim.scenario.loader import Scenario, load_scenario
from scalesim.scenario.priors import draw

#: Variable kept when the event reads only binding_constraint or data_exhaustion_year (the
#: engine keeps those per sample only beside some variable).
_ANCHOR = "largest_run_flop"


@dataclass(frozen=True)
class ExplainResult:
    """What :func:`explain` found.

    Attributes
    ----------
    scenario : str
        The scenario's name.
    event : str
        The event as written (whitespace normalised).
    samples, seed : int
        Of the run [samples], [1].
    events : int
        Samples with the event [samples].
    probability : float
        Share of samples with the event [1].
    standard_error : float
        Its Monte Carlo standard error sqrt(P (1 − P) / n) [1].
    probability_bound : float or None
        Where the standard error is 0, the one-sided 95% bound on P [1]: an upper bound
        1 − 0.05^(1/n) (≈ 3/n) when no sample has the event, a lower bound 0.05^(1/n)
        (≈ 1 − 3/n) when every sample has it; None otherwise.
    ks_noise : float or None
        5% critical value of the KS distance: smaller distances are Monte Carlo noise [1].
    parameters : tuple of ParameterShift
        Every uncertain prior, ranked by ``ks`` (largest first).
    boxes : tuple of Box
        PRIM boxes restricting 1, 2 and 3 priors, those whose extra priors add nothing beyond
        Monte Carlo noise and duplicates dropped (:func:`scalesim.analysis.prim.prim_boxes`);
        empty when the event happens in no sample or in all of them.
    """

    scenario: str
    event: str
    samples: int
    seed: int
    events: int
    probability: float
    standard_error: float
    probability_bound: float | None
    ks_noise: float | None
    parameters: tuple[ParameterShift, ...]
    boxes: tuple[Box, ...]

    def to_dict(self) -> dict:
        """The result as JSON-ready data.

        Returns
        -------
        dict
            The fields above under their names (``probability`` and ``probability_bound``
            [1], ``samples`` and ``events`` [samples], ...; ``parameters`` and ``boxes`` as
            lists of dicts with their fields), tuples as lists, non-finite numbers as None
            (null in JSON).
        """
        return _finite(asdict(self))


def _finite(x):
    if isinstance(x, dict):
        return {k: _finite(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_finite(v) for v in x]
    if isinstance(x, (float, np.floating)):
        return float(x) if math.isfinite(x) else None
    if isinstance(x, np.integer):
        return int(x)
    return x


# --- the analysis ---------------------------------------------------------------------------


def explain(
    scenario: Scenario | str,
    when: str,
    *,
    samples: int | None = None,
    seed: int | None = None,
    workers: int | None = None,
    on_chunk=None,
    memory_budget: int | str | None = None,
) -> ExplainResult:
    """Probability of an event and the assumptions that make it happen.

    Parameters
    ----------
    scenario : Scenario or path
    when : str
        The event (scalesim.analysis.events), e.g. ``"binding_constraint[2030] == data"``.
    samples : int, optional
        Monte Carlo samples [samples]; the scenario's by default.
    seed : int, optional
        The scenario's by default.
    workers : int, optional
        Threads of the run (results do not depend on it).
    on_chunk : callable, optional
        Progress callback of :func:`scalesim.engine.run.run`.
    memory_budget : int or str, optional
        Memory explain may take [bytes, or ``"8GiB"``]; as for :func:`scalesim.engine.run.run`
        (SCALESIM_MEMORY_BUDGET, else min(70% of the available RAM, 4 GiB)). Checked before
        the run starts against :func:`scalesim.analysis.explain_memory.explain_bytes`.

    Returns
    -------
    ExplainResult

    Raises
    ------
    InputError
        For a bad event (one line with the character position), bad run settings, or a
        run that would not fit the memory budget (one line naming the samples and budget).
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if getattr(scenario, "pool", ()):  # an opinion pool: each member has its own priors
        raise InputError(
            f"{scenario.path or scenario.name}: explain needs one scenario, not a pool of "
            "them; explain each member's file"
        )
    event = compile_event(
        when,
        variables=present_variables(scenario),  # the variables a run of it has
        years=scenario.year_list,
        constraints=scenario.constraints,
    )
    keep = list(event.variables) or [_ANCHOR]
    n, seed = checked_samples_seed(scenario, samples, seed)
    need, limit = check_memory(scenario, n, n_keep=len(keep), budget=memory_budget)
    results = run(
        scenario,
        samples=n,
        seed=seed,
        keep=keep,
        summarize=[],
        workers=workers,
        on_chunk=on_chunk,
        memory_budget=limit - need.analysis,  # the run's threads leave room for the analysis
    )
    outputs = dict(results.variables)
    outputs["binding_constraint"] = results.binding_constraint
    outputs["data_exhaustion_year"] = results.data_exhaustion_year
    happened = evaluate(event, outputs, results.years, results.constraints)
    del outputs, results  # the run's arrays go before the priors are drawn
    draws = prior_draws(scenario, n, seed)
    return explain_samples(
        draws,
        happened,
        {k: scenario.priors[k].unit for k in draws},
        scenario=scenario.name,
        event=event.canonical,
        seed=seed,
    )


def prior_draws(scenario: Scenario, samples: int, seed: int) -> dict[str, np.ndarray]:
    """The uncertain priors' values in samples ``0:samples`` of a run with ``seed``, as
    :func:`scalesim.engine.run.run` draws them.

    Parameters
    ----------
    scenario : Scenario
    samples : int
        Samples [samples].
    seed : int
        The run's seed.

    Returns
    -------
    dict of str to numpy.ndarray
        Key path -> (samples,) values of each uncertain prior [its canonical unit].
    """
    copula = getattr(scenario, "copula", None)  # correlated priors (``correlations:``)
    if copula is None:
        values = draw(scenario.priors, seed, 0, samples)
    else:
        values = draw(scenario.priors, seed, 0, samples, copula)
    return {k: v for k, v in values.items() if not scenario.priors[k].is_fixed}


def explain_samples(
    draws: dict[str, np.ndarray],
    happened: np.ndarray,
    units: dict[str, str] | None = None,
    *,
    scenario: str = "",
    event: str = "",
    seed: int = 0,
) -> ExplainResult:
    """The analysis of :func:`explain` on given samples: prior values and the event.

    Parameters
    ----------
    draws : dict of str to numpy.ndarray
        Key path -> (n,) values of each uncertain prior [its unit].
    happened : numpy.ndarray of bool, shape (n,)
        Whether each sample has the event.
    units : dict of str to str, optional
        Each prior's unit (shown, not used).
    scenario, event : str
        Names carried into the result.
    seed : int
        Carried into the result [1].

    Returns
    -------
    ExplainResult
    """
    y = np.asarray(happened, dtype=bool).reshape(-1)
    n = y.size
    units = units or {}
    m = int(np.count_nonzero(y))
    p = m / n if n else 0.0
    se = math.sqrt(p * (1.0 - p) / n) if n else 0.0
    noise = KS_C95 * math.sqrt(1.0 / m + 1.0 / (n - m)) if 0 < m < n else None
    x = {k: np.asarray(v, dtype=np.float64).reshape(-1) for k, v in draws.items()}
    shifts = [parameter_shift(k, v, y, units.get(k, "")) for k, v in x.items()]
    shifts.sort(key=lambda s: -1.0 if s.ks is None else -s.ks)
    boxes = prim_boxes(list(x.values()), y, list(x), units) if 0 < m < n and x else ()
    return ExplainResult(
        scenario=scenario,
        event=event,
        samples=n,
        seed=int(seed),
        events=m,
        probability=p,
        standard_error=se,
        probability_bound=probability_bound(m, n),
        ks_noise=noise,
        parameters=tuple(shifts),
        boxes=boxes,
    )


__all__ = [
    "MAX_BOX_PARAMETERS",
    "PEEL",
    "PRIM_SAMPLES",
    "QUANTILES",
    "Box",
    "BoxBound",
    "ExplainResult",
    "ParameterShift",
    "explain",
    "explain_samples",
    "ks_distance",
    "peel",
    "probability_bound",
    "prim_boxes",
    "prior_draws",
]
