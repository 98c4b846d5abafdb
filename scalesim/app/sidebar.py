"""The projection page's sidebar (Streamlit): scenario choice, upload, run settings and the
assumption editors, with their state kept across pages and read from a shared link.

Used by app.py only; the logic it relies on is Streamlit-free and tested on its own
(:mod:`scalesim.app.state`, :mod:`scalesim.app.editors`, :mod:`scalesim.app.scenarios`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import streamlit as st

from scalesim.app import editors as edit
from scalesim.app import scenarios as scen
from scalesim.app import state as app_state
from scalesim.app import uploads
from scalesim.app.safe import plain, plain_line
from scalesim.errors import InputError
from scalesim.present import text as fmt_text
from scalesim.scenario.loader import Scenario

#: Session-state keys: the kept upload ``(name, bytes)``, the scenario the editors show,
#: and whether this session has read its link yet.
UPLOAD, TOKEN, LINK_READ = "_upload", "_base_token", "_link_read"


@dataclass
class Choice:
    """What the sidebar chose: the base scenario, its editors, where it came from."""

    base: Scenario
    editors: list[edit.Editor]
    shipped_name: str | None  # None for an upload
    upload_error: str | None = None
    link_ignored: list[str] = field(default_factory=list)


@st.cache_resource(max_entries=64, show_spinner=False)
def load_shipped(path: str) -> Scenario:
    """A shipped scenario file, cached by path (shared, never modified: scenarios are
    immutable)."""
    return scen.load_file(path)


def shipped_name(path: str) -> str:
    """The scenario name of a shipped file (``''`` when it does not load)."""
    try:
        return load_shipped(path).name
    except InputError:
        return ""


@st.cache_resource(max_entries=64, show_spinner=False)
def scenario_editors(token: str, _base: Scenario) -> list[edit.Editor]:
    """The editors of a scenario, cached by ``token`` (its path and SHA-256)."""
    return edit.editors(_base)


def read_upload(name: str, data: bytes) -> tuple[Scenario | None, str | None]:
    """An upload parsed in a reader process (:mod:`scalesim.app.uploads`);
    ``(scenario, None)`` or ``(None, one-line error)``. The outcome is kept per content,
    unless no reader could be had (then the next run tries again)."""
    try:
        return _read_upload(name, data)
    except uploads.ReaderUnavailable as exc:
        return None, str(exc)


@st.cache_data(max_entries=16, show_spinner="Reading the uploaded file…")
def _read_upload(name: str, data: bytes) -> tuple[Scenario | None, str | None]:
    try:
        return uploads.read_upload(name, data), None
    except uploads.ReaderUnavailable:
        raise  # not kept: it says nothing about the file
    except InputError as exc:
        return None, str(exc)


def _on_upload() -> None:
    """Keep the uploaded file in the session (the uploader forgets it on another page)."""
    f = st.session_state.get("upload")
    st.session_state[UPLOAD] = None if f is None else (f.name, f.getvalue())


def _forget_upload() -> None:
    st.session_state[UPLOAD] = None


def reset_edits() -> None:
    """Forget the picked scenario, so that the next run reloads its values."""
    st.session_state.pop(TOKEN, None)


def _link() -> app_state.Link | None:
    """The link this session was opened with, read on its first run only."""
    if st.session_state.get(LINK_READ):
        return None
    st.session_state[LINK_READ] = True
    params = st.query_params.to_dict()
    if not params:
        return None
    return app_state.from_query(params, scen.shipped_scenarios(), scen.SAMPLE_OPTIONS)


def sidebar(shipped: dict) -> Choice:
    """The sidebar's widgets; returns what they chose."""
    ss = st.session_state
    app_state.restore(ss)
    link = _link()
    if link is not None:
        ss["_link_compare"] = link.compare
        if link.scenario:
            ss["scenario"] = link.scenario
    st.sidebar.header("Scenario")
    name = st.sidebar.selectbox("Scenario file", list(shipped), key="scenario")
    title = shipped_name(str(shipped[name]))
    if title:
        st.sidebar.caption(plain(title))
    st.sidebar.file_uploader(
        f"…or upload a scenario YAML (at most {scen.upload_limit_text()})",
        type=["yaml", "yml"],
        max_upload_size=scen.MAX_UPLOAD_MB,
        key="upload",
        on_change=_on_upload,
        help="`extends:` in an upload is resolved against the shipped scenarios folder.",
    )
    # One slot for the upload's outcome, always there: what comes or goes in it does not move
    # the widgets below, which the browser would otherwise draw again from scratch.
    outcome = st.sidebar.container()
    base, error, from_upload = None, None, None
    kept = ss.get(UPLOAD)
    if kept:
        upload_name, data = kept
        base, error = read_upload(upload_name, data)
        if error:
            outcome.error(plain_line(error))
        else:
            from_upload = upload_name
            outcome.caption(f"Using the uploaded file {plain_line(upload_name)}.")
        if ss.get("upload") is None:
            outcome.button(
                f"Stop using {plain_line(upload_name)}", on_click=_forget_upload, key="forget"
            )
    if base is None:
        base = load_shipped(str(shipped[name]))
    token = f"{base.path}:{base.sha256}"
    editors = scenario_editors(token, base)
    ignored: list[str] = []
    if ss.get(TOKEN) != token:
        for key in [k for k in ss if str(k).startswith(edit.EDIT_PREFIX)]:
            del ss[key]
        ss.update(edit.initial_state(base))
        ss[TOKEN] = token
        if link is not None:
            ignored = _apply_link(link, editors)
    elif link is not None:
        ignored = link.ignored
    st.sidebar.header("Run")
    st.sidebar.select_slider(
        "Samples", options=scen.SAMPLE_OPTIONS, key="samples", format_func=fmt_text.count
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
    st.sidebar.button("Reset edits", on_click=reset_edits, key="reset")
    return Choice(
        base=base,
        editors=editors,
        shipped_name=None if from_upload else name,
        upload_error=error,
        link_ignored=ignored,
    )


def _apply_link(link: app_state.Link, editors: list[edit.Editor]) -> list[str]:
    """Put a link's samples, seed and edits into the session; returns what it could not use."""
    ss = st.session_state
    ignored = list(link.ignored)
    if link.samples is not None:
        ss["samples"] = link.samples
    if link.seed is not None:
        ss["seed"] = link.seed
    by_path = {ed.path: ed for ed in editors}
    for path, values in link.edits.items():
        ed = by_path.get(path)
        entries = ed.state_for(values) if ed is not None else None
        if entries is None:
            ignored.append(app_state.QUERY_EDIT + path)
        else:
            ss.update(entries)
    return ignored


def _editor(ed: edit.Editor) -> None:
    """The widget(s) of one assumption, and the median of what they describe."""
    d = ed.display
    label = plain(f"{ed.label} [{ed.unit}]" if ed.unit else ed.label)
    help_text = plain(
        f"parameters.{ed.path} — as written: {ed.describe}" + ("" if ed.explicit else " (default)")
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
