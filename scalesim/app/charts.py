"""The web app's charts as Vega-Lite specs, built as plain dicts from a run's summary.

The same charts as the Altair builders of :mod:`scalesim.present.plots` (the report's), drawn
the same way (tests compare every layer's mark, encoding and data), but built in
milliseconds instead of the ~0.1 s per chart that Altair takes to build and serialise one:
the web app redraws five of them after every edit. Each dataset carries only the fields its
layers read, under a fixed name (``fan``, ``history``, ...), so that after an edit the spec
is unchanged and the browser swaps the data in place. Nothing here imports Altair or
Streamlit.

Charts
------
fan
    Quantile bands and median of ``largest_run_flop`` (or another variable), with the
    historical frontier runs; one scenario or several overlaid (:func:`fan`).
budget, data, exhaustion, binding
    As :func:`scalesim.present.plots.budget_chart`, ``data_chart``, ``exhaustion_chart``
    (histogram, or step lines when compared) and ``binding_chart``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

from scalesim.model import constraints as registry
from scalesim.model.variables import VARIABLES
from scalesim.present import text
from scalesim.present.palette import COMPARE_LEGEND, SCENARIO_COLORS, budget_series, data_series

#: Charts every projection shows, in page order.
PAGE_CHARTS = ("largest-run", "budget", "data", "exhaustion", "binding")
_YEAR_X = {
    "field": "year",
    "type": "quantitative",
    "axis": {"format": "d", "title": "year"},
    "scale": {"nice": False},
}
_LOG_AXIS = {"format": "~e", "tickCount": 8}
_QUANTILE_TITLES = {"p5": "5%", "p25": "25%", "p50": "median", "p75": "75%", "p95": "95%"}
#: Width of the exhaustion-year histogram's bars [year].
EXHAUSTION_BIN = 0.25


def _num(x) -> float | None:
    """A quantile as the chart's data holds it: None where the summary has none (infinite)."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def _quantity(x, unit: str) -> str:
    return text.quantity(math.nan if x is None else x, unit)


def _tooltip(field: str, title: str | None = None, **more) -> dict:
    out = {"field": field, "type": "nominal"}
    if title is not None:
        out["title"] = title
    return out | more


def _year_tooltip() -> dict:
    return {"field": "year", "type": "quantitative", "format": "d"}


def _runs(objs: Any) -> dict[str, Any]:
    """``{label: run}`` of one run (labelled by its scenario's name) or a mapping of runs."""
    if hasattr(objs, "summary") and callable(objs.summary):
        return {str(objs.scenario.name): objs}
    if isinstance(objs, Mapping):
        return dict(objs)
    raise TypeError(f"expected a run or a mapping of runs, got {type(objs).__name__}")


def _scenario_color(labels: list[str], single: bool) -> dict:
    return {
        "field": "scenario",
        "type": "nominal",
        "scale": {"domain": labels, "range": list(SCENARIO_COLORS[: max(1, len(labels))])},
        "legend": None if single else {"columns": len(labels), **COMPARE_LEGEND},
    }


def _quantile_rows(summary: dict, name: str, fields: tuple[str, ...], texts: tuple[str, ...]):
    """Rows ``year, <fields>, <texts>_text`` of a variable, where its median is > 0."""
    q = summary["variables"][name]
    unit = q.get("unit", "")
    rows = []
    for i, year in enumerate(summary["years"]):
        p50 = q["p50"][i]
        if p50 is None or not p50 > 0:
            continue
        row = {"year": int(year)} | {k: _num(q[k][i]) for k in fields}
        row |= {f"{k}_text": _quantity(q[k][i], unit) for k in texts}
        rows.append(row)
    return rows


@functools.cache
def history_rows() -> list[dict]:
    """The shipped frontier training runs since 2015, as the fan chart's points (read once;
    shared, never modified)."""
    from scalesim.analysis.calibrate.history import load_shipped

    frame = load_shipped("frontier_models")
    if "frontier" in frame:
        frame = frame[frame["frontier"].astype(bool)]
    frame = frame[frame["training_flop"].notna() & (frame["training_flop"] > 0)]
    import pandas as pd

    dates = pd.to_datetime(frame["date"])
    years = (dates.dt.year + (dates.dt.day_of_year - 1) / 365.25).to_numpy(dtype=float)
    organization = frame["organization"] if "organization" in frame else [""] * len(frame)
    rows = []
    for model, org, date, year, flop in zip(
        frame["model"].astype(str),
        [str(o) for o in organization],
        dates.dt.strftime("%Y-%m-%d"),
        years,
        frame["training_flop"].to_numpy(dtype=float),
        strict=True,
    ):
        if year >= 2015.0:
            rows.append(
                {
                    "model": model,
                    "organization": org,
                    "date": date,
                    "year": float(year),
                    "training_flop": float(flop),
                    "flop_text": text.quantity(flop, "FLOP"),
                }
            )
    return rows


