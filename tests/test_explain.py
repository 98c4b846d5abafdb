"""``scalesim explain``: the event's probability, the priors it shifts and PRIM boxes."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import SCENARIOS

import scalesim
from scalesim.analysis import prim
from scalesim.analysis.explain import (
    explain,
    explain_samples,
    ks_distance,
    peel,
    prim_boxes,
    prior_draws,
    probability_bound,
)
from scalesim.analysis.explain_stats import _ks_sorted
from scalesim.cli import main
from scalesim.engine.run import evaluate
from scalesim.errors import InputError
from scalesim.present.explain import box_frame, format_explain, parameter_frame

BASELINE = SCENARIOS / "baseline.yaml"
STOCK = "data.sources.public_text.stock"
#: Every uncertain prior of the baseline fixed at about its median except the text stock and
#: two priors that cannot change which ceiling binds in 2030: the algorithmic halving time
#: (it scales effective compute only) and GDP growth (the GDP share cap, ~5e11 USD in 2030,
#: is far above the ~2e10 USD spend).
ONE_PARAMETER = f"""
extends: {BASELINE}
name: explain test — only the text stock decides
parameters:
  spending: {{largest_run: 1.2e8 USD, growth: 2.4, max_share_of_gdp: 0.0045}}
  hardware:
    flop_per_usd: 7.7e17 FLOP/USD
    doubling_time: 1.6 year
    max_flop_per_usd: 7.8e21 FLOP/USD
  algorithms: {{max_multiplier: 3000}}
  data: {{sources: {{public_text: {{growth: 1.07}}}}}}
