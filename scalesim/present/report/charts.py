"""Charts of the report that the shared builders (:mod:`scalesim.present.plots`) do not draw,
sized for the printed page and labelled in words (no symbols), and the variables a report
run summarises.
"""

from __future__ import annotations

import math

import altair as alt
import numpy as np
import pandas as pd

from scalesim.engine.run import present_variables
from scalesim.present import text
from scalesim.present.plots.data import history_frame
from scalesim.present.report.page import PAGE_WIDTH

#: Variables the report does not show: the data-wall equivalent costs most of a run's time
#: (a root-find per sample and year) and appears nowhere in the report.
NOT_SUMMARISED = ("data_wall_equivalent_flop",)

#: Vega expression writing a power of ten as ``10`` and superscript digits (``10²⁷``).
_SUPERSCRIPT_EXPR = (
    "'10' + "
    + "replace(" * 11
    + "format(round(log(datum.value) / LN10), 'd')"
    + "".join(f", /{d}/g, '{s}')" for d, s in zip("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻", strict=True))
)


def _legend(**kw) -> alt.Legend:
    """A legend above the plot whose symbols are the lines, at full colour (not the bands'
    pale fill)."""
    return alt.Legend(
        title=None,
        orient="top",
        labelLimit=500,
        symbolType="stroke",
        symbolStrokeWidth=3,
        symbolOpacity=1,
        **kw,
    )


def summarised(scenario) -> list[str]:
    """The variables a report run of ``scenario`` summarises: all it has but
    :data:`NOT_SUMMARISED`."""
    return [v for v in present_variables(scenario) if v not in NOT_SUMMARISED]


def powers(lo: float, hi: float, most: int = 8) -> list[float]:
    """Whole powers of ten spanning ``lo`` to ``hi``, every k-th so that at most ``most``.

    Examples
    --------
    >>> powers(3e13, 2e17)
    [10000000000000.0, 100000000000000.0, 1000000000000000.0, 1e+16, 1e+17, 1e+18]
    >>> len(powers(1e20, 1e32)) <= 8
    True
    """
    a, b = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    step = max(1, math.ceil((b - a + 1) / most))
    return [10.0**e for e in range(a, b + 1, step)]


def log_axis(title: str, lo: float, hi: float) -> alt.Axis:
    """A log-scale axis labelled at whole powers of ten as ``10²⁷``."""
    return alt.Axis(title=title, labelExpr=_SUPERSCRIPT_EXPR, values=powers(lo, hi), grid=True)


def _range(data: pd.DataFrame, columns) -> tuple[float, float]:
    values = data[list(columns)].to_numpy(dtype=float)
    values = values[np.isfinite(values) & (values > 0)]
    return float(values.min()), float(values.max())


def _quantile_rows(summary: dict, variables: dict[str, str]) -> pd.DataFrame:
    rows = []
    for var, label in variables.items():
        q = summary["variables"].get(var)
        if q is None:
            continue
        for i, year in enumerate(summary["years"]):
            values = {k: q[k][i] for k in ("p5", "p25", "p50", "p75", "p95")}
            if any(v is None or not v > 0 for v in values.values()):
                continue
            rows.append({"series": label, "year": year, **values})
    return pd.DataFrame(rows, columns=["series", "year", "p5", "p25", "p50", "p75", "p95"])


