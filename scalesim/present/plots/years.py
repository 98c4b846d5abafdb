"""Charts over the years of a run: the exhaustion-year distribution and the binding-constraint
shares (re-exported by scalesim.plots)."""

from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd

from scalesim.present import text
from scalesim.present.palette import COMPARE_LEGEND
from scalesim.present.plots.data import (
    binding_frame,
    exhaustion_frame,
    labelled,
    summary_of,
    years_of,
)
from scalesim.present.plots.style import _YEAR_AXIS, constraint_scale, scenario_scale


def exhaustion_chart(
    objs: Any,
    *,
    bin_width: float = 0.25,
    title: str | None = None,
    height: int = 320,
    width: int | None = None,
) -> alt.Chart | alt.LayerChart:
    """Distribution of the year the human text stock is fully used.

    Parameters
    ----------
    objs : Results, summary dict, or mapping of label to either
        From Results: a histogram (share of samples per ``bin_width`` years). From a summary
        dict, which holds quantiles only: a box of p25–p75 with whiskers p5–p95 and the
        median, per scenario.
    bin_width : float
        Histogram bar width [year].
    title : str, optional
    height, width : int, optional
        Size [px].

    Returns
    -------
    altair.Chart or altair.LayerChart
    """
    runs = labelled(objs)
    labels = list(runs)
    single = len(labels) == 1
    color = alt.Color(
        "scenario:N",
        scale=scenario_scale(labels),
        legend=None if single else alt.Legend(columns=len(labels), **COMPARE_LEGEND),
    )
    if all(hasattr(o, "exhaustion_counts") for o in runs.values()):
        parts, nevers = [], []
        for label, obj in runs.items():
            frame, never = exhaustion_frame(obj, bin_width)
            frame["scenario"] = label
            frame["years"] = [
                text.interval(a, b, fmt=lambda y: text.year(y, places=2))
                for a, b in zip(frame["start"], frame["end"], strict=True)
            ]
            frame["share_text"] = [text.share(v, 1) for v in frame["share"]]
            parts.append(frame)
            shown = text.share(never, 1)
            nevers.append(f"{label}: {shown}" if not single else shown)
        frame = (
            pd.concat(parts, ignore_index=True)
            if parts
            else pd.DataFrame(columns=["start", "end", "share", "scenario", "years", "share_text"])
        )
        last = max(int(years_of(o)[-1]) for o in runs.values())
        subtitle = f"never by {last}: " + "; ".join(nevers)
        x = alt.X(
            "start:Q",
            axis=alt.Axis(format="d", title="year the human stock is fully used"),
            scale=alt.Scale(zero=False),
        )
        y = alt.Y("share:Q", stack=None, axis=alt.Axis(format="%", title="share of samples"))
        tooltip = [
            "scenario:N",
            alt.Tooltip("years:N", title="years"),
            alt.Tooltip("share_text:N", title="share of samples"),
        ]
        if single:
            chart = (
                alt.Chart(frame)
                .mark_bar(opacity=0.85, binSpacing=0)
                .encode(x=x, x2="end:Q", y=y, y2=alt.datum(0), color=color, tooltip=tooltip)
            )
        else:
            # Overlaid bars hide each other: compare the distributions as step lines.
            chart = (
                alt.Chart(frame)
                .mark_line(interpolate="step-after", strokeWidth=2)
                .encode(x=x, y=y, color=color, tooltip=tooltip)
            )
    else:
        rows = []
        for label, obj in runs.items():
            ex = summary_of(obj)["data_exhaustion_year"]
            rows.append(
                {
                    "scenario": label,
                    **{k: ex.get(k) for k in ("p5", "p25", "p50", "p75", "p95")},
                    "share_never": ex.get("share_never"),
                }
            )
        frame = pd.DataFrame(rows)
        subtitle = "quantiles (box 25–75%, whiskers 5–95%); missing where after the last year"
        base = alt.Chart(frame).encode(y=alt.Y("scenario:N", title=None))
        chart = alt.layer(
            base.mark_rule().encode(
                x=alt.X(
                    "p5:Q", scale=alt.Scale(zero=False), axis=alt.Axis(format="d", title="year")
                ),
                x2="p95:Q",
            ),
            base.mark_bar(size=14, opacity=0.6).encode(x="p25:Q", x2="p75:Q", color=color),
            base.mark_tick(size=18, thickness=2, color="#222222").encode(x="p50:Q"),
        )
    chart = chart.properties(
        title=alt.TitleParams(
            title or "Year the human text stock is fully used", subtitle=subtitle
        ),
        height=height,
    )
    return chart.properties(width=width) if width else chart


def binding_chart(
    obj: Any, *, title: str | None = None, height: int = 320, width: int | None = None
) -> alt.Chart:
    """Stacked areas of the share of samples in which each constraint binds, per year.

    Parameters
    ----------
    obj : Results or summary dict
    title : str, optional
    height, width : int, optional
        Size [px].

    Returns
    -------
    altair.Chart
    """
    frame = binding_frame(obj)
    order = text.constraint_order(frame["constraint"])
    labels, scale = constraint_scale(order)
    frame = frame.assign(
        label=frame["constraint"].map(text.constraint_label),
        order=frame["constraint"].map({c: i for i, c in enumerate(order)}),
        share_text=[text.share(v, 1) for v in frame["share"]],
    )
    chart = (
        alt.Chart(frame)
        .mark_area(opacity=0.85)
        .encode(
            x=alt.X("year:Q", axis=_YEAR_AXIS, scale=alt.Scale(nice=False)),
            y=alt.Y(
                "share:Q",
                stack="zero",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%", title="share of samples"),
            ),
            color=alt.Color(
                "label:N",
                sort=labels,
                scale=scale,
                legend=alt.Legend(title="binding constraint", orient="top"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("year:Q", format="d"),
                alt.Tooltip("label:N", title="constraint"),
                alt.Tooltip("share_text:N", title="share of samples"),
            ],
        )
        .properties(title=title or "Binding constraint: share of samples", height=height)
    )
    return chart.properties(width=width) if width else chart
