"""Power, chips and latency ceilings, and the reliability derate."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import SCENARIOS, arr, to_np
from test_kernels import close, col, params_for, row

import scalesim
from scalesim.model.kernels import ceilings as walls
from scalesim.model.kernels.projection import project
from scalesim.model.kernels.reliability import log_derate


def test_power_flop_hand_computed(xp):
    # 1e8 W * 1e12 FLOP/J * 1e7 s * 0.5 = 5e26 FLOP, doubling power and x1.5 efficiency a year
    out = walls.log_power_flop(
        col(xp, 1e8),
        col(xp, 2.0),
        col(xp, 1e12),
        col(xp, 1.5),
        col(xp, 1e7),
        col(xp, 0.5),
        row(xp, 0, 1, 2),
        xp=xp,
    )
    close(xp.exp(out), [[5e26, 1.5e27, 4.5e27]])


def test_chips_flop_hand_computed(xp):
    # fleet: 1e6 at the start; +2e6 (year 1); +4e6 (year 2) with production x2/yr
    # C = 0.25 * fleet * 1e15 FLOP/s * 1e7 s * 0.4 = fleet * 1e21
    out = walls.log_chips_flop(
        col(xp, 1e6),
        col(xp, 1e6),
        col(xp, 2.0),
        col(xp, 0.25),
        col(xp, 1e15),
        col(xp, 1.0),
        col(xp, 1e7),
        col(xp, 0.4),
        row(xp, -1, 0, 1, 2),
        xp=xp,
    )
    close(xp.exp(out), [[1e27, 1e27, 3e27, 7e27]])
    # no growth in production or FLOP/s: the fleet grows by p0 a year
    flat = walls.log_chips_flop(
        col(xp, 1e6),
        col(xp, 1e6),
        col(xp, 1.0),
        col(xp, 0.25),
        col(xp, 1e15),
        col(xp, 1.0),
        col(xp, 1e7),
        col(xp, 0.4),
        row(xp, 0, 1, 2),
        xp=xp,
    )
    close(xp.exp(flat), [[1e27, 2e27, 3e27]])


def test_latency_flop_hand_computed(xp):
    # D_max = 1e7 s * 6e7 token / 0.1 s = 6e15 tokens; C = 6 * 3.6e31 / 20 = 1.08e31
    out = walls.log_latency_flop(col(xp, 0.1), col(xp, 6e7), col(xp, 1e7), col(xp, 20.0), xp=xp)
    close(xp.exp(out), [[1.08e31]])


def test_derate_interpolates_capacity(xp):
    sizes = arr(xp, np.log([1e2, 1e4, 1e6]))
    capacity = arr(xp, np.log([90.0, 8000.0, 8000.0]))  # goodput 0.9, 0.8, 0.008
    n = arr(xp, np.log([[10.0, 1e2, 1e3, 1e4, 1e5, 1e8]]))
    got = np.exp(to_np(log_derate(n, sizes, capacity, xp=xp)))
    # below the table: goodput of the smallest size; 1e3: capacity sqrt(90 * 8000) = 848.5
    np.testing.assert_allclose(
        got, [[0.9, 0.9, math.sqrt(90 * 8000) / 1e3, 0.8, 0.08, 8e-5]], rtol=1e-12
    )


def test_power_limited_scenario_matches_hand_calculation(tmp_path):
    f = tmp_path / "power.yaml"
    f.write_text("""name: power-limited
parameters:
  spending: {largest_run: 1e10 USD, growth: 2.0, max_share_of_gdp: 1.0}
  hardware: {flop_per_usd: 1e18 FLOP/USD}
  data: {sources: {web: {stock: 1e17 token}}}
  training: {duration: 1e7 s, utilisation: 0.5}
  power: {available: 1e8 W, growth: 1.5, flop_per_joule: 1e12 FLOP/J, efficiency_growth: 1.0}
