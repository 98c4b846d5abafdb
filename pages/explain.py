"""Explain page of the scalesim web app: which assumptions make an event happen.

The same analysis and tables as ``scalesim explain`` (scalesim.analysis.explain,
scalesim.present.explain). The scenario, samples and seed start from the projection page's
choice when it has one; its assumption edits are not applied here. The user's event and every
error message are shown as plain text (st.code, dataframes), never as Markdown.
"""

from __future__ import annotations

import streamlit as st

from scalesim.analysis.event_syntax import MAX_LENGTH
from scalesim.analysis.explain import explain
from scalesim.app import scenarios as scen
from scalesim.errors import InputError
from scalesim.present import explain as show
from scalesim.present import text as fmt_text

#: Events offered as examples (the first is the default).
EXAMPLES = (
    "binding_constraint[2030] == data",
    "largest_run_flop[2032] >= 1e30",
    "data_exhaustion_year < 2029",
    "binding_constraint[2035] == compute and largest_run_flop[2035] >= 1e29",
    "not (spend_usd[2030] > 1e10 or flop_per_usd[2030] > 1e19)",
)
#: Session-state key where the projection page keeps its widget values across pages
#: (scalesim.app.state.KEEP), read only.
KEPT = "_keep"


@st.cache_data(max_entries=32, show_spinner="Running the scenario and explaining the event…")
def explained(path: str, sha256: str, when: str, samples: int, seed: int):
    """Cached by scenario file and content, event, samples and seed."""
    return explain(scen.load_file(path), when, samples=samples, seed=seed)


def _chosen(shipped: dict) -> dict:
    """The projection page's scenario, samples and seed, where it has chosen them."""
    kept = st.session_state.get(KEPT) or {}
    out = {}
    for key in ("scenario", "samples", "seed"):
        value = st.session_state.get(key, kept.get(key))
        if value is not None:
            out[key] = value
    if out.get("scenario") not in shipped:
        out.pop("scenario", None)
    if out.get("samples") not in scen.SAMPLE_OPTIONS:
        out.pop("samples", None)
    return out


def _use_example() -> None:
    st.session_state["explain_when"] = st.session_state["explain_example"]


st.title("Explain an outcome")
st.caption(
    "Which assumptions make an event happen? Its probability, each uncertain prior given the "
    "event beside all samples, and PRIM boxes: ranges of 1–3 priors where the event "
    "concentrates. The same as `scalesim explain SCENARIO --when EVENT`."
)
shipped = scen.shipped_scenarios()
chosen = _chosen(shipped)
names = list(shipped)
st.session_state.setdefault("explain_scenario", chosen.get("scenario", names[0]))
left, middle, right = st.columns([3, 2, 1])
name = left.selectbox("Scenario", names, key="explain_scenario")
scenario = scen.load_file(shipped[name])
st.session_state.setdefault(
    "explain_samples", chosen.get("samples", scen.default_samples(scenario))
)
if st.session_state["explain_samples"] not in scen.SAMPLE_OPTIONS:
    st.session_state["explain_samples"] = scen.SAMPLE_OPTIONS[0]
samples = middle.select_slider(
    "Samples", options=scen.SAMPLE_OPTIONS, key="explain_samples", format_func=fmt_text.count
)
st.session_state.setdefault("explain_seed", int(chosen.get("seed", scenario.seed)))
seed = right.number_input("Seed", min_value=0, step=1, key="explain_seed")

st.session_state.setdefault("explain_when", EXAMPLES[0])
st.selectbox("Examples", EXAMPLES, key="explain_example", on_change=_use_example)
when = st.text_input(
    "Event",
    key="explain_when",
    max_chars=MAX_LENGTH,
    help="Comparisons VARIABLE[YEAR] OP NUMBER (canonical units: FLOP, USD, token), "
    "binding_constraint[YEAR] == CEILING, data_exhaustion_year OP YEAR, joined with and, "
    "or, not and parentheses.",
)

try:
    result = explained(str(shipped[name]), scenario.sha256, when, int(samples), int(seed))
except InputError as exc:
    st.error("The event cannot be evaluated:")
    st.code(str(exc), language=None, wrap_lines=True)
    st.stop()

st.header("Probability")
# plain text: with no sample (or every sample) having the event, the line gives the one-sided
# 95% bound on P (P < 1 − 0.05^(1/n), about 3/n) instead of a standard error
st.code(show.probability_text(result), language=None, wrap_lines=True)
if result.events == 0:
    st.info("The event happens in no sample: no prior can be ranked.")
    st.stop()

st.header("Priors given the event")
st.caption(
    "Median [p10 – p90] in all samples and in the samples with the event, ranked by KS. "
    + show.KS_MEANING
    + ". "
    + (show.ks_noise_text(result) or "Every sample has the event.")
)
st.dataframe(show.parameter_frame(result), width="stretch", hide_index=True)

st.header("Boxes")
st.caption(show.BOX_MEANING + ".")
if result.boxes:
    st.dataframe(show.box_frame(result), width="stretch", hide_index=True)
else:
    st.caption(show.no_box_text(result) + ".")
