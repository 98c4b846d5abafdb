"""backtest --engine: the engine calibrated up to a cutoff and scored on the runs after it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from scalesim.analysis.calibrate.engine_backtest import (
    VAGUE_PRIORS,
    backtest_scenario,
    engine_backtest,
)
from scalesim.analysis.calibrate.history import load_history
from scalesim.cli import main
from scalesim.cli.list import scenario_dir
from scalesim.scenario.loader import load_scenario

BASELINE = scenario_dir() / "baseline.yaml"


def test_backtest_scenario_moves_the_base_year_and_takes_the_vague_priors():
    bio = load_scenario(scenario_dir() / "milestones-bioanchors.yaml")
    s = backtest_scenario(bio, 2018, 2025)
    assert s.base_year == 2018
    assert (s.years.start, s.years.end) == (2018, 2025)
    assert not s.raw.get("milestones")
    assert set(VAGUE_PRIORS) <= set(s.priors)
    p = s.priors["spending.largest_run"]
    assert p.kind == "loguniform" and p.args == pytest.approx((1e4, 1e10))
    p = s.priors["hardware.doubling_time"]  # canonical unit of a duration: the year
    assert p.kind == "uniform" and p.args == pytest.approx((0.5, 6.0))


def _truth_csv(tmp_path, wiggle: float = 0.3):
    """One frontier run a year (1 July 2010-2021) on the engine's own form: cost
    1e5 USD · 2.5^(t − 2016), FLOP per dollar 1e16 · 2^((t − 2016)/2), so compute grows
    2.5 · sqrt(2) = 3.54x a year from 1e21 FLOP in 2016; each year's cost and compute off
    that line by ± ``wiggle`` dex in turn (a scatter the likelihood can fit)."""
    rows = ["date,model,training_flop,cost_usd,frontier"]
    for year in range(2010, 2022):
        d = year - 2016
        off = 10 ** (wiggle * (-1) ** year)
        cost = 1e5 * 2.5**d * off
        flop = 1e5 * 2.5**d * 1e16 * 2 ** (d / 2) / off
        rows.append(f"{year}-07-01,run {year},{flop:.6e},{cost:.6e},true")
    path = tmp_path / "truth.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_the_engine_recovers_a_history_on_its_own_form(tmp_path):
    history = load_history(_truth_csv(tmp_path))
    (row,) = engine_backtest(
        history, load_scenario(BASELINE), cutoffs=(2017,), samples=2000, draws=50_000, seed=3
    )
    assert row["through"] == 2021 and row["n_fit_years"] == 8
    # ±0.3 dex in turn about a line: residual sd 0.3 · sqrt(8 / 6) = 0.35 over 8 years
    assert row["sigma_log10_flop"] == pytest.approx(0.3 * (8 / 6) ** 0.5, abs=0.05)
    growth = row["posterior"]["compute_growth"]
    assert growth["p5"] < 2.5 * 2**0.5 < growth["p95"]
    truth = [1e21 * (2.5 * 2**0.5) ** (y - 2016) for y in row["projection"]["years"]]
    error = np.log10(row["projection"]["p50"]) - np.log10(truth)
    assert np.all(np.abs(error) < 0.25), error
    for key in ("annual_max", "runs"):  # one run a year: both sets are the same four runs
        s = row[key]
        assert s["n"] == 4
        assert s["coverage_90"] == 1.0
        assert s["crps"] < 0.3
        assert abs(row["median_log10_error"][key]) < 0.35  # the runs are ±0.3 off the line


def test_the_shipped_history_at_two_cutoffs_is_deterministic():
    history = load_history(None)
    kw = dict(cutoffs=(2016, 2020), samples=1000, draws=20_000, seed=7)
    a = engine_backtest(history, load_scenario(BASELINE), **kw)
    b = engine_backtest(history, load_scenario(BASELINE), **kw)
    assert json.dumps(a) == json.dumps(b)
    for r in a:
        for key in ("annual_max", "runs"):
            s = r[key]
            assert s["n"] > 0 and sum(s["pit"]) == s["n"]
            assert 0 <= s["coverage_50"] <= s["coverage_90"] <= 1
            assert s["crps"] > 0
        # every frontier run counts once in "runs"; one per year in "annual_max"
        assert r["annual_max"]["n"] == r["through"] - r["cutoff"]
        assert r["runs"]["n"] >= r["annual_max"]["n"]


def test_cli_engine_writes_the_table_and_json(tmp_path, capsys):
    table, summary = tmp_path / "engine.csv", tmp_path / "engine.json"
    argv = ["backtest", "--engine", "-n", "500", "--draws", "5000", "-s", "5"]
    rc = main([*argv, "-o", str(table), "--json", str(summary)])
    out = capsys.readouterr().out
    assert rc == 0
    assert "backtest --engine" in out and "compute growth" in out
    lines = table.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("cutoff,through,scored,n,crps_log10_flop")
    assert len(lines) == 1 + 4 * 2  # four cutoffs, two sets of runs each
    rows = json.loads(summary.read_text(encoding="utf-8"))["engine"]
    assert [r["cutoff"] for r in rows] == [2016, 2018, 2020, 2022]
    assert main([*argv, "-q", "--json", str(summary)]) == 0
    assert capsys.readouterr().out == ""


def test_cli_out_needs_engine_and_a_table_suffix(tmp_path, capsys):
    assert main(["backtest", "--compare", "-o", str(tmp_path / "x.csv")]) == 2
    assert "--out: only with --engine" in capsys.readouterr().err
    assert main(["backtest", "--engine", "-o", str(tmp_path / "x.txt")]) == 2
    assert "--out: expected a path ending in .parquet or .csv" in capsys.readouterr().err


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--through", "2016"], "--through 2016 must be after the engine backtest's last cutoff"),
        (
            ["--since", "2030"],
            "--since 2030 must not be after the engine backtest's first cutoff, 2016",
        ),
        (["--since", "2016"], "frontier runs in only 1 year from 2016"),
    ],
)
def test_cli_engine_bad_windows_end_in_one_line(extra, message, capsys):
    assert main(["backtest", "--engine", "-n", "100", "--draws", "100", *extra]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
