"""Model v2 end to end: the largest feasible run, its binding constraint and the data wall.

One pass over a chunk of samples (ARCHITECTURE.md, "The model (v2)"): economics, the
budget's allocation, the human and synthetic data, every ceiling of the registry, the
reliability derate, data demand from the hardware-feasible run, the minimum over ceilings
and the data-exhaustion year.
"""

from __future__ import annotations

import math
from dataclasses import replace

from scalesim.model.kernels import (
    algorithms,
    data,
    economics,
    market,
    paradigms,
    reliability,
    scaling,
)


def project(params, ceilings, *, xp, outputs=None):
    """Run model v2 on one chunk of samples.

    Parameters
    ----------
    params : scalesim.model.bundles.Params
        Typed parameter bundle, arrays of shape (sample, 1) or (1, 1), canonical units.
    ceilings : tuple of scalesim.model.constraints.Ceiling
        The ceilings of this run, in registry order (binding codes index this tuple).
    xp : namespace
        Array API namespace.
    outputs : collection of str, optional
        Variables wanted besides the core ones; ``data_wall_equivalent_flop`` and
        ``capability_equivalent_flop`` are computed only when listed (default: all).

    Returns
    -------
    logs : dict of str to array, shape (sample, year) or broadcastable to it
        Natural logarithm of every variable computed.
    binding : array of int8, shape (sample, year)
        Index into ``ceilings`` of the smallest ceiling (first on ties).
    exhaustion : array, shape (sample,)
        Fractional year the human stock is fully used [year]; +inf if never.
    """
    p, grid = params, params.grid
    if p.inference is not None:
        # Inference-aware k (Sardana & Frankle 2023): every use of k below sees it.
        kappa = scaling.log_inference_overtraining(p.inference.tokens_ratio, p.scaling_law, xp=xp)
        k = p.training.tokens_per_parameter * xp.exp(kappa)
        p = replace(p, training=replace(p.training, tokens_per_parameter=k))
    out = {}
    out["gdp_usd"] = economics.log_gdp(p.economy, grid, xp=xp)
    out["spend_usd"] = economics.log_spend(p.spending, out["gdp_usd"], grid, xp=xp)
    out["flop_per_usd"] = economics.log_flop_per_usd(p.hardware, grid, xp=xp)
    compute_spend = out["spend_usd"]
    if p.market is not None:
        # Tokens bought with a share of the run's cost; the rest of the money buys compute.
        out["market_tokens"] = market.log_market_tokens(p.market, out["spend_usd"], grid, xp=xp)
        out["market_spend_usd"] = market.log_market_spend(
            out["market_tokens"], p.market.price, xp=xp
        )
        compute_spend = market.log_spend_left(
            out["spend_usd"], out["market_spend_usd"], p.market.share, xp=xp
        )
    out["budget_flop"] = compute_spend + out["flop_per_usd"]
    share = p.synthetic.share
    routes = p.paradigms
    if routes is not None and routes.rl:
        # RL post-training takes its share of the budget from pretraining; it needs no tokens.
        out["rl_flop"] = paradigms.log_rl_flop(out["budget_flop"], routes.rl_share, xp=xp)
        pre_share = share + routes.rl_share
    else:
        pre_share = share
    if p.synthetic.enabled or "rl_flop" in out:
        out["training_flop"] = economics.log_pretraining_flop(out["budget_flop"], pre_share, xp=xp)
    else:  # f_syn = 0 for every sample and no RL: C_pre is the budget (x + log1p(-0) is x)
        out["training_flop"] = out["budget_flop"]
    out["algorithmic_multiplier"] = algorithms.log_algorithmic_multiplier(p.algorithms, grid, xp=xp)

    # Human data: raw (unique) sources are reused for epochs, effective ones are not.
    raw = [data.log_source_tokens(s, grid, xp=xp) for s in p.data.sources if not s.effective]
    if p.market is not None:
        raw.append(out["market_tokens"])  # bought tokens are reused like unique human ones
    eff = [data.log_source_tokens(s, grid, xp=xp) for s in p.data.sources if s.effective]
    log_raw = data.log_sum(raw, xp=xp) if raw else None
    log_eff = data.log_sum(eff, xp=xp) if eff else None
    out["human_tokens"] = data.log_sum([x for x in (log_raw, log_eff) if x is not None], xp=xp)
    reuse = data.log_reuse_factor(p.data.epochs, p.data.reuse_decay, xp=xp)
    out["human_effective_tokens"] = data.log_human_effective_tokens(log_raw, log_eff, reuse, xp=xp)
    if p.synthetic.enabled:
        out["synthetic_tokens"] = data.log_synthetic_tokens(
            out["budget_flop"],
            share,
            p.synthetic.flop_per_token,
            p.synthetic.quality,
            p.synthetic.max_ratio,
            out["human_effective_tokens"],
            xp=xp,
        )
        out["available_tokens"] = xp.logaddexp(
            out["human_effective_tokens"], out["synthetic_tokens"]
        )
    else:
        out["synthetic_tokens"] = xp.full((1, 1), -math.inf, dtype=out["human_tokens"].dtype)
        out["available_tokens"] = out["human_effective_tokens"]
    k = p.training.tokens_per_parameter
    out["data_limited_flop"] = data.log_data_limited_flop(out["available_tokens"], k, xp=xp)

    # Every ceiling of the registry; hardware ones are derated by the run's goodput.
    values = [c.kernel(p, out, xp) for c in ceilings]
    hardware = [v for c, v in zip(ceilings, values, strict=True) if c.hardware]
    if p.reliability is not None:
        sizing = [
            v for c, v in zip(ceilings, values, strict=True) if c.hardware and c.name != "latency"
        ]
        log_n = _min(sizing, xp=xp) - _log_flop_per_accelerator(p, grid, xp=xp)
        derate = reliability.log_goodput_derate(
            log_n,
            p.reliability.mtbf,
            p.reliability.checkpoint_cost,
            p.reliability.restart_time,
            xp=xp,
            table=p.reliability.table,
        )
        out["accelerators"], out["goodput"] = log_n, derate
        values = [v + derate if c.hardware else v for c, v in zip(ceilings, values, strict=True)]
        hardware = [v + derate for v in hardware]
    for c, v in zip(ceilings, values, strict=True):
        if c.variable not in ("training_flop", "data_limited_flop"):
            out[c.variable] = v
    log_hw = _min(hardware, xp=xp)
    out["data_demand_tokens"] = data.log_data_demand(log_hw, k, xp=xp, demand=p.demand, grid=grid)

    largest = _min(values, xp=xp)
    out["largest_run_flop"] = largest
    # The first ceiling equal to the minimum (ties go to the earliest in the registry): its
    # code is the number of ceilings before it, each above the minimum.
    above = values[0] != largest
    binding = xp.astype(above, xp.int8)
    for v in values[1:-1]:
        above = xp.logical_and(above, v != largest)
        binding = binding + xp.astype(above, xp.int8)

    out["effective_compute_flop"] = largest + out["algorithmic_multiplier"]
    if outputs is None or "parameters" in outputs or "training_tokens" in outputs:
        out["parameters"], out["training_tokens"] = paradigms.log_model_size(largest, k, xp=xp)
    if outputs is None or "data_wall_equivalent_flop" in outputs:
        # Unique tokens: the human ones as given and the synthetic ones (each seen once).
        unique = out["human_tokens"]
        if p.synthetic.enabled:
            unique = xp.logaddexp(unique, out["synthetic_tokens"])
        out["data_wall_equivalent_flop"] = scaling.log_data_wall_equivalent(
            out["training_flop"], unique, p.scaling_law, xp=xp
        )
    if outputs is None or "capability_equivalent_flop" in outputs:
        out["capability_equivalent_flop"] = _log_capability(p, out, xp=xp)
    exhaustion = data.exhaustion_year(
        out["data_demand_tokens"], out["human_effective_tokens"], grid.years, xp=xp
    )
    return out, binding, exhaustion


