"""Economics: GDP, spending on the largest run, FLOP per dollar, compute budget.

All functions return natural logarithms of the quantity named in their docstring.
"""

from __future__ import annotations

import math

LN2 = math.log(2.0)


def log_gdp(gdp0, gdp_growth, dt, *, xp):
    """World GDP, GDP(t) = GDP0 · (1 + g_gdp)^Δ.

    Parameters
    ----------
    gdp0 : array, shape (sample, 1)
        World GDP in the base year [USD].
    gdp_growth : array, shape (sample, 1)
        Growth rate per year [1/year, e.g. 0.03].
    dt : array, shape (1, year)
        Years since the base year, Δ [year].
    xp : namespace
        Array API namespace.

    Returns
    -------
    array, shape (sample, year)
        ln GDP(t) [ln USD].
    """
    return xp.log(gdp0) + dt * xp.log1p(gdp_growth)


def log_spend(spend0, spend_growth, max_share, log_gdp_t, dt, *, xp):
    """Cost of the largest run, spend(t) = min(S0 · g_s^Δ, share_max · GDP(t)).

    Parameters
    ----------
    spend0 : array, shape (sample, 1)
        Cost of the largest run in the base year, S0 [USD].
    spend_growth : array, shape (sample, 1)
        Multiplier per year, g_s [1].
    max_share : array, shape (sample, 1)
        Ceiling as a share of world GDP, share_max [1].
    log_gdp_t : array, shape (sample, year)
        ln GDP(t) [ln USD].
    dt : array, shape (1, year)
        Years since the base year [year].

    Returns
    -------
    array, shape (sample, year)
        ln spend(t) [ln USD].

    References
    ----------
    Cottier et al. 2024, "The rising costs of training frontier AI models".
    Cotra 2020, "Forecasting TAI with biological anchors" (GDP cap).
    """
    trend = xp.log(spend0) + dt * xp.log(spend_growth)
    return xp.minimum(trend, xp.log(max_share) + log_gdp_t)


def log_flop_per_usd(flop_per_usd0, doubling_years, max_flop_per_usd, dt, *, xp):
    """Training FLOP per dollar, P(t) = min(P0 · 2^(Δ / T_hw), P_max).

    Parameters
    ----------
    flop_per_usd0 : array, shape (sample, 1)
        P0 [FLOP/USD].
    doubling_years : array, shape (sample, 1)
        Doubling time T_hw [year].
    max_flop_per_usd : array, shape (sample, 1)
        Ceiling P_max [FLOP/USD]; inf for none.
    dt : array, shape (1, year)
        Years since the base year [year].

    Returns
    -------
    array, shape (sample, year)
        ln P(t) [ln (FLOP/USD)].

    References
    ----------
    Hobbhahn & Besiroglu 2022, "Trends in GPU price-performance".
    """
    trend = xp.log(flop_per_usd0) + dt * (LN2 / doubling_years)
    return xp.minimum(trend, xp.log(max_flop_per_usd))


def log_training_flop(log_budget, synthetic_share, *, xp):
    """Compute left for training, C_train = (1 − f_syn) · budget.

    Parameters
    ----------
    log_budget : array, shape (sample, year)
        ln budget_flop(t) = ln spend + ln P [ln FLOP].
    synthetic_share : array, shape (sample, 1)
        f_syn, share of the budget spent generating synthetic data [1].

    Returns
    -------
    array, shape (sample, year)
        ln C_train [ln FLOP] (−inf when f_syn = 1).
    """
    return log_budget + xp.log1p(-synthetic_share)
