"""The Streamlit app under streamlit.testing (AppTest): every control and headline figure.

The real-browser test (file upload through the page, downloads, keyboard on a slider) is
tests/test_browser.py; here the upload goes through AppTest's file_uploader, and the download
payloads are checked through the helpers app.py hands to its download buttons.
"""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
import yaml
from streamlit.testing.v1 import AppTest

import scalesim
from scalesim.app import editors as edit
from scalesim.app import method as app_method
from scalesim.app import scenarios as scen
from scalesim.app import support as sup
from scalesim.model import constraints as registry
from scalesim.present import plots
from scalesim.present import text as fmt_text
from scalesim.present.docs import parameter_frame
from scalesim.units import parse_quantity

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
SHIPPED = scen.shipped_scenarios(ROOT / "scenarios")
TIMEOUT = 120
BASELINE = scalesim.load_scenario(SHIPPED["baseline.yaml"])
BASE_NAME = BASELINE.name


def _editor(path: Path, key: str) -> edit.Editor:
    """The editor of parameter ``key`` of the scenario file ``path``."""
    return {ed.path: ed for ed in edit.editors(scen.load_file(path))}[key]


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch):
    # The app shows scenario paths relative to the working folder, like the CLI.
    monkeypatch.chdir(ROOT)


def _app(samples: int | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    _ok(at)
    if samples is not None:
        at.select_slider(key="samples").set_value(samples).run()
        _ok(at)
    return at


def _ok(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def _shown(markdown: str) -> str:
    """The text a Markdown body shows, for bodies the app escaped (scalesim.app.safe.plain)."""
    return _ESCAPED.sub(r"\1", markdown)


def _table(at: AppTest, i: int) -> pd.DataFrame:
    """The ``i``-th st.table as it shows (st.table renders Markdown, so the app escapes it)."""
    frame = at.table[i].value
    out = frame.map(lambda v: _shown(v) if isinstance(v, str) else v)
    out.columns = [_shown(c) for c in frame.columns]
    out.index = [_shown(i) if isinstance(i, str) else i for i in frame.index]
    return out


def _title(at: AppTest) -> str:
    return _shown(at.title[0].value)


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def _charts(at: AppTest) -> list[dict]:
    """Chart specs, with the data Streamlit moves out of the spec (Arrow) put back as rows."""
    specs = []
    for el in at.get("vega_lite_chart"):
        spec = json.loads(el.proto.spec)
        spec["datasets"] = {
            d.name: pa.ipc.open_stream(d.data.data).read_pandas().to_dict("records")
            for d in el.proto.datasets
        }
        specs.append(spec)
    return specs


#: Titles of the five charts every scenario shows.
FIVE_CHARTS = [
    "Largest feasible training run",
    "Compute budget beside each constraint",
    "Human data stock versus data demand",
    "Year the human text stock is fully used",
    "Binding constraint: share of samples",
]


def _chart_titles(at: AppTest) -> list[str]:
    out = []
    for spec in _charts(at):
        title = spec.get("title", "")
        out.append(title.get("text", "") if isinstance(title, dict) else title)
    return out


def _rows(spec: dict) -> list[dict]:
    return [row for rows in spec.get("datasets", {}).values() for row in rows]


def _fan_medians(at: AppTest) -> list[float]:
    """The medians the fan chart draws (its ``fan`` dataset: one scenario's per year)."""
    return [r["p50"] for r in _charts(at)[0]["datasets"]["fan"]]


def _expected_view(path: Path, samples: int, seed: int, edits: dict | None = None) -> sup.RunView:
    base = scen.load_file(path)
    scenario = edit.edited_scenario(base, edits or {}, samples, seed)
    return sup.simulate(scenario.to_yaml(), scenario.path, samples, seed)


# --- default render and headline figures ------------------------------------------------------


def _number(text: str) -> float:
    """The number at the start of a displayed figure (``2.14e27 FLOP``, ``12,300``)."""
    return float(text.split(" ")[0].replace(",", ""))


def _ends(detail: str) -> tuple[str, str]:
    """The two ends of ``90% interval A – B ...`` as displayed."""
    lo, hi = detail.removeprefix("90% interval ").split(";")[0].split(" – ")
    return lo, hi


def test_default_render_shows_baseline_headline_figures_and_five_charts():
    at = _app()
    base = scalesim.load_scenario(SHIPPED["baseline.yaml"])
    assert _title(at) == base.name
    assert at.select_slider(key="samples").value == 20_000
    assert at.number_input(key="seed").value == base.seed
    # Independent of the app's helpers: the same scenario, samples and seed run headless.
    summary = scalesim.run(SHIPPED["baseline.yaml"], samples=20_000, seed=base.seed).summary()
    years, q = summary["years"], summary["variables"]["largest_run_flop"]
    labels = ["Largest run in 2030", "Largest run in 2040"]
    labels += ["Human text stock used up", "Binding constraint in 2030"]
    assert [m.label for m in at.metric] == labels
    metrics, captions = _metrics(at), [c.value for c in at.caption]
    flop_intervals = [c for c in captions if c.startswith("90% interval") and c.endswith(" FLOP")]
    assert len(flop_intervals) == 2
    for year, detail in zip((2030, 2040), flop_intervals, strict=True):
        i = years.index(year)
        value = metrics[f"Largest run in {year}"]
        assert value.endswith(" FLOP")
        # three significant digits: within half a unit of the third digit
        assert _number(value) == pytest.approx(q["p50"][i], rel=5e-3)
        lo, hi = _ends(detail)
        assert _number(lo) == pytest.approx(q["p5"][i], rel=5e-3)
        assert _number(hi) == pytest.approx(q["p95"][i], rel=5e-3)
    ex = summary["data_exhaustion_year"]
    assert float(metrics["Human text stock used up"]) == pytest.approx(ex["p50"], abs=0.05)
    detail = next(c for c in captions if "never by 2050" in c)
    lo, hi = _ends(detail)
    assert float(lo) == pytest.approx(ex["p5"], abs=0.05)
    if ex["p95"] is None:
        assert hi == "after 2050"
    else:
        assert float(hi) == pytest.approx(ex["p95"], abs=0.05)
    never = float(detail.split("never by 2050: ")[1].removesuffix("%"))
    assert never == pytest.approx(100 * ex["share_never"], abs=0.05)
    i = years.index(2030)
    shares = {c: v[i] for c, v in summary["binding_constraint_share"].items()}
    top = max(shares, key=shares.get)
    assert metrics["Binding constraint in 2030"] == registry.label(top)
    assert f"in {round(100 * shares[top])}% of samples" in captions
    assert len(_charts(at)) == 5
    assert _fan_medians(at) == pytest.approx(q["p50"])


class _Summary:
    """A run reduced to a hand-written summary dict (what the headline reads)."""

    def __init__(self, summary: dict):
        self._summary = summary

    def summary(self) -> dict:
        return self._summary


HAND = {
    "years": [2024, 2030, 2040],
    "variables": {
        "largest_run_flop": {
            "p5": [1e24, 3.0e26, 1.2345e27],
            "p50": [2e24, 2.144e27, 3.5e28],
            "p95": [4e24, 1.5e28, None],
        }
    },
    "data_exhaustion_year": {"p5": 2027.14, "p50": 2028.66, "p95": None, "share_never": 0.0625},
    "binding_constraint_share": {"compute": [1.0, 0.4, 0.5], "data": [0.0, 0.6, 0.5]},
}


def test_headline_texts_of_a_hand_written_summary():
    assert sup.headline_texts(_Summary(HAND)) == [
        ("Largest run in 2030", "2.14e27 FLOP", "90% interval 3e26 – 1.5e28 FLOP"),
        ("Largest run in 2040", "3.5e28 FLOP", "90% interval 1.23e27 – – FLOP"),
        (
            "Human text stock used up",
            "2028.7",
            "90% interval 2027.1 – after 2040; never by 2040: 6.2%",
        ),
        ("Binding constraint in 2030", "Data", "in 60% of samples"),
    ]


def test_headline_binding_tie_goes_to_the_first_constraint_in_registry_order():
    summary = dict(HAND, years=[2024, 2025, 2026])
    summary["binding_constraint_share"] = {"data": [0.5, 0.5, 0.5], "compute": [0.5, 0.5, 0.5]}
    b = sup.headline(_Summary(summary))["binding"]
    assert (b["year"], b["constraint"], b["share"]) == (2026, "compute", 0.5)
    assert sup.headline_texts(_Summary(summary))[3][1] == "Compute (money)"


def test_headline_when_2030_and_2040_are_not_projected(tmp_path):
    text = (
        SHIPPED["baseline.yaml"]
        .read_text()
        .replace("years: {start: 2024, end: 2050}", "years: {start: 2024, end: 2028}")
    )
    scenario = scalesim.load_scenario_text(text, name="short.yaml")
    view = sup.view_of(scalesim.run(scenario, samples=1000, seed=1, keep="none", summarize="all"))
    texts = sup.headline_texts(view)
    assert texts[0][1] == "–" and "not projected" in texts[0][2]
    assert texts[3][0] == "Binding constraint in 2028"


@pytest.mark.parametrize("name", list(SHIPPED))
def test_every_shipped_scenario_renders_without_an_exception(name):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.selectbox(key="scenario").set_value(name).run()
    _ok(at)
    scenario = scalesim.load_scenario(SHIPPED[name])
    assert _title(at) == scenario.name
    assert not at.error
    titles = _chart_titles(at)
    assert titles[:5] == FIVE_CHARTS
    headless = scalesim.run(SHIPPED[name], samples=1000, seed=1, keep="none")
    extra = (["Milestones"] if headless.summary().get("milestones") else []) + (
        ["Compute split"] if plots.has_split(headless) else []
    )
    assert [t.split(":")[0] for t in titles[5 : 5 + len(extra)]] == extra
    assert all(v and v != "–" for v in _metrics(at).values())


# --- run settings -----------------------------------------------------------------------------


def test_samples_slider_and_seed_input_rerun_the_projection():
    at = _app()
    before = _fan_medians(at)
    at.select_slider(key="samples").set_value(5_000).run()
    _ok(at)
    assert any("5,000 samples" in c.value for c in at.caption)
    after_samples = _fan_medians(at)
    assert after_samples != before
    expected = _expected_view(SHIPPED["baseline.yaml"], 5_000, at.number_input(key="seed").value)
    assert after_samples == pytest.approx(expected.quantiles("largest_run_flop")["p50"])
    at.number_input(key="seed").set_value(7).run()
    _ok(at)
    assert any("seed 7" in c.value for c in at.caption)
    assert _fan_medians(at) == pytest.approx(
        _expected_view(SHIPPED["baseline.yaml"], 5_000, 7).quantiles("largest_run_flop")["p50"]
    )


def test_switching_scenario_resets_samples_seed_and_editors():
    at = _app(samples=2_000)
    at.slider(key="edit:spending.growth").set_value((2.2, 3.0)).run()
    assert _title(at).endswith("(edited)")
    at.selectbox(key="scenario").set_value("synthetic-data.yaml").run()
    _ok(at)
    assert _title(at) == "Baseline with synthetic data"
    assert at.select_slider(key="samples").value == 20_000
    lo, hi = at.slider(key="edit:spending.growth").value
    synthetic = SHIPPED["synthetic-data.yaml"]
    assert (lo, hi) == pytest.approx(_editor(synthetic, "spending.growth").value)
    share = _editor(synthetic, "synthetic.share_of_compute")
    assert at.slider(key="edit:synthetic.share_of_compute").value == pytest.approx(share.value)


# --- assumption editors -----------------------------------------------------------------------


def test_every_editor_of_every_shipped_scenario_has_a_widget_with_its_unit():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    for name, path in SHIPPED.items():
        at.selectbox(key="scenario").set_value(name).run()
        _ok(at)
        for ed in edit.editors(scen.load_file(path)):
            if ed.widget in ("range", "slider"):
                widget = at.slider(key=ed.key)
                assert ed.unit in _shown(widget.label)
                assert widget.value == pytest.approx(ed.value if ed.interval else ed.value[0])
            elif ed.widget == "interval":
                assert at.number_input(key=ed.key + ":lo").value == pytest.approx(ed.value[0])
                assert at.number_input(key=ed.key + ":hi").value == pytest.approx(ed.value[1])
            else:
                widget = at.number_input(key=ed.key)
                assert ed.unit in _shown(widget.label)
                assert widget.value == pytest.approx(ed.value[0])


def test_range_slider_edit_changes_the_projection_and_the_median():
    at = _app(samples=2_000)
    before = _metrics(at)
    at.slider(key="edit:spending.growth").set_value((2.2, 3.2)).run()
    _ok(at)
    assert _title(at) == f"{BASE_NAME} (edited)"
    assert _metrics(at)["Largest run in 2030"] != before["Largest run in 2030"]
    assert any(c.value == "median 2.65 × per year" for c in at.caption)
    expected = _expected_view(
        SHIPPED["baseline.yaml"],
        2_000,
        at.number_input(key="seed").value,
        {"spending.growth": {"to": [2.2, 3.2]}},
    )
    assert _fan_medians(at) == pytest.approx(expected.quantiles("largest_run_flop")["p50"])


def test_interval_number_inputs_edit_the_90_percent_interval():
    at = _app(samples=2_000)
    at.number_input(key="edit:spending.largest_run:lo").set_value(100.0).run()
    at.number_input(key="edit:spending.largest_run:hi").set_value(1000.0).run()
    _ok(at)
    assert any(c.value == "median 316 million USD" for c in at.caption)
    expected = _expected_view(
        SHIPPED["baseline.yaml"],
        2_000,
        at.number_input(key="seed").value,
        {"spending.largest_run": {"to": ["1e8 USD", "1e9 USD"]}},
    )
    assert _fan_medians(at) == pytest.approx(expected.quantiles("largest_run_flop")["p50"])


def test_fixed_value_editors_number_input_and_slider():
    at = _app(samples=2_000)
    at.number_input(key="edit:economy.world_gdp").set_value(200.0).run()
    _ok(at)
    assert _title(at).endswith("(edited)")
    at.slider(key="edit:training.tokens_per_parameter").set_value(100.0).run()
    _ok(at)
    expected = _expected_view(
        SHIPPED["baseline.yaml"],
        2_000,
        at.number_input(key="seed").value,
        {"economy.world_gdp": "2e14 USD", "training.tokens_per_parameter": 100.0},
    )
    assert _fan_medians(at) == pytest.approx(expected.quantiles("largest_run_flop")["p50"])
    # A default that is fixed at 0 becomes an explicit value.
    at.slider(key="edit:synthetic.share_of_compute").set_value(20.0).run()
    _ok(at)


def test_invalid_edit_shows_a_one_line_error_and_no_exception():
    at = _app(samples=2_000)
    at.slider(key="edit:spending.growth").set_value((2.5, 2.5)).run()
    _ok(at)
    assert len(at.error) == 1
    message = _shown(at.error[0].value)
    assert "\n" not in message
    assert "parameters.spending.growth.to" in message
    assert "write the number itself" in message


def test_reset_button_restores_the_scenario():
    at = _app(samples=2_000)
    at.slider(key="edit:spending.growth").set_value((2.2, 3.2)).run()
    at.number_input(key="seed").set_value(3).run()
    at.button(key="reset").click().run()
    _ok(at)
    assert _title(at) == BASE_NAME
    growth = _editor(SHIPPED["baseline.yaml"], "spending.growth")
    assert at.slider(key="edit:spending.growth").value == pytest.approx(growth.value)
    assert at.number_input(key="seed").value == BASELINE.seed


def test_editor_overrides_and_edited_scenario_yaml():
    base = scen.load_file(SHIPPED["baseline.yaml"])
    eds = edit.editors(base)
    state = edit.initial_state(base)
    assert edit.overrides(eds, state) == {}
    state["edit:spending.growth"] = (2.1, 3.0)
    state["edit:algorithms.halving_time"] = (6.0, 12.0)
    state["edit:data.sources.public_text.stock:hi"] = 2e15
    edits = edit.overrides(eds, state)
    assert edits["spending.growth"] == {"to": [2.1, 3.0]}
    # Dimensional values are written with their canonical unit (model v2 refuses bare ones).
    halving = [parse_quantity(v, "year") for v in edits["algorithms.halving_time"]["to"]]
    assert halving == pytest.approx([0.5, 1.0])
    assert all(v.endswith(" year") for v in edits["algorithms.halving_time"]["to"])
    stock = [parse_quantity(v, "token") for v in edits["data.sources.public_text.stock"]["to"]]
    assert stock == pytest.approx([1e14, 2e15])
    scenario = edit.edited_scenario(base, edits, 2_000, 5)
    raw = yaml.safe_load(scenario.to_yaml())
    assert raw["samples"] == 2_000 and raw["seed"] == 5
    assert raw["name"].endswith("(edited)")
    assert "extends" not in raw
    assert scenario.priors["spending.growth"].ppf(0.95) == pytest.approx(3.0)
    # Untouched parameters keep their prior as written (here a log-uniform).
    assert raw["parameters"]["spending"] | {"growth": None} == base.raw["parameters"][
        "spending"
    ] | {"growth": None}


# --- upload -----------------------------------------------------------------------------------


BROKEN = "name: broken\nparameters:\n  spending:\n    growth: 5 token\n"


def test_broken_upload_shows_the_same_one_line_error_as_the_cli(tmp_path):
    at = _app(samples=2_000)
    at.file_uploader(key="upload").set_value(("broken.yaml", BROKEN.encode(), "application/x-yaml"))
    at.run()
    _ok(at)
    (tmp_path / "broken.yaml").write_text(BROKEN)
    cli = subprocess.run(
        [sys.executable, "-m", "scalesim.cli", "validate", "broken.yaml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 2
    # validate lists every problem, one per line; the app shows the first (the loader's)
    cli_message = cli.stderr.splitlines()[0].removeprefix("scalesim: error: ")
    messages = [_shown(e.value) for e in at.error]
    assert messages and all(m == cli_message for m in messages)
    assert "\n" not in messages[0]
    assert messages[0].startswith("broken.yaml: parameters.spending.growth:")
    # The app keeps showing the picked scenario.
    assert _title(at) == BASE_NAME


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"name: [unclosed\n", "broken.yaml: invalid YAML: line 2, column 1"),
        (b"- a list\n", "broken.yaml: expected a mapping of scenario keys, got list"),
        (b"\xff\xfe not utf-8", "broken.yaml: cannot read the file (UnicodeDecodeError)"),
        (b"#" * (1200 * 1024), "broken.yaml: file is larger than 1 MB (1,200 KB)"),
        (b"!!python/object/apply:os.system ['echo hi']\n", "broken.yaml: invalid YAML"),
        (b"name: x\nextends: /etc/passwd\n", "broken.yaml: extends: an upload may only extend"),
        (b"name: x\nextends: ../README.md\n", "broken.yaml: extends: an upload may only extend"),
        (b"name: x\nextends: missing.yaml\n", "broken.yaml: extends: extended file 'missing"),
        (
            b"a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            b"c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
            b"d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
            b"e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n",
            # Refused by the YAML reader's node limit or the app's own (whichever is lower).
            re.compile(r"broken\.yaml: (e\[0\]: )?more than [\d,]+ values .*aliases"),
        ),
    ],
)
def test_read_upload_errors_are_one_line(content, expected):
    with pytest.raises(scalesim.InputError) as info:
        scen.read_upload("broken.yaml", content)
    message = str(info.value)
    if isinstance(expected, re.Pattern):
        assert expected.match(message), message
    else:
        assert message.startswith(expected)
    assert "\n" not in message


def test_upload_limit_is_one_number_for_the_label_the_widget_the_server_and_the_check():
    import tomllib

    from scalesim.cli.app import SETTINGS

    limit = scen.MAX_UPLOAD_MB
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["maxUploadSize"] == limit
    assert SETTINGS["server.maxUploadSize"] == str(limit)
    at = _app(samples=1_000)
    (uploader,) = at.get("file_uploader")
    assert uploader.proto.max_upload_size_mb == limit  # the widget shows "Limit 1MB per file"
    assert uploader.proto.label.endswith(f"(at most {limit} MB)")
    # The app's own check refuses one byte more than the limit, and not the limit itself.
    padded = b"name: x\nextends: baseline.yaml\n"
    assert scen.read_upload("ok.yaml", padded + b"#" * (limit * 2**20 - len(padded))).name == "x"
    with pytest.raises(scalesim.InputError, match=f"larger than {limit} MB"):
        scen.read_upload("big.yaml", b"#" * (limit * 2**20 + 1))


def test_valid_upload_extending_a_shipped_scenario_is_used():
    text = "name: My upload\nextends: baseline.yaml\nparameters:\n  spending:\n    growth: 3.0\n"
    at = _app(samples=2_000)
    at.file_uploader(key="upload").set_value(("mine.yaml", text.encode(), "application/x-yaml"))
    at.run()
    _ok(at)
    assert _title(at) == "My upload"
    assert not at.error
    assert at.slider(key="edit:spending.growth").value == 3.0
    at.file_uploader(key="upload").set_value(None).run()
    _ok(at)
    assert _title(at) == BASE_NAME


# --- the page's charts: built as dicts, drawn as the report's Altair builders draw them ------


def _drawn(spec: dict) -> dict:
    """What a Vega-Lite spec draws: its title and height, and per layer the mark, the
    encoding, the transforms and the data rows restricted to the fields the encoding reads
    (a dataset may carry more fields, under any name)."""
    datasets = spec.get("datasets", {})
    layers = []
    for layer in spec.get("layer", [spec]):
        data = layer.get("data", spec.get("data"))
        rows = datasets[data["name"]] if "name" in data else data["values"]
        encoding = {**spec.get("encoding", {}), **layer.get("encoding", {})}
        fields = {
            item["field"]
            for channel in encoding.values()
            for item in (channel if isinstance(channel, list) else [channel])
            if isinstance(item, dict) and "field" in item
        }
        layers.append(
            {
                "mark": layer["mark"],
                "encoding": encoding,
                "transform": layer.get("transform"),
                "rows": [{k: r[k] for k in sorted(fields) if k in r} for r in rows],
            }
        )
    return {"title": spec.get("title"), "height": spec.get("height"), "layers": layers}


def _view(name: str, samples: int = 2_000, edits: dict | None = None) -> sup.RunView:
    return _expected_view(SHIPPED[name], samples, 7, edits)


@pytest.mark.parametrize("name", ["data-market.yaml", "baseline.yaml"])
def test_view_variables_are_among_the_runs_own(name, monkeypatch):
    """The page summarises the variables the run has (the engine's present_variables, in its
    order): a data.market scenario's market_tokens and market_spend_usd included."""
    from scalesim.engine.run import present_variables
    from scalesim.model.variables import MARKET_VARIABLES

    scenario = scen.load_file(SHIPPED[name])
    present = list(present_variables(scenario))
    view = sup.view_variables(scenario)
    assert view == [v for v in present if v in view]
    monkeypatch.setattr(sup, "VIEW_VARIABLES", (*sup.VIEW_VARIABLES, *MARKET_VARIABLES))
    market = set(sup.view_variables(scenario)) & set(MARKET_VARIABLES)
    assert market == (set(MARKET_VARIABLES) if "data.market" in scenario.groups else set())
    if market:
        summarised = sup.simulate("", None, 1_000, 7, "view", scenario=scenario).summary()
        assert set(MARKET_VARIABLES) <= set(summarised["variables"])


@pytest.mark.parametrize("name", ["baseline.yaml", "synthetic-data.yaml", "scaling-2030.yaml"])
def test_page_charts_draw_what_the_altair_builders_draw(name):
    from scalesim.app import charts, sections, year_charts

    view = _view(name)
    pairs = [
        (charts.fan(view, history=charts.history_rows()), plots.fan_chart(view, history=True)),
        (charts.budget(view), plots.budget_chart(view)),
        (charts.data(view), plots.data_chart(view)),
        (year_charts.exhaustion(view), plots.exhaustion_chart(view)),
        (year_charts.binding(view), plots.binding_chart(view)),
    ]
    for fast, reference in pairs:
        assert _drawn(fast) == _drawn(sections.spec(reference))
        # Only the fields drawn travel: the datasets are smaller than Altair's.
        assert len(json.dumps(fast)) < len(json.dumps(sections.spec(reference)))


def test_compare_charts_draw_what_the_altair_builders_draw():
    from scalesim.app import charts, sections, year_charts

    views = {
        "a": _view("baseline.yaml"),
        "b": _view("synthetic-data.yaml"),
        "c": _view("spending-plateau.yaml"),
    }
    fan = charts.fan(views, height=sections.COMPARE_FAN_HEIGHT)
    assert _drawn(fan) == _drawn(
        sections.spec(plots.fan_chart(views, height=sections.COMPARE_FAN_HEIGHT))
    )
    exhaustion = year_charts.exhaustion(views)
    assert _drawn(exhaustion) == _drawn(sections.spec(plots.exhaustion_chart(views)))


def test_compared_scenarios_get_distinct_colours():
    """Every scenario the compare view overlays has a colour of its own, unlike the others."""
    from scalesim.app import sections
    from scalesim.present.palette import SCENARIO_COLORS

    assert len(SCENARIO_COLORS) >= sections.MAX_COMPARED
    assert len({c.lower() for c in SCENARIO_COLORS}) == len(SCENARIO_COLORS)
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", c) for c in SCENARIO_COLORS)


def test_page_chart_specs_stay_the_same_across_edits_but_their_data():
    """The browser swaps a chart's data in place when its spec is unchanged (no new view)."""
    from scalesim.app import charts

    history = charts.history_rows()
    a = _view("baseline.yaml", edits={"spending.growth": {"to": [2.0, 3.0]}})
    b = _view("baseline.yaml", edits={"spending.growth": {"to": [2.0, 3.05]}})
    for name in ("largest-run", "budget", "data", "binding"):
        one, two = (charts.page_chart(name, v, history) for v in (a, b))
        assert one["datasets"] != two["datasets"], name
        assert {k: v for k, v in one.items() if k != "datasets"} == {
            k: v for k, v in two.items() if k != "datasets"
        }, name


# --- compare ----------------------------------------------------------------------------------


def test_compare_overlays_up_to_three_scenarios():
    at = _app(samples=2_000)
    select = at.multiselect(key="compare")
    assert "baseline.yaml" not in select.options
    assert "original (unedited)" not in select.options
    select.set_value(["synthetic-data.yaml", "spending-plateau.yaml"]).run()
    _ok(at)
    charts = _charts(at)
    assert len(charts) == 7
    labels = {r["scenario"] for r in _rows(charts[5]) if "scenario" in r}
    assert labels == {
        BASE_NAME,
        "Baseline with synthetic data",
        scalesim.load_scenario(SHIPPED["spending-plateau.yaml"]).name,
    }
    table = _table(at, 0)
    assert list(table.columns) == list(labels) or set(table.columns) == labels
    assert "Largest run in 2030" in table.index
    # One cell: the figure in bold, then its interval after a Markdown line break.
    value, detail = table.loc["Largest run in 2030", BASE_NAME].split("  \n")
    assert value == f"**{_metrics(at)['Largest run in 2030']}**"
    assert detail.startswith("90% interval")
    # The assumption diff of the current scenario and each compared one (analysis.diff).
    synthetic = _table(at, 1)
    assert "synthetic.share_of_compute" in set(synthetic["parameter"])
    row = synthetic[synthetic["parameter"] == "synthetic.share_of_compute"].iloc[0]
    share = scalesim.load_scenario(SHIPPED["synthetic-data.yaml"]).priors[
        "synthetic.share_of_compute"
    ]
    assert row[BASE_NAME] == "0"
    assert row["Baseline with synthetic data"].startswith(fmt_text.number(share.ppf(0.5)))


def test_compare_edited_against_its_original():
    at = _app(samples=2_000)
    at.slider(key="edit:spending.growth").set_value((2.2, 3.2)).run()
    select = at.multiselect(key="compare")
    assert select.options[0] == "original (unedited)"
    select.set_value(["original (unedited)"]).run()
    _ok(at)
    labels = {r["scenario"] for r in _rows(_charts(at)[5]) if "scenario" in r}
    assert labels == {
        f"{BASE_NAME} (edited)",
        f"{BASE_NAME} (original)",
    }


# --- downloads --------------------------------------------------------------------------------


def test_download_buttons_and_their_payloads(tmp_path):
    at = _app(samples=2_000)
    labels = [b.label for b in at.get("download_button") if b.label not in ("SVG", "PNG")]
    charts = [b.label for b in at.get("download_button") if b.label in ("SVG", "PNG")]
    assert charts == ["SVG", "PNG"] * 5  # each of the five charts as SVG and PNG
    assert labels == [
        "Summary (CSV)",
        "Summary (JSON)",
        "Per-sample table (Parquet)",
        "Scenario (YAML)",
    ]
    assert not any(b.proto.disabled for b in at.get("download_button"))
    at.select_slider(key="samples").set_value(100_000).run()
    parquet = at.get("download_button")[10 + 2]
    assert parquet.proto.disabled


def test_downloaded_yaml_reproduces_the_summary_headless(tmp_path):
    base = scen.load_file(SHIPPED["synthetic-data.yaml"])
    edits = {"spending.growth": {"to": [2.2, 3.1]}, "training.tokens_per_parameter": 40.0}
    scenario = edit.edited_scenario(base, edits, 5_000, 11)
    text = scenario.to_yaml()
    view = sup.simulate(text, scenario.path, 5_000, 11)
    # The app runs the scenario object it wrote the text from: the same numbers.
    direct = sup.simulate(text, scenario.path, 5_000, 11, scenario=scenario)
    assert json.dumps(direct.summary()) == json.dumps(view.summary())
    path = tmp_path / "edited.yaml"
    path.write_text(text)
    out = tmp_path / "cli.json"
    cli = subprocess.run(
        [
            sys.executable,
            "-m",
            "scalesim.cli",
            "run",
            str(path),
            "--quiet",
            "--summary-json",
            str(out),
        ],
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 0, cli.stderr
    cli_summary = json.loads(out.read_text())
    app_summary = json.loads(sup.summary_json(view))
    assert_same_summary(app_summary, cli_summary)
    assert cli_summary["scenario"]["sha256"] == app_summary["scenario"]["sha256"]


def assert_same_summary(app: dict, cli: dict) -> None:
    """Everything but the scenario's path; the app summarises every variable, the CLI the
    headline ones, so the CLI's variables are compared."""
    for key in (
        "samples",
        "seed",
        "years",
        "quantile_method",
        "data_exhaustion_year",
        "binding_constraint_share",
        "scalesim_version",
    ):
        assert app[key] == cli[key], key
    assert app["scenario"]["name"] == cli["scenario"]["name"]
    for name, q in cli["variables"].items():
        assert app["variables"][name] == q, name


def test_summary_csv_and_parquet_payloads():
    base = scen.load_file(SHIPPED["baseline.yaml"])
    scenario = edit.edited_scenario(base, {}, 1_000, 2)
    text = scenario.to_yaml()
    view = sup.simulate(text, scenario.path, 1_000, 2)
    frame = pd.read_csv(io.StringIO(view.summary_csv))
    assert {"variable", "unit", "year", "p5", "p50", "p95", "mean"} <= set(frame.columns)
    row = frame[(frame.variable == "largest_run_flop") & (frame.year == 2030)].iloc[0]
    i = view.years.index(2030)
    assert row["p50"] == pytest.approx(view.quantiles("largest_run_flop")["p50"][i], rel=1e-12)
    data = sup.per_sample_parquet(text, scenario.path, 1_000, 2)
    table = pd.read_parquet(io.BytesIO(data))
    assert len(table) == 1_000 * len(view.years)
    assert {
        "sample",
        "year",
        "largest_run_flop",
        "binding_constraint",
        "data_exhaustion_year",
    } <= set(table.columns)
    direct = scalesim.run(scenario, samples=1_000, seed=2, keep="all")
    pd.testing.assert_frame_equal(table, direct.to_frame())
    assert sup.download_name(scenario, ".yaml") == "baseline.yaml"
    edited = edit.edited_scenario(base, {"spending.growth": 3.0}, 1_000, 2)
    assert sup.download_name(edited, "-summary.csv") == "baseline-edited-summary.csv"


# --- method page ------------------------------------------------------------------------------


def test_method_page_shows_equations_parameter_table_and_limitations():
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/method.py").run()
    _ok(at)
    assert _title(at) == "Method"
    headers = [h.value for h in at.header]
    equations, _ = app_method.method_texts()
    # The text calls the parameter table "above" (or not): the page puts it there.
    expected = ["Equations", "Parameters"]
    if "table above" in equations:
        expected.reverse()
    assert headers == [*expected, "Limitations"]
    text = "\n".join(m.value for m in at.markdown)
    assert "binding_constraint" in text
    assert "Quantiles come from log-binned histograms" in text
    assert any("\\mathrm{spend}(t)" in e.value for e in at.latex)
    # Complete and full width: a static table of every parameter, no scroll box.
    assert not at.dataframe
    table = _table(at, 0)
    pd.testing.assert_frame_equal(table.reset_index(drop=True), parameter_frame())
    # Shown as written, not as Markdown: a domain "> 0" is no quote.
    assert (at.table[0].value["domain"] == "\\> 0").any()
    assert len(table) == len(parameter_frame()) > 40


#: A LaTeX command (``\frac``, ``\mathrm``) or a display-math delimiter.
_LATEX = re.compile(r"\\[A-Za-z]+|\$\$|\\\[|\\\]")


def _display_equations(page: Path) -> list[str]:
    """The display equations of a method page before its first ``##`` heading: each a block
    that starts and ends with a line ``$$`` (read here without scalesim.app.markdown)."""
    text = page.read_text(encoding="utf-8").split("\n## ", 1)[0]
    blocks = re.findall(r"^\$\$\n(.*?)\n\$\$$", text, flags=re.M | re.S)
    assert text.count("$$") == 2 * len(blocks), "a $$ that is not a block of its own lines"
    return [b.strip() for b in blocks]


def test_method_page_typesets_every_equation_of_the_docs_with_st_latex():
    expected = _display_equations(app_method.METHOD_PAGE)
    assert len(expected) >= 15
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/method.py").run()
    _ok(at)
    assert [e.value.strip("$\n") for e in at.latex] == expected
    # No LaTeX left in the prose: outside inline $...$ (typeset by Streamlit's Markdown), no
    # command, no $$ and no \[ \].
    for m in at.markdown:
        prose = re.sub(r"(?<!\$)\$[^$\n]+\$(?!\$)", "", m.value)
        assert not _LATEX.search(prose), m.value


def test_method_page_typesets_display_math_with_st_latex(monkeypatch):
    text = "Spending grows:\n\n$$S(t) = S_0 \\, g^{t - t_0}$$\n\nwhere $g$ is a multiplier."
    monkeypatch.setattr(app_method, "method_texts", lambda: (text, "one run per year."))
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    at.switch_page("pages/method.py").run()
    _ok(at)
    assert [e.value.strip("$\n") for e in at.latex] == ["S(t) = S_0 \\, g^{t - t_0}"]
    shown = [m.value for m in at.markdown]
    assert "Spending grows:" in shown and "where $g$ is a multiplier." in shown
    assert not any("$$" in m for m in shown)


def test_method_texts_split_equations_and_limitations(tmp_path):
    readme = tmp_path / "README.md"
    readme.write_text(
        "# x\n\n## Method (model v1)\n\nEquation a = b.\n\n"
        "Limitations: one run per year.\n\n## Performance\n\nfast\n"
    )
    equations, limitations = app_method.method_texts(readme)
    assert equations == "Equation a = b."
    assert limitations == "one run per year."
    assert app_method.method_texts(tmp_path / "missing.md") == ("", "")
