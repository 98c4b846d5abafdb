"""How the web app shows each parameter: display unit and scale, widget, label."""

from __future__ import annotations

from dataclasses import dataclass

from scalesim.units import ureg


@dataclass(frozen=True)
class Display:
    """How a parameter is shown: unit label, canonical units per display unit, widget.

    ``widget`` is ``"slider"`` (a range slider for an interval prior, a plain slider for a
    fixed value, between ``lo`` and ``hi`` in steps of ``step``) or ``"number"`` (number
    inputs). ``fmt`` is the printf format Streamlit shows the widget's own value with (in the
    browser); every other number the app shows is written by :mod:`scalesim.present.text`.
    """

    unit: str
    factor: float = 1.0
    widget: str = "number"
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.01
    fmt: str = "%.3g"


def _per(unit: str, canonical: str) -> float:
    return float(ureg.Quantity(1, unit).to(canonical).magnitude)


DISPLAY: dict[str, Display] = {
    "economy.world_gdp": Display("trillion USD", 1e12, fmt="%.1f"),
    "economy.gdp_growth": Display("× per year", 1.0, "slider", 0.97, 1.1, 0.005, "%.3f"),
    "spending.largest_run": Display("million USD", 1e6, fmt="%.1f"),
    "spending.growth": Display("× per year", 1.0, "slider", 1.0, 5.0, 0.05, "%.2f"),
    "spending.max_share_of_gdp": Display("% of world GDP", 0.01, "slider", 0.0, 10.0, 0.05, "%.2f"),
    "hardware.flop_per_usd": Display("FLOP/USD", 1.0, fmt="%.3e"),
    "hardware.doubling_time": Display("years", 1.0, "slider", 0.25, 6.0, 0.05, "%.2f"),
    "hardware.max_flop_per_usd": Display("FLOP/USD", 1.0, fmt="%.3e"),
    "algorithms.halving_time": Display(
        "months", _per("month", "year"), "slider", 1.0, 48.0, 0.5, "%.1f"
    ),
    "algorithms.max_multiplier": Display("×", 1.0, fmt="%.3g"),
    "data.sources.*.stock": Display("tokens", 1.0, fmt="%.3e"),
    "data.sources.*.documents": Display("documents", 1.0, fmt="%.3e"),
    "data.sources.*.tokens_per_document": Display("tokens", 1.0, fmt="%.4g"),
    "data.sources.*.growth": Display("× per year", 1.0, "slider", 0.9, 1.6, 0.01, "%.2f"),
    "data.sources.*.tokens_per_document_growth": Display(
        "× per year", 1.0, "slider", 0.9, 1.3, 0.01, "%.2f"
    ),
    "data.sources.*.quality": Display("share kept", 1.0, "slider", 0.0, 1.0, 0.01, "%.2f"),
    "data.sources.*.weight": Display("text-equivalent weight", 1.0, fmt="%.3g"),
    "data.epochs": Display("epochs", 1.0, "slider", 1.0, 20.0, 0.1, "%.1f"),
    "data.reuse_decay": Display("R*", 1.0, fmt="%.3g"),
    "synthetic.share_of_compute": Display(
        "% of the budget", 0.01, "slider", 0.0, 90.0, 0.5, "%.1f"
    ),
    "synthetic.flop_per_token": Display("FLOP/token", 1.0, fmt="%.3e"),
    "synthetic.quality": Display("human-token equivalents", 1.0, "slider", 0.0, 1.0, 0.01, "%.2f"),
    "synthetic.max_ratio": Display("× human data", 1.0, "slider", 0.0, 20.0, 0.1, "%.1f"),
    "training.tokens_per_parameter": Display(
        "tokens per parameter", 1.0, "slider", 1.0, 200.0, 1.0, "%.0f"
    ),
    "training.post_training_gain": Display("×", 1.0, fmt="%.3g"),
    "training.duration": Display("days", _per("day", "s"), "slider", 10.0, 400.0, 1.0, "%.0f"),
    "training.utilisation": Display("share of peak FLOP/s", 1.0, "slider", 0.0, 1.0, 0.01, "%.2f"),
    "power.available": Display("MW", 1e6, fmt="%.0f"),
    "power.growth": Display("× per year", 1.0, "slider", 0.9, 3.0, 0.01, "%.2f"),
    "power.flop_per_joule": Display("FLOP/J", 1.0, fmt="%.3e"),
    "power.efficiency_growth": Display("× per year", 1.0, "slider", 0.9, 2.0, 0.01, "%.2f"),
    "chips.stock": Display("million H100e", 1e6, fmt="%.2f"),
    "chips.production": Display("million H100e per year", 1e6, fmt="%.2f"),
    "chips.production_growth": Display("× per year", 1.0, "slider", 0.9, 3.0, 0.01, "%.2f"),
    "chips.share_for_one_run": Display(
        "share of all accelerators", 1.0, "slider", 0.0, 1.0, 0.01, "%.2f"
    ),
    "chips.flop_per_second": Display("FLOP/s", 1.0, fmt="%.3e"),
    "chips.flop_per_second_growth": Display("× per year", 1.0, "slider", 0.9, 2.0, 0.01, "%.2f"),
    "latency.min_step_time": Display("s", 1.0, fmt="%.3g"),
    "latency.critical_batch": Display("million tokens", 1e6, fmt="%.1f"),
    "latency.ceiling": Display("FLOP", 1.0, fmt="%.3e"),
    "reliability.mtbf": Display("hours", 1.0, fmt="%.0f"),
    "reliability.checkpoint_cost": Display("minutes", 1.0, fmt="%.2f"),
    "reliability.restart_time": Display("minutes", 1.0, fmt="%.1f"),
}
LABELS = {
    "economy.world_gdp": "World GDP, base year",
    "economy.gdp_growth": "World GDP growth",
    "spending.largest_run": "Cost of the largest run, base year",
    "spending.growth": "Growth of the largest run's cost",
    "spending.max_share_of_gdp": "Ceiling on one run's cost",
    "hardware.flop_per_usd": "Training FLOP per USD, base year",
    "hardware.doubling_time": "Doubling time of FLOP per USD",
    "hardware.max_flop_per_usd": "Ceiling on FLOP per USD",
    "algorithms.halving_time": "Algorithmic halving time",
    "algorithms.max_multiplier": "Ceiling on the algorithmic multiplier",
    "data.epochs": "Epochs over the human data",
    "data.reuse_decay": "Decay constant of repeated epochs",
    "synthetic.share_of_compute": "Share of compute for synthetic data",
    "synthetic.flop_per_token": "FLOP per generated token",
    "synthetic.quality": "Value of a synthetic token",
    "synthetic.max_ratio": "Cap on synthetic data",
    "training.tokens_per_parameter": "Tokens per parameter",
    "training.post_training_gain": "Post-training gain",
    "training.duration": "Duration of the largest run",
    "training.utilisation": "Model FLOP utilisation",
    "power.available": "Power for one run, base year",
    "power.growth": "Growth of the power for one run",
    "power.flop_per_joule": "FLOP per joule, base year",
    "power.efficiency_growth": "Growth of FLOP per joule",
    "chips.stock": "Accelerator stock, base year",
    "chips.production": "Accelerator production, base year",
    "chips.production_growth": "Growth of accelerator production",
    "chips.share_for_one_run": "Share of accelerators for one run",
    "chips.flop_per_second": "FLOP/s per accelerator, base year",
    "chips.flop_per_second_growth": "Growth of FLOP/s per new accelerator",
    "latency.min_step_time": "Shortest time per optimizer step",
    "latency.critical_batch": "Critical batch size",
    "latency.ceiling": "Latency wall",
    "reliability.mtbf": "Mean time between failures per accelerator",
    "reliability.checkpoint_cost": "Time to write a checkpoint",
    "reliability.restart_time": "Time to restart after a failure",
}
_SOURCE_LABELS = {
    "stock": "stock",
    "documents": "documents",
    "tokens_per_document": "tokens per document",
    "growth": "growth",
    "tokens_per_document_growth": "growth of tokens per document",
    "quality": "quality share",
    "weight": "weight",
}
