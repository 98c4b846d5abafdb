"""Sweeps: file validation, grid and LHS designs, Dask execution identical to running the
points one by one, a real scheduler with two worker processes, and exact pooled summaries."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import scalesim
from scalesim.analysis.sweep import (
    POOLED_LOG10_BIN,
    CoarseHistogram,
    PointResult,
    PoolPart,
    SweepResult,
    load_sweep,
    run_sweep,
)
from scalesim.analysis.sweep_merge import BatchResult
from scalesim.cli import main
from scalesim.engine.summary import LogHistogram
from scalesim.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SCALING = ROOT / "scenarios" / "scaling-2030.yaml"
SWEEPS = ROOT / "scenarios" / "sweeps"


def headline(path) -> int:
    """Variables a run of the scenario summarises by default (a sweep's table rows per year)."""
    return len(scalesim.run(path, samples=1, keep="none").summary()["variables"])


def write(tmp_path: Path, text: str, name: str = "sweep.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text.replace("BASE", str(BASELINE)), encoding="utf-8")
    return path


def one_by_one(sweep) -> SweepResult:
    """Each point run on its own by scalesim.run with its default threads (a sweep task runs
    one engine thread), packed like a sweep task's result."""
    parts = []
    for p in sweep.points:
        res = scalesim.run(p.scenario, samples=p.samples, seed=p.seed, keep="none")
        parts.append(BatchResult([PointResult(p.id, res.summary())], PoolPart.of(res)))
    return SweepResult.of(sweep, parts, "one by one")


def test_50_points_on_a_local_cluster_equal_one_by_one(tmp_path):
    growth = [round(2.0 + 0.1 * i, 1) for i in range(10)]
    path = write(
        tmp_path,
        f"""
name: fifty
base: BASE
method: grid
parameters:
  spending.growth: {{values: {growth}}}
  hardware.doubling_time: {{values: [1 year, 1.25 year, 1.5 year, 2 year, 2.5 year]}}
samples: 20000
seed: 3
""",
    )
    sweep = load_sweep(path)
    assert len(sweep.points) == 50 and sweep.points[8].values == {
        "spending.growth": 2.1,
        "hardware.doubling_time": 2.0,
    }
    dask = run_sweep(sweep, workers=2)
    ref = one_by_one(sweep)
    for a, b in zip(dask.points, ref.points, strict=True):
        assert a.summary == b.summary
    assert dask.pooled() == ref.pooled()
    assert dask.summary() == ref.summary()
    frame = dask.frame()
    assert frame.equals(ref.frame())
    assert len(frame) == 50 * headline(BASELINE) * 27
    assert {
        "point",
        "spending.growth",
        "hardware.doubling_time",
        "variable",
        "year",
        "p5",
        "p50",
        "p95",
        "mean",
    } <= set(frame.columns)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_cli_sweep_on_a_real_scheduler_with_two_workers(tmp_path):
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    common = dict(cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "distributed.cli.dask_scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-dashboard",
            ],
            **common,
        )
    ]
    try:
        for i in range(2):
            procs.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "distributed.cli.dask_worker",
                        address,
                        "--nthreads",
                        "1",
                        "--no-dashboard",
                        "--name",
                        f"w{i}",
                        "--local-directory",
                        str(tmp_path),
                        "--no-nanny",
                        "--preload",
                        "scalesim.analysis.sweep",
                    ],  # workers import scalesim
                    **common,
                )
            )
        deadline = time.monotonic() + 60
        while True:
            try:
                with Client(address, timeout=5) as client:
                    client.wait_for_workers(2, timeout=max(1, deadline - time.monotonic()))
                    assert len(client.scheduler_info()["workers"]) == 2
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.5)
        path = write(
            tmp_path,
            """
base: BASE
method: lhs
points: 6
parameters:
  spending.growth: {range: [2.0, 2.9]}
  data.sources.public_text.stock: {range: [1e14 token, 1e15 token], log: true}
samples: 4096
seed: 11
""",
        )
        out, summary = tmp_path / "sweep.csv", tmp_path / "sweep.json"
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "scalesim.cli",
                "sweep",
                str(path),
                "--scheduler",
                address,
                "--out",
                str(out),
                "--summary-json",
                str(summary),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        assert f"Dask scheduler {address}" in run.stdout
        serial = run_sweep(load_sweep(path), serial=True)
        assert json.loads(summary.read_text()) == json.loads(json.dumps(serial.summary()))
        assert out.read_text().count("\n") == 6 * headline(BASELINE) * 27 + 1
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()


