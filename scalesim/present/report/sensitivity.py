"""One-at-a-time sensitivity of the policy report: swings, table and tornado chart."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd

from scalesim.engine.run import run
from scalesim.model.parameters import spec_for
from scalesim.present.report.data import SWING, _num, _unit, format_value
from scalesim.scenario.loader import Scenario

SENSITIVITY_COLUMNS = (
    "parameter",
    "meaning",
    "unit",
    "low",
    "high",
    "median at low",
    "median at high",
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
    """One-at-a-time swings of each uncertain prior on the median of ``variable`` in ``year``.

    Each uncertain prior in turn is fixed at its 5th and then its 95th percentile (written into
    the scenario as a plain number in canonical units) and the scenario is run again with the
    same samples and seed. Every parameter has its own random stream, so the other priors'
    draws are unchanged (common random numbers) and the swing is the effect of that prior
    alone, not Monte Carlo noise.

    Parameters
    ----------
    scenario : Scenario
    samples, seed : int, optional
        As for :func:`scalesim.run` (the scenario's by default).
    year : int
        Year of the output [calendar year].
    variable : str
        Output variable; summarised quantile p50 [its unit].

    Returns
    -------
    frame : pandas.DataFrame
        One row per uncertain prior, largest swing first: parameter, meaning, unit, low and
        high (the prior's 5th and 95th percentiles [its unit]), median at low and at high
        [variable's unit], swing (|log10(high / low)| [orders of magnitude]).
    base : float
        Median of ``variable`` in ``year`` with every prior uncertain [variable's unit].
    """
    i = scenario.year_list.index(year)

    def median(sc: Scenario) -> float:
        res = run(sc, samples=samples, seed=seed, keep="none", summarize=[variable])
        return res.quantiles(variable)["p50"][i]

    base = median(scenario)
    rows = []
    for key, prior in scenario.priors.items():
        if prior.is_fixed:
            continue
        lo, hi = (prior.ppf(q) for q in SWING)
        at_lo = median(scenario.with_overrides({key: lo}))
        at_hi = median(scenario.with_overrides({key: hi}))
        ok = at_lo > 0 and at_hi > 0 and math.isfinite(at_lo) and math.isfinite(at_hi)
        spec = spec_for(key)
        rows.append(
            {
                "parameter": key,
                "meaning": spec.description if spec else "",
                "unit": _unit(prior.unit),
                "low": lo,
                "high": hi,
                "median at low": at_lo,
                "median at high": at_hi,
                "swing": abs(math.log10(at_hi / at_lo)) if ok else math.nan,
            }
        )
    frame = pd.DataFrame(rows, columns=SENSITIVITY_COLUMNS)
    frame = frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)
    return frame, base


def sensitivity_table(frame: pd.DataFrame) -> pd.DataFrame:
    """:func:`sensitivity`'s frame formatted for display."""
    out = frame[["parameter", "unit"]].copy()
    out["prior 5%"] = frame["low"].map(_num)
    out["prior 95%"] = frame["high"].map(_num)
    out["median at 5% [FLOP]"] = frame["median at low"].map(lambda x: format_value(x, "sci"))
    out["median at 95% [FLOP]"] = frame["median at high"].map(lambda x: format_value(x, "sci"))
    out["swing [orders of magnitude]"] = frame["swing"].map(lambda x: f"{x:.2f}")
    return out


def tornado_chart(
    frame: pd.DataFrame, base: float, *, title: str, width: int = 560
) -> alt.LayerChart:
    """Tornado diagram of :func:`sensitivity`: bars from the base median to the median with
    each prior at its 5th and 95th percentile, on a log axis [FLOP]."""
    rows = []
    for r in frame.to_dict("records"):
        for end, value in (
            ("prior at 5th percentile", r["median at low"]),
            ("prior at 95th percentile", r["median at high"]),
        ):
            if value > 0 and math.isfinite(value):
                rows.append({"parameter": r["parameter"], "end": end, "from": base, "to": value})
    data = pd.DataFrame(rows, columns=["parameter", "end", "from", "to"])
    order = list(frame["parameter"])
    y = alt.Y("parameter:N", sort=order, title=None, axis=alt.Axis(labelLimit=320))
    bars = (
        alt.Chart(data)
        .mark_bar(opacity=0.85, height=12)
        .encode(
            x=alt.X(
                "from:Q",
                scale=alt.Scale(type="log"),
                axis=alt.Axis(format="~e", title="median largest run [FLOP] (log scale)"),
            ),
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
