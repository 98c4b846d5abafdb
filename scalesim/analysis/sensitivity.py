"""Global sensitivity analysis: Sobol indices (SALib) and one-at-a-time (OAT) swings.

The output analysed is Y = log10 of a variable in one year (e.g. log10 largest_run_flop in
2030 [log10 FLOP]): orders of magnitude are the natural scale of these projections, and the
log keeps a few extreme samples from dominating the variance.

Every model evaluation goes through :func:`scalesim.engine.run.evaluate`, the engine's
"model at given parameter values" (the same :func:`~scalesim.engine.run.project_chunk` that
:func:`scalesim.run` pushes its draws through): sensitivity analyses exactly the model that
``scalesim run`` projects, reliability goodput and every ceiling included. The scenario's
years are cut at the year analysed (the years before it do not depend on the later ones).

Parameters. Every uncertain (non-fixed) prior of the scenario is one parameter, in scenario
order: the sub-priors of a schedule (``x.initial``, ``x.final``, ``x.half_life``) and the
reliability priors (``reliability.mtbf``, ...) count like any other. Fixed priors are not
analysed. The priors are treated as independent (rank correlations, where a scenario gives
them, are not part of the design: Sobol indices are defined for independent inputs).

Sobol: first- and total-order indices of Y over the priors, estimated by
:func:`scalesim.analysis.sobol.sobol_analysis` (the design and the estimator are described
there).

OAT, the one definition (``scalesim sensitivity --method oat``, the OAT columns of the Sobol
table and the policy report's tornado all use :func:`oat_swings`):

- the centre: every parameter at its median, Y_0 = Y(median of every prior);
- for each parameter in turn: Y_5 with that parameter at its 5th percentile and every other
  parameter at its median, and Y_95 likewise at its 95th percentile;
- the swing is |Y_95 − Y_5| [orders of magnitude]; its direction is read from the two ends
  (Y_95 > Y_5: the output rises with the parameter). Parameters are ranked by swing.

No sampling is involved: OAT is 2D + 1 model evaluations, and it gives the same numbers
whatever ``base_samples`` and ``seed`` say.

References: Saltelli et al. 2010, "Variance based sensitivity analysis of model output";
Herman & Usher 2017, "SALib".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from scalesim.analysis.sobol import (
    DEFAULT_BASE_SAMPLES,
    MAX_BASE_SAMPLES,
    prior_ppf,
    sobol_analysis,
)
from scalesim.engine.run import evaluate, kernel_inputs
from scalesim.errors import InputError
from scalesim.scenario.loader import Scenario, Years

METHODS = ("sobol", "oat")
OAT_LOW, OAT_HIGH = 0.05, 0.95  # quantiles of the OAT swings


def uncertain_parameters(scenario: Scenario) -> list[str]:
    """Key paths of the scenario's non-fixed priors, in scenario order (schedule sub-priors
    and reliability priors included)."""
    return [name for name, prior in scenario.priors.items() if not prior.is_fixed]


def output_names(scenario: Scenario) -> list[str]:
    """Variables the engine computes for this scenario (what ``--output`` may name)."""
    return list(kernel_inputs(scenario).variables)


def _year_index(scenario: Scenario, year: int) -> int:
    if year not in scenario.year_list:
        raise InputError(
            f"{year} is outside the scenario's years {scenario.years.start}–{scenario.years.end}",
            key="year",
        )
    return scenario.year_list.index(year)


def _through(scenario: Scenario, year: int) -> Scenario:
    """The scenario with its years cut at ``year`` (earlier years do not depend on later
    ones; a test checks it against the full run)."""
    if year == scenario.years.end:
        return scenario
    return scenario.model_copy(update={"years": Years(start=scenario.years.start, end=year)})


def log10_output(scenario: Scenario, output: str, year: int) -> Callable[[dict], np.ndarray]:
    """The model as a function of parameter vectors: values -> log10 ``output`` in ``year``.

    ``values`` maps key paths to (n,) arrays [canonical units]; priors it leaves out are at
    their medians (fixed ones at their value), as :func:`scalesim.engine.run.evaluate` does.
    """
    i = _year_index(scenario, year)
    known = output_names(scenario)
    if output not in known:
        raise InputError(f"unknown variable {output!r}; one of {', '.join(known)}", key="output")
    short = _through(scenario, year)

    def model(values: dict[str, np.ndarray]) -> np.ndarray:
        y = evaluate(short, values, outputs=(output,))[output][:, i]
        with np.errstate(divide="ignore"):
            return np.log10(y)

    return model


@dataclass(frozen=True)
class SensitivityResult:
    """Sensitivity of Y = log10 ``output`` in ``year`` to each uncertain parameter.

    Lists run over ``parameters``, ranked: by ST (Sobol) or by swing (OAT), largest first.

    Attributes
    ----------
    output : str
        The variable analysed (Y is its log10).
    year : int
        The year of the output analysed [calendar year].
    method : {"sobol", "oat"}
        How the parameters were ranked.
    scenario : str
        The scenario's name.
    parameters : list of str
        Key paths of the uncertain priors, ranked.
    S1, S1_conf, ST, ST_conf : list of float or None
        First- and total-order Sobol indices [share of Var Y] and the half-widths of their
        confidence intervals [share of Var Y]; None for OAT.
    conf_level : float
        Confidence level of the intervals [probability].
    base_samples : int
        N of the Sobol design, a power of 2 [samples]; 0 for OAT.
    model_runs : int
        Model evaluations in all [model runs]: N · (D + 2) for Sobol plus the 2D + 1 of
        the OAT swings, which every method computes (D: the number of parameters).
    seed : int
        Seed of the Sobol design and bootstrap (OAT draws nothing; the seed is recorded).
    median_log10 : float
        Y_0: Y with every parameter at its median [log10 unit of the output].
    prior_p5, prior_p95 : list of float
        The parameter's 5th and 95th percentiles [its canonical unit].
    low_log10, high_log10, swing : list of float
        Y_5 and Y_95: Y with the parameter at its 5th / 95th percentile, the others at their
        medians [log10 unit]; the swing |Y_95 − Y_5| [orders of magnitude] (module docstring).
    """

    output: str
    year: int
    method: str
    scenario: str
    parameters: list[str]
    S1: list[float] | None
    S1_conf: list[float] | None
    ST: list[float] | None
    ST_conf: list[float] | None
    conf_level: float
    base_samples: int
    model_runs: int
    seed: int
    median_log10: float
    prior_p5: list[float]
    prior_p95: list[float]
    low_log10: list[float]
    high_log10: list[float]
    swing: list[float]

    def to_dict(self) -> dict:
        """The result as a JSON-ready dict.

        Returns
        -------
        dict
            Every attribute by name: ``output``, ``year``, ``parameters``, ``S1``,
            ``S1_conf``, ``ST``, ``ST_conf`` and the rest, lists in rank order.
        """
        return asdict(self)

    def frame(self) -> pd.DataFrame:
        """The ranked table.

        Returns
        -------
        pandas.DataFrame
            One row per parameter, largest effect first: ``rank`` (1 = largest),
            ``parameter``, ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` [share of Var Y] (Sobol
            only), ``low_log10``, ``high_log10`` [log10 unit of the output] and ``swing``
            [orders of magnitude].
        """
        cols = ("S1", "S1_conf", "ST", "ST_conf") if self.method == "sobol" else ()
        data = {"rank": range(1, len(self.parameters) + 1), "parameter": self.parameters}
        data |= {c: getattr(self, c) for c in (*cols, "low_log10", "high_log10", "swing")}
        return pd.DataFrame(data)


@dataclass(frozen=True)
class OATSwings:
    """One-at-a-time swings (the definition in the module docstring), in parameter order.

    Attributes
    ----------
    parameters : list of str
        Key paths, in the order asked for.
    centre : float
        Y_0, every parameter at its median [log10 unit].
    prior_p5, prior_p95 : numpy.ndarray
        Each parameter's 5th and 95th percentile [its canonical unit].
    low, high : numpy.ndarray
        Y_5 and Y_95 [log10 unit].
    swing : numpy.ndarray
        |Y_95 − Y_5| [orders of magnitude]; NaN where an end is not finite.
    """

    parameters: list[str]
    centre: float
    prior_p5: np.ndarray
    prior_p95: np.ndarray
    low: np.ndarray
    high: np.ndarray
    swing: np.ndarray

    def order(self) -> np.ndarray:
        """Indices by swing, largest first (NaN last, ties in parameter order)."""
        key = np.where(np.isnan(self.swing), -np.inf, self.swing)
        return np.argsort(-key, kind="stable")


def oat_swings(
    scenario: Scenario, output: str, year: int, names: list[str] | None = None
) -> OATSwings:
    """One-at-a-time swings of log10 ``output`` in ``year``: 2·len(names) + 1 evaluations.

    Parameters
    ----------
    scenario : Scenario
    output : str
        Variable analysed (as log10).
    year : int
        Year of the output [calendar year].
    names : list of str, optional
        Parameters swung (default: every uncertain one, :func:`uncertain_parameters`).

    Returns
    -------
    OATSwings
    """
    names = uncertain_parameters(scenario) if names is None else list(names)
    model = log10_output(scenario, output, year)
    rows = 1 + 2 * len(names)
    values, lo, hi = {}, np.empty(len(names)), np.empty(len(names))
    for j, name in enumerate(names):
        prior = scenario.priors[name]
        lo[j], hi[j] = prior.ppf(OAT_LOW), prior.ppf(OAT_HIGH)
        col = np.full(rows, prior.ppf(0.5))
        col[1 + 2 * j], col[2 + 2 * j] = lo[j], hi[j]
        values[name] = col
    y = model(values)
    low, high = y[1::2].copy(), y[2::2].copy()
    with np.errstate(invalid="ignore"):  # inf − inf where an output is infinite
        swing = np.abs(high - low)
    return OATSwings(names, float(y[0]), lo, hi, low, high, swing)


def sensitivity_analysis(
    scenario: Scenario,
    output: str = "largest_run_flop",
    year: int = 2030,
    *,
    method: str = "sobol",
    base_samples: int | None = None,
    seed: int | None = None,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    on_progress: Callable[[int], None] | None = None,
) -> SensitivityResult:
    """Rank the uncertain parameters of a scenario by their effect on log10 ``output``.

    Parameters
    ----------
    scenario : Scenario
    output : str
        A variable the engine computes for the scenario (e.g. ``largest_run_flop``).
    year : int
        Year of the output, one of the scenario's years [calendar year].
    method : {"sobol", "oat"}
        "sobol": Sobol indices and the OAT swings, ranked by ST; "oat": the swings only,
        ranked by swing.
    base_samples : int, optional
        N of the Sobol design (default :data:`DEFAULT_BASE_SAMPLES`), rounded up to a
        power of 2 [samples].
    seed : int, optional
        Seeds the Sobol design (default: the scenario's seed); OAT draws nothing.
    num_resamples : int
        Bootstrap resamples of the confidence intervals (see :func:`sobol_analysis`).
    conf_level : float
        Confidence level of the intervals [probability].
    on_progress : callable, optional
        Called with the number of model runs done after each chunk.

    Returns
    -------
    SensitivityResult

    Raises
    ------
    InputError
        Naming the argument: ``method`` not one of :data:`METHODS`, ``year`` outside the
        scenario's years, ``output`` not a variable of the scenario, ``base_samples`` outside
        2 to :data:`MAX_BASE_SAMPLES`; or no uncertain parameter, or an output that is not
        finite or does not vary.
    """
    if method not in METHODS:
        raise InputError(f"expected one of {', '.join(METHODS)}, got {method!r}", key="method")
    _year_index(scenario, year)
    if base_samples is not None and not 2 <= base_samples <= MAX_BASE_SAMPLES:
        raise InputError(
            f"must be between 2 and {MAX_BASE_SAMPLES:,}, got {base_samples}", key="base_samples"
        )
    seed = scenario.seed if seed is None else int(seed)
    names = uncertain_parameters(scenario)
    if not names:
        raise InputError("no uncertain parameters to analyse (every prior is fixed)")
    oat = oat_swings(scenario, output, year, names)
    s1 = s1c = st = stc = None
    n_base, runs, order = 0, 1 + 2 * len(names), oat.order()
    if method == "sobol":
        res = sobol_analysis(
            log10_output(scenario, output, year),
            {n: scenario.priors[n] for n in names},
            DEFAULT_BASE_SAMPLES if base_samples is None else base_samples,
            seed=seed,
            num_resamples=num_resamples,
            conf_level=conf_level,
            on_progress=on_progress,
        )
        s1, s1c, st, stc = res["S1"], res["S1_conf"], res["ST"], res["ST_conf"]
        n_base, runs = res["base_samples"], runs + res["Y"].size
        order = np.argsort(-st, kind="stable")

    def ranked(a):
        return None if a is None else [float(a[i]) for i in order]

    return SensitivityResult(
        output=output,
        year=int(year),
        method=method,
        scenario=scenario.name,
        parameters=[names[i] for i in order],
        S1=ranked(s1),
        S1_conf=ranked(s1c),
        ST=ranked(st),
        ST_conf=ranked(stc),
        conf_level=conf_level,
        base_samples=n_base,
        model_runs=runs,
        seed=seed,
        median_log10=oat.centre,
        prior_p5=ranked(oat.prior_p5),
        prior_p95=ranked(oat.prior_p95),
        low_log10=ranked(oat.low),
        high_log10=ranked(oat.high),
        swing=ranked(oat.swing),
    )


__all__ = [
    "METHODS",
    "OAT_HIGH",
    "OAT_LOW",
    "OATSwings",
    "SensitivityResult",
    "log10_output",
    "oat_swings",
    "output_names",
    "prior_ppf",
    "sensitivity_analysis",
    "sobol_analysis",
    "uncertain_parameters",
]
