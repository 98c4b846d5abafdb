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
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

import pandas as pd

from scalesim.engine.results import Results
from scalesim.model import constraints as registry
from scalesim.model.variables import TABLE_YEARS, VARIABLES

#: Shown for a missing value (None or NaN).
MISSING = "–"
#: Shown for an infinite value.
INFINITE = "∞"
#: Smallest and largest magnitudes :func:`number` writes without an exponent.
POSITIONAL = (1e-3, 1e5)

TABLE_VARIABLES = ("largest_run_flop", "effective_compute_flop")


# --- numbers ----------------------------------------------------------------------------------


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _trim(digits: str) -> str:
    """``2.50`` -> ``2.5``, ``1.00`` -> ``1``, ``300`` stays."""
    return digits.rstrip("0").rstrip(".") if "." in digits else digits


def number(x: float | None, digits: int = 3) -> str:
    """A number for people: ``digits`` significant digits, scientific when very large or small.

    Parameters
    ----------
    x : float or None
    digits : int
        Significant digits (at least 1); trailing zeros are dropped.

    Returns
    -------
    str
        ``–`` for None or NaN, ``∞`` (``-∞``) for an infinity.

    Examples
    --------
    >>> number(1.2345e29)
    '1.23e29'
    >>> number(1e29), number(4.5e-7), number(-2.5e-8, 2)
    ('1e29', '4.5e-7', '-2.5e-8')
    >>> number(2.654), number(316.23), number(12345.6), number(0.00123)
    ('2.65', '316', '12,300', '0.00123')
    >>> number(99999.9)  # rounds to 1.00e5, which is written in scientific form
    '1e5'
    >>> number(None), number(float("nan")), number(float("inf")), number(0)
    ('–', '–', '∞', '0')
    """
    if _missing(x):
        return MISSING
    x = float(x)
    if math.isinf(x):
        return INFINITE if x > 0 else "-" + INFINITE
    if x == 0:
        return "0"
    digits = max(1, int(digits))
    mantissa, exponent = f"{x:.{digits - 1}e}".split("e")
    power = int(exponent)
    if POSITIONAL[0] <= abs(float(f"{mantissa}e{power}")) < POSITIONAL[1]:
        return _trim(f"{float(f'{mantissa}e{power}'):,.{max(0, digits - 1 - power)}f}")
    return f"{_trim(mantissa)}e{power}"


def quantity(x: float | None, unit: str, digits: int = 3) -> str:
    """A number with its unit: ``2.1e27 FLOP``.

    Parameters
    ----------
    x : float or None
    unit : str
        Unit written after the number; none for ``""``, ``"1"`` or ``"dimensionless"``.
    digits : int
        Significant digits (see :func:`number`).

    Returns
    -------
    str
        The unit is left out when the number is missing (``–``) or infinite (``∞``).

    Examples
    --------
    >>> quantity(2.14e27, "FLOP", 2), quantity(316.2, "million USD")
    ('2.1e27 FLOP', '316 million USD')
    >>> quantity(0.375, "dimensionless"), quantity(None, "FLOP"), quantity(math.inf, "FLOP")
    ('0.375', '–', '∞')
    """
    text = number(x, digits)
    if _missing(x) or math.isinf(float(x)) or unit in ("", "1", "dimensionless"):
        return text
    return f"{text} {unit}"


def share(x: float | None, digits: int = 0) -> str:
    """A share as a percentage with ``digits`` decimals.

    Examples
    --------
    >>> share(0.3333), share(0.0031, 1), share(1.0), share(0.0)
    ('33%', '0.3%', '100%', '0%')
    >>> share(None), share(float("nan")), share(-1e-9)
    ('–', '–', '0%')
    """
    if _missing(x):
        return MISSING
    x = float(x)
    if math.isinf(x):
        return (INFINITE if x > 0 else "-" + INFINITE) + "%"
    text = f"{x:.{digits}%}"
    # A tiny negative share (rounding noise) is not "-0%".
    return text[1:] if text.startswith("-") and float(text[1:-1]) == 0 else text


