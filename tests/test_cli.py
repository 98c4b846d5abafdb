"""The CLI and the writers: what `run` prints and writes agrees with itself and with the
samples, `validate` says what is true of the file, errors are one exact line, exit 0 or 2."""

from __future__ import annotations

import contextlib
import io
import json
import math
import os
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import BAD, ROOT, SCENARIOS

import scalesim
from scalesim.cli import main
from scalesim.engine.io import write_text

BASELINE = str(SCENARIOS / "baseline.yaml")
SCALING = str(SCENARIOS / "scaling-2030.yaml")


def _run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _near(cell: str, value: float | None) -> bool:
    """The printed ``cell`` is ``value`` to the precision printed: within half a unit of its
    last digit ("3.54e+26": ±0.005e26; "2030.7": ±0.05; "66%": ±0.5 percentage points)."""
    if value is None:
        return cell == "–"
    if cell.endswith("%"):
        text, value = cell[:-1], 100 * value
    else:
        text = cell
    mantissa, _, exponent = text.partition("e")
    decimals = len(mantissa.partition(".")[2])
    half = 0.5 * 10.0 ** (int(exponent or 0) - decimals)
    return abs(float(text) - value) <= half * (1 + 1e-9)


def _sections(out: str) -> dict[str, list[str]]:
    """The printed summary cut at blank lines: first line of a block -> its other lines."""
    blocks = [b.splitlines() for b in out.strip().split("\n\n")]
    return {b[0]: b[1:] for b in blocks}


# --- scalesim run: the printed table is the summary JSON -----------------------------------


@pytest.fixture(scope="module")
def baseline_run(tmp_path_factory):
    """`scalesim run scenarios/baseline.yaml --samples 2000 --seed 1` with both files."""
    folder = tmp_path_factory.mktemp("run")
    summary, table = folder / "s.json", folder / "x.parquet"
    out = io.StringIO()  # capsys is function-scoped: capture by hand
    with contextlib.redirect_stdout(out):
        code = main(
            [
                "run",
                BASELINE,
                "--samples",
                "2000",
                "--seed",
                "1",
                "--summary-json",
                str(summary),
                "--out",
                str(table),
            ]
        )
    return {
        "code": code,
        "out": out.getvalue(),
        "json": json.loads(summary.read_text()),
        "frame": pd.read_parquet(table),
        "folder": folder,
    }


def test_run_exits_0_and_writes_only_the_files_named(baseline_run):
    assert baseline_run["code"] == 0
    assert sorted(os.listdir(baseline_run["folder"])) == ["s.json", "x.parquet"]
    lines = baseline_run["out"].rstrip("\n").splitlines()
    assert lines[-3:] == [
        f"wrote per-sample table: {baseline_run['folder'] / 'x.parquet'}",
        "",
        f"wrote summary JSON: {baseline_run['folder'] / 's.json'}",
    ]


def test_run_header_is_the_json_header(baseline_run):
    s, out = baseline_run["json"], baseline_run["out"]
    scenario = yaml.safe_load((SCENARIOS / "baseline.yaml").read_text(encoding="utf-8"))
    first, second = out.splitlines()[:2]
    assert first == f"scenario: {scenario['name']}" == f"scenario: {s['scenario']['name']}"
    m = re.fullmatch(
        r"file: (\S+)\s+samples: ([\d,]+)\s+seed: (\d+)\s+years: (\d{4})–(\d{4})", second
    )
    assert m, second
    assert m[1] == BASELINE == s["scenario"]["path"]
    assert (int(m[2].replace(",", "")), int(m[3])) == (2000, 1) == (s["samples"], s["seed"])
    years = scenario["years"]
    assert (int(m[4]), int(m[5])) == (years["start"], years["end"])
    assert s["years"] == list(range(years["start"], years["end"] + 1))


def test_run_quantile_table_is_the_json_to_the_printed_precision(baseline_run):
    s = baseline_run["json"]
    (heading,) = [k for k in _sections(baseline_run["out"]) if k.startswith("Largest feasible")]
    header, *rows = _sections(baseline_run["out"])[heading]
    assert header.split() == ["variable", "year", "median", "p5", "p95"]
    seen = []
    for row in rows:
        name, year, p50, p5, p95 = row.split()
        i = s["years"].index(int(year))
        v = s["variables"][name]
        for cell, stat in ((p50, "p50"), (p5, "p5"), (p95, "p95")):
            assert _near(cell, v[stat][i]), (name, year, stat, cell, v[stat][i])
        seen.append((name, int(year)))
    # README ("Outputs"): these two variables in these five years, in this order.
    assert seen == [
        (name, year)
        for name in ("largest_run_flop", "effective_compute_flop")
        for year in (2025, 2030, 2035, 2040, 2050)
    ]


