"""PRIM boxes: ranges of a few priors where an event concentrates (patient rule induction).

Starting from every sample, repeatedly peel off the :data:`PEEL` share of the samples inside
the box at the low or the high end of one prior, whichever peel leaves the highest share of
event samples inside (density), until no peel raises it or the box holds less than
:data:`MIN_COVERAGE` of the event samples (coverage) or fewer than :data:`MIN_INSIDE`
samples. A trajectory may restrict at most k priors (the first ones peeled); for each k from
1 to :data:`MAX_BOX_PARAMETERS`, of the boxes on its trajectory that restrict exactly k
priors the one with the best harmonic mean of coverage and density (its F1 score as a
classifier of the event) is a candidate. No pasting.

Boxes are fitted on the first half of the samples, at most :data:`PRIM_SAMPLES` of them
(draws are independent), and checked on the others, which did not choose them: a candidate
is reported only when every prior it restricts raises its density there by more than
:data:`Z_ADDS` Monte Carlo standard errors over the same box without that prior's range (for
a one-prior box: over all samples), and when its density beats every reported box on fewer
priors by more than :data:`Z_ADDS` standard errors of the difference. So a box over 2 or 3
priors whose extra ranges add nothing beyond noise is not reported. Coverage and density are
counted on all samples.

References: Friedman & Fisher 1999, "Bump hunting in high-dimensional data", Statistics and
Computing 9: 123–143; Bryant & Lempert 2010, "Thinking inside the box", Technological
Forecasting and Social Change 77: 34–49 (PRIM for scenario discovery; their "quasi-p-values"
test each restricted prior of a box the same way).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

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
#: A restricted prior must raise a box's density, on samples that did not fit the box, by
#: more than this many Monte Carlo standard errors (one-sided, about 2.3% by chance for a
#: prior that adds nothing) [1]; a box on more priors must beat the reported boxes on fewer
#: priors by as many standard errors of the difference.
Z_ADDS = 2.0


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


def prim_boxes(
    x,
    y: np.ndarray,
    names: list[str],
    units: dict[str, str] | None = None,
    *,
    max_parameters: int = MAX_BOX_PARAMETERS,
) -> tuple[Box, ...]:
    """PRIM boxes restricting at most 1, 2, ... ``max_parameters`` priors.

    Parameters
    ----------
    x : numpy.ndarray, shape (parameter, sample), or sequence of (sample,) arrays
        Prior values [their units]; a sequence is not copied into one array.
    y : numpy.ndarray of bool, shape (sample,)
        The event.
    names : list of str
        Key paths of the rows of ``x``.
    units : dict, optional
        Units of the priors (carried into the bounds).
    max_parameters : int
        Largest number of priors a box restricts [1].

    Returns
    -------
    tuple of Box
        At most one per limit k: of the boxes on its trajectory that restrict exactly k
        priors, the one with the best harmonic mean of coverage and density, reported only
        when every prior it restricts adds density beyond Monte Carlo noise and it is denser
        than the reported boxes on fewer priors (see the module's text); none for a k the
        trajectory never reaches; duplicates dropped.
    """
    units = units or {}
    rows = [np.asarray(row, dtype=np.float64).reshape(-1) for row in x]
    y = np.asarray(y, dtype=bool).reshape(-1)
    n = y.size
    fit = min(n // 2, PRIM_SAMPLES)
    fit_x, fit_y = np.stack([row[:fit] for row in rows]), y[:fit]
    total_fit, total = int(np.count_nonzero(fit_y)), int(np.count_nonzero(y))
    boxes: list[tuple[Box, int]] = []  # with the samples inside [samples]
    seen = set()
    for limit in range(1, min(max_parameters, len(rows)) + 1):
        trajectory = [box for box in peel(fit_x, fit_y, limit) if len(box[2]) == limit]
        if not trajectory:
            continue
        lo, hi, order, _, _ = max(trajectory, key=lambda b: _score(b[3], b[4], total_fit))
        key = tuple((j, lo[j], hi[j]) for j in sorted(order))
        if key in seen:
            continue
        seen.add(key)
        if min(_gains(rows, y, lo, hi, order, fit)) <= Z_ADDS:
            continue  # a restricted prior adds nothing beyond noise on the unseen samples
        inside = _inside(rows, lo, hi, order)
        n_in, n_event = int(np.count_nonzero(inside)), int(np.count_nonzero(y & inside))
        del inside
        density = n_event / n_in if n_in else 0.0
        if any(_z_difference(density, n_in, b.density, m) <= Z_ADDS for b, m in boxes):
            continue  # not denser than a box on fewer priors
        bounds = tuple(
            BoxBound(
                names[j],
                units.get(names[j], ""),
                None if lo[j] == -np.inf else float(lo[j]),
                None if hi[j] == np.inf else float(hi[j]),
                None if lo[j] == -np.inf else np.count_nonzero(rows[j] < lo[j]) / n,
                None if hi[j] == np.inf else np.count_nonzero(rows[j] <= hi[j]) / n,
            )
            for j in order
        )
        box = Box(bounds, coverage=n_event / total, density=density, support=n_in / n)
        boxes.append((box, n_in))
    return tuple(box for box, _ in boxes)


def _inside(rows, lo, hi, order, start: int = 0, skip: int | None = None) -> np.ndarray:
    """Whether each sample from ``start`` on is inside the box (``skip``: that prior's range
    left out)."""
    inside = np.ones(rows[0].size - start, dtype=bool)
    for j in order:
        if j != skip:
            v = rows[j][start:]
            inside &= v >= lo[j]
            inside &= v <= hi[j]
    return inside


def _gains(rows, y, lo, hi, order, start: int) -> list[float]:
    """For each restricted prior, how many Monte Carlo standard errors its range raises the
    box's density over the box without it, on the samples from ``start`` on [1].

    Without an effect, the event samples in the box are a random subset of those in the box
    without the prior's range: hypergeometric, mean n_b·p0 and variance
    n_b·p0·(1 − p0)·(n_j − n_b)/(n_j − 1) for n_b samples in the box, n_j in the larger box and
    p0 its density. 0 where the range removes no sample or the larger box's density is 0 or 1.
    """
    yt = y[start:]
    inside = _inside(rows, lo, hi, order, start)
    n_b, e_b = int(np.count_nonzero(inside)), int(np.count_nonzero(yt & inside))
    del inside
    gains = []
    for j in order:
        wider = _inside(rows, lo, hi, order, start, skip=j)
        n_j, e_j = int(np.count_nonzero(wider)), int(np.count_nonzero(yt & wider))
        p0 = e_j / n_j if n_j else 0.0
        var = n_b * p0 * (1.0 - p0) * (n_j - n_b) / (n_j - 1) if n_j > 1 else 0.0
        gains.append((e_b - n_b * p0) / math.sqrt(var) if var > 0 else 0.0)
    return gains


def _z_difference(d_new: float, n_new: int, d_old: float, n_old: int) -> float:
    """(d_new − d_old) in standard errors of the difference of two densities, taken as
    independent (conservative: the boxes share samples) [1]; 0 without variance."""
    var = d_new * (1.0 - d_new) / max(n_new, 1) + d_old * (1.0 - d_old) / max(n_old, 1)
    return (d_new - d_old) / math.sqrt(var) if var > 0 else 0.0


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
    "MIN_COVERAGE",
    "MIN_INSIDE",
    "PEEL",
    "PRIM_SAMPLES",
    "Z_ADDS",
    "Box",
    "BoxBound",
    "peel",
    "prim_boxes",
]
