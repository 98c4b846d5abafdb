"""Data: human stock by source, epoch reuse, synthetic data, data-limited compute.

All ``log_*`` functions return natural logarithms of the quantity named.
"""

from __future__ import annotations

import math

LN6 = math.log(6.0)


def log_source_tokens(source, grid, *, xp):
    """Text-equivalent tokens of one source, stock_i(t) · q_i · w_i.

    stock_i(t) = stock_i · Π g_i (· Π g_tpd,i when the stock is documents × tokens per
    document).

    Parameters
    ----------
    source : Source
        ``log_stock0`` ln tokens in the base year [ln token], ``growth`` (rates [1/year]),
        ``quality`` q_i [1], ``weight`` w_i [1].
    grid : Grid
        Years of the run.
    xp : namespace
        Array API namespace.

    Returns
    -------
    array, shape (sample, year)
        ln tokens [ln token].

    References
    ----------
    Villalobos et al. 2024, "Will we run out of data?": indexed web pages × tokens per page ×
    quality share, page count ×1.00–1.10/yr and page size ×1.02–1.04/yr.
    """
    out = source.log_stock0 + xp.log(source.quality) + xp.log(source.weight)
    for rate in source.growth:
        out = out + rate.cumulative(grid.dt, xp=xp)
    return out


def log_human_effective_tokens(log_raw, log_effective, log_reuse, *, xp):
    """Human tokens with epoch reuse, D_h = U_raw · reuse + U_eff.

    Sources given as *effective* stocks (repetition already included, as Villalobos et
    al.'s) are not reused again.

    Parameters
    ----------
    log_raw : array or None
        ln of the unique tokens of the other sources [ln token]; None when there are none.
    log_effective : array or None
        ln of the effective sources' tokens [ln token]; None when there are none.
    log_reuse : array, shape (sample, 1)
        ln(D_h / U) of :func:`log_reuse_factor` [1].

    Returns
    -------
    array, shape (sample, year)
        ln D_h [ln token].
    """
    if log_raw is None:
        return log_effective
    reused = log_raw + log_reuse
    return reused if log_effective is None else xp.logaddexp(reused, log_effective)


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


def log_data_demand(log_hardware_flop, tokens_per_parameter, *, xp, demand=None, grid=None):
    """Tokens the largest run needs, D_req = sqrt(k · C_hw / 6).

    From C = 6 · N · D and N = D / k (Hoffmann et al. 2022), where C_hw is the pretraining
    compute the hardware allows (money, power, chips, latency, derated by goodput): data
    that money and hardware cannot use creates no demand. With a ``demand`` bundle, samples
    whose ``use_trend`` is >= 0.5 take the dataset-size trend D0 · Π g_D instead
    (Villalobos et al. 2024's second arm).

    Parameters
    ----------
    log_hardware_flop : array, shape (sample, year)
        ln C_hw [ln FLOP].
    tokens_per_parameter : array, shape (sample, 1)
        k [token/parameter].
    demand : Demand, optional
        ``dataset_size0`` D0 [token], ``growth`` (rate [1/year]), ``use_trend`` [1].
    grid : Grid, optional
        Years of the run (needed with ``demand``).

    Returns
    -------
    array, shape (sample, year)
        ln D_req [ln token].
    """
    from_compute = 0.5 * (xp.log(tokens_per_parameter) + log_hardware_flop - LN6)
    if demand is None:
        return from_compute
    trend = xp.log(demand.dataset_size0) + demand.growth.cumulative(grid.dt, xp=xp)
    return xp.where(demand.use_trend >= 0.5, trend + xp.zeros_like(from_compute), from_compute)


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
    first = xp.argmax(xp.astype(crossed, xp.int8), axis=1)  # 0 when none crossed
    before = xp.where(first > 0, first - 1, first)
    # Each row's entries at those years, read from the flattened (sample, year) arrays.
    row = xp.arange(gap.shape[0], dtype=first.dtype) * n_years
    ever = xp.take(xp.reshape(crossed, (-1,)), row + first)
    flat_gap = xp.reshape(gap, (-1,))
    gap_at, gap_before = xp.take(flat_gap, row + first), xp.take(flat_gap, row + before)
    flat_years = xp.reshape(years, (-1,))
    year_at = xp.take(flat_years, first)
    year_before = xp.take(flat_years, before)
    denom = gap_at - gap_before
    interpolating = denom > 0.0
    safe = xp.where(interpolating, denom, xp.ones_like(denom))
    frac = xp.where(interpolating, gap_at / safe, xp.zeros_like(denom))
    result = year_at - frac * (year_at - year_before)
    never = xp.full_like(result, math.inf)
    return xp.where(ever, result, never) if n_years else never