def year(x: float | None, last: int | None = None, places: int = 1) -> str:
    """A fractional calendar year to one decimal; one that never comes is ``never``.

    Parameters
    ----------
    x : float or None
        The year; None, NaN or infinity when the event does not happen by the last year.
    last : int, optional
        Last projected year: the missing year is then ``after <last>``.
    places : int
        Decimals (no thousands separator: a year is not a count).

    Examples
    --------
    >>> year(2028.66), year(2030), year(2028.25, places=2)
    ('2028.7', '2030.0', '2028.25')
    >>> year(None), year(None, 2050), year(float("inf"), 2050), year(float("nan"))
    ('never', 'after 2050', 'after 2050', 'never')
    """
    if _missing(x) or math.isinf(float(x)):
        return "never" if last is None else f"after {last}"
    return f"{float(x):.{places}f}"


def count(n: int | float | None) -> str:
    """A count with thousands separators.

    Examples
    --------
    >>> count(20000), count(7), count(None)
    ('20,000', '7', '–')
    """
    if _missing(n):
        return MISSING
    return f"{round(n):,}"


def interval(
    lo: float | None,
    hi: float | None,
    unit: str = "",
    *,
    digits: int = 3,
    fmt: Callable[[float | None], str] | None = None,
) -> str:
    """An interval ``lo – hi`` with the unit written once, at the end.

    Parameters
    ----------
    lo, hi : float or None
    unit : str
        Unit of both ends (see :func:`quantity`).
    digits : int
        Significant digits of :func:`number`.
    fmt : callable, optional
        Formatter of each end instead of :func:`number` (``year``, ``share``, ...).

    Examples
    --------
    >>> interval(1.234e26, 5.6e27, "FLOP")
    '1.23e26 – 5.6e27 FLOP'
    >>> interval(2027.14, None, fmt=lambda y: year(y, 2050))
    '2027.1 – after 2050'
    >>> interval(None, None, "FLOP")
    '–'
    """
    if _missing(lo) and _missing(hi) and fmt is None:
        return MISSING
    shown = fmt or (lambda v: number(v, digits))
    text = f"{shown(lo)} – {shown(hi)}"
    return f"{text} {unit}" if unit and unit not in ("1", "dimensionless") else text


def median_interval(
    mid: float | None,
    lo: float | None,
    hi: float | None,
    unit: str = "",
    *,
    digits: int = 3,
    fmt: Callable[[float | None], str] | None = None,
) -> str:
    """A median and its interval: ``mid [lo – hi]``, the unit written once, at the end.

    Examples
    --------
    >>> median_interval(2.5e27, 1e26, 3.25e28, "FLOP")
    '2.5e27 [1e26 – 3.25e28] FLOP'
    >>> median_interval(2.41, 2.05, 2.9, digits=3)
    '2.41 [2.05 – 2.9]'
    """
    shown = fmt or (lambda v: number(v, digits))
    text = f"{shown(mid)} [{interval(lo, hi, digits=digits, fmt=fmt)}]"
    return f"{text} {unit}" if unit and unit not in ("1", "dimensionless") else text


def column_number(x: float | None) -> str:
    """A number in an aligned column of the CLI's tables: always ``d.dde±XX``.

    Examples
    --------
    >>> column_number(3.6212e26), column_number(0.5), column_number(None), column_number(math.inf)
    ('3.62e+26', '5.00e-01', '–', 'inf')
    """
    if _missing(x):
        return MISSING
    if x == math.inf:
        return "inf"
    return f"{x:.2e}"


def decimal(x: float | None, places: int = 1, *, sign: bool = False) -> str:
    """A number with a fixed number of decimals (columns that line up on the point).

    Parameters
    ----------
    x : float or None
    places : int
        Decimals.
    sign : bool
        Write ``+`` before a positive number (for differences).

    Examples
    --------
    >>> decimal(92.345), decimal(0.5, 2), decimal(12345.0, 0), decimal(0.123, 2, sign=True)
    ('92.3', '0.50', '12,345', '+0.12')
    >>> decimal(None), decimal(math.inf)
    ('–', '∞')
    """
    if _missing(x):
        return MISSING
    if math.isinf(x):
        return INFINITE if x > 0 else "-" + INFINITE
    return f"{x:{'+' if sign else ''},.{places}f}"


def literal(x: float | None, digits: int = 4) -> str:
    """A parameter value as the parameter reference and the report's assumptions write it.

    Python's ``g`` format (what a scenario file may hold); an infinite value is a ceiling that
    is off: ``inf (none)``.

    Examples
    --------
    >>> literal(1.1e14), literal(2.0 / 3.0), literal(5.068e4), literal(20.0)
    ('1.1e+14', '0.6667', '5.068e+04', '20')
    >>> literal(math.inf), literal(None)
    ('inf (none)', '–')
    """
    if _missing(x):
        return MISSING
    if x == math.inf:
        return "inf (none)"
    return f"{x:.{digits}g}"


