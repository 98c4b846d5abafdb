"""scalesim web app: ``make app`` (or ``streamlit run app.py``), then http://localhost:8501.

Thin on purpose: widgets -> scalesim API (scalesim.app) -> charts (scalesim.app.charts, the
Vega-Lite specs of scalesim.present.plots built as plain dicts). No model code lives here.
Pages: the projection (this file) and every script in pages/ (the method page first). Widget
values survive a visit to another page (scalesim.app.state) and travel in the URL, so a link
opens the same view.

Speed: a run is cached by the resolved scenario's YAML (edits, samples and seed written in),
so an edit runs once and a value seen before is instant; the page's charts are built in
milliseconds from the run's summary and keep their specs across edits (the browser swaps the
data); the fan chart is drawn before the others are built; compare, downloads and the link
rerun on their own (a fragment). ``python -m scalesim.app.launch`` starts the server with the
heavy imports already made.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

#: Pages after the projection, in this order; any other script in pages/ follows.
PAGE_ORDER = ("method.py", "explain.py")


@st.cache_resource(max_entries=64, show_spinner="Running the Monte Carlo projection…")
def simulate(yaml_text: str, path: str | None, samples: int, seed: int, _scenario=None):
    """A run's view, cached by scenario content, path, samples and seed (``_scenario``, the
    scenario the text was written from, is not part of the key). Shared, never modified."""
    from scalesim.app import support as sup

    return sup.simulate(yaml_text, path, samples, seed, summarize="view", scenario=_scenario)


@st.cache_data(max_entries=64, show_spinner=False)
def paradigm_specs(yaml_text: str, path: str | None, samples: int, seed: int) -> dict[str, dict]:
    """The milestone and compute-split charts of a run (Altair, only for scenarios that have
    them), cached like the run itself."""
    from scalesim.app import sections
    from scalesim.present import plots

    view = simulate(yaml_text, path, samples, seed)
    charts = {}
    if plots.milestones_of(view):
        charts["milestones"] = plots.milestone_chart(view)
    if plots.has_split(view):
        charts["compute-split"] = plots.compute_split_chart(view)
        if "capability_equivalent_flop" in view.summary()["variables"]:
            charts["capability-equivalent"] = plots.fan_chart(view, "capability_equivalent_flop")
    return {name: sections.spec(chart) for name, chart in charts.items()}


def projection() -> None:
    """The projection page: headline figures, charts, milestones, compare, downloads, link."""
    import scalesim
    from scalesim import InputError
    from scalesim.app import charts, sections, year_charts
    from scalesim.app import editors as edit
    from scalesim.app import scenarios as scen
    from scalesim.app import state as app_state
    from scalesim.app import support as sup
    from scalesim.app.safe import plain, plain_line
    from scalesim.app.sidebar import sidebar
    from scalesim.present import text as fmt_text

    shipped = scen.shipped_scenarios()
    choice = sidebar(shipped)
    base, editors = choice.base, choice.editors
    ss = st.session_state
    samples, seed = int(ss["samples"]), int(ss["seed"])
    # One slot for notices, always there: a notice that comes or goes does not move the
    # elements below it, which the browser would otherwise draw again from scratch (every chart).
    notices = st.container()
    if choice.upload_error:
        notices.caption(f"The upload was refused (see the sidebar); showing {plain(base.name)}.")
    if choice.link_ignored:
        notices.caption(
            "Left out of the link (not understood here): " + plain(", ".join(choice.link_ignored))
        )
    edits = edit.overrides(editors, ss)
    try:
        scenario = edit.edited_scenario(base, edits, samples, seed)
    except InputError as exc:
        st.error(plain_line(str(exc)))
        app_state.keep(ss)
        st.stop()
    text = scenario.to_yaml()
    view = simulate(text, scenario.path, samples, seed, _scenario=scenario)
    stem = Path(sup.download_name(scenario, "")).name

    st.title(plain_line(scenario.name))
    if scenario.description:
        st.caption(plain(scenario.description))
    constraints = fmt_text.constraint_order(view.constraints)
    st.caption(
        f"{fmt_text.count(samples)} samples · seed {seed} · {view.years[0]}–{view.years[-1]} · "
        f"constraints: {', '.join(map(fmt_text.constraint_label, constraints))}"
    )
    for col, (label, value, detail) in zip(st.columns(4), sup.headline_texts(view), strict=True):
        col.metric(label, value)
        col.caption(detail)

    # Each chart is sent as soon as it is built: the fan chart shows first.
    sections.chart(st, charts.fan(view, history=charts.history_rows()), "largest-run", stem)
    left, right = st.columns(2)
    sections.chart(left, charts.budget(view), "budget", stem)
    sections.chart(right, charts.data(view), "data", stem)
    left, right = st.columns(2)
    sections.chart(left, year_charts.exhaustion(view), "exhaustion", stem)
    sections.chart(right, year_charts.binding(view), "binding", stem)
    if sections.has_paradigm_charts(view):
        specs = paradigm_specs(text, scenario.path, samples, seed)
        sections.milestones(view, specs, stem)
        sections.paradigms(specs, stem)

    tail(scenario, base, shipped, samples, seed, view, text, choice, editors, bool(edits))
    # Last element of the page: when it shows the new hash, the whole page has been sent.
    st.caption(
        f"scalesim {scalesim.__version__} · scenario sha256 {scenario.sha256[:16]} · "
        f"{fmt_text.count(samples)} samples · seed {seed}",
        help="Hash of the resolved scenario as run here (the YAML download has the same).",
    )


@st.fragment
def tail(scenario, base, shipped, samples, seed, view, text, choice, editors, edited) -> None:
    """Compare, downloads and the link: picking scenarios to compare reruns only this part."""
    from scalesim.app import editors as edit
    from scalesim.app import sections
    from scalesim.app import state as app_state

    ss = st.session_state
    sections.compare(scenario, base, shipped, samples, seed, view, simulate, edited=edited)
    sections.downloads(scenario, text, view, samples, seed)
    compared = [
        app_state.QUERY_ORIGINAL if n == sections.ORIGINAL else n for n in ss.get("compare", [])
    ]
    query = app_state.to_query(
        choice.shipped_name, samples, seed, compared, edit.edited_values(editors, ss)
    )
    sections.link(query, upload=choice.shipped_name is None)
    app_state.keep(ss)
    if st.query_params.to_dict() != query:
        st.query_params.from_dict(query)


def pages() -> list:
    """The projection, then every script of pages/ (:data:`PAGE_ORDER` first)."""
    folder = Path(__file__).resolve().parent / "pages"
    scripts = sorted(folder.glob("*.py"), key=lambda p: (p.name not in PAGE_ORDER, p.name))
    scripts.sort(key=lambda p: PAGE_ORDER.index(p.name) if p.name in PAGE_ORDER else 99)
    out = [st.Page(projection, title="Projection", url_path="projection", default=True)]
    for script in scripts:
        if not script.name.startswith("_"):
            title = script.stem.replace("_", " ").capitalize()
            out.append(st.Page(f"pages/{script.name}", title=title, url_path=script.stem))
    return out


st.set_page_config(page_title="scalesim", layout="wide")
st.navigation(pages()).run()
