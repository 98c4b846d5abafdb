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
   1999): starting from every sample, repeatedly peel off the :data:`PEEL` share of the
   samples inside at the low or high end of one prior, whichever peel leaves the highest
   share of event samples inside, until no peel raises it or the box holds less than
   :data:`MIN_COVERAGE` of the event. Peeling is limited to 1, 2 or 3 priors (the first
   ones peeled), one trajectory each; from each trajectory, of its boxes that restrict
   exactly that many priors, the one with the best balance of coverage (share of event
   samples inside) and density (share of samples inside with the event), their harmonic
   mean, is reported. No pasting. Boxes are fitted on at most
   :data:`PRIM_SAMPLES` samples and their coverage and density counted on all of them.

Every sample comes from :func:`scalesim.engine.run.run` (the one orchestration) and its prior
values from :func:`scalesim.scenario.priors.draw` with the same seed, which is what that run
draws (a test checks it against the run's own outputs).

References: Friedman & Fisher 1999, "Bump hunting in high-dimensional data", Statistics and
Computing 9: 123–143; Spear & Hornberger 1980, "Eutrophication in Peel Inlet II",
Water Research 14: 43–49; Bryant & Lempert 2010, "Thinking inside the box", Technological
Forecasting and Social Change 77: 34–49 (PRIM for scenario discovery).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np

from scalesim.analysis.events import compile_event, evaluate
from scalesim.engine.run import run
from scalesim.model.variables import variables_of
from scalesim.scenario.loader import Scenario, load_scenario
from scalesim.scenario.priors import draw

#: Probabilities of the quantiles shown (p10, p50, p90).
QUANTILES = (0.1, 0.5, 0.9)
#: Share of the samples inside a box peeled off in one PRIM step (Friedman & Fisher's alpha;
#: they recommend 0.05–0.1).
PEEL = 0.05
#: Peeling stops when a box holds less than this share of the event samples.
MIN_COVERAGE = 0.2
#: Peeling stops when a box holds fewer samples [samples].
MIN_INSIDE = 20
#: Most priors one box restricts.
MAX_BOX_PARAMETERS = 3
#: Samples PRIM is fitted on at most (the first ones: draws are independent) [samples].
PRIM_SAMPLES = 100_000
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
class BoxBound:
    """One prior's range in a box: ``low <= value <= high`` (None: that side is open).

    Attributes
    ----------
    parameter, unit : str
    low, high : float or None
        Bounds [unit]: the smallest and largest value inside the box on a peeled side.
    low_quantile, high_quantile : float or None
        The bounds' places in the prior: share of all samples below ``low`` and at or below
        ``high`` [1].
    """

    parameter: str
    unit: str
    low: float | None
    high: float | None
    low_quantile: float | None
    high_quantile: float | None


@dataclass(frozen=True)
class Box:
    """A PRIM box: ranges of 1–3 priors.

    Attributes
    ----------
    bounds : tuple of BoxBound
        In the order the priors were first peeled.
    coverage : float
        Share of the event samples inside the box [1].
    density : float
        Share of the samples inside the box with the event [1].
    support : float
        Share of all samples inside the box [1].
    """

    bounds: tuple[BoxBound, ...]
    coverage: float
    density: float
    support: float


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
        """JSON-ready: lists and finite numbers (None stays null)."""
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
    q_all = tuple(float(v) for v in np.quantile(x, QUANTILES))
    inside = x[y]
    if inside.size == 0:
        return ParameterShift(name, unit, q_all, None, None, None)
    q_event = tuple(float(v) for v in np.quantile(inside, QUANTILES))
    ordered = np.sort(x)
    median_q = float(np.searchsorted(ordered, q_event[1], side="right") / x.size)
    outside = x[~y]
    ks = ks_distance(inside, outside) if outside.size else None
    return ParameterShift(name, unit, q_all, q_event, ks, median_q)


def ks_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sample Kolmogorov–Smirnov distance sup |F_a − F_b| (ties handled) [1]."""
    a, b = np.sort(a), np.sort(b)
    points = np.concatenate([a, b])
    fa = np.searchsorted(a, points, side="right") / a.size
    fb = np.searchsorted(b, points, side="right") / b.size
    return float(np.max(np.abs(fa - fb)))


# --- PRIM -----------------------------------------------------------------------------------


def prim_boxes(
    x: np.ndarray,
    y: np.ndarray,
    names: list[str],
    units: dict[str, str] | None = None,
    *,
    max_parameters: int = MAX_BOX_PARAMETERS,
) -> tuple[Box, ...]:
    """PRIM boxes restricting at most 1, 2, ... ``max_parameters`` priors.

    Parameters
    ----------
    x : numpy.ndarray, shape (parameter, sample)
        Prior values [their units].
    y : numpy.ndarray of bool, shape (sample,)
        The event.
    names : list of str
        Key paths of the rows of ``x``.
    units : dict, optional
        Units of the priors (carried into the bounds).
    max_parameters : int
        Largest number of priors a box restricts.

    Returns
    -------
    tuple of Box
        One per limit k: of the boxes on its trajectory that restrict exactly k priors, the
        one with the best harmonic mean of coverage and density; none for a k the trajectory
        never reaches; duplicates dropped.
    """
    units = units or {}
    fit_x, fit_y = x[:, :PRIM_SAMPLES], y[:PRIM_SAMPLES]
    total = int(np.count_nonzero(fit_y))
    sorted_x = np.sort(x, axis=1)
    boxes: list[Box] = []
    seen = set()
    for limit in range(1, min(max_parameters, x.shape[0]) + 1):
        trajectory = [box for box in peel(fit_x, fit_y, limit) if len(box[2]) == limit]
        if not trajectory:
            continue
        lo, hi, order, _, _ = max(trajectory, key=lambda box: _score(box[3], box[4], total))
        key = tuple((j, lo[j], hi[j]) for j in sorted(order))
        if key in seen:
            continue
        seen.add(key)
        inside = _inside(x, lo, hi, order)
        n_in, n_event = int(np.count_nonzero(inside)), int(np.count_nonzero(y & inside))
        bounds = tuple(
            BoxBound(
                names[j],
                units.get(names[j], ""),
                None if lo[j] == -np.inf else float(lo[j]),
                None if hi[j] == np.inf else float(hi[j]),
                None
                if lo[j] == -np.inf
                else float(np.searchsorted(sorted_x[j], lo[j], side="left") / x.shape[1]),
                None
                if hi[j] == np.inf
                else float(np.searchsorted(sorted_x[j], hi[j], side="right") / x.shape[1]),
            )
            for j in order
        )
        boxes.append(
            Box(
                bounds,
                coverage=n_event / int(np.count_nonzero(y)),
                density=n_event / n_in if n_in else 0.0,
                support=n_in / x.shape[1],
            )
        )
    return tuple(boxes)


def _inside(x, lo, hi, order) -> np.ndarray:
    inside = np.ones(x.shape[1], dtype=bool)
    for j in order:
        inside &= (x[j] >= lo[j]) & (x[j] <= hi[j])
    return inside


def _score(n_event: int, n_in: int, total: int) -> float:
    """Harmonic mean of coverage and density (the F1 score of the box as a classifier)."""
    return 2.0 * n_event / (n_in + total) if n_in + total else 0.0


def peel(x: np.ndarray, y: np.ndarray, limit: int) -> list[tuple]:
    """A PRIM peeling trajectory with at most ``limit`` priors restricted.

    Parameters
    ----------
    x : numpy.ndarray, shape (parameter, sample)
    y : numpy.ndarray of bool, shape (sample,)
    limit : int
        Once ``limit`` priors are restricted, only they are peeled further.

    Returns
    -------
    list of (low, high, order, events, inside)
        Each box of the trajectory, the first one holding every sample: per-prior bounds
        (arrays, ±inf where open), the restricted priors in the order first peeled, and the
        counts of event samples and of all samples inside [samples]. A sample is inside
        when ``low <= value <= high`` for every prior.
    """
    d = x.shape[0]
    lo, hi = np.full(d, -np.inf), np.full(d, np.inf)
    order: list[int] = []
    total = int(np.count_nonzero(y))
    xin, yin = x, y
    trajectory = [(lo.copy(), hi.copy(), tuple(order), total, y.size)]
    while True:
        m = yin.size
        events = int(np.count_nonzero(yin))
        if events == m or m < 2 * MIN_INSIDE or events < MIN_COVERAGE * total:
            break
        density = events / m
        k = max(1, int(PEEL * m))
        best = None
        for j in order if len(order) >= limit else range(d):
            v = xin[j]
            part = np.partition(v, (k - 1, m - k))
            for side, keep in ((0, v > part[k - 1]), (1, v < part[m - k])):
                kept = int(np.count_nonzero(keep))
                if kept < MIN_INSIDE or kept == m:
                    continue
                gain = int(np.count_nonzero(yin & keep)) / kept
                rank = (gain, kept, -j, -side)
                if best is None or rank > best[0]:
                    best = (rank, j, side, keep)
        if best is None or best[0][0] <= density:
            break
        _, j, side, keep = best
        xin, yin = xin[:, keep], yin[keep]
        if side == 0:
            lo[j] = xin[j].min()
        else:
            hi[j] = xin[j].max()
        if j not in order:
            order.append(j)
        trajectory.append(
            (lo.copy(), hi.copy(), tuple(order), int(np.count_nonzero(yin)), yin.size)
        )
    return trajectory


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
