"""Bundles of the optional parameter groups and their builder.

A group's bundle exists only when the scenario names the group (power, chips, latency,
reliability, demand, the paradigms, the data market, inference-aware model size); a
scenario without it takes none of its code path, so its numbers stay bit-identical.
:func:`scalesim.model.bundles.build` calls :func:`build` here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scalesim.model.rates import Rate


@dataclass(frozen=True)
class Demand:
    """The dataset-size arm of data demand (Villalobos et al. 2024)."""

    dataset_size0: object  # largest training dataset in the base year [token]
    growth: Rate
    use_trend: object  # >= 0.5: this sample's demand follows the dataset-size trend [1]


@dataclass(frozen=True)
class Paradigms:
    """Routes besides pretraining (ARCHITECTURE.md, Allocation of the budget). Defaults give
    no RL compute and gains of 1, so a scenario without these groups is unchanged."""

    post_growth: Rate  # of the post-training gain
    post_max_gain: object  # [1]
    rl_share: object  # f_rl [1]
    rl_gain_exponent: object  # b_rl [1]
    rl_max_gain: object  # [1]
    tt_compute_multiple: object  # m_tt [1]
    tt_gain_per_10x: object  # g_tt [1]
    tt_max_gain: object  # [1]
    rl: bool  # False when no sample spends compute on RL


@dataclass(frozen=True)
class Power:
    available0: object  # power one run can draw in the base year [W]
    growth: Rate
    flop_per_joule0: object  # [FLOP/J]
    efficiency_growth: Rate
    world_electricity0: object  # world average electric power in the base year [W]
    world_electricity_growth: Rate
    max_share_of_world: object  # [1]


@dataclass(frozen=True)
class Chips:
    stock0: object  # accelerators at the start of the base year [chip]
    production0: object  # chips made in the base year [chip/year]
    production_growth: Rate
    share_for_one_run: object  # [1]
    flop_per_second0: object  # per chip made in the base year [FLOP/s]
    flop_per_second_growth: Rate
    lifetime: object  # years a chip stays in service [year]


@dataclass(frozen=True)
class Latency:
    min_step_time: object  # [s]; None when the ceiling is given directly
    critical_batch: object  # [token]
    ceiling: object  # [FLOP]; None unless given directly


@dataclass(frozen=True)
class Reliability:
    mtbf: object  # per accelerator [hour]
    checkpoint_cost: object  # [minute]
    restart_time: object  # [minute]
    flop_per_second0: object  # of the accelerator that sizes the cluster [FLOP/s]
    flop_per_second_growth: Rate
    table: object = None  # the SimPy goodput grid (scalesim.model.reliability.goodput)


@dataclass(frozen=True)
class Market:
    """Data bought with money (ARCHITECTURE.md, Data): a share of the run's cost buys
    licensed or private tokens at a price, up to the private stock for sale."""

    share: object  # s_mkt, share of the run's cost offered for tokens [1]
    price: object  # p_mkt [USD/token]
    log_stock0: object  # ln of the private stock for sale in the base year [ln token]
    growth: object  # Rate of the private stock


@dataclass(frozen=True)
class Inference:
    """Inference-aware tokens per parameter (Sardana & Frankle 2023)."""

    tokens_ratio: object  # r_inf = D_inf / D_opt, lifetime inference over training tokens [1]


def build(v: dict, rate, has, *, xp) -> dict:
    """The bundles of the optional groups present in the drawn values ``v``.

    Parameters
    ----------
    v : dict of str to array
        Key path -> drawn values (canonical units).
    rate : callable
        ``rate(key, kind="growth")``: the :class:`~scalesim.model.bundles.Rate` of a key.
    has : callable
        ``has(group)``: whether any key of the group was drawn.
    xp : namespace
        Array API namespace.

    Returns
    -------
    dict of str to bundle
        Keyword arguments of :class:`~scalesim.model.bundles.Params`.
    """
    params = {}
    if has("post_training") or has("rl") or has("test_time"):
        one, inf = xp.ones((1, 1), dtype=xp.float64), xp.full((1, 1), math.inf, dtype=xp.float64)
        growth = rate("post_training.growth")
        params["paradigms"] = Paradigms(
            growth if growth is not None else Rate(xp.zeros((1, 1), dtype=xp.float64)),
            v.get("post_training.max_gain", inf),
            v.get("rl.share_of_compute", 0.0 * one),
            v.get("rl.gain_exponent", one),
            v.get("rl.max_gain", inf),
            v.get("test_time.compute_multiple", one),
            v.get("test_time.gain_per_tenfold", one),
            v.get("test_time.max_gain", inf),
            has("rl"),
        )
    if has("demand"):
        params["demand"] = Demand(
            v["demand.dataset_size"], rate("demand.dataset_growth"), v["demand.use_trend"]
        )
    if has("power"):
        params["power"] = Power(
            v["power.available"],
            rate("power.growth"),
            v["power.flop_per_joule"],
            rate("power.efficiency_growth"),
            v["power.world_electricity"],
            rate("power.world_electricity_growth"),
            v["power.max_share_of_world"],
        )
    if "chips.stock" in v:
        params["chips"] = Chips(
            v["chips.stock"],
            v["chips.production"],
            rate("chips.production_growth"),
            v["chips.share_for_one_run"],
            v["chips.flop_per_second"],
            rate("chips.flop_per_second_growth"),
            v["chips.lifetime"],
        )
    if has("latency"):
        params["latency"] = Latency(
            v.get("latency.min_step_time"),
            v.get("latency.critical_batch"),
            v.get("latency.ceiling"),
        )
    if has("reliability"):
        params["reliability"] = Reliability(
            v["reliability.mtbf"],
            v["reliability.checkpoint_cost"],
            v["reliability.restart_time"],
            v["chips.flop_per_second"],
            rate("chips.flop_per_second_growth"),
        )
    if has("data.market"):
        params["market"] = Market(
            v["data.market.share_of_spend"],
            v["data.market.price_per_token"],
            xp.log(v["data.market.private_stock"]),
            rate("data.market.stock_growth"),
        )
    if has("inference"):
        params["inference"] = Inference(v["inference.tokens_ratio"])
    return params
