"""Method page of the scalesim web app: the equations, the parameter table with sources, the
limitations. The equations and the model's limitations are the README's method section, so the
page and the README never disagree."""

from __future__ import annotations

import streamlit as st

from scalesim.app import method
from scalesim.present.docs import parameter_frame

st.title("Method")
equations, limitations = method.method_texts()
st.header("Equations")
if equations:
    st.markdown(equations)
else:
    st.warning("README.md has no method section to show.")

st.header("Parameters")
st.caption(
    "Every scenario parameter: key, symbol, unit, default, domain, meaning and source. "
    "Each scenario file also cites the source of each number it sets under `sources:`."
)
st.dataframe(parameter_frame(), width="stretch", hide_index=True)

st.header("Limitations")
items = ([limitations] if limitations else []) + [f"- {text}" for text in method.APP_LIMITATIONS]
st.markdown("\n\n".join(items[:1]) + "\n\n" + "\n".join(items[1:]))