def _log_capability(p, out, *, xp):
    """ln capability_equivalent_flop = ln(effective compute · G_post · G_rl · G_tt)."""
    routes = p.paradigms
    if routes is None:
        return out["effective_compute_flop"] + xp.log(p.training.post_training_gain)
    gain = paradigms.log_post_training_gain(
        p.training.post_training_gain, routes.post_growth, routes.post_max_gain, p.grid, xp=xp
    )
    if routes.rl:
        gain = gain + paradigms.log_rl_gain(
            out["rl_flop"],
            out["largest_run_flop"],
            routes.rl_gain_exponent,
            routes.rl_max_gain,
            xp=xp,
        )
    gain = gain + paradigms.log_test_time_gain(
        routes.tt_compute_multiple, routes.tt_gain_per_10x, routes.tt_max_gain, xp=xp
    )
    return out["effective_compute_flop"] + gain


def _min(arrays, *, xp):
    """Elementwise minimum of a list of broadcastable arrays."""
    result = arrays[0]
    for a in arrays[1:]:
        result = xp.minimum(result, a)
    return result


def _log_flop_per_accelerator(p, grid, *, xp):
    """ln of the useful FLOP one accelerator made in year t delivers over the run [ln FLOP]."""
    rel = p.reliability
    return (
        xp.log(rel.flop_per_second0)
        + rel.flop_per_second_growth.cumulative(grid.dt, xp=xp)
        + xp.log(p.training.duration)
        + xp.log(p.training.utilisation)
    )


__all__ = ["project"]
