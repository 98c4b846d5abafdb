"""Paradigms against hand values: the RL, post-training and test-time gains, the budget's
split (RL takes from pretraining and adds no data demand), model size, and the defaults that
leave every other scenario unchanged."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import SCENARIOS, arr, to_np

import scalesim
from scalesim.errors import InputError
from scalesim.model.bundles import Grid, Rate
from scalesim.model.kernels import paradigms
from scalesim.scenario.loader import scenario_from_mapping


def test_rl_gain_hand_values(xp):
    # C_rl = C: (1 + 1)^2 = 4; capped at 3; C_rl = 0: no gain.
    log_run = arr(xp, [[math.log(1e26)]])
    got = paradigms.log_rl_gain(
        arr(xp, [[math.log(1e26)]]), log_run, arr(xp, [[2.0]]), arr(xp, [[math.inf]]), xp=xp
    )
    assert math.exp(float(to_np(got)[0, 0])) == pytest.approx(4.0, rel=1e-12)
    got = paradigms.log_rl_gain(
        arr(xp, [[math.log(1e26)]]), log_run, arr(xp, [[2.0]]), arr(xp, [[3.0]]), xp=xp
    )
    assert math.exp(float(to_np(got)[0, 0])) == pytest.approx(3.0, rel=1e-12)
    got = paradigms.log_rl_gain(
        arr(xp, [[-math.inf]]), log_run, arr(xp, [[2.0]]), arr(xp, [[math.inf]]), xp=xp
    )
    assert float(to_np(got)[0, 0]) == 0.0


def test_test_time_gain_hand_values(xp):
    # 100x inference compute at 3x per tenfold: 3^2 = 9; capped at 5; 1x: no gain.
    one = arr(xp, [[100.0], [100.0], [1.0]])
    got = paradigms.log_test_time_gain(
        one, arr(xp, [[3.0]]), arr(xp, [[math.inf], [5.0], [math.inf]]), xp=xp
    )
    np.testing.assert_allclose(np.exp(to_np(got)).ravel(), [9.0, 5.0, 1.0], rtol=1e-12)


def test_post_training_gain_grows_to_its_cap(xp):
    # G_post0 = 5 growing 1.1x a year: 5, 5.5, 6.05 in years 0..2; capped at 6.
    grid = Grid(years=arr(xp, [[2024.0, 2025.0, 2026.0]]), dt=arr(xp, [[0.0, 1.0, 2.0]]))
    rate = Rate(arr(xp, [[math.log(1.1)]]))
    got = paradigms.log_post_training_gain(
        arr(xp, [[5.0]]), rate, arr(xp, [[math.inf]]), grid, xp=xp
    )
    np.testing.assert_allclose(np.exp(to_np(got)).ravel(), [5.0, 5.5, 6.05], rtol=1e-12)
    got = paradigms.log_post_training_gain(arr(xp, [[5.0]]), rate, arr(xp, [[6.0]]), grid, xp=xp)
    np.testing.assert_allclose(np.exp(to_np(got)).ravel(), [5.0, 5.5, 6.0], rtol=1e-12)


def test_model_size_hand_values(xp):
    # C = 1.2e24 FLOP at k = 20: N = sqrt(1.2e24 / 120) = 1e11, D = 2e12 tokens.
    log_n, log_d = paradigms.log_model_size(arr(xp, [[math.log(1.2e24)]]), arr(xp, [[20.0]]), xp=xp)
    assert math.exp(float(to_np(log_n)[0, 0])) == pytest.approx(1e11, rel=1e-12)
    assert math.exp(float(to_np(log_d)[0, 0])) == pytest.approx(2e12, rel=1e-12)


def _fixed(parameters: dict) -> scalesim.Scenario:
    """Effective compute 1e26 · 8^Δ FLOP (as in test_milestones), plus ``parameters``."""
    base = {
        "economy": {"world_gdp": "1e20 USD", "gdp_growth": 1.0},
        "spending": {"largest_run": "1e8 USD", "growth": 2.0, "max_share_of_gdp": 1.0},
        "hardware": {
            "flop_per_usd": "1e18 FLOP/USD",
            "doubling_time": "1 year",
            "max_flop_per_usd": float("inf"),
        },
        "algorithms": {"halving_time": "1 year", "max_multiplier": float("inf")},
        "data": {"sources": {"text": {"stock": "1e22 token", "effective": True}}},
        "training": {"tokens_per_parameter": 20},
    }
    for group, body in parameters.items():
        base.setdefault(group, {}).update(body)
    return scenario_from_mapping(
        {"name": "fixed", "years": {"start": 2024, "end": 2028}, "parameters": base}
    )


def test_capability_combines_every_gain_by_hand():
    s = _fixed(
        {
            "training": {"post_training_gain": 5},
            "post_training": {"growth": 1.1, "max_gain": 6},
            "rl": {"share_of_compute": 0.5, "gain_exponent": 2, "max_gain": 100},
            "test_time": {"compute_multiple": 100, "gain_per_tenfold": 3, "max_gain": 50},
        }
    )
    r = scalesim.run(s, samples=1, keep="all")
    budget = np.array([1e26 * 4.0**d for d in range(5)])
    v = r.variables
    np.testing.assert_allclose(v["rl_flop"][0], 0.5 * budget, rtol=1e-12)
    np.testing.assert_allclose(v["training_flop"][0], 0.5 * budget, rtol=1e-12)
    np.testing.assert_allclose(v["largest_run_flop"][0], 0.5 * budget, rtol=1e-12)
    # G_rl = (1 + C_rl / C_pre)^2 = 4; G_post = min(5 · 1.1^Δ, 6); G_tt = 3^2 = 9.
    g_post = np.minimum(5 * 1.1 ** np.arange(5), 6.0)
    want = v["effective_compute_flop"][0] * g_post * 4.0 * 9.0
    np.testing.assert_allclose(v["capability_equivalent_flop"][0], want, rtol=1e-12)
    # N and D of the pretraining run.
    n = np.sqrt(0.5 * budget / (6 * 20))
    np.testing.assert_allclose(v["parameters"][0], n, rtol=1e-12)
    np.testing.assert_allclose(v["training_tokens"][0], 20 * n, rtol=1e-12)


def test_rl_share_is_taken_from_pretraining_and_adds_no_data_demand():
    r = scalesim.run(SCENARIOS / "rl-scaling.yaml", samples=2000, keep="all")
    v = r.variables
    rl_share = v["rl_flop"] / v["budget_flop"]
    np.testing.assert_allclose(v["training_flop"], (1 - rl_share) * v["budget_flop"], rtol=1e-9)
    assert ((rl_share >= 0.05 - 1e-12) & (rl_share <= 0.5 + 1e-12)).all()
    # Demand is the compute-optimal dataset of the pretraining compute only: sqrt(k C_pre / 6).
    np.testing.assert_allclose(
        v["data_demand_tokens"], np.sqrt(20 * v["training_flop"] / 6), rtol=1e-9
    )
    assert (v["capability_equivalent_flop"] >= v["effective_compute_flop"] * (1 - 1e-12)).all()
    summary = r.summary()["variables"]
    assert {"rl_flop", "capability_equivalent_flop"} <= set(summary)


def test_empty_paradigm_groups_change_nothing():
    plain = scalesim.run(SCENARIOS / "baseline.yaml", samples=3000, keep="all")
    s = scalesim.load_scenario(SCENARIOS / "baseline.yaml")
    raw = {**s.raw, "parameters": {**s.raw["parameters"], "rl": {}, "test_time": {}}}
    raw["parameters"]["post_training"] = {}
    with_groups = scalesim.run(scenario_from_mapping(raw), samples=3000, keep="all")
    for name in ("largest_run_flop", "effective_compute_flop", "capability_equivalent_flop"):
        np.testing.assert_array_equal(with_groups.variables[name], plain.variables[name])
    assert not with_groups.variables["rl_flop"].any()


def test_test_time_scenario_gains_within_their_caps():
    r = scalesim.run(SCENARIOS / "test-time-compute.yaml", samples=2000, keep="all")
    ratio = r.variables["capability_equivalent_flop"] / r.variables["effective_compute_flop"]
    assert (ratio >= 1 - 1e-12).all() and (ratio <= 100 * (1 + 1e-9)).all()
    np.testing.assert_array_equal(
        r.variables["largest_run_flop"],
        scalesim.run(SCENARIOS / "baseline.yaml", samples=2000, keep="all").variables[
            "largest_run_flop"
        ],
    )


def test_shares_that_can_sum_past_one_are_refused():
    with pytest.raises(InputError) as exc:
        _fixed(
            {
                "synthetic": {"share_of_compute": {"uniform": [0.1, 0.6]}},
                "rl": {"share_of_compute": {"uniform": [0.1, 0.6]}},
            }
        )
    assert exc.value.key == "parameters.rl.share_of_compute"
    assert "sum to 1.2" in exc.value.message
    _fixed({"synthetic": {"share_of_compute": 0.3}, "rl": {"share_of_compute": 0.5}})
