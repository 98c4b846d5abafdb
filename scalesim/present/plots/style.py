"""Colour scales and axes shared by the chart builders (scalesim.present.plots).

The colours themselves are in :mod:`scalesim.present.palette` (no Altair, shared with the web
app). A constraint's label and colour come from the ceiling registry
(:mod:`scalesim.model.constraints`), so that it looks the same in every chart.
"""

from __future__ import annotations

import altair as alt

from scalesim.model import constraints as registry
from scalesim.present.palette import SCENARIO_COLORS
from scalesim.present.text import constraint_label, constraint_order

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
