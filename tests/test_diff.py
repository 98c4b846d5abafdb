"""scalesim diff: assumptions side by side, differences marked, key figures with --outputs."""

from __future__ import annotations

import pytest
from conftest import SCENARIOS

from scalesim.analysis.diff import assumptions, outputs
from scalesim.cli import main
from scalesim.scenario.loader import load_scenario

BASE = SCENARIOS / "epoch-data-2024.yaml"
OVER = SCENARIOS / "overtrained-5x.yaml"


def test_differences_are_exactly_the_keys_the_child_overrides():
    # overtrained-5x.yaml extends epoch-data-2024.yaml and sets two parameters.
    rows = assumptions(load_scenario(BASE), load_scenario(OVER), only_differences=True)
    assert [r.key for r in rows] == ["demand.dataset_size", "training.tokens_per_parameter"]
    tpp = rows[1]
    assert (tpp.a.p50, tpp.b.p50) == (20, 100)


def test_a_scenario_against_itself_has_no_difference():
    s = load_scenario(BASE)
    rows = assumptions(s, s)
    assert rows and not any(r.differs for r in rows)


def test_interval_is_the_priors_own():
    # demand.dataset_size: {to: [3e12 token, 1.3e13 token]} is a 90% lognormal interval,
    # median sqrt(3e12 · 1.3e13) = 6.245e12.
    (row,) = [
        r
        for r in assumptions(load_scenario(BASE), load_scenario(OVER))
        if r.key == "demand.dataset_size"
    ]
    assert row.unit == "token"
    assert (row.a.p5, row.a.p50, row.a.p95) == pytest.approx((3e12, 6.245e12, 1.3e13), rel=1e-3)


def test_a_key_only_one_side_has_is_listed_as_not_set():
    base, sevilla = (
        load_scenario(SCENARIOS / "baseline.yaml"),
        load_scenario(SCENARIOS / "scaling-2030.yaml"),
    )
    rows = {r.key: r for r in assumptions(base, sevilla)}
    assert rows["power.available"].a is None and rows["power.available"].differs
    assert rows["data.sources.public_text.stock"].b is None


def test_outputs_side_by_side():
    rows = outputs(load_scenario(BASE), load_scenario(OVER), samples=2000)
    figures = {r["figure"]: r for r in rows}
    ex = figures["data fully used"]
    # 5x overtraining needs sqrt(5) more tokens: the stock is used up earlier.
    assert ex["b"][0] < ex["a"][0]
    assert figures["largest_run_flop 2030"]["unit"] == "FLOP"


def test_cli_marks_differences_and_prints_sources(capsys):
    rc = main(["diff", str(BASE), str(OVER), "--only-differences", "--sources"])
    out = capsys.readouterr().out
    assert rc == 0
    assert "* " in out and "training.tokens_per_parameter" in out
    assert "2 of 2 parameters differ." in out
    assert "policy 2" in out  # overtrained-5x's source of tokens_per_parameter


def test_cli_refuses_a_missing_file(capsys):
    assert main(["diff", str(BASE), "nope.yaml"]) == 2
    assert "nope.yaml" in capsys.readouterr().err
