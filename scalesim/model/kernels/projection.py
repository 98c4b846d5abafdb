"""Model v1 end to end: the largest feasible run, its binding constraint and the data wall."""

from __future__ import annotations

import math

from scalesim.model.kernels import algorithms, data, economics, reliability, scaling
from scalesim.model.kernels import ceilings as walls

#: Constraint names in code order (binding_constraint codes), as in scalesim.dims.CONSTRAINTS.
CONSTRAINT_ORDER = ("compute", "data", "power", "chips", "latency")


def _source_log_stock(params, name, *, xp):
    prefix = f"data.sources.{name}."
    if prefix + "stock" in params:
        return xp.log(params[prefix + "stock"])
    return xp.log(params[prefix + "documents"]) + xp.log(params[prefix + "tokens_per_document"])


def project(
    params, dt, years, sources, *, xp, constraints=None, outputs=None, synthetic=True, goodput=None
):
    """Run model v1 on one chunk of samples.

    Parameters
    ----------
    params : dict of str to array, shape (sample, 1) or (1, 1)
        Parameter values by key path, canonical units (see scalesim.parameters).
    dt : array, shape (1, year)
        Years since the base year, Δ [year].
    years : array, shape (1, year)
        Calendar years [year].
    sources : sequence of str
        Names of the data sources in ``params``.
    xp : namespace
        Array API namespace.
    constraints : dict of str to array, optional
        ln of ceilings given directly (``power``, ``chips``, ``latency``) [ln FLOP], shape
        (sample, year); they replace the ones computed from ``power.*``, ``chips.*`` and
        ``latency.*`` parameters. Ceilings neither given nor parameterised are +inf.
    outputs : collection of str, optional
        Variables wanted besides the core ones; ``data_wall_equivalent_flop`` and
        ``capability_equivalent_flop`` are computed only when listed (default: all).
    synthetic : bool
        False when the synthetic share is 0 for every sample: synthetic_tokens is then −inf
        and is not computed.
    goodput : tuple of two arrays, optional
        ``(log_sizes, log_capacity)`` of a simulated goodput table (scalesim.cluster); when
        given, the hardware ceilings (compute, power, chips, latency) are derated by the
        goodput of the cluster they imply, N = min(C_train, C_power, C_chips) / (f(t)·d·u).

    Returns
    -------
    logs : dict of str to array, shape (sample, year) or broadcastable to it
        Natural logarithm of every variable of scalesim.dims.VARIABLES present.
    binding : array of int, shape (sample, year)
        Index into CONSTRAINT_ORDER of the smallest ceiling (first on ties).
    exhaustion : array, shape (sample,)
        Fractional year the human stock is fully used [year]; +inf if never.
    """
    p = params
    constraints = constraints or {}
    out = {}
    out["gdp_usd"] = economics.log_gdp(p["economy.world_gdp"], p["economy.gdp_growth"], dt, xp=xp)
    out["spend_usd"] = economics.log_spend(
        p["spending.largest_run"],
        p["spending.growth"],
        p["spending.max_share_of_gdp"],
        out["gdp_usd"],
        dt,
        xp=xp,
    )
    out["flop_per_usd"] = economics.log_flop_per_usd(
        p["hardware.flop_per_usd"],
        p["hardware.doubling_time"],
        p["hardware.max_flop_per_usd"],
        dt,
        xp=xp,
    )
    out["budget_flop"] = out["spend_usd"] + out["flop_per_usd"]
    share = p["synthetic.share_of_compute"]
    out["training_flop"] = economics.log_training_flop(out["budget_flop"], share, xp=xp)
    out["algorithmic_multiplier"] = algorithms.log_algorithmic_multiplier(
        p["algorithms.halving_time"], p["algorithms.max_multiplier"], dt, xp=xp
    )

    per_source = []
    for name in sources:
        q = f"data.sources.{name}."
        tpd_growth = p.get(q + "tokens_per_document_growth")
        per_source.append(
            data.log_source_tokens(
                _source_log_stock(p, name, xp=xp),
                p[q + "growth"],
                tpd_growth if tpd_growth is not None else xp.ones_like(p[q + "growth"]),
                p[q + "quality"],
                p[q + "weight"],
                dt,
                xp=xp,
            )
        )
    out["human_tokens"] = data.log_sum(per_source, xp=xp)
    reuse = data.log_reuse_factor(p["data.epochs"], p["data.reuse_decay"], xp=xp)
    out["human_effective_tokens"] = out["human_tokens"] + reuse
    if synthetic:
        out["synthetic_tokens"] = data.log_synthetic_tokens(
            out["budget_flop"],
            share,
            p["synthetic.flop_per_token"],
            p["synthetic.quality"],
            p["synthetic.max_ratio"],
            out["human_effective_tokens"],
            xp=xp,
        )
        out["available_tokens"] = xp.logaddexp(
            out["human_effective_tokens"], out["synthetic_tokens"]
        )
    else:
        out["synthetic_tokens"] = xp.full((1, 1), -math.inf, dtype=out["human_tokens"].dtype)
        out["available_tokens"] = out["human_effective_tokens"]
    k = p["training.tokens_per_parameter"]
    out["data_demand_tokens"] = data.log_data_demand(out["training_flop"], k, xp=xp)
    out["data_limited_flop"] = data.log_data_limited_flop(out["available_tokens"], k, xp=xp)

    walls_log = _walls(p, dt, xp=xp)
    walls_log.update(constraints)
    if goodput is not None:
        out["accelerators"], derate = _derate(
            p, dt, out["training_flop"], walls_log, goodput, xp=xp
        )
        out["goodput"] = derate
        walls_log = {k: v + derate for k, v in walls_log.items()}
        compute = out["training_flop"] + derate
    else:
        compute = out["training_flop"]
    ceilings = [compute, out["data_limited_flop"]]
    for name in CONSTRAINT_ORDER[2:]:
        if name in walls_log:
            out[f"{name}_flop"] = walls_log[name]
            ceilings.append(walls_log[name])
        else:
            ceilings.append(None)
    largest = ceilings[0]
    for c in ceilings[1:]:
        if c is not None:
            largest = xp.minimum(largest, c)
    out["largest_run_flop"] = largest
    if len(ceilings) == 2 or all(c is None for c in ceilings[2:]):
        binding = xp.astype(ceilings[1] < ceilings[0], xp.int8)
    else:
        binding = xp.zeros(largest.shape, dtype=xp.int8)
        # Scan from the last ceiling to the first so that ties go to the earliest name.
        for code in range(len(ceilings) - 1, -1, -1):
            if ceilings[code] is not None:
                binding = xp.where(
                    ceilings[code] == largest, xp.asarray(code, dtype=xp.int8), binding
                )

    out["effective_compute_flop"] = largest + out["algorithmic_multiplier"]
    if outputs is None or "data_wall_equivalent_flop" in outputs:
        law = {key: p[f"scaling_law.{key}"] for key in ("a", "b", "alpha", "beta")}
        out["data_wall_equivalent_flop"] = scaling.log_data_wall_equivalent(
            out["training_flop"], out["available_tokens"], out["data_demand_tokens"], law, xp=xp
        )
    if outputs is None or "capability_equivalent_flop" in outputs:
        out["capability_equivalent_flop"] = out["effective_compute_flop"] + xp.log(
            p["training.post_training_gain"]
        )
    exhaustion = data.exhaustion_year(
        out["data_demand_tokens"], out["human_effective_tokens"], years, xp=xp
    )
    return out, binding, exhaustion


