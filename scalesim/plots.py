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
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import altair as alt
import numpy as np
import pandas as pd

from scalesim.dims import CONSTRAINTS, VARIABLES

#: Fixed colours of the constraints, so that a constraint looks the same in every chart.
CONSTRAINT_COLORS = {
    "compute": "#4c78a8",
    "data": "#f58518",
    "power": "#e45756",
    "chips": "#72b7b2",
    "latency": "#54a24b",
}
#: Constraint variable of each constraint, in the order of :data:`scalesim.dims.CONSTRAINTS`.
CONSTRAINT_VARIABLE = {
    "compute": "training_flop",
    "data": "data_limited_flop",
    "power": "power_flop",
    "chips": "chips_flop",
    "latency": "latency_flop",
}
#: Colours of compared scenarios, in order (Tableau 10).
SCENARIO_COLORS = ("#4c78a8", "#f58518", "#54a24b", "#e45756", "#b279a2", "#9d755d")
QUANTILE_KEYS = ("p5", "p25", "p50", "p75", "p95")
_LOG_AXIS = {"format": "~e", "tickCount": 8}
_YEAR_AXIS = alt.Axis(format="d", title="year")


# --- inputs ---------------------------------------------------------------------------------


def summary_of(obj: Any) -> dict:
    """The summary dict of a Results (or the dict itself when it already is one).

    Parameters
    ----------
    obj : Results or dict
        A run's results, or a dict following the summary JSON contract.

    Returns
    -------
    dict
        The summary JSON contract (ARCHITECTURE.md, "Output contract").
    """
    if hasattr(obj, "summary") and callable(obj.summary):
        return obj.summary()
    if isinstance(obj, Mapping) and "variables" in obj:
        return dict(obj)
    raise TypeError(f"expected Results or a summary dict, got {type(obj).__name__}")


def _is_single(obj: Any) -> bool:
    return (hasattr(obj, "summary") and callable(obj.summary)) or (
        isinstance(obj, Mapping) and "variables" in obj
    )


def labelled(objs: Any) -> dict[str, Any]:
    """``{label: results_or_summary}`` from one run or a mapping of runs.

    A single run is labelled by its scenario name.
    """
    if _is_single(objs):
        return {_name(objs): objs}
    if isinstance(objs, Mapping):
        return dict(objs)
    raise TypeError(
        f"expected Results, a summary dict or a mapping of them, got {type(objs).__name__}"
    )


def _name(obj: Any) -> str:
    if hasattr(obj, "scenario") and hasattr(obj.scenario, "name"):
        return str(obj.scenario.name)
    if isinstance(obj, Mapping):
        return str((obj.get("scenario") or {}).get("name") or "scenario")
    return "scenario"


