"""Tests of the Altair chart builders (scalesim.present.plots): data in the specs, offline, no Streamlit."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import pytest
from conftest import toy_ceiling

import scalesim
from scalesim.model import constraints as registry
from scalesim.present import plots

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SYNTHETIC = ROOT / "scenarios" / "synthetic-data.yaml"


@pytest.fixture(scope="module")
def runs():
    base = scalesim.run(BASELINE, samples=4096, seed=3, keep="all", summarize="all")
    syn = scalesim.run(SYNTHETIC, samples=4096, seed=3, keep="none", summarize="all")
    return base, syn


def _datasets(chart) -> list[list[dict]]:
    spec = chart.to_dict()
    return list(spec.get("datasets", {}).values())


def _all_rows(chart) -> list[dict]:
    return [row for rows in _datasets(chart) for row in rows]


def test_quantile_frame_matches_summary(runs):
    base, _ = runs
    frame = plots.quantile_frame(base, ["largest_run_flop", "not_a_variable"])
    q = base.quantiles("largest_run_flop")
    assert list(frame["year"]) == base.years
    assert set(frame["variable"]) == {"largest_run_flop"}
    np.testing.assert_allclose(frame["p50"], q["p50"])
    np.testing.assert_allclose(frame["p5"], q["p5"])
    assert set(frame["scenario"]) == {base.scenario.name}


def test_summary_dict_and_results_give_the_same_frame(runs):
    base, _ = runs
    from_results = plots.quantile_frame(base, ["budget_flop"])
    from_dict = plots.quantile_frame(json.loads(json.dumps(base.summary())), ["budget_flop"])
    pd.testing.assert_frame_equal(from_results, from_dict)


def test_summary_of_rejects_other_objects():
    with pytest.raises(TypeError, match="Results or a summary dict"):
        plots.summary_of(42)


def test_fan_chart_bands_median_and_log_axis(runs):
    base, _ = runs
    chart = plots.fan_chart(base)
    spec = chart.to_dict()
    assert len(spec["layer"]) == 3
    assert spec["layer"][0]["encoding"]["y"]["scale"]["type"] == "log"
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["area", "area", "line"]
    rows = _all_rows(chart)
    medians = [r["p50"] for r in rows]
    np.testing.assert_allclose(medians, base.quantiles("largest_run_flop")["p50"])
    # Bands enclose the median.
    assert all(r["p5"] <= r["p25"] <= r["p50"] <= r["p75"] <= r["p95"] for r in rows)


def test_fan_chart_history_points_are_the_shipped_frontier_runs(runs):
    base, _ = runs
    chart = plots.fan_chart(base, history=True)
    spec = chart.to_dict()
    assert len(spec["layer"]) == 4
    points = plots.history_frame()
    assert len(points) > 20
    assert points["year"].min() >= 2015
    gpt4 = points[points["model"] == "GPT-4"].iloc[0]
    assert gpt4["training_flop"] == pytest.approx(2.1e25)
    assert 2023.1 < gpt4["year"] < 2023.3
    rows = _all_rows(chart)
    assert any(r.get("model") == "GPT-4" for r in rows)


def test_history_frame_of_a_given_table():
    table = pd.DataFrame(
        {
            "model": ["a", "b", "c"],
            "date": ["2020-01-01", "2021-07-02", "2022-01-01"],
            "training_flop": [1e23, None, 1e24],
            "frontier": [True, True, False],
        }
    )
    frame = plots.history_frame(table, since=None)
    assert list(frame["model"]) == ["a"]
    assert frame["year"].iloc[0] == pytest.approx(2020.0)
    assert list(plots.history_frame(table, frontier_only=False, since=None)["model"]) == ["a", "c"]


def test_fan_chart_overlays_scenarios_by_colour(runs):
    base, syn = runs
    chart = plots.fan_chart({"baseline": base, "synthetic": syn.summary()})
    spec = chart.to_dict()
    color = spec["layer"][2]["encoding"]["color"]
    assert color["scale"]["domain"] == ["baseline", "synthetic"]
    rows = _all_rows(chart)
    assert {r["scenario"] for r in rows} == {"baseline", "synthetic"}


def test_compared_scenarios_read_apart_colour_blind_safe_bands_and_a_legend_below(runs):
    base, syn = runs
    spec = plots.fan_chart({"a": base, "b": syn, "c": base.summary()}, height=460).to_dict()
    colors = spec["layer"][0]["encoding"]["color"]
    # Okabe & Ito's palette: blue, orange, bluish green.
    assert colors["scale"]["range"] == ["#0072B2", "#E69F00", "#009E73"]
    legend = colors["legend"]
    assert legend["orient"] == "bottom" and legend["columns"] == 3  # one row under the plot
    assert legend["symbolType"] == "stroke" and legend["symbolOpacity"] == 1
    marks = [layer["mark"] for layer in spec["layer"]]
    assert [m["type"] for m in marks] == ["area", "area", "line", "line", "line"]
    # The 90% band's edges dashed in each scenario's colour, then the median, strongest.
    edges = [layer["encoding"]["y"]["field"] for layer in spec["layer"][2:4]]
    assert edges == ["p5", "p95"] and all(m["strokeDash"] == [5, 3] for m in marks[2:4])
    assert marks[4]["strokeWidth"] == 3 and spec["height"] == 460
    # One scenario: no legend, no edges, as before.
    single = plots.fan_chart(base).to_dict()
    assert single["layer"][0]["encoding"]["color"]["legend"] is None
    assert len(single["layer"]) == 3
    steps = plots.exhaustion_chart({"a": base, "b": syn}).to_dict()
    assert steps["encoding"]["color"]["legend"]["orient"] == "bottom"


def test_budget_chart_has_budget_and_each_constraint_present(runs):
    base, syn = runs
    rows = _all_rows(plots.budget_chart(syn))
    series = {r["series"] for r in rows if "series" in r}
    assert series == {"compute budget (training)", "Data ceiling"}
    budget = [r["p50"] for r in rows if r.get("series") == "compute budget (training)"]
    np.testing.assert_allclose(budget, syn.quantiles("training_flop")["p50"])
    # Without training_flop summarised, the budget falls back to budget_flop.
    headline = scalesim.run(BASELINE, samples=4096, seed=3, keep="none")
    rows = _all_rows(plots.budget_chart(headline.summary()))
    budget = [r["p50"] for r in rows if r.get("series") == "compute budget (training)"]
    np.testing.assert_allclose(budget, headline.quantiles("budget_flop")["p50"])


def test_budget_chart_shows_extra_constraints_when_summarised(runs):
    base, _ = runs
    summary = json.loads(json.dumps(base.summary()))
    summary["variables"]["power_flop"] = summary["variables"]["budget_flop"]
    summary["binding_constraint_share"]["power"] = [0.0] * len(summary["years"])
    series = {r["series"] for r in _all_rows(plots.budget_chart(summary)) if "series" in r}
    assert "Power ceiling" in series


def test_data_chart_stock_versus_demand(runs):
    base, syn = runs
    rows = _all_rows(plots.data_chart(base))
    assert {r["variable"] for r in rows} == {"human_effective_tokens", "data_demand_tokens"}
    rows = _all_rows(plots.data_chart(syn))
    assert "available_tokens" in {r["variable"] for r in rows}


def test_exhaustion_frame_from_samples_and_from_histogram_agree(runs):
    base, _ = runs
    from_samples, never_a = plots.exhaustion_frame(base, 0.5)
    stripped = scalesim.run(BASELINE, samples=4096, seed=3, keep="none")
    assert stripped.data_exhaustion_year is None
    from_counts, never_b = plots.exhaustion_frame(stripped, 0.5)
    assert never_a == never_b == pytest.approx(base.exhaustion_never / base.samples)
    pd.testing.assert_frame_equal(from_samples, from_counts)
    assert from_samples["share"].sum() + never_a == pytest.approx(1.0)
    # Contiguous bins: no gaps for lines to bridge.
    np.testing.assert_allclose(from_samples["start"].diff().dropna(), 0.5)


def test_exhaustion_chart_histogram_and_summary_fallback(runs):
    base, syn = runs
    spec = plots.exhaustion_chart(base).to_dict()
    assert spec["mark"]["type"] == "bar"
    assert "never by 2050" in spec["title"]["subtitle"]
    spec = plots.exhaustion_chart({"a": base, "b": syn}).to_dict()
    assert spec["mark"]["type"] == "line"
    chart = plots.exhaustion_chart({"a": base.summary(), "b": syn.summary()})
    rows = _all_rows(chart)
    assert {r["scenario"] for r in rows} == {"a", "b"}
    assert rows[0]["p50"] == pytest.approx(base.exhaustion_summary()["p50"])


def test_binding_chart_shares_sum_to_one(runs):
    base, _ = runs
    chart = plots.binding_chart(base)
    frame = pd.DataFrame(_all_rows(chart))
    totals = frame.groupby("year")["share"].sum()
    np.testing.assert_allclose(totals, 1.0)
    spec = chart.to_dict()
    # Labels and colours from the ceiling registry, in its order.
    scale = spec["encoding"]["color"]["scale"]
    assert base.constraints == ("compute", "data")
    assert scale["domain"] == ["Compute (money)", "Data"]
    assert scale["range"] == [registry.colour("compute"), registry.colour("data")]
    assert {r["label"] for r in _all_rows(chart)} == {"Compute (money)", "Data"}
    pd.testing.assert_frame_equal(plots.binding_frame(base.summary()), base.binding_frame())


def test_charts_render_offline_to_svg(runs):
    base, _ = runs
    for chart in (
        plots.fan_chart(base, history=True),
        plots.budget_chart(base),
        plots.data_chart(base),
        plots.exhaustion_chart(base),
        plots.binding_chart(base),
    ):
        svg = chart.properties(width=400).to_dict()
        text = json.dumps(svg)
        assert "http://" not in text.replace("http://json-schema", "").replace(
            "https://vega.github.io/schema", ""
        )
        import vl_convert as vlc

        out = vlc.vegalite_to_svg(json.dumps(svg))
        assert out.startswith("<svg")


def test_plots_does_not_import_streamlit():
    code = "import sys, scalesim.present.plots; print('streamlit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_null_quantiles_are_dropped_not_plotted(runs):
    base, _ = runs
    summary = json.loads(json.dumps(base.summary()))
    summary["variables"]["largest_run_flop"]["p50"][0] = None
    frame = plots.quantile_frame(summary, ["largest_run_flop"])
    assert math.isnan(frame["p50"].iloc[0])
    rows = _all_rows(plots.fan_chart(summary))
    assert len(rows) == len(base.years) - 1
    assert isinstance(plots.fan_chart(summary), alt.LayerChart)


def test_a_new_ceiling_gets_its_registry_label_and_colour_in_the_charts():
    toy = toy_ceiling()
    with registry.registered(toy):
        r = scalesim.run(BASELINE, samples=1000, seed=1, keep="none", summarize="all")
        budget = plots.budget_chart(r).to_dict()
        binding = plots.binding_chart(r).to_dict()
    scale = budget["layer"][0]["encoding"]["color"]["scale"]
    assert scale["domain"] == ["compute budget (training)", "Data ceiling", "Toy wall ceiling"]
    assert scale["range"][2] == "#123456"
    scale = binding["encoding"]["color"]["scale"]
    assert scale["domain"] == ["Compute (money)", "Data", "Toy wall"]
    assert scale["range"] == [registry.colour("compute"), registry.colour("data"), "#123456"]


def test_tooltips_show_numbers_as_the_text_module_writes_them(runs):
    base, _ = runs
    rows = _all_rows(plots.fan_chart(base))
    i = base.years.index(2030)
    row = next(r for r in rows if r["year"] == 2030)
    median = base.quantiles("largest_run_flop")["p50"][i]
    mantissa, exponent = f"{median:.2e}".split("e")
    # three significant digits, trailing zeros dropped, bare exponent, unit after
    mantissa = mantissa.rstrip("0").rstrip(".")
    assert row["p50_text"] == f"{mantissa}e{int(exponent)} FLOP"
    spec = plots.binding_chart(base).to_dict()
    shares = {r["share_text"] for r in _all_rows(plots.binding_chart(base))}
    assert "100.0%" in shares
    titles = [t.get("title") for t in spec["encoding"]["tooltip"]]
    assert titles == [None, "constraint", "share of samples"]
