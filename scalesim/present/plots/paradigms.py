"""Charts of milestones and of the compute split across paradigms (re-exported by
scalesim.present.plots), and the export of any chart as SVG or PNG.

milestone_chart
    P(requirement reached by year) per milestone: a cumulative probability per year.
milestone_frame
    Arrival-year p10/p50/p90, share never reached and share dropped per milestone, as text.
compute_split_chart
    Shares of the mean compute budget for pretraining, RL post-training and synthetic data.
chart_bytes
    A chart as SVG or PNG bytes (vl-convert, offline).
"""

from __future__ import annotations

import math
from typing import Any

import altair as alt
import pandas as pd

from scalesim.model.variables import VARIABLES
from scalesim.present import text
from scalesim.present.palette import SCENARIO_COLORS
from scalesim.present.plots.data import labelled, summary_of
from scalesim.present.plots.style import _YEAR_AXIS

#: Colours of the compute split (pretraining as the compute ceiling, RL, synthetic data).
SPLIT_COLORS = {
    "pretraining": "#4c78a8",
    "RL post-training": "#e45756",
    "synthetic data": "#b279a2",
}


def milestones_of(obj: Any) -> dict[str, dict]:
    """The ``milestones`` part of a run's summary (empty when it has none)."""
    return dict(summary_of(obj).get("milestones") or {})


def milestone_frame(obj: Any) -> pd.DataFrame:
    """The arrival years of each milestone, as text for a table.

    Parameters
    ----------
    obj : Results or summary dict

    Returns
    -------
    pandas.DataFrame
        One row per milestone; columns milestone, measured on, 10%, median, 90% (fractional
        calendar years, "after <last year>" where that share never reaches it), never by the
        last year and dropped (reached before the conditioning year) [share of samples].
    """
    summary = summary_of(obj)
    last = int(summary["years"][-1])
    rows = []
    for name, m in milestones_of(summary).items():
        q = m.get("arrival_year") or {}
        rows.append(
            {
                "milestone": name.replace("_", " "),
                "measured on": VARIABLES.get(m.get("metric", ""), ("", m.get("metric", "")))[1],
                "10%": text.year(q.get("p10"), last),
                "median": text.year(q.get("p50"), last),
                "90%": text.year(q.get("p90"), last),
                f"never by {last}": text.share(m.get("share_never"), 1),
                "dropped": text.share(m.get("share_dropped"), 1),
            }
        )
    return pd.DataFrame(rows)


def milestone_chart(
    objs: Any, *, title: str | None = None, height: int = 320, width: int | None = None
) -> alt.Chart:
    """P(reached by year) of each milestone: the share of (kept) samples whose measured compute
    has reached the requirement by each year.

    Parameters
    ----------
    objs : Results, summary dict, or mapping of label to either
        With several runs, one line per (run, milestone).
    title : str, optional
    height, width : int, optional
        Size [px].

    Returns
    -------
    altair.Chart
    """
    runs = labelled(objs)
    rows = []
    for label, obj in runs.items():
        summary = summary_of(obj)
        for name, m in milestones_of(summary).items():
            series = name.replace("_", " ") if len(runs) == 1 else f"{label}: {name}"
            for year, p in zip(summary["years"], m.get("p_reached") or [], strict=False):
                if p is None or (isinstance(p, float) and math.isnan(p)):
                    continue
                rows.append(
                    {
                        "series": series,
                        "year": int(year),
                        "p": float(p),
                        "p_text": text.share(p, 1),
                    }
                )
    frame = pd.DataFrame(rows, columns=["series", "year", "p", "p_text"])
    series = list(dict.fromkeys(frame["series"]))
    palette = [SCENARIO_COLORS[i % len(SCENARIO_COLORS)] for i in range(len(series))]
    chart = (
        alt.Chart(frame)
        .mark_line(strokeWidth=2.5, interpolate="monotone")
        .encode(
            x=alt.X("year:Q", axis=_YEAR_AXIS, scale=alt.Scale(nice=False)),
            y=alt.Y(
                "p:Q",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%", title="probability reached by the year"),
            ),
            color=alt.Color(
                "series:N",
                scale=alt.Scale(domain=series, range=palette),
                legend=alt.Legend(title=None, orient="bottom", columns=1, labelLimit=0),
            ),
            tooltip=[
                alt.Tooltip("series:N", title="milestone"),
                alt.Tooltip("year:Q", format="d"),
                alt.Tooltip("p_text:N", title="probability reached"),
            ],
        )
        .properties(
            title=alt.TitleParams(
                title or "Milestones: probability the requirement is reached by the year",
                subtitle="share of samples (those kept after any 'not reached by' condition)",
            ),
            height=height,
        )
    )
    return chart.properties(width=width) if width else chart


