"""Model v1 end to end: the largest feasible run, its binding constraint and the data wall."""

from __future__ import annotations

import math

from scalesim.kernels import algorithms, data, economics, scaling

#: Constraint names in code order (binding_constraint codes), as in scalesim.dims.CONSTRAINTS.
CONSTRAINT_ORDER = ("compute", "data", "power", "chips", "latency")


def _source_log_stock(params, name, *, xp):
    prefix = f"data.sources.{name}."
    if prefix + "stock" in params:
        return xp.log(params[prefix + "stock"])
    return xp.log(params[prefix + "documents"]) + xp.log(params[prefix + "tokens_per_document"])


def project(params, dt, years, sources, *, xp, constraints=None, outputs=None, synthetic=True):
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
        ln of extra ceilings on the run, ``power``, ``chips``, ``latency`` [ln FLOP], each
        shape (sample, year); omitted ones are +inf.
    outputs : collection of str, optional
        Variables wanted besides the core ones; ``data_wall_equivalent_flop`` and
        ``capability_equivalent_flop`` are computed only when listed (default: all).
    synthetic : bool
        False when the synthetic share is 0 for every sample: synthetic_tokens is then −inf
        and is not computed.

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
        p["spending.largest_run"], p["spending.growth"], p["spending.max_share_of_gdp"],
        out["gdp_usd"], dt, xp=xp,
    )
    out["flop_per_usd"] = economics.log_flop_per_usd(
        p["hardware.flop_per_usd"], p["hardware.doubling_time"], p["hardware.max_flop_per_usd"],
        dt, xp=xp,
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
                _source_log_stock(p, name, xp=xp), p[q + "growth"],
                tpd_growth if tpd_growth is not None else xp.ones_like(p[q + "growth"]),
                p[q + "quality"], p[q + "weight"], dt, xp=xp,
            )
        )
    out["human_tokens"] = data.log_sum(per_source, xp=xp)
    reuse = data.log_reuse_factor(p["data.epochs"], p["data.reuse_decay"], xp=xp)
    out["human_effective_tokens"] = out["human_tokens"] + reuse
    if synthetic:
        out["synthetic_tokens"] = data.log_synthetic_tokens(
            out["budget_flop"], share, p["synthetic.flop_per_token"], p["synthetic.quality"],
            p["synthetic.max_ratio"], out["human_effective_tokens"], xp=xp,
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

    ceilings = [out["training_flop"], out["data_limited_flop"]]
    for name in CONSTRAINT_ORDER[2:]:
        if name in constraints:
            out[f"{name}_flop"] = constraints[name]
            ceilings.append(constraints[name])
        else:
            ceilings.append(None)
    largest = ceilings[0]
    for c in ceilings[1:]:
        if c is not None:
            largest = xp.minimum(largest, c)
    out["largest_run_flop"] = largest
    if not constraints:
        binding = xp.astype(ceilings[1] < ceilings[0], xp.int8)
    else:
        binding = xp.zeros(largest.shape, dtype=xp.int8)
        # Scan from the last ceiling to the first so that ties go to the earliest name.
        for code in range(len(ceilings) - 1, -1, -1):
            if ceilings[code] is not None:
                binding = xp.where(ceilings[code] == largest, xp.asarray(code, dtype=xp.int8),
                                   binding)

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


__all__ = ["project", "CONSTRAINT_ORDER"]
