"""Tests of the policy report: ``scalesim report`` end to end (notebook executed, one
self-contained HTML file, PDF through chromium), checked by parsing the files it writes and
the text of the PDF's pages."""

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
from scalesim.errors import InputError
from scalesim.model.parameters import PARAMETERS
from scalesim.present.report import notebook as report_notebook
from scalesim.present.report.build import (
    NOTEBOOK,
    build_report,
    chromium_path,
    external_references,
)

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = [
    ROOT / "scenarios" / n
    for n in ("baseline.yaml", "spending-plateau.yaml", "synthetic-data.yaml")
]
BAD = ROOT / "tests" / "data" / "bad"
SAMPLES, SEED, TITLE = 4000, 11, "Test report: three scenarios"
#: A dotted lower_snake key path (``data.sources.public_text.stock``).
KEY_PATH = re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z_*][a-z0-9_*]*)+\b")
#: Symbols of the model's equations that cannot be mistaken for English words.
SYMBOLS = sorted(
    {p.symbol for p in PARAMETERS}
    - {"alpha", "beta", "delta", "arm"}
    - {s for s in (p.symbol for p in PARAMETERS) if len(s) == 1}
)


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
    """One report (baseline + two scenarios) through the CLI, with a PDF when chromium is
    present, once per test session: the HTML path, the PDF path (or None), the page and the
    parsed page."""
    with _shared(tmp_path_factory, "report") as folder:
        out = folder / "report.html"
        pdf = folder / "report.pdf" if chromium_path() else None
        if not (folder / "done").exists():
            folder.mkdir(exist_ok=True)
            argv = ["report", *map(str, SCENARIOS), "-o", str(out), "-n", str(SAMPLES)]
            argv += ["-s", str(SEED), "--title", TITLE, "-q"]
            if pdf is not None:
                argv += ["--pdf", str(pdf)]
            assert cli.main(argv) == 0
            (folder / "done").touch()
    page = out.read_text(encoding="utf-8")
    return out, pdf, page, BeautifulSoup(page, "html.parser")


@pytest.fixture(scope="module")
def summaries(tmp_path_factory):
    """Summary JSON of each scenario as ``scalesim run --json`` writes it."""
    folder = tmp_path_factory.mktemp("summaries")
    out = []
    for i, path in enumerate(SCENARIOS):
        target = folder / f"{i}.json"
        argv = ["run", str(path), "-n", str(SAMPLES), "-s", str(SEED), "--json", str(target)]
        assert cli.main([*argv, "-q"]) == 0
        out.append(json.loads(target.read_text()))
    return out


# --- the page --------------------------------------------------------------------------------


def test_title_date_version_and_metadata_last(built):
    out, _, page, soup = built
    assert soup.title.string == TITLE
    assert soup.h1.get_text() == TITLE
    assert soup.select_one(".date").get_text() == datetime.date.today().isoformat()
    assert soup.select_one(".version").get_text() == f"scalesim {scalesim.__version__}"
    tables = soup.find_all("table")
    assert "scenarios" in tables[-1]["class"]  # the hashes are the last table...
    cells = [td.get_text() for td in tables[-1].select("td")]
    for path in SCENARIOS:
        assert scalesim.load_scenario(path).sha256 in cells
    # ... and the executive summary comes before any of them
    assert page.index("executive-summary") < page.index(scalesim.load_scenario(SCENARIOS[0]).sha256)
    assert out.stat().st_mode & 0o444
    assert page.startswith("<!DOCTYPE html>")


def test_no_code_cells(built):
    _, _, page, soup = built
    assert not soup.select(".input, .input_area, .jp-CodeCell, .highlight, .prompt")
    for source in ("import scalesim", "front.executive_summary", "join_html(", "headline_year ="):
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
    assert "@import" not in styles
    assert external_references(page) == []


def test_external_reference_check_finds_planted_ones():
    assert external_references('<img src="https://example.org/x.png">')
    assert external_references('<link rel="stylesheet" href="x.css">')
    assert external_references("<style>@import 'https://x/y.css';</style>")
    assert external_references('<svg xmlns="http://www.w3.org/2000/svg"></svg>') == []


