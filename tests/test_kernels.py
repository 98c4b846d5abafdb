"""Kernels against hand-computed values, under numpy and array_api_strict (and cupy)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import arr, to_np

from scalesim.model.kernels import algorithms, data, economics, scaling
from scalesim.model.kernels.projection import project


def close(a, expected, rel=1e-12):
    np.testing.assert_allclose(to_np(a), np.asarray(expected, dtype=float), rtol=rel)


def col(xp, *values):
    return arr(xp, [[v] for v in values])


def row(xp, *values):
    return arr(xp, [list(values)])


def test_gdp(xp):
    out = economics.log_gdp(col(xp, 1e14), col(xp, 0.03), row(xp, 0, 1, 2), xp=xp)
    close(xp.exp(out), [[1e14, 1.03e14, 1.0609e14]])


def test_spend_follows_trend_until_the_gdp_cap(xp):
    log_gdp = arr(xp, [[math.log(1e14)] * 3] * 2)
    out = economics.log_spend(
        col(xp, 1e8, 1e8),
        col(xp, 2.0, 2.0),
        col(xp, 1e-3, 2.5e-6),
        log_gdp,
        row(xp, 0, 1, 2),
        xp=xp,
    )
    # sample 0: trend 1e8, 2e8, 4e8 under a 1e11 cap; sample 1: cap at 2.5e8
    close(xp.exp(out), [[1e8, 2e8, 4e8], [1e8, 2e8, 2.5e8]])


def test_flop_per_usd_doubles_and_saturates(xp):
    out = economics.log_flop_per_usd(
        col(xp, 1e18, 1e18), col(xp, 2.0, 2.0), col(xp, math.inf, 3e18), row(xp, 0, 2, 4), xp=xp
    )
    close(xp.exp(out), [[1e18, 2e18, 4e18], [1e18, 2e18, 3e18]])


def test_training_flop_leaves_out_the_synthetic_share(xp):
    out = economics.log_training_flop(arr(xp, [[math.log(1e26)]]), col(xp, 0.25), xp=xp)
    close(xp.exp(out), [[7.5e25]])


def test_algorithmic_multiplier(xp):
    out = algorithms.log_algorithmic_multiplier(
        col(xp, 0.5, 0.5), col(xp, math.inf, 10.0), row(xp, 0, 1, 2), xp=xp
    )
    close(xp.exp(out), [[1, 4, 16], [1, 4, 10]])


def test_source_tokens_and_sum(xp):
    out = data.log_source_tokens(
        col(xp, math.log(1e14)),
        col(xp, 1.1),
        col(xp, 1.02),
        col(xp, 0.5),
        col(xp, 2.0),
        row(xp, 0, 1),
        xp=xp,
    )
    close(xp.exp(out), [[1e14, 1.122e14]])
    total = data.log_sum([arr(xp, [[0.0]]), arr(xp, [[math.log(2.0)]])], xp=xp)
    close(xp.exp(total), [[3.0]])


def test_reuse_factor_muennighoff(xp):
    out = data.log_reuse_factor(col(xp, 1.0, 5.0, 1000.0), col(xp, 15.4, 15.4, 15.4), xp=xp)
    # E = 1: no reuse; E = 5: 1 + 15.4 (1 - e^(-4/15.4)) = 4.522721; E -> inf: 1 + R* = 16.4
    close(xp.exp(out), [[1.0], [4.522721], [16.4]], rel=1e-6)


def test_synthetic_tokens_bought_and_capped(xp):
    log_budget = arr(xp, [[math.log(1e26)], [math.log(1e26)]])
    log_human = arr(xp, [[math.log(1e14)], [math.log(1e14)]])
    out = data.log_synthetic_tokens(
        log_budget,
        col(xp, 0.1, 0.1),
        col(xp, 1e12, 1e12),
        col(xp, 0.5, 0.5),
        col(xp, 1.0, 0.05),
        log_human,
        xp=xp,
    )
    # 0.1 * 1e26 / 1e12 = 1e13 tokens, worth 5e12; second capped at 0.05 * 1e14 = 5e12 -> 2.5e12
    close(xp.exp(out), [[5e12], [2.5e12]])


def test_data_demand_and_data_limited_compute(xp):
    demand = data.log_data_demand(arr(xp, [[math.log(6e24)]]), col(xp, 20.0), xp=xp)
    close(xp.exp(demand), [[math.sqrt(2e25)]])  # sqrt(20 * 6e24 / 6) = 4.4721e12
    limited = data.log_data_limited_flop(arr(xp, [[math.log(1e13)]]), col(xp, 20.0), xp=xp)
    close(xp.exp(limited), [[3e25]])  # 6 * 1e26 / 20


def test_exhaustion_year_interpolates_the_crossing(xp):
    years = row(xp, 2024, 2025, 2026, 2027, 2028)
    demand = arr(xp, np.log([[1, 2, 4, 8, 16], [10, 20, 40, 80, 160], [1, 1, 1, 1, 1]]))
    stock = arr(xp, np.log([[3, 3, 3, 3, 3], [1, 1, 1, 1, 1], [2, 2, 2, 2, 2]]))
    out = data.exhaustion_year(demand, stock, years, xp=xp)
    # sample 0: ln(2/3) -> ln(4/3) between 2025 and 2026: 2026 - ln(4/3)/ln 2 = 2025.58496
    np.testing.assert_allclose(to_np(out)[:2], [2025.5849625007212, 2024.0], rtol=1e-12)
    assert to_np(out)[2] == math.inf


def _law(xp):
    return {
        "a": col(xp, 482.01),
        "b": col(xp, 2085.43),
        "alpha": col(xp, 0.3478),
        "beta": col(xp, 0.3658),
    }


def test_data_wall_equivalent_equals_training_compute_without_a_data_limit(xp):
    c = arr(xp, [[math.log(1e24)]])
    demand = data.log_data_demand(c, col(xp, 20.0), xp=xp)
    out = scaling.log_data_wall_equivalent(c, demand + 1.0, demand, _law(xp), xp=xp)
    close(xp.exp(out), [[1e24]])


def test_data_wall_equivalent_hand_computed(xp):
    c, d = 1e24, 1e11
    d_req = math.sqrt(20 * c / 6)
    a, b, al, be = 482.01, 2085.43, 0.3478, 0.3658
    lim = a / (c / (6 * d)) ** al + b / d**be
    full = a / (c / (6 * d_req)) ** al + b / d_req**be
    expected = c * (lim / full) ** (-(al + be) / (al * be))
    out = scaling.log_data_wall_equivalent(
        arr(xp, [[math.log(c)]]),
        arr(xp, [[math.log(d)]]),
        arr(xp, [[math.log(d_req)]]),
        _law(xp),
        xp=xp,
    )
    close(xp.exp(out), [[expected]], rel=1e-10)
    assert expected < c / 10


def test_data_wall_equivalent_is_zero_without_training_compute(xp):
    minus_inf = arr(xp, [[-math.inf]])
    out = scaling.log_data_wall_equivalent(
        minus_inf, arr(xp, [[math.log(1e13)]]), minus_inf, _law(xp), xp=xp
    )
    assert to_np(xp.exp(out)).tolist() == [[0.0]]


def params_for(xp, n=1, **over):
    base = {
        "economy.world_gdp": 1e14,
        "economy.gdp_growth": 0.0,
        "spending.largest_run": 1e8,
        "spending.growth": 2.0,
        "spending.max_share_of_gdp": 1.0,
        "hardware.flop_per_usd": 1e18,
        "hardware.doubling_time": 1.0,
        "hardware.max_flop_per_usd": math.inf,
        "algorithms.halving_time": 1.0,
        "algorithms.max_multiplier": math.inf,
        "data.sources.web.stock": 1e13,
        "data.sources.web.growth": 1.0,
        "data.sources.web.quality": 1.0,
        "data.sources.web.weight": 1.0,
        "data.epochs": 1.0,
        "data.reuse_decay": 15.4,
        "synthetic.share_of_compute": 0.0,
        "synthetic.flop_per_token": 1e12,
        "synthetic.quality": 0.5,
        "synthetic.max_ratio": 1.0,
        "training.tokens_per_parameter": 20.0,
        "training.post_training_gain": 10.0,
        "training.duration": 1.56e7,
        "training.utilisation": 0.375,
        "scaling_law.irreducible_loss": 1.82,
        "scaling_law.a": 482.01,
        "scaling_law.b": 2085.43,
        "scaling_law.alpha": 0.3478,
        "scaling_law.beta": 0.3658,
    }
    base.update(over)
    return {
        k: arr(xp, np.reshape(np.broadcast_to(np.asarray(v, float), (n,)), (n, 1)))
        for k, v in base.items()
    }


def test_projection_hand_computed(xp):
    # budget = 1e8 * 2^t * 1e18 * 2^t = 1e26 * 4^t; data limit 6 * (1e13)^2 / 20 = 3e25 FLOP
    years = row(xp, 2024, 2025, 2026)
    logs, binding, exhaustion = project(params_for(xp), row(xp, 0, 1, 2), years, ["web"], xp=xp)
    close(xp.exp(logs["budget_flop"]), [[1e26, 4e26, 1.6e27]])
    close(xp.exp(logs["largest_run_flop"]), [[3e25, 3e25, 3e25]])
    close(xp.exp(logs["effective_compute_flop"]), [[3e25, 6e25, 1.2e26]])
    close(xp.exp(logs["capability_equivalent_flop"]), [[3e26, 6e26, 1.2e27]])
    assert to_np(binding).tolist() == [[1, 1, 1]]
    # demand sqrt(20 * 1e26 / 6) = 1.83e13 > 1e13 already in 2024
    assert to_np(exhaustion).tolist() == [2024.0]


def test_projection_synthetic_data_adds_tokens(xp):
    p = params_for(xp, **{"synthetic.share_of_compute": 0.5})
    logs, _, _ = project(p, row(xp, 0), row(xp, 2024), ["web"], xp=xp)
    # 0.5 * 1e26 / 1e12 = 5e13 tokens capped at 1 x 1e13, worth 0.5 -> 5e12
    close(xp.exp(logs["synthetic_tokens"]), [[5e12]])
    close(xp.exp(logs["available_tokens"]), [[1.5e13]])
    close(xp.exp(logs["training_flop"]), [[5e25]])


def test_projection_extra_ceilings_bind(xp):
    ceil = {"power": arr(xp, [[math.log(1e24)]]), "latency": arr(xp, [[math.log(1e30)]])}
    logs, binding, _ = project(
        params_for(xp), row(xp, 0), row(xp, 2024), ["web"], xp=xp, constraints=ceil
    )
    close(xp.exp(logs["largest_run_flop"]), [[1e24]])
    assert to_np(binding).tolist() == [[2]]


def test_results_stay_in_the_input_namespace(xp):
    logs, binding, exhaustion = project(
        params_for(xp), row(xp, 0, 1), row(xp, 2024, 2025), ["web"], xp=xp
    )
    probe = arr(xp, [1.0])
    assert type(logs["largest_run_flop"]) is type(probe)
    assert type(exhaustion) is type(probe)


@pytest.mark.parametrize(
    "name", ["largest_run_flop", "data_demand_tokens", "data_wall_equivalent_flop"]
)
def test_numpy_and_array_api_strict_agree(name):
    import array_api_strict as xs

    rng = np.random.default_rng(0)
    over = {
        "spending.growth": rng.uniform(1.5, 3, 50),
        "data.sources.web.stock": 10 ** rng.uniform(13, 15, 50),
        "data.epochs": rng.uniform(1, 5, 50),
        "synthetic.share_of_compute": rng.uniform(0, 0.5, 50),
    }
    years = np.arange(2024, 2040, dtype=float)[None, :]
    a, _, ea = project(params_for(np, 50, **over), years - 2024, years, ["web"], xp=np)
    b, _, eb = project(
        params_for(xs, 50, **over), xs.asarray(years - 2024), xs.asarray(years), ["web"], xp=xs
    )
    eps = np.finfo(float).eps
    np.testing.assert_allclose(to_np(b[name]), a[name], rtol=100 * eps, atol=0)
    np.testing.assert_allclose(to_np(eb), ea, rtol=100 * eps)
