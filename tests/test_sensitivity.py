"""Sensitivity analysis: Sobol indices against the Ishigami function's analytic values,
quantile functions against scipy.stats, the baseline's ranked drivers, the one OAT
definition shared by the CLI and the report, schedule and reliability priors as parameters,
the model evaluation against the engine, the CLI and the progress-bar helper."""

from __future__ import annotations

import ast
import io
import json
import math
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import scalesim
from scalesim.analysis import sensitivity as sens
from scalesim.analysis.sensitivity import (
    log10_output,
    oat_swings,
    prior_ppf,
    sensitivity_analysis,
    sobol_analysis,
    uncertain_parameters,
)
from scalesim.cli import main
from scalesim.engine.progress import progress_bar, progress_enabled, track
from scalesim.engine.run import evaluate
from scalesim.model.parameters import spec_for
from scalesim.present.report import sensitivity as report_sensitivity
from scalesim.present.text import format_sensitivity
from scalesim.scenario.prior_parse import parse_prior
from scalesim.scenario.priors import Prior, draw

ROOT = Path(__file__).resolve().parents[1]
BASELINE = ROOT / "scenarios" / "baseline.yaml"
SCALING = ROOT / "scenarios" / "scaling-2030.yaml"
JSON_KEYS = {"output", "year", "parameters", "S1", "S1_conf", "ST", "ST_conf"}
Z95 = stats.norm.ppf(0.95)  # 1.6449: half-width of a 90% interval in standard deviations


@pytest.fixture(scope="module")
def baseline():
    return scalesim.load_scenario(BASELINE)


@pytest.fixture(scope="module")
def sobol_2030(baseline):
    return sensitivity_analysis(baseline, "largest_run_flop", 2030, base_samples=2**13)


@pytest.fixture(scope="module")
def with_reliability():
    # Power, chips and latency ceilings, and the simulated goodput with an uncertain MTBF.
    return scalesim.load_scenario(SCALING).with_overrides(
        {"reliability.mtbf": {"to": ["2000 hour", "80000 hour"]}}
    )


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


Q = np.array([1e-6, 0.05, 0.2, 0.5, 0.7, 0.95, 1 - 1e-6])


def _parsed(value, path):
    return parse_prior(value, spec_for(path))


@pytest.mark.parametrize(
    "value, path, reference",
    [
        # A 90% interval of positive bounds: lognormal, sigma = ln(hi/lo) / (2 · 1.6449).
        (
            {"to": ["1e14 token", "1e15 token"]},
            "data.sources.public_text.stock",
            stats.lognorm(s=math.log(10) / (2 * Z95), scale=math.sqrt(1e14 * 1e15)),
        ),
        # 5 to 14 months at 95% credibility, in years.
        (
            {"to": ["5 month", "14 month"], "credibility": 95},
            "algorithms.halving_time",
            stats.lognorm(
                s=math.log(14 / 5) / (2 * stats.norm.ppf(0.975)),
                scale=math.sqrt(5 * 14) / 12,
            ),
        ),
        (
            {"lognormal": {"median": "2 year", "sigma": 0.3}},
            "hardware.doubling_time",
            stats.lognorm(s=0.3, scale=2.0),
        ),
        ({"uniform": [2.0, 5.0]}, "spending.growth", stats.uniform(loc=2.0, scale=3.0)),
        ({"loguniform": [1e-3, 2e-2]}, "spending.max_share_of_gdp", stats.loguniform(1e-3, 2e-2)),
        (
            {"triangular": ["1 month", "3 month", "9 month"]},
            "training.duration",
            stats.triang(c=0.25, loc=1 / 12, scale=8 / 12),
        ),
    ],
)
def test_prior_ppf_matches_scipy_stats(value, path, reference):
    prior = _parsed(value, path)
    scale = 365.25 * 86400 if path == "training.duration" else 1.0  # canonical: seconds
    assert prior_ppf(prior, Q) == pytest.approx(reference.ppf(Q) * scale, rel=1e-10)