def quantile_frame(objs: Any, variables: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """Tidy quantiles of ``variables``: one row per (scenario, variable, year).

    Parameters
    ----------
    objs : Results, summary dict, or mapping of label to either
    variables : sequence of str
        Variable names; those absent from a summary are skipped.

    Returns
    -------
    pandas.DataFrame
        Columns scenario, variable, label (description), unit, year, p5, p25, p50, p75, p95
        [canonical unit]. Null quantiles (infinite values) are NaN.
    """
    rows = []
    for label, obj in labelled(objs).items():
        summary = summary_of(obj)
        for name in variables:
            q = summary["variables"].get(name)
            if q is None:
                continue
            for i, year in enumerate(summary["years"]):
                rows.append(
                    {
                        "scenario": label,
                        "variable": name,
                        "label": VARIABLES.get(name, (q.get("unit", ""), name))[1],
                        "unit": q.get("unit", ""),
                        "year": int(year),
                        **{k: _num(q[k][i]) for k in QUANTILE_KEYS},
                    }
                )
    columns = ["scenario", "variable", "label", "unit", "year", *QUANTILE_KEYS]
    return pd.DataFrame(rows, columns=columns)


def _num(x) -> float:
    return math.nan if x is None else float(x)


def history_frame(
    history: pd.DataFrame | None = None, *, frontier_only: bool = True, since: float | None = 2015.0
) -> pd.DataFrame:
    """Historical training runs as points for :func:`fan_chart`.

    Parameters
    ----------
    history : pandas.DataFrame, optional
        Columns ``model``, ``date``, ``training_flop`` and optionally ``organization`` and
        ``frontier``; the shipped table (``load_shipped("frontier_models")``) by default.
    frontier_only : bool
        Keep only rows flagged ``frontier``.
    since : float, optional
        First year shown [calendar year].

    Returns
    -------
    pandas.DataFrame
        Columns model, organization, date (ISO text), year (decimal) and training_flop [FLOP].
    """
    if history is None:
        from scalesim.calibrate.history import load_shipped

        history = load_shipped("frontier_models")
    frame = history.copy()
    if frontier_only and "frontier" in frame:
        frame = frame[frame["frontier"].astype(bool)]
    frame = frame[frame["training_flop"].notna() & (frame["training_flop"] > 0)]
    dates = pd.to_datetime(frame["date"])
    year = dates.dt.year + (dates.dt.day_of_year - 1) / 365.25
    out = pd.DataFrame(
        {
            "model": frame["model"].astype(str).to_numpy(),
            "organization": (
                frame["organization"].astype(str).to_numpy() if "organization" in frame else ""
            ),
            "date": dates.dt.strftime("%Y-%m-%d").to_numpy(),
            "year": year.to_numpy(dtype=float),
            "training_flop": frame["training_flop"].to_numpy(dtype=float),
        }
    )
    if since is not None:
        out = out[out["year"] >= since]
    return out.reset_index(drop=True)


# --- charts ---------------------------------------------------------------------------------


def _color(labels: list[str]) -> alt.Scale:
    return alt.Scale(domain=labels, range=list(SCENARIO_COLORS[: max(1, len(labels))]))


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
    """
    runs = labelled(objs)
    frame = quantile_frame(runs, [variable])
    frame = frame[frame["p50"] > 0]
    unit = VARIABLES.get(variable, ("",))[0]
    labels = list(runs)
    single = len(labels) == 1
    color = alt.Color(
        "scenario:N",
        scale=_color(labels),
        legend=None if single else alt.Legend(title=None, orient="top", columns=1, labelLimit=600),
    )
    y_title = f"{unit} (log scale)"
    base = alt.Chart(frame).encode(x=alt.X("year:Q", axis=_YEAR_AXIS, scale=alt.Scale(nice=False)))
    tooltip = [
        alt.Tooltip("scenario:N"),
        alt.Tooltip("year:Q", format="d"),
        alt.Tooltip("p5:Q", format=".2e", title="5%"),
        alt.Tooltip("p50:Q", format=".2e", title="median"),
        alt.Tooltip("p95:Q", format=".2e", title="95%"),
    ]
    outer = base.mark_area(opacity=0.18 if single else 0.12).encode(
        y=alt.Y("p5:Q", scale=alt.Scale(type="log"), axis=alt.Axis(title=y_title, **_LOG_AXIS)),
        y2="p95:Q",
        color=color,
    )
    inner = base.mark_area(opacity=0.3 if single else 0.2).encode(
        y="p25:Q", y2="p75:Q", color=color
    )
    median = base.mark_line(strokeWidth=2.5).encode(y="p50:Q", color=color, tooltip=tooltip)
    layers = [outer, inner, median]
    if history is not None and history is not False:
        points = history_frame() if history is True else history_frame(history, since=None)
        if len(points):
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
                        alt.Tooltip("training_flop:Q", format=".2e", title="FLOP"),
                    ],
                )
                .transform_calculate(kind="'historical frontier runs'")
            )
    subtitle = "median, 50% and 90% intervals" + (
        "; points: historical frontier training runs" if len(layers) > 3 else ""
    )
    chart = alt.layer(*layers).properties(
        title=alt.TitleParams(
            title or VARIABLES.get(variable, ("", variable))[1], subtitle=subtitle
        ),
        height=height,
    )
    return chart.properties(width=width) if width else chart


def budget_chart(
    obj: Any, *, title: str | None = None, height: int = 320, width: int | None = None
) -> alt.LayerChart:
    """Median compute budget for training beside the median ceiling of each constraint.

    The budget is ``training_flop`` (C_train) when summarised, else ``budget_flop``; the
    constraints are ``data_limited_flop`` and whichever of ``power_flop``, ``chips_flop`` and
    ``latency_flop`` the run has. ``largest_run_flop`` (their minimum) is drawn dashed.

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
    budget = "training_flop" if "training_flop" in present else "budget_flop"
    series = {budget: "compute budget (training)"}
    for name in CONSTRAINTS[1:]:
        var = CONSTRAINT_VARIABLE[name]
        if var in present:
            series[var] = f"{name} ceiling"
    frame = quantile_frame(summary, list(series))
    frame["series"] = frame["variable"].map(series)
    frame = frame[frame["p50"] > 0]
    domain = list(series.values())
    colors = [CONSTRAINT_COLORS["compute"]] + [
        CONSTRAINT_COLORS[v.split(" ")[0]] for v in domain[1:]
    ]
    color = alt.Color(
        "series:N",
        scale=alt.Scale(domain=domain, range=colors),
        legend=alt.Legend(title=None, orient="top", columns=2, labelLimit=300),
    )
    base = alt.Chart(frame).encode(x=alt.X("year:Q", axis=_YEAR_AXIS, scale=alt.Scale(nice=False)))
    band = base.mark_area(opacity=0.1).encode(
        y=alt.Y(
            "p25:Q",
            scale=alt.Scale(type="log"),
            axis=alt.Axis(title="FLOP (log scale)", **_LOG_AXIS),
        ),
        y2="p75:Q",
        color=color,
    )
    lines = base.mark_line(strokeWidth=2.5).encode(
        y="p50:Q",
        color=color,
        tooltip=[
            "series:N",
            alt.Tooltip("year:Q", format="d"),
            alt.Tooltip("p50:Q", format=".2e", title="median"),
            alt.Tooltip("p25:Q", format=".2e", title="25%"),
            alt.Tooltip("p75:Q", format=".2e", title="75%"),
        ],
    )
    layers = [band, lines]
    if "largest_run_flop" in present:
        largest = quantile_frame(summary, ["largest_run_flop"])
        largest = largest[largest["p50"] > 0]
        layers.append(
            alt.Chart(largest)
            .mark_line(strokeDash=[5, 4], color="#222222", strokeWidth=1.5)
            .encode(
                x="year:Q",
                y="p50:Q",
                tooltip=[
                    alt.Tooltip("year:Q", format="d"),
                    alt.Tooltip("p50:Q", format=".2e", title="largest run, median"),
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
    series = {
        "human_effective_tokens": "human stock with reuse (D_h)",
        "data_demand_tokens": "data demand (D_req)",
    }
    if (
        "available_tokens" in present
        and "human_effective_tokens" in present
        and (present["available_tokens"]["p50"] != present["human_effective_tokens"]["p50"])
    ):
        series["available_tokens"] = "with synthetic data (D)"
    frame = quantile_frame(summary, list(series))
    frame["series"] = frame["variable"].map(series)
    frame = frame[frame["p50"] > 0]
    domain = [v for k, v in series.items() if k in present]
    palette = {
        "human_effective_tokens": "#f58518",
        "data_demand_tokens": "#4c78a8",
        "available_tokens": "#b279a2",
    }
    color = alt.Color(
        "series:N",
        scale=alt.Scale(domain=domain, range=[palette[k] for k in series if k in present]),
        legend=alt.Legend(title=None, orient="top", columns=2, labelLimit=400),
    )
    base = alt.Chart(frame).encode(x=alt.X("year:Q", axis=_YEAR_AXIS, scale=alt.Scale(nice=False)))
    band = base.mark_area(opacity=0.15).encode(
        y=alt.Y(
            "p5:Q",
            scale=alt.Scale(type="log"),
            axis=alt.Axis(title="tokens (log scale)", **_LOG_AXIS),
        ),
        y2="p95:Q",
        color=color,
    )
    lines = base.mark_line(strokeWidth=2.5).encode(
        y="p50:Q",
        color=color,
        tooltip=[
            "series:N",
            alt.Tooltip("year:Q", format="d"),
            alt.Tooltip("p5:Q", format=".2e", title="5%"),
            alt.Tooltip("p50:Q", format=".2e", title="median"),
            alt.Tooltip("p95:Q", format=".2e", title="95%"),
        ],
    )
    chart = alt.layer(band, lines).properties(
        title=alt.TitleParams(
            title or "Human data stock versus data demand",
            subtitle="median and 90% band; the stock is used up where demand crosses it",
        ),
        height=height,
    )
    return chart.properties(width=width) if width else chart


def exhaustion_frame(obj: Any, bin_width: float = 0.25) -> tuple[pd.DataFrame, float]:
    """Histogram of the year the human stock is fully used.

    Parameters
    ----------
    obj : Results
        Uses the per-sample ``data_exhaustion_year`` when kept, else the mergeable
        exhaustion-year histogram (bins of 0.01 year).
    bin_width : float
        Width of the bars [year].

    Returns
    -------
    frame : pandas.DataFrame
        Columns start, end [calendar year], share (of all samples).
    share_never : float
        Share of samples that never exhaust the stock by the last year.
    """
    samples = int(obj.samples)
    per_sample = getattr(obj, "data_exhaustion_year", None)
    if per_sample is not None:
        finite = per_sample[np.isfinite(per_sample)]
        keys = np.floor(finite / bin_width).astype(np.int64)
        never = samples - finite.size
        uniq, counts = np.unique(keys, return_counts=True)
    else:
        from scalesim.summary import YEAR_BIN

        items = sorted(obj.exhaustion_counts.items())
        never = int(obj.exhaustion_never)
        if items:
            fine = np.array([k for k, _ in items], dtype=np.int64)
            weights = np.array([c for _, c in items], dtype=np.int64)
            # Bin centres avoid floating-point edge effects when regrouping 0.01-year bins.
            keys = np.floor((fine + 0.5) * YEAR_BIN / bin_width).astype(np.int64)
            uniq, inverse = np.unique(keys, return_inverse=True)
            counts = np.bincount(inverse, weights=weights).astype(np.int64)
        else:
            uniq = counts = np.zeros(0, dtype=np.int64)
    if len(uniq):
        # Empty bins as explicit zeros, so that lines and bars do not bridge gaps.
        full = np.arange(uniq[0], uniq[-1] + 1)
        dense = np.zeros(full.size, dtype=np.int64)
        dense[uniq - uniq[0]] = counts
        uniq, counts = full, dense
    frame = pd.DataFrame(
        {
            "start": uniq * bin_width,
            "end": (uniq + 1) * bin_width,
            "share": counts / samples if samples else counts * 0.0,
        }
    )
    return frame, (never / samples if samples else 0.0)


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
        scale=_color(labels),
        legend=None if single else alt.Legend(title=None, orient="top", columns=1, labelLimit=600),
    )
    if all(hasattr(o, "exhaustion_counts") for o in runs.values()):
        parts, nevers = [], []
        for label, obj in runs.items():
            frame, never = exhaustion_frame(obj, bin_width)
            frame["scenario"] = label
            parts.append(frame)
            nevers.append(f"{label}: {never:.1%}" if not single else f"{never:.1%}")
        frame = (
            pd.concat(parts, ignore_index=True)
            if parts
            else pd.DataFrame(columns=["start", "end", "share", "scenario"])
        )
        last = max(int(_years(o)[-1]) for o in runs.values())
        subtitle = f"never by {last}: " + "; ".join(nevers)
        x = alt.X(
            "start:Q",
            axis=alt.Axis(format="d", title="year the human stock is fully used"),
            scale=alt.Scale(zero=False),
        )
        y = alt.Y("share:Q", stack=None, axis=alt.Axis(format="%", title="share of samples"))
        tooltip = [
            "scenario:N",
            alt.Tooltip("start:Q", format=".2f", title="from"),
            alt.Tooltip("end:Q", format=".2f", title="to"),
            alt.Tooltip("share:Q", format=".2%", title="share"),
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


def _years(obj: Any) -> list[int]:
    """Projection years of a Results or a summary dict."""
    return list(obj.years) if hasattr(obj, "years") else list(obj["years"])


def binding_frame(obj: Any) -> pd.DataFrame:
    """Share of samples per binding constraint and year: columns year, constraint, share."""
    if hasattr(obj, "binding_frame"):
        return obj.binding_frame()
    summary = summary_of(obj)
    return pd.DataFrame(
        [
            {"year": int(y), "constraint": c, "share": float(s[i])}
            for c, s in summary["binding_constraint_share"].items()
            for i, y in enumerate(summary["years"])
        ],
        columns=["year", "constraint", "share"],
    )


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
    present = [c for c in CONSTRAINTS if c in set(frame["constraint"])]
    frame = frame.assign(order=frame["constraint"].map({c: i for i, c in enumerate(CONSTRAINTS)}))
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
                "constraint:N",
                sort=present,
                scale=alt.Scale(domain=present, range=[CONSTRAINT_COLORS[c] for c in present]),
                legend=alt.Legend(title="binding constraint", orient="top"),
            ),
            order=alt.Order("order:Q"),
            tooltip=[
                alt.Tooltip("year:Q", format="d"),
                "constraint:N",
                alt.Tooltip("share:Q", format=".1%"),
            ],
        )
        .properties(title=title or "Binding constraint: share of samples", height=height)
    )
    return chart.properties(width=width) if width else chart
