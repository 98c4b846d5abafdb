"""The data-constrained scaling law and the compute equivalent of a data-limited run.

Loss L(N, D) = E + A / N'^α + B / D'^β (Besiroglu et al. 2024's constants) with the
effective data and parameters of Muennighoff et al. 2023, "Scaling data-constrained
language models":

- D' = U_D + U_D · R*_D · (1 − exp(−R_D / R*_D)), R_D = D / U_D − 1 repetitions beyond
  the first epoch (D' = D while D <= U_D);
- N' = U_N + U_N · R*_N · (1 − exp(−R_N / R*_N)), R_N = N / U_N − 1, where U_N is the
  compute-optimal parameter count for U_D tokens (N' = N while N <= U_N).

On the law's own compute-optimal frontier (unlimited data, C = 6 N D),
N_opt(C) = G · (C/6)^(β/(α+β)), D_opt = (C/6) / N_opt, G = (αA / (βB))^(1/(α+β)), and
L*(C) = E + K · (C/6)^(−γ) with γ = αβ / (α+β) and K = A · G^(−α) + B · G^β.
"""

from __future__ import annotations

import math

LN6 = math.log(6.0)
#: Golden-section steps of the search over ln N: the bracket of width 2 · 8 shrinks to
#: 16 · 0.618^40 ≈ 6e-8 in ln N, far below any effect on the loss.
_STEPS = 40
_HALF_WIDTH = 8.0  # ln N searched within e^±8 (~3,000x) of the unlimited-data optimum
_INV_PHI = (math.sqrt(5.0) - 1.0) / 2.0


def _frontier(law, *, xp):
    """ln G, γ and ln K of the compute-optimal frontier."""
    alpha, beta = law.alpha, law.beta
    log_g = (xp.log(alpha * law.a) - xp.log(beta * law.b)) / (alpha + beta)
    gamma = alpha * beta / (alpha + beta)
    log_k = xp.log(law.a * xp.exp(-alpha * log_g) + law.b * xp.exp(beta * log_g))
    return log_g, gamma, log_k


def log_optimal_parameters(log_flop, law, *, xp):
    """ln N_opt(C) on the unlimited-data frontier [ln parameters]."""
    log_g, _, _ = _frontier(law, xp=xp)
    return log_g + law.beta / (law.alpha + law.beta) * (log_flop - LN6)


def reducible_loss(log_params, log_tokens, log_unique, law, *, xp):
    """L − E of a run of N parameters on D tokens drawn from U unique ones [1].

    Parameters
    ----------
    log_params, log_tokens : array
        ln N [ln parameters] and ln D, tokens seen [ln token].
    log_unique : array
        ln U_D, unique tokens available [ln token].
    law : ScalingLaw
        ``a``, ``b``, ``alpha``, ``beta``, ``reuse_decay_data`` R*_D and
        ``reuse_decay_parameters`` R*_N.

    Returns
    -------
    array
        A / N'^α + B / D'^β [1].
    """
    log_g, _, _ = _frontier(law, xp=xp)
    a_exp = law.beta / (law.alpha + law.beta)
    b_exp = law.alpha / (law.alpha + law.beta)
    # Effective data: repetitions beyond the first epoch are worth less and less.
    r_d = xp.exp(xp.maximum(log_tokens - log_unique, xp.zeros_like(log_tokens))) - 1.0
    rs_d = law.reuse_decay_data
    log_d_eff = log_unique + xp.log1p(-rs_d * xp.expm1(-r_d / rs_d))
    log_d_eff = xp.where(log_tokens <= log_unique, log_tokens, log_d_eff)
    # Effective parameters: beyond the compute-optimal size for U_D, excess parameters decay.
    log_un = log_g + (a_exp / b_exp) * (log_g + log_unique)  # N_opt for D = U_D
    r_n = xp.exp(xp.maximum(log_params - log_un, xp.zeros_like(log_params))) - 1.0
    rs_n = law.reuse_decay_parameters
    log_n_eff = log_un + xp.log1p(-rs_n * xp.expm1(-r_n / rs_n))
    log_n_eff = xp.where(log_params <= log_un, log_params, log_n_eff)
    return law.a * xp.exp(-law.alpha * log_n_eff) + law.b * xp.exp(-law.beta * log_d_eff)


