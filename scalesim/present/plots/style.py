"""Colours and axes shared by the chart builders (scalesim.present.plots).

A constraint's label and colour come from the ceiling registry
(:mod:`scalesim.model.constraints`), so that it looks the same in every chart.
"""

from __future__ import annotations

import altair as alt

from scalesim.model import constraints as registry
from scalesim.present.text import constraint_label, constraint_order

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
#: Axis formats (d3-format, applied by Vega when it draws the ticks).
_LOG_AXIS = {"format": "~e", "tickCount": 8}
_YEAR_AXIS = alt.Axis(format="d", title="year")


def scenario_scale(labels: list[str]) -> alt.Scale:
    return alt.Scale(domain=labels, range=list(SCENARIO_COLORS[: max(1, len(labels))]))


def constraint_scale(names) -> tuple[list[str], alt.Scale]:
    """The labels of the constraints ``names`` in registry order, and the colour scale that
    maps each label to its registry colour."""
    ordered = constraint_order(names)
    labels = [constraint_label(n) for n in ordered]
    return labels, alt.Scale(domain=labels, range=[registry.colour(n) for n in ordered])
