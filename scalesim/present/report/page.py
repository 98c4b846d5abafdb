"""Building blocks of the report's HTML: displayable fragments, checked figures, tables.

Every figure a reader sees in the report's prose is written by :func:`figure` as
``<span class="num" data-scenario="I" data-key="KEY" data-value="REPR" data-unit="UNIT">TEXT
</span>``: ``KEY`` locates the value in the summary dict of scenario ``I``
(``variables.largest_run_flop.p50[2030]``, ``data_exhaustion_year.p50``,
``binding_constraint_share.data[2031]``, ``milestones.NAME.p_reached[2050]``), ``REPR`` is the
value itself (``repr`` of the float, ``null`` for JSON null) and ``TEXT`` is it formatted by
:mod:`scalesim.present.text` in human units. A reader, or a test, can check each figure
against the summary JSON of the same scenario, samples and seed.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from scalesim.present import text

#: Width of a chart on the printed page [px] (A4 less the margins, at 96 px per inch).
PAGE_WIDTH = 660


class Html(str):
    """An HTML fragment that Jupyter (and the report's executor) displays as HTML."""

    def _repr_html_(self) -> str:
        return str(self)


def join_html(parts: Sequence[str]) -> Html:
    """Several fragments as one displayable fragment."""
    return Html("\n".join(p for p in parts if p))


def keep_together(parts: Sequence[str]) -> Html:
    """Fragments printed on one page (a heading with its table)."""
    return Html('<div class="keep">' + "\n".join(p for p in parts if p) + "</div>")


def lookup(summary: dict, key: str) -> float | None:
    """The value of ``key`` (``a.b.c[year]``) in a summary dict; see the module docstring."""
    path, _, year = key.partition("[")
    node = summary
    for part in path.split("."):
        node = node[part]
    if year:
        node = node[summary["years"].index(int(year.rstrip("]")))]
    return node


def figure(
    summary: dict,
    index: int,
    key: str,
    unit: str,
    *,
    fmt: str = "human",
    digits: int = 2,
    kind: str | None = None,
    bare: bool = False,
) -> str:
    """One checked figure of scenario ``index``'s summary (see the module docstring).

    Parameters
    ----------
    summary : dict
    index : int
        Position of the scenario in the report (0: the main one).
    key : str
        Where the value is in ``summary``.
    unit : str
        Its unit (for ``fmt="human"``).
    fmt : {"human", "percent", "year"}
        :func:`scalesim.present.text.human`, :func:`~scalesim.present.text.percent` or
        :func:`~scalesim.present.text.calendar_year`.
    digits : int
        Significant digits of ``human``.
    kind : str, optional
    bare : bool
        As for :func:`scalesim.present.text.human`.
    """
    value = lookup(summary, key)
    if fmt == "human":
        shown = text.human(value, unit, digits=digits, style="html", kind=kind, bare=bare)
    elif fmt == "percent":
        shown = text.percent(value, style="html")
    elif fmt == "year":
        shown = html.escape(text.calendar_year(value, summary["years"][-1]))
    else:
        raise ValueError(f"unknown format {fmt!r}")
    raw = "null" if value is None else repr(float(value))
    return (
        f'<span class="num" data-scenario="{index}" data-key="{html.escape(key)}" '
        f'data-fmt="{fmt}" data-unit="{html.escape(unit)}" data-value="{raw}"'
        f"{' data-bare' if bare else ''}>{shown}</span>"
    )


def keep_ranges(words: str) -> str:
    """Escaped text whose number ranges (``2010–2024``) do not break across lines (word
    joiners around the dash)."""
    return re.sub(r"(\d)([–-])(\d)", "\\1\u2060\\2\u2060\\3", html.escape(words))


def scenario_name(name: str) -> str:
    """A scenario's name in prose."""
    return f'<em class="scenario">{keep_ranges(name)}</em>'


def table(
    header: Sequence[str],
    rows: Sequence[Sequence[str]],
    *,
    css: str = "",
    caption: str | None = None,
) -> Html:
    """An HTML table; cells are HTML already (escape plain text with :func:`html.escape`)."""
    head = "".join(f"<th>{h}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    cap = f"<caption>{caption}</caption>" if caption else ""
    return Html(
        f'<table class="report-table {css}">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table>"
    )


def section(title: str, *, level: int = 2, css: str = "") -> Html:
    """A heading (``css`` ``new-page`` starts a printed page)."""
    cls = f' class="{css}"' if css else ""
    return Html(f"<h{level}{cls}>{html.escape(title)}</h{level}>")


def paragraph(content: str, css: str = "") -> Html:
    cls = f' class="{css}"' if css else ""
    return Html(f"<p{cls}>{content}</p>")


def chart_svg(chart) -> str:
    """An Altair chart as inline SVG markup (vl-convert; no network)."""
    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(chart.to_dict())
    return f'<figure class="chart">{svg}</figure>'
