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
budget, data
    As :func:`scalesim.present.plots.budget_chart` and ``data_chart``.
exhaustion, binding
    In :mod:`scalesim.app.year_charts`; the Vega-Lite pieces the charts share are in
    :mod:`scalesim.app.vega`.
"""

from __future__ import annotations

import functools
from typing import Any

from scalesim.app import vega
from scalesim.app.year_charts import binding, exhaustion
from scalesim.model.variables import VARIABLES
from scalesim.present import text
from scalesim.present.palette import budget_series, data_series

#: Charts every projection shows, in page order.
PAGE_CHARTS = ("largest-run", "budget", "data", "exhaustion", "binding")


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
    runs = vega.runs_of(objs)
    labels = list(runs)
    single = len(labels) == 1
    rows = []
    for label, run in runs.items():
        summary = run.summary()
        if variable in summary["variables"]:
            for row in vega.quantile_rows(
                summary, variable, ("p5", "p25", "p50", "p75", "p95"), ("p5", "p50", "p95")
            ):
                rows.append({"scenario": label} | row)
    unit = VARIABLES.get(variable, ("",))[0]
    color = vega.scenario_color(labels, single)
    y = {
        "field": "p5",
        "type": "quantitative",
        "scale": {"type": "log"},
        "axis": {"title": f"{unit} (log scale)", **vega.LOG_AXIS},
    }
    data = {"name": "fan"}
    layers = [
        {
            "data": data,
            "mark": {"type": "area", "opacity": 0.18 if single else 0.1},
            "encoding": {"color": color, "x": vega.YEAR_X, "y": y, "y2": {"field": "p95"}},
        },
        {
            "data": data,
            "mark": {"type": "area", "opacity": 0.3 if single else 0.22},
            "encoding": {
                "color": color,
                "x": vega.YEAR_X,
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
                        "x": vega.YEAR_X,
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
                    vega.tooltip("scenario"),
                    vega.year_tooltip(),
                    *(
                        vega.tooltip(f"{k}_text", vega.QUANTILE_TITLES[k])
                        for k in ("p5", "p50", "p95")
                    ),
                ],
                "x": vega.YEAR_X,
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
                        vega.tooltip("model"),
                        vega.tooltip("organization"),
                        vega.tooltip("date"),
                        vega.tooltip("flop_text", "training compute"),
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


def budget(run: Any, *, height: int = 320) -> dict:
    """Median compute budget beside each ceiling (as :func:`scalesim.present.plots.budget_chart`)."""
    summary = run.summary()
    present = summary["variables"]
    series, colors = budget_series(present)
    color = vega.series_color(list(series.values()), colors, label_limit=300)
    rows = vega.series_rows(summary, series, ("p25", "p75"))
    layers = vega.band_and_median("budget", rows, color, ("p25", "p75"), "FLOP (log scale)", 0.1)
    datasets = {"budget": rows}
    if "largest_run_flop" in present:
        datasets["largest"] = [
            {k: r[k] for k in ("year", "p50", "p50_text")}
            for r in vega.quantile_rows(summary, "largest_run_flop", ("p50",), ("p50",))
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
                        vega.year_tooltip(),
                        vega.tooltip("p50_text", "largest run, median"),
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
    color = vega.series_color(domain, colors, label_limit=400)
    rows = vega.series_rows(summary, series, ("p5", "p95"))
    return {
        "layer": vega.band_and_median(
            "data", rows, color, ("p5", "p95"), "tokens (log scale)", 0.15
        ),
        "height": height,
        "title": {
            "text": "Human data stock versus data demand",
            "subtitle": "median and 90% band; the stock is used up where demand crosses it",
        },
        "datasets": {"data": rows},
    }


def page_chart(name: str, run: Any, history: list[dict] | None = None) -> dict:
    """One of :data:`PAGE_CHARTS` for a run."""
    if name == "largest-run":
        return fan(run, history=history)
    return {"budget": budget, "data": data, "exhaustion": exhaustion, "binding": binding}[name](run)