# --- constraints ------------------------------------------------------------------------------


def constraint_label(name: str) -> str:
    """The name people see for a constraint, from the ceiling registry.

    >>> constraint_label("compute"), constraint_label("power")
    ('Compute (money)', 'Power')
    """
    return registry.label(name)


def constraint_order(names: Iterable[str]) -> list[str]:
    """``names`` in registry order; names no longer registered last, in their own order.

    >>> constraint_order(["data", "mystery", "compute"])
    ['compute', 'data', 'mystery']
    """
    names = list(dict.fromkeys(names))
    known = [c.name for c in registry.ceilings() if c.name in names]
    return known + [n for n in names if n not in known]


# --- the summary of ``scalesim run`` ----------------------------------------------------------


def table_years(results: Results) -> list[int]:
    """2025, 2030, 2035, 2040 and 2050 where the run has them; else up to five of its own
    years, evenly spread (a short or shifted scenario still gets a table)."""
    shown = [y for y in TABLE_YEARS if y in results.years]
    if shown:
        return shown
    ys = results.years
    return sorted({ys[round(i * (len(ys) - 1) / 4)] for i in range(5)})


def summary_table(results: Results, years=None) -> pd.DataFrame:
    """Median and 90% interval of the headline variables in the table years."""
    years = table_years(results) if years is None else years
    rows = []
    for name in TABLE_VARIABLES:
        if name not in results.histograms:
            continue
        q = results.quantiles(name)
        for y in years:
            if y not in results.years:
                continue
            i = results.years.index(y)
            rows.append(
                {
                    "variable": name,
                    "unit": VARIABLES[name][0],
                    "year": y,
                    "p50": column_number(q["p50"][i]),
                    "p5": column_number(q["p5"][i]),
                    "p95": column_number(q["p95"][i]),
                }
            )
    return pd.DataFrame(rows)


def _ceiling_variables(results: Results) -> list[str]:
    """The summarised ceiling variable of each constraint, in registry order; the compute
    ceiling is shown by ``budget_flop`` (summarised by default, unlike ``training_flop``)."""
    names = ["budget_flop" if c.name == "compute" else c.variable for c in registry.ceilings()]
    return [n for n in names if n in results.histograms]


def format_summary(results: Results) -> str:
    """The whole text summary: header, quantile table, exhaustion year, binding shares."""
    s = results.scenario
    last = results.years[-1]
    lines = [
        f"scenario: {s.name}",
        f"file: {s.path}   samples: {count(results.samples)}   seed: {results.seed}   "
        f"years: {results.years[0]}–{last}",
        "",
        "Largest feasible training run and effective compute [FLOP] (median, 90% interval)",
    ]
    table = summary_table(results)
    header = f"  {'variable':<24}{'year':>6}{'median':>12}{'p5':>12}{'p95':>12}"
    lines.append(header)
    for row in table.itertuples():
        lines.append(f"  {row.variable:<24}{row.year:>6}{row.p50:>12}{row.p5:>12}{row.p95:>12}")
    shown = table_years(results)
    at = [results.years.index(y) for y in shown]
    if len(results.constraints) > 2:
        lines += ["", "Ceilings on the run [FLOP] (median; budget_flop is the compute ceiling)"]
        lines.append("  " + f"{'ceiling':<20}" + "".join(f"{y:>11}" for y in shown))
        for name in _ceiling_variables(results):
            p50 = results.quantiles(name)["p50"]
            lines.append(f"  {name:<20}" + "".join(f"{column_number(p50[i]):>11}" for i in at))
    if "goodput" in results.histograms:
        p50 = results.quantiles("goodput")["p50"]
        lines += [
            "",
            "Goodput of the implied cluster (median; scalesim.cluster simulation)",
            "  " + "".join(f"{y:>8}" for y in shown),
            "  " + "".join(f"{share(p50[i], 1):>8}" for i in at),
        ]
    ex = results.exhaustion_summary()
    lines += ["", "Year the human text stock is fully used (data demand reaches the stock)"]
    qs = "   ".join(f"{k}: {year(v, last)}" for k, v in ex.items() if k in ("p10", "p50", "p90"))
    lines.append(f"  {qs}   never by {last}: {share(ex['share_never'], 1)}")
    lines += ["", "Binding constraint (share of samples)"]
    lines.append("  " + f"{'constraint':<12}" + "".join(f"{y:>8}" for y in shown))
    for name, values in results.binding_shares().items():
        lines.append(f"  {name:<12}" + "".join(f"{share(values[i]):>8}" for i in at))
    if results.scenario.milestones:
        lines += ["", *milestone_lines(results)]
    return "\n".join(lines)


