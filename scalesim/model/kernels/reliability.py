"""Reliability in the engine: goodput of a run interpolated from a simulated table.

:func:`log_goodput_derate` is the per-sample derate of model v2; :func:`goodput_at` and
:func:`log_derate` apply one table of goodput by cluster size (model v1).
"""

from __future__ import annotations

import math


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


# --- Per-sample goodput (model v2): each sample's own MTBF, checkpoint and restart draws ---
#
# In units of the job's mean time between failures M_sys = M / N (M per accelerator),
# goodput depends only on x = δ / M_sys and y = R / M_sys (Daly 2006). The table is indexed
# by the two coordinates of a sample's ray through that plane as N grows:
#   z = x + y = N (δ + R) / M   (ln z is uniform on the grid; z grows in proportion to N)
#   w = sqrt(δ / (δ + R))       (uniform on [0, 1]; fixed per sample, 0: free checkpoints,
#                                1: instant restarts; the square root makes the first-order
#                                loss sqrt(2x) = sqrt(2z)·w linear in w)
# so that a sample's clusters of every size lie on one line w = const, and the capacity
# max over N' <= N of N' g(N') is a running maximum down each column of the table.

_LN_TINY = -690.0  # ln of the smallest cost per M_sys used for an empty cost [ln 1]
_TINY = 1e-300


def _log_expm1(a, xp):
    """ln(e^a − 1) for a > 0 without overflow."""
    small, big = xp.clip(a, max=1.0), xp.clip(a, min=1.0)
    return xp.where(a > 1.0, big + xp.log1p(-xp.exp(-big)), xp.log(xp.expm1(small)))


def log_daly_goodput(x, y, *, xp):
    """ln of Daly's (2006) goodput at his optimum interval, in units of M_sys.

    τ = sqrt(2x) · [1 + sqrt(x/2) / 3 + x / 18] − x for x < 2, else 1 (Daly's interval with
    δ = x, M = 1), and g = τ e^{−y} / (e^{τ + x} − 1), the exact long-run goodput of
    exponential failures that also strike during checkpoint writes and restarts. The
    limit x → 0 (free checkpoints) is g = e^{−y}.

    Parameters
    ----------
    x, y : array
        Checkpoint cost δ / M_sys and restart time R / M_sys, broadcastable [1].
    xp : namespace
        Array API namespace.

    Returns
    -------
    array
        ln g [ln fraction], <= 0.
    """
    x = xp.clip(x, min=_TINY)
    tau = xp.sqrt(2.0 * x) * (1.0 + xp.sqrt(0.5 * x) / 3.0 + x / 18.0) - x
    tau = xp.where(x < 2.0, tau, xp.ones_like(x))
    return xp.minimum(xp.log(tau) - _log_expm1(tau + x, xp) - y, xp.zeros_like(tau + y))


def _rays(log_accelerators, mtbf_hours, checkpoint_minutes, restart_minutes, xp):
    """ln z (sample, year), w, x / z and y / z (sample, 1) of each sample's clusters."""
    cost = xp.clip(checkpoint_minutes + restart_minutes, min=_TINY)
    share = checkpoint_minutes / cost  # δ / (δ + R)
    log_z = log_accelerators + xp.log(cost) - xp.log(60.0 * mtbf_hours)
    log_z = xp.clip(log_z, min=_LN_TINY)
    return log_z, xp.sqrt(share), share, 1.0 - share


def _bilinear(log_z, w, values, grid, xp):
    """Bilinear interpolation of ``values`` (n_z, n_w) at ln z (clamped) and w (per sample)."""
    n_z, n_w = values.shape
    fz = xp.clip(log_z, min=grid.log_cost_start, max=grid.log_cost_stop) - grid.log_cost_start
    fz = fz / grid.log_cost_step
    fw = xp.clip(w, min=0.0, max=1.0) * float(n_w - 1)
    i = xp.clip(xp.floor(fz), min=0.0, max=float(n_z - 2))
    j = xp.clip(xp.floor(fw), min=0.0, max=float(n_w - 2))
    a, b = fz - i, fw - j  # b, like w, stays (sample, 1)
    # Row i · n_w + j of ``corners``: the four nodes around cell (i, j); one gather.
    pad = xp.zeros((n_z - 1, 1), dtype=values.dtype)
    cells = (values[:-1, :-1], values[:-1, 1:], values[1:, :-1], values[1:, 1:])
    corners = xp.stack([xp.reshape(xp.concat([c, pad], axis=1), (-1,)) for c in cells], axis=1)
    k = xp.astype(i, xp.int64) * n_w + xp.astype(j, xp.int64)
    c = xp.reshape(xp.take(corners, xp.reshape(k, (-1,)), axis=0), (*k.shape, 4))
    low = c[..., 0] + b * (c[..., 1] - c[..., 0])
    high = c[..., 2] + b * (c[..., 3] - c[..., 2])
    return low + a * (high - low)


def _grid(table, xp, dtype):
    if table is None:
        from scalesim.model.reliability.goodput import per_sample_table

        table = per_sample_table()
    return (
        table,
        xp.asarray(table.log_goodput, dtype=dtype),
        xp.asarray(table.log_capacity, dtype=dtype),
    )


