"""Milestones: when a run's compute first meets a requirement (ARCHITECTURE.md, Milestones).

Pure array-API functions. A sample reaches a milestone in the first year its metric (e.g.
effective compute) is at or above its requirement; the fractional arrival year interpolates
ln(metric / requirement) between that year and the one before, as the data-exhaustion year
does (scalesim.model.kernels.data.exhaustion_year).
"""

from __future__ import annotations

import math

from scalesim.model.kernels.data import exhaustion_year


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
        Fractional arrival year [year]: interpolated in log between that year and the one
        before; the first year when already reached then; +inf if never.
    """
    n_years = years.shape[1]
    reached = log_metric >= log_req
    ever = xp.any(reached, axis=1)
    first = xp.argmax(xp.astype(reached, xp.int8), axis=1)
    index = xp.where(ever, xp.astype(first, xp.int64), xp.full_like(first, n_years, dtype=xp.int64))
    req = log_req + xp.zeros((log_metric.shape[0], 1), dtype=log_metric.dtype)
    # "No path" (+inf) never arrives; a finite stand-in keeps inf − inf out of the arithmetic.
    finite = xp.where(xp.isfinite(req), req, xp.zeros_like(req))
    arrival = exhaustion_year(log_metric, finite, years, xp=xp)
    return index, xp.where(ever, arrival, xp.full_like(arrival, math.inf))


__all__ = ["first_reached", "log_requirement"]
