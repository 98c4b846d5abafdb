"""Tests of the policy report: ``scalesim report`` end to end (notebook executed headless,
self-contained HTML, PDF through chromium), checked by parsing the files it writes."""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import math
import os
import re
import shutil
import subprocess
from pathlib import Path

import jupytext
import pytest
from bs4 import BeautifulSoup

import scalesim
from scalesim import cli
from scalesim.present.report import data as report_data
from scalesim.present.report.build import NOTEBOOK, chromium_path, external_references

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = [
    ROOT / "scenarios" / n
    for n in ("baseline.yaml", "spending-plateau.yaml", "synthetic-data.yaml")
]
BAD = ROOT / "tests" / "data" / "bad"
SAMPLES, SEED, TITLE = 4000, 11, "Test report: three scenarios"


@contextlib.contextmanager
def _shared(tmp_path_factory, name: str):
    """A folder shared by the pytest-xdist workers of one session, built by the first worker
    that gets there (the others wait on a lock, then reuse it)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent
    folder = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield folder
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Build one report (baseline + two scenarios) through the CLI, with a PDF when chromium
    is present, once per test session; return the HTML path, the PDF path (or None), the page
    and the parsed page."""
    with _shared(tmp_path_factory, "report") as folder:
        out = folder / "report.html"
        pdf = folder / "report.pdf" if chromium_path() else None
        if not (folder / "done").exists():
            folder.mkdir(exist_ok=True)
            argv = [
                "report",
                *map(str, SCENARIOS),
                "--out",
                str(out),
                "--samples",
                str(SAMPLES),
                "--seed",
                str(SEED),
                "--title",
                TITLE,
            ]
            if pdf is not None:
                argv += ["--pdf", str(pdf)]
            assert cli.main(argv) == 0
            (folder / "done").touch()
    page = out.read_text(encoding="utf-8")
    return out, pdf, page, BeautifulSoup(page, "html.parser")


@pytest.fixture(scope="module")
def summaries(tmp_path_factory):
    """Summary JSON of each scenario as ``scalesim run --summary-json`` writes it."""
    folder = tmp_path_factory.mktemp("summaries")
    out = []
    for i, path in enumerate(SCENARIOS):
        target = folder / f"{i}.json"
        argv = [
            "run",
            str(path),
            "--samples",
            str(SAMPLES),
            "--seed",
            str(SEED),
            "--summary-json",
            str(target),
            "--quiet",
        ]
        assert cli.main(argv) == 0
        out.append(json.loads(target.read_text()))
    return out


# --- the page --------------------------------------------------------------------------------


def test_title_date_version_and_hashes(built, capsys):
    out, _, page, soup = built
    assert soup.title.string == TITLE
    assert soup.h1.get_text() == TITLE
    assert soup.select_one(".date").get_text() == datetime.date.today().isoformat()
    assert soup.select_one(".version").get_text() == f"scalesim {scalesim.__version__}"
    cells = [td.get_text() for td in soup.select("table.scenarios td")]
    for path in SCENARIOS:
        assert scalesim.load_scenario(path).sha256 in cells
    assert out.stat().st_mode & 0o444  # readable, not left at mkstemp's 0600 only
    assert page.startswith("<!DOCTYPE html>")


def test_no_code_cells(built):
    _, _, page, soup = built
    assert not soup.select(
        ".input, .input_area, .jp-InputArea, .jp-CodeCell, .highlight, .CodeMirror, .prompt"
    )
    for source in (
        "import scalesim",
        "rd.executive_summary",
        "display(",
        "plots.fan_chart",
        "sensitivity_year =",
    ):
        assert source not in page


def _is_external(value: str) -> bool:
    return bool(re.match(r"\s*(https?:|//|ftp:|file:)", value, re.IGNORECASE))


