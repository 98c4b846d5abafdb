"""Milestones against hand values: P(reached by t) of a lognormal requirement on a known
trajectory, the exact crossing year of a fixed one, conditioning on "not yet", mixtures,
mergeable counts, the CLI table, and the shipped milestone scenarios."""

from __future__ import annotations

import math
import re
from statistics import NormalDist

import numpy as np
import pytest
from conftest import SCENARIOS, arr, to_np

import scalesim
from scalesim.engine.milestones import count_chunk, merge_counts
from scalesim.engine.run import kernel_inputs, project_chunk
from scalesim.errors import InputError
from scalesim.model.kernels.milestones import first_reached, log_requirement
from scalesim.present.text import format_summary
from scalesim.scenario.loader import scenario_from_mapping
from scalesim.scenario.priors import BLOCK, draw

LN8 = math.log(8.0)


def deterministic(milestones: dict, years=(2024, 2034), **training) -> scalesim.Scenario:
    """Every parameter fixed: C(t) = 1e8 USD · 2^Δ × 1e18 FLOP/USD · 2^Δ = 1e26 · 4^Δ FLOP
    of largest run, times the algorithmic multiplier 2^Δ: effective compute 1e26 · 8^Δ FLOP.
    GDP and the data stock are far above anything the run needs."""
    return scenario_from_mapping(
        {
            "name": "deterministic",
            "years": {"start": years[0], "end": years[1]},
            "base_year": 2024,
            "parameters": {
                "economy": {"world_gdp": "1e20 USD", "gdp_growth": 1.0},
                "spending": {"largest_run": "1e8 USD", "growth": 2.0, "max_share_of_gdp": 1.0},
                "hardware": {
                    "flop_per_usd": "1e18 FLOP/USD",
                    "doubling_time": "1 year",
                    "max_flop_per_usd": float("inf"),
                },
                "algorithms": {"halving_time": "1 year", "max_multiplier": float("inf")},
                "data": {"sources": {"text": {"stock": "1e22 token", "effective": True}}},
                "training": {"tokens_per_parameter": 20, **training},
            },
            "milestones": milestones,
        }
    )


def effective(year: int) -> float:
    return 1e26 * 8.0 ** (year - 2024)


def test_trajectory_is_the_hand_formula():
    s = deterministic({"m": {"requirement": "1e30 FLOP"}})
    r = scalesim.run(s, samples=1, keep="all")
    np.testing.assert_allclose(
        r.variables["effective_compute_flop"][0], [effective(y) for y in r.years], rtol=1e-12
    )


def test_lognormal_requirement_gives_normal_cdf_every_year():
    mu, sigma = math.log(1e29), 2.0
    s = deterministic({"m": {"requirement": {"lognormal": {"median": "1e29 FLOP", "sigma": 2}}}})
    n = 4 * BLOCK
    p = scalesim.run(s, samples=n).summary()["milestones"]["m"]["p_reached"]
    for y, got in zip(s.year_list, p, strict=True):
        want = NormalDist().cdf((math.log(effective(y)) - mu) / sigma)
        se = math.sqrt(want * (1 - want) / n)
        assert abs(got - want) <= 4.5 * se + 1e-12, (y, got, want)
    # And exactly the share of the drawn requirements at or below C(t).
    req = draw(s.milestones[0].priors(), s.seed, 0, n)["milestones.m.requirement"]
    for y, got in zip(s.year_list, p, strict=True):
        assert got == np.count_nonzero(np.log(req) <= math.log(effective(y))) / n


def test_fixed_requirement_gives_the_exact_crossing_year(xp):
    # ln C is linear in the year, so the log interpolation is exact: 1e28 = 1e26 · 8^Δ at
    # Δ = ln 100 / ln 8 = 2.2146 years after 2024.
    years = arr(xp, [[2024.0 + i for i in range(6)]])
    log_metric = arr(xp, [[math.log(effective(2024 + i)) for i in range(6)]])
    log_req = arr(xp, [[math.log(1e28)]])
    index, arrival = first_reached(log_metric, log_req, years, xp=xp)
    assert int(to_np(index)[0]) == 3
    assert to_np(arrival)[0] == pytest.approx(2024 + math.log(100) / LN8, abs=1e-9)


def test_fixed_requirement_summary():
    s = deterministic({"m": {"requirement": "1e28 FLOP"}})
    m = scalesim.run(s, samples=100).summary()["milestones"]["m"]
    assert m["p_reached"] == [0.0, 0.0, 0.0] + [1.0] * 8
    crossing = 2024 + math.log(100) / LN8  # 2026.2146
    for q in ("p10", "p50", "p90"):  # one 0.01-year bin holds every sample
        assert math.floor(crossing * 100) / 100 <= m["arrival_year"][q] <= crossing + 0.01
    assert m["share_never"] == 0.0 and m["share_dropped"] == 0.0


