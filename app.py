"""scalesim web app: ``make app`` (or ``streamlit run app.py``), then http://localhost:8501.

Thin on purpose: widgets -> scalesim API (scalesim.app.support) -> charts (scalesim.present.plots).
No model code lives here. Two pages: the projection (this file) and the method
(pages/method.py).
"""

from __future__ import annotations

import functools

import streamlit as st

import scalesim
from scalesim import InputError, Scenario
from scalesim.app import editors as edit
from scalesim.app import support as sup
from scalesim.present import plots
from scalesim.present import text as fmt_text

#: Scenarios the compare view overlays at most, the current one included.
MAX_COMPARED = 3
#: Compare option and label of the unedited scenario.
ORIGINAL, ORIGINAL_LABEL = "original (unedited)", "{name} (original)"


@st.cache_data(max_entries=64, show_spinner="Running the Monte Carlo projection…")
def simulate(yaml_text: str, path: str | None, samples: int, seed: int) -> sup.RunView:
    """Cached by scenario content, path, samples and seed."""
    return sup.simulate(yaml_text, path, samples, seed)


@st.cache_data(max_entries=16, show_spinner=False)
def shipped_titles() -> dict[str, str]:
    """``file name -> "file — scenario name"`` for the scenario picker."""
    return {name: sup.scenario_title(path) for name, path in sup.shipped_scenarios().items()}


@st.cache_resource(show_spinner=False)
def history():
    """The shipped frontier training runs, as points for the fan chart."""
    return plots.history_frame()


def _reset_edits() -> None:
    """Forget the picked scenario, so that the next run reloads its values."""
    st.session_state.pop("_base_token", None)


def sidebar(shipped: dict) -> tuple[Scenario, list[edit.Editor], str | None]:
    """Scenario choice, run settings and assumption editors; returns the base scenario, its
    editors and the upload error (if any)."""
    titles = shipped_titles()
    st.sidebar.header("Scenario")
    name = st.sidebar.selectbox(
        "Scenario", list(shipped), key="scenario", format_func=lambda n: titles.get(n, n)
    )
    upload = st.sidebar.file_uploader(
        f"…or upload a scenario YAML (at most {fmt_text.quantity(sup.MAX_UPLOAD_BYTES / 1024, 'KB')})",
        type=["yaml", "yml"],
        key="upload",
        help="`extends:` in an upload is resolved against the shipped scenarios folder.",
    )
    base, error = sup.load_file(shipped[name]), None
    if upload is not None:
        try:
            base = sup.read_upload(upload.name, upload.getvalue())
            st.sidebar.caption(f"Using the uploaded file {upload.name}.")
        except InputError as exc:
            error = str(exc)
            st.sidebar.error(error)
    editors = edit.editors(base)
    token = f"{base.path}:{base.sha256}"
    if st.session_state.get("_base_token") != token:
        for key in [k for k in st.session_state if str(k).startswith(edit.EDIT_PREFIX)]:
            del st.session_state[key]
        st.session_state.update(edit.initial_state(base))
        st.session_state["_base_token"] = token

    st.sidebar.header("Run")
    st.sidebar.select_slider(
        "Samples", options=sup.SAMPLE_OPTIONS, key="samples", format_func=fmt_text.count
    )
    st.sidebar.number_input("Seed", min_value=0, step=1, key="seed")

    st.sidebar.header("Key assumptions")
    st.sidebar.caption(
        "Edit the 90% interval of an uncertain assumption (its median follows), "
        "or a fixed value. Units are shown in brackets."
    )
    for title, group in edit.grouped(editors):
        with st.sidebar.expander(title, expanded=title in ("Spending", "Data")):
            for ed in group:
                _editor(ed)
    st.sidebar.button("Reset edits", on_click=_reset_edits, key="reset")
    return base, editors, error


def _editor(ed: edit.Editor) -> None:
    """The widget(s) of one assumption, and the median of what they describe."""
    d = ed.display
    label = f"{ed.label} [{ed.unit}]" if ed.unit else ed.label
    help_text = f"`parameters.{ed.path}` — as written: {ed.describe}" + (
        "" if ed.explicit else " (default)"
    )
    w = ed.widget
    if w in ("range", "slider"):
        lo, hi = ed.bounds
        st.slider(
            label + (" — 90% interval" if w == "range" else ""),
            min_value=float(lo),
            max_value=float(hi),
            step=d.step,
            format=d.fmt,
            key=ed.key,
            help=help_text,
        )
    elif w == "interval":
        st.markdown(f"**{label}** — 90% interval", help=help_text)
        left, right = st.columns(2)
        left.number_input("5%", key=ed.key + ":lo", format=d.fmt, step=ed.step)
        right.number_input("95%", key=ed.key + ":hi", format=d.fmt, step=ed.step)
    else:
        st.number_input(label, key=ed.key, format=d.fmt, step=ed.step, help=help_text)
    if ed.interval:
        st.caption(ed.median_text(ed.read(st.session_state)))