def test_no_external_references(built):
    _, _, page, soup = built
    assert not soup.find_all(["script", "link", "iframe", "object", "embed", "img"])
    for tag in soup.find_all(True):
        for attr in ("src", "href", "xlink:href", "data", "action", "poster", "srcset"):
            value = tag.get(attr)
            assert value is None or not _is_external(str(value)), (tag.name, attr, value)
    styles = " ".join(s.get_text() for s in soup.find_all("style"))
    styles += " ".join(t["style"] for t in soup.find_all(style=True))
    assert "@import" not in styles
    assert not re.search(r"url\(\s*['\"]?\s*(https?:|//)", styles)
    assert external_references(page) == []


def test_external_reference_check_finds_planted_ones():
    assert external_references('<img src="https://example.org/x.png">')
    assert external_references('<link rel="stylesheet" href="x.css">')
    assert external_references("<style>@import 'https://x/y.css';</style>")
    assert external_references('<svg xmlns="http://www.w3.org/2000/svg"></svg>') == []


def test_charts_are_inline_svg(built):
    _, _, _, soup = built
    # 5 charts of the main scenario, 2 comparisons, 1 tornado per scenario
    assert len(soup.find_all("svg")) >= 5 + 2 + len(SCENARIOS)


# --- executive summary ----------------------------------------------------------------------


def _lookup(summary: dict, key: str):
    m = re.fullmatch(r"([\w.]+?)(?:\[(\d{4})\])?", key)
    node = summary
    for part in m.group(1).split("."):
        node = node[part]
    if m.group(2):
        node = node[summary["years"].index(int(m.group(2)))]
    return node


def _formatted(value, fmt: str, last_year: int) -> str:
    """The number as the report must show it (independent of report_data's formatter)."""
    if value is None:
        return f"after {last_year}" if fmt == "year" else "–"
    if fmt == "sci":
        # three significant digits, trailing zeros dropped: 1.20e+26 reads 1.2 × 10^26
        mantissa, exponent = f"{value:.2e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return f"{mantissa} × 10{int(exponent)}"  # <sup> text joins the mantissa
    return {
        "year": f"{value:.1f}",
        "share": f"{round(100 * value)}%",
        "share1": f"{100 * value:.1f}%",
    }[fmt]


def test_executive_summary_numbers_equal_summary_json(built, summaries):
    _, _, _, soup = built
    box = soup.select_one(".executive-summary")
    spans = box.select("span.num")
    assert len(spans) >= 12
    assert {int(s["data-scenario"]) for s in spans} == set(range(len(SCENARIOS)))
    keys = {s["data-key"] for s in spans if s["data-scenario"] == "0"}
    assert {
        "data_exhaustion_year.p50",
        "variables.largest_run_flop.p50[2030]",
        "variables.largest_run_flop.p50[2040]",
    } <= keys
    for span in spans:
        summary = summaries[int(span["data-scenario"])]
        value = _lookup(summary, span["data-key"])
        # the exact value...
        if value is None:
            assert span["data-value"] == "null"
        else:
            assert float(span["data-value"]) == value, span
        # ...and the text a reader sees
        assert span.get_text() == _formatted(value, span["data-fmt"], summary["years"][-1]), span


def test_executive_summary_has_no_unchecked_numbers(built, summaries):
    _, _, _, soup = built
    box = BeautifulSoup(str(soup.select_one(".executive-summary")), "html.parser")
    for tag in box.select("span.num, em.scenario"):
        tag.decompose()
    text = box.get_text(" ").replace("90% interval", "")
    years = set(summaries[0]["years"])
    for token in re.findall(r"\d+(?:[.,]\d+)*(?:[eE][+-]?\d+)?%?", text):
        assert token.isdigit() and int(token) in years, token


def test_binding_constraint_sentence_follows_the_shares(built, summaries):
    _, _, _, soup = built
    shares = summaries[0]["binding_constraint_share"]
    years = summaries[0]["years"]
    phases = soup.select(".executive-summary span.phase")
    assert phases and int(phases[0]["data-year"]) == years[0]
    for span in phases:
        i = years.index(int(span["data-year"]))
        top = max(shares, key=lambda c: shares[c][i])
        assert span["data-constraint"] == top
        if i:
            assert max(shares, key=lambda c: shares[c][i - 1]) != top


