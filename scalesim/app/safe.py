"""User-supplied text (scenario names, descriptions, file names, error messages quoting a
file's values) shown by the web app as plain text, never as Markdown or HTML.

Streamlit renders the body of ``st.title``, ``st.caption``, ``st.error``, widget labels and
help texts as Markdown, so a scenario named ``![x](http://host/leak.png)`` would make every
visitor's browser fetch that URL. :func:`plain` escapes every ASCII punctuation character
with a backslash (CommonMark: any ASCII punctuation may be escaped), which leaves no Markdown,
HTML, link, image, LaTeX or Streamlit directive (``:red[...]``) in the text; it renders as
the characters themselves.
"""

from __future__ import annotations

import re

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
