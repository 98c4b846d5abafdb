"""The per-prior figures of ``scalesim explain``: quantiles given the event, the
Kolmogorov–Smirnov distance and the event median's place (regional sensitivity analysis,
Spear & Hornberger 1980), and the bound on P when no sample or every sample has the event.

The event median's place is its mid-rank in the prior: the mean of the shares of samples
below it and at or below it. For a discrete prior (``choice:``) the event does not shift,
the median falls on one of the values, which holds a whole share of the samples: the share
at or below it alone would read above 0.5 (p67 for three equally likely values), the
mid-rank reads 0.5.

References: Spear & Hornberger 1980, "Eutrophication in Peel Inlet II", Water Research 14:
43–49; Clopper & Pearson 1934, "The use of confidence or fiducial limits illustrated in the
case of the binomial", Biometrika 26: 404–413; Hanley & Lippman-Hand 1983, "If nothing goes
wrong, is everything all right?", JAMA 249: 1743–1745 (the rule of three).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Probabilities of the quantiles shown (p10, p50, p90).
QUANTILES = (0.1, 0.5, 0.9)
#: Two-sample Kolmogorov–Smirnov coefficient c(0.05) of the 5% critical value.
KS_C95 = 1.358
#: Confidence of the one-sided bound on P when no sample or every sample has the event [1].
CONFIDENCE = 0.95


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
        The event median's mid-rank place among all samples: the mean of the shares of
        samples below it and at or below it [1] (0.5: no shift, ties included).
    """

    parameter: str
    unit: str
    quantiles: tuple[float, float, float]
    event_quantiles: tuple[float, float, float] | None
    ks: float | None
    event_median_quantile: float | None


def probability_bound(events: int, samples: int) -> float | None:
    """One-sided 95% bound on P where no sample or every sample has the event.

    Parameters
    ----------
    events, samples : int
        Samples with the event and all samples [samples].

    Returns
    -------
    float or None
        1 − 0.05^(1/n), the exact (Clopper–Pearson) upper bound, when ``events`` is 0;
        0.05^(1/n), the lower bound, when it is ``samples``; None otherwise [1]. For large n
        they are 3/n and 1 − 3/n (the "rule of three": −ln 0.05 = 2.996).
    """
    if samples < 1 or 0 < events < samples:
        return None
    upper = -math.expm1(math.log(1.0 - CONFIDENCE) / samples)  # 1 − 0.05^(1/n), no cancellation
    return upper if events == 0 else 1.0 - upper


def parameter_shift(name: str, x: np.ndarray, y: np.ndarray, unit: str) -> ParameterShift:
    """How one prior differs between the samples with the event and all samples.

    One sort of the prior's values gives every figure: quantiles, the KS distance (the same
    number as :func:`ks_distance` on the two subsets) and the event median's place.

    Parameters
    ----------
    name, unit : str
        Key path and unit of the prior (carried into the result).
    x : numpy.ndarray of float64, shape (n,)
        Its values [unit].
    y : numpy.ndarray of bool, shape (n,)
        The event.

    Returns
    -------
    ParameterShift
    """
    order = np.argsort(x, kind="stable")
    xs, ys = x[order], y[order]
    del order
    n = xs.size
    q_all = tuple(float(v) for v in np.quantile(xs, QUANTILES))
    m = int(np.count_nonzero(ys))
    if m == 0:
        return ParameterShift(name, unit, q_all, None, None, None)
    q_event = tuple(float(v) for v in np.quantile(xs[ys], QUANTILES))
    below = np.searchsorted(xs, q_event[1], side="left")  # samples < the event median
    at_or_below = np.searchsorted(xs, q_event[1], side="right")
    median_q = float((below + at_or_below) / 2 / n)
    ks = _ks_sorted(xs, ys, m) if m < n else None
    return ParameterShift(name, unit, q_all, q_event, ks, median_q)


def _ks_sorted(xs: np.ndarray, ys: np.ndarray, m: int, step: int = 1 << 16) -> float:
    """sup |F_event − F_other| from the sorted values and the event in their order, taken at
    the last value of each run of ties, in slices of ``step`` samples (bounded working
    memory) [1]."""
    n = xs.size
    ks, before = 0.0, 0
    for a in range(0, n, step):
        b = min(a + step, n)
        events = before + np.cumsum(ys[a:b], dtype=np.int64)  # event samples in xs[: i + 1]
        before = int(events[-1])
        last = np.ones(b - a, dtype=bool)  # xs[i] is the last of its run of ties
        c = min(b, n - 1)
        last[: c - a] = xs[a + 1 : c + 1] != xs[a:c]
        seen = np.arange(a + 1, b + 1)[last]  # samples in xs[: i + 1]
        events = events[last]
        if events.size:
            gap = np.abs(events / m - (seen - events) / (n - m))
            ks = max(ks, float(gap.max()))
    return ks


def ks_distance(a: np.ndarray, b: np.ndarray) -> float:
    """Two-sample Kolmogorov–Smirnov distance sup |F_a − F_b| (ties handled).

    Parameters
    ----------
    a, b : numpy.ndarray
        The two samples.

    Returns
    -------
    float
        The distance [1], from 0 (same empirical distributions) to 1 (disjoint).
    """
    a, b = np.sort(a), np.sort(b)
    points = np.concatenate([a, b])
    fa = np.searchsorted(a, points, side="right") / a.size
    fb = np.searchsorted(b, points, side="right") / b.size
    return float(np.max(np.abs(fa - fb)))


__all__ = [
    "CONFIDENCE",
    "KS_C95",
    "QUANTILES",
    "ParameterShift",
    "ks_distance",
    "parameter_shift",
    "probability_bound",
]