# --- tables ---------------------------------------------------------------------------------


def _rows(table) -> list[dict[str, str]]:
    heads = [th.get_text() for th in table.select("thead th")]
    return [
        dict(zip(heads, (td.get_text() for td in tr.find_all("td")), strict=True))
        for tr in table.select("tbody tr")
    ]


def test_assumptions_list_every_prior_with_its_source(built):
    _, _, _, soup = built
    tables = soup.select("table.assumptions")
    assert len(tables) == len(SCENARIOS)
    for path, table in zip(SCENARIOS, tables, strict=True):
        scenario = scalesim.load_scenario(path)
        rows = {r["parameter"]: r for r in _rows(table)}
        assert set(rows) == set(scenario.priors)
        for key in scenario.explicit:
            # a schedule (spending.growth: {initial, final, half_life}) has a row per part
            parts = [k for k in rows if k == key or k.startswith(key + ".")]
            assert parts, key
            for part in parts:
                assert rows[part]["set by"] == "scenario"
                # the part's own source where the file cites one, else its parameter's
                cited = part if part in scenario.sources else key
                assert rows[part]["source"] == scenario.sources.get(
                    cited, "not given in the scenario file"
                )
        for key, row in rows.items():
            assert row["unit"] and row["90% interval"] and row["source"], key


def test_sensitivity_table_swings_every_uncertain_prior(built):
    _, _, _, soup = built
    tables = soup.select("table.sensitivity")
    assert len(tables) == len(SCENARIOS)
    for path, table in zip(SCENARIOS, tables, strict=True):
        scenario = scalesim.load_scenario(path)
        rows = _rows(table)
        uncertain = {k for k, p in scenario.priors.items() if not p.is_fixed}
        assert {r["parameter"] for r in rows} == uncertain
        swings = [float(r["swing [orders of magnitude]"]) for r in rows]
        assert swings == sorted(swings, reverse=True) and swings[-1] >= 0
    # with every other prior at its median the baseline's 2030 run is data-bound: the stock
    # moves it; algorithms do not enter the largest run at all
    base = {r["parameter"]: float(r["swing [orders of magnitude]"]) for r in _rows(tables[0])}
    assert base["data.sources.public_text.stock"] > 0.1
    assert base["algorithms.halving_time"] == 0


def test_key_figures_and_comparison_present(built):
    _, _, _, soup = built
    assert soup.select_one("table.key-figures")
    comparison = _rows(soup.select_one("table.comparison"))
    assert [r["scenario"] for r in comparison] == [
        scalesim.load_scenario(p).name for p in SCENARIOS
    ]
    headings = [h.get_text() for h in soup.find_all("h2")]
    for h in (
        "Executive summary",
        "Key figures",
        "Projections",
        "Assumptions",
        "Comparison across scenarios",
        "Sensitivity",
        "Method",
        "Limitations",
        "References",
    ):
        assert h in headings


# --- PDF --------------------------------------------------------------------------------------


def test_pdf_renders_pages(built, tmp_path):
    _, pdf, _, _ = built
    if pdf is None:
        pytest.skip("chromium is not installed (make chromium)")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-")
    pages = len(re.findall(rb"/Type\s*/Page\b", data))
    assert pages >= 1
    if shutil.which("pdftoppm"):
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                "20",
                "-png",
                "-f",
                "1",
                "-l",
                "1",
                str(pdf),
                str(tmp_path / "page"),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        images = list(tmp_path.glob("page*.png"))
        assert len(images) == 1 and images[0].stat().st_size > 500


# --- notebook and CLI errors -----------------------------------------------------------------


