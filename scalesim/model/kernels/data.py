"""Data: human stock by source, epoch reuse, synthetic data, data-limited compute.

All ``log_*`` functions return natural logarithms of the quantity named.
"""

from __future__ import annotations

import math

LN6 = math.log(6.0)


def log_source_tokens(log_stock0, growth, tokens_per_document_growth, quality, weight, dt, *, xp):
    """Text-equivalent tokens of one source, stock_i · q_i · w_i · (g_i · g_tpd,i)^Δ.

    Parameters
    ----------
    log_stock0 : array, shape (sample, 1)
        ln of the unique tokens in the base year (stock, or documents × tokens per
        document) [ln token].
    growth : array, shape (sample, 1)
        Multiplier per year of the stock or document count, g_i [1].
    tokens_per_document_growth : array, shape (sample, 1)
        Multiplier per year of tokens per document, g_tpd,i [1] (1 for a plain stock).
    quality : array, shape (sample, 1)
        Share kept after quality filtering, q_i [1].
    weight : array, shape (sample, 1)
        Text-equivalent weight, w_i [1].
    dt : array, shape (1, year)
        Years since the base year [year].

    Returns
    -------
    array, shape (sample, year)
        ln tokens [ln token].

    References
    ----------
    Villalobos et al. 2024, "Will we run out of data?": indexed web pages × tokens per page ×
    quality share, page count ×1.00–1.10/yr and page size ×1.02–1.04/yr.
    """
    rate = xp.log(growth) + xp.log(tokens_per_document_growth)
    return log_stock0 + xp.log(quality) + xp.log(weight) + dt * rate


def log_sum(logs, *, xp):
    """ln Σ exp(logs_i) over a list of same-shaped arrays (U(t) = Σ_sources ...)."""
    total = logs[0]
    for term in logs[1:]:
        total = xp.logaddexp(total, term)
    return total


def log_reuse_factor(epochs, reuse_decay, *, xp):
    """Value of E epochs over U unique tokens, in fresh-token equivalents per unique token.

    D_h / U = 1 + R* · (1 − exp(−(E − 1) / R*)).

    Parameters
    ----------
    epochs : array, shape (sample, 1)
        Epochs allowed, E >= 1 [1].
    reuse_decay : array, shape (sample, 1)
        R* [1].

    Returns
    -------
    array, shape (sample, 1)
        ln(D_h / U) [1].

    References
    ----------
    Muennighoff et al. 2023, "Scaling data-constrained language models": R*_D ≈ 15.4.
    """
    return xp.log1p(-reuse_decay * xp.expm1(-(epochs - 1.0) / reuse_decay))


def log_synthetic_tokens(log_budget, share, flop_per_token, quality, max_ratio, log_human, *, xp):
    """Synthetic tokens in human-token equivalents, q · min(f_syn · budget / c_gen, r_max · D_h).

    Parameters
    ----------
    log_budget : array, shape (sample, year)
        ln budget_flop [ln FLOP].
    share : array, shape (sample, 1)
        f_syn, share of the budget spent on generation [1].
    flop_per_token : array, shape (sample, 1)
        c_gen, FLOP per generated token [FLOP/token].
    quality : array, shape (sample, 1)
        q, value of a synthetic token in human tokens [1].
    max_ratio : array, shape (sample, 1)
        r_max, cap on D_s as a multiple of D_h [1].
    log_human : array, shape (sample, year)
        ln D_h [ln token].

    Returns
    -------
    array, shape (sample, year)
        ln(q · D_s) [ln token]; −inf when f_syn, q or r_max is 0.
    """
    bought = xp.log(share) + log_budget - xp.log(flop_per_token)
    return xp.log(quality) + xp.minimum(bought, xp.log(max_ratio) + log_human)


def log_data_demand(log_training, tokens_per_parameter, *, xp):
    """Tokens a run of C_train FLOP needs at k tokens per parameter, D_req = sqrt(k · C / 6).

    From C = 6 · N · D and N = D / k (Hoffmann et al. 2022).

    Parameters
    ----------
    log_training : array, shape (sample, year)
        ln C_train [ln FLOP].
    tokens_per_parameter : array, shape (sample, 1)
        k [token/parameter].

    Returns
    -------
    array, shape (sample, year)
        ln D_req [ln token].
    """
    return 0.5 * (xp.log(tokens_per_parameter) + log_training - LN6)


def log_data_limited_flop(log_tokens, tokens_per_parameter, *, xp):
    """Largest run D tokens support at k tokens per parameter, C_data = 6 · D² / k.

    Parameters
    ----------
    log_tokens : array, shape (sample, year)
        ln D, available tokens [ln token].
    tokens_per_parameter : array, shape (sample, 1)
        k [token/parameter].

    Returns
    -------
    array, shape (sample, year)
        ln C_data [ln FLOP].
    """
    return LN6 + 2.0 * log_tokens - xp.log(tokens_per_parameter)


def exhaustion_year(log_demand, log_human, years, *, xp):
    """Fractional year when the data demand first reaches the human stock (D_req = D_h).

    Interpolates gap = ln(D_req / D_h) linearly between the last year below 0 and the first
    at or above it, so annual steps do not bias the year by up to one.

    Parameters
    ----------
    log_demand, log_human : array, shape (sample, year)
        ln D_req and ln D_h [ln token].
    years : array, shape (1, year)
        Calendar years, increasing [year].

    Returns
    -------
    array, shape (sample,)
        The crossing [year]; the first year when already crossed then; +inf when it never
        happens by the last year.
    """
    gap = log_demand - log_human
    crossed = gap >= 0.0
    n_years = years.shape[1]
    ever = xp.any(crossed, axis=1, keepdims=True)
    first = xp.reshape(xp.argmax(xp.astype(crossed, xp.int8), axis=1), (-1, 1))
    before = xp.where(first > 0, first - 1, first)
    gap_at = xp.take_along_axis(gap, first, axis=1)
    gap_before = xp.take_along_axis(gap, before, axis=1)
    flat_years = xp.reshape(years, (-1,))
    year_at = xp.take(flat_years, xp.reshape(first, (-1,)))
    year_before = xp.take(flat_years, xp.reshape(before, (-1,)))
    gap_at, gap_before = xp.reshape(gap_at, (-1,)), xp.reshape(gap_before, (-1,))
    denom = gap_at - gap_before
    interpolating = denom > 0.0
    safe = xp.where(interpolating, denom, xp.ones_like(denom))
    frac = xp.where(interpolating, gap_at / safe, xp.zeros_like(denom))
    result = year_at - frac * (year_at - year_before)
    never = xp.full_like(result, math.inf)
    return xp.where(xp.reshape(ever, (-1,)), result, never) if n_years else never
