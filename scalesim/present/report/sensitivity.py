"""One-at-a-time sensitivity of the policy report: swings, table and tornado chart.

The swings are those of ``scalesim sensitivity --method oat``: one definition, in
:mod:`scalesim.analysis.sensitivity` (each uncertain prior in turn at its 5th and 95th
percentile while every other prior is at its median; the swing is |log10 Y_95 − log10 Y_5|),
computed by :func:`scalesim.analysis.sensitivity.oat_swings` through the engine's
:func:`scalesim.engine.run.evaluate`. This module only lays them out.
"""

from __future__ import annotations

import math
import re

import altair as alt
import pandas as pd

from scalesim.analysis.sensitivity import oat_swings
from scalesim.model.parameters import spec_for
from scalesim.model.variables import VARIABLES
from scalesim.present import text
from scalesim.present.report.appendix import kind_of
from scalesim.present.report.page import Html, table
from scalesim.scenario.loader import Scenario

SENSITIVITY_COLUMNS = (
    "parameter",
    "meaning",
    "unit",
    "low",
    "high",
    "value at low",
    "value at high",
    "swing",
)


def sensitivity(
    scenario: Scenario,
    *,
    samples: int | None = None,
    seed: int | None = None,
    year: int = 2030,
    variable: str = "largest_run_flop",
) -> tuple[pd.DataFrame, float]:
    """One-at-a-time swings of each uncertain prior on ``variable`` in ``year``.

    Each uncertain prior in turn is set to its 5th and then its 95th percentile while every
    other prior is at its median (the OAT of :mod:`scalesim.analysis.sensitivity`, the same
    numbers ``scalesim sensitivity --method oat`` prints).

    Parameters
    ----------
    scenario : Scenario
    samples, seed : int, optional
        Accepted for compatibility and ignored: OAT evaluates the model at chosen points
        and draws no samples.
    year : int
        Year of the output [calendar year].
    variable : str
        Output variable [its unit].

    Returns
    -------
    frame : pandas.DataFrame
        One row per uncertain prior, largest swing first: parameter, meaning, unit, low and
        high (the prior's 5th and 95th percentiles [its unit]), value at low and at high
        (``variable`` with the prior there and every other at its median [variable's
        unit]), swing (|log10(value at high / value at low)| [orders of magnitude]).
        ``frame.attrs`` holds ``variable``, ``unit`` and ``year``.
    base : float
        ``variable`` in ``year`` with every prior at its median [variable's unit].
    """
    del samples, seed  # OAT draws nothing
    oat = oat_swings(scenario, variable, year)
    rows = []
    for i in oat.order():
        key = oat.parameters[i]
        spec = spec_for(key)
        rows.append(
            {
                "parameter": key,
                "meaning": spec.description if spec else "",
                "unit": _unit(scenario.priors[key].unit),
                "low": float(oat.prior_p5[i]),
                "high": float(oat.prior_p95[i]),
                "value at low": _exp10(oat.low[i]),
                "value at high": _exp10(oat.high[i]),
                "swing": float(oat.swing[i]),
            }
        )
    frame = pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)
    frame.attrs.update(variable=variable, unit=VARIABLES[variable][0], year=int(year))
    return frame, _exp10(oat.centre)


def _unit(unit: str) -> str:
    return "1" if unit == "dimensionless" else unit


def _num(x: float) -> str:
    """A prior's value as the parameter reference writes it (``inf (none)`` for no ceiling)."""
    return text.literal(x)


def _sci(x: float) -> str:
    return text.number(x)


def _exp10(x: float) -> float:
    try:
        return math.pow(10.0, float(x))
    except OverflowError:
        return math.inf


