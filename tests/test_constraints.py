"""Power, chips and latency ceilings, the reliability derate, and the ceiling registry."""

from __future__ import annotations

import math

import numpy as np
from conftest import SCENARIOS, toy_ceiling
from test_kernels import close, col, grid, growth

import scalesim
from scalesim.model import bundles
from scalesim.model import constraints as registry
from scalesim.model.kernels import ceilings as walls


def training(xp, duration=1e7, utilisation=0.5, k=20.0):
    return bundles.Training(col(xp, k), col(xp, 1.0), col(xp, duration), col(xp, utilisation))


def test_power_flop_hand_computed_with_the_world_electricity_cap(xp):
    # P(t) = 1e8 W x 2^Δ, capped at 2% of 1e10 W = 2e8 W; e(t) = 1e12 x 1.5^Δ FLOP/J;
    # x 1e7 s x 0.5: Δ=0: 1e8 x 1e12 x 5e6 = 5e26; Δ=1: 2e8 x 1.5e12 x 5e6 = 1.5e27;
    # Δ=2: 2e8 (capped) x 2.25e12 x 5e6 = 2.25e27.
    power = bundles.Power(
        col(xp, 1e8),
        growth(xp, 2.0),
        col(xp, 1e12),
        growth(xp, 1.5),
        col(xp, 1e10),
        growth(xp, 1.0),
        col(xp, 0.02),
    )
    out = walls.log_power_flop(power, training(xp), grid(xp, 2024, 2025, 2026), xp=xp)
    close(xp.exp(out), [[5e26, 1.5e27, 2.25e27]])


def _chips(xp, lifetime):
    return bundles.Chips(
        col(xp, 1e6),
        col(xp, 1e6),
        growth(xp, 2.0),
        col(xp, 0.25),
        col(xp, 1e15),
        growth(xp, 1.5),
        col(xp, lifetime),
    )


def test_chip_fleet_is_a_stock_of_vintages(xp):
    # Base stock 1e6 chips at 1e15 FLOP/s; production 1e6 x 2^j at 1e15 x 1.5^j FLOP/s; a run
    # in year Δ uses chips made before Δ; lifetime 2 years (age <= 2 in service).
    #   Δ=0: 1e21                       Δ=1: 1e21 + 1e21 = 2e21
    #   Δ=2: vintage 0 (1e21) + vintage 1 (2e6 x 1.5e15 = 3e21) = 4e21 (base stock retired)
    #   Δ=3: vintage 1 (3e21) + vintage 2 (4e6 x 2.25e15 = 9e21) = 1.2e22
    # C = 0.25 x fleet x 1e7 s x 0.4 = fleet x 1e6.
    out = walls.log_chips_flop(
        _chips(xp, 2.0), training(xp, 1e7, 0.4), grid(xp, 2024, 2025, 2026, 2027), xp=xp
    )
    close(xp.exp(out), [[1e27, 2e27, 4e27, 1.2e28]])


def test_fractional_lifetime_retires_a_vintage_gradually(xp):
    # lifetime 1.5: a vintage of age 2 counts half. Δ=2: 0.5 x 1e21 + 3e21 = 3.5e21.
    out = walls.log_chips_flop(
        _chips(xp, 1.5), training(xp, 1e7, 0.4), grid(xp, 2023, 2024, 2026), xp=xp
    )
    # before the base year only the base stock: 1e21
    close(xp.exp(out), [[1e27, 1e27, 3.5e27]])


def test_latency_flop_hand_computed(xp):
    # D_max = 1e7 s * 6e7 token / 0.1 s = 6e15 tokens; C = 6 * 3.6e31 / 20 = 1.08e31
    lat = bundles.Latency(col(xp, 0.1), col(xp, 6e7), None)
    out = walls.log_latency_flop(lat, training(xp), grid(xp, 2024, 2030), xp=xp)
    close(xp.exp(out), [[1.08e31, 1.08e31]])


