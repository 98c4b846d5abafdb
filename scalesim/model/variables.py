"""Axis order, variable names, units and descriptions: the output contract's vocabulary."""

from __future__ import annotations

from scalesim.model import constraints as registry

SAMPLE_AXIS = 0
YEAR_AXIS = 1

#: name -> (canonical unit, description) of the variables every run has, in the order of
#: tables and files. The ceilings' own variables (power_flop, ...) come from the registry:
#: see :func:`variables_of`.
BASE_VARIABLES: dict[str, tuple[str, str]] = {
    "gdp_usd": ("USD", "World GDP"),
    "spend_usd": ("USD", "Cost of the largest training run"),
    "flop_per_usd": ("FLOP/USD", "Training FLOP per USD of run cost"),
    "budget_flop": ("FLOP", "Compute the spending buys"),
    "training_flop": ("FLOP", "Compute for pretraining (C_pre)"),
    "algorithmic_multiplier": ("dimensionless", "Algorithmic efficiency multiplier"),
    "human_tokens": ("token", "Quality-filtered human tokens (U)"),
    "human_effective_tokens": ("token", "Human tokens with epoch reuse (D_h)"),
    "synthetic_tokens": ("token", "Synthetic tokens in human-token equivalents (q D_s)"),
    "available_tokens": ("token", "Training tokens available (D)"),
    "data_demand_tokens": ("token", "Tokens the hardware-feasible run needs (D_req)"),
    "data_limited_flop": ("FLOP", "Largest run the available data supports (C_data)"),
    "market_tokens": (
        "token",
        "Licensed or private tokens the year's largest run buys (T, not cumulative)",
    ),
    "market_spend_usd": ("USD", "Cost of the tokens bought (M = T p_mkt), part of spend_usd"),
}
#: Variables after the ceilings' own.
AFTER_CEILINGS: dict[str, tuple[str, str]] = {
    "accelerators": ("chip", "Accelerators the hardware ceilings imply (with reliability)"),
    "goodput": ("dimensionless", "Useful share of the hardware's compute (with reliability)"),
    "largest_run_flop": ("FLOP", "Largest feasible training run"),
    "parameters": ("dimensionless", "Parameters of the largest run, sqrt(C / 6k)"),
    "training_tokens": ("token", "Training tokens of the largest run, k times its parameters"),
    "rl_flop": ("FLOP", "Compute for RL post-training (C_rl = f_rl budget)"),
    "effective_compute_flop": ("FLOP", "Largest run times the algorithmic multiplier"),
    "data_wall_equivalent_flop": (
        "FLOP",
        "Compute reaching the data-limited loss with unlimited data",
    ),
    "capability_equivalent_flop": ("FLOP", "Effective compute times the post-training gain"),
}
#: Variables that only exist when a scenario has a ``reliability:`` group.
RELIABILITY_VARIABLES = ("accelerators", "goodput")
#: Variables that only exist when a scenario has an ``rl:`` group.
RL_VARIABLES = ("rl_flop",)
#: Variables that only exist when a scenario has a ``data.market:`` group.
MARKET_VARIABLES = ("market_tokens", "market_spend_usd")


def variables_of(
    ceilings=None, reliability: bool = True, rl: bool = True, market: bool = False
) -> dict[str, tuple[str, str]]:
    """Name -> (unit, description) of a run's variables, in table order.

    Parameters
    ----------
    ceilings : sequence of Ceiling, optional
        The run's ceilings (default: every registered one).
    reliability : bool
        Whether the run has the reliability variables.
    rl : bool
        Whether the run has the RL variables (an ``rl:`` group).
    market : bool
        Whether the run has the data-market variables (a ``data.market:`` group).
    """
    ceilings = registry.ceilings() if ceilings is None else ceilings
    out = {k: v for k, v in BASE_VARIABLES.items() if market or k not in MARKET_VARIABLES}
    for c in ceilings:
        if c.variable not in out:
            out[c.variable] = ("FLOP", c.description)
    for name, value in AFTER_CEILINGS.items():
        if (reliability or name not in RELIABILITY_VARIABLES) and (rl or name not in RL_VARIABLES):
            out[name] = value
    return out


#: Every variable of a run with every registered ceiling, reliability and the data market
#: (the vocabulary).
VARIABLES = variables_of(market=True)

#: Variables summarised by default (ARCHITECTURE.md, "Memory, summaries and speed").
HEADLINE = (
    "largest_run_flop",
    "effective_compute_flop",
    "budget_flop",
    "data_limited_flop",
    "human_effective_tokens",
    "data_demand_tokens",
    "spend_usd",
    "flop_per_usd",
)

#: Years shown in the CLI summary table.
TABLE_YEARS = (2025, 2030, 2035, 2040, 2050)
