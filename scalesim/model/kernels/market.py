"""Data bought with money (ARCHITECTURE.md, Data): a share of the largest run's cost buys
licensed or private tokens at a price per token, up to the private stock for sale.

Per year t (per largest run: a licence is paid by the run that uses it, not accumulated):

- tokens bought T(t) = min(s_mkt · spend(t) / p_mkt, U_mkt(t)), U_mkt(t) = U_mkt0 · Π g_mkt;
- their cost M(t) = T(t) · p_mkt <= s_mkt · spend(t) (money the stock cannot absorb stays
  with compute);
- the compute budget is bought with what is left, (spend(t) − M(t)) · flop_per_usd(t), so
  no dollar is counted twice;
- T(t) joins the unique human tokens U(t) before epoch reuse.

Pure array-API functions on ln values.
"""

from __future__ import annotations


def log_market_tokens(market, log_spend, grid, *, xp):
    """ln T = min(ln s_mkt + ln spend − ln p_mkt, ln U_mkt(t)) [ln token].

    Parameters
    ----------
    market : Market
        ``share`` s_mkt [1], ``price`` p_mkt [USD/token], ``log_stock0`` ln U_mkt0
        [ln token], ``growth`` (Rate of the stock [1/year]).
    log_spend : array, shape (sample, year)
        ln spend(t), cost of the largest run [ln USD].
    grid : Grid
        Years of the run.
    xp : namespace
        Array API namespace.

    Returns
    -------
    array, shape (sample, year)
        ln T [ln token]; −inf when s_mkt = 0.
    """
    bought = xp.log(market.share) + log_spend - xp.log(market.price)
    stock = market.log_stock0 + market.growth.cumulative(grid.dt, xp=xp)
    return xp.minimum(bought, stock)


def log_market_spend(log_tokens, price, *, xp):
    """ln M = ln T + ln p_mkt [ln USD]: the cost of the tokens bought (−inf when none)."""
    return log_tokens + xp.log(price)


def log_spend_left(log_spend, log_market_spend, share, *, xp):
    """ln(spend − M) = ln spend + ln(1 − M / spend) [ln USD]: what buys compute.

    M / spend is at most s_mkt (clamped there against rounding, which could otherwise carry
    it past 1 when s_mkt = 1). Exactly ln spend when M = 0 (log1p(−0) = 0), so a zero share
    changes no number; −inf when the whole cost goes to data (s_mkt = 1).

    Parameters
    ----------
    log_spend : array, shape (sample, year)
        ln spend(t) [ln USD].
    log_market_spend : array, shape (sample, year)
        ln M(t), the cost of the tokens bought [ln USD].
    share : array, shape (sample, 1)
        s_mkt [1].
    xp : namespace
        Array API namespace.

    Returns
    -------
    array, shape (sample, year)
        ln(spend − M) [ln USD].
    """
    ratio = xp.minimum(xp.exp(log_market_spend - log_spend), share)
    return log_spend + xp.log1p(-ratio)


__all__ = ["log_market_spend", "log_market_tokens", "log_spend_left"]