def projection() -> None:
    """The projection page: headline figures, charts, compare, downloads."""
    shipped = sup.shipped_scenarios()
    base, editors, upload_error = sidebar(shipped)
    samples, seed = int(st.session_state["samples"]), int(st.session_state["seed"])
    if upload_error:
        st.error(upload_error)
        st.caption(f"Showing {base.name} instead.")
    edits = edit.overrides(editors, st.session_state)
    try:
        scenario = edit.edited_scenario(base, edits, samples, seed)
    except InputError as exc:
        st.error(str(exc))
        st.stop()
    text = scenario.to_yaml()
    view = simulate(text, scenario.path, samples, seed)

    st.title(scenario.name)
    if scenario.description:
        st.caption(scenario.description)
    constraints = fmt_text.constraint_order(view.constraints)
    st.caption(
        f"{fmt_text.count(samples)} samples · seed {seed} · {view.years[0]}–{view.years[-1]} · "
        f"constraints: {', '.join(map(fmt_text.constraint_label, constraints))}"
    )
    for col, (label, value, detail) in zip(st.columns(4), sup.headline_texts(view), strict=True):
        col.metric(label, value)
        col.caption(detail)

    st.altair_chart(plots.fan_chart(view, history=history()), width="stretch")
    left, right = st.columns(2)
    left.altair_chart(plots.budget_chart(view), width="stretch")
    right.altair_chart(plots.data_chart(view), width="stretch")
    left, right = st.columns(2)
    left.altair_chart(plots.exhaustion_chart(view), width="stretch")
    right.altair_chart(plots.binding_chart(view), width="stretch")

    compare(scenario, base, shipped, samples, seed, view, edited=bool(edits))
    downloads(scenario, text, view, samples, seed)
    # Last element of the page: when it shows the new hash, the whole page has been sent.
    st.caption(
        f"scalesim {scalesim.__version__} · scenario sha256 {scenario.sha256[:16]} · "
        f"{fmt_text.count(samples)} samples · seed {seed}",
        help="Hash of the resolved scenario as run here (the YAML download has the same).",
    )


def compare(scenario, base, shipped, samples, seed, view, *, edited: bool) -> None:
    """Overlay up to two more scenarios (or the unedited original) on the fan chart."""
    st.header("Compare")
    options = ([ORIGINAL] if edited else []) + [n for n in shipped if n != sup.file_name(base)]
    picked = st.multiselect(
        f"Overlay up to {MAX_COMPARED - 1} more scenarios",
        options,
        key="compare",
        max_selections=MAX_COMPARED - 1,
    )
    if not picked:
        st.caption("Pick scenarios to overlay their fan charts and compare headline figures.")
        return
    views = {scenario.name: view}
    for name in picked:
        other = base if name == ORIGINAL else sup.load_file(shipped[name])
        other = sup.with_run_settings(other, samples, seed)
        label = ORIGINAL_LABEL.format(name=other.name) if name == ORIGINAL else other.name
        views[label] = simulate(other.to_yaml(), other.path, samples, seed)
    st.altair_chart(plots.fan_chart(views), width="stretch")
    st.altair_chart(plots.exhaustion_chart(views), width="stretch")
    st.dataframe(sup.compare_frame(views), width="stretch")


def downloads(scenario, text, view, samples, seed) -> None:
    """Summary CSV and JSON, per-sample Parquet (generated on click), the scenario as YAML."""
    st.header("Downloads")
    cols = st.columns(4)
    cols[0].download_button(
        "Summary (CSV)",
        view.summary_csv,
        key="dl_csv",
        file_name=sup.download_name(scenario, "-summary.csv"),
        mime="text/csv",
        on_click="ignore",
    )
    cols[1].download_button(
        "Summary (JSON)",
        sup.summary_json(view),
        key="dl_json",
        file_name=sup.download_name(scenario, "-summary.json"),
        mime="application/json",
        on_click="ignore",
    )
    too_many = samples > sup.MAX_PARQUET_SAMPLES
    cols[2].download_button(
        "Per-sample table (Parquet)",
        key="dl_parquet",
        data=functools.partial(sup.per_sample_parquet, text, scenario.path, samples, seed),
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


st.set_page_config(page_title="scalesim", layout="wide")
st.navigation(
    [
        st.Page(projection, title="Projection", url_path="projection", default=True),
        st.Page("pages/method.py", title="Method", url_path="method"),
    ]
).run()