def sensitivity_table(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`sensitivity`'s frame formatted for display (swings to 2 decimals, as
    ``scalesim sensitivity`` prints them)."""
    unit = frame.attrs.get("unit", "FLOP")
    out = frame[["parameter", "unit"]].copy()
    out["prior 5%"] = frame["low"].map(_num)
    out["prior 95%"] = frame["high"].map(_num)
    out[f"at prior 5% [{unit}]"] = frame["value at low"].map(_sci)
    out[f"at prior 95% [{unit}]"] = frame["value at high"].map(_sci)
    out["swing [orders of magnitude]"] = frame["swing"].map(lambda x: text.decimal(x, 2))
    return out


def short_label(key: str) -> str:
    """A parameter's name in a few words, for a chart axis: its meaning up to the first
    clause, with the data source it belongs to."""
    spec = spec_for(key) or spec_for(key.rsplit(".", 1)[0])
    words = spec.description if spec else key.rsplit(".", 1)[-1].replace("_", " ")
    head = re.split(r" \(|; |, | = ", words)[0].rstrip(".")
    head = head if len(head) <= 58 else head[:55].rstrip() + "…"
    parts = key.split(".")
    if len(parts) == 4 and parts[:2] == ["data", "sources"]:
        head += f" ({parts[2].replace('_', ' ')})"
    elif spec is not None and spec.path != key and spec_for(key) is None:
        head += f" ({parts[-1].replace('_', ' ')})"
    return head


#: Swings below this are left out of the report's table and chart [orders of magnitude].
SMALLEST_SWING = 0.005


def words_table(frame: pd.DataFrame, scenario: Scenario, rows: int = 8) -> Html:
    """The largest swings of :func:`sensitivity` in words and human units (no key paths)."""
    unit = frame.attrs.get("unit", "FLOP")
    out = []
    shown = frame[frame["swing"] >= SMALLEST_SWING].head(rows)
    for r in shown.to_dict("records"):
        key = r["parameter"]
        prior_unit = "year" if key.endswith(".half_life") else scenario.priors[key].unit
        out.append(
            [
                short_label(key),
                text.human_interval(
                    r["low"], r["high"], prior_unit, style="html", kind=kind_of(key)
                ),
                text.human(r["value at low"], unit, style="html"),
                text.human(r["value at high"], unit, style="html"),
                text.decimal(r["swing"], 2),
            ]
        )
    head = [
        "Assumption",
        "From its 5th to its 95th percentile",
        "Result at the 5th",
        "Result at the 95th",
        "Swing (orders of magnitude)",
    ]
    rest = len(frame) - len(shown)
    note = (
        f'<p class="table-note">The other {rest} uncertain assumptions move it by less than '
        f"{text.decimal(SMALLEST_SWING, 3)} orders of magnitude each.</p>"
        if rest
        else ""
    )
    return Html(table(head, out, css="sensitivity-words") + note)


def tornado_chart(
    frame: pd.DataFrame,
    base: float,
    *,
    title: str,
    width: int = 560,
    labels: bool = False,
    rows: int | None = None,
) -> alt.LayerChart:
    """Tornado diagram of :func:`sensitivity`: bars from the value with every prior at its
    median to the value with one prior at its 5th and 95th percentile, on a log axis.
    ``labels``: name the parameters in words rather than by key path; ``rows``: only the
    largest swings."""
    variable = frame.attrs.get("variable", "largest_run_flop").replace("_", " ")
    unit = frame.attrs.get("unit", "FLOP")
    if rows is not None:
        frame = frame[frame["swing"] >= SMALLEST_SWING].head(rows)
    if labels:
        names = [short_label(k) for k in frame["parameter"]]
        names = [
            n if names.count(n) == 1 else f"{n} [{k}]"
            for n, k in zip(names, frame["parameter"], strict=True)
        ]
        frame = frame.assign(parameter=names)
        variable = "largest feasible run" if variable == "largest run flop" else variable
    rows = []
    for r in frame.to_dict("records"):
        for end, value in (
            ("prior at 5th percentile", r["value at low"]),
            ("prior at 95th percentile", r["value at high"]),
        ):
            if value > 0 and math.isfinite(value):
                rows.append({"parameter": r["parameter"], "end": end, "from": base, "to": value})
    data = pd.DataFrame(rows, columns=["parameter", "end", "from", "to"])
    order = list(frame["parameter"])
    x_title = (
        f"{variable} [{unit}] (log scale)" if not labels else f"{variable}, {unit} (log scale)"
    )
    x_scale, x_axis = alt.Scale(type="log"), alt.Axis(format="~e", title=x_title)
    ends = [v for v in [*data["from"], *data["to"]] if v > 0 and math.isfinite(v)]
    if labels and ends:
        from scalesim.present.report.charts import log_axis, powers

        ticks = powers(min(ends), max(ends))
        x_scale = alt.Scale(type="log", domain=[ticks[0], ticks[-1]], nice=False)
        x_axis = log_axis(x_title, min(ends), max(ends))
    y = alt.Y("parameter:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    bars = (
        alt.Chart(data)
        .mark_bar(opacity=0.85, height=12)
        .encode(
            x=alt.X("from:Q", scale=x_scale, axis=x_axis),
            x2="to:Q",
            y=y,
            color=alt.Color(
                "end:N",
                scale=alt.Scale(range=["#4c78a8", "#f58518"]),
                legend=alt.Legend(title=None, orient="top"),
            ),
        )
    )
    rule = (
        alt.Chart(pd.DataFrame({"x": [base]}))
        .mark_rule(color="#222222", strokeDash=[4, 3])
        .encode(x="x:Q")
    )
    return alt.layer(bars, rule).properties(
        title=title, width=width, height=max(80, 24 * len(order))
    )