def run_chart(
    summary: dict, *, history: bool = True, width: int = PAGE_WIDTH, height: int = 220
) -> alt.LayerChart:
    """The largest feasible run: median with 50% and 90% bands on a log axis labelled in
    powers of ten, and the historical frontier runs as points."""
    data = _quantile_rows(summary, {"largest_run_flop": "largest feasible run"})
    lo, hi = _range(data, ("p5", "p95"))
    layers = []
    points = None
    if history:
        points = history_frame()
        points = points[points["year"] >= 2016]
        if len(points):
            lo = min(lo, float(points["training_flop"].min()))
    scale = alt.Scale(type="log", domain=[powers(lo, hi)[0], powers(lo, hi)[-1]], nice=False)
    x = alt.X(
        "year:Q", title=None, axis=alt.Axis(format="d", grid=False), scale=alt.Scale(nice=False)
    )
    base = alt.Chart(data).encode(x=x)
    y_axis = log_axis("training compute, FLOP (log scale)", lo, hi)
    layers.append(
        base.mark_area(opacity=0.16, color="#2f5d8a").encode(
            y=alt.Y("p5:Q", scale=scale, axis=y_axis), y2="p95:Q"
        )
    )
    layers.append(base.mark_area(opacity=0.3, color="#2f5d8a").encode(y="p25:Q", y2="p75:Q"))
    layers.append(base.mark_line(strokeWidth=2.5, color="#1f3f61").encode(y="p50:Q"))
    if points is not None and len(points):
        layers.append(
            alt.Chart(points)
            .mark_point(filled=True, size=30, color="#222222", opacity=0.75)
            .encode(x="year:Q", y=alt.Y("training_flop:Q", scale=scale))
        )
    subtitle = "median (line), 50% and 90% intervals (bands)" + (
        "; dots: historical frontier training runs" if points is not None else ""
    )
    return alt.layer(*layers).properties(
        width=width,
        height=height,
        title=alt.TitleParams("Largest feasible training run", subtitle=subtitle),
    )


def data_chart(summary: dict, *, width: int = PAGE_WIDTH, height: int = 210) -> alt.LayerChart:
    """Public human text (with reuse) beside the text the largest run would need: medians
    with 90% bands on a log axis, and a dashed line at the median year the text is fully
    used."""
    names = {
        "human_effective_tokens": "public human text available (with reuse)",
        "data_demand_tokens": "text a compute-optimal run would need",
    }
    data = _quantile_rows(summary, names)
    lo, hi = _range(data, ("p5", "p95"))
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=list(names.values()), range=["#2f5d8a", "#d9822b"]),
        legend=_legend(),
    )
    x = alt.X(
        "year:Q", title=None, axis=alt.Axis(format="d", grid=False), scale=alt.Scale(nice=False)
    )
    scale = alt.Scale(type="log", domain=[powers(lo, hi)[0], powers(lo, hi)[-1]], nice=False)
    y = alt.Y("p50:Q", scale=scale, axis=log_axis("tokens (log scale)", lo, hi))
    base = alt.Chart(data).encode(x=x, color=colour)
    band = base.mark_area(opacity=0.18).encode(y=alt.Y("p5:Q", scale=scale), y2="p95:Q")
    line = base.mark_line(strokeWidth=2.5).encode(y=y)
    layers = [band, line]
    used = summary["data_exhaustion_year"]["p50"]
    if used is not None:
        mark = pd.DataFrame(
            {"year": [used], "label": [f"fully used around {text.calendar_year(used)}"]}
        )
        rule = alt.Chart(mark).mark_rule(strokeDash=[4, 3], color="#444").encode(x="year:Q")
        late = used > (summary["years"][0] + summary["years"][-1]) / 2  # label left of the line
        label = (
            alt.Chart(mark)
            .mark_text(
                align="right" if late else "left",
                dx=-5 if late else 5,
                baseline="top",
                color="#444",
                fontSize=11,
            )
            .encode(x="year:Q", y=alt.value(4), text="label:N")
        )
        layers += [rule, label]
    return alt.layer(*layers).properties(
        width=width,
        height=height,
        title=alt.TitleParams(
            "Public human text and the text the largest run would need",
            subtitle="medians (lines) and 90% intervals (bands)",
        ),
    )


def _log_scale(lo: float, hi: float) -> alt.Scale:
    ticks = powers(lo, hi)
    return alt.Scale(type="log", domain=[ticks[0], ticks[-1]], nice=False)