def log_goodput(
    log_accelerators, mtbf_hours, checkpoint_minutes, restart_minutes, *, xp, table=None
):
    """ln goodput of a run on N accelerators, per sample, without the capacity cap.

    Failures arrive at N / M; the run checkpoints at Daly's (2006) optimum interval for its
    δ and M_sys = M / N (Young's 1974 first order, sqrt(2 δ M_sys), plus Daly's higher-order
    terms). Inside the table (scalesim.model.reliability.goodput.per_sample_table) the
    SimPy model's goodput, bilinear in (ln z, w); outside it Daly's closed form
    (:func:`log_daly_goodput`), exact for the model's long-run goodput.

    Parameters
    ----------
    log_accelerators : array, shape (sample, year)
        ln N, accelerators in the run [ln count].
    mtbf_hours : array, shape (sample, 1) or (1, 1)
        Mean time between failures of one accelerator M [hour]; Meta (2024, Llama 3):
        ~50,700 h.
    checkpoint_minutes, restart_minutes : array, shape (sample, 1) or (1, 1)
        Checkpoint write cost δ and restart time R [minute].
    xp : namespace
        Array API namespace of the arrays.
    table : scalesim.model.reliability.goodput.GoodputGrid, optional
        Default: the cached SimPy table.

    Returns
    -------
    array, shape (sample, year)
        ln g [ln fraction], <= 0.
    """
    table, log_g, _ = _grid(table, xp, log_accelerators.dtype)
    log_z, w, sx, sy = _rays(log_accelerators, mtbf_hours, checkpoint_minutes, restart_minutes, xp)
    z = xp.exp(log_z)
    daly = log_daly_goodput(sx * z, sy * z, xp=xp)
    inside = (log_z >= table.log_cost_start) & (log_z <= table.log_cost_stop)
    return xp.where(inside, _bilinear(log_z, w, log_g, table, xp), daly)


def log_goodput_derate(
    log_accelerators, mtbf_hours, checkpoint_minutes, restart_minutes, *, xp, table=None
):
    """ln of the share of the hardware's compute a run turns into useful training, per sample.

    Each sample's goodput g(N) comes from its own MTBF, checkpoint-cost and restart-time
    draws (:func:`log_goodput`: the SimPy model at Daly's 2006 optimum interval, Daly's
    closed form past the table). A developer would not use more accelerators than help, so
    the useful accelerator count is the capacity H(N) = max over N' <= N of N' · g(N') and
    the derate is H(N) / N: <= 1, and adding hardware never reduces useful compute.

    N · g(N) = (M / (δ + R)) · z · g(z, w) with z = N (δ + R) / M and w = sqrt(δ / (δ + R))
    fixed per sample, so H is the running maximum of z · g down a column of constant w,
    tabulated once (scalesim.model.reliability.goodput.GoodputGrid); interpolating it
    bilinearly keeps it non-decreasing in N for every sample. Its maximum lies at
    z ≈ 0.8–1 (g ≈ 0.2–0.37), inside the table; past the table H stays at that maximum.
    Below the table (z < 1e-9, failures negligible) the goodput is Daly's closed form,
    shifted by the table's first row so that the derate is continuous.

    Parameters
    ----------
    log_accelerators : array, shape (sample, year)
        ln N, accelerators the hardware ceilings imply [ln count].
    mtbf_hours : array, shape (sample, 1) or (1, 1)
        Mean time between failures of one accelerator M [hour]; Meta (2024, Llama 3):
        419 interruptions in 54 days on 16,384 GPUs, ~50,700 h.
    checkpoint_minutes, restart_minutes : array, shape (sample, 1) or (1, 1)
        Checkpoint write cost δ and restart time R [minute].
    xp : namespace
        Array API namespace of the arrays.
    table : scalesim.model.reliability.goodput.GoodputGrid, optional
        Default: the cached SimPy table
        (scalesim.model.reliability.goodput.per_sample_table, built once per process).

    Returns
    -------
    array, shape (sample, year)
        ln(H(N) / N) [ln fraction], <= 0.

    References
    ----------
    J. W. Young, Commun. ACM 17(9), 1974. J. T. Daly, Future Generation Computer Systems
    22(3), 2006. Meta AI, "The Llama 3 Herd of Models", 2024, sec. 3.3.4.
    """
    table, _, log_k = _grid(table, xp, log_accelerators.dtype)
    log_z, w, sx, sy = _rays(log_accelerators, mtbf_hours, checkpoint_minutes, restart_minutes, xp)
    derate = _bilinear(log_z, w, log_k, table, xp) - log_z
    below = log_z < table.log_cost_start
    if bool(xp.any(below)):  # seldom in the engine: δ + R < 1e-9 M_sys, failures negligible
        # Daly's goodput, shifted to meet the table's first row (continuous in N).
        z0 = math.exp(table.log_cost_start)
        start = xp.full_like(w, table.log_cost_start)
        offset = _bilinear(start, w, log_k, table, xp) - table.log_cost_start
        offset = offset - log_daly_goodput(sx * z0, sy * z0, xp=xp)
        z = xp.exp(log_z)
        derate = xp.where(below, log_daly_goodput(sx * z, sy * z, xp=xp) + offset, derate)
    return xp.minimum(derate, xp.zeros_like(derate))
