"""Colours and axes shared by the chart builders (scalesim.plots, scalesim.plots_years)."""

from __future__ import annotations

import altair as alt

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
_LOG_AXIS = {"format": "~e", "tickCount": 8}
_YEAR_AXIS = alt.Axis(format="d", title="year")


def scenario_scale(labels: list[str]) -> alt.Scale:
    return alt.Scale(domain=labels, range=list(SCENARIO_COLORS[: max(1, len(labels))]))
