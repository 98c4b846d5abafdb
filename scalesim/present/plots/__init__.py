"""Altair chart builders shared by the web app (app.py) and the policy reports.

Every builder takes a :class:`~scalesim.results.Results` or the dict of
:meth:`Results.summary() <scalesim.results.Results.summary>` (the summary JSON contract, so a
report can chart a summary read back from disk), and returns an Altair chart. The builders
import neither Streamlit nor anything that reaches the network: data are embedded in the
chart spec, so charts render offline (``alt.renderers.enable("svg")`` in a notebook, or
``chart.save("x.svg")`` through vl-convert).

Where several scenarios are compared, pass a mapping ``{label: results_or_summary}``; each
gets its own colour.

Charts
------
fan_chart
    Quantile bands (p5–p95, p25–p75) and median of a variable per year on a log axis,
    optionally with the historical frontier training runs as points.
budget_chart
    Median compute budget for training beside the median of each constraint present.
data_chart
    Human data stock (with epoch reuse) versus the data demand of a compute-optimal run.
exhaustion_chart
    Distribution of the year the human text stock is fully used.
binding_chart
    Share of samples in which each constraint binds, per year (stacked areas).
milestone_chart, milestone_frame
    P(requirement reached by year) per milestone, and its arrival years as a table.
compute_split_chart
    Shares of the compute budget for pretraining, RL post-training and synthetic data.
chart_bytes
    Any chart as SVG or PNG bytes (offline, vl-convert).
"""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from scalesim.model.variables import VARIABLES
from scalesim.present import text
from scalesim.present.palette import COMPARE_LEGEND, SCENARIO_COLORS, budget_series, data_series
from scalesim.present.plots.data import (
    binding_frame,
    exhaustion_frame,
    history_frame,
    labelled,
    quantile_frame,
    summary_of,
)
from scalesim.present.plots.paradigms import (
    chart_bytes,
    compute_split_chart,
    has_split,
    milestone_chart,
    milestone_frame,
    milestones_of,
    split_frame,
)
from scalesim.present.plots.style import _LOG_AXIS, _YEAR_AXIS, scenario_scale
from scalesim.present.plots.years import binding_chart, exhaustion_chart

#: Tooltip titles of the quantile columns.
_QUANTILE_TITLES = {"p5": "5%", "p25": "25%", "p50": "median", "p75": "75%", "p95": "95%"}


