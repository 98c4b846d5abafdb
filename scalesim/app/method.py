"""Content of the web app's method page: the equations and limitations of docs/method.md."""

from __future__ import annotations

import re
from pathlib import Path

from scalesim.scenario import catalog

#: The docs site's method page (a checkout's, or the copy shipped inside the package).
METHOD_PAGE = catalog.shipped("docs", "method.md")
#: Links between docs pages (``[text](page.md#anchor)``): only their text is shown in the app.
_PAGE_LINK = re.compile(r"\[([^\]]+)\]\((?!https?:)[^)]*\)")


def readme_section(heading: str, readme: str | Path = METHOD_PAGE) -> str:
    """The body of the section whose ``##`` heading starts with ``heading``."""
    try:
        text = Path(readme).read_text(encoding="utf-8")
    except OSError:
        return ""
    lines = text.splitlines()
    body, inside = [], False
    for line in lines:
        if line.startswith("## "):
            if inside:
                break
            inside = line[3:].strip().startswith(heading)
            continue
        if inside:
            body.append(line)
    return "\n".join(body).strip()


def _page_body(page: str | Path) -> str:
    """A page's text from its title to its first ``##`` heading (the title left out)."""
    try:
        text = Path(page).read_text(encoding="utf-8")
    except OSError:
        return ""
    body = []
    for line in text.splitlines():
        if line.startswith("## "):
            break
        if not line.startswith("# "):
            body.append(line)
    return "\n".join(body).strip()


def method_texts(page: str | Path = METHOD_PAGE) -> tuple[str, str]:
    """The method split into (equations, limitations) Markdown.

    Parameters
    ----------
    page : str or Path
        The method page (``docs/method.md``: its text before the first ``##`` heading), or a
        Markdown file with a ``## Method`` section.

    Returns
    -------
    tuple of str
        The equations, and the paragraph that starts ``Limitations:`` without that word;
        either is empty when the file has no such text (or cannot be read).
    """
    section = readme_section("Method", page) or _page_body(page)
    section = _PAGE_LINK.sub(lambda m: m.group(1), section)
    paragraphs = re.split(r"\n\s*\n", section)
    limits = [p for p in paragraphs if p.strip().startswith("Limitations")]
    rest = [p for p in paragraphs if p not in limits]
    equations = "\n\n".join(rest).strip()
    limitations = "\n\n".join(re.sub(r"^Limitations:\s*", "", p.strip()) for p in limits)
    return equations, limitations


#: Limits of what the app shows, beyond the model's own.
APP_LIMITATIONS = (
    "Quantiles come from log-binned histograms (within 0.23% of the exact ones); the "
    "exhaustion year from bins of 0.01 year.",
    "Edits replace a parameter's prior with a lognormal (or normal, when a bound is <= 0) 90% "
    "interval (`to: [lo, hi]`) or a fixed value; a prior of another family (log-uniform, "
    "uniform, triangular, choice) is shown by its 5% and 95% quantiles.",
    "The history points are the shipped frontier-model table (`scalesim/data/`), not a live "
    "download; training compute of closed models is an estimate.",
)