POWER_LIMITED = """name: power-limited
parameters:
  spending: {largest_run: 1e10 USD, growth: 2.0, max_share_of_gdp: 1.0}
  hardware: {flop_per_usd: 1e18 FLOP/USD, max_flop_per_usd: .inf}
  algorithms: {max_multiplier: .inf}
  data: {sources: {web: {stock: 1e17 token}}}
  training: {duration: 1e7 s, utilisation: 0.5}
  power: {available: 1e8 W, growth: 1.5, flop_per_joule: 1e12 FLOP/J, efficiency_growth: 1.0,
          max_share_of_world: 1.0}
"""


def test_power_limited_scenario_matches_hand_calculation(tmp_path):
    f = tmp_path / "power.yaml"
    f.write_text(POWER_LIMITED)
    r = scalesim.run(f, samples=100, seed=1)
    # 1e8 W * 1.5^Δ * 1e12 FLOP/J * 1e7 s * 0.5 = 5e26 * 1.5^Δ FLOP; compute 1e28 * 2^Δ
    expected = 5e26 * 1.5 ** (np.asarray(r.years) - 2024)
    np.testing.assert_allclose(r.variables["largest_run_flop"][0], expected, rtol=1e-12)
    np.testing.assert_allclose(r.variables["power_flop"][0], expected, rtol=1e-12)
    # demand comes from the power-limited run: sqrt(20 x 5e26 x 1.5^Δ / 6)
    np.testing.assert_allclose(
        r.variables["data_demand_tokens"][0], np.sqrt(20 * expected / 6), rtol=1e-12
    )
    assert r.binding_shares()["power"] == [1.0] * len(r.years)
    assert r.constraints == ("compute", "data", "power")
    assert "chips_flop" not in r.variables


def test_latency_ceiling_can_be_given_directly(tmp_path):
    f = tmp_path / "lat.yaml"
    f.write_text(
        "name: lat\nextends: %s\nparameters:\n  latency: {ceiling: 1e27 FLOP}\n"
        % (SCENARIOS / "baseline.yaml")
    )
    r = scalesim.run(f, samples=200, seed=1)
    assert np.all(r.variables["largest_run_flop"] <= 1e27 * (1 + 1e-12))
    assert r.binding_shares()["latency"][-1] == 1.0


def test_reliability_is_drawn_per_sample(tmp_path):
    f = tmp_path / "rel.yaml"
    f.write_text(
        "name: rel\nextends: %s\nparameters:\n"
        "  reliability: {mtbf: {to: [5000 hour, 80000 hour]}}\n" % (SCENARIOS / "scaling-2030.yaml")
    )
    with_rel = scalesim.run(f, samples=2000, seed=3)
    without = scalesim.run(SCENARIOS / "scaling-2030.yaml", samples=2000, seed=3)
    g = with_rel.variables["goodput"]
    assert np.all((g > 0) & (g <= 1))
    assert np.all(
        with_rel.variables["largest_run_flop"]
        <= without.variables["largest_run_flop"] * (1 + 1e-12)
    )
    # same implied cluster, different MTBF draws: the goodput differs between samples, and a
    # lower MTBF never gives a higher goodput at a given cluster size
    i = with_rel.years.index(2026)
    n = with_rel.variables["accelerators"][:, i]
    assert np.std(np.log(g[:, i])) > 0.01
    assert np.corrcoef(np.log(g[:, i]), np.log(n))[0, 1] < 0


def test_a_toy_ceiling_binds_is_summarised_and_labelled():
    # A new ceiling is one kernel and one registry entry; nothing else changes.
    toy = toy_ceiling()
    with registry.registered(toy):
        r = scalesim.run(SCENARIOS / "baseline.yaml", samples=2000, seed=1, summarize="all")
        s = r.summary()
        assert r.constraints == ("compute", "data", "toy")
        assert registry.label("toy") == "Toy wall" and registry.colour("toy") == "#123456"
    assert np.all(r.variables["largest_run_flop"] <= 1e27 * (1 + 1e-12))
    # quantiles come from log10 bins of width 0.001: within 0.23% of the flat 1e27
    assert all(math.isclose(v, 1e27, rel_tol=2.4e-3) for v in s["variables"]["toy_flop"]["p50"])
    i = r.years.index(2040)
    assert s["binding_constraint_share"]["toy"][i] > 0.99  # by 2040 money and data pass 1e27
    assert s["binding_constraint_share"]["toy"][0] == 0.0  # in 2024 no run reaches it
    frame = r.to_frame(["largest_run_flop"])
    assert "toy" in set(frame["binding_constraint"].astype(str))
    assert "toy" not in scalesim.load_scenario(SCENARIOS / "baseline.yaml").constraints


