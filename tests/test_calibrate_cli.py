"""``scalesim calibrate`` and ``scalesim backtest`` end to end, and the history loaders.

Tests on Epoch AI's exports read the reference copies in ../shared/data/epoch/ and are
skipped when that folder is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import scalesim
import scalesim.engine.backend
from scalesim.analysis.calibrate import load_epoch_csv, load_hardware, load_history, load_shipped
from scalesim.cli import main
from scalesim.errors import InputError

EPOCH = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "epoch"
NOTABLE = EPOCH / "notable_ai_models_2025-02-24.csv"
ALL_SYSTEMS = EPOCH / "all_ml_systems_2025-06.csv"
HARDWARE = EPOCH / "ml_hardware_2025-12.csv"
needs_epoch = pytest.mark.skipif(not NOTABLE.is_file(), reason="../shared/data/epoch is absent")

FAST = ["--bootstrap", "2000", "--draws", "8192"]
TREND_KEYS = (
    "frontier_compute_growth",
    "cost_growth",
    "flop_per_usd_doubling_years",
    "dataset_growth",
)


def run_cli(args, capsys) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def shipped_json(tmp_path_factory):
    folder = tmp_path_factory.mktemp("calibrate")
    path, scenario = folder / "calibrate.json", folder / "calibrated.yaml"
    assert main(["calibrate", *FAST, "--json", str(path), "--write-scenario", str(scenario)]) == 0
    return json.loads(path.read_text()), scenario


# --- calibrate ----------------------------------------------------------------------------


def test_shipped_frontier_growth_2010_2024(shipped_json):
    data, _ = shipped_json
    g = data["frontier_compute_growth"]
    assert 4.0 <= g["p50"] <= 5.5
    assert g["p5"] < g["p50"] < g["p95"]
    assert (g["since"], g["until"]) == (2010, 2024)
    assert g["n"] >= 40


def test_shipped_flop_per_usd_doubling(shipped_json):
    d = shipped_json[0]["flop_per_usd_doubling_years"]
    assert 1.5 <= d["p50"] <= 3.5
    assert d["p5"] < d["p50"] < d["p95"]


def test_json_has_every_trend_with_its_keys(shipped_json):
    data, _ = shipped_json
    for key in TREND_KEYS:
        assert {"p5", "p50", "p95", "n", "since", "until"} <= set(data[key]), key
        assert data[key]["n"] >= 3
    assert 1.5 < data["cost_growth"]["p50"] < 5
    assert 1.5 < data["dataset_growth"]["p50"] < 5
    imp = data["importance_sampling"]
    assert 1 <= imp["ess"] <= imp["draws"]
    assert set(imp["posterior"]) >= {
        "spending.largest_run",
        "spending.growth",
        "hardware.flop_per_usd",
        "hardware.doubling_time",
    }


def test_calibrate_prints_each_trend_with_n_and_period(capsys):
    code, out, err = run_cli(["calibrate", *FAST], capsys)
    assert code == 0 and err == ""
    for label in (
        "frontier compute growth",
        "cost growth",
        "FLOP/$ doubling time",
        "dataset-size growth",
        "effective sample size",
    ):
        assert label in out
    line = next(ln for ln in out.splitlines() if ln.startswith("frontier compute growth"))
    assert "2012–2024" in line and "×/yr" in line


def test_written_scenario_runs(shipped_json, capsys):
    _, path = shipped_json
    scenario = scalesim.load_scenario(path)
    assert "calibrated" in scenario.name
    for key in (
        "spending.largest_run",
        "spending.growth",
        "hardware.flop_per_usd",
        "hardware.doubling_time",
    ):
        assert key in scenario.explicit and not scenario.priors[key].is_fixed
        assert "importance sampling" in scenario.sources[key]
    results = scalesim.run(scenario, samples=4096, seed=1)
    largest = results.summary()["variables"]["largest_run_flop"]["p50"]
    assert all(np.isfinite(largest)) and largest[0] > 1e24
    code, _, err = run_cli(["run", str(path), "--samples", "4096", "--quiet"], capsys)
    assert code == 0, err


def test_calibrated_priors_sit_inside_the_prior_range(shipped_json):
    _, path = shipped_json
    cal = scalesim.load_scenario(path).priors
    base = scalesim.load_scenario(
        Path(scalesim.__file__).parents[1] / "scenarios" / "baseline.yaml"
    ).priors
    for key in ("spending.growth", "hardware.doubling_time"):
        assert base[key].ppf(0.001) <= cal[key].ppf(0.5) <= base[key].ppf(0.999)


def test_top_k_selection_runs(capsys, tmp_path):
    path = tmp_path / "c.json"
    code, out, _ = run_cli(
        ["calibrate", *FAST, "--frontier", "top-k", "--top-k", "10", "--json", str(path)], capsys
    )
    assert code == 0 and "top 10 by training compute" in out
    assert 3.5 < json.loads(path.read_text())["frontier_compute_growth"]["p50"] < 6


# --- Epoch AI exports ----------------------------------------------------------------------


@needs_epoch
def test_epoch_frontier_flag_growth(tmp_path):
    path = tmp_path / "e.json"
    assert main(["calibrate", "--history", str(NOTABLE), *FAST, "--json", str(path)]) == 0
    data = json.loads(path.read_text())
    assert 4.2 <= data["frontier_compute_growth"]["p50"] <= 4.9
    assert 1.5 <= data["flop_per_usd_doubling_years"]["p50"] <= 3.5
    assert data["history"]["frontier"] == "the file's frontier flag"


@needs_epoch
def test_load_epoch_csv_normalises_columns():
    frame = load_epoch_csv(NOTABLE)
    assert list(frame.columns) == [
        "model",
        "organization",
        "date",
        "training_flop",
        "parameters",
        "dataset_tokens",
        "cost_usd",
        "frontier",
        "domain",
    ]
    assert frame.attrs["format"] == "epoch" and frame.attrs["frontier_flag"]
    assert frame["frontier"].sum() > 100
    assert pd.api.types.is_datetime64_any_dtype(frame["date"])
    assert frame["date"].is_monotonic_increasing and (frame["training_flop"] > 0).all()


@needs_epoch
def test_epoch_cost_strings_are_parsed():
    frame = load_history(ALL_SYSTEMS)  # costs stored as "$40586592.58"
    assert frame["cost_usd"].notna().sum() > 100
    assert frame["cost_usd"].dropna().between(1, 1e10).all()
    assert not frame.attrs["frontier_flag"]


@needs_epoch
def test_epoch_hardware_export():
    hw = load_hardware(HARDWARE)
    assert hw["price_usd"].notna().sum() > 40
    assert {"hardware", "release_date", "price_usd", "fp16_flops", "fp32_flops"} <= set(hw)


@needs_epoch
def test_epoch_file_without_flag_needs_top_k(capsys):
    code, _, err = run_cli(
        ["calibrate", "--history", str(ALL_SYSTEMS), "--frontier", "flag", *FAST], capsys
    )
    assert code == 2 and len(err.strip().splitlines()) == 1
    assert "--frontier: 'flag': the history file" in err and "no frontier column" in err


# --- loaders -------------------------------------------------------------------------------


def test_shipped_tables_load():
    runs = load_shipped("frontier_models")
    assert len(runs) >= 40 and runs["frontier"].dtype == bool
    assert len(load_shipped("ml_hardware")) >= 15
    gdp = load_shipped("world_gdp")
    assert gdp["year"].min() <= 2000 and gdp["year"].max() >= 2024
    assert load_history().attrs["format"] == "scalesim"


def test_missing_column_is_named(tmp_path):
    bad = tmp_path / "history.csv"
    bad.write_text("Model,Training compute (FLOP)\nx,1e20\n")
    with pytest.raises(InputError, match=r"history.csv: missing column 'Publication date'"):
        load_history(bad)
    with pytest.raises(InputError, match=r"missing column 'Publication date'"):
        load_epoch_csv(bad)


def test_shipped_format_file_loads(tmp_path):
    table = tmp_path / "mine.csv"
    table.write_text("model,date,training_flop\na,2015-01-01,1e20\nb,2016-06-01,2e21\n")
    frame = load_history(table)
    assert len(frame) == 2 and not frame.attrs["frontier_flag"]


# --- backtest ------------------------------------------------------------------------------


def test_backtest_2020_json(tmp_path, capsys):
    path = tmp_path / "bt.json"
    code, out, _ = run_cli(
        ["backtest", "--cutoff", "2020", "--bootstrap", "1000", "--json", str(path)], capsys
    )
    assert code == 0
    data = json.loads(path.read_text())
    assert {
        "cutoff",
        "coverage_50",
        "coverage_90",
        "median_abs_log10_error",
        "crps",
        "points",
        "projection",
    } <= set(data)
    assert data["cutoff"] == 2020
    years = {int(p["date"][:4]) for p in data["points"]}
    assert min(years) == 2021 and max(years) == 2025
    for p in data["points"]:
        assert {"model", "date", "observed_flop", "p5", "p50", "p95"} <= set(p)
        assert p["p5"] < p["p50"] < p["p95"]
    assert 0 <= data["coverage_50"] <= data["coverage_90"] <= 1
    assert data["crps"] > 0 and data["median_abs_log10_error"] > 0
    proj = data["projection"]
    assert proj["years"] == [2021, 2022, 2023, 2024, 2025]
    assert all(a < b < c for a, b, c in zip(proj["p5"], proj["p50"], proj["p95"], strict=True))
    assert "coverage of the 90% interval" in out and "GPT-4" in out


def test_backtest_scores_are_hand_consistent(tmp_path):
    path = tmp_path / "bt.json"
    assert main(["backtest", "--cutoff", "2020", "--bootstrap", "1000", "--json", str(path)]) == 0
    data = json.loads(path.read_text())
    pts = data["points"]
    assert data["coverage_90"] == pytest.approx(np.mean([p["in_90"] for p in pts]))
    errs = [abs(np.log10(p["observed_flop"]) - np.log10(p["p50"])) for p in pts]
    assert data["median_abs_log10_error"] == pytest.approx(np.median(errs), rel=1e-9)
    assert data["crps"] == pytest.approx(np.mean([p["crps"] for p in pts]))


# --- one-line errors, exit 2 ---------------------------------------------------------------


@pytest.mark.parametrize(
    "args, message",
    [
        (["calibrate", "--history", "{tmp}/nope.csv"], "nope.csv: file not found"),
        (["calibrate", "--history", "{tmp}/bad.csv"], "bad.csv: missing column 'Publication date'"),
        (["calibrate", "--hardware", "{tmp}/bad.csv"], "bad.csv: missing column 'Hardware name'"),
        (["calibrate", "--since", "2020", "--until", "2010"], "--since 2020 is after --until 2010"),
        (["calibrate", "--json", "{tmp}/no/such/x.json"], "--json: folder"),
        (["calibrate", "--scenario", "{tmp}/nope.yaml"], "nope.yaml: file not found"),
        (["backtest", "--cutoff", "2030"], "--cutoff: no frontier runs after 2030"),
        (["backtest", "--cutoff", "2020", "--through", "2019"], "--through 2019 must be after"),
        (
            ["backtest", "--cutoff", "2020", "--since", "2021"],
            "--since 2021 is after --cutoff 2020",
        ),
    ],
)
def test_bad_input_is_one_line_exit_2(args, message, tmp_path, capsys):
    (tmp_path / "bad.csv").write_text("a,b\n1,2\n")
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    code, _, err = run_cli(args, capsys)
    assert code == 2
    assert len(err.strip().splitlines()) == 1
    assert err.startswith("scalesim: error:") and message in err


@pytest.mark.parametrize(
    "args", [["calibrate", "--bootstrap", "0"], ["backtest"], ["calibrate", "--since", "abc"]]
)
def test_bad_options_exit_2(args, capsys):
    code, _, err = run_cli(args, capsys)
    assert code == 2 and "error:" in err


def test_cupy_backend_is_optional(capsys):
    try:
        scalesim.engine.backend.namespace("cupy")
    except InputError:
        code, _, err = run_cli(["calibrate", "--backend", "cupy", *FAST], capsys)
        assert code == 2 and "--backend: cupy needs CuPy" in err
    else:
        code, out, _ = run_cli(["calibrate", "--backend", "cupy", *FAST], capsys)
        assert code == 0 and "frontier compute growth" in out
