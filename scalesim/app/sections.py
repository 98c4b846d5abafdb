"""Sections of the projection page (Streamlit): charts with their SVG/PNG downloads,
milestones, the compute split, compare with the assumption diff, downloads and the link.

Used by app.py only. Numbers are written by :mod:`scalesim.present.text`, the page's charts
built by :mod:`scalesim.app.charts` and :mod:`scalesim.app.year_charts` (the milestone and compute-split charts by
:mod:`scalesim.present.plots`, imported only for scenarios that have them); user-supplied
text goes through :func:`scalesim.app.safe.plain` wherever Streamlit would read Markdown.
"""

from __future__ import annotations

import functools
import importlib.util
import re
from urllib.parse import urlencode

import pandas as pd
import streamlit as st

from scalesim.app import charts, year_charts
from scalesim.app import scenarios as scen
from scalesim.app import support as sup
from scalesim.app.safe import plain, plain_frame
from scalesim.present import text as fmt_text

#: Scenarios the compare view overlays at most, the current one included.
MAX_COMPARED = 3
#: Compare option and label of the unedited scenario.
ORIGINAL, ORIGINAL_LABEL = "original (unedited)", "{name} (original)"
#: Whether charts can be exported (vl-convert-python, the ``report`` extra).
CAN_EXPORT = importlib.util.find_spec("vl_convert") is not None
#: Height of the compare view's fan chart [px]: the plot, its axes and the legend below.
COMPARE_FAN_HEIGHT = 460


def spec(chart) -> dict:
    """The Vega-Lite spec of an Altair chart, its data inline, without Altair's schema check
    (the builders are tested) and without the default theme's fixed view size."""
    out = chart.to_dict(validate=False)
    config = out.get("config")
    if isinstance(config, dict):
        config.pop("view", None)
        if not config:
            out.pop("config")
    return out


def has_paradigm_charts(view) -> bool:
    """Whether a run may have milestone or compute-split charts (a cheap superset of what
    :func:`scalesim.present.plots.milestones_of` and ``has_split`` say)."""
    summary = view.summary()
    present = summary["variables"]
    return (
        bool(summary.get("milestones"))
        or "rl_flop" in present
        or {"budget_flop", "training_flop"} <= set(present)
    )


def _chart_file(chart_spec: dict, fmt: str) -> bytes:
    from scalesim.present import plots

    return plots.chart_bytes(chart_spec, fmt)


def _arrow(rows):
    """A chart dataset as an Arrow table (what Streamlit sends; no pandas on the way)."""
    import pyarrow as pa

    if not isinstance(rows, list) or not rows:
        return rows
    return pa.table({k: [r.get(k) for r in rows] for k in rows[0]})


def chart(where, chart, name: str, stem: str) -> None:
    """Draw ``chart`` (a Vega-Lite spec, or an Altair chart) in ``where``, with buttons that
    download it as SVG and PNG (rendered when clicked)."""
    chart = chart if isinstance(chart, dict) else spec(chart)
    shown = dict(chart)
    if isinstance(chart.get("datasets"), dict):
        shown["datasets"] = {k: _arrow(v) for k, v in chart["datasets"].items()}
    where.vega_lite_chart(shown, width="stretch")
    row = where.container(horizontal=True, gap="small")
    for fmt in ("svg", "png"):
        row.download_button(
            fmt.upper(),
            data=functools.partial(_chart_file, chart, fmt),
            file_name=f"{stem}-{name}.{fmt}",
            mime="image/svg+xml" if fmt == "svg" else "image/png",
            key=f"dl_{name}_{fmt}",
            on_click="ignore",
            type="tertiary",
            icon=":material/download:",
            disabled=not CAN_EXPORT,
            help=f"this chart as {fmt.upper()}"
            if CAN_EXPORT
            else "needs vl-convert-python (pip install 'scalesim[report]')",
        )


def milestones(view, specs: dict, stem: str) -> None:
    """P(reached by year) and the arrival years, when the scenario has milestones."""
    if "milestones" not in specs:
        return
    st.header("Milestones")
    descriptions = [m for m in view.scenario.milestones if m.description]
    for m in descriptions:
        st.caption(plain(f"{m.name.replace('_', ' ')}: {m.description}"))
    from scalesim.present import plots

    chart(st, specs["milestones"], "milestones", stem)
    st.table(plain_frame(plots.milestone_frame(view)), hide_index=True)
    st.caption(
        "Arrival year: the fractional year the requirement is first reached (10%, median and "
        "90% of samples); never: share of samples not reaching it by the last year; dropped: "
        "samples that had reached it before the year the milestone is conditioned on."
    )


def paradigms(specs: dict, stem: str) -> None:
    """The compute split over time, when part of the budget goes to RL or synthetic data."""
    if "compute-split" not in specs:
        return
    st.header("Compute split")
    left, right = st.columns(2)
    chart(left, specs["compute-split"], "compute-split", stem)
    if "capability-equivalent" in specs:
        chart(right, specs["capability-equivalent"], "capability-equivalent", stem)