#: Years of the milestone table where a run has them (the bio anchors' published years).
MILESTONE_YEARS = (2025, 2030, 2036, 2040, 2050, 2075, 2100)


def milestone_years(results: Results) -> list[int]:
    """:data:`MILESTONE_YEARS` the run has, with its last year; else :func:`table_years`."""
    shown = [y for y in MILESTONE_YEARS if y in results.years]
    if not shown:
        return table_years(results)
    return shown if results.years[-1] in shown else [*shown, results.years[-1]]


def milestone_lines(results: Results) -> list[str]:
    """The milestone part of ``scalesim run``'s summary: P(reached by year) per milestone,
    its arrival-year p10/p50/p90, the share never reached and the share dropped."""
    last = results.years[-1]
    shown = milestone_years(results)
    at = [results.years.index(y) for y in shown]
    lines = ["Milestones: probability the requirement is reached by the year (share of samples)"]
    lines.append("  " + f"{'milestone':<24}" + "".join(f"{y:>8}" for y in shown))
    summary = results.milestone_summary()
    for m in results.scenario.milestones:
        p = summary[m.name]["p_reached"]
        lines.append(f"  {m.name:<24}" + "".join(f"{share(p[i]):>8}" for i in at))
    lines.append("  arrival year (fractional):")
    for m in results.scenario.milestones:
        s = summary[m.name]
        qs = "   ".join(f"{k}: {year(v, last)}" for k, v in s["arrival_year"].items())
        text = f"    {m.name:<22}{qs}   never by {last}: {share(s['share_never'], 1)}"
        if m.not_reached_by is not None:
            text += f"   dropped (reached by {m.not_reached_by}): {share(s['share_dropped'], 1)}"
        lines.append(text + f"   [{m.metric}]")
    return lines


# --- sensitivity ---------------------------------------------------------------------------


def _index(x: float, width: int) -> str:
    """A sensitivity index to 3 decimals, right-aligned (no "-0.000" for tiny estimates)."""
    return decimal(0.0 if abs(x) < 5e-4 else x, 3).rjust(width)


def format_sensitivity(result) -> str:
    """The ranked table printed by ``scalesim sensitivity`` (a SensitivityResult)."""
    unit = VARIABLES[result.output][0]
    sobol = result.method == "sobol"
    lines = [
        f"scenario: {result.scenario}",
        f"Sensitivity of log10 {result.output} [{unit}] in {result.year}; "
        f"with every parameter at its median: {decimal(result.median_log10, 2)}",
    ]
    if sobol:
        lines.append(
            f"Sobol indices from {count(result.model_runs)} model runs "
            f"({count(result.base_samples)} base samples, seed {result.seed}); ± half-width of "
            f"the {share(result.conf_level)} interval"
        )
    lines += [
        f"OAT: log10 {result.output} with one parameter at its p5 / p95, the others at "
        "their medians; swing = |at p95 - at p5| [orders of magnitude]",
        "",
    ]
    width = max(len("parameter"), *(len(p) for p in result.parameters))
    head = f"  {'rank':>4}  {'parameter':<{width}}"
    if sobol:
        head += f"{'S1':>8}{'±':>7}{'ST':>8}{'±':>7}"
    lines.append(head + f"{'at p5':>9}{'at p95':>9}{'swing':>8}")
    for i, name in enumerate(result.parameters):
        row = f"  {i + 1:>4}  {name:<{width}}"
        if sobol:
            row += "".join(
                _index(v[i], w)
                for v, w in (
                    (result.S1, 8),
                    (result.S1_conf, 7),
                    (result.ST, 8),
                    (result.ST_conf, 7),
                )
            )
        row += "".join(
            decimal(v, 2).rjust(w)
            for v, w in ((result.low_log10[i], 9), (result.high_log10[i], 9), (result.swing[i], 8))
        )
        lines.append(row)
    if sobol:
        lines += [
            "",
            f"  sum of S1: {decimal(sum(result.S1), 3)} (1 − sum: share of the variance from "
            "interactions)",
        ]
    return "\n".join(lines)