def test_run_exhaustion_and_binding_lines_are_the_json(baseline_run):
    s, sections = baseline_run["json"], _sections(baseline_run["out"])
    (line,) = sections["Year the human text stock is fully used (data demand reaches the stock)"]
    m = re.fullmatch(r"\s+p10: (\S+)\s+p50: (\S+)\s+p90: (\S+)\s+never by 2050: (\S+%)", line)
    assert m, line
    ex = s["data_exhaustion_year"]
    for cell, q in zip(m.groups()[:3], ("p10", "p50", "p90"), strict=True):
        assert _near(cell, ex[q]), (q, cell, ex[q])
    assert _near(m[4], ex["share_never"])
    header, *rows = sections["Binding constraint (share of samples)"]
    years = [int(y) for y in header.split()[1:]]
    assert years == [2025, 2030, 2035, 2040, 2050]
    shares = s["binding_constraint_share"]
    assert [r.split()[0] for r in rows] == list(shares) == ["compute", "data"]
    for row in rows:
        name, *cells = row.split()
        for year, cell in zip(years, cells, strict=True):
            assert _near(cell, shares[name][s["years"].index(year)]), (name, year, cell)


def test_run_2025_median_is_the_hand_computed_value(baseline_run):
    # In 2025 (Δ = 1) the baseline samples are compute-bound (the JSON says so), so the
    # largest run is S0 · g_s · P0 · 2^(1/T_hw). Each factor is lognormal with its median at
    # the geometric midpoint of the 90% interval in baseline.yaml, so the median is close to
    # sqrt(5e7·3e8) · sqrt(2.0·2.9) · sqrt(4e17·1.5e18) · 2^(1/sqrt(1.0·2.5)) = 3.54e26 FLOP.
    hand = math.sqrt(5e7 * 3e8) * math.sqrt(2.0 * 2.9) * math.sqrt(4e17 * 1.5e18)
    hand *= 2 ** (1 / math.sqrt(1.0 * 2.5))
    assert hand == pytest.approx(3.5418e26, rel=1e-4)
    s = baseline_run["json"]
    # (a data-bound sample could only lower its own value: with under 1% of them the median
    # moves by less than 1% of the order statistics, well inside the tolerance below)
    assert s["binding_constraint_share"]["compute"][1] >= 0.99
    # ln of the product has sd ~0.70, so the sample median of 2000 draws has a standard
    # error of 1.25 · 0.70 / sqrt(2000) = 2%: allow 3 standard errors.
    assert s["variables"]["largest_run_flop"]["p50"][1] == pytest.approx(hand, rel=0.06)


# --- the files written agree with the samples ------------------------------------------------


def test_summary_json_quantiles_are_those_of_the_per_sample_table(baseline_run):
    s, frame = baseline_run["json"], baseline_run["frame"]
    n, years = 2000, s["years"]
    assert len(frame) == n * len(years)
    assert (frame["year"].to_numpy().reshape(n, -1) == np.array(years)).all()
    # quantile_method: "log10 histogram, bin width 0.001": the quantile p lies in the same
    # 0.001-wide log10 bin as the ceil(p·n)-th smallest sample, so within 0.001 in log10.
    assert s["quantile_method"].startswith("log10 histogram, bin width 0.001")
    for name, v in s["variables"].items():
        values = frame[name].to_numpy().reshape(n, len(years))
        ordered = np.sort(values, axis=0)
        for stat, p in (("p5", 0.05), ("p25", 0.25), ("p50", 0.5), ("p75", 0.75), ("p95", 0.95)):
            kth = ordered[math.ceil(p * n) - 1]
            gap = np.abs(np.log10(np.array(v[stat], dtype=float)) - np.log10(kth))
            assert gap.max() <= 1e-3 + 1e-12, (name, stat, gap.max())
        np.testing.assert_allclose(v["mean"], values.mean(axis=0), rtol=1e-12, err_msg=name)
    # Exhaustion year: bins of 0.01 year, printed to 0.001; +inf where never exhausted.
    ex = np.sort(frame.groupby("sample")["data_exhaustion_year"].first().to_numpy())
    for q in ("p5", "p10", "p25", "p50", "p75", "p90", "p95"):
        kth = ex[math.ceil(int(q[1:]) / 100 * n) - 1]
        assert abs(s["data_exhaustion_year"][q] - kth) <= 0.01 + 5e-4, q
    assert s["data_exhaustion_year"]["share_never"] == np.isinf(ex).sum() / n
    # Binding shares: the share of rows naming each constraint, exactly.
    codes = frame["binding_constraint"].to_numpy().reshape(n, len(years))
    for name, shares in s["binding_constraint_share"].items():
        assert shares == list((codes == name).mean(axis=0)), name


