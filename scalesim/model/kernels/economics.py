"""Economics: GDP, spending on the largest run, FLOP per dollar, compute budget.

All functions return natural logarithms of the quantity named in their docstring; their
parameters are the typed bundles of :mod:`scalesim.model.bundles`.
"""

from __future__ import annotations


def log_gdp(economy, grid, *, xp):
    """World GDP, GDP(t) = GDP0 · Π g_gdp (a multiplier per year, e.g. 1.03).

    Parameters
    ----------
    economy : Economy
        ``gdp0`` [USD], ``gdp_growth`` (Rate of ln GDP [1/year]).
    grid : Grid
        ``dt``, years since the base year, shape (1, year) [year].
    xp : namespace
        Array API namespace.

    Returns
    -------
    array, shape (sample, year)
        ln GDP(t) [ln USD].
    """
    return xp.log(economy.gdp0) + economy.gdp_growth.cumulative(grid.dt, xp=xp)


def log_spend(spending, log_gdp_t, grid, *, xp):
    """Cost of the largest run, spend(t) = min(S0 · Π g_s, share_max · GDP(t)).

    Parameters
    ----------
    spending : Spending
        ``spend0`` S0 [USD], ``growth`` (Rate [1/year]), ``max_share_of_gdp`` [1].
    log_gdp_t : array, shape (sample, year)
        ln GDP(t) [ln USD].
    grid : Grid
        Years of the run.

    Returns
    -------
    array, shape (sample, year)
        ln spend(t) [ln USD].

    References
    ----------
    Cottier et al. 2024, "The rising costs of training frontier AI models".
    Cotra 2020, "Forecasting TAI with biological anchors" (GDP cap).
    """
    trend = xp.log(spending.spend0) + spending.growth.cumulative(grid.dt, xp=xp)
    return xp.minimum(trend, xp.log(spending.max_share_of_gdp) + log_gdp_t)


def log_flop_per_usd(hardware, grid, *, xp):
    """Training FLOP per dollar, P(t) = min(P0 · 2^(Σ 1/T_hw), P_max).

    Parameters
    ----------
    hardware : Hardware
        ``flop_per_usd0`` P0 [FLOP/USD], ``growth`` (Rate ln 2 / T_hw [1/year]),
        ``max_flop_per_usd`` P_max [FLOP/USD], the physical ceiling.
    grid : Grid
        Years of the run.

    Returns
    -------
    array, shape (sample, year)
        ln P(t) [ln (FLOP/USD)].

    References
    ----------
    Hobbhahn & Besiroglu 2022, "Trends in GPU price-performance".
    Ho, Erdil & Besiroglu 2023, "Limits to the energy efficiency of CMOS microprocessors".
    """
    trend = xp.log(hardware.flop_per_usd0) + hardware.growth.cumulative(grid.dt, xp=xp)
    return xp.minimum(trend, xp.log(hardware.max_flop_per_usd))


def log_pretraining_flop(log_budget, synthetic_share, *, xp):
    """Compute left for pretraining, C_pre = (1 − f_syn) · budget.

    Parameters
    ----------
    log_budget : array, shape (sample, year)
        ln budget_flop(t) = ln spend + ln P [ln FLOP].
    synthetic_share : array, shape (sample, 1)
        f_syn, share of the budget spent generating synthetic data [1].

    Returns
    -------
    array, shape (sample, year)
        ln C_pre [ln FLOP] (−inf when f_syn = 1).
    """
    return log_budget + xp.log1p(-synthetic_share)