def fan(
    objs: Any,
    variable: str = "largest_run_flop",
    *,
    history: list[dict] | None = None,
    height: int = 360,
) -> dict:
    """Fan chart of one variable (as :func:`scalesim.present.plots.fan_chart`).

    Parameters
    ----------
    objs : run view or mapping of label to run view
        One scenario, or a few to overlay.
    variable : str
        Summarised variable [FLOP for the default].
    history : list of dict, optional
        Rows of :func:`history_rows`, drawn as points.
    height : int
        Plot height [px].

    Returns
    -------
    dict
        The Vega-Lite spec.
    """
    runs = _runs(objs)
    labels = list(runs)
    single = len(labels) == 1
    rows = []
    for label, run in runs.items():
        summary = run.summary()
        if variable in summary["variables"]:
            for row in _quantile_rows(
                summary, variable, ("p5", "p25", "p50", "p75", "p95"), ("p5", "p50", "p95")
            ):
                rows.append({"scenario": label} | row)
    unit = VARIABLES.get(variable, ("",))[0]
    color = _scenario_color(labels, single)
    y = {
        "field": "p5",
        "type": "quantitative",
        "scale": {"type": "log"},
        "axis": {"title": f"{unit} (log scale)", **_LOG_AXIS},
    }
    data = {"name": "fan"}
    layers = [
        {
            "data": data,
            "mark": {"type": "area", "opacity": 0.18 if single else 0.1},
            "encoding": {"color": color, "x": _YEAR_X, "y": y, "y2": {"field": "p95"}},
        },
        {
            "data": data,
            "mark": {"type": "area", "opacity": 0.3 if single else 0.22},
            "encoding": {
                "color": color,
                "x": _YEAR_X,
                "y": {"field": "p25", "type": "quantitative"},
                "y2": {"field": "p75"},
            },
        },
    ]
    if not single:
        for edge in ("p5", "p95"):
            layers.append(
                {
                    "data": data,
                    "mark": {
                        "type": "line",
                        "opacity": 0.9,
                        "strokeDash": [5, 3],
                        "strokeWidth": 1.2,
                    },
                    "encoding": {
                        "color": color,
                        "x": _YEAR_X,
                        "y": {"field": edge, "type": "quantitative"},
                    },
                }
            )
    layers.append(
        {
            "data": data,
            "mark": {"type": "line", "strokeWidth": 2.5 if single else 3},
            "encoding": {
                "color": color,
                "tooltip": [
                    _tooltip("scenario"),
                    _year_tooltip(),
                    *(_tooltip(f"{k}_text", _QUANTILE_TITLES[k]) for k in ("p5", "p50", "p95")),
                ],
                "x": _YEAR_X,
                "y": {"field": "p50", "type": "quantitative"},
            },
        }
    )
    datasets = {"fan": rows}
    if history:
        datasets["history"] = history
        layers.append(
            {
                "data": {"name": "history"},
                "mark": {
                    "type": "point",
                    "color": "#222222",
                    "filled": True,
                    "opacity": 0.8,
                    "size": 45,
                },
                "encoding": {
                    "shape": {
                        "field": "kind",
                        "type": "nominal",
                        "legend": {"orient": "top-left", "title": None},
                    },
                    "tooltip": [
                        _tooltip("model"),
                        _tooltip("organization"),
                        _tooltip("date"),
                        _tooltip("flop_text", "training compute"),
                    ],
                    "x": {"field": "year", "type": "quantitative"},
                    "y": {"field": "training_flop", "type": "quantitative"},
                },
                "transform": [{"calculate": "'historical frontier runs'", "as": "kind"}],
            }
        )
    subtitle = (
        "median, 50% and 90% intervals" if single else "medians; 50% and 90% bands, dashed edges"
    )
    if history:
        subtitle += "; points: historical frontier training runs"
    title = VARIABLES.get(variable, ("", variable))[1]
    return {
        "layer": layers,
        "height": height,
        "title": {"text": title, "subtitle": subtitle},
        "datasets": datasets,
    }