def test_prior_ppf_interval_ends_and_special_kinds():
    # A 90% interval's ends are its 5th and 95th percentiles (the OAT ends).
    p = _parsed({"to": ["5e7 USD", "3e8 USD"]}, "spending.largest_run")
    assert prior_ppf(p, [0.05, 0.5, 0.95]) == pytest.approx([5e7, math.sqrt(5e7 * 3e8), 3e8])
    # A 90% interval from 0: normal, clipped to the parameter's domain [0, 1].
    normal = _parsed({"to": [0, 1]}, "demand.use_trend")
    want = np.clip(stats.norm(loc=0.5, scale=1 / (2 * Z95)).ppf(Q), 0.0, 1.0)
    assert prior_ppf(normal, Q) == pytest.approx(want, rel=1e-10)
    # An explicit clip: scipy's quantiles, clipped.
    clipped = _parsed({"normal": {"mean": 0.5, "sd": 0.5}, "clip": [0.2, 0.9]}, "demand.use_trend")
    want = np.clip(stats.norm(loc=0.5, scale=0.5).ppf(Q), 0.2, 0.9)
    assert prior_ppf(clipped, Q) == pytest.approx(want, rel=1e-10)
    # Weighted choice 1, 2, 5 with 0.2, 0.5, 0.3: the inverse of its step CDF 0.2, 0.7, 1.
    choice = _parsed({"choice": {"values": [1, 2, 5], "weights": [2, 5, 3]}}, "data.epochs")
    got = prior_ppf(choice, [0.1, 0.19, 0.21, 0.5, 0.69, 0.71, 0.99])
    assert got.tolist() == [1, 1, 2, 2, 2, 5, 5]
    fixed = _parsed("3 year", "hardware.doubling_time")
    assert prior_ppf(fixed, Q).tolist() == [3.0] * Q.size


def _scenario(which):
    if which == "baseline":
        return scalesim.load_scenario(BASELINE)
    s = scalesim.load_scenario(SCALING)  # power, chips, latency
    if which == "with reliability":  # and the simulated goodput derate
        s = s.with_overrides({"reliability.mtbf": {"to": ["20000 hour", "80000 hour"]}})
    return s


@pytest.mark.parametrize("which", ["baseline", "power chips latency", "with reliability"])
def test_the_model_sensitivity_analyses_is_the_engines(which):
    # The model function sensitivity evaluates (through engine.evaluate, years cut at the
    # year analysed), on the engine's own parameter draws, gives `scalesim run`'s values.
    scenario, n = _scenario(which), 4096
    host = draw(scenario.priors, scenario.seed, 0, n)
    values = {k: v for k, v in host.items() if not scenario.priors[k].is_fixed}
    names = ("largest_run_flop", "effective_compute_flop")
    res = scalesim.run(scenario, samples=n, keep=list(names))
    for name in names:
        for year in (2027, 2030):
            i = year - scenario.years.start
            y = log10_output(scenario, name, year)(values)
            assert 10**y == pytest.approx(res.variables[name][:, i], rel=1e-12)


