"""Forecast post-mortems: a scenario written at a past date against what happened.

For a window from ``as_of`` to ``through`` (calendar years, each taken at its end):

- **realised** growth [×/yr] from the shipped history tables (scalesim/data): of the largest
  frontier run's training compute released by each year's end (running maximum), of the cost
  of the most expensive run with a published cost by then, and of training FLOP per dollar as
  their ratio (so compute = spending × FLOP per dollar holds exactly); algorithmic progress is
  not in the tables and is taken from Ho et al. 2024 (language models: the compute for a fixed
  performance halves every ~8 months, 95% CI 5–14);
- **assumed** growth [×/yr]: the median of the scenario's prior (``spending.growth``; FLOP per
  dollar from ``hardware.doubling_time`` as 2^(1/T); algorithms from
  ``algorithms.halving_time`` as 2^(1/T)), and where the realised value falls in the prior
  (its quantile; 0 or 1 when it lies outside the prior or the prior is a point);
- **attribution**: the log10 error of effective compute over the window is the sum, factor
  by factor, of (log10 realised − log10 assumed) × years; each factor's share is its term over
  the sum.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from scalesim.errors import InputError
from scalesim.scenario.loader import Scenario

#: Algorithmic progress realised since 2012 for language models (Ho et al. 2024, "Algorithmic
#: progress in language models": halving every ~8 months, 95% CI 5–14) [×/yr].
ALGORITHMS_REALISED = (2 ** (12 / 8), 2 ** (12 / 14), 2 ** (12 / 5))
ALGORITHMS_SOURCE = "Ho et al. 2024: halving every ~8 months (95% CI 5–14), language models"


@dataclass(frozen=True)
class Factor:
    name: str
    key: str
    assumed: float
    realised: float
    realised_range: tuple[float, float] | None
    prior_quantile: float | None
    log10_error: float
    share: float
    evidence: str

    def to_dict(self) -> dict:
        return asdict(self)


def _running_max(frame: pd.DataFrame, column: str, year: int) -> pd.Series:
    rows = frame[(frame["date"].dt.year <= year) & frame[column].notna()]
    if rows.empty:
        raise InputError(f"no run with {column} released by the end of {year} in the history")
    return rows.loc[rows[column].idxmax()]


def realised_growth(history: pd.DataFrame, as_of: int, through: int) -> dict:
    """Realised growth of compute, cost and FLOP per dollar [×/yr] with the runs behind them."""
    if through <= as_of:
        raise InputError(f"must be after as_of ({as_of}), got {through}", key="through")
    frontier = history[history["frontier"]] if "frontier" in history else history
    costs = frontier[frontier["cost_usd"].notna()]
    last_cost = int(costs["date"].dt.year.max()) if not costs.empty else None
    if last_cost is None or through > last_cost:
        raise InputError(
            f"{through} is after the history's last run with a published cost (from "
            f"{last_cost}); spending growth cannot be scored after it",
            key="through",
        )
    years = through - as_of
    out = {}
    for name, column in (("compute", "training_flop"), ("spending", "cost_usd")):
        a = _running_max(frontier, column, as_of)
        b = _running_max(frontier, column, through)
        out[name] = (
            (float(b[column]) / float(a[column])) ** (1 / years),
            f"{a['model']} ({a['date']:%Y}) to {b['model']} ({b['date']:%Y})",
        )
    out["flop_per_usd"] = (out["compute"][0] / out["spending"][0], "compute growth / cost growth")
    return out


def _median_rate(scenario: Scenario, key: str, as_time: bool) -> tuple[float, object]:
    prior = scenario.priors.get(key) or scenario.priors.get(f"{key}.initial")
    if prior is None:
        raise InputError(f"the scenario has no {key}", path=scenario.path)
    value = prior.ppf(0.5)
    return (2 ** (1 / value) if as_time else value), prior


def _quantile(prior, realised: float, as_time: bool) -> float:
    """Share of the prior's draws (by its quantile function) slower than the realised rate."""
    q = np.linspace(0.0005, 0.9995, 2000)
    values = np.asarray(prior.ppf(q), dtype=np.float64)
    rates = 2 ** (1 / values) if as_time else values
    return float(np.mean(rates < realised))


def postmortem(scenario: Scenario, history: pd.DataFrame, as_of: int, through: int) -> dict:
    """Realised against assumed growth, factor by factor, and the attribution of the miss."""
    real = realised_growth(history, as_of, through)
    years = through - as_of
    specs = (
        ("spending", "spending.growth", False, real["spending"], None),
        ("FLOP per dollar", "hardware.doubling_time", True, real["flop_per_usd"], None),
        (
            "algorithms",
            "algorithms.halving_time",
            True,
            (ALGORITHMS_REALISED[0], ALGORITHMS_SOURCE),
            (ALGORITHMS_REALISED[1], ALGORITHMS_REALISED[2]),
        ),
    )
    terms = []
    for name, key, as_time, (rate, evidence), rng in specs:
        assumed, prior = _median_rate(scenario, key, as_time)
        err = (math.log10(rate) - math.log10(assumed)) * years
        terms.append(
            (name, key, assumed, rate, rng, _quantile(prior, rate, as_time), err, evidence)
        )
    total = sum(t[6] for t in terms)
    factors = [
        Factor(n, k, a, r, g, q, e, e / total if total else 0.0, ev)
        for n, k, a, r, g, q, e, ev in terms
    ]
    compute_assumed = factors[0].assumed * factors[1].assumed
    return {
        "scenario": scenario.name,
        "as_of": int(as_of),
        "through": int(through),
        "factors": [f.to_dict() for f in factors],
        "compute": {
            "assumed": compute_assumed,
            "realised": real["compute"][0],
            "evidence": real["compute"][1],
        },
        "effective_compute": {
            "assumed": compute_assumed * factors[2].assumed,
            "realised": real["compute"][0] * factors[2].realised,
        },
        "log10_error": total,
    }