def test_per_sample_table_is_the_api_run(baseline_run):
    # --out writes what scalesim.run gives for the same scenario, samples and seed.
    same = scalesim.run(BASELINE, samples=2000, seed=1)
    frame = baseline_run["frame"]
    for name in ("largest_run_flop", "data_limited_flop", "human_effective_tokens"):
        np.testing.assert_array_equal(
            frame[name].to_numpy().reshape(2000, -1), same.variables[name], err_msg=name
        )


def test_csv_binding_constraint_is_the_smallest_ceiling(tmp_path, capsys):
    out = tmp_path / "x.csv"
    code, stdout, stderr = _run(
        capsys, "run", BASELINE, "--samples", "300", "--out", str(out), "--quiet"
    )
    assert (code, stdout, stderr) == (0, "", "")
    frame = pd.read_csv(out)
    assert len(frame) == 300 * 27
    # Baseline: no synthetic data and no power, chip or latency ceiling, so the run is the
    # smaller of the compute the spending buys and the compute the data supports.
    compute, data = frame["budget_flop"], frame["data_limited_flop"]
    np.testing.assert_allclose(frame["largest_run_flop"], np.minimum(compute, data), rtol=1e-12)
    assert (frame["binding_constraint"] == np.where(compute <= data, "compute", "data")).all()
    # CSV keeps every digit: the file is the API's arrays exactly.
    same = scalesim.run(BASELINE, samples=300)
    np.testing.assert_array_equal(
        frame["budget_flop"].to_numpy().reshape(300, -1), same.variables["budget_flop"]
    )


def test_ceilings_table_is_the_median_of_each_ceiling(capsys):
    code, out, err = _run(capsys, "run", SCALING, "--samples", "2000", "--seed", "1")
    assert (code, err) == (0, "")
    header, *rows = _sections(out)[
        "Ceilings on the run [FLOP] (median; budget_flop is the compute ceiling)"
    ]
    years = [int(y) for y in header.split()[1:]]
    s = scalesim.run(SCALING, samples=2000, seed=1, summarize="all").summary()
    names = [r.split()[0] for r in rows]
    assert names == ["budget_flop", "data_limited_flop", "power_flop", "chips_flop", "latency_flop"]
    for row in rows:
        name, *cells = row.split()
        for year, cell in zip(years, cells, strict=True):
            assert _near(cell, s["variables"][name]["p50"][s["years"].index(year)]), (name, year)
    assert [r.split()[0] for r in _sections(out)["Binding constraint (share of samples)"][1:]] == [
        "compute",
        "data",
        "power",
        "chips",
        "latency",
    ]


# --- errors: one exact line, exit 2 -----------------------------------------------------------


@pytest.mark.parametrize(
    "args, line",
    [
        (["--out", "x.txt"], "--out: expected a path ending in .parquet, .csv or .nc, got 'x.txt'"),
        (["--out", "/no/such/folder/x.csv"], "--out: folder '/no/such/folder' does not exist"),
        (
            ["--samples", "0"],
            "run: argument -n/--samples: expected a whole number >= 1, got '0' (see scalesim --help)",
        ),
        (
            ["-n", "1e999"],
            "run: argument -n/--samples: expected a whole number, got '1e999' (see scalesim --help)",
        ),
        (
            ["--samples", "many"],
            "run: argument -n/--samples: expected a whole number, got 'many' (see scalesim --help)",
        ),
        (
            ["--samples", "2e8"],
            "run: argument -n/--samples: expected at most 100,000,000 samples, got '2e8' "
            "(see scalesim --help)",
        ),
        (
            ["--seed", "x"],
            "run: argument -s/--seed: expected a finite integer, got 'x' (see scalesim --help)",
        ),
        (
            ["-s", "-1"],
            "run: argument -s/--seed: expected an integer from 0 to 2**63 - 1, got '-1' "
            "(see scalesim --help)",
        ),
        (["--summary-json", "/tmp"], "--json: '/tmp' is a folder, not a file"),
    ],
)
def test_bad_options_exit_2_with_one_exact_line(args, line, capsys):
    assert _run(capsys, "run", BASELINE, *args) == (2, "", f"scalesim: error: {line}\n")