def _band_and_median(
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
                "x": _YEAR_X,
                "y": {
                    "field": lo,
                    "type": "quantitative",
                    "scale": {"type": "log"},
                    "axis": {"title": axis_title, **_LOG_AXIS},
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
                    _tooltip("series"),
                    _year_tooltip(),
                    *(_tooltip(f"{k}_text", _QUANTILE_TITLES[k]) for k in ("p50", lo, hi)),
                ],
                "x": _YEAR_X,
                "y": {"field": "p50", "type": "quantitative"},
            },
        },
    ]


def _series_color(domain: list[str], colors: list[str], label_limit: int) -> dict:
    """Colour by ``series``, its legend in two columns above the plot."""
    return {
        "field": "series",
        "type": "nominal",
        "scale": {"domain": domain, "range": colors},
        "legend": {"title": None, "orient": "top", "columns": 2, "labelLimit": label_limit},
    }


def _series_rows(summary: dict, series: dict[str, str], band: tuple[str, str]) -> list[dict]:
    lo, hi = band
    rows = []
    for var, label in series.items():
        if var in summary["variables"]:
            for row in _quantile_rows(summary, var, (lo, "p50", hi), (lo, "p50", hi)):
                rows.append({"series": label} | row)
    return rows


def budget(run: Any, *, height: int = 320) -> dict:
    """Median compute budget beside each ceiling (as :func:`scalesim.present.plots.budget_chart`)."""
    summary = run.summary()
    present = summary["variables"]
    series, colors = budget_series(present)
    color = _series_color(list(series.values()), colors, label_limit=300)
    rows = _series_rows(summary, series, ("p25", "p75"))
    layers = _band_and_median("budget", rows, color, ("p25", "p75"), "FLOP (log scale)", 0.1)
    datasets = {"budget": rows}
    if "largest_run_flop" in present:
        datasets["largest"] = [
            {k: r[k] for k in ("year", "p50", "p50_text")}
            for r in _quantile_rows(summary, "largest_run_flop", ("p50",), ("p50",))
        ]
        layers.append(
            {
                "data": {"name": "largest"},
                "mark": {
                    "type": "line",
                    "color": "#222222",
                    "strokeDash": [5, 4],
                    "strokeWidth": 1.5,
                },
                "encoding": {
                    "tooltip": [
                        _year_tooltip(),
                        _tooltip("p50_text", "largest run, median"),
                    ],
                    "x": {"field": "year", "type": "quantitative"},
                    "y": {"field": "p50", "type": "quantitative"},
                },
            }
        )
    return {
        "layer": layers,
        "height": height,
        "title": {
            "text": "Compute budget beside each constraint",
            "subtitle": "median and 50% band; dashed: the largest run (their minimum)",
        },
        "datasets": datasets,
    }


def data(run: Any, *, height: int = 320) -> dict:
    """Human data stock versus data demand (as :func:`scalesim.present.plots.data_chart`)."""
    summary = run.summary()
    present = summary["variables"]
    series, colors = data_series(present)
    domain = [v for k, v in series.items() if k in present]
    color = _series_color(domain, colors, label_limit=400)
    rows = _series_rows(summary, series, ("p5", "p95"))
    return {
        "layer": _band_and_median("data", rows, color, ("p5", "p95"), "tokens (log scale)", 0.15),
        "height": height,
        "title": {
            "text": "Human data stock versus data demand",
            "subtitle": "median and 90% band; the stock is used up where demand crosses it",
        },
        "datasets": {"data": rows},
    }


def exhaustion_bins(run: Any, bin_width: float = EXHAUSTION_BIN) -> tuple[list[tuple], float]:
    """Histogram of the year the human stock is fully used, from a run's 0.01-year bins.

    Returns
    -------
    bins : list of (start, end, share)
        Contiguous bars [calendar year], empty ones as 0 [share of all samples].
    share_never : float
        Share of samples that never use the stock up by the last year.
    """
    from scalesim.engine.summary import YEAR_BIN

    samples = int(run.samples)
    items = sorted(run.exhaustion_counts.items())
    never = int(run.exhaustion_never)
    if not items:
        return [], (never / samples if samples else 0.0)
    fine = np.array([k for k, _ in items], dtype=np.int64)
    weights = np.array([c for _, c in items], dtype=np.int64)
    # Bin centres avoid floating-point edge effects when regrouping 0.01-year bins.
    keys = np.floor((fine + 0.5) * YEAR_BIN / bin_width).astype(np.int64)
    uniq, inverse = np.unique(keys, return_inverse=True)
    counts = np.bincount(inverse, weights=weights).astype(np.int64)
    full = np.arange(uniq[0], uniq[-1] + 1)
    dense = np.zeros(full.size, dtype=np.int64)
    dense[uniq - uniq[0]] = counts
    share = dense / samples if samples else dense * 0.0
    bins = [
        (float(a), float(b), float(c))
        for a, b, c in zip(full * bin_width, (full + 1) * bin_width, share, strict=True)
    ]
    return bins, (never / samples if samples else 0.0)