def _with_text(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """``frame`` with a ``<column>_text`` beside each of ``columns``: the value with its unit
    as :func:`scalesim.present.text.quantity` writes it (what the tooltips show)."""
    units = frame["unit"] if "unit" in frame else pd.Series("", index=frame.index)
    return frame.assign(
        **{
            f"{c}_text": [text.quantity(v, u) for v, u in zip(frame[c], units, strict=True)]
            for c in columns
        }
    )


def _tooltips(columns) -> list[alt.Tooltip]:
    return [alt.Tooltip(f"{c}_text:N", title=_QUANTILE_TITLES[c]) for c in columns]


def fan_chart(
    objs: Any,
    variable: str = "largest_run_flop",
    *,
    history: pd.DataFrame | bool | None = None,
    title: str | None = None,
    height: int = 360,
    width: int | None = None,
) -> alt.LayerChart:
    """Fan chart of one variable on a log axis: p5–p95 and p25–p75 bands and the median.

    Parameters
    ----------
    objs : Results, summary dict, or mapping of label to either
        One scenario, or up to a few to overlay (one colour each).
    variable : str
        Summarised variable [FLOP for the default ``largest_run_flop``].
    history : pandas.DataFrame or bool, optional
        Historical runs drawn as points (see :func:`history_frame`); ``True`` for the shipped
        frontier table, ``None``/``False`` for none.
    title : str, optional
        Chart title (default: the variable's description).
    height, width : int, optional
        Size [px]; the width is left to the renderer when None.

    Returns
    -------
    altair.LayerChart
        Compared scenarios get colours of :data:`SCENARIO_COLORS`, the edges of their 90%
        bands as dashed lines, and a one-row legend under the plot.
    """
    runs = labelled(objs)
    frame = quantile_frame(runs, [variable])
    frame = _with_text(frame[frame["p50"] > 0], ("p5", "p50", "p95"))
    unit = VARIABLES.get(variable, ("",))[0]
    labels = list(runs)
    single = len(labels) == 1
    color = alt.Color(
        "scenario:N",
        scale=scenario_scale(labels),
        legend=None if single else alt.Legend(columns=len(labels), **COMPARE_LEGEND),
    )
    y_title = f"{unit} (log scale)"
    base = alt.Chart(frame).encode(x=alt.X("year:Q", axis=_YEAR_AXIS, scale=alt.Scale(nice=False)))
    tooltip = [
        alt.Tooltip("scenario:N"),
        alt.Tooltip("year:Q", format="d"),
        *_tooltips(("p5", "p50", "p95")),
    ]
    outer = base.mark_area(opacity=0.18 if single else 0.1).encode(
        y=alt.Y("p5:Q", scale=alt.Scale(type="log"), axis=alt.Axis(title=y_title, **_LOG_AXIS)),
        y2="p95:Q",
        color=color,
    )
    inner = base.mark_area(opacity=0.3 if single else 0.22).encode(
        y="p25:Q", y2="p75:Q", color=color
    )
    median = base.mark_line(strokeWidth=2.5 if single else 3).encode(
        y="p50:Q", color=color, tooltip=tooltip
    )
    layers = [outer, inner, median]
    if not single:
        # Overlaid bands blend: each scenario's 90% band also gets its edges, in its colour.
        for edge in ("p5", "p95"):
            layers.insert(
                -1,
                base.mark_line(strokeWidth=1.2, strokeDash=[5, 3], opacity=0.9).encode(
                    y=f"{edge}:Q", color=color
                ),
            )
    history_on = False
    if history is not None and history is not False:
        points = history_frame() if history is True else history_frame(history, since=None)
        points = points.assign(
            flop_text=[text.quantity(v, "FLOP") for v in points["training_flop"]]
        )
        if len(points):
            history_on = True
            layers.append(
                alt.Chart(points)
                .mark_point(filled=True, size=45, color="#222222", opacity=0.8)
                .encode(
                    x="year:Q",
                    y="training_flop:Q",
                    shape=alt.Shape("kind:N", legend=alt.Legend(title=None, orient="top-left")),
                    tooltip=[
                        "model:N",
                        "organization:N",
                        "date:N",
                        alt.Tooltip("flop_text:N", title="training compute"),
                    ],
                )
                .transform_calculate(kind="'historical frontier runs'")
            )
    subtitle = (
        "median, 50% and 90% intervals" if single else "medians; 50% and 90% bands, dashed edges"
    )
    if history_on:
        subtitle += "; points: historical frontier training runs"
    chart = alt.layer(*layers).properties(
        title=alt.TitleParams(
            title or VARIABLES.get(variable, ("", variable))[1], subtitle=subtitle
        ),
        height=height,
    )
    return chart.properties(width=width) if width else chart


def _band_and_median(
    frame: pd.DataFrame, color: alt.Color, band: tuple[str, str], axis_title: str, opacity: float
) -> tuple[alt.Chart, alt.Chart]:
    """A quantile band and a median line per ``series`` on a log axis, with tooltips."""
    lo, hi = band
    frame = _with_text(frame, (lo, "p50", hi))
    base = alt.Chart(frame).encode(x=alt.X("year:Q", axis=_YEAR_AXIS, scale=alt.Scale(nice=False)))
    area = base.mark_area(opacity=opacity).encode(
        y=alt.Y(
            f"{lo}:Q", scale=alt.Scale(type="log"), axis=alt.Axis(title=axis_title, **_LOG_AXIS)
        ),
        y2=f"{hi}:Q",
        color=color,
    )
    lines = base.mark_line(strokeWidth=2.5).encode(
        y="p50:Q",
        color=color,
        tooltip=["series:N", alt.Tooltip("year:Q", format="d"), *_tooltips(("p50", lo, hi))],
    )
    return area, lines


def budget_chart(
    obj: Any, *, title: str | None = None, height: int = 320, width: int | None = None
) -> alt.LayerChart:
    """Median compute budget for training beside the median ceiling of each constraint.

    The budget is ``training_flop`` (C_train) when summarised, else ``budget_flop``; beside
    it, the variable of every other ceiling of the registry that the run summarises, labelled
    and coloured as the registry says. ``largest_run_flop`` (their minimum) is drawn dashed.

    Parameters
    ----------
    obj : Results or summary dict
        One scenario (summarise ``training_flop`` for the exact C_train).
    title : str, optional
    height, width : int, optional
        Size [px].

    Returns
    -------
    altair.LayerChart
    """
    summary = summary_of(obj)
    present = summary["variables"]
    series, colors = budget_series(present)
    frame = quantile_frame(summary, list(series))
    frame["series"] = frame["variable"].map(series)
    frame = frame[frame["p50"] > 0]
    domain = list(series.values())
    color = alt.Color(
        "series:N",
        scale=alt.Scale(domain=domain, range=colors),
        legend=alt.Legend(title=None, orient="top", columns=2, labelLimit=300),
    )
    band, lines = _band_and_median(frame, color, ("p25", "p75"), "FLOP (log scale)", 0.1)
    layers = [band, lines]
    if "largest_run_flop" in present:
        largest = quantile_frame(summary, ["largest_run_flop"])
        largest = _with_text(largest[largest["p50"] > 0], ("p50",))
        layers.append(
            alt.Chart(largest)
            .mark_line(strokeDash=[5, 4], color="#222222", strokeWidth=1.5)
            .encode(
                x="year:Q",
                y="p50:Q",
                tooltip=[
                    alt.Tooltip("year:Q", format="d"),
                    alt.Tooltip("p50_text:N", title="largest run, median"),
                ],
            )
        )
    chart = alt.layer(*layers).properties(
        title=alt.TitleParams(
            title or "Compute budget beside each constraint",
            subtitle="median and 50% band; dashed: the largest run (their minimum)",
        ),
        height=height,
    )
    return chart.properties(width=width) if width else chart


def data_chart(
    obj: Any, *, title: str | None = None, height: int = 320, width: int | None = None
) -> alt.LayerChart:
    """Human data stock with epoch reuse (D_h) versus the data demand (D_req) [token].

    Medians with p5–p95 bands; the available tokens with synthetic data (D) are added when
    summarised and different from D_h. Where the demand line crosses the stock, the stock is
    fully used.

    Parameters
    ----------
    obj : Results or summary dict
    title : str, optional
    height, width : int, optional
        Size [px].

    Returns
    -------
    altair.LayerChart
    """
    summary = summary_of(obj)
    present = summary["variables"]
    series, colors = data_series(present)
    frame = quantile_frame(summary, list(series))
    frame["series"] = frame["variable"].map(series)
    frame = frame[frame["p50"] > 0]
    domain = [v for k, v in series.items() if k in present]
    color = alt.Color(
        "series:N",
        scale=alt.Scale(domain=domain, range=colors),
        legend=alt.Legend(title=None, orient="top", columns=2, labelLimit=400),
    )
    band, lines = _band_and_median(frame, color, ("p5", "p95"), "tokens (log scale)", 0.15)
    chart = alt.layer(band, lines).properties(
        title=alt.TitleParams(
            title or "Human data stock versus data demand",
            subtitle="median and 90% band; the stock is used up where demand crosses it",
        ),
        height=height,
    )
    return chart.properties(width=width) if width else chart


__all__ = [
    "SCENARIO_COLORS",
    "binding_chart",
    "chart_bytes",
    "compute_split_chart",
    "has_split",
    "milestone_chart",
    "milestone_frame",
    "milestones_of",
    "split_frame",
    "binding_frame",
    "budget_chart",
    "data_chart",
    "exhaustion_chart",
    "exhaustion_frame",
    "fan_chart",
    "history_frame",
    "labelled",
    "quantile_frame",
    "summary_of",
]
