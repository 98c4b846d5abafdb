"""User-supplied text (scenario names, descriptions, file names, error messages quoting a
file's values) shown by the web app as plain text, never as Markdown or HTML.

Streamlit renders the body of ``st.title``, ``st.caption``, ``st.error``, widget labels and
help texts as Markdown, so a scenario named ``![x](http://host/leak.png)`` would make every
visitor's browser fetch that URL. :func:`plain` escapes every ASCII punctuation character
with a backslash (CommonMark: any ASCII punctuation may be escaped), which leaves no Markdown,
HTML, link, image, LaTeX or Streamlit directive (``:red[...]``) in the text; it renders as
the characters themselves. ``st.table`` renders its cells and headers as Markdown too:
:func:`plain_frame` escapes a whole table.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")


def plain(text: object) -> str:
    """``text`` escaped so that Markdown shows it literally.

    Examples
    --------
    >>> plain("![x](http://a.b/c.png)")
    '\\\\!\\\\[x\\\\]\\\\(http\\\\:\\\\/\\\\/a\\\\.b\\\\/c\\\\.png\\\\)'
    """
    return _PUNCTUATION.sub(r"\\\1", str(text))


def plain_line(text: object) -> str:
    """:func:`plain` on one line (line breaks and runs of white space become one space)."""
    return plain(" ".join(str(text).split()))


def plain_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` for ``st.table``: every text cell, column name and index label
    escaped with :func:`plain` (``st.table`` renders them as Markdown: a domain ``> 0`` would
    become a quote, a file's ``![x](url)`` an image)."""

    def escape(value):
        return plain(value) if isinstance(value, str) else value

    out = frame.map(escape)
    out.columns = [escape(c) for c in frame.columns]
    out.index = [escape(i) for i in frame.index]
    return out
