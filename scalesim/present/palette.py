"""Colours, legends and series of the charts, shared by the Altair builders
(:mod:`scalesim.present.plots`) and the web app's Vega-Lite specs (:mod:`scalesim.app.charts`).

Plain values only: nothing here imports Altair, which the web app avoids for speed. A
constraint's label and colour come from the ceiling registry (:mod:`scalesim.model.constraints`).
"""

from __future__ import annotations

from collections.abc import Mapping

from scalesim.model import constraints as registry

#: Colours of compared scenarios, in order: Okabe & Ito's palette for colour-blind readers
#: (blue, orange, bluish green, reddish purple, vermilion, sky blue), strong enough to tell
#: overlaid bands apart.
SCENARIO_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9")
#: Legend of compared scenarios: one row under the plot, line symbols at full strength
#: (the bands' own symbols would be as faint as the bands), long names kept.
COMPARE_LEGEND = {
    "title": None,
    "orient": "bottom",
    "direction": "horizontal",
    "labelLimit": 360,
    "symbolType": "stroke",
    "symbolStrokeWidth": 3,
    "symbolOpacity": 1,
}


def budget_series(present: Mapping) -> tuple[dict[str, str], list[str]]:
    """The series of the budget chart: ``{variable: label}`` and their colours, in registry
    order, of the ceilings whose variable is summarised (``present``).

    The compute ceiling is the training budget (``training_flop`` when summarised, else
    ``budget_flop``); every other ceiling is its own variable, labelled as the registry says.
    """
    budget = "training_flop" if "training_flop" in present else "budget_flop"
    series, colors = {}, []
    for ceiling in registry.ceilings():
        if ceiling.name == "compute":
            var, label = budget, "compute budget (training)"
        else:
            var, label = ceiling.variable, f"{ceiling.label} ceiling"
        if var in present:
            series[var] = label
            colors.append(ceiling.colour)
    return series, colors


def data_series(present: Mapping) -> tuple[dict[str, str], list[str]]:
    """The series of the data chart: ``{variable: label}`` of the human stock (D_h), the
    demand (D_req) and, when summarised and different from D_h, the tokens with synthetic
    data (D); and the colours of those of them that are summarised (``present``: variable
    -> its quantiles), in that order."""
    series = {
        "human_effective_tokens": "human stock with reuse (D_h)",
        "data_demand_tokens": "data demand (D_req)",
    }
    if (
        "available_tokens" in present
        and "human_effective_tokens" in present
        and present["available_tokens"]["p50"] != present["human_effective_tokens"]["p50"]
    ):
        series["available_tokens"] = "with synthetic data (D)"
    colors = {
        "human_effective_tokens": registry.colour("data"),
        "data_demand_tokens": registry.colour("compute"),
        "available_tokens": "#b279a2",
    }
    return series, [colors[k] for k in series if k in present]
