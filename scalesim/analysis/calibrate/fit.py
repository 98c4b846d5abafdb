"""Array-API fitting kernels for calibration and backtests.

Pure functions ``f(..., *, xp)``: only ``xp.*`` calls, no loops over samples or resamples,
so they run unchanged on NumPy, CuPy (through array_api_compat) and array_api_strict.
Randomness (bootstrap counts, resampling offsets, predictive noise) is drawn on the host and
passed in. Shapes: ``n`` observations, ``B`` bootstrap resamples, ``M`` prior draws, ``Y``
observed years, ``P`` scored points, ``S`` predictive samples.
"""

from __future__ import annotations

import math

LN10 = math.log(10.0)


def line_fit(x, y, weights, *, xp):
    """Weighted least squares of ``y = a + b·x`` for B weight vectors in one operation.

    A bootstrap resample is the weight vector of its counts (how often each observation
    was drawn), so B resamples are fitted with three matrix-vector products.

    Parameters
    ----------
    x : array, shape (n,)
        Abscissae, e.g. decimal years [year].
    y : array, shape (n,)
        Ordinates, e.g. log10 training compute [log10 FLOP].
    weights : array, shape (B, n) or (n,)
        Non-negative weights (bootstrap counts) [1].
    xp : namespace
        Array API namespace.

    Returns
    -------
    intercept : array, shape (B,)
        ``a`` [unit of y].
    slope : array, shape (B,)
        ``b`` [unit of y per unit of x]; NaN where the weighted x has no spread.
    scale : array, shape (B,)
        Residual standard deviation ``sqrt(Σ w r² / (Σ w − 2))`` [unit of y].
    """
    w = weights if weights.ndim == 2 else xp.reshape(weights, (1, weights.shape[0]))
    x0, y0 = xp.mean(x), xp.mean(y)
    xc, yc = x - x0, y - y0  # centred: the moments below do not cancel catastrophically
    sw = xp.sum(w, axis=1)
    mx = xp.matmul(w, xc) / sw
    my = xp.matmul(w, yc) / sw
    sxx = xp.matmul(w, xc * xc) / sw - mx * mx
    sxy = xp.matmul(w, xc * yc) / sw - mx * my
    slope = sxy / sxx
    intercept = (my + y0) - slope * (mx + x0)
    # Residuals directly (not Syy − b·Sxy, whose cancellation leaves ~1e-8 on a perfect line).
    resid = yc - (
        xp.reshape(my, (-1, 1)) + xp.reshape(slope, (-1, 1)) * (xc - xp.reshape(mx, (-1, 1)))
    )
    rss = xp.sum(w * resid * resid, axis=1)
    scale = xp.sqrt(rss / (sw - 2.0))
    return intercept, slope, scale


def wls(design, y, weights, *, xp):
    """General weighted least squares for B weight vectors: solve ``(XᵀWX) β = XᵀWy``.

    Parameters
    ----------
    design : array, shape (n, p)
        Design matrix X (e.g. columns 1 and x for a line).
    y : array, shape (n,)
        Observations.
    weights : array, shape (B, n) or (n,)
        Non-negative weights (bootstrap counts).
    xp : namespace
        Array API namespace (with the ``linalg`` extension).

    Returns
    -------
    array, shape (B, p)
        Coefficients β of each weight vector.
    """
    w = weights if weights.ndim == 2 else xp.reshape(weights, (1, weights.shape[0]))
    n, p = design.shape
    wx = xp.reshape(w, (w.shape[0], n, 1)) * xp.reshape(design, (1, n, p))
    xtwx = xp.matmul(xp.reshape(xp.matrix_transpose(design), (1, p, n)), wx)
    xtwy = xp.matmul(w * y, design)
    beta = xp.linalg.solve(xtwx, xp.reshape(xtwy, (w.shape[0], p, 1)))
    return xp.reshape(beta, (w.shape[0], p))


def frontier_top_k(release_year, compute, k, *, xp):
    """Runs among the ``k`` largest by compute at their release (Epoch AI's frontier rule).

    A run is frontier when fewer than ``k`` runs released no later than it have strictly
    more training compute.

    Parameters
    ----------
    release_year : array, shape (n,)
        Release dates as decimal years [year].
    compute : array, shape (n,)
        Training compute [FLOP] (any monotone transform, e.g. log10, gives the same).
    k : int
        How many runs count as the frontier at any date.
    xp : namespace
        Array API namespace.

    Returns
    -------
    array of bool, shape (n,)

    References
    ----------
    Epoch AI 2024, "Training compute of frontier AI models grows by 4-5x per year"
    (frontier = top 10 by training compute at release).
    """
    earlier = xp.reshape(release_year, (1, -1)) <= xp.reshape(release_year, (-1, 1))
    bigger = xp.reshape(compute, (1, -1)) > xp.reshape(compute, (-1, 1))
    above = xp.sum(xp.astype(xp.logical_and(earlier, bigger), xp.int64), axis=1)
    return above < k