def test_no_second_orchestration():
    # Sensitivity, the report's OAT, calibration and sweeps call the engine (run, evaluate,
    # project_chunk); none imports the kernels or calls project() itself.
    files = [
        "scalesim/analysis/sensitivity.py",
        "scalesim/analysis/sobol.py",
        "scalesim/analysis/sweep.py",
        "scalesim/analysis/sweep_file.py",
        "scalesim/analysis/sweep_merge.py",
        "scalesim/analysis/dask_client.py",
        "scalesim/analysis/compact.py",
        "scalesim/present/report/sensitivity.py",
        "scalesim/cli/sensitivity.py",
        *(str(p.relative_to(ROOT)) for p in (ROOT / "scalesim/analysis/calibrate").glob("*.py")),
    ]
    for f in files:
        tree = ast.parse((ROOT / f).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("scalesim.model.kernels"), f
                assert not any(a.name == "project" for a in node.names), f
            elif isinstance(node, ast.Import):
                assert not any(a.name.startswith("scalesim.model.kernels") for a in node.names)
            elif isinstance(node, ast.Name):
                assert node.id not in ("project", "bundles"), f


def test_baseline_2030_drivers(sobol_2030, baseline):
    r = sobol_2030
    assert r.method == "sobol" and r.output == "largest_run_flop" and r.year == 2030
    assert set(r.parameters) == set(uncertain_parameters(baseline))
    assert sum(r.S1) <= 1.05
    assert all(-0.05 <= s <= 1.0 for s in r.S1)
    assert all(st >= s1 - c for st, s1, c in zip(r.ST, r.S1, r.S1_conf, strict=True))
    assert r.ST == sorted(r.ST, reverse=True)  # ranked
    by_name = dict(zip(r.parameters, r.ST, strict=True))
    # Algorithmic progress does not enter the largest run (only effective compute), and the
    # GDP cap is far from binding in 2030: none of them may carry variance.
    for key in ("algorithms.halving_time", "algorithms.max_multiplier", "economy.gdp_growth"):
        assert by_name[key] < 0.01, key
    # In 2030 the data ceiling binds for most samples: the stock of text carries most of the
    # variance; spending growth and hardware follow.
    assert r.parameters[0] == "data.sources.public_text.stock" and r.S1[0] > 0.6
    top = set(r.parameters[:4])
    assert {"spending.growth", "hardware.doubling_time", "data.sources.public_text.stock"} <= top


def test_oat_swings(baseline):
    names = ["data.sources.public_text.stock", "algorithms.halving_time"]
    oat = oat_swings(baseline, "largest_run_flop", 2030, names)
    at_medians = evaluate(baseline, {}, outputs=("largest_run_flop",))["largest_run_flop"]
    assert oat.centre == pytest.approx(math.log10(at_medians[0, 2030 - 2024]), rel=1e-12)
    assert oat.high[0] > oat.centre > oat.low[0]  # a larger stock: a larger run (data binds)
    assert oat.low[1] == oat.high[1] == oat.centre  # halving time does not enter the largest run
    assert oat.swing.tolist() == [abs(oat.high[0] - oat.low[0]), 0.0]
    assert oat.prior_p5[0] == pytest.approx(1e14) and oat.prior_p95[0] == pytest.approx(1e15)
    # At the stock's 5th percentile the data ceiling binds: 6·D²/k with k = 20 and D the
    # stock of 1e14 tokens grown 6 years at the median growth (effective: no reuse).
    g = baseline.priors["data.sources.public_text.growth"].ppf(0.5)
    assert oat.low[0] == pytest.approx(math.log10(6 * (1e14 * g**6) ** 2 / 20), rel=1e-12)
    # Effective compute in 2027 = the run × 2^(3 / T_alg), below the cap: the halving time's
    # swing is 3 · log10(2) · (1/T_5 − 1/T_95), and a longer halving time gives less.
    r = sensitivity_analysis(baseline, "effective_compute_flop", 2027, method="oat")
    i = r.parameters.index("algorithms.halving_time")
    t5, t95 = r.prior_p5[i], r.prior_p95[i]
    assert r.swing[i] == pytest.approx(3 * math.log10(2) * (1 / t5 - 1 / t95), rel=1e-9)
    assert r.high_log10[i] < r.low_log10[i]
    assert r.swing == sorted(r.swing, reverse=True)  # largest swing first
    assert r.S1 is None and r.model_runs == 1 + 2 * len(r.parameters)
    assert list(r.frame().columns) == ["rank", "parameter", "low_log10", "high_log10", "swing"]


def test_report_and_cli_print_the_same_swings(baseline, tmp_path, capsys):
    # One OAT definition: the report's tornado/table and `scalesim sensitivity --method oat`.
    frame, base = report_sensitivity.sensitivity(baseline, year=2030)
    out = tmp_path / "oat.json"
    assert main(["sensitivity", str(BASELINE), "--method", "oat", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    cli = json.loads(out.read_text())
    assert list(frame["parameter"]) == cli["parameters"]  # same ranking
    assert frame["swing"].tolist() == cli["swing"]  # same numbers, exactly
    assert np.log10(frame["value at low"]).tolist() == pytest.approx(cli["low_log10"], rel=1e-14)
    assert np.log10(frame["value at high"]).tolist() == pytest.approx(cli["high_log10"], rel=1e-14)
    assert frame["low"].tolist() == cli["prior_p5"] and frame["high"].tolist() == cli["prior_p95"]
    assert math.log10(base) == pytest.approx(cli["median_log10"], rel=1e-14)
    # ... and the same printed figures: the report's swing column is the CLI's swing column.
    table = report_sensitivity.sensitivity_table(frame)
    rows = {line.split()[1]: line.split() for line in printed.splitlines() if line[:6].strip()}
    for name, shown in zip(table["parameter"], table["swing [orders of magnitude]"], strict=True):
        assert rows[name][-1] == shown, name
    assert frame["swing"].max() > 1  # the data stock moves the 2030 run by orders of magnitude


def test_schedule_sub_priors_are_parameters(baseline):
    sched = baseline.with_overrides(
        {
            "spending.growth": {
                "initial": {"to": [2.0, 3.0]},
                "final": {"to": [1.05, 1.5]},
                "half_life": {"to": ["2 year", "8 year"]},
            }
        }
    )
    names = uncertain_parameters(sched)
    subs = ["spending.growth.final", "spending.growth.half_life", "spending.growth.initial"]
    assert set(subs) <= set(names) and "spending.growth" not in names
    # The budget does not see the data ceiling: each sub-prior moves it.
    oat = oat_swings(sched, "budget_flop", 2035, subs)
    assert np.all(oat.swing > 0.05)
    r = sensitivity_analysis(sched, "budget_flop", 2035, base_samples=2**10)
    st = dict(zip(r.parameters, r.ST, strict=True))
    assert all(st[k] > 0.005 for k in subs), st


def test_reliability_mtbf_carries_sobol_indices_and_an_oat_swing(with_reliability):
    # The goodput of each sample's cluster comes from its own MTBF draw (the engine's
    # per-sample reliability), so MTBF uncertainty reaches the sensitivity.
    key = "reliability.mtbf"
    r = sensitivity_analysis(with_reliability, "largest_run_flop", 2030, base_samples=2**10)
    i = r.parameters.index(key)
    assert r.S1[i] > 0.01 and r.ST[i] > 0.01 and r.ST[i] > r.ST_conf[i]
    assert r.swing[i] > 0.1
    # A shorter MTBF: less goodput, a smaller run.
    assert r.high_log10[i] > r.low_log10[i]
    oat = sensitivity_analysis(with_reliability, "goodput", 2030, method="oat")
    assert oat.parameters[0] == key and oat.swing[0] > 0.1


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
    assert n == 11 and all(len(data[k]) == n for k in JSON_KEYS - {"output", "year", "parameters"})
    text = capsys.readouterr().out
    assert "sum of S1" in text and data["parameters"][0] in text.splitlines()[6]
    result = sens.SensitivityResult(**data)
    assert format_sensitivity(result) in text


def test_cli_oat_json(tmp_path):
    out = tmp_path / "oat.json"
    assert (
        main(["sensitivity", str(BASELINE), "--method", "oat", "--json", str(out), "--quiet"]) == 0
    )
    data = json.loads(out.read_text())
    assert JSON_KEYS <= set(data) and data["S1"] is None and len(data["swing"]) == 11
    assert data["model_runs"] == 23 and all(x >= 0 for x in data["swing"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["--year", "2061"], "--year: 2061 is outside the scenario's years 2024–2050"),
        (["--variable", "nonsense"], "--variable: unknown variable 'nonsense'"),
        (["--output", "nonsense"], "--variable: unknown variable 'nonsense'"),  # the old name
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
