"""Method page of the scalesim web app: the equations (typeset with st.latex), the parameter
table with sources (complete, full width) and the limitations. The text is the project's
method documentation (scalesim.app.method), so the page and the docs never disagree."""

from __future__ import annotations

import streamlit as st

from scalesim.app import method
from scalesim.app.markdown import split_math
from scalesim.app.safe import plain_frame
from scalesim.present.docs import parameter_frame


def equations(text: str) -> None:
    st.header("Equations")
    if not text:
        st.warning("The method documentation has no equations to show.")
        return
    for kind, part in split_math(text):
        if kind == "latex":
            st.latex(part)
        else:
            st.markdown(part)


def parameters() -> None:
    st.header("Parameters")
    st.caption(
        "Every scenario parameter: key, symbol, unit, default, domain, meaning and source. "
        "Each scenario file also cites the source of each number it sets under `sources:`."
    )
    st.table(plain_frame(parameter_frame()), hide_index=True)


# Wide like the projection: the parameter table has seven columns.
st.set_page_config(page_title="Method · scalesim", layout="wide")
st.title("Method")
text, limitations = method.method_texts()
# The text may refer to the parameter table as above or below it: put the table there.
if "table above" in text:
    parameters()
    equations(text)
else:
    equations(text)
    parameters()

st.header("Limitations")
items = ([limitations] if limitations else []) + [f"- {line}" for line in method.APP_LIMITATIONS]
st.markdown("\n\n".join(items[:1]) + "\n\n" + "\n".join(items[1:]))
