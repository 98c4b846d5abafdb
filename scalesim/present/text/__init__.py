"""Every number shown to people, formatted in one place; and the text summary of a run.

The CLI, the web app, the charts' tooltips and the policy report format numbers only through
the functions here, so that a figure reads the same everywhere. The conventions:

- **Prose and headline figures** (:func:`number`, :func:`quantity`, :func:`interval`,
  :func:`median_interval`): ``digits`` significant digits (3 by default), trailing zeros
  dropped; positional between 0.001 and 100,000 (thousands separated by commas), scientific
  outside it with a bare exponent: ``1.23e29``, ``4.5e-7`` (no ``+``, no leading zeros).
- **Shares** (:func:`share`): percent, whole by default: ``33%``.
- **Years** (:func:`year`): one decimal (``2028.7``); a year that never comes is ``never``,
  or ``after 2050`` when the last projected year is given.
- **Counts** (:func:`count`): integers with thousands separators: ``20,000``.
- **Aligned columns** of the CLI's text tables: :func:`column_number` (always scientific,
  ``3.62e+26``, as ``scalesim run`` has always printed it) and :func:`decimal` (a fixed
  number of decimals, so a column lines up on the point).
- **Parameter values** as a scenario file or the parameter reference writes them
  (:func:`literal`): Python's ``g`` with 4 significant digits, ``1.1e+14``.

Missing values (None, NaN) are ``–`` (an en dash) everywhere; an infinite value is ``∞``
(``inf`` in the CLI's aligned columns). Labels of the constraints come from the ceiling
registry (:func:`constraint_label`, :func:`constraint_order`).

**Figures in words and human units** for the report and the app (:mod:`.words`): ``2.8 ×
10^30 FLOP``, ``$240 billion``, ``6 months``, ``35%``, ``from 2027 to 2031``, in plain text,
with Unicode superscripts, or as HTML that never breaks inside a figure.

The formatters live in three modules, all re-exported here: :mod:`.numbers` (numbers, shares,
years, intervals, constraint names), :mod:`.words` (words and human units) and :mod:`.summary`
(the text summaries of ``scalesim run`` and ``scalesim sensitivity``).
"""

from __future__ import annotations

from scalesim.present.text.numbers import (
    INFINITE,
    MISSING,
    POSITIONAL,
    column_number,
    constraint_label,
    constraint_order,
    count,
    decimal,
    interval,
    literal,
    median_interval,
    number,
    quantity,
    share,
    year,
)
from scalesim.present.text.summary import (
    MILESTONE_YEARS,
    TABLE_VARIABLES,
    format_sensitivity,
    format_summary,
    milestone_lines,
    milestone_years,
    summary_table,
    table_years,
)
from scalesim.present.text.words import (
    NO_LIMIT,
    SECONDS,
    STYLES,
    calendar_year,
    human,
    human_interval,
    join,
    percent,
    power_of_ten,
    scientific,
    year_interval,
)

__all__ = [
    "INFINITE",
    "MILESTONE_YEARS",
    "MISSING",
    "NO_LIMIT",
    "POSITIONAL",
    "SECONDS",
    "STYLES",
    "TABLE_VARIABLES",
    "calendar_year",
    "column_number",
    "constraint_label",
    "constraint_order",
    "count",
    "decimal",
    "format_sensitivity",
    "format_summary",
    "human",
    "human_interval",
    "interval",
    "join",
    "literal",
    "median_interval",
    "milestone_lines",
    "milestone_years",
    "number",
    "percent",
    "power_of_ten",
    "quantity",
    "scientific",
    "share",
    "summary_table",
    "table_years",
    "year",
    "year_interval",
]
