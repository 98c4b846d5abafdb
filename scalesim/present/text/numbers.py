"""Numbers and constraint names for people: the formatters of tables and the CLI.

See :mod:`scalesim.present.text` for the conventions.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from scalesim.model import constraints as registry

#: Shown for a missing value (None or NaN).
MISSING = "–"
#: Shown for an infinite value.
INFINITE = "∞"
#: Smallest and largest magnitudes :func:`number` writes without an exponent.
POSITIONAL = (1e-3, 1e5)
#: Units written after no number (a pure number).
UNITLESS = ("", "1", "dimensionless")

# --- numbers ----------------------------------------------------------------------------------


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _with_unit(text: str, unit: str) -> str:
    """``text`` with ``unit`` after it, unless the unit is one of :data:`UNITLESS`."""
    return text if unit in UNITLESS else f"{text} {unit}"


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
    if _missing(x) or math.isinf(float(x)):
        return text
    return _with_unit(text, unit)


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
    return _with_unit(text, unit)


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
    return _with_unit(text, unit)


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
