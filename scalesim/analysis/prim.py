"""PRIM boxes: ranges of a few priors where an event concentrates (patient rule induction).

Starting from every sample, repeatedly peel off the :data:`PEEL` share of the samples inside
the box at the low or the high end of one prior, whichever peel leaves the highest share of
event samples inside (density), until no peel raises it or the box holds less than
:data:`MIN_COVERAGE` of the event samples (coverage) or fewer than :data:`MIN_INSIDE`
samples. A trajectory may restrict at most k priors (the first ones peeled); for each k from
1 to :data:`MAX_BOX_PARAMETERS`, of the boxes on its trajectory that restrict exactly k
priors the one with the best harmonic mean of coverage and density (its F1 score as a
classifier of the event) is reported. No pasting. Boxes are fitted on at most
:data:`PRIM_SAMPLES` samples (the first ones: draws are independent) and their coverage and
density counted on all of them.

References: Friedman & Fisher 1999, "Bump hunting in high-dimensional data", Statistics and
Computing 9: 123–143; Bryant & Lempert 2010, "Thinking inside the box", Technological
Forecasting and Social Change 77: 34–49 (PRIM for scenario discovery).
"""

from __future__ import annotations

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
    "MIN_COVERAGE",
    "MIN_INSIDE",
    "PEEL",
    "PRIM_SAMPLES",
    "Box",
    "BoxBound",
    "peel",
    "prim_boxes",
]