def test_notebook_is_jupytext_percent_with_parameters_cell():
    text = NOTEBOOK.read_text(encoding="utf-8")
    assert '# %% tags=["parameters"]' in text
    nb = jupytext.reads(text, fmt="py:percent")
    assert nb.metadata["jupytext"]["text_representation"]["format_name"] == "percent"
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and tagged[0].cell_type == "code"
    for name in ("scenarios", "samples", "seed", "title"):
        assert re.search(rf"^{name} = ", tagged[0].source, re.MULTILINE)
    # imports scalesim's public API and its presentation layer, nothing of the model below
    imported = re.findall(r"^(?:from|import) (\S+)", text, re.MULTILINE)
    ours = {m for m in imported if m.startswith("scalesim")}
    assert "scalesim" in ours
    assert all(m == "scalesim" or m.startswith("scalesim.present") for m in ours), ours


def test_bad_scenario_is_the_same_one_line_error_as_run(tmp_path, capsys):
    bad = BAD / "lo-above-hi.yaml"
    assert cli.main(["run", str(bad)]) == 2
    expected = capsys.readouterr().err
    assert cli.main(["report", str(bad), "--out", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert err == expected and err.count("\n") == 1
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "report.pdf"], "--out: expected a path ending in .html"),
        (["--out", "no/such/folder/r.html"], "--out: folder 'no/such/folder' does not exist"),
        (["--out", "r.html", "--pdf", "r.png"], "--pdf: expected a path ending in .pdf"),
    ],
)
def test_bad_output_paths(args, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["report", str(SCENARIOS[0]), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_input_error_inside_the_notebook_is_one_line(tmp_path, capsys):
    assert (
        cli.main(["report", str(SCENARIOS[0]), "--out", str(tmp_path / "r.html"), "--samples", "0"])
        == 2
    )
    err = capsys.readouterr().err
    assert "--samples: must be an integer between 1" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


# --- helpers ----------------------------------------------------------------------------------


def test_format_value():
    f = report_data.format_value
    assert f(1.2345e26, "sci") == "1.23e26"
    assert f(1.2e26, "sci") == "1.2e26"
    assert f(2028.66, "year") == "2028.7"
    assert f(None, "year", 2050) == "after 2050"
    assert f(None, "year") == "–"
    assert f(0.574, "share") == "57%"
    assert f(0.0031, "share1") == "0.3%"
    assert f(math.inf, "sci") == "∞"
    assert f(None, "sci") == "–"
    with pytest.raises(ValueError, match="unknown format"):
        f(1.0, "hex")


def test_key_figures_and_exhaustion_text_by_hand():
    summary = {
        "years": [2030, 2040],
        "variables": {
            "largest_run_flop": {
                "unit": "FLOP",
                "p5": [1.0e26, 2.0e27],
                "p50": [2.5e27, 3.456e28],
                "p95": [3.25e28, None],
            }
        },
        "data_exhaustion_year": {"p5": 2027.14, "p50": 2031.96, "p95": None, "share_never": 0.0625},
        "binding_constraint_share": {"data": [0.4, 0.7], "compute": [0.6, 0.3]},
    }
    frame = report_data.key_figures(summary, years=(2030, 2040))
    assert list(frame["2030"]) == ["2.5e27 [1e26 – 3.25e28]", "Compute (money) (60%)"]
    assert list(frame["2040"]) == ["3.46e28 [2e27 – –]", "Data (70%)"]
    assert report_data.exhaustion_text(summary) == (
        "2032.0 [2027.1 – after 2040]; never by 2040: 6.2%"
    )


def test_binding_phases_by_hand():
    summary = {
        "years": [2024, 2025, 2026, 2027],
        "binding_constraint_share": {"compute": [1.0, 0.6, 0.4, 0.5], "data": [0.0, 0.4, 0.6, 0.5]},
    }
    # a tie goes to the constraint listed first (compute)
    assert report_data.binding_phases(summary) == [
        (2024, "compute"),
        (2026, "data"),
        (2027, "compute"),
    ]