def test_charts_are_inline_svg(built):
    _, _, _, soup = built
    # 3 key charts, budget, exhaustion, comparison, tornado
    assert len(soup.select("figure.chart > svg")) >= 7


# --- figures: each checked against the summary JSON -------------------------------------------


def _lookup(summary: dict, key: str):
    m = re.fullmatch(r"([\w.]+?)(?:\[(\d{4})\])?", key)
    node = summary
    for part in m.group(1).split("."):
        node = node[part]
    if m.group(2):
        node = node[summary["years"].index(int(m.group(2)))]
    return node


_SCALE = {"million": 1e6, "billion": 1e9, "trillion": 1e12}


def _read_back(shown: str) -> float:
    """The number a reader takes from a figure (independent of the formatter):
    ``5.9 × 10^28 FLOP``, ``$24 billion``, ``490 trillion tokens``, ``77%``."""
    t = shown.replace("\u00a0", " ").replace(",", "").replace("−", "-").strip()
    t = re.sub(r"^\$", "", t)
    m = re.match(r"(-?[\d.]+)(?: × 10\^?(-?\d+))?(?: (million|billion|trillion))?", t)
    value = float(m.group(1)) * (10.0 ** int(m.group(2)) if m.group(2) else 1.0)
    return value * _SCALE.get(m.group(3), 1.0)


def _spans(soup, selector: str):
    box = soup.select_one(selector)
    assert box is not None, selector
    return box.select("span.num")


def _text_of(span) -> str:
    """A span's text with ``<sup>`` exponents written ``^n``."""
    copy = BeautifulSoup(str(span), "html.parser")
    for sup in copy.find_all("sup"):
        sup.replace_with("^" + sup.get_text())
    return copy.get_text()


@pytest.mark.parametrize("where", [".executive-summary", "table.key-figures", "table.comparison"])
def test_figures_equal_the_summary_json(built, summaries, where):
    _, _, _, soup = built
    spans = _spans(soup, where)
    assert len(spans) >= 12
    for span in spans:
        summary = summaries[int(span["data-scenario"])]
        value = _lookup(summary, span["data-key"])
        if value is None:
            assert span["data-value"] == "null"
            continue
        assert float(span["data-value"]) == value, span  # the exact value...
        shown = _text_of(span)
        if span["data-fmt"] == "year":  # ... and what a reader sees: the calendar year
            assert shown == str(math.floor(value)), span
        elif span["data-fmt"] == "percent":
            pct = float(shown.rstrip("%"))
            assert abs(pct - 100 * value) <= max(0.5, 0.05 * 100 * value), span
        else:  # two significant digits: within 5% of the value
            assert _read_back(shown) == pytest.approx(value, rel=0.05), span
            if not span.has_attr("data-bare"):  # the first end of a range may leave it out
                word = {"FLOP": "FLOP", "USD": "$", "token": "token"}.get(span["data-unit"], "")
                assert word in shown, span


def test_headline_keys_of_the_executive_summary(built):
    _, _, _, soup = built
    spans = _spans(soup, ".executive-summary")
    assert {int(s["data-scenario"]) for s in spans} == set(range(len(SCENARIOS)))
    keys = {s["data-key"] for s in spans if s["data-scenario"] == "0"}
    assert {
        "data_exhaustion_year.p50",
        "data_exhaustion_year.p10",
        "data_exhaustion_year.p90",
        "variables.largest_run_flop.p50[2030]",
        "variables.largest_run_flop.p5[2030]",
        "variables.largest_run_flop.p95[2030]",
        "variables.largest_run_flop.p50[2040]",
        "variables.spend_usd.p50[2030]",
    } <= keys
    assert any(k.startswith("binding_constraint_share.") for k in keys)