def test_reliability_derate_inside_the_projection_matches_daly_by_hand():
    # Power allows 1.6384e7 W x 1e12 FLOP/J x 1e7 s x 0.5 = 8.192e25 FLOP; one accelerator
    # delivers 1e15 FLOP/s x 1e7 s x 0.5 = 5e21 FLOP, so the cluster is N = 16,384 (Llama 3).
    # With M = 50,700 h per accelerator, M_sys = M / N = 185.7 min; delta = 0.5 min, R = 5 min.
    # Daly 2006: tau = sqrt(2 delta M)(1 + sqrt(delta/(2M))/3 + delta/(18M)) - delta = 13.30 min
    # and goodput = tau / (M e^(R/M) (e^((tau + delta)/M) - 1)) = 0.9038.
    from test_kernels import params_for, run_project

    m = 16_384 * 54 * 24 / 419 * 60 / 16_384  # system MTBF [min]
    tau = math.sqrt(2 * 0.5 * m) * (1 + math.sqrt(0.5 / (2 * m)) / 3 + 0.5 / (18 * m)) - 0.5
    daly = tau / (m * math.exp(5 / m) * (math.exp((tau + 0.5) / m) - 1))
    assert abs(daly - 0.9038) < 1e-3
    from scalesim.model.reliability.goodput import per_sample_table

    over = {
        "power.available": 1.6384e7,
        "power.growth": 1.0,
        "power.flop_per_joule": 1e12,
        "power.efficiency_growth": 1.0,
        "power.world_electricity": 1e15,
        "power.world_electricity_growth": 1.0,
        "power.max_share_of_world": 1.0,
        "training.duration": 1e7,
        "training.utilisation": 0.5,
        "data.sources.web.stock": 1e16,
        "reliability.mtbf": 16_384 * 54 * 24 / 419,
        "reliability.checkpoint_cost": 0.5,
        "reliability.restart_time": 5.0,
        "chips.flop_per_second": 1e15,
        "chips.flop_per_second_growth": 1.0,
    }
    p = params_for(np, **over)
    p = type(p)(
        **{
            **p.__dict__,
            "reliability": type(p.reliability)(
                **{**p.reliability.__dict__, "table": per_sample_table()}
            ),
        }
    )
    logs, binding, _ = run_project(p, xp=np)
    assert math.isclose(float(np.exp(logs["accelerators"][0, 0])), 16_384, rel_tol=1e-9)
    goodput = float(np.exp(logs["goodput"][0, 0]))
    assert abs(goodput - daly) < 0.02  # the SimPy table agrees with Daly within 2 points
    assert math.isclose(
        float(np.exp(logs["largest_run_flop"][0, 0])), 8.192e25 * goodput, rel_tol=1e-12
    )
    assert binding.tolist() == [[2]]  # power


def test_reliability_without_chips_does_not_switch_the_chip_ceiling_on(tmp_path):
    # reliability sizes its cluster with the accelerator's FLOP/s (a chips.* default), which
    # must not give the scenario a chips ceiling it never asked for
    f = tmp_path / "rel.yaml"
    f.write_text(
        "name: rel\nextends: %s\nparameters:\n  reliability: {}\n" % (SCENARIOS / "baseline.yaml")
    )
    s = scalesim.load_scenario(f)
    assert s.constraints == ("compute", "data") and "chips" not in s.groups
    r = scalesim.run(s, samples=500, seed=1)
    assert np.all((r.variables["goodput"] > 0) & (r.variables["goodput"] <= 1))
