"""Tables of the report's detail section: the scenarios side by side, and the physical limits
with the years the projected figures pass them. In words and human units, like the front.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from scalesim.present import text
from scalesim.present.report import limits
from scalesim.present.report.front import span, span_range
from scalesim.present.report.page import Html, figure, scenario_name, table


def comparison_table(summaries: Sequence[dict], years: Sequence[int] = (2030, 2040)) -> Html:
    """One row per scenario: the largest run (median and 90% interval) in ``years``, its cost
    in the first of them, the most frequent binding constraint there, and the year public text
    is fully used (median and 80% interval)."""
    shown = [y for y in years if all(y in s["years"] for s in summaries)]
    rows = []
    for i, s in enumerate(summaries):
        row = [scenario_name(s["scenario"]["name"])]
        for y in shown:
            row.append(
                f'<div class="median">{span(s, i, "largest_run_flop", "p50", y, "FLOP")}</div>'
                f'<div class="range">{span_range(s, i, "largest_run_flop", y, "FLOP")}</div>'
            )
        if shown and "spend_usd" in s["variables"]:
            row.append(span(s, i, "spend_usd", "p50", shown[0], "USD"))
        elif shown:
            row.append(text.MISSING)
        ex = s["data_exhaustion_year"]
        if ex["p50"] is not None:
            y = lambda q, s=s, i=i: figure(s, i, f"data_exhaustion_year.{q}", "", fmt="year")  # noqa: E731
            row.append(
                f'<div class="median">around {y("p50")}</div>'
                f'<div class="range">from {y("p10")} to {y("p90")}</div>'
            )
        else:
            row.append(f"not by {s['years'][-1]} in most samples")
        rows.append(row)
    head = ["Scenario", *(f"Largest run in {y}" for y in shown)]
    head += [f"Its cost in {shown[0]}"] if shown else []
    head += ["Public text fully used"]
    return table(head, rows, css="comparison")


def limits_table(summary: dict, scenario) -> Html:
    """Each physical limit: its value, what it is, its source, and the first year the
    largest run and the compute the spending could buy pass it (95th percentile, median)."""
    found = limits.passes(summary, scenario)
    rows = []
    for limit in limits.limits():
        if limit.modelled_by and limit.modelled_by in scenario.constraints:
            status = f"modelled by the scenario's {html.escape(limit.modelled_by)} ceiling"
            rows.append([_name(limit), _value(limit), _what(limit), status])
            continue
        parts = []
        for var, name in limits.CHECKED:
            years = {q: y for v, _, q, y, lim in found if v == var and lim == limit}
            if years:
                when = [f"{q} from {years[k]}" for k, q in (("p95", "95th percentile"),
                                                             ("p50", "median")) if k in years]  # fmt: skip
                parts.append(f"{html.escape(name)}: {', '.join(when)}")
        status = "; ".join(parts) if parts else f"not passed by {summary['years'][-1]}"
        rows.append([_name(limit), _value(limit), _what(limit), _cap(status)])
    return table(["Limit", "About", "What it is (source)", "Passed by"], rows, css="limits")


def _name(limit: limits.Limit) -> str:
    return _cap(html.escape(limit.name.removeprefix("the ")))


def _value(limit: limits.Limit) -> str:
    return text.human(limit.flop, "FLOP", digits=1, style="html")


def _what(limit: limits.Limit) -> str:
    return f"{_cap(html.escape(limit.what))} (<cite>{html.escape(limit.source)}</cite>)"


def _cap(words: str) -> str:
    return words[:1].upper() + words[1:]
