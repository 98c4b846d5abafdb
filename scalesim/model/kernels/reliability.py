"""Reliability in the engine: goodput of a run interpolated from a simulated table."""

from __future__ import annotations


def goodput_at(accelerators, table_sizes, table_goodput, xp):
    """Goodput at any cluster size: linear in log(accelerators), clamped at the table ends.

    Only array-API calls, so it applies to per-sample arrays on any backend.

    Parameters
    ----------
    accelerators : array
        Accelerators per run, any shape [-].
    table_sizes, table_goodput : array
        1-D, strictly increasing cluster sizes [-] and the goodput at each [fraction].
    xp : namespace
        Array API namespace of the arrays.

    Returns
    -------
    array
        Goodput, shaped like ``accelerators`` [fraction]; float64 unless ``accelerators``
        is floating, then its dtype.
    """
    dtype = accelerators.dtype if xp.isdtype(accelerators.dtype, "real floating") else xp.float64
    x = xp.log(xp.astype(accelerators, dtype))
    sizes = xp.log(xp.astype(table_sizes, dtype))
    goodput = xp.astype(table_goodput, dtype)
    if sizes.shape[0] == 1:
        return xp.zeros_like(x) + goodput[0]
    flat = xp.reshape(xp.clip(x, min=sizes[0], max=sizes[-1]), (-1,))
    i = xp.clip(xp.searchsorted(sizes, flat, side="right") - 1, min=0, max=sizes.shape[0] - 2)
    x0, x1 = xp.take(sizes, i), xp.take(sizes, i + 1)
    y0, y1 = xp.take(goodput, i), xp.take(goodput, i + 1)
    return xp.reshape(y0 + (flat - x0) / (x1 - x0) * (y1 - y0), x.shape)


def log_derate(log_accelerators, log_sizes, log_capacity, *, xp):
    """Share of the hardware's compute that a run turns into useful training.

    From a goodput table g(N) the useful accelerator count is N · g(N); a developer would
    not use more accelerators than help, so capacity H(N) = max over N' <= N of N' · g(N')
    (``log_capacity``, non-decreasing). Interpolated linearly in log–log, constant beyond the
    table, and the derate is H(N) / N.

    Parameters
    ----------
    log_accelerators : array, any shape
        ln N, accelerators the hardware ceilings imply [ln count].
    log_sizes : array, shape (size,)
        ln of the table's cluster sizes, increasing [ln count].
    log_capacity : array, shape (size,)
        ln H at those sizes [ln count].

    Returns
    -------
    array, like ``log_accelerators``
        ln(H(N) / N) [1], <= 0.
    """
    x = xp.reshape(log_accelerators, (-1,))
    lo, hi = log_sizes[0], log_sizes[-1]
    clipped = xp.clip(x, min=lo, max=hi)
    n = log_sizes.shape[0]
    i = xp.clip(xp.searchsorted(log_sizes, clipped, side="right") - 1, min=0, max=n - 2)
    x0, x1 = xp.take(log_sizes, i), xp.take(log_sizes, i + 1)
    y0, y1 = xp.take(log_capacity, i), xp.take(log_capacity, i + 1)
    log_h = y0 + (clipped - x0) / (x1 - x0) * (y1 - y0)
    # Below the table: the smallest size's goodput; above it: capacity saturates.
    log_h = xp.where(x < lo, log_capacity[0] - lo + x, log_h)
    derate = xp.minimum(log_h - x, xp.zeros_like(x))
    return xp.reshape(derate, log_accelerators.shape)
