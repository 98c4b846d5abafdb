"""Kernels against hand-computed values, under numpy and array_api_strict (and cupy).

Every expected number here can be checked with a calculator; the comments show how.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import arr, to_np

from scalesim.model import bundles
from scalesim.model import constraints as registry
from scalesim.model.bundles import Grid, Rate
from scalesim.model.kernels import algorithms, data, economics, scaling
from scalesim.model.kernels.projection import project

LN2 = math.log(2.0)


def close(a, expected, rel=1e-12):
    np.testing.assert_allclose(to_np(a), np.asarray(expected, dtype=float), rtol=rel)


def col(xp, *values):
    return arr(xp, [[v] for v in values])


def row(xp, *values):
    return arr(xp, [list(values)])


def grid(xp, *years, base=2024):
    ys = np.asarray([years], dtype=float)
    return Grid(
        years=arr(xp, ys), dt=arr(xp, ys - base), steps=tuple(float(y - base) for y in years)
    )


def growth(xp, *g):
    return Rate(col(xp, *(math.log(x) for x in g)))


# --- rates and schedules -------------------------------------------------------------------


def test_constant_rate_is_delta_times_the_rate(xp):
    g = grid(xp, 2022, 2024, 2025, 2027)
    out = growth(xp, 1.5).cumulative(g.dt, xp=xp)
    close(xp.exp(out), [[1.5**-2, 1.0, 1.5, 1.5**3]])


def test_schedule_halves_the_gap_to_the_long_run_rate(xp):
    # r(0) = ln 2, r(1) = ln 2 / 2, r(2) = ln 2 / 4 (final 0, half-life 1 year), so
    # X(1) = 2, X(2) = 2^1.5 = 2.828427, X(3) = 2^1.75 = 3.363586; before the base year the
    # initial rate: X(-1) = 1/2.
    rate = Rate(col(xp, LN2), col(xp, 0.0), col(xp, 1.0))
    g = grid(xp, 2023, 2024, 2025, 2026, 2027)
    close(xp.exp(rate.cumulative(g.dt, xp=xp)), [[0.5, 1.0, 2.0, 2.0**1.5, 2.0**1.75]])
    close(rate.at(g.dt, xp=xp), [[LN2, LN2, LN2 / 2, LN2 / 4, LN2 / 8]])


def test_schedule_with_equal_ends_is_exactly_the_constant_rate(xp):
    g = grid(xp, *range(2024, 2051))
    const = growth(xp, 2.4).cumulative(g.dt, xp=xp)
    r = math.log(2.4)
    sched = Rate(col(xp, r), col(xp, r), col(xp, 3.0)).cumulative(g.dt, xp=xp)
    assert np.array_equal(to_np(const), to_np(sched))


# --- economics and algorithms ----------------------------------------------------------------


def test_gdp_grows_by_its_multiplier(xp):
    out = economics.log_gdp(
        bundles.Economy(col(xp, 1e14), growth(xp, 1.03)), grid(xp, 2024, 2025, 2026), xp=xp
    )
    close(xp.exp(out), [[1e14, 1.03e14, 1.0609e14]])


def test_spend_follows_trend_until_the_gdp_cap(xp):
    log_gdp = arr(xp, [[math.log(1e14)] * 3] * 2)
    s = bundles.Spending(col(xp, 1e8, 1e8), growth(xp, 2.0, 2.0), col(xp, 1e-3, 2.5e-6))
    out = economics.log_spend(s, log_gdp, grid(xp, 2024, 2025, 2026), xp=xp)
    # sample 0: trend 1e8, 2e8, 4e8 under a 1e11 cap; sample 1: cap at 2.5e8
    close(xp.exp(out), [[1e8, 2e8, 4e8], [1e8, 2e8, 2.5e8]])


def test_flop_per_usd_doubles_and_stops_at_the_physical_ceiling(xp):
    h = bundles.Hardware(
        col(xp, 1e18, 1e18), Rate(col(xp, LN2 / 2, LN2 / 2)), col(xp, math.inf, 3e18)
    )
    out = economics.log_flop_per_usd(h, grid(xp, 2024, 2026, 2028), xp=xp)
    close(xp.exp(out), [[1e18, 2e18, 4e18], [1e18, 2e18, 3e18]])


def test_pretraining_flop_leaves_out_the_synthetic_share(xp):
    out = economics.log_pretraining_flop(arr(xp, [[math.log(1e26)]]), col(xp, 0.25), xp=xp)
    close(xp.exp(out), [[7.5e25]])


def test_algorithmic_multiplier_halves_and_stops_at_its_ceiling(xp):
    a = bundles.Algorithms(Rate(col(xp, LN2 / 0.5, LN2 / 0.5)), col(xp, math.inf, 10.0))
    out = algorithms.log_algorithmic_multiplier(a, grid(xp, 2024, 2025, 2026), xp=xp)
    close(xp.exp(out), [[1, 4, 16], [1, 4, 10]])


# --- data ----------------------------------------------------------------------------------


def test_documents_times_tokens_per_document_grow_together(xp):
    # 1e12 pages x 100 tokens x quality 0.5 x weight 2 = 1e14; pages x1.1, size x1.02 a year
    src = bundles.Source(
        "web",
        col(xp, math.log(1e12) + math.log(100.0)),
        (growth(xp, 1.1), growth(xp, 1.02)),
        col(xp, 0.5),
        col(xp, 2.0),
        False,
    )
    out = data.log_source_tokens(src, grid(xp, 2024, 2025, 2026), xp=xp)
    close(xp.exp(out), [[1e14, 1.122e14, 1e14 * 1.1**2 * 1.02**2]])
    total = data.log_sum([arr(xp, [[0.0]]), arr(xp, [[math.log(2.0)]])], xp=xp)
    close(xp.exp(total), [[3.0]])


def test_reuse_factor_muennighoff(xp):
    out = data.log_reuse_factor(col(xp, 1.0, 5.0, 1000.0), col(xp, 15.4, 15.4, 15.4), xp=xp)
    # E = 1: no reuse; E = 5: 1 + 15.4 (1 - e^(-4/15.4)) = 4.522721; E -> inf: 1 + R* = 16.4
    close(xp.exp(out), [[1.0], [4.522721], [16.4]], rel=1e-6)


def test_effective_sources_are_not_reused_again(xp):
    reuse = data.log_reuse_factor(col(xp, 5.0), col(xp, 15.4), xp=xp)
    out = data.log_human_effective_tokens(
        arr(xp, [[math.log(1e13)]]), arr(xp, [[math.log(2e13)]]), reuse, xp=xp
    )
    close(xp.exp(out), [[1e13 * 4.522721 + 2e13]], rel=1e-6)
    only_eff = data.log_human_effective_tokens(None, arr(xp, [[math.log(2e13)]]), reuse, xp=xp)
    close(xp.exp(only_eff), [[2e13]])


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


def test_dataset_size_arm_replaces_compute_based_demand_per_sample(xp):
    g = grid(xp, 2024, 2026)
    arm = bundles.Demand(col(xp, 6e12, 6e12), growth(xp, 2.4, 2.4), col(xp, 1.0, 0.0))
    out = data.log_data_demand(
        arr(xp, [[math.log(6e24)] * 2] * 2), col(xp, 20.0, 20.0), xp=xp, demand=arm, grid=g
    )
    # sample 0 follows the trend 6e12 x 2.4^Δ; sample 1 the compute: sqrt(20 x 6e24 / 6)
    close(xp.exp(out), [[6e12, 6e12 * 5.76], [math.sqrt(2e25)] * 2])


def test_exhaustion_year_interpolates_the_crossing(xp):
    years = row(xp, 2024, 2025, 2026, 2027, 2028)
    demand = arr(xp, np.log([[1, 2, 4, 8, 16], [10, 20, 40, 80, 160], [1, 1, 1, 1, 1]]))
    stock = arr(xp, np.log([[3, 3, 3, 3, 3], [1, 1, 1, 1, 1], [2, 2, 2, 2, 2]]))
    out = data.exhaustion_year(demand, stock, years, xp=xp)
    # sample 0: ln(2/3) -> ln(4/3) between 2025 and 2026: 2026 - ln(4/3)/ln 2 = 2025.58496
    np.testing.assert_allclose(to_np(out)[:2], [2025.5849625007212, 2024.0], rtol=1e-12)
    assert to_np(out)[2] == math.inf


# --- the data-constrained law ----------------------------------------------------------------

E_, A_, B_, ALPHA, BETA, RD, RN = 1.82, 482.01, 2085.43, 0.3478, 0.3658, 15.4, 5.3


def _law(xp, rn=RN):
    return bundles.ScalingLaw(
        col(xp, E_),
        col(xp, A_),
        col(xp, B_),
        col(xp, ALPHA),
        col(xp, BETA),
        col(xp, RD),
        col(xp, rn),
    )


def _brute_force_equivalent(c, u, rn=RN):
    """The data-wall equivalent by brute force, written out from Muennighoff et al. 2023
    eq. 5 with scalars: minimise L over a fine grid of N, then invert the frontier."""
    g = (ALPHA * A_ / (BETA * B_)) ** (1 / (ALPHA + BETA))
    a_exp, b_exp = BETA / (ALPHA + BETA), ALPHA / (ALPHA + BETA)
    un = g * (g * u) ** (a_exp / b_exp)  # compute-optimal parameters for u tokens
    n = np.exp(
        np.linspace(math.log(g * (c / 6) ** a_exp) - 8, math.log(g * (c / 6) ** a_exp) + 8, 400_001)
    )
    d = c / (6 * n)
    d_eff = np.where(d <= u, d, u + u * RD * -np.expm1(-(d / u - 1) / RD))
    n_eff = np.where(n <= un, n, un + un * rn * -np.expm1(-(n / un - 1) / rn))
    loss = A_ / n_eff**ALPHA + B_ / d_eff**BETA
    k = A_ * g**-ALPHA + B_ * g**BETA
    gamma = ALPHA * BETA / (ALPHA + BETA)
    return min(6 * (k / loss.min()) ** (1 / gamma), c)


def test_frontier_tokens_per_parameter_fall_with_compute():
    # With the Besiroglu et al. constants the optimum is ~18 tokens per parameter at 1e24
    # FLOP and ~14 at 1e29 (REFERENCE.md): D/N = (C/6) / N_opt^2.
    law = _law(np)
    for c, ratio in ((1e24, 18), (1e29, 14)):
        log_n = scaling.log_optimal_parameters(np.log(c), law, xp=np)
        n = float(np.exp(log_n[0, 0]))
        assert abs(c / 6 / n / n - ratio) < 1.0


def test_data_wall_equivalent_equals_compute_when_data_suffices(xp):
    out = scaling.log_data_wall_equivalent(
        arr(xp, [[math.log(1e24)]]), arr(xp, [[math.log(1e15)]]), _law(xp), xp=xp
    )
    close(xp.exp(out), [[1e24]], rel=1e-9)


@pytest.mark.parametrize("c, u", [(1e27, 1e13), (1e30, 3e14), (1e32, 3e14)])
def test_data_wall_equivalent_matches_brute_force(c, u):
    out = scaling.log_data_wall_equivalent(
        np.array([[math.log(c)]]), np.array([[math.log(u)]]), _law(np), xp=np
    )
    expected = _brute_force_equivalent(c, u)
    assert math.isclose(float(np.exp(out[0, 0])), expected, rel_tol=1e-6)
    assert expected < c


def test_parameter_side_of_the_law_lowers_the_equivalent():
    # Without the R*_N penalty (R*_N = 1e6, nearly inf) excess parameters are as good as fresh ones.
    c, u = np.array([[math.log(1e30)]]), np.array([[math.log(3e14)]])
    with_n = float(np.exp(scaling.log_data_wall_equivalent(c, u, _law(np), xp=np)[0, 0]))
    without = float(np.exp(scaling.log_data_wall_equivalent(c, u, _law(np, 1e6), xp=np)[0, 0]))
    assert with_n < without
    assert math.isclose(without, _brute_force_equivalent(1e30, 3e14, 1e6), rel_tol=1e-6)


def test_data_wall_equivalent_is_zero_without_compute(xp):
    out = scaling.log_data_wall_equivalent(
        arr(xp, [[-math.inf]]), arr(xp, [[math.log(1e13)]]), _law(xp), xp=xp
    )
    assert to_np(xp.exp(out)).tolist() == [[0.0]]


# --- the whole projection --------------------------------------------------------------------

BASE = {
    "economy.world_gdp": 1e14,
    "economy.gdp_growth": 1.0,
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
    "scaling_law.parameter_reuse_decay": 5.3,
}


def params_for(xp, n=1, years=(2024,), effective=(), **over):
    """A Params bundle from key-path values (broadcast to n samples)."""
    values = {**BASE, **over}
    values = {
        k: arr(xp, np.reshape(np.broadcast_to(np.asarray(v, float), (n,)), (n, 1)))
        for k, v in values.items()
    }
    sources = sorted({k.split(".")[2] for k in values if k.startswith("data.sources.")})
    synthetic = bool(np.any(np.asarray(over.get("synthetic.share_of_compute", 0.0)) > 0))
    return bundles.build(
        values, grid(xp, *years), sources, frozenset(effective), xp=xp, synthetic=synthetic
    )


def ceilings_for(params):
    groups = {g for g in ("power", "chips", "latency", "demand") if getattr(params, g) is not None}
    return registry.active(groups)


def run_project(params, **kw):
    with np.errstate(divide="ignore", invalid="ignore"):
        return project(params, ceilings_for(params), **kw)


def assert_same_projection(expected, got):
    """Two run_project results are bit-identical: every variable the first has, the binding
    constraint and the exhaustion year."""
    (want, b0, e0), (logs, b1, e1) = expected, got
    for name, value in want.items():
        assert np.array_equal(to_np(value), to_np(logs[name])), name
    assert np.array_equal(to_np(b0), to_np(b1)) and np.array_equal(to_np(e0), to_np(e1))


def test_projection_hand_computed(xp):
    # budget = 1e8 * 2^t * 1e18 * 2^t = 1e26 * 4^t; data limit 6 * (1e13)^2 / 20 = 3e25 FLOP
    p = params_for(xp, years=(2024, 2025, 2026))
    logs, binding, exhaustion = run_project(p, xp=xp)
    close(xp.exp(logs["budget_flop"]), [[1e26, 4e26, 1.6e27]])
    close(xp.exp(logs["largest_run_flop"]), [[3e25, 3e25, 3e25]])
    close(xp.exp(logs["effective_compute_flop"]), [[3e25, 6e25, 1.2e26]])
    close(xp.exp(logs["capability_equivalent_flop"]), [[3e26, 6e26, 1.2e27]])
    assert to_np(binding).tolist() == [[1, 1, 1]]  # "data", second in the registry
    # demand sqrt(20 * 1e26 / 6) = 1.83e13 > 1e13 already in 2024
    assert to_np(exhaustion).tolist() == [2024.0]


def test_constant_rates_give_the_v1_closed_forms(xp):
    # Model v1 wrote every quantity as X0 * g^Δ; v2's sums of log growth must give the same.
    years = tuple(range(2024, 2051))
    over = {
        "spending.growth": 2.4,
        "hardware.doubling_time": 2.1,
        "economy.gdp_growth": 1.03,
        "spending.max_share_of_gdp": 1.0,
        "data.sources.web.growth": 1.07,
        "economy.world_gdp": 1e30,
    }  # no GDP cap within the years
    logs, _, _ = run_project(params_for(xp, years=years, **over), xp=xp)
    d = np.arange(27.0)
    close(xp.exp(logs["spend_usd"]), [1e8 * 2.4**d], rel=1e-14)
    close(xp.exp(logs["flop_per_usd"]), [1e18 * 2 ** (d / 2.1)], rel=1e-14)
    close(xp.exp(logs["gdp_usd"]), [1e30 * 1.03**d], rel=1e-14)
    close(xp.exp(logs["human_tokens"]), [1e13 * 1.07**d], rel=1e-14)


def test_projection_synthetic_data_adds_tokens(xp):
    p = params_for(xp, **{"synthetic.share_of_compute": 0.5})
    logs, _, _ = run_project(p, xp=xp)
    # 0.5 * 1e26 / 1e12 = 5e13 tokens capped at 1 x 1e13, worth 0.5 -> 5e12
    close(xp.exp(logs["synthetic_tokens"]), [[5e12]])
    close(xp.exp(logs["available_tokens"]), [[1.5e13]])
    close(xp.exp(logs["training_flop"]), [[5e25]])


def test_demand_comes_from_the_hardware_feasible_run(xp):
    # Money buys 1e26 FLOP but power allows only 1e8 W x 1e12 FLOP/J x 1e7 s x 0.5 = 5e26...
    # make power bind: 1e7 W -> 5e25 FLOP. Demand sqrt(20 x 5e25 / 6) = 1.291e13 tokens, not
    # sqrt(20 x 1e26 / 6) = 1.826e13.
    power = {
        "power.available": 1e7,
        "power.growth": 1.0,
        "power.flop_per_joule": 1e12,
        "power.efficiency_growth": 1.0,
        "power.world_electricity": 1e12,
        "power.world_electricity_growth": 1.0,
        "power.max_share_of_world": 1.0,
        "training.duration": 1e7,
        "training.utilisation": 0.5,
        "data.sources.web.stock": 1e15,
    }
    logs, binding, _ = run_project(params_for(xp, **power), xp=xp)
    close(xp.exp(logs["power_flop"]), [[5e25]])
    close(xp.exp(logs["largest_run_flop"]), [[5e25]])
    close(xp.exp(logs["data_demand_tokens"]), [[math.sqrt(20 * 5e25 / 6)]])
    assert to_np(binding).tolist() == [[2]]  # compute, data, power


def test_results_stay_in_the_input_namespace(xp):
    logs, binding, exhaustion = run_project(params_for(xp, years=(2024, 2025)), xp=xp)
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
    years = tuple(range(2024, 2040))
    a, _, ea = run_project(params_for(np, 50, years=years, **over), xp=np)
    b, _, eb = run_project(params_for(xs, 50, years=years, **over), xp=xs)
    eps = np.finfo(float).eps
    np.testing.assert_allclose(to_np(b[name]), a[name], rtol=100 * eps, atol=0)
    np.testing.assert_allclose(to_np(eb), ea, rtol=100 * eps)


@pytest.mark.parametrize(
    "c, expected",
    # Worked examples for U = 3e14 tokens, computed independently (dense grid then bounded
    # Brent search over ln N, /tmp/research/ceilings_law.md): C_eq to 4 significant figures.
    [(1e26, 1.000e26), (1e28, 1.000e28), (1e29, 9.732e28), (1e30, 6.915e29), (1e32, 3.601e30)],
)
def test_data_wall_equivalent_worked_examples(c, expected):
    out = scaling.log_data_wall_equivalent(
        np.array([[math.log(c)]]), np.array([[math.log(3e14)]]), _law(np), xp=np
    )
    assert math.isclose(float(np.exp(out[0, 0])), expected, rel_tol=6e-4)


def test_data_wall_equivalent_levels_off_at_93_times_where_data_starts_to_bind():
    # Data binds from C_bind = 6 (U G)^(1/b) (3.887e28 FLOP for U = 3e14); however much compute,
    # the equivalent never passes 93.31 x C_bind (the law's closed-form limit).
    g = (ALPHA * A_ / (BETA * B_)) ** (1 / (ALPHA + BETA))
    c_bind = 6 * (3e14 * g) ** ((ALPHA + BETA) / ALPHA)
    assert math.isclose(c_bind, 3.887e28, rel_tol=1e-3)
    out = scaling.log_data_wall_equivalent(
        np.array([[math.log(1e40)]]), np.array([[math.log(3e14)]]), _law(np), xp=np
    )
    assert math.isclose(float(np.exp(out[0, 0])) / c_bind, 93.31, rel_tol=2e-3)


def test_first_reached_by_hand_with_a_sample_that_has_no_path(xp):
    from scalesim.model.kernels.milestones import first_reached

    years = arr(xp, [[2024.0, 2025.0, 2026.0]])
    # Sample 0: ln metric 0, 2, 4 against ln requirement 1: gap -1, 1, 3; reached in 2025,
    # arrival 2025 - 1 / (1 - (-1)) = 2024.5. Sample 1: no path (+inf requirement), even
    # where the metric is +inf: never. Sample 2: already reached in the first year.
    metric = arr(xp, [[0.0, 2.0, 4.0], [0.0, math.inf, math.inf], [5.0, 6.0, 7.0]])
    req = arr(xp, [[1.0], [math.inf], [1.0]])
    with np.errstate(invalid="ignore"):  # inf - inf for the sample with no path, as in a run
        index, arrival = first_reached(metric, req, years, xp=xp)
    assert to_np(index).tolist() == [1, 3, 0]
    assert to_np(arrival).tolist() == [2024.5, math.inf, 2024.0]
