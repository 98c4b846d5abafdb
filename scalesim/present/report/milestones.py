"""Milestones in the report: one sentence each and a cumulative-probability chart.

A milestone (``milestones:`` in a scenario; ARCHITECTURE.md, Milestones) is a compute
requirement; the summary gives, per milestone, the probability that it is reached by each
year (``p_reached``), the arrival-year quantiles and the share never reached by the last year.
"""

from __future__ import annotations

import html
import re

import altair as alt
import pandas as pd

from scalesim.present import text
from scalesim.present.report.page import PAGE_WIDTH, figure

#: Years a milestone sentence gives the probability for, where the run has them (with the
#: last projected year when it is later).
SENTENCE_YEARS = (2030, 2040, 2050, 2100)
#: The metric a requirement is compared with, in words.
METRIC_WORDS = {
    "effective_compute_flop": "effective compute (counting algorithmic progress)",
    "capability_equivalent_flop": "capability-equivalent compute",
    "largest_run_flop": "the largest run's compute",
}


def milestone_title(name: str) -> str:
    """``transformative_ai`` -> ``Transformative AI``."""
    words = name.replace("_", " ").replace("-", " ").strip()
    words = re.sub(r"\b(ai|agi|tai|llm)\b", lambda m: m.group(1).upper(), words)
    return words[:1].upper() + words[1:]


def _years(summary: dict) -> list[int]:
    shown = [y for y in SENTENCE_YEARS if y in summary["years"]]
    last = summary["years"][-1]
    return shown if not shown or last <= shown[-1] else [*shown, last]


def sentences(summary: dict, scenario, index: int = 0) -> list[str]:
    """One sentence per milestone of ``scenario``: the probability it is reached by a few
    years and its median arrival year (or that it is not reached in most samples)."""
    found = summary.get("milestones") or {}
    out = []
    for m in scenario.milestones:
        s = found.get(m.name)
        if s is None:
            continue
        key = f"milestones.{m.name}"
        by = [
            f"{figure(summary, index, f'{key}.p_reached[{y}]', '', fmt='percent')} by {y}"
            for y in _years(summary)
        ]
        words = METRIC_WORDS.get(m.metric, m.metric.replace("_", " "))
        line = (
            f"<strong>{html.escape(milestone_title(m.name))}</strong> (a requirement on "
            f"{html.escape(words)}): the probability that it is met is {text.join(by)}."
        )
        arrival = s["arrival_year"]
        if arrival.get("p50") is not None:

            def yr(q, key=key):
                return figure(summary, index, f"{key}.arrival_year.{q}", "", fmt="year")

            line += f" Its median arrival year is {yr('p50')}"
            if arrival.get("p10") is not None:
                line += f" (10% chance by {yr('p10')})"
            line += "."
        else:
            last = summary["years"][-1]
            never = figure(summary, index, f"{key}.share_never", "", fmt="percent")
            line += f" In most samples it is not met by {last} ({never} never by then)."
        out.append(line)
    return out


def frame(summary: dict) -> pd.DataFrame:
    """Long frame: milestone (title), year, probability reached [share]."""
    rows = []
    for name, s in (summary.get("milestones") or {}).items():
        for year, p in zip(summary["years"], s["p_reached"], strict=True):
            rows.append({"milestone": milestone_title(name), "year": year, "p": p})
    return pd.DataFrame(rows, columns=["milestone", "year", "p"])


def chart(summary: dict, *, width: int = PAGE_WIDTH, height: int = 200) -> alt.Chart:
    """Cumulative probability that each milestone is reached by the year (0–100%)."""
    data = frame(summary)
    single = data["milestone"].nunique() == 1
    return (
        alt.Chart(data)
        .mark_line(strokeWidth=2.5)
        .encode(
            x=alt.X("year:Q", title=None, axis=alt.Axis(format="d", tickMinStep=5)),
            y=alt.Y(
                "p:Q",
                title="probability reached by the year",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%"),
            ),
            color=alt.Color(
                "milestone:N",
                legend=None if single else alt.Legend(title=None, orient="top"),
            ),
        )
        .properties(
            width=width,
            height=height,
            title="Probability that the milestone is reached by the year"
            + (f": {data['milestone'].iloc[0]}" if single and len(data) else ""),
        )
    )