def test_lhs_design_is_stratified_and_reproducible(tmp_path):
    path = write(
        tmp_path,
        """
base: BASE
method: lhs
points: 8
parameters:
  spending.growth: {range: [2.0, 3.0]}
  data.sources.public_text.stock: {range: [1e14 token, 1e16 token], log: true}
seed: 5
""",
    )
    a, b = load_sweep(path), load_sweep(path)
    growth = np.array([p.values["spending.growth"] for p in a.points])
    stock = np.array([p.values["data.sources.public_text.stock"] for p in a.points])
    # One value in each eighth of the range (of log10 range for log: true).
    assert sorted(np.floor((growth - 2.0) / 0.125).astype(int)) == list(range(8))
    assert sorted(np.floor((np.log10(stock) - 14) / 0.25).astype(int)) == list(range(8))
    assert [p.values for p in a.points] == [p.values for p in b.points]
    point = a.points[0]
    assert point.scenario.priors["spending.growth"].is_fixed
    assert point.scenario.priors["spending.growth"].args[0] == growth[0]
    # A quantity with a dimension goes into the scenario with its unit, value unchanged.
    stock = point.scenario.priors["data.sources.public_text.stock"]
    assert stock.is_fixed and stock.args[0] == point.values["data.sources.public_text.stock"]
    assert not point.scenario.priors["hardware.doubling_time"].is_fixed  # others keep priors
    assert point.seed == 5 and point.samples == 20000  # the base scenario's samples


def test_grid_values_may_be_priors_and_units(tmp_path):
    path = write(
        tmp_path,
        """
base: BASE
parameters:
  algorithms.halving_time: {values: [8 month, {to: [5 month, 14 month]}]}
samples: 4096
""",
    )
    sweep = load_sweep(path, seed=2)
    assert sweep.method == "grid" and [p.seed for p in sweep.points] == [2, 2]
    first, second = sweep.points
    assert first.scenario.priors["algorithms.halving_time"].args == (pytest.approx(8 / 12),)
    assert second.scenario.priors["algorithms.halving_time"].kind == "lognormal"
    assert isinstance(first.values["algorithms.halving_time"], str)  # a text column


def test_example_sweeps_load():
    files = sorted(SWEEPS.glob("*.yaml"))
    assert len(files) >= 2
    for f in files:
        assert load_sweep(f).points