def compare(scenario, base, shipped, samples: int, seed: int, view, simulate, *, edited: bool):
    """Overlay up to two more scenarios (or the unedited original) and diff their assumptions."""
    from scalesim.analysis import diff
    from scalesim.app.sidebar import load_shipped

    st.header("Compare")
    options = ([ORIGINAL] if edited else []) + [n for n in shipped if n != scen.file_name(base)]
    ss = st.session_state
    pending = ss.pop("_link_compare", None)
    if pending is not None:
        ss["compare"] = [ORIGINAL if n == "original" else n for n in pending]
    if "compare" in ss:
        ss["compare"] = [n for n in ss["compare"] if n in options][: MAX_COMPARED - 1]
    picked = st.multiselect(
        f"Overlay up to {MAX_COMPARED - 1} more scenarios",
        options,
        key="compare",
        max_selections=MAX_COMPARED - 1,
    )
    if not picked:
        st.caption("Pick scenarios to overlay their fan charts and compare headline figures.")
        return
    views, scenarios = {scenario.name: view}, {scenario.name: scenario}
    for name in picked:
        other = base if name == ORIGINAL else load_shipped(str(shipped[name]))
        other = scen.with_run_settings(other, samples, seed)
        label = ORIGINAL_LABEL.format(name=other.name) if name == ORIGINAL else other.name
        views[label] = simulate(other.to_yaml(), other.path, samples, seed)
        scenarios[label] = other
    stem = sup.download_name(scenario, "-compare")
    chart(st, charts.fan(views, height=COMPARE_FAN_HEIGHT), "compare-fan", stem)
    chart(st, year_charts.exhaustion(views, height=360), "compare-exhaustion", stem)
    st.table(compare_table(views))
    st.subheader("Assumptions that differ")
    labels = list(scenarios)
    for label in labels[1:]:
        rows = diff.assumptions(scenarios[labels[0]], scenarios[label], only_differences=True)
        st.markdown(plain(f"{labels[0]}  →  {label}"))
        if not rows:
            st.caption("No assumption differs.")
            continue
        st.table(plain_frame(diff_frame(rows, labels[0], label)), hide_index=True)


def compare_table(views: dict) -> pd.DataFrame:
    """:func:`scalesim.app.support.compare_frame` for ``st.table``: escaped, each figure in
    bold with its interval on a line of its own (a Markdown line break, not a newline that
    the table would fold into a space)."""
    frame = plain_frame(sup.compare_frame(views))

    def cell(text: str) -> str:
        value, _, detail = text.partition("\n")
        return f"**{value}**  \n{detail}" if detail else f"**{value}**"

    return frame.map(cell)


def _side_text(side, unit: str) -> str:
    if side is None:
        return "not set"
    if side.p5 == side.p95:
        return fmt_text.quantity(side.p50, unit)
    return fmt_text.median_interval(side.p50, side.p5, side.p95, unit)


def diff_frame(rows, a: str, b: str) -> pd.DataFrame:
    """The rows of :func:`scalesim.analysis.diff.assumptions` as text: key, each side's median
    and 90% interval, and each side's source."""
    out = []
    for row in rows:
        unit = "" if row.unit == "dimensionless" else row.unit
        out.append(
            {
                "parameter": row.key,
                a: _side_text(row.a, unit),
                b: _side_text(row.b, unit),
                f"source ({a})": row.a.source if row.a else "",
                f"source ({b})": row.b.source if row.b else "",
            }
        )
    return pd.DataFrame(out)


def downloads(scenario, text: str, view, samples: int, seed: int) -> None:
    """Summary CSV and JSON (every variable, computed when clicked), per-sample Parquet
    (generated on click), the scenario as YAML."""
    st.header("Downloads")
    cols = st.columns(4)
    args = (text, scenario.path, samples, seed)
    cols[0].download_button(
        "Summary (CSV)",
        functools.partial(_full_summary, *args, "csv"),
        key="dl_csv",
        file_name=sup.download_name(scenario, "-summary.csv"),
        mime="text/csv",
        on_click="ignore",
        help="every variable's quantiles and mean per year",
    )
    cols[1].download_button(
        "Summary (JSON)",
        functools.partial(_full_summary, *args, "json"),
        key="dl_json",
        file_name=sup.download_name(scenario, "-summary.json"),
        mime="application/json",
        on_click="ignore",
        help="what `scalesim run --summary-json` writes, every variable summarised",
    )
    too_many = samples > sup.MAX_PARQUET_SAMPLES
    cols[2].download_button(
        "Per-sample table (Parquet)",
        key="dl_parquet",
        data=functools.partial(sup.per_sample_parquet, *args),
        file_name=sup.download_name(scenario, "-samples.parquet"),
        mime="application/vnd.apache.parquet",
        on_click="ignore",
        disabled=too_many,
        help=(
            f"at most {fmt_text.count(sup.MAX_PARQUET_SAMPLES)} samples; "
            "use `scalesim run --out` for more"
            if too_many
            else "one row per (sample, year); generated when clicked"
        ),
    )
    cols[3].download_button(
        "Scenario (YAML)",
        text,
        key="dl_yaml",
        file_name=sup.download_name(scenario, ".yaml"),
        mime="application/x-yaml",
        on_click="ignore",
        help="The scenario as run here, samples and seed included: "
        "`scalesim run FILE` reproduces these numbers.",
    )


@st.cache_data(max_entries=16, show_spinner=False)
def _full_summary(yaml_text: str, path, samples: int, seed: int, fmt: str) -> str:
    full = sup.simulate(yaml_text, path, samples, seed, summarize="all")
    return full.summary_csv if fmt == "csv" else sup.summary_json(full)


def link(query: dict[str, str], *, upload: bool) -> None:
    """The link to this view (scenario, samples, seed, edits, compare).

    Shown as Markdown code, not ``st.code``: the code box's syntax highlighter is a 1.5 MB
    script that the browser would load and run before the page settles (seconds of a 2-core
    machine's first render)."""
    st.header("Share")
    page = re.sub(r"[?#].*$", "", str(st.context.url or ""))
    url = f"{page}?{urlencode(query)}".replace("`", "%60")
    st.caption(
        "This link opens the same scenario, edits and run settings; the address bar holds it "
        "too."
        + (" An uploaded scenario cannot travel in a link: upload the YAML too." if upload else "")
    )
    st.markdown(f"`{url}`")