def test_missing_scenario_file_lists_the_known_names(capsys):
    from scalesim.scenario import catalog

    code, out, err = _run(capsys, "run", "nope.yaml")
    assert (code, out) == (2, "")
    known = ", ".join(catalog.names())
    assert err == (
        f"scalesim: error: nope.yaml: file not found (known names: {known}); "
        "`scalesim list` shows them\n"
    )
    assert "baseline, " in err
    # a near miss gets the name it resembles
    assert _run(capsys, "run", "papers/sevilla-2023.yaml")[2] == (
        "scalesim: error: papers/sevilla-2023.yaml: file not found (did you mean "
        "'papers/sevilla-2024'?); `scalesim list` shows them\n"
    )


def test_unknown_command_exits_2_with_one_line(capsys):
    code, out, err = _run(capsys, "frobnicate")
    assert (code, out) == (2, "")
    assert err.startswith("scalesim: error: argument COMMAND: invalid choice: 'frobnicate'")
    assert err.endswith(" (see scalesim --help)\n") and err.count("\n") == 1


def test_version_and_help_exit_0(capsys):
    assert _run(capsys, "--version") == (0, f"scalesim {scalesim.__version__}\n", "")
    code, out, err = _run(capsys, "--help")
    assert (code, err) == (0, "") and out.startswith("usage: scalesim")


def test_readme_error_example_is_what_the_cli_prints(tmp_path, monkeypatch, capsys):
    # docs/index.md: "the CLI prints one line naming the file and the key path and exits
    # with status 2, e.g. `scenarios/x.yaml: parameters.spending.growth: ...`".
    readme = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"`(scenarios/x\.yaml: parameters\.spending\.growth: [^`]+)`", readme)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "x.yaml").write_text(
        "name: x\n"
        "parameters:\n"
        "  spending: {growth: 5 token}\n"
        "  data: {sources: {public_text: {stock: 1e14 token}}}\n"
    )
    monkeypatch.chdir(tmp_path)
    assert _run(capsys, "run", "scenarios/x.yaml") == (2, "", f"scalesim: error: {example}\n")


@pytest.mark.parametrize(
    "stem, key",
    [
        ("wrong-unit-dimension", "parameters.hardware.doubling_time"),
        ("negative-stock", "parameters.data.sources.public_text.stock"),
        ("lo-above-hi", "parameters.spending.growth.to"),
        ("unknown-parameter", "parameters.spending.grwoth"),
        ("end-before-start", "years.end"),
        ("seed-not-integer", "seed"),
    ],
)
def test_bad_file_is_one_line_naming_file_and_key_path(stem, key, capsys):
    path = str(BAD / f"{stem}.yaml")
    code, out, err = _run(capsys, "run", path)
    assert (code, out) == (2, "")
    assert err.startswith(f"scalesim: error: {path}: {key}: ") and err.count("\n") == 1, err


# --- validate and list ----------------------------------------------------------------------


def _scenario_with_priors(priors: dict[str, str]) -> str:
    """A scenario whose only priors are ``priors`` (key path -> YAML prior): every parameter
    that has a prior by default (the physical ceilings) is fixed at its default value."""
    values = {"data.sources.web.stock": "1e14 token", **priors}
    for p in scalesim.PARAMETERS:
        if getattr(p, "default_prior", None) is not None and p.path not in values:
            unit = "" if p.unit == "dimensionless" else f" {p.unit}"
            values[p.path] = f"{p.default!r}{unit}"
    tree: dict = {}
    for path, value in values.items():
        *groups, key = path.split(".")
        node = tree
        for g in groups:
            node = node.setdefault(g, {})
        node[key] = yaml.safe_load(value) if value.startswith("{") else value
    return yaml.safe_dump({"name": "Hand-written", "parameters": tree}, allow_unicode=True)


