"""Sensitivity analysis: Sobol indices against the Ishigami function's analytic values, the
baseline's ranked drivers, OAT swings, the model evaluation against the engine, the CLI and
the progress-bar helper."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import numpy as np
import pytest

import scalesim
from scalesim.analysis.sensitivity import (
    evaluate,
    oat_swings,
    prior_ppf,
    sensitivity_analysis,
    sobol_analysis,
)
from scalesim.cli import main
from scalesim.engine.progress import progress_bar, progress_enabled, track
from scalesim.scenario.priors import Prior, draw

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
JSON_KEYS = {"output", "year", "parameters", "S1", "S1_conf", "ST", "ST_conf"}


@pytest.fixture(scope="module")
def baseline():
    return scalesim.load_scenario(BASELINE)


@pytest.fixture(scope="module")
def sobol_2030(baseline):
    return sensitivity_analysis(baseline, "largest_run_flop", 2030, base_samples=2**13)


def ishigami(v, a=7.0, b=0.1):
    return np.sin(v["x1"]) + a * np.sin(v["x2"]) ** 2 + b * v["x3"] ** 4 * np.sin(v["x1"])


def test_ishigami_matches_analytic_indices():
    # Analytic values for a = 7, b = 0.1 (Ishigami & Homma 1990; Saltelli et al. 2008):
    # V = a²/8 + b·π⁴/5 + b²·π⁸/18 + 1/2, V1 = (1 + b·π⁴/5)²/2, V2 = a²/8, V3 = 0;
    # ST3 = V13 / V with V13 = b²·π⁸·(1/18 − 1/50).
    a, b, pi = 7.0, 0.1, math.pi
    v = a**2 / 8 + b * pi**4 / 5 + b**2 * pi**8 / 18 + 0.5
    s1 = [(1 + b * pi**4 / 5) ** 2 / 2 / v, a**2 / 8 / v, 0.0]
    st3 = b**2 * pi**8 * (1 / 18 - 1 / 50) / v
    assert s1 == pytest.approx([0.3139, 0.4424, 0.0], abs=1e-4)
    priors = {f"x{i}": Prior("uniform", (-pi, pi), "dimensionless") for i in (1, 2, 3)}
    res = sobol_analysis(ishigami, priors, 2**13, seed=1)
    assert np.all(np.abs(res["S1"] - s1) < 0.05)
    assert np.all(np.abs(res["ST"] - [s1[0] + st3, s1[1], st3]) < 0.05)
    assert np.all(res["S1_conf"] > 0) and np.all(res["S1_conf"] < 0.05)
    assert res["base_samples"] == 2**13 and res["Y"].size == 2**13 * 5


def test_base_samples_round_up_to_a_power_of_two():
    priors = {f"x{i}": Prior("uniform", (-math.pi, math.pi), "dimensionless") for i in (1, 2, 3)}
    assert sobol_analysis(ishigami, priors, 1000, seed=0)["base_samples"] == 1024


@pytest.mark.parametrize(
    "prior",
    [
        Prior("normal", (1.0, 2.0), "1"),
        Prior("lognormal", (0.5, 0.3), "1"),
        Prior("uniform", (2.0, 5.0), "1"),
        Prior("loguniform", (1e-3, 2e-2), "1"),
        Prior("triangular", (0.0, 1.0, 4.0), "1"),
        Prior("choice", (1.0, 2.0, 5.0), "1", weights=(0.2, 0.5, 0.3)),
        Prior("normal", (0.0, 1.0), "1", clip=(-0.5, 1.0)),
        Prior("fixed", (3.0,), "1"),
    ],
)
def test_prior_ppf_matches_scalar_ppf(prior):
    q = np.array([1e-6, 0.05, 0.2, 0.5, 0.7, 0.95, 1 - 1e-6])
    assert prior_ppf(prior, q) == pytest.approx([prior.ppf(x) for x in q], rel=1e-12)


def _scenario(which):
    if which == "baseline":
        return scalesim.load_scenario(BASELINE)
    s = scalesim.load_scenario(ROOT / "scenarios" / "scaling-2030.yaml")  # power, chips, latency
    if which == "with reliability":  # and the simulated goodput derate
        s = s.with_overrides({"reliability.mtbf": {"to": ["20000 hour", "80000 hour"]}})
    return s


@pytest.mark.parametrize("which", ["baseline", "power chips latency", "with reliability"])
def test_evaluate_matches_the_engine_on_the_same_draws(which):
    # The kernels called directly on the engine's own parameter draws give the engine's
    # per-sample values: sensitivity analyses the same model that `scalesim run` projects.
    # (If this fails after an engine change, sensitivity._project must follow the engine.)
    scenario, n, names = _scenario(which), 4096, ("largest_run_flop", "effective_compute_flop")
    host = draw(scenario.priors, scenario.seed, 0, n)
    values = {k: v for k, v in host.items() if not scenario.priors[k].is_fixed}
    logs = evaluate(scenario, values, outputs=names)
    res = scalesim.run(scenario, samples=n, keep=list(names))
    for name in names:
        assert np.exp(logs[name]) == pytest.approx(res.variables[name], rel=1e-12)


def test_baseline_2030_drivers(sobol_2030):
    r = sobol_2030
    assert r.method == "sobol" and r.output == "largest_run_flop" and r.year == 2030
    assert sum(r.S1) <= 1.05
    assert all(-0.05 <= s <= 1.0 for s in r.S1)
    assert all(st >= s1 - c for st, s1, c in zip(r.ST, r.S1, r.S1_conf, strict=True))
    assert r.ST == sorted(r.ST, reverse=True)  # ranked
    by_name = dict(zip(r.parameters, r.ST, strict=True))
    # Algorithmic progress does not enter the largest run (only effective compute), and the
    # GDP cap is far from binding in 2030: neither may carry variance.
    assert by_name["algorithms.halving_time"] < 0.01
    assert by_name["economy.gdp_growth"] < 0.01
    # Spending growth, hardware and the data stock are the drivers.
    top = set(r.parameters[:4])
    assert {"spending.growth", "hardware.doubling_time", "data.sources.public_text.stock"} <= top


def test_oat_swings(baseline):
    median, low, high = oat_swings(
        baseline, "largest_run_flop", 2030, ["spending.growth", "algorithms.halving_time"]
    )
    at_medians = evaluate(baseline, {}, outputs=("largest_run_flop",))["largest_run_flop"]
    assert median == pytest.approx(at_medians[0, 2030 - 2024] / math.log(10), rel=1e-12)
    assert high[0] > median > low[0]  # faster spending growth: a larger run
    assert low[1] == high[1] == median  # halving time does not enter the largest run
    r = sensitivity_analysis(baseline, "effective_compute_flop", 2040, method="oat")
    assert r.parameters[0] == "algorithms.halving_time"  # largest |swing| first
    assert r.swing[0] < -1  # a longer halving time: orders of magnitude less effective compute
    assert r.S1 is None and r.model_runs == 1 + 2 * len(r.parameters)
    assert list(r.frame().columns) == ["rank", "parameter", "low_log10", "high_log10", "swing"]


def test_cli_json_and_table(tmp_path, capsys):
    out = tmp_path / "s.json"
    rc = main(
        [
            "sensitivity",
            str(BASELINE),
            "--output",
            "largest_run_flop",
            "--year",
            "2030",
            "--samples",
            "1024",
            "--json",
            str(out),
        ]
    )
    assert rc == 0
    data = json.loads(out.read_text())
    assert JSON_KEYS <= set(data)
    assert data["output"] == "largest_run_flop" and data["year"] == 2030
    n = len(data["parameters"])
    assert n == 10 and all(len(data[k]) == n for k in JSON_KEYS - {"output", "year", "parameters"})
    text = capsys.readouterr().out
    assert "sum of S1" in text and data["parameters"][0] in text.splitlines()[6]


def test_cli_oat_json(tmp_path):
    out = tmp_path / "oat.json"
    assert (
        main(["sensitivity", str(BASELINE), "--method", "oat", "--json", str(out), "--quiet"]) == 0
    )
    data = json.loads(out.read_text())
    assert JSON_KEYS <= set(data) and data["S1"] is None and len(data["swing"]) == 10


@pytest.mark.parametrize(
    "args, message",
    [
        (["--year", "2061"], "--year: 2061 is outside the scenario's years 2024–2050"),
        (["--output", "nonsense"], "--output: unknown variable 'nonsense'"),
        (["--output", "synthetic_tokens"], "the output is not finite"),
    ],
)
def test_cli_errors_are_one_line(args, message, capsys):
    assert main(["sensitivity", str(BASELINE), "--samples", "64", *args]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and message in err


def test_progress_disabled_when_quiet_or_not_a_terminal(monkeypatch):
    assert not progress_enabled(quiet=True)
    monkeypatch.setattr("sys.stderr", io.StringIO())  # not a terminal
    assert not progress_enabled()
    with progress_bar("x", 3) as bar:
        bar.advance()
        bar.advance(2)
    assert not bar.enabled and bar.completed == 3
    assert list(track([1, 2, 3], "y")) == [1, 2, 3]


def test_progress_draws_on_stderr_when_enabled(monkeypatch):
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    with progress_bar("working", 4, enabled=True) as bar:
        for _ in range(4):
            bar.advance()
        bar.update(description="done")
    assert bar.enabled and bar.completed == 4
    assert list(track(range(3), "z", enabled=True)) == [0, 1, 2]