""")
    r = scalesim.run(f, samples=100, seed=1)
    # 1e8 W * 1.5^Δ * 1e12 FLOP/J * 1e7 s * 0.5 = 5e26 * 1.5^Δ FLOP; compute 1e28 * 2^Δ
    expected = 5e26 * 1.5 ** (np.asarray(r.years) - 2024)
    np.testing.assert_allclose(r.variables["largest_run_flop"][0], expected, rtol=1e-12)
    np.testing.assert_allclose(r.variables["power_flop"][0], expected, rtol=1e-12)
    assert r.binding_shares()["power"] == [1.0] * len(r.years)
    assert r.constraints == ("compute", "data", "power")
    assert "chips_flop" not in r.variables


def test_scaling_2030_headline_and_binding_shares(tmp_path):
    s = scalesim.run(SCENARIOS / "scaling-2030.yaml").summary()
    i = s["years"].index(2030)
    assert 5e28 <= s["variables"]["largest_run_flop"]["p50"][i] <= 1e30
    shares = s["binding_constraint_share"]
    assert set(shares) == {"compute", "data", "power", "chips", "latency"}
    for name in ("power_flop", "chips_flop", "latency_flop"):
        assert name in s["variables"]
    assert math.isclose(sum(v[i] for v in shares.values()), 1.0)


def test_latency_ceiling_can_be_given_directly(tmp_path):
    f = tmp_path / "lat.yaml"
    f.write_text(
        "name: lat\nextends: %s\nparameters:\n  latency: {ceiling: 1e27 FLOP}\n"
        % (SCENARIOS / "baseline.yaml")
    )
    r = scalesim.run(f, samples=200, seed=1)
    assert np.all(r.variables["largest_run_flop"] <= 1e27 * (1 + 1e-12))
    assert r.binding_shares()["latency"][-1] == 1.0


def test_reliability_derates_hardware_ceilings(tmp_path):
    f = tmp_path / "rel.yaml"
    f.write_text(
        "name: rel\nextends: %s\nparameters:\n  reliability: {}\n"
        % (SCENARIOS / "scaling-2030.yaml")
    )
    with_rel = scalesim.run(f, samples=2000, seed=3)
    without = scalesim.run(SCENARIOS / "scaling-2030.yaml", samples=2000, seed=3)
    g = with_rel.variables["goodput"]
    assert np.all((g > 0) & (g <= 1))
    assert np.all(
        with_rel.variables["largest_run_flop"]
        <= without.variables["largest_run_flop"] * (1 + 1e-12)
    )
    # the derate equals the simulated goodput where the implied cluster is in the table's range
    table = with_rel.goodput_table
    assert list(table["method"].unique()) == ["simpy", "daly"]
    n = with_rel.variables["accelerators"]
    small = (n >= 1e2) & (n <= 1e5)
    expected = (
        np.exp(
            np.interp(np.log(n[small]), np.log(table["accelerators"]), np.log(table["capacity"]))
        )
        / n[small]
    )
    np.testing.assert_allclose(g[small], expected, rtol=1e-9)
    assert "Goodput of the implied cluster" in scalesim.format_summary(with_rel)


@pytest.mark.parametrize("ns", ["numpy", "strict"])
def test_projection_computes_walls_from_parameters(ns):
    import array_api_strict

    xp = np if ns == "numpy" else array_api_strict
    p = params_for(
        xp,
        **{
            "power.available": 1e8,
            "power.growth": 1.0,
            "power.flop_per_joule": 1e12,
            "power.efficiency_growth": 1.0,
            "training.duration": 1e7,
            "training.utilisation": 0.5,
            "data.sources.web.stock": 1e16,
            "spending.largest_run": 1e10,
        },
    )
    logs, binding, _ = project(p, row(xp, 0), row(xp, 2024), ["web"], xp=xp)
    close(xp.exp(logs["power_flop"]), [[5e26]])
    assert to_np(binding).tolist() == [[2]]