def quantile(x, q, *, xp):
    """Quantiles along the last axis, linear interpolation (NumPy's default method).

    Parameters
    ----------
    x : array, shape (..., n)
        Values; ±inf allowed (a quantile that lands on them is ±inf).
    q : sequence of float
        Probabilities in [0, 1].
    xp : namespace
        Array API namespace.

    Returns
    -------
    array, shape (..., len(q))
    """
    s = xp.sort(x, axis=-1)
    n = s.shape[-1]
    cols = []
    for p in q:
        pos = float(p) * (n - 1)
        lo = int(math.floor(pos))
        hi = min(lo + 1, n - 1)
        frac = pos - lo
        a, b = s[..., lo], s[..., hi]
        if frac == 0.0:
            cols.append(a)
        else:
            cols.append(xp.where(a == b, a, a + (b - a) * frac))
    return xp.stack(cols, axis=-1)


def weighted_quantile(x, w, q, *, xp):
    """Quantiles of a weighted sample: the inverse of its weighted empirical CDF.

    With equal weights this is NumPy's ``method="inverted_cdf"``.

    Parameters
    ----------
    x : array, shape (n,)
        Values.
    w : array, shape (n,)
        Non-negative weights with a positive sum.
    q : sequence of float
        Probabilities in (0, 1].
    xp : namespace
        Array API namespace.

    Returns
    -------
    array, shape (len(q),)
    """
    order = xp.argsort(x)
    xs, ws = xp.take(x, order), xp.take(w, order)
    cw = xp.cumulative_sum(ws)
    targets = xp.asarray([float(p) for p in q], dtype=cw.dtype) * cw[-1]
    idx = xp.searchsorted(cw, targets, side="left")
    idx = xp.clip(idx, min=0, max=x.shape[0] - 1)
    return xp.take(xs, idx)


def gaussian_loglik(predicted, observed, sigma, *, xp):
    """Log-likelihood of observations under normal scatter about a prediction.

    In log10 units this is log-normal scatter of the quantity itself. Missing observations
    (NaN) do not count.

    Parameters
    ----------
    predicted : array, shape (M, Y)
        Predicted values, one row per prior draw [log10 unit].
    observed : array, shape (Y,)
        Observations, NaN where missing [log10 unit].
    sigma : float or array, shape (Y,)
        Scatter (standard deviation) [log10 unit] > 0.
    xp : namespace
        Array API namespace.

    Returns
    -------
    array, shape (M,)
        Σ_y −½ ((obs_y − pred_y) / σ_y)², up to a constant.
    """
    seen = xp.isfinite(observed)
    obs = xp.where(seen, observed, xp.zeros_like(observed))
    z = (predicted - obs) / sigma
    return -0.5 * xp.sum(xp.where(seen, z * z, xp.zeros_like(z)), axis=1)


def normalised_weights(loglik, *, xp):
    """Importance weights from log-likelihoods: ``w = exp(ll − max ll) / Σ``.

    Parameters
    ----------
    loglik : array, shape (M,)
    xp : namespace

    Returns
    -------
    array, shape (M,)
        Weights summing to 1 (draws with ``-inf`` log-likelihood get 0).
    """
    w = xp.exp(loglik - xp.max(loglik))
    return w / xp.sum(w)


def effective_sample_size(weights, *, xp):
    """Kish's effective sample size ``(Σ w)² / Σ w²`` [samples], a 0-d array."""
    s = xp.sum(weights)
    return s * s / xp.sum(weights * weights)


def systematic_resample(weights, offset, m, *, xp):
    """Indices of a systematic resample: one uniform offset, ``m`` evenly spaced draws.

    Parameters
    ----------
    weights : array, shape (M,)
        Non-negative weights with a positive sum.
    offset : float
        Uniform draw in [0, 1) (from the host's Generator).
    m : int
        Number of indices wanted.
    xp : namespace

    Returns
    -------
    array of int, shape (m,)
        Index of the draw selected at each position; draw i appears about ``m·w_i`` times.

    References
    ----------
    Kitagawa 1996, "Monte Carlo filter and smoother for non-Gaussian nonlinear state space
    models", J. Comput. Graph. Stat. 5(1).
    """
    cw = xp.cumulative_sum(weights)
    cw = cw / cw[-1]
    positions = (xp.arange(m, dtype=cw.dtype) + float(offset)) / m
    idx = xp.searchsorted(cw, positions, side="right")
    return xp.clip(idx, min=0, max=weights.shape[0] - 1)


def crps_ensemble(samples, observed, *, xp):
    """Continuous ranked probability score of a predictive sample, per point.

    ``CRPS(F, y) = E|X − y| − ½ E|X − X'|``, with the second term computed exactly from the
    sorted sample: ``½ E|X − X'| = Σ_i (2i − S + 1) x_(i) / S²`` (i from 0).

    Parameters
    ----------
    samples : array, shape (P, S)
        Predictive draws per point [log10 FLOP].
    observed : array, shape (P,)
        Observed value per point [log10 FLOP].
    xp : namespace

    Returns
    -------
    array, shape (P,)
        CRPS [log10 FLOP]; lower is better, 0 for a point mass on the observation.

    References
    ----------
    Gneiting & Raftery 2007, "Strictly proper scoring rules, prediction, and estimation",
    JASA 102(477).
    """
    s = samples.shape[1]
    spread = xp.mean(xp.abs(samples - xp.reshape(observed, (-1, 1))), axis=1)
    ordered = xp.sort(samples, axis=1)
    coef = 2.0 * xp.arange(s, dtype=ordered.dtype) - (s - 1)
    half_pair = xp.sum(ordered * coef, axis=1) / (s * s)
    return spread - half_pair


def log10_from_ln(value, *, xp):
    """log10 of a quantity given its natural log (kernels of scalesim.kernels return ln)."""
    return value / LN10
