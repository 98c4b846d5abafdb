"""Milestones: when a run's compute first meets a requirement (ARCHITECTURE.md, Milestones).

Pure array-API functions. A sample reaches a milestone in the first year its metric (e.g.
effective compute) is at or above its requirement; the fractional arrival year interpolates
ln(metric / requirement) between that year and the one before, as the data-exhaustion year
does (scalesim.model.kernels.data.exhaustion_year).
"""

from __future__ import annotations

import math


def log_requirement(log_requirements, choice, *, xp):
    """ln of each sample's requirement: hypothesis ``choice`` of a mixture.

    Parameters
    ----------
    log_requirements : sequence of arrays, shape (sample, 1) or (1, 1)
        ln of each hypothesis' requirement [ln FLOP].
    choice : array, shape (sample, 1) or (1, 1), or None
        Index of the hypothesis that holds (float); ``len(log_requirements)`` means "no
        path" (+inf). None: the one requirement holds.

    Returns
    -------
    array, shape (sample, 1)
        ln requirement [ln FLOP]; +inf where no path.
    """
    if choice is None:
        return log_requirements[0]
    out = xp.full(choice.shape, math.inf, dtype=choice.dtype)
    for k, lr in enumerate(log_requirements):
        out = xp.where(choice == float(k), lr + xp.zeros_like(out), out)
    return out


def first_reached(log_metric, log_req, years, *, xp):
    """First year a sample's metric reaches its requirement, as an index and a fractional
    year.

    Parameters
    ----------
    log_metric : array, shape (sample, year)
        ln of the metric [ln FLOP].
    log_req : array, shape (sample, 1)
        ln of the requirement [ln FLOP] (+inf: never).
    years : array, shape (1, year)
        Calendar years, increasing [year].

    Returns
    -------
    index : array of int64, shape (sample,)
        Index of the first year with metric >= requirement; the number of years if never.
    arrival : array, shape (sample,)
        Fractional arrival year [year]: gap = ln(metric / requirement) interpolated linearly
        between the last year below 0 and the first at or above it (as
        scalesim.model.kernels.data.exhaustion_year); the first year when already reached
        then; +inf if never.
    """
    n_years = years.shape[1]
    # One pass for the comparison; the rest gathers one value per sample. metric >= req is
    # gap = metric − req >= 0 wherever req is finite (req > 0 FLOP, so ln req > −inf); where
    # req is +inf (no path) the gap is never >= 0, and the sample is set aside below.
    crossed = log_metric >= log_req
    first = xp.argmax(xp.astype(crossed, xp.int8), axis=1)  # 0 when never reached
    before = xp.where(first > 0, first - 1, first)
    # Each row's entries at those years, read from the flattened (sample, year) arrays.
    n = crossed.shape[0]
    row = xp.arange(n, dtype=first.dtype) * n_years
    req = xp.reshape(xp.broadcast_to(log_req, (n, 1)), (-1,))
    ever = xp.take(xp.reshape(crossed, (-1,)), row + first) & (req < math.inf)
    flat_metric = xp.reshape(xp.broadcast_to(log_metric, crossed.shape), (-1,))
    gap_at = xp.take(flat_metric, row + first) - req
    gap_before = xp.take(flat_metric, row + before) - req
    flat_years = xp.reshape(years, (-1,))
    year_at = xp.take(flat_years, first)
    year_before = xp.take(flat_years, before)
    # Samples never reaching it (gaps of −inf for "no path") are set aside before subtracting.
    gap_at = xp.where(ever, gap_at, xp.ones_like(gap_at))
    gap_before = xp.where(ever, gap_before, xp.zeros_like(gap_before))
    denom = gap_at - gap_before
    interpolating = ever & (denom > 0.0)
    safe = xp.where(interpolating, denom, xp.ones_like(denom))
    frac = xp.where(interpolating, gap_at / safe, xp.zeros_like(denom))
    arrival = year_at - frac * (year_at - year_before)
    index = xp.where(
        ever,
        xp.astype(first, xp.int64),
        xp.full(ever.shape, n_years, dtype=xp.int64),
    )
    return index, xp.where(ever, arrival, xp.full_like(arrival, math.inf))


__all__ = ["first_reached", "log_requirement"]
