"""Axis order, variable names, units and descriptions: the output contract's vocabulary."""

from __future__ import annotations

SAMPLE_AXIS = 0
YEAR_AXIS = 1

#: name -> (canonical unit, description). Order is the order of tables and files.
VARIABLES: dict[str, tuple[str, str]] = {
    "gdp_usd": ("USD", "World GDP"),
    "spend_usd": ("USD", "Cost of the largest training run"),
    "flop_per_usd": ("FLOP/USD", "Training FLOP per USD of run cost"),
    "budget_flop": ("FLOP", "Compute the spending buys"),
    "training_flop": (
        "FLOP",
        "Compute left for training after synthetic-data generation (C_train)",
    ),
    "algorithmic_multiplier": ("dimensionless", "Algorithmic efficiency multiplier"),
    "human_tokens": ("token", "Unique quality-filtered human tokens (U)"),
    "human_effective_tokens": ("token", "Human tokens with epoch reuse (D_h)"),
    "synthetic_tokens": ("token", "Synthetic tokens in human-token equivalents (q D_s)"),
    "available_tokens": ("token", "Training tokens available (D)"),
    "data_demand_tokens": ("token", "Tokens a run on C_train needs (D_req)"),
    "data_limited_flop": ("FLOP", "Largest run the available data supports (C_data)"),
    "power_flop": ("FLOP", "Largest run the power available to one run supports"),
    "chips_flop": ("FLOP", "Largest run the chips one run can use support"),
    "latency_flop": ("FLOP", "Largest run the latency wall allows"),
    "accelerators": ("H100e", "Accelerators the hardware ceilings imply (with reliability)"),
    "goodput": ("dimensionless", "Useful share of the hardware's compute (with reliability)"),
    "largest_run_flop": ("FLOP", "Largest feasible training run"),
    "effective_compute_flop": ("FLOP", "Largest run times the algorithmic multiplier"),
    "data_wall_equivalent_flop": (
        "FLOP",
        "Compute reaching the data-limited loss with unlimited data",
    ),
    "capability_equivalent_flop": ("FLOP", "Effective compute times the post-training gain"),
}

#: Variables that only exist when a scenario has the matching constraint.
CONSTRAINT_VARIABLES = ("power_flop", "chips_flop", "latency_flop")
#: Variables that only exist when a scenario has a ``reliability:`` group.
RELIABILITY_VARIABLES = ("accelerators", "goodput")

#: Codes of binding_constraint, in code order.
CONSTRAINTS = ("compute", "data", "power", "chips", "latency")

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
