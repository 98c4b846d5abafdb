"""Markdown of the method text split into prose and display math, so that the web app's
method page typesets each equation with ``st.latex`` and shows the rest with ``st.markdown``.

Display math is a ``$$ ... $$`` block (on one line or several), a ``\\[ ... \\]`` block or a
fenced block of language ``math``; inline ``$...$`` stays in the prose (Streamlit's Markdown
typesets it too).
"""

from __future__ import annotations

import re

_BLOCK = re.compile(
    r"^[ \t]*\$\$(?P<a>.+?)\$\$[ \t]*$"
    r"|^[ \t]*\\\[(?P<b>.+?)\\\][ \t]*$"
    r"|^[ \t]*```math[ \t]*\n(?P<c>.*?)^[ \t]*```[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


def split_math(markdown: str) -> list[tuple[str, str]]:
    """``[(kind, text), ...]`` in order, kind ``"markdown"`` or ``"latex"``; empty prose
    between blocks is dropped.

    Examples
    --------
    >>> split_math("Spend:\\n\\n$$S(t) = S_0 g^t$$\\n\\nwhere g is growth.")
    [('markdown', 'Spend:'), ('latex', 'S(t) = S_0 g^t'), ('markdown', 'where g is growth.')]
    """
    out: list[tuple[str, str]] = []
    at = 0
    for match in _BLOCK.finditer(markdown):
        prose = markdown[at : match.start()].strip()
        if prose:
            out.append(("markdown", prose))
        body = next(g for g in match.group("a", "b", "c") if g is not None)
        out.append(("latex", body.strip()))
        at = match.end()
    rest = markdown[at:].strip()
    if rest:
        out.append(("markdown", rest))
    return out