@pytest.mark.parametrize(
    "priors",
    [
        {},
        {"spending.growth": "{to: [2.0, 2.9]}"},
        {
            "spending.growth": "{to: [2.0, 2.9]}",
            "data.sources.web.stock": "{to: [1e14 token, 1e15 token]}",
        },
        {
            "spending.growth": "{uniform: [2.0, 2.9]}",
            "hardware.doubling_time": "{to: [1 year, 2.5 year]}",
            "data.epochs": "{choice: [1, 2, 4]}",
        },
    ],
    ids=lambda priors: f"{len(priors)} priors",
)
def test_validate_prints_name_and_count_of_uncertain_parameters(priors, tmp_path, capsys):
    path = tmp_path / "hand.yaml"
    path.write_text(_scenario_with_priors(priors), encoding="utf-8")
    n = len(priors)
    line = f"ok: {path} (Hand-written; {n} uncertain parameters)\n"
    assert _run(capsys, "validate", str(path)) == (0, line, "")


def test_validate_one_line_per_file_and_exit_2_when_any_is_bad(capsys):
    bad = str(BAD / "lo-above-hi.yaml")
    code, out, err = _run(capsys, "validate", BASELINE, bad, BASELINE)
    assert code == 2
    lines = out.splitlines()
    assert len(lines) == 2 and lines[0] == lines[1] and lines[0].startswith(f"ok: {BASELINE} (")
    assert err == (
        f"scalesim: error: {bad}: parameters.spending.growth.to: "
        "lower bound 2.9 is above upper bound 2\n"
    )


def test_validate_every_shipped_scenario_exit_0(capsys):
    files = sorted(str(p) for p in SCENARIOS.glob("*.yaml"))
    code, out, err = _run(capsys, "validate", *files)
    assert (code, err) == (0, "")
    assert [line.split(" (")[0] for line in out.splitlines()] == [f"ok: {f}" for f in files]


def test_list_gives_each_file_its_name_and_description(capsys):
    code, out, err = _run(capsys, "list", "--dir", str(SCENARIOS))
    assert (code, err) == (0, "")
    entries = re.findall(r"^(\S+): (.*)\n    (\S.*)\n((?:    .*\n)*)", out, flags=re.M)
    assert [e[0] for e in entries] == sorted(p.stem for p in SCENARIOS.glob("*.yaml"))
    for stem, name, path, description in entries:
        assert Path(path).resolve() == (SCENARIOS / f"{stem}.yaml").resolve()  # its path
        data = yaml.safe_load((SCENARIOS / f"{stem}.yaml").read_text(encoding="utf-8"))
        assert name == data["name"]
        # whitespace aside (the description is re-wrapped to 88 columns)
        assert "".join(description.split()) == "".join(str(data.get("description", "")).split())


def test_list_of_missing_folder_exits_2(capsys):
    assert _run(capsys, "list", "--dir", "/no/such/dir") == (
        2,
        "",
        "scalesim: error: folder '/no/such/dir' does not exist\n",
    )


# --- writers and frames ------------------------------------------------------------------------


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


def test_results_frames_are_the_summary():
    r = scalesim.run(BASELINE, samples=500, seed=1)
    s = r.summary()
    frame = r.summary_frame()
    assert list(frame.columns) == [
        "variable",
        "unit",
        "year",
        "p5",
        "p25",
        "p50",
        "p75",
        "p95",
        "mean",
    ]
    assert list(dict.fromkeys(frame["variable"])) == list(s["variables"])
    assert set(scalesim.HEADLINE) <= set(s["variables"])  # the default summary
    for row in frame.itertuples(index=False):
        v = s["variables"][row.variable]
        i = s["years"].index(row.year)
        assert row.unit == v["unit"] == scalesim.VARIABLES[row.variable][0]
        for stat in ("p5", "p25", "p50", "p75", "p95", "mean"):
            assert getattr(row, stat) == v[stat][i], (row.variable, row.year, stat)
    binding = r.binding_frame()
    for row in binding.itertuples(index=False):
        assert (
            row.share == s["binding_constraint_share"][row.constraint][s["years"].index(row.year)]
        )
    assert len(binding) == len(s["binding_constraint_share"]) * len(s["years"])