def test_never_reached_and_reached_in_the_first_year(xp):
    years = arr(xp, [[2024.0, 2025.0, 2026.0]])
    log_metric = arr(xp, [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    log_req = arr(xp, [[0.5], [math.inf]])
    index, arrival = first_reached(log_metric, log_req, years, xp=xp)
    assert to_np(index).tolist() == [0, 3]
    assert to_np(arrival).tolist() == [2024.0, math.inf]


def test_mixture_selects_each_samples_hypothesis(xp):
    reqs = [arr(xp, [[1.0]]), arr(xp, [[2.0], [2.0], [2.0], [2.0]])]
    choice = arr(xp, [[0.0], [1.0], [2.0], [1.0]])
    got = to_np(log_requirement(reqs, choice, xp=xp)).ravel().tolist()
    assert got == [1.0, 2.0, math.inf, 2.0]


def test_conditioning_drops_exactly_the_samples_already_reached():
    spec = {"lognormal": {"median": "1e27 FLOP", "sigma": 2}}
    s = deterministic({"m": {"requirement": spec, "not_reached_by": 2025}})
    n = 2 * BLOCK
    m = scalesim.run(s, samples=n).summary()["milestones"]["m"]
    log_req = np.log(draw(s.milestones[0].priors(), s.seed, 0, n)["milestones.m.requirement"])
    dropped = np.count_nonzero(log_req <= math.log(effective(2025)))
    # ln(1e26 · 8 / 1e27) / 2 = −0.081: Φ = 0.468 of the samples had reached it by 2025.
    assert dropped / n == m["share_dropped"]
    assert m["share_dropped"] == pytest.approx(NormalDist().cdf(math.log(0.8) / 2), abs=0.01)
    kept = n - dropped
    for y, got in zip(s.year_list, m["p_reached"], strict=True):
        hits = np.count_nonzero(log_req <= math.log(effective(y)))
        assert got == (max(hits - dropped, 0)) / kept
    assert m["p_reached"][:2] == [0.0, 0.0]


def test_mixture_with_no_path():
    s = deterministic(
        {
            "m": {
                "hypotheses": {
                    "low": {"weight": 0.3, "requirement": "1e27 FLOP"},
                    "high": {"weight": 0.5, "requirement": "1e50 FLOP"},
                }
            }
        }
    )
    n = 2 * BLOCK
    m = scalesim.run(s, samples=n).summary()["milestones"]["m"]
    choice = draw(s.milestones[0].priors(), s.seed, 0, n)["milestones.m.hypothesis"]
    assert m["p_reached"][0] == 0.0
    assert m["p_reached"][-1] == np.count_nonzero(choice == 0) / n
    assert m["p_reached"][-1] == pytest.approx(0.3, abs=4.5 * math.sqrt(0.21 / n))
    assert m["share_never"] == pytest.approx(0.7, abs=4.5 * math.sqrt(0.21 / n))
    # The 1e27 FLOP crossing: Δ = ln 10 / ln 8 after 2024.
    assert m["arrival_year"]["p10"] == pytest.approx(2024 + math.log(10) / LN8, abs=0.011)
    assert m["arrival_year"]["p50"] is None


def test_capability_metric_uses_the_post_training_gain():
    # G_post = 8 moves the 1e28 FLOP crossing exactly one year earlier.
    ms = {
        "eff": {"requirement": "1e28 FLOP"},
        "cap": {"requirement": "1e28 FLOP", "metric": "capability_equivalent_flop"},
        "run": {"requirement": "1e28 FLOP", "metric": "largest_run_flop"},
    }
    m = scalesim.run(deterministic(ms, post_training_gain=8), samples=10).summary()["milestones"]
    assert m["eff"]["p_reached"].index(1.0) == 3
    assert m["cap"]["p_reached"].index(1.0) == 2
    # Largest run 1e26 · 4^Δ: reaches 1e28 at Δ = ln 100 / ln 4 = 3.32, in 2028.
    assert m["run"]["p_reached"].index(1.0) == 4
    assert m["cap"]["metric"] == "capability_equivalent_flop"


def test_summaries_identical_across_chunks_threads_and_splits():
    s = scalesim.load_scenario(SCENARIOS / "milestones-bioanchors.yaml")
    n = 3 * BLOCK + 1000
    one = scalesim.run(s, samples=n, chunk_size=BLOCK, workers=1).summary()["milestones"]
    big = scalesim.run(s, samples=n, chunk_size=4 * BLOCK, workers=1).summary()["milestones"]
    threads = scalesim.run(s, samples=n, chunk_size=BLOCK, workers=2).summary()["milestones"]
    assert one == big == threads
    # Parts counted apart (as on Dask workers) and merged give the same counts.
    inputs = kernel_inputs(s, np)
    wanted = {m.metric for m in s.milestones}
    parts = {}
    for a, b in [(2 * BLOCK, n), (0, BLOCK), (BLOCK, 2 * BLOCK)]:
        logs, _, _ = project_chunk(inputs, draw(inputs.priors, s.seed, a, b), np, wanted)
        merge_counts(parts, count_chunk(s.milestones, logs, inputs.grid.years, s.seed, a, b, np))
    split = {m.name: parts[m.name].summary(m.metric, n) for m in s.milestones}
    assert split == one


def test_scenarios_without_milestones_have_no_milestone_key():
    s = scalesim.run(SCENARIOS / "baseline.yaml", samples=100).summary()
    assert "milestones" not in s


def test_cli_table_shows_the_summary():
    r = scalesim.run(SCENARIOS / "milestones-bioanchors.yaml", samples=BLOCK)
    text = format_summary(r)
    m = r.summary()["milestones"]["transformative_ai"]
    row = next(line for line in text.splitlines() if line.startswith("  transformative_ai"))
    header = next(line for line in text.splitlines() if line.startswith("  milestone"))
    shown = [int(y) for y in header.split()[1:]]
    assert {2030, 2036, 2050, 2100} <= set(shown)
    values = [float(v.rstrip("%")) / 100 for v in row.split()[1:]]
    for y, v in zip(shown, values, strict=True):
        assert v == pytest.approx(m["p_reached"][r.years.index(y)], abs=0.005)
    arrival = re.search(r"p50: (\S+)", text.split("arrival year")[1]).group(1)
    assert arrival == f"{m['arrival_year']['p50']:.1f}"


def test_bioanchors_weights_and_conditioning():
    s = scalesim.load_scenario(SCENARIOS / "milestones-bioanchors.yaml")
    (m,) = s.milestones
    weights = {h.name: h.weight for h in m.hypotheses}
    assert weights == {
        "lifetime": 0.05,
        "short_horizon": 0.2,
        "medium_horizon": 0.3,
        "long_horizon": 0.15,
        "genome": 0.1,
        "evolution": 0.1,
    }
    assert m.p_no_path == pytest.approx(0.1)
    # Each anchor's 80% interval is Rethink Priorities' p10–p90 in log10 FLOP.
    lifetime = m.hypotheses[0].requirement
    assert math.log10(lifetime.ppf(0.1)) == pytest.approx(26.6, abs=1e-3)
    assert math.log10(lifetime.ppf(0.9)) == pytest.approx(33.6, abs=1e-3)
    assert m.not_reached_by == 2025 and s.years.end == 2100


def test_requirement_1e35():
    s = scalesim.load_scenario(SCENARIOS / "scientific-papers-1e35.yaml")
    (m,) = s.milestones
    assert m.hypotheses[0].requirement.args == (1e35,)
    r = scalesim.run(s, samples=BLOCK, keep="all")
    got = r.summary()["milestones"]["scientific_papers"]["p_reached"]
    eff = r.variables["effective_compute_flop"]
    want = (np.maximum.accumulate(eff, axis=1) >= 1e35).mean(axis=0)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize(
    ("block", "key", "message"),
    [
        ({"m": {"requirement": 1e35}}, "milestones.m.requirement", "FLOP"),
        ({"m": {"requirement": "1e35 FLOP", "metrc": "x"}}, "milestones.m.metrc", "metric"),
        ({"m": {"requirement": "1e35 FLOP", "metric": "gdp_usd"}}, "milestones.m.metric", ""),
        ({"m": {}}, "milestones.m", "either requirement"),
        (
            {"m": {"requirement": "1e35 FLOP", "not_reached_by": 2070}},
            "milestones.m.not_reached_by",
            "2024–2034",
        ),
        (
            {
                "m": {
                    "hypotheses": {
                        "a": {"weight": 0.7, "requirement": "1e30 FLOP"},
                        "b": {"weight": 0.7, "requirement": "1e31 FLOP"},
                    }
                }
            },
            "milestones.m.hypotheses",
            "at most 1",
        ),
        (
            {"m": {"hypotheses": {"a": {"requirement": "1e30 FLOP"}}}},
            "milestones.m.hypotheses.a",
            "weight",
        ),
        (
            {"m": {"requirement": {"to": ["1e30 FLOP", "1e20 FLOP"]}}},
            "milestones.m.requirement.to",
            "",
        ),
        ({"m": {"requirement": "-1e30 FLOP"}}, "milestones.m.requirement", "> 0"),
        ([1, 2], "milestones", "mapping"),
    ],
)
def test_bad_milestones_name_the_key(block, key, message):
    with pytest.raises(InputError) as exc:
        deterministic(block)
    assert exc.value.key == key
    assert message in exc.value.message
