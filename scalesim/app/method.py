"""Content of the web app's method page: the README's method section and the limitations."""

from __future__ import annotations

import re
from pathlib import Path

from scalesim.scenario import catalog

README = catalog.shipped("README.md")


def readme_section(heading: str, readme: str | Path = README) -> str:
    """The body of the README section whose ``##`` heading starts with ``heading``."""
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


def method_texts(readme: str | Path = README) -> tuple[str, str]:
    """The README's method section split into (equations, limitations) Markdown.

    The limitations are the paragraph starting ``Limitations:``; either part is empty when
    the README has no such text.
    """
    section = readme_section("Method", readme)
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
