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
