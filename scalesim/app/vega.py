"""Vega-Lite pieces shared by the web app's charts (:mod:`scalesim.app.charts`,
:mod:`scalesim.app.year_charts`): axes, tooltips, colour encodings and the rows of quantile
bands, as plain dicts. Nothing here imports Altair or Streamlit."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from scalesim.present import text
from scalesim.present.palette import COMPARE_LEGEND, SCENARIO_COLORS

#: The year axis of the charts over years.
YEAR_X = {
    "field": "year",
    "type": "quantitative",
    "axis": {"format": "d", "title": "year"},
    "scale": {"nice": False},
}
#: A log axis's tick labels (d3-format, applied by Vega when it draws the ticks).
LOG_AXIS = {"format": "~e", "tickCount": 8}
#: Tooltip titles of the quantiles.
QUANTILE_TITLES = {"p5": "5%", "p25": "25%", "p50": "median", "p75": "75%", "p95": "95%"}


def num(x) -> float | None:
    """A quantile as the chart's data holds it: None where the summary has none (infinite)."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def quantity(x, unit: str) -> str:
    return text.quantity(math.nan if x is None else x, unit)


def tooltip(field: str, title: str | None = None, **more) -> dict:
    out = {"field": field, "type": "nominal"}
    if title is not None:
        out["title"] = title
    return out | more


def year_tooltip() -> dict:
    return {"field": "year", "type": "quantitative", "format": "d"}


def runs_of(objs: Any) -> dict[str, Any]:
    """``{label: run}`` of one run (labelled by its scenario's name) or a mapping of runs."""
    if hasattr(objs, "summary") and callable(objs.summary):
        return {str(objs.scenario.name): objs}
    if isinstance(objs, Mapping):
        return dict(objs)
    raise TypeError(f"expected a run or a mapping of runs, got {type(objs).__name__}")


def scenario_color(labels: list[str], single: bool) -> dict:
    return {
        "field": "scenario",
        "type": "nominal",
        "scale": {"domain": labels, "range": list(SCENARIO_COLORS[: max(1, len(labels))])},
        "legend": None if single else {"columns": len(labels), **COMPARE_LEGEND},
    }


def quantile_rows(summary: dict, name: str, fields: tuple[str, ...], texts: tuple[str, ...]):
    """Rows ``year, <fields>, <texts>_text`` of a variable, where its median is > 0."""
    q = summary["variables"][name]
    unit = q.get("unit", "")
    rows = []
    for i, year in enumerate(summary["years"]):
        p50 = q["p50"][i]
        if p50 is None or not p50 > 0:
            continue
        row = {"year": int(year)} | {k: num(q[k][i]) for k in fields}
        row |= {f"{k}_text": quantity(q[k][i], unit) for k in texts}
        rows.append(row)
    return rows


def band_and_median(
    name: str, rows: list[dict], color: dict, band: tuple[str, str], axis_title: str, opacity
) -> list[dict]:
    """A quantile band and a median line per ``series`` on a log axis (dataset ``name``)."""
    lo, hi = band
    data = {"name": name}
    return [
        {
            "data": data,
            "mark": {"type": "area", "opacity": opacity},
            "encoding": {
                "color": color,
                "x": YEAR_X,
                "y": {
                    "field": lo,
                    "type": "quantitative",
                    "scale": {"type": "log"},
                    "axis": {"title": axis_title, **LOG_AXIS},
                },
                "y2": {"field": hi},
            },
        },
        {
            "data": data,
            "mark": {"type": "line", "strokeWidth": 2.5},
            "encoding": {
                "color": color,
                "tooltip": [
                    tooltip("series"),
                    year_tooltip(),
                    *(tooltip(f"{k}_text", QUANTILE_TITLES[k]) for k in ("p50", lo, hi)),
                ],
                "x": YEAR_X,
                "y": {"field": "p50", "type": "quantitative"},
            },
        },
    ]


def series_color(domain: list[str], colors: list[str], label_limit: int) -> dict:
    """Colour by ``series``, its legend in two columns above the plot."""
    return {
        "field": "series",
        "type": "nominal",
        "scale": {"domain": domain, "range": colors},
        "legend": {"title": None, "orient": "top", "columns": 2, "labelLimit": label_limit},
    }


def series_rows(summary: dict, series: dict[str, str], band: tuple[str, str]) -> list[dict]:
    lo, hi = band
    rows = []
    for var, label in series.items():
        if var in summary["variables"]:
            for row in quantile_rows(summary, var, (lo, "p50", hi), (lo, "p50", hi)):
                rows.append({"series": label} | row)
    return rows