"""


@pytest.fixture(scope="module")
def one_parameter(tmp_path_factory):
    path = tmp_path_factory.mktemp("explain") / "one-parameter.yaml"
    path.write_text(ONE_PARAMETER, encoding="utf-8")
    return scalesim.load_scenario(path)


# --- the pieces, on numbers checkable by hand ------------------------------------------------


def test_ks_distance_by_hand():
    assert ks_distance(np.array([1.0, 2.0, 3.0]), np.array([2.0, 3.0, 4.0])) == pytest.approx(1 / 3)
    assert ks_distance(np.array([1.0, 2.0]), np.array([3.0, 4.0])) == 1.0
    assert ks_distance(np.array([1.0, 2.0, 2.0]), np.array([2.0, 1.0, 2.0])) == 0.0
    # ties between the two samples are counted at the tied value, not between
    assert ks_distance(np.array([0.0, 1.0]), np.array([1.0, 1.0])) == pytest.approx(0.5)


def test_the_ranking_uses_the_two_sample_ks_distance_ties_included():
    rng = np.random.default_rng(1)
    x = rng.integers(0, 7, 3_000).astype(float)  # many ties
    y = rng.uniform(size=3_000) < 0.2 + 0.1 * x
    result = explain_samples({"x": x, "z": rng.normal(size=3_000)}, y)
    shift = {s.parameter: s for s in result.parameters}["x"]
    assert shift.ks == pytest.approx(ks_distance(x[y], x[~y]), abs=1e-15)
    assert shift.event_quantiles == tuple(np.quantile(x[y], [0.1, 0.5, 0.9]))


def test_ks_in_slices_is_the_ks_of_the_whole():
    """The KS distance is taken in slices of samples (bounded memory): any slice size gives
    the two-sample distance, ties across a slice boundary included."""
    rng = np.random.default_rng(4)
    x = np.sort(rng.integers(0, 40, 1_000).astype(float))
    y = rng.uniform(size=1_000) < 0.1 + x / 50
    whole = ks_distance(x[y], x[~y])
    for step in (1, 7, 64, 999, 1 << 16):
        assert _ks_sorted(x, y, int(y.sum()), step=step) == pytest.approx(whole, abs=1e-15)


def test_event_median_place_is_a_mid_rank_by_hand():
    """x = 1, 2, ..., 10 (no ties). Event at the even values: its median is 6; 5 values lie
    below 6 and 6 at or below it, so its mid-rank place is (5 + 6) / 2 / 10 = 0.55. Event at
    x >= 5: its median is 7.5, with 7 values below and at or below it: 0.7."""
    x = np.arange(1.0, 11.0)
    even = explain_samples({"x": x}, x % 2 == 0).parameters[0]
    assert even.event_quantiles[1] == 6.0
    assert even.event_median_quantile == pytest.approx(0.55, abs=1e-15)
    upper = explain_samples({"x": x}, x >= 5).parameters[0]
    assert upper.event_quantiles[1] == 7.5
    assert upper.event_median_quantile == pytest.approx(0.7, abs=1e-15)


def test_a_discrete_prior_the_event_does_not_shift_reads_p50():
    """Three equally likely values, the event independent of them: the event median is the
    middle value, a third of the samples below it and two thirds at or below it. The share
    at or below alone would read p67; the mid-rank reads p50 (within sampling noise)."""
    rng = np.random.default_rng(2)
    n = 30_000
    x = rng.choice([0.5, 0.7, 0.9], size=n)
    y = rng.uniform(size=n) < 0.4
    shift = explain_samples({"x": x}, y).parameters[0]
    assert shift.event_quantiles[1] == 0.7
    below, at_or_below = np.mean(x < 0.7), np.mean(x <= 0.7)
    assert shift.event_median_quantile == pytest.approx((below + at_or_below) / 2, abs=1e-12)
    assert shift.event_median_quantile == pytest.approx(0.5, abs=0.01)


def test_a_choice_prior_the_event_does_not_depend_on_reads_p50(one_parameter):
    """The one-parameter scenario with its algorithmic halving time a ``choice:`` of three
    values: it changes effective compute only, not which ceiling binds in 2030."""
    scenario = scalesim.load_scenario_text(
        f"extends: {one_parameter.path}\nname: with a choice prior\nparameters:\n"
        "  algorithms: {halving_time: {choice: [0.5 year, 0.7 year, 0.9 year]}}\n"
    )
    assert scenario.priors["algorithms.halving_time"].kind == "choice"
    result = explain(scenario, "binding_constraint[2030] == data", samples=10_000, seed=3)
    shift = {s.parameter: s for s in result.parameters}["algorithms.halving_time"]
    assert shift.event_quantiles[1] == pytest.approx(0.7)
    assert shift.ks < result.ks_noise
    assert shift.event_median_quantile == pytest.approx(0.5, abs=0.01)  # was 0.67
    row = parameter_frame(result).set_index("parameter").loc["algorithms.halving_time"]
    assert row["event median at"] in ("prior p49", "prior p50", "prior p51")


def test_event_decided_by_one_uniform_prior():
    """x ~ U(0, 1), the event x < 0.3; two irrelevant priors beside it."""
    rng = np.random.default_rng(7)
    n = 40_000
    draws = {
        "noise.a": rng.normal(size=n),
        "x": rng.uniform(size=n),
        "noise.b": rng.uniform(size=n),
    }
    happened = draws["x"] < 0.3
    result = explain_samples(draws, happened, {"x": "", "noise.a": "", "noise.b": ""})
    assert result.events == int(happened.sum())
    assert result.probability == pytest.approx(0.3, abs=0.01)
    assert result.standard_error == pytest.approx(math.sqrt(0.3 * 0.7 / n), rel=0.02)
    first = result.parameters[0]
    assert first.parameter == "x"
    assert first.ks == 1.0  # the event separates the samples completely
    # given the event, x ~ U(0, 0.3): p10, p50, p90 = 0.03, 0.15, 0.27
    assert first.event_quantiles == pytest.approx((0.03, 0.15, 0.27), abs=0.006)
    assert first.quantiles == pytest.approx((0.1, 0.5, 0.9), abs=0.01)
    assert first.event_median_quantile == pytest.approx(0.15, abs=0.01)
    assert all(s.ks < 0.03 for s in result.parameters[1:])  # noise: 1.358·sqrt(1/m + 1/k) ~ 0.015
    (box, *rest) = result.boxes
    (bound,) = box.bounds
    assert bound.parameter == "x" and bound.low is None
    # one peel removes 5% of the samples inside: the box ends within a peel of 0.3
    assert bound.high == pytest.approx(0.3, abs=0.3 * 0.05)
    assert box.coverage >= 0.9 and box.density >= 0.95
    assert box.support * box.density == pytest.approx(box.coverage * result.probability)
    assert rest == []  # no other prior adds anything


def test_a_noisy_one_prior_event_gets_only_a_one_prior_box():
    """P(event) = 0.8 where x < 0.3, else 0.1, with three priors it does not depend on.
    Peeling may cut a noise prior's tail by chance (before the check, boxes over x and one or
    two noise priors were reported at densities 0.803 and 0.804 beside the 0.785 of x
    alone); on the samples that did not fit the boxes such a cut adds nothing, so only the
    box on x is reported, ending within a peel of 0.3 (density there about
    (0.3 · 0.8) / 0.3 = 0.8)."""
    rng = np.random.default_rng(1)
    n = 100_000
    draws = {
        "x": rng.uniform(size=n),
        "a": rng.normal(size=n),
        "b": rng.uniform(size=n),
        "c": rng.uniform(size=n),
    }
    happened = rng.uniform(size=n) < np.where(draws["x"] < 0.3, 0.8, 0.1)
    (box,) = explain_samples(draws, happened).boxes
    (bound,) = box.bounds
    assert bound.parameter == "x" and bound.low is None
    assert bound.high == pytest.approx(0.3, abs=0.3 * 0.05)
    assert box.density == pytest.approx(0.8, abs=0.02)


def test_an_event_no_prior_decides_gets_no_box():
    """The event is a coin flip (P = 0.3) whatever the priors: peeling still finds ranges
    that raise the density of the samples it fits on, by chance; none holds on the others."""
    rng = np.random.default_rng(8)
    n = 40_000
    draws = {k: rng.uniform(size=n) for k in ("a", "b", "c")}
    result = explain_samples(draws, rng.uniform(size=n) < 0.3)
    assert result.boxes == ()
    assert all(s.ks < result.ks_noise for s in result.parameters)
    assert "No box: no range of 1–3 priors raises the event's density" in format_explain(result)


def test_peeling_trajectory_counts_and_bounds(monkeypatch):
    """Ten samples on a line, the event at the top three: each peel removes the lowest."""
    x = np.arange(10.0).reshape(1, -1)
    y = x[0] >= 7
    monkeypatch.setattr(prim, "MIN_INSIDE", 1)
    trajectory = peel(x, y, 1)
    inside = [box[4] for box in trajectory]
    events = [box[3] for box in trajectory]
    assert inside == [10, 9, 8, 7, 6, 5, 4, 3]  # one sample (5% of < 20, at least 1) a step
    assert events == [3] * 8
    lo, hi, order, _, _ = trajectory[-1]
    assert lo[0] == 7.0 and hi[0] == np.inf and order == (0,)


def test_two_parameter_event_gets_a_two_parameter_box():
    """Event: a > 0.5 and b > 0.5 on independent uniforms (P = 1/4)."""
    rng = np.random.default_rng(3)
    n = 40_000
    x = rng.uniform(size=(3, n))
    y = (x[0] > 0.5) & (x[1] > 0.5)
    boxes = prim_boxes(x, y, ["a", "b", "c"])
    two = [b for b in boxes if len(b.bounds) == 2]
    assert two, boxes
    box = two[0]
    assert {b.parameter for b in box.bounds} == {"a", "b"}
    assert box.density >= 0.95 and box.coverage >= 0.95
    for b in box.bounds:  # within a peel (5% of the samples inside) of 0.5
        assert b.low == pytest.approx(0.5, abs=0.025) and b.high is None
        assert b.low_quantile == pytest.approx(b.low, abs=0.01)  # uniform: quantile = value


# --- through the engine ----------------------------------------------------------------------


def test_one_parameter_scenario_ranks_it_first_and_boxes_it(one_parameter):
    uncertain = [k for k, p in one_parameter.priors.items() if not p.is_fixed]
    assert sorted(uncertain) == sorted([STOCK, "algorithms.halving_time", "economy.gdp_growth"])
    result = explain(one_parameter, "binding_constraint[2030] == data", samples=20_000, seed=5)
    assert 0.1 < result.probability < 0.9  # neither rare nor sure
    assert [s.parameter for s in result.parameters][0] == STOCK
    assert result.parameters[0].ks == 1.0
    assert all(s.ks < 0.05 for s in result.parameters[1:])
    (box,) = result.boxes  # only the one-prior box: the other priors add nothing
    assert [b.parameter for b in box.bounds] == [STOCK]
    assert box.coverage >= 0.9 and box.density >= 0.95
    # The data ceiling binds when 6 D^2 / k < C_pre; with C_data ∝ stock^2 the threshold
    # stock is s0 · sqrt(C_pre / C_data(s0)) at any s0 (engine.evaluate, no sampling).
    s0 = 3e14
    at = evaluate(one_parameter, {STOCK: [s0]}, outputs=("training_flop", "data_limited_flop"))
    i = one_parameter.year_list.index(2030)
    threshold = s0 * math.sqrt(at["training_flop"][0, i] / at["data_limited_flop"][0, i])
    assert box.bounds[0].high == pytest.approx(threshold, rel=0.05)
    stock = prior_draws(one_parameter, 20_000, 5)[STOCK]
    assert result.probability == pytest.approx(np.mean(stock < threshold), abs=1e-4)


def test_the_draws_are_the_runs_draws_and_p_is_the_runs_share():
    scenario = scalesim.load_scenario(BASELINE)
    n, seed = 20_000, 11
    draws = prior_draws(scenario, n, seed)
    res = scalesim.run(scenario, samples=n, seed=seed, keep=["flop_per_usd", "spend_usd"])
    # in the base year these are the priors themselves (the ceilings are far above)
    np.testing.assert_allclose(
        res.variables["flop_per_usd"][:, 0], draws["hardware.flop_per_usd"], rtol=1e-12
    )
    np.testing.assert_allclose(
        res.variables["spend_usd"][:, 0], draws["spending.largest_run"], rtol=1e-12
    )
    result = explain(scenario, "binding_constraint[2030] == data", samples=n, seed=seed, workers=1)
    share = res.binding_shares()["data"][res.years.index(2030)]
    assert result.probability == share
    again = explain(scenario, "binding_constraint[2030]==data", samples=n, seed=seed, workers=2)
    assert again.to_dict() == result.to_dict()  # threads do not change a number


def test_correlated_priors_are_drawn_as_the_run_draws_them():
    pytest.importorskip("scalesim.scenario.correlations")
    scenario = scalesim.load_scenario_text(
        f"extends: {BASELINE}\nname: correlated\ncorrelations:\n  money_and_chips:\n"
        "    between: [spending.largest_run, hardware.flop_per_usd]\n    rho: 0.8\n"
    )
    n, seed = 20_000, 3
    draws = prior_draws(scenario, n, seed)
    res = scalesim.run(scenario, samples=n, seed=seed, keep=["flop_per_usd", "spend_usd"])
    spend, fpu = draws["spending.largest_run"], draws["hardware.flop_per_usd"]
    np.testing.assert_allclose(res.variables["spend_usd"][:, 0], spend, rtol=1e-12)
    np.testing.assert_allclose(res.variables["flop_per_usd"][:, 0], fpu, rtol=1e-12)
    # an event on the spend alone shifts the correlated FLOP/$ too (rank correlation 0.8)
    median = float(np.median(spend))
    result = explain(scenario, f"spend_usd[2024] > {median!r}", samples=n, seed=seed)
    ks = {s.parameter: s.ks for s in result.parameters}
    assert (
        result.parameters[0].parameter == "spending.largest_run"
        and ks["spending.largest_run"] == 1.0
    )
    assert result.parameters[1].parameter == "hardware.flop_per_usd"
    # Split at Z1 = 0 of a normal copula with Pearson r = 2 sin(pi 0.8 / 6): the KS distance
    # of Z2 is largest at Z2 = 0, P(Z2 < 0 | Z1 < 0) - P(Z2 < 0 | Z1 > 0) = 2 arcsin(r) / pi.
    r = 2 * math.sin(math.pi * 0.8 / 6)
    assert ks["hardware.flop_per_usd"] == pytest.approx(2 * math.asin(r) / math.pi, abs=0.03)
    assert all(
        v < 0.05
        for k, v in ks.items()
        if k not in ("spending.largest_run", "hardware.flop_per_usd")
    )


def test_a_data_market_scenario_explains_the_market_variables():
    """explain sees the variables a run of the scenario has (present_variables): with
    ``data.market`` the tokens bought and their cost, without it neither."""
    scenario = scalesim.load_scenario(SCENARIOS / "data-market.yaml")
    n, seed = 4000, 1
    result = explain(scenario, "market_tokens[2030] >= 1e13", samples=n, seed=seed)
    res = scalesim.run(scenario, samples=n, seed=seed, keep=["market_tokens"])
    bought = res.variables["market_tokens"][:, res.years.index(2030)]
    assert result.events == np.count_nonzero(bought >= 1e13) and 0 < result.events < n
    ks = {s.parameter: s.ks for s in result.parameters}
    assert ks["data.market.price_per_token"] > result.ks_noise  # the price sets what is bought
    spend = explain(scenario, "market_spend_usd[2030] > 1e8", samples=1000, seed=seed)
    assert 0 < spend.events < 1000
    with pytest.raises(InputError, match="unknown output 'market_tokens'"):
        explain(BASELINE, "market_tokens[2030] >= 1e13", samples=1000)


def test_events_that_never_or_always_happen():
    scenario = scalesim.load_scenario(BASELINE)
    never = explain(scenario, "largest_run_flop[2030] < 1", samples=2_000, seed=1)
    assert never.events == 0 and never.probability == 0.0 and never.boxes == ()
    assert all(s.event_quantiles is None for s in never.parameters)
    # one-sided 95% bound: 1 - 0.05^(1/2000) = 1.4967e-3 (3/n = 1.5e-3)
    assert never.probability_bound == pytest.approx(1.4967e-3, rel=1e-4)
    text = format_explain(never)
    assert "P(event) = 0% (0 of 2,000 samples, seed 1); P < 0.0015 with 95% confidence" in text
    assert "happens in no sample" in text
    always = explain(scenario, "not largest_run_flop[2030] < 1", samples=2_000, seed=1)
    assert always.probability == 1.0 and always.standard_error == 0.0 and always.boxes == ()
    assert always.probability_bound == pytest.approx(1 - 1.4967e-3, abs=1e-7)
    assert "P > 1 − 0.0015 with 95% confidence" in format_explain(always)
    assert all(s.ks is None and s.event_quantiles == s.quantiles for s in always.parameters)
    # every sample has the event: each median is where it is in all samples, p50 (mid-rank)
    assert all(s.event_median_quantile == pytest.approx(0.5, abs=1e-3) for s in always.parameters)
    json.dumps(always.to_dict(), allow_nan=False)


def test_the_bound_on_p_is_the_rule_of_three():
    """No event in n samples: P < 1 - 0.05^(1/n) with 95% confidence, 3/n for large n
    (-ln 0.05 = 2.9957); every sample: P > 0.05^(1/n). None otherwise."""
    assert probability_bound(0, 100_000) == pytest.approx(2.9957e-5, rel=1e-4)
    assert probability_bound(100_000, 100_000) == pytest.approx(1 - 2.9957e-5, abs=1e-9)
    assert probability_bound(0, 1) == pytest.approx(0.95)  # one sample: P < 0.95
    assert probability_bound(0, 20) == pytest.approx(1 - 0.05**0.05)  # 0.139, not 3/20
    assert probability_bound(1, 100_000) is None
    result = explain_samples({"x": np.arange(100_000.0)}, np.zeros(100_000, bool))
    assert result.to_dict()["probability_bound"] == pytest.approx(2.9957e-5, rel=1e-4)
    assert "(0 of 100,000 samples, seed 0); P < 3e-5 with 95% confidence" in format_explain(result)
    assert result.to_dict()["probability_bound"] is not None
    assert explain_samples({"x": np.arange(10.0)}, np.arange(10) < 3).probability_bound is None


def test_text_and_tables_show_every_prior_and_box(one_parameter):
    result = explain(one_parameter, "data_exhaustion_year < 2029", samples=5_000, seed=2)
    text = format_explain(result)
    assert text.splitlines()[1] == "event: data_exhaustion_year < 2029"
    assert f"of {5_000:,} samples" in text
    frame = parameter_frame(result)
    assert frame["parameter"].tolist() == [s.parameter for s in result.parameters]
    assert len(box_frame(result)) == len(result.boxes)
    for name in frame["parameter"]:
        assert name in text


def test_a_pool_is_refused_with_one_line(tmp_path):
    pytest.importorskip("scalesim.scenario.pool")
    pool = tmp_path / "pool.yaml"
    pool.write_text(
        "name: two views\npool:\n  a: {scenario: baseline, weight: 0.5}\n"
        "  b: {scenario: spending-plateau, weight: 0.5}\n"
        "sources:\n  pool.a: 'assumption: test'\n  pool.b: 'assumption: test'\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="explain needs one scenario, not a pool"):
        explain(pool, "binding_constraint[2030] == data", samples=1_000)


# --- the command -------------------------------------------------------------------------------


def test_cli_writes_json_and_prints_the_table(tmp_path, capsys):
    out = tmp_path / "explain.json"
    when = "binding_constraint[2030] == data"
    code = main(
        ["explain", str(BASELINE), "--when", when, "-n", "4e3", "-s", "3", "--json", str(out)]
    )
    assert code == 0
    printed = capsys.readouterr().out
    data = json.loads(out.read_text(), parse_constant=lambda c: pytest.fail(f"non-finite {c}"))
    assert data["event"] == when and data["samples"] == 4_000 and data["seed"] == 3
    assert 0 < data["probability"] < 1
    assert data["parameters"][0]["parameter"] == STOCK
    assert {"coverage", "density", "support", "bounds"} <= set(data["boxes"][0])
    assert "P(event) = " in printed and STOCK in printed
    assert data["probability_bound"] is None  # the event is neither impossible nor sure
    assert main(["explain", str(BASELINE), "--when", when, "-n", "2000", "-q"]) == 0
    assert capsys.readouterr().out == ""


def test_cli_an_event_in_no_sample_prints_and_writes_the_bound(tmp_path, capsys):
    out = tmp_path / "never.json"
    when = "largest_run_flop[2030] < 1"
    argv = ["explain", str(BASELINE), "--when", when, "-n", "3e3", "-s", "2", "--json", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    # 1 - 0.05^(1/3000) = 9.98e-4 (3/n = 1e-3), shown to 2 significant digits
    assert "P(event) = 0% (0 of 3,000 samples, seed 2); P < 0.001 with 95% confidence" in printed
    data = json.loads(out.read_text())
    assert data["events"] == 0 and data["probability"] == 0.0
    assert data["probability_bound"] == pytest.approx(9.98e-4, rel=1e-3)


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        ("binding_constraint[2030] = data", "character 26: a single '=' is no comparison"),
        ("largest_run_flop[2100] > 1", "year 2100 is outside the scenario's years 2024–2050"),
        ("binding_constraint[2030] == power", "'power' is not a ceiling of this scenario"),
        ("(" * 10_000, "at most 1,000"),
    ],
)
def test_cli_bad_event_is_one_line_exit_2(when, expected, capsys):
    assert main(["explain", str(BASELINE), "--when", when, "-q"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and expected in err and "Traceback" not in err


# --- the app page ------------------------------------------------------------------------------


@pytest.mark.slow
def test_app_page_shows_the_cli_tables_and_plain_errors():
    from streamlit.testing.v1 import AppTest

    from scalesim.app import scenarios as scen

    page = str(SCENARIOS.parent / "pages" / "explain.py")
    at = AppTest.from_file(page, default_timeout=120)
    at.session_state["_keep"] = {"scenario": "baseline.yaml", "samples": 2_000, "seed": 4}
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.selectbox(key="explain_scenario").value == "baseline.yaml"
    want = explain(
        scen.load_file(BASELINE), "binding_constraint[2030] == data", samples=2_000, seed=4
    )
    assert (
        at.code[0].value.startswith("P(event) = ")
        and "of 2,000 samples, seed 4" in at.code[0].value
    )
    assert at.dataframe[0].value.equals(parameter_frame(want))
    assert at.dataframe[1].value.equals(box_frame(want))
    # an example fills the event in
    at.selectbox(key="explain_example").set_value("data_exhaustion_year < 2029").run()
    assert at.text_input(key="explain_when").value == "data_exhaustion_year < 2029"
    # a bad event: one line, shown as code (plain text), not as Markdown
    at.text_input(key="explain_when").set_value("![x](http://example.invalid/x.png) < 3").run()
    assert not at.exception
    assert [e.value for e in at.error] == ["The event cannot be evaluated:"]
    assert at.code[0].value == "when: character 1: unexpected character '!'"
    assert not any("example.invalid" in m.value for m in at.markdown)
    # an event in no sample: the bound on P, as plain text
    at.text_input(key="explain_when").set_value("largest_run_flop[2030] < 1").run()
    assert not at.exception and not at.error
    assert at.code[0].value == (
        "P(event) = 0% (0 of 2,000 samples, seed 4); P < 0.0015 with 95% confidence"
    )