def exhaustion(objs: Any, *, height: int = 320) -> dict:
    """Distribution of the exhaustion year (as :func:`scalesim.present.plots.exhaustion_chart`
    from run views: a histogram, or step lines when several runs are compared)."""
    runs = _runs(objs)
    labels = list(runs)
    single = len(labels) == 1
    rows, nevers = [], []
    for label, run in runs.items():
        bins, never = exhaustion_bins(run)
        for start, end, share in bins:
            rows.append(
                {
                    "start": start,
                    "end": end,
                    "share": share,
                    "scenario": label,
                    "years": text.interval(start, end, fmt=lambda y: text.year(y, places=2)),
                    "share_text": text.share(share, 1),
                }
            )
        shown = text.share(never, 1)
        nevers.append(shown if single else f"{label}: {shown}")
    last = max(int(run.years[-1]) for run in runs.values())
    x = {
        "field": "start",
        "type": "quantitative",
        "axis": {"format": "d", "title": "year the human stock is fully used"},
        "scale": {"zero": False},
    }
    y = {
        "field": "share",
        "type": "quantitative",
        "stack": None,
        "axis": {"format": "%", "title": "share of samples"},
    }
    tooltip = [
        _tooltip("scenario"),
        _tooltip("years", "years"),
        _tooltip("share_text", "share of samples"),
    ]
    color = _scenario_color(labels, single)
    if single:
        mark = {"type": "bar", "binSpacing": 0, "opacity": 0.85}
        encoding = {
            "color": color,
            "tooltip": tooltip,
            "x": x,
            "x2": {"field": "end"},
            "y": y,
            "y2": {"datum": 0},
        }
    else:
        mark = {"type": "line", "interpolate": "step-after", "strokeWidth": 2}
        encoding = {"color": color, "tooltip": tooltip, "x": x, "y": y}
    return {
        "data": {"name": "exhaustion"},
        "mark": mark,
        "encoding": encoding,
        "height": height,
        "title": {
            "text": "Year the human text stock is fully used",
            "subtitle": f"never by {last}: " + "; ".join(nevers),
        },
        "datasets": {"exhaustion": rows},
    }


def binding(run: Any, *, height: int = 320) -> dict:
    """Share of samples per binding constraint (as :func:`scalesim.present.plots.binding_chart`)."""
    shares = run.binding_shares()
    years = [int(y) for y in run.years]
    order = text.constraint_order(shares)
    labels = [text.constraint_label(c) for c in order]
    rank = {c: i for i, c in enumerate(order)}
    rows = [
        {
            "year": year,
            "share": float(s[i]),
            "label": text.constraint_label(c),
            "order": rank[c],
            "share_text": text.share(s[i], 1),
        }
        for c, s in shares.items()
        for i, year in enumerate(years)
    ]
    return {
        "data": {"name": "binding"},
        "mark": {"type": "area", "opacity": 0.85},
        "encoding": {
            "color": {
                "field": "label",
                "type": "nominal",
                "sort": labels,
                "scale": {"domain": labels, "range": [registry.colour(c) for c in order]},
                "legend": {"orient": "top", "title": "binding constraint"},
            },
            "order": {"field": "order", "type": "quantitative"},
            "tooltip": [
                _year_tooltip(),
                _tooltip("label", "constraint"),
                _tooltip("share_text", "share of samples"),
            ],
            "x": _YEAR_X,
            "y": {
                "field": "share",
                "type": "quantitative",
                "stack": "zero",
                "scale": {"domain": [0, 1]},
                "axis": {"format": "%", "title": "share of samples"},
            },
        },
        "height": height,
        "title": "Binding constraint: share of samples",
        "datasets": {"binding": rows},
    }


def page_chart(name: str, run: Any, history: list[dict] | None = None) -> dict:
    """One of :data:`PAGE_CHARTS` for a run."""
    if name == "largest-run":
        return fan(run, history=history)
    return {"budget": budget, "data": data, "exhaustion": exhaustion, "binding": binding}[name](run)