def _year_x() -> alt.X:
    return alt.X(
        "year:Q", title=None, axis=alt.Axis(format="d", grid=False), scale=alt.Scale(nice=False)
    )


def ceilings_chart(summary: dict, *, width: int = PAGE_WIDTH, height: int = 220) -> alt.LayerChart:
    """The compute the spending buys beside the ceiling each constraint sets (medians, with
    50% bands), named and coloured as the ceiling registry says; the largest run (their
    minimum) dashed."""
    from scalesim.model import constraints as registry

    present = summary["variables"]
    budget = "training_flop" if "training_flop" in present else "budget_flop"
    names, colours = {}, []
    for ceiling in registry.ceilings():
        var = budget if ceiling.name == "compute" else ceiling.variable
        if var in present:
            names[var] = (
                "compute the spending buys"
                if ceiling.name == "compute"
                else f"{ceiling.label.lower()} ceiling"
            )
            colours.append(ceiling.colour)
    data = _quantile_rows(summary, names)
    largest = _quantile_rows(summary, {"largest_run_flop": "largest feasible run"})
    lo, hi = _range(pd.concat([data, largest]), ("p25", "p75", "p50"))
    scale = _log_scale(lo, hi)
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=list(names.values()), range=colours),
        legend=_legend(),
    )
    base = alt.Chart(data).encode(x=_year_x(), color=colour)
    band = base.mark_area(opacity=0.15).encode(
        y=alt.Y("p25:Q", scale=scale, axis=log_axis("FLOP (log scale)", lo, hi)), y2="p75:Q"
    )
    lines = base.mark_line(strokeWidth=2.2).encode(y=alt.Y("p50:Q", scale=scale))
    dashed = (
        alt.Chart(largest)
        .mark_line(strokeDash=[5, 4], color="#222222", strokeWidth=1.5)
        .encode(x=_year_x(), y=alt.Y("p50:Q", scale=scale))
    )
    return alt.layer(band, lines, dashed).properties(
        width=width,
        height=height,
        title=alt.TitleParams(
            "The compute the spending buys and the ceiling each constraint sets",
            subtitle="medians and 50% bands; dashed: the largest feasible run, the lowest of them",
        ),
    )


#: Colours of compared scenarios, in order (dark enough to tell apart in print).
SCENARIO_COLOURS = ("#1f4e79", "#c55a11", "#2e7d32", "#8e24aa", "#6d4c41", "#00838f")


def comparison_chart(
    summaries, *, width: int = PAGE_WIDTH, height: int = 230, variable: str = "largest_run_flop"
) -> alt.LayerChart:
    """The largest feasible run of each scenario: medians with 50% bands, one colour each."""
    frames = []
    for s in summaries:
        name = s["scenario"]["name"]
        while any(name == f["series"].iloc[0] for f in frames if len(f)):
            name += " (again)"
        frames.append(_quantile_rows(s, {variable: name}))
    data = pd.concat(frames, ignore_index=True)
    lo, hi = _range(data, ("p25", "p75"))
    scale = _log_scale(lo, hi)
    labels = list(dict.fromkeys(data["series"]))
    colour = alt.Color(
        "series:N",
        scale=alt.Scale(domain=labels, range=list(SCENARIO_COLOURS[: len(labels)])),
        legend=_legend(columns=1),
    )
    base = alt.Chart(data).encode(x=_year_x(), color=colour)
    band = base.mark_area(opacity=0.14).encode(
        y=alt.Y("p25:Q", scale=scale, axis=log_axis("FLOP (log scale)", lo, hi)), y2="p75:Q"
    )
    lines = base.mark_line(strokeWidth=2.5).encode(y=alt.Y("p50:Q", scale=scale))
    return alt.layer(band, lines).properties(
        width=width,
        height=height,
        title=alt.TitleParams(
            "Largest feasible training run by scenario", subtitle="medians and 50% bands"
        ),
    )