def test_executive_summary_has_no_unchecked_numbers(built, summaries):
    _, _, _, soup = built
    box = BeautifulSoup(str(soup.select_one(".executive-summary")), "html.parser")
    for i, ratio in enumerate(box.select("span.ratio"), start=1):  # other / main, in words
        other, main = (
            s["variables"]["largest_run_flop"]["p50"] for s in (summaries[i], summaries[0])
        )
        year = summaries[0]["years"].index(2030)
        assert float(ratio["data-value"]) == pytest.approx(other[year] / main[year], rel=1e-12)
    for tag in box.select("span.num, span.limit, span.ratio, span.share-of-gdp, cite, em.scenario"):
        tag.decompose()
    rest = re.sub(r"\b(?:90|80)% interval|\b\d+th percentile", "", box.get_text(" "))
    years = set(summaries[0]["years"])
    for token in re.findall(r"\d+(?:[.,]\d+)*(?:[eE][+-]?\d+)?%?", rest):
        assert token.isdigit() and int(token) in years, token


def test_limits_are_said_in_words(built, summaries):
    _, _, _, soup = built
    text_ = soup.select_one(".executive-summary").get_text(" ")
    # the baseline's 95th percentile passes 2e31 FLOP before 2050 and it has no latency ceiling
    p95 = summaries[0]["variables"]["largest_run_flop"]["p95"]
    first = next(y for y, v in zip(summaries[0]["years"], p95, strict=True) if v > 2e31)
    assert "latency wall" in text_ and f"from {first}" in text_
    limit = soup.select_one(".executive-summary span.limit")
    assert float(limit["data-value"]) == 2e31


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


# --- appendix -------------------------------------------------------------------------------


def test_assumptions_with_numbered_notes(built):
    _, _, _, soup = built
    tables = soup.select("table.assumptions")
    notes = [li.get_text() for li in soup.select("ol.notes li")]
    assert len(notes) == len(set(notes))  # one note per distinct source
    main = scalesim.load_scenario(SCENARIOS[0])
    for n, table in enumerate(tables):
        scenario = scalesim.load_scenario(SCENARIOS[n])
        rows = {tr.select_one("code.key").get_text(): tr for tr in table.select("tbody tr")}
        expected = {k for k, p in scenario.priors.items() if n == 0 or main.priors.get(k) != p}
        assert set(rows) == expected
        for key, tr in rows.items():
            mark = int(re.search(r"\[(\d+)\]", tr.find_all("td")[-1].get_text()).group(1))
            cited = max(
                (c for c in scenario.sources if key == c or key.startswith(c + ".")),
                key=len,
                default=None,
            )
            if cited is not None:
                assert notes[mark - 1] == scenario.sources[cited], key
            assert "scenario" in tr.find_all("td")[-1].get_text() or key not in scenario.explicit
    assert len(tables) == len(SCENARIOS)  # the other two differ from the baseline


# --- PDF --------------------------------------------------------------------------------------