def has_split(obj: Any) -> bool:
    """Whether a run spends part of its budget on RL post-training or synthetic data."""
    present = summary_of(obj)["variables"]
    if "rl_flop" in present:
        return True
    if "budget_flop" in present and "training_flop" in present:
        budget, pre = present["budget_flop"].get("mean"), present["training_flop"].get("mean")
        return any(
            b is not None and p is not None and p < b * (1 - 1e-9)
            for b, p in zip(budget, pre, strict=True)
        )
    return False


def split_frame(obj: Any) -> pd.DataFrame:
    """Shares of the mean compute budget per year: pretraining (mean C_pre), RL post-training
    (mean C_rl) and synthetic-data generation (the rest), by linearity of the means.

    Returns
    -------
    pandas.DataFrame
        Columns year, use, share [1], share_text; years where a mean is missing (infinite
        values) are left out.
    """
    summary = summary_of(obj)
    present = summary["variables"]
    budget = present["budget_flop"]["mean"]
    pre = present["training_flop"]["mean"]
    rl = present["rl_flop"]["mean"] if "rl_flop" in present else [0.0] * len(budget)
    rows = []
    for i, year in enumerate(summary["years"]):
        b, p, r = budget[i], pre[i], rl[i]
        if b is None or p is None or r is None or not b > 0:
            continue
        parts = {"pretraining": p / b, "RL post-training": r / b}
        parts["synthetic data"] = max(0.0, 1.0 - parts["pretraining"] - parts["RL post-training"])
        for use, share in parts.items():
            rows.append(
                {"year": int(year), "use": use, "share": share, "share_text": text.share(share, 1)}
            )
    return pd.DataFrame(rows, columns=["year", "use", "share", "share_text"])


def compute_split_chart(
    obj: Any, *, title: str | None = None, height: int = 320, width: int | None = None
) -> alt.Chart:
    """Stacked areas: the share of the compute budget spent on pretraining, RL post-training
    and synthetic-data generation, per year (shares of the mean budget).

    Parameters
    ----------
    obj : Results or summary dict
        Summarising ``budget_flop``, ``training_flop`` and (with an ``rl:`` group) ``rl_flop``.
    title : str, optional
    height, width : int, optional
        Size [px].

    Returns
    -------
    altair.Chart
    """
    frame = split_frame(obj)
    uses = list(SPLIT_COLORS)
    frame = frame.assign(order=frame["use"].map({u: i for i, u in enumerate(uses)}))
    chart = (
        alt.Chart(frame)
        .mark_area(opacity=0.85)
        .encode(
            x=alt.X("year:Q", axis=_YEAR_AXIS, scale=alt.Scale(nice=False)),
            y=alt.Y(
                "share:Q",
                stack="zero",
                scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%", title="share of the compute budget"),
            ),
            color=alt.Color(
                "use:N",
                sort=uses,
                scale=alt.Scale(domain=uses, range=list(SPLIT_COLORS.values())),
                legend=alt.Legend(title=None, orient="top"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("year:Q", format="d"),
                alt.Tooltip("use:N", title="spent on"),
                alt.Tooltip("share_text:N", title="share of the budget"),
            ],
        )
        .properties(
            title=alt.TitleParams(
                title or "Compute split: pretraining, RL post-training, synthetic data",
                subtitle="share of the mean compute budget per year",
            ),
            height=height,
        )
    )
    return chart.properties(width=width) if width else chart


def chart_bytes(chart: alt.TopLevelMixin | dict, fmt: str, scale: float = 2.0) -> bytes:
    """A chart as ``"svg"`` or ``"png"`` bytes, rendered offline by vl-convert.

    Parameters
    ----------
    chart : altair chart or dict
        The chart or its Vega-Lite spec.
    fmt : {"svg", "png"}
    scale : float
        Pixels per chart pixel of the PNG.

    Raises
    ------
    ModuleNotFoundError
        Without vl-convert-python (the ``report`` extra).
    """
    import vl_convert as vlc

    spec = chart if isinstance(chart, dict) else chart.to_dict()
    if fmt == "svg":
        return vlc.vegalite_to_svg(spec).encode("utf-8")
    if fmt == "png":
        return vlc.vegalite_to_png(spec, scale=scale)
    raise ValueError(f"fmt: expected 'svg' or 'png', got {fmt!r}")
