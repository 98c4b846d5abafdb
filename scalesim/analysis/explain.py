"""Scenario discovery: which assumptions make an event happen (``scalesim explain``).

Given an event over a run's outputs (scalesim.analysis.events: ``binding_constraint[2030] ==
data``, ``largest_run_flop[2032] >= 1e30``, ...), one Monte Carlo run answers three questions:

1. **How likely is it?** P = share of samples with the event, with its Monte Carlo standard
   error sqrt(P (1 − P) / n).
2. **Which priors does it depend on?** For each uncertain prior, its p10/p50/p90 among the
   samples with the event beside those among all samples, ranked by the Kolmogorov–Smirnov
   distance between the prior's distribution in the samples with the event and in those
   without it (regional sensitivity analysis, Spear & Hornberger 1980): 0 when the event
   does not depend on the prior, 1 when the prior alone decides it. (The distance to the
   unconditional distribution is (1 − P) times this one: the ranking is the same.) A
   distance below the two-sample test's 5% critical value, 1.358 · sqrt(1/m + 1/(n − m)), is
   within Monte Carlo noise. The conditional median's place in the unconditional
   distribution (its prior quantile; 0.5: no shift) says in which direction it moves.
3. **Where does it concentrate?** PRIM boxes (patient rule induction, Friedman & Fisher
   1999; :mod:`scalesim.analysis.prim`): ranges of 1, 2 and 3 priors, each with its
   coverage (share of the event samples inside) and density (share of the samples inside
   with the event).

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
from scalesim.analysis.prim import (
    MAX_BOX_PARAMETERS,
    PEEL,
    PRIM_SAMPLES,
    Box,
    BoxBound,
    peel,
    prim_boxes,
)
from scalesim.engine.run import run
from scalesim.errors import InputError
from scalesim.model.variables import variables_of
from scalesim.scenario.loader import Scenario, load_scenario
from scalesim.scenario.priors import draw

#: Probabilities of the quantiles shown (p10, p50, p90).
QUANTILES = (0.1, 0.5, 0.9)
#: Two-sample Kolmogorov–Smirnov coefficient c(0.05) of the 5% critical value.
KS_C95 = 1.358
#: Variable kept when the event reads only binding_constraint or data_exhaustion_year (the
#: engine keeps those per sample only beside some variable).
_ANCHOR = "largest_run_flop"


@dataclass(frozen=True)
class ParameterShift:
    """How one uncertain prior differs between the samples with the event and all samples.

    Attributes
    ----------
    parameter : str
        Key path of the prior.
    unit : str
        Its canonical unit.
    quantiles : tuple of float
        p10, p50, p90 over all samples [unit].
    event_quantiles : tuple of float or None
        p10, p50, p90 over the samples with the event [unit]; None when there are none.
    ks : float or None
        Kolmogorov–Smirnov distance between the prior's empirical distributions in the
        samples with and without the event [1]; None when either set is empty.
    event_median_quantile : float or None
        Share of all samples at or below the event's median [1] (0.5: no shift).
    """

    parameter: str
    unit: str
    quantiles: tuple[float, float, float]
    event_quantiles: tuple[float, float, float] | None
    ks: float | None
    event_median_quantile: float | None


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
    ks_noise : float or None
        5% critical value of the KS distance: smaller distances are Monte Carlo noise [1].
    parameters : tuple of ParameterShift
        Every uncertain prior, ranked by ``ks`` (largest first).
    boxes : tuple of Box
        PRIM boxes restricting 1, 2 and 3 priors (duplicates dropped); empty when the event
        happens in no sample or in all of them.
    """

    scenario: str
    event: str
    samples: int
    seed: int
    events: int
    probability: float
    standard_error: float
    ks_noise: float | None
    parameters: tuple[ParameterShift, ...]
    boxes: tuple[Box, ...]

    def to_dict(self) -> dict:
        """The result as JSON-ready data.

        Returns
        -------
        dict
            The fields above, tuples as lists, non-finite numbers as None (null in JSON).
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

    Returns
    -------
    ExplainResult

    Raises
    ------
    InputError
        For a bad event (one line with the character position) or bad run settings.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    if getattr(scenario, "pool", ()):  # an opinion pool: each member has its own priors
        raise InputError(
            f"{scenario.path or scenario.name}: explain needs one scenario, not a pool of "
            "them; explain each member's file"
        )
    variables = variables_of(
        scenario.ceilings, reliability=scenario.reliability, rl="rl" in scenario.groups
    )
    event = compile_event(
        when, variables=variables, years=scenario.year_list, constraints=scenario.constraints
    )
    results = run(
        scenario,
        samples=samples,
        seed=seed,
        keep=list(event.variables) or [_ANCHOR],
        summarize=[],
        workers=workers,
        on_chunk=on_chunk,
    )
    outputs = dict(results.variables)
    outputs["binding_constraint"] = results.binding_constraint
    outputs["data_exhaustion_year"] = results.data_exhaustion_year
    happened = evaluate(event, outputs, results.years, results.constraints)
    draws = prior_draws(scenario, results.samples, results.seed)
    return explain_samples(
        draws,
        happened,
        {k: scenario.priors[k].unit for k in draws},
        scenario=scenario.name,
        event=event.canonical,
        seed=results.seed,
    )


def prior_draws(scenario: Scenario, samples: int, seed: int) -> dict[str, np.ndarray]:
    """The uncertain priors' values in samples ``0:samples`` of a run with ``seed``, as
    :func:`scalesim.engine.run.run` draws them [canonical units]."""
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
        Carried into the result.

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
    shifts = [
        _shift(k, np.asarray(v, dtype=np.float64), y, units.get(k, "")) for k, v in draws.items()
    ]
    shifts.sort(key=lambda s: -1.0 if s.ks is None else -s.ks)
    boxes = ()
    if 0 < m < n and draws:
        names = list(draws)
        x = np.stack([np.asarray(draws[k], dtype=np.float64) for k in names])
        boxes = prim_boxes(x, y, names, units)
    return ExplainResult(
        scenario=scenario,
        event=event,
        samples=n,
        seed=int(seed),
        events=m,
        probability=p,
        standard_error=se,
        ks_noise=noise,
        parameters=tuple(shifts),
        boxes=boxes,
    )


def _shift(name: str, x: np.ndarray, y: np.ndarray, unit: str) -> ParameterShift:
    """One sort of the prior's values gives every figure: quantiles, the KS distance and the
    event median's place (the same numbers as :func:`ks_distance` on the two subsets)."""
    order = np.argsort(x, kind="stable")
    xs, ys = x[order], y[order]
    q_all = tuple(float(v) for v in np.quantile(xs, QUANTILES))
    m = int(np.count_nonzero(ys))
    if m == 0:
        return ParameterShift(name, unit, q_all, None, None, None)
    q_event = tuple(float(v) for v in np.quantile(xs[ys], QUANTILES))
    median_q = float(np.searchsorted(xs, q_event[1], side="right") / xs.size)
    ks = None
    if m < xs.size:
        # empirical CDFs of both subsets at the last value of each run of ties
        last = np.append(xs[1:] != xs[:-1], True)
        f_event = np.cumsum(ys)[last] / m
        f_other = np.cumsum(~ys)[last] / (xs.size - m)
        ks = float(np.max(np.abs(f_event - f_other)))
    return ParameterShift(name, unit, q_all, q_event, ks, median_q)


def ks_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sample Kolmogorov–Smirnov distance sup |F_a − F_b| (ties handled) [1]."""
    a, b = np.sort(a), np.sort(b)
    points = np.concatenate([a, b])
    fa = np.searchsorted(a, points, side="right") / a.size
    fb = np.searchsorted(b, points, side="right") / b.size
    return float(np.max(np.abs(fa - fb)))


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
    "prim_boxes",
    "prior_draws",
]