def _pdf_text(pdf: Path, first: int, last: int) -> str:
    done = subprocess.run(
        ["pdftotext", "-layout", "-f", str(first), "-l", str(last), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout


def test_pdf_front_pages_speak_in_words(built):
    _, pdf, _, _ = built
    if pdf is None or not shutil.which("pdftotext"):
        pytest.skip("chromium or pdftotext is not installed")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    assert 4 <= pages <= 12
    front = _pdf_text(pdf, 1, 2)
    assert "Executive summary" in front and "Key figures" in front and "Key charts" in front
    assert KEY_PATH.findall(front) == []
    found = [s for s in SYMBOLS if re.search(rf"(?<![\w*]){re.escape(s)}(?![\w*])", front)]
    assert found == []
    assert not re.search(r"\bunit\b\s*1\b|\[1\]|\d\s1(?=\s|$)", front)  # no unit "1"
    assert not re.search(r"\d[eE][+-]?\d", front)  # no raw 1.56e+07
    assert not re.search(r"\d\s?s\b", front)  # no raw seconds
    # the detail and the appendix do name the key paths (for analysts)
    assert KEY_PATH.search(_pdf_text(pdf, 3, pages))


def test_pdf_first_page_renders(built, tmp_path):
    _, pdf, _, _ = built
    if pdf is None or not shutil.which("pdftoppm"):
        pytest.skip("chromium or pdftoppm is not installed")
    subprocess.run(
        ["pdftoppm", "-r", "20", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
        capture_output=True,
        timeout=60,
    )
    images = list(tmp_path.glob("p*.png"))
    assert len(images) == 1 and images[0].stat().st_size > 500


# --- notebook, progress and errors -------------------------------------------------------------


def test_notebook_reads_as_jupytext_does():
    source = NOTEBOOK.read_text(encoding="utf-8")
    theirs = jupytext.reads(source, fmt="py:percent")
    ours = report_notebook.read(NOTEBOOK)
    assert [c.kind for c in ours] == [c.cell_type for c in theirs.cells]
    assert [c.source for c in ours] == [c.source for c in theirs.cells]
    tagged = [c for c in ours if "parameters" in c.tags]
    assert len(tagged) == 1 and tagged[0].kind == "code"
    for name in ("scenarios", "samples", "seed", "title"):
        assert re.search(rf"^{name} = ", tagged[0].source, re.MULTILINE)
    imported = re.findall(r"^(?:from|import) (\S+)", source, re.MULTILINE)
    ours_imports = {m for m in imported if m.startswith("scalesim")}
    assert all(m == "scalesim" or m.startswith("scalesim.present") for m in ours_imports)


def test_executor_shows_last_expressions_only():
    cells = [
        report_notebook.Cell("code", "x = 2\nprint('hidden')\nx * 21"),
        report_notebook.Cell("markdown", "## Heading"),
        report_notebook.Cell(
            "code", "from scalesim.present.report.page import Html\nHtml('<b>'+str(x)+'</b>')"
        ),
        report_notebook.Cell("code", "y = 3"),
    ]
    calls = []
    report_notebook.execute(cells, on_cell=lambda i, n, c: calls.append((i, n, c)))
    assert [(i, n) for i, n, _ in calls] == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert calls[0][2] is cells[0] and calls[-1][2] is None
    assert cells[0].outputs == []  # an int has no HTML form; printed text is dropped
    assert cells[2].outputs == [{"text/html": "<b>2</b>"}]
    body = report_notebook.render_body(cells)
    assert "<h2>Heading</h2>" in body and "<b>2</b>" in body and "hidden" not in body


def test_progress_reports_every_step(tmp_path):
    steps = []
    build_report(
        [SCENARIOS[0]],
        tmp_path / "r.html",
        samples=500,
        progress=lambda done, total, what: steps.append((done, total, what)),
    )
    totals = {t for _, t, _ in steps}
    assert len(totals) == 1
    done = [d for d, _, _ in steps]
    assert done == sorted(done) and done[0] == 0 and done[-1] == steps[-1][1]
    whats = [w for _, _, w in steps]
    assert whats[0] == "starting" and whats[-1] == "done" and "writing HTML" in whats
    assert "Running the scenarios" in whats


def test_quiet_prints_nothing(tmp_path, capsys):
    out = tmp_path / "r.html"
    assert cli.main(["report", str(SCENARIOS[0]), "-o", str(out), "-n", "500", "-q"]) == 0
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == ""
    assert out.stat().st_size > 10_000


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
        (["-o", "r.html", "--pdf", "r.png"], "--pdf: expected a path ending in .pdf"),
        (["-o", "r.html", "-n", "0"], "--samples"),
    ],
)
def test_bad_options(args, message, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["report", str(SCENARIOS[0]), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_input_error_inside_the_notebook_stays_an_input_error(tmp_path):
    with pytest.raises(InputError, match="samples: must be an integer between 1"):
        build_report([SCENARIOS[0]], tmp_path / "r.html", samples=0)
    assert list(tmp_path.iterdir()) == []


# --- milestones, limits and wording by hand ----------------------------------------------------


def test_milestone_sentence_and_chart(tmp_path):
    path = ROOT / "scenarios" / "scientific-papers-1e35.yaml"
    out = tmp_path / "m.html"
    build_report([path], out, samples=2000, seed=3)
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    summary = scalesim.run(path, samples=2000, seed=3, keep="none").summary()
    spans = [
        s for s in _spans(soup, ".executive-summary") if s["data-key"].startswith("milestones.")
    ]
    keys = {s["data-key"] for s in spans}
    assert {f"milestones.scientific_papers.p_reached[{y}]" for y in (2030, 2050, 2100)} <= keys
    for span in spans:
        value = _lookup(summary, span["data-key"])
        assert float(span["data-value"]) == value
    assert "Probability that the milestone is reached by the year" in soup.get_text()


def test_limits_by_hand():
    from scalesim.present.report import limits

    energy = next(x for x in limits.limits() if x.name == "the energy limit")
    # 3.4e12 W for a year of 365.25 days at 4.7e15 FLOP/J: 5.04e35 FLOP
    assert energy.flop == pytest.approx(3.4e12 * 365.25 * 86400 * 4.7e15, rel=1e-12)
    assert energy.flop == pytest.approx(5.04e35, rel=1e-3)
    summary = {
        "years": [2030, 2040, 2050],
        "variables": {
            "largest_run_flop": {"p50": [1e29, 1e30, 3e31], "p95": [1e30, 5e31, 1e32]},
            "budget_flop": {"p50": [1e29, 1e36, 1e37], "p95": [1e30, 1e37, 1e38]},
        },
    }
    no_latency = scalesim.load_scenario(SCENARIOS[0])
    found = {(v, q, y, lim.name) for v, _, q, y, lim in limits.passes(summary, no_latency)}
    assert found == {
        ("largest_run_flop", "p95", 2040, "the latency wall"),  # 5e31 > 2e31
        ("largest_run_flop", "p50", 2050, "the latency wall"),  # 3e31 > 2e31
        ("budget_flop", "p95", 2040, "the latency wall"),
        ("budget_flop", "p50", 2040, "the latency wall"),
        ("budget_flop", "p95", 2040, "the energy limit"),  # 1e37 > 5.04e35
        ("budget_flop", "p50", 2040, "the energy limit"),  # 1e36 > 5.04e35
    }
    sentence = limits.sentence(summary, no_latency)
    assert (
        "The largest feasible run (from 2040 at its 95th percentile, from 2050 at its median) "
        "and the compute the spending could buy (from 2040 at its 95th percentile, from 2040 at "
        "its median) pass the latency wall"
    ) in sentence
    assert "latency wall" in sentence and "energy limit" in sentence
    calm = {"years": [2030], "variables": {"largest_run_flop": {"p50": [1e28], "p95": [1e29]}}}
    assert limits.sentence(calm, no_latency).startswith("No projected run passes")
    # a run costing half of world GDP is remarked on; one costing 1% is not
    money = {
        "years": [2030],
        "variables": {"spend_usd": {"p50": [6e13]}, "gdp_usd": {"p50": [1.2e14]}},
    }
    assert "50%</span> of world GDP" in limits.money_sentence(money, 2030)
    money["variables"]["spend_usd"]["p50"] = [1.2e12]
    assert limits.money_sentence(money, 2030) == ""


def test_report_doctests():
    import doctest

    from scalesim.present.report import charts, front

    for module in (front, charts):
        result = doctest.testmod(module)
        assert result.failed == 0 and result.attempted >= 2, module.__name__


def test_report_never_writes_over_its_scenario(tmp_path, capsys):
    scenario = tmp_path / "s.html"  # a scenario file that happens to end in .html
    scenario.write_text(SCENARIOS[0].read_text(encoding="utf-8"))
    before = scenario.read_bytes()
    assert cli.main(["report", str(scenario), "-o", str(scenario)]) == 2
    assert capsys.readouterr().err.count("\n") == 1
    assert scenario.read_bytes() == before


def test_short_scenario_still_gets_every_part(tmp_path):
    short = tmp_path / "short.yaml"
    short.write_text(f"name: Short\nextends: {SCENARIOS[0]}\nyears: {{start: 2024, end: 2028}}\n")
    out = tmp_path / "short.html"
    build_report([short], out, samples=500)
    soup = BeautifulSoup(out.read_text(encoding="utf-8"), "html.parser")
    # no 2030: the headline year is the last one, and the key figures show 2026 and 2028
    heads = [th.get_text() for th in soup.select("table.key-figures thead th")]
    assert heads == ["", "2026", "2028"]
    assert "feasible in 2028" in soup.select_one(".executive-summary").get_text()