def test_scenario_list_sweep_serial(tmp_path, capsys):
    path = write(
        tmp_path,
        f"""
scenarios: [{BASELINE}, {ROOT / "scenarios" / "overtrained-5x.yaml"}]
samples: 4096
seed: 1
""",
    )
    out = tmp_path / "t.parquet"
    assert main(["sweep", str(path), "--serial", "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "baseline" in text and "overtrained-5x" in text
    import pandas as pd

    frame = pd.read_parquet(out)
    years = [
        len(scalesim.load_scenario(f).year_list)
        for f in (BASELINE, ROOT / "scenarios" / "overtrained-5x.yaml")
    ]
    per_year = [headline(f) for f in (BASELINE, ROOT / "scenarios" / "overtrained-5x.yaml")]
    assert set(frame["point"]) == {0, 1}
    assert len(frame) == sum(n * y for n, y in zip(per_year, years, strict=True))


def test_pooled_binding_shares_match_constraints_by_name(tmp_path):
    # The baseline has two ceilings, scaling-2030 five: pooled counts are matched by name.
    path = write(tmp_path, f"scenarios: [{BASELINE}, {SCALING}]\nsamples: 2000\nseed: 1\n")
    result = run_sweep(load_sweep(path), serial=True)
    pooled = result.pooled()
    shares = pooled["binding_constraint_share"]
    assert list(shares) == ["compute", "data", "power", "chips", "latency"]
    a, b = (p.summary["binding_constraint_share"] for p in result.points)
    for name, values in shares.items():
        want = [(a.get(name, [0] * 27)[i] + b[name][i]) / 2 for i in range(27)]
        assert values == pytest.approx(want, abs=1e-12), name
    assert all(sum(v[i] for v in shares.values()) == pytest.approx(1.0) for i in range(27))
    # Pooled means are the exact block sums of both runs over their 4,000 samples.
    assert set(pooled["variables"]) == set(a_vars := result.points[0].summary["variables"])
    assert set(a_vars) <= set(result.points[1].summary["variables"])
    means = [p.summary["variables"]["largest_run_flop"]["mean"] for p in result.points]
    want = [(x + y) / 2 for x, y in zip(*means, strict=True)]
    assert pooled["variables"]["largest_run_flop"]["mean"] == pytest.approx(want, rel=1e-12)
    assert pooled["samples"] == 4000


def test_coarse_histograms_merge_exactly_and_keep_resolution():
    rng = np.random.default_rng(0)
    logs = rng.normal(60.0, 3.0, size=(8192, 3))
    whole = LogHistogram.from_logs(logs)
    a, b = LogHistogram.from_logs(logs[:3000]), LogHistogram.from_logs(logs[3000:])
    merged = CoarseHistogram(3)
    merged.merge(CoarseHistogram.of(b))
    merged.merge(CoarseHistogram.of(a))
    coarse = CoarseHistogram.of(whole)
    assert np.array_equal(merged.quantiles([0.05, 0.5, 0.95]), coarse.quantiles([0.05, 0.5, 0.95]))
    assert coarse.counts.sum() == 8192 * 3
    exact = np.quantile(np.exp(logs), [0.05, 0.5, 0.95], axis=0)
    assert np.all(
        np.abs(coarse.quantiles([0.05, 0.5, 0.95]) / exact - 1) < 10**POOLED_LOG10_BIN - 1
    )


@pytest.mark.parametrize(
    "text, where",
    [
        (
            "base: BASE\nparameters: {spending.growht: {values: [2]}}",
            "parameters.spending.growht: unknown parameter (did you mean 'spending.growth'?)",
        ),
        (
            "base: BASE\nparameters: {spending.growth: {values: [5 token]}}",
            "parameters.spending.growth.values[0]:",
        ),
        (
            "base: BASE\nparameters: {data.epochs: {values: [3, 0.5]}}",
            "parameters.data.epochs.values[1]: point 1 (data.epochs=0.5):",
        ),
        (  # v2: a quantity with a dimension needs its unit
            "base: BASE\nparameters: {hardware.doubling_time: {values: [2]}}",
            "parameters.hardware.doubling_time.values[0]: a bare number has no unit",
        ),
        (  # v2: a growth is a multiplier per year
            "base: BASE\nparameters: {economy.gdp_growth: {values: [0.03]}}",
            "parameters.economy.gdp_growth.values[0]: point 0 (economy.gdp_growth=0.03): "
            "reads as a rate",
        ),
        (
            "base: BASE\nmethod: lhs\npoints: 2\n"
            "parameters: {data.sources.public_text.stock: {range: [1e14, 1e15]}}",
            "parameters.data.sources.public_text.stock.range: a bare number has no unit",
        ),
        (
            "base: BASE\nmethod: lhs\npoints: 4\nparameters: {spending.growth: {range: [3, 2]}}",
            "parameters.spending.growth.range: expected lo < hi",
        ),
        (
            "base: BASE\nmethod: lhs\nparameters: {spending.growth: {range: [2, 3]}}",
            "points: expected an integer",
        ),
        (
            "base: BASE\nmethod: lhs\npoints: 3\nparameters: {spending.growth: {values: [2]}}",
            "parameters.spending.growth: expected {range: [lo, hi], log: false}",
        ),
        (
            "base: BASE\nmethod: random\nparameters: {spending.growth: {values: [2]}}",
            "method: expected one of grid, lhs",
        ),
        (
            "base: nowhere.yaml\nparameters: {spending.growth: {values: [2]}}",
            "base: scenario file 'nowhere.yaml' not found",
        ),
        ("parameters: {spending.growth: {values: [2]}}", "base: required key is missing"),
        (
            "base: BASE\nparameters: {spending.growth: {values: [2]}}\nsampels: 10",
            "sampels: unknown key (did you mean 'samples'?)",
        ),
        ("scenarios: [BASE]\nbase: BASE", "base: give either scenarios, or base and parameters"),
        ("base: BASE\nparameters: [1, 2", "cannot read the file: line"),
    ],
)
def test_bad_sweep_files_give_one_line_naming_file_and_key(tmp_path, text, where, capsys):
    path = write(tmp_path, text, "bad.yaml")
    with pytest.raises(InputError) as info:
        load_sweep(path)
    assert str(info.value).startswith(f"{path}: ")
    assert where in str(info.value)
    assert main(["sweep", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and where in err


def test_unreachable_scheduler_is_a_clear_error(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("scalesim.analysis.dask_client.CONNECT_TIMEOUT_S", 1)
    path = write(tmp_path, "base: BASE\nparameters: {spending.growth: {values: [2]}}\n")
    port = _free_port()
    rc = main(["sweep", str(path), "--scheduler", f"tcp://127.0.0.1:{port}", "--quiet"])
    assert rc == 2
    assert f"--scheduler: cannot connect to tcp://127.0.0.1:{port}" in capsys.readouterr().err


def test_cli_conventions_short_options_and_milestone_column(tmp_path, capsys):
    papers = ROOT / "scenarios" / "scientific-papers-1e35.yaml"
    grid = "{hardware.doubling_time: {values: [1.5 year, 4 year]}}"
    path = write(tmp_path, f"base: {papers}\nparameters: {grid}\n")
    out, summary = tmp_path / "t.csv", tmp_path / "s.json"
    argv = ["sweep", str(path), "--serial", "-n", "2000", "-s", "9", "-o", str(out)]
    assert main([*argv, "--json", str(summary)]) == 0
    text = capsys.readouterr().out
    assert "median year milestone 'scientific_papers' is reached" in text
    data = json.loads(summary.read_text())
    assert [p["samples"] for p in data["points"]] == [2000, 2000]
    assert {p["seed"] for p in data["points"]} == {9}
    assert data["pooled"]["samples"] == 4000 and "scientific_papers" in data["pooled"]["milestones"]
    p50 = [
        p["summary"]["milestones"]["scientific_papers"]["arrival_year"]["p50"]
        for p in data["points"]
    ]
    assert p50[0] < p50[1]  # FLOP per dollar doubling faster: the requirement is met earlier
    assert out.read_text().count("\n") == 2 * headline(papers) * 77 + 1
    # -q prints nothing; the old --summary-json still writes the same summary
    old = tmp_path / "old.json"
    assert main([*argv, "-q", "--summary-json", str(old)]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(old.read_text()) == data
    # an output that is the sweep file itself is refused before any work
    assert main(["sweep", str(path), "--serial", "--json", str(path)]) == 2
    assert "--json" in capsys.readouterr().err
    assert main(["sweep", str(path), "--serial", "--workers", "100000"]) == 2
