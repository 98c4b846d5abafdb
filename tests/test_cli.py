"""The CLI and the writers: run, validate, list, files written atomically."""

from __future__ import annotations

import json
import os

import numpy as np
import pandas as pd
import pytest
from conftest import BAD, SCENARIOS

import scalesim
from scalesim.cli import main
from scalesim.engine.io import write_text

BASELINE = str(SCENARIOS / "baseline.yaml")


def test_run_prints_the_summary_table(capsys):
    assert main(["run", BASELINE, "--samples", "3000", "--seed", "1"]) == 0
    out = capsys.readouterr().out
    for year in ("2025", "2030", "2035", "2040", "2050"):
        assert year in out
    assert "largest_run_flop" in out and "effective_compute_flop" in out
    assert "Year the human text stock is fully used" in out
    assert "p10:" in out and "p50:" in out and "p90:" in out
    assert "compute" in out and "data" in out


def test_run_writes_summary_json_and_parquet(tmp_path, capsys):
    summary, table = tmp_path / "s.json", tmp_path / "x.parquet"
    assert (
        main(
            [
                "run",
                BASELINE,
                "--samples",
                "2000",
                "--seed",
                "2",
                "--summary-json",
                str(summary),
                "--out",
                str(table),
            ]
        )
        == 0
    )
    s = json.loads(summary.read_text())
    assert s["samples"] == 2000 and s["seed"] == 2
    assert s["scenario"]["path"] == BASELINE and len(s["scenario"]["sha256"]) == 64
    assert set(s["variables"]["largest_run_flop"]) == {
        "unit",
        "p5",
        "p25",
        "p50",
        "p75",
        "p95",
        "mean",
    }
    assert set(s["data_exhaustion_year"]) >= {"p10", "p50", "p90", "share_never"}
    frame = pd.read_parquet(table)
    assert len(frame) == 2000 * 27
    assert {
        "sample",
        "year",
        "largest_run_flop",
        "binding_constraint",
        "data_exhaustion_year",
    } <= set(frame)
    same = scalesim.run(BASELINE, samples=2000, seed=2)
    np.testing.assert_array_equal(
        frame["largest_run_flop"].to_numpy().reshape(2000, 27), same.variables["largest_run_flop"]
    )
    assert sorted(os.listdir(tmp_path)) == ["s.json", "x.parquet"]


def test_run_writes_csv(tmp_path):
    out = tmp_path / "x.csv"
    assert main(["run", BASELINE, "--samples", "50", "--out", str(out), "--quiet"]) == 0
    frame = pd.read_csv(out)
    assert len(frame) == 50 * 27 and frame["binding_constraint"].isin(["compute", "data"]).all()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--out", "x.txt"], "--out: expected a path ending in .parquet or .csv"),
        (["--out", "/no/such/folder/x.csv"], "--out: folder '/no/such/folder' does not exist"),
        (["--samples", "0"], "--samples: must be an integer between 1"),
        (["--samples", "1e999"], "run: argument --samples: expected a finite integer, got '1e999'"),
        (["--seed", "x"], "run: argument --seed: expected a finite integer, got 'x'"),
        (["--summary-json", "/tmp"], "--summary-json: '/tmp' is a folder, not a file"),
    ],
)
def test_bad_options_exit_2_with_one_line(args, message, capsys):
    assert main(["run", BASELINE, *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


def test_missing_scenario_file(capsys):
    assert main(["run", "nope.yaml"]) == 2
    assert capsys.readouterr().err == "scalesim: error: nope.yaml: file not found\n"


def test_argparse_errors_exit_2(capsys):
    assert main(["run", BASELINE, "--samples", "many"]) == 2
    assert main(["frobnicate"]) == 2


def test_validate_reports_each_file(capsys):
    assert main(["validate", BASELINE, str(BAD / "lo-above-hi.yaml")]) == 2
    captured = capsys.readouterr()
    assert captured.out.startswith(f"ok: {BASELINE}")
    assert "lower bound 2.9 is above upper bound 2" in captured.err


def test_list_shows_names_and_descriptions(capsys):
    assert main(["list", "--dir", str(SCENARIOS)]) == 0
    out = capsys.readouterr().out
    for f in SCENARIOS.glob("*.yaml"):
        assert f"{f.stem}: " in out
    assert "Villalobos" in out


def test_atomic_write_leaves_nothing_behind_on_failure(tmp_path):
    target = tmp_path / "out.json"
    target.write_text("old")

    class Boom(Exception):
        pass

    from scalesim.engine.io import atomic_write

    def failing(tmp):
        with open(tmp, "w") as fh:
            fh.write("half")
        raise Boom

    with pytest.raises(Boom):
        atomic_write(target, failing)
    assert target.read_text() == "old"
    assert os.listdir(tmp_path) == ["out.json"]
    write_text(target, "new")
    assert target.read_text() == "new"


def test_results_frames():
    r = scalesim.run(BASELINE, samples=500, seed=1)
    frame = r.summary_frame()
    assert set(frame.columns) == {
        "variable",
        "unit",
        "year",
        "p5",
        "p25",
        "p50",
        "p75",
        "p95",
        "mean",
    }
    assert len(frame) == 8 * 27
    binding = r.binding_frame()
    assert set(binding["constraint"]) == {"compute", "data"}
    assert "Baseline" in scalesim.format_summary(r)