def _walls(p, dt, *, xp):
    """ln ceilings from the power, chips and latency parameters present."""
    out = {}
    duration, util = p.get("training.duration"), p.get("training.utilisation")
    if "power.available" in p:
        out["power"] = walls.log_power_flop(
            p["power.available"],
            p["power.growth"],
            p["power.flop_per_joule"],
            p["power.efficiency_growth"],
            duration,
            util,
            dt,
            xp=xp,
        )
    if "chips.stock" in p:
        out["chips"] = walls.log_chips_flop(
            p["chips.stock"],
            p["chips.production"],
            p["chips.production_growth"],
            p["chips.share_for_one_run"],
            p["chips.flop_per_second"],
            p["chips.flop_per_second_growth"],
            duration,
            util,
            dt,
            xp=xp,
        )
    if "latency.ceiling" in p:
        out["latency"] = xp.log(p["latency.ceiling"]) + xp.zeros_like(dt)
    elif "latency.min_step_time" in p:
        out["latency"] = walls.log_latency_flop(
            p["latency.min_step_time"],
            p["latency.critical_batch"],
            duration,
            p["training.tokens_per_parameter"],
            xp=xp,
        ) + xp.zeros_like(dt)
    return out


def _derate(p, dt, log_training, walls_log, goodput, *, xp):
    """ln of the cluster size the hardware ceilings imply, and ln of its goodput derate."""
    hardware = log_training
    for name in ("power", "chips"):
        if name in walls_log:
            hardware = xp.minimum(hardware, walls_log[name])
    per_accelerator = (
        xp.log(p["chips.flop_per_second"])
        + dt * xp.log(p["chips.flop_per_second_growth"])
        + xp.log(p["training.duration"])
        + xp.log(p["training.utilisation"])
    )
    log_sizes, log_capacity = goodput
    log_n = hardware - per_accelerator
    return log_n, reliability.log_derate(log_n, log_sizes, log_capacity, xp=xp)


__all__ = ["project", "CONSTRAINT_ORDER"]
