"""Global sensitivity analysis: Sobol indices (SALib) and one-at-a-time swings.

The output analysed is Y = log10 of a variable in one year (e.g. log10 largest_run_flop in
2030 [log10 FLOP]): orders of magnitude are the natural scale of these projections, and the
log keeps a few extreme samples from dominating the variance.

Sobol (Saltelli 2010 scheme, SALib): a scrambled Sobol' design of N·(D + 2) points in the
unit hypercube, one axis per uncertain prior, each coordinate mapped through that prior's
quantile function (:func:`prior_ppf`), so each axis has the prior's distribution and the
axes are independent, as in :func:`scalesim.run`. The model is evaluated on those parameter
vectors through the kernels (:func:`evaluate`); SALib estimates the first-order indices S1
(share of Var Y due to one parameter alone) and total-order indices ST (with its
interactions), with bootstrap confidence intervals. Fixed priors are not analysed.

One at a time (OAT, a tornado diagram): each uncertain prior at its 5th and 95th percentile,
all others at their medians; the swing is the change of Y [log10 units].

References: Saltelli et al. 2010, "Variance based sensitivity analysis of model output";
Herman & Usher 2017, "SALib".
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from scalesim.engine.run import kernel_inputs
from scalesim.errors import InputError
from scalesim.model.kernels.projection import project
from scalesim.model.variables import VARIABLES
from scalesim.scenario.loader import Scenario
from scalesim.scenario.priors import Prior

METHODS = ("sobol", "oat")
#: Default number of base samples N of the Sobol design (model runs: N · (D + 2)).
DEFAULT_BASE_SAMPLES = 2**14
#: Rows of parameter vectors evaluated at once (bounds memory; results do not depend on it).
EVAL_CHUNK = 2**15
OAT_LOW, OAT_HIGH = 0.05, 0.95  # quantiles of the OAT swings
_LN10 = math.log(10.0)

#: Largest Sobol base sample [samples]: N·(D + 2) model runs must fit in memory.
MAX_BASE_SAMPLES = 2**20


def prior_ppf(prior: Prior, q: np.ndarray) -> np.ndarray:
    """Vectorised quantile function of a prior: :meth:`Prior.ppf` on an array of
    probabilities [the prior's canonical unit]."""
    return prior.ppf(np.asarray(q, dtype=np.float64))


def uncertain_parameters(scenario: Scenario) -> list[str]:
    """Key paths of the scenario's non-fixed priors, in scenario order."""
    return [name for name, prior in scenario.priors.items() if not prior.is_fixed]


def output_names(scenario: Scenario) -> list[str]:
    """Variables :func:`evaluate` can return for this scenario (those the kernels compute)."""
    logs = _project(scenario, {}, None, scenario.years.start)[0]
    return [v for v in VARIABLES if v in logs]


def _project(scenario, values, outputs, last_year):
    inputs = kernel_inputs(scenario)  # the engine's own set-up: reliability, synthetic, years
    keep_years = [
        i for i, y in enumerate(scenario.year_list) if last_year is None or y <= last_year
    ]
    n = max([np.size(v) for v in values.values()] or [1])
    params = {}
    for name, prior in inputs.priors.items():
        if name in values:
            v = np.asarray(values[name], dtype=np.float64).reshape(-1, 1)
        else:
            v = np.asarray([[prior.args[0] if prior.is_fixed else prior.ppf(0.5)]])
        if v.shape[0] not in (1, n):
            raise ValueError(f"{name}: {v.shape[0]} values, expected {n}")
        params[name] = v
    years, dt = inputs.years[:, keep_years], inputs.dt[:, keep_years]
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        logs, _, _ = project(
            params,
            dt,
            years,
            inputs.sources,
            xp=np,
            outputs=outputs,
            goodput=inputs.goodput,
            synthetic=bool(np.any(params["synthetic.share_of_compute"] != 0)),
        )
    return logs, (n, len(keep_years))


def evaluate(
    scenario: Scenario,
    values: dict[str, np.ndarray],
    *,
    outputs: tuple[str, ...] | list[str] = ("largest_run_flop",),
    last_year: int | None = None,
) -> dict[str, np.ndarray]:
    """Evaluate model v1 for given parameter vectors (no sampling).

    Parameters
    ----------
    scenario : Scenario
        Supplies the years, the data sources and every prior not in ``values``: fixed
        priors at their value, uncertain ones at their median.
    values : dict of str to numpy.ndarray
        Key path -> values, shape (n,) or scalar [canonical unit]; all of length n.
    outputs : sequence of str
        Variables wanted (see :func:`output_names`).
    last_year : int, optional
        Evaluate the years from ``years.start`` to this one only (default: all).

    Returns
    -------
    dict of str to numpy.ndarray
        Variable -> natural logarithm, shape (n, year) [ln canonical unit].
    """
    known = output_names(scenario)
    for bad in [k for k in values if k not in scenario.priors]:
        raise InputError(f"unknown parameter {bad!r} for this scenario")
    for bad in [o for o in outputs if o not in known]:
        raise InputError(f"--output: unknown variable {bad!r}; one of {', '.join(known)}")
    logs, shape = _project(scenario, values, set(outputs), last_year)
    return {o: np.broadcast_to(logs[o], shape) for o in outputs}


def _year_index(scenario: Scenario, year: int) -> int:
    if year not in scenario.year_list:
        raise InputError(
            f"--year: {year} is outside the scenario's years "
            f"{scenario.years.start}–{scenario.years.end}"
        )
    return scenario.year_list.index(year)


def log10_output(scenario: Scenario, output: str, year: int) -> Callable[[dict], np.ndarray]:
    """The model as a function of parameter vectors: values -> log10 output in ``year``."""
    i = _year_index(scenario, year)

    def model(values: dict[str, np.ndarray]) -> np.ndarray:
        return evaluate(scenario, values, outputs=(output,), last_year=year)[output][:, i] / _LN10

    return model


def sobol_analysis(
    model: Callable[[dict[str, np.ndarray]], np.ndarray],
    priors: dict[str, Prior],
    base_samples: int = DEFAULT_BASE_SAMPLES,
    *,
    seed: int = 0,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Sobol first- and total-order indices of ``model`` over independent priors.

    Parameters
    ----------
    model : callable
        Maps key path -> (n,) values [canonical unit] to the output, shape (n,).
    priors : dict of str to Prior
        The uncertain inputs, one axis each.
    base_samples : int
        N, rounded up to a power of 2 (the Sobol' sequence's balance needs it); the model
        runs on N · (D + 2) parameter vectors [samples].
    seed : int
        Seeds the scrambling of the design and the bootstrap.
    num_resamples : int
        Bootstrap resamples of the confidence intervals.
    conf_level : float
        Confidence level of the intervals [1].
    on_progress : callable, optional
        Called with the number of model runs done after each chunk of :data:`EVAL_CHUNK`.

    Returns
    -------
    dict
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (arrays over the priors, in order), ``Y``
        (the outputs) and ``base_samples`` (N used).
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    names = list(priors)
    if not names:
        raise InputError("no uncertain parameters to analyse (every prior is fixed)")
    n_base = 1 << max(1, math.ceil(math.log2(max(2, int(base_samples)))))
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    unit = sobol_sample.sample(problem, n_base, calc_second_order=False, seed=seed)
    y, tick = np.empty(unit.shape[0]), on_progress or (lambda n: None)
    for a in range(0, unit.shape[0], EVAL_CHUNK):
        b = min(a + EVAL_CHUNK, unit.shape[0])
        y[a:b] = model({n: prior_ppf(priors[n], unit[a:b, j]) for j, n in enumerate(names)})
        tick(b - a)
    if not np.all(np.isfinite(y)):
        raise InputError(
            "the output is not finite for some parameter values "
            "(e.g. a variable that is 0 or infinite); choose another --output"
        )
    if np.ptp(y) == 0.0:
        raise InputError("the output does not vary with the uncertain parameters")
    res = sobol_analyze.analyze(
        problem,
        y,
        calc_second_order=False,
        num_resamples=num_resamples,
        conf_level=conf_level,
        seed=seed,
    )
    return {
        key: np.asarray(res[key], dtype=np.float64) for key in ("S1", "S1_conf", "ST", "ST_conf")
    } | {"Y": y, "base_samples": n_base}


@dataclass(frozen=True)
class SensitivityResult:
    """Sensitivity of Y = log10 ``output`` in ``year`` to each uncertain parameter.

    Lists run over ``parameters``, ranked: by ST (Sobol) or by |swing| (OAT), largest first.

    Attributes
    ----------
    output, year, method, scenario : str, int, {"sobol", "oat"}, str (the scenario's name)
    parameters : list of str
        Key paths of the uncertain priors, ranked.
    S1, S1_conf, ST, ST_conf : list of float or None
        Sobol indices [1] and the half-widths of their confidence intervals; None for OAT.
    conf_level : float
        Confidence level of the intervals [1].
    base_samples, model_runs, seed : int
        N of the Sobol design, model evaluations in all (0 and 2D + 1 for OAT), seed.
    median_log10 : float
        Y with every parameter at its median [log10 unit of the output].
    low_log10, high_log10, swing : list of float
        Y with the parameter at its 5th / 95th percentile, others at their medians, and
        high − low [log10 units, i.e. orders of magnitude].
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
    low_log10: list[float]
    high_log10: list[float]
    swing: list[float]

    def to_dict(self) -> dict:
        """JSON-ready dict: ``output``, ``year``, ``parameters``, ``S1``, ``S1_conf``,
        ``ST``, ``ST_conf`` and the rest of the attributes."""
        return asdict(self)

    def frame(self) -> pd.DataFrame:
        """The ranked table: rank, parameter, S1, S1_conf, ST, ST_conf (Sobol only),
        low_log10, high_log10, swing."""
        cols = ("S1", "S1_conf", "ST", "ST_conf") if self.method == "sobol" else ()
        data = {"rank": range(1, len(self.parameters) + 1), "parameter": self.parameters}
        data |= {c: getattr(self, c) for c in (*cols, "low_log10", "high_log10", "swing")}
        return pd.DataFrame(data)


def oat_swings(
    scenario: Scenario, output: str, year: int, names: list[str] | None = None
) -> tuple[float, np.ndarray, np.ndarray]:
    """One-at-a-time swings of log10 ``output`` in ``year``.

    Returns
    -------
    median_log10 : float
        Every parameter at its median [log10 unit].
    low_log10, high_log10 : numpy.ndarray
        Per parameter of ``names`` (default: the uncertain ones), at its 5th / 95th
        percentile with the others at their medians [log10 unit].
    """
    names = uncertain_parameters(scenario) if names is None else names
    rows = 1 + 2 * len(names)
    values = {}
    for j, name in enumerate(names):
        prior = scenario.priors[name]
        col = np.full(rows, prior.ppf(0.5))
        col[1 + 2 * j], col[2 + 2 * j] = prior.ppf(OAT_LOW), prior.ppf(OAT_HIGH)
        values[name] = col
    y = log10_output(scenario, output, year)(values)
    return float(y[0]), y[1::2].copy(), y[2::2].copy()


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
        A variable of scalesim.dims.VARIABLES (e.g. ``largest_run_flop``).
    year : int
        Calendar year of the output [year].
    method : {"sobol", "oat"}
        "sobol": Sobol indices and the OAT swings; "oat": the swings only.
    base_samples : int, optional
        N of the Sobol design (default :data:`DEFAULT_BASE_SAMPLES`), rounded up to a
        power of 2 [samples].
    seed : int, optional
        Default: the scenario's seed.
    num_resamples, conf_level
        Bootstrap of the confidence intervals (see :func:`sobol_analysis`).
    on_progress : callable, optional
        Called with the number of model runs done after each chunk.

    Returns
    -------
    SensitivityResult
    """
    if method not in METHODS:
        raise InputError(f"--method: expected one of {', '.join(METHODS)}, got {method!r}")
    _year_index(scenario, year)  # unknown outputs: evaluate() says so
    if base_samples is not None and not 2 <= base_samples <= MAX_BASE_SAMPLES:
        raise InputError(
            f"--samples: must be between 2 and {MAX_BASE_SAMPLES:,}, got {base_samples}"
        )
    seed = scenario.seed if seed is None else int(seed)
    names = uncertain_parameters(scenario)
    if not names:
        raise InputError("no uncertain parameters to analyse (every prior is fixed)")
    median, low, high = oat_swings(scenario, output, year, names)
    with np.errstate(invalid="ignore"):  # inf − inf where an output is infinite
        swing = high - low
    s1 = s1c = st = stc = None
    n_base, runs, order = 0, 1 + 2 * len(names), np.argsort(-np.abs(swing), kind="stable")
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
        median_log10=median,
        low_log10=ranked(low),
        high_log10=ranked(high),
        swing=ranked(swing),
    )


__all__ = [
    "METHODS",
    "SensitivityResult",
    "evaluate",
    "log10_output",
    "oat_swings",
    "output_names",
    "prior_ppf",
    "sensitivity_analysis",
    "sobol_analysis",
    "uncertain_parameters",
]