def log_data_wall_equivalent(log_flop, log_unique, law, *, xp):
    """Compute that reaches, with unlimited data, the loss of a run limited to U tokens.

    The run spends C FLOP on U unique tokens repeated as needed, choosing N (and
    D = C / (6N)) to minimise the data-constrained loss (a golden-section search over
    ln N); C_eq is the compute on the compute-optimal frontier with that loss,
    C_eq = 6 · (K / (L − E))^(1/γ). It equals C when data does not bind (D_opt(C) <= U)
    and never exceeds it.

    Parameters
    ----------
    log_flop : array, shape (sample, year)
        ln C, pretraining compute [ln FLOP].
    log_unique : array, shape (sample, year)
        ln U, unique tokens available [ln token].
    law : ScalingLaw
        The law's constants (see :func:`reducible_loss`).
    xp : namespace
        Array API namespace.

    Returns
    -------
    array, shape (sample, year)
        ln C_eq [ln FLOP]; −inf where C = 0.

    References
    ----------
    Muennighoff et al. 2023: R*_D ≈ 15.4, R*_N ≈ 5.3. Besiroglu et al. 2024, "Chinchilla
    scaling: a replication attempt": E=1.82, A=482.01, B=2085.43, α=0.3478, β=0.3658.
    """
    log_flop, log_unique = (
        log_flop + xp.zeros_like(log_unique),
        log_unique + xp.zeros_like(log_flop),
    )
    _, gamma, log_k = _frontier(law, xp=xp)
    finite = log_flop > -math.inf
    safe_flop = xp.where(finite, log_flop, xp.zeros_like(log_flop))

    def loss(x):
        return reducible_loss(x, safe_flop - LN6 - x, log_unique, law, xp=xp)

    centre = log_optimal_parameters(safe_flop, law, xp=xp)
    lo, hi = centre - _HALF_WIDTH, centre + _HALF_WIDTH
    x1 = hi - _INV_PHI * (hi - lo)
    x2 = lo + _INV_PHI * (hi - lo)
    f1, f2 = loss(x1), loss(x2)
    for _ in range(_STEPS):
        left = f1 <= f2  # the minimum lies in [lo, x2]
        hi = xp.where(left, x2, hi)
        lo = xp.where(left, lo, x1)
        new = xp.where(left, hi - _INV_PHI * (hi - lo), lo + _INV_PHI * (hi - lo))
        f_new = loss(new)
        x2, f2, x1, f1 = (
            xp.where(left, x1, new),
            xp.where(left, f1, f_new),
            xp.where(left, new, x2),
            xp.where(left, f_new, f2),
        )
    best = xp.minimum(f1, f2)
    best = xp.minimum(best, loss(centre))  # the unlimited-data optimum, if data suffices
    log_eq = LN6 + (log_k - xp.log(best)) / gamma
    result = xp.minimum(log_eq, safe_flop)
    # No pretraining compute (f_syn = 1): nothing to be equivalent to, C_eq = 0.
    return xp.where(finite, result, log_flop)


#: Bisection steps for the inference-aware optimum: the bracket (< 50 wide in ln D for any
#: ratio below 1e20) shrinks below 1e-17, past float64's resolution of ln D.
_BISECTIONS = 64


def log_inference_overtraining(tokens_ratio, law, *, xp):
    """ln κ: tokens per parameter of the inference-aware optimum over the compute-optimal.

    Sardana & Frankle 2023 choose N and D that reach a loss ℓ at the least training plus
    lifetime inference compute, 6·N·D + 2·N·D_inf. Under L = E + A/N^α + B/D^β the
    Lagrange condition is α·x / (β·y) = 1 + D_inf / (3D), x = A/N^α, y = B/D^β,
    x + y = ℓ − E. With D_inf = r · D_opt, D_opt the compute-optimal tokens of the same
    loss (where α·x = β·y), and d = ln(D / D_opt), it reduces to

        (1 + α/β) · (1 − e^(−β·d)) = (r/3) · e^(−(1+β)·d),

    which does not depend on ℓ, A or B: the overtraining factor is scale-free. Then
    N / N_opt = (1 + (α/β)(1 − e^(−β·d)))^(−1/α) and κ = (D/D_opt) / (N/N_opt):

        ln κ = d + ln(1 + (α/β)(1 − e^(−β·d))) / α.

    r = 0 gives d = 0 and κ = 1 exactly (the compute-optimal k); for large r,
    D / D_opt grows like r^(1/(1+β)).

    Parameters
    ----------
    tokens_ratio : array, shape (sample, 1)
        r = D_inf / D_opt, lifetime inference tokens over compute-optimal training tokens
        [1], >= 0.
    law : ScalingLaw
        ``alpha`` and ``beta``, the law's exponents [1].
    xp : namespace
        Array API namespace.

    Returns
    -------
    array, shape (sample, 1)
        ln κ [1], >= 0.

    References
    ----------
    Sardana, Portes, Doubov & Frankle 2023, "Beyond Chinchilla-Optimal: Accounting for
    Inference in Language Model Scaling Laws" (arXiv 2401.00448), eq. 2.
    """
    alpha, beta = law.alpha, law.beta
    ratio = alpha / beta
    third = tokens_ratio / 3.0

    def excess(d):  # increasing in d; < 0 at d = 0 when r > 0
        return (1.0 + ratio) * -xp.expm1(-beta * d) - third * xp.exp(-(1.0 + beta) * d)

    lo = xp.zeros_like(tokens_ratio + alpha + beta)
    # At this d, e^(−βd) <= 1/2 and e^(−d) <= 1/(1+r): the left side is > 1/2, the right < 1/3.
    hi = lo + xp.log1p(tokens_ratio) + math.log(2.0) / beta
    for _ in range(_BISECTIONS):
        mid = 0.5 * (lo + hi)
        above = excess(mid) > 0.0
        hi = xp.where(above, mid, hi)
        lo = xp.where(above, lo, mid)
    d = lo  # exactly 0 when r = 0: every midpoint is then above the root
    return d + xp.log1p(ratio * -xp.expm1(-beta * d)) / alpha
