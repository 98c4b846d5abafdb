"""Figures in words and human units, for readers of the report and the app.

``2.8 × 10^30 FLOP``, ``$240 billion``, ``6 months``, ``1.2 GW``, ``300 trillion tokens``,
``35%``, ``from 2027 to 2031``. Two significant digits by default (a projection over decades
is not known to three). Each formatter takes a ``style``:

- ``"text"``: plain characters, ordinary spaces, powers of ten as ``10^30``;
- ``"unicode"``: powers of ten with superscript digits, ``10³⁰``, and no-break spaces inside a
  figure (for the app, where a figure must not wrap);
- ``"html"``: powers of ten as ``10<sup>30</sup>`` and each figure in a
  ``<span class="nowrap">`` with no-break spaces inside, so it never breaks across lines
  (the report's stylesheet sets ``.nowrap { white-space: nowrap }``).

Missing values (None, NaN) are ``–``; an infinite value is ``no limit`` (an infinite parameter
is a ceiling switched off).
"""

from __future__ import annotations

import html as _html
import math
from collections.abc import Callable

from scalesim.present.text.numbers import MISSING, UNITLESS, _missing, _trim

#: Written for an infinite value (a ceiling that is off).
NO_LIMIT = "no limit"
#: Seconds in one unit of time; a year is the Julian year of pint's registry (365.25 days),
#: a month a twelfth of it.
SECONDS = {
    "s": 1.0,
    "second": 1.0,
    "minute": 60.0,
    "hour": 3600.0,
    "day": 86400.0,
    "week": 7 * 86400.0,
    "month": 365.25 * 86400.0 / 12,
    "year": 365.25 * 86400.0,
}
#: Scale words of large numbers (short scale), from the largest.
SCALES = ((1e12, "trillion"), (1e9, "billion"), (1e6, "million"))
#: SI prefixes of power, from the largest.
WATTS = ((1e12, "TW"), (1e9, "GW"), (1e6, "MW"), (1e3, "kW"), (1.0, "W"))
#: Ratio units written in words.
PER = {"USD": "dollar", "J": "joule", "s": "second", "token": "token", "year": "year"}
STYLES = ("text", "unicode", "html")
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")
_NBSP = "\u00a0"


def _check(style: str) -> None:
    if style not in STYLES:
        raise ValueError(f"style must be one of {STYLES}, got {style!r}")


def _space(style: str) -> str:
    return " " if style == "text" else _NBSP


def _wrap(text: str, style: str) -> str:
    """One figure, kept on one line in HTML (already escaped where needed)."""
    return f'<span class="nowrap">{text}</span>' if style == "html" else text


def _round(x: float, digits: int) -> float:
    """``x`` rounded to ``digits`` significant digits (0 stays 0)."""
    return float(f"{x:.{max(1, digits) - 1}e}")


def _plain(x: float, digits: int) -> str:
    """A rounded positional number with thousands separators: ``12,000``, ``0.0025``."""
    r = _round(x, digits)
    if r == 0:
        return "0"
    places = max(0, digits - 1 - math.floor(math.log10(abs(r))))
    return _trim(f"{r:,.{places}f}")


def power_of_ten(exponent: int, style: str = "text") -> str:
    """``10^n`` in the given style.

    Examples
    --------
    >>> power_of_ten(30), power_of_ten(-5, "unicode"), power_of_ten(30, "html")
    ('10^30', '10⁻⁵', '10<sup>30</sup>')
    """
    _check(style)
    if style == "unicode":
        return "10" + str(exponent).translate(_SUPERSCRIPT)
    if style == "html":
        return f"10<sup>{str(exponent).replace('-', '−')}</sup>"
    return f"10^{exponent}"


def scientific(x: float | None, digits: int = 2, style: str = "text") -> str:
    """A number as ``m × 10^n`` (``m`` to ``digits`` significant digits), positional from 0.01
    to below 100,000.

    Examples
    --------
    >>> scientific(2.8e30), scientific(2.8e30, style="html")
    ('2.8 × 10^30', '<span class="nowrap">2.8\\xa0×\\xa010<sup>30</sup></span>')
    >>> scientific(9.96e26), scientific(1.234e29, 3), scientific(12345), scientific(5.469e-5)
    ('1 × 10^27', '1.23 × 10^29', '12,000', '5.5 × 10^-5')
    >>> scientific(None), scientific(math.inf)
    ('–', 'no limit')
    """
    _check(style)
    if _missing(x):
        return MISSING
    if math.isinf(x):
        return NO_LIMIT if x > 0 else "-" + NO_LIMIT
    return _wrap(_sci(float(x), digits, style), style)


def _sci(x: float, digits: int, style: str) -> str:
    """:func:`scientific` of a finite number, not wrapped."""
    r = _round(x, digits)
    if r == 0 or 1e-2 <= abs(r) < 1e5:
        return _plain(r, digits)
    mantissa, exponent = f"{r:.{max(1, digits) - 1}e}".split("e")
    sp = _space(style)
    return f"{_trim(mantissa)}{sp}×{sp}{power_of_ten(int(exponent), style)}"


def _scaled(x: float, digits: int, style: str) -> str:
    """A large count in words: ``240 billion``; past trillions in powers of ten."""
    r = _round(x, digits)
    for size, word in SCALES:
        if abs(r) >= size:
            if abs(r) >= 1000 * SCALES[0][0]:
                return _sci(r, digits, style)
            return f"{_plain(r / size, digits)}{_space(style)}{word}"
    return _plain(r, digits)


# --- the parts of a figure ---------------------------------------------------------------------


def _parts(x: float, unit: str, digits: int, style: str, kind: str | None) -> tuple[str, str]:
    """``(number with its scale word, unit)`` of a finite figure, e.g. ``("2.8 × 10^30",
    "FLOP")``, ``("$240 billion", "")``, ``("6", "months")``."""
    sp = _space(style)
    if unit == "USD":
        sign = "-" if x < 0 else ""
        return f"{sign}${_scaled(abs(x), digits, style)}", ""
    if unit in SECONDS:
        return _duration_parts(x * SECONDS[unit], digits)
    if unit == "W":
        r = _round(x, digits)
        if abs(r) >= 1000 * WATTS[0][0]:
            return _sci(r, digits, style), "W"
        size, prefix = next(((s, p) for s, p in WATTS if abs(r) >= s), WATTS[-1])
        return _plain(r / size, digits), prefix
    if unit in ("token", "chip", "H100e"):
        noun = "token" if unit == "token" else "chip"
        return _scaled(x, digits, style), noun + ("" if _round(x, digits) == 1 else "s")
    if unit == "FLOP":
        return _sci(x, digits, style), "FLOP"
    if "/" in unit:
        top, bottom = unit.split("/", 1)
        number, head = _parts(x, top, digits, style, None)
        per = PER.get(bottom, bottom)
        return number, f"{head}{sp}per{sp}{per}".strip(sp)
    if unit in UNITLESS:
        if kind == "share":
            return percent(x), ""
        if kind == "growth":
            return f"×{_plain(x, max(digits, 3))}", f"per{sp}year"
        return _sci(x, digits, style), ""
    return _sci(x, digits, style), unit


def _duration_parts(seconds: float, digits: int) -> tuple[str, str]:
    days = abs(seconds) / SECONDS["day"]
    if abs(seconds) < 90:
        unit = "second"
    elif abs(seconds) < 90 * 60:
        unit = "minute"
    elif days < 1.5:
        unit = "hour"
    elif days < 14:
        unit = "day"
    elif days < 56:
        unit = "week"
    elif abs(seconds) < SECONDS["year"] * 0.995:
        unit = "month"
    else:
        unit = "year"
    value = _plain(seconds / SECONDS[unit], digits)
    return value, unit + ("" if value == "1" else "s")


def human(
    x: float | None,
    unit: str,
    *,
    digits: int = 2,
    style: str = "text",
    kind: str | None = None,
    bare: bool = False,
) -> str:
    """A figure in words and human units.

    Parameters
    ----------
    x : float or None
        The value in ``unit``.
    unit : str
        Canonical unit: ``FLOP``, ``USD``, ``token``, ``W``, ``chip``, a time (``s``,
        ``minute``, ``hour``, ``day``, ``month``, ``year``), a ratio of these (``FLOP/USD``,
        ``USD/token``) or ``dimensionless``.
    digits : int
        Significant digits.
    style : {"text", "unicode", "html"}
        See the module docstring.
    kind : {"share", "growth"}, optional
        What a dimensionless value is: a share (written as a percentage) or a multiplier
        per year (``×1.3 per year``).
    bare : bool
        Leave out the unit after the number (``2.8 × 10^30``; money keeps its ``$`` and
        scale word), for the first end of a range whose second end names the unit.

    Examples
    --------
    >>> human(2.8e30, "FLOP"), human(2.4e11, "USD"), human(1.56e7, "s")
    ('2.8 × 10^30 FLOP', '$240 billion', '5.9 months')
    >>> human(1.5, "year"), human(3e14, "token"), human(1.2e9, "W"), human(0.35, "1", kind="share")
    ('1.5 years', '300 trillion tokens', '1.2 GW', '35%')
    >>> human(2.5e17, "FLOP/USD"), human(1.3, "dimensionless", kind="growth")
    ('2.5 × 10^17 FLOP per dollar', '×1.3 per year')
    >>> human(None, "FLOP"), human(math.inf, "W"), human(2.8e30, "FLOP", bare=True)
    ('–', 'no limit', '2.8 × 10^30')
    """
    _check(style)
    if _missing(x):
        return MISSING
    if math.isinf(x):
        return NO_LIMIT if x > 0 else "-" + NO_LIMIT
    number, name = _parts(float(x), unit, digits, style, kind)
    text = f"{number}{_space(style)}{name}" if name and not bare else number
    return _html_figure(text) if style == "html" else text


def _html_figure(text: str) -> str:
    """An HTML figure: escaped (but ``<sup>`` kept), on one line."""
    escaped = _html.escape(text, quote=False).replace("&lt;sup&gt;", "<sup>")
    return _wrap(escaped.replace("&lt;/sup&gt;", "</sup>"), "html")


def human_interval(
    lo: float | None,
    hi: float | None,
    unit: str,
    *,
    digits: int = 2,
    style: str = "text",
    kind: str | None = None,
) -> str:
    """``from A to B``, the unit written once when both ends share it.

    Examples
    --------
    >>> human_interval(1.2e29, 3e30, "FLOP")
    'from 1.2 × 10^29 to 3 × 10^30 FLOP'
    >>> human_interval(0.4167, 1.167, "year"), human_interval(0.25, 0.75, "year")
    ('from 5 months to 1.2 years', 'from 3 to 9 months')
    >>> human_interval(2e11, 1.2e12, "USD")
    'from $200 billion to $1.2 trillion'
    >>> human_interval(2e14, 4e14, "token")
    'from 200 trillion to 400 trillion tokens'
    >>> human_interval(1e9, None, "W")
    'from 1 GW to –'
    """
    _check(style)
    ends = []
    for x in (lo, hi):
        if _missing(x) or math.isinf(x):
            ends.append((human(x, unit, style="text"), None))
        else:
            ends.append(_parts(float(x), unit, digits, style, kind))
    (n1, u1), (n2, u2) = ends
    sp = _space(style)
    same = u1 is not None and u2 is not None and u1.rstrip("s") == u2.rstrip("s")
    if same:
        first, second = n1, f"{n2}{sp}{u2}" if u2 else n2
    else:
        first = f"{n1}{sp}{u1}" if u1 else n1
        second = f"{n2}{sp}{u2}" if u2 else n2
    if style == "html":
        first, second = _html_figure(first), _html_figure(second)
    return f"from {first} to {second}"


# --- shares and years ------------------------------------------------------------------------


def percent(x: float | None, style: str = "text") -> str:
    """A fraction as a percentage: whole percent, with more digits only near 0% and 100% (so
    that a rare event does not read ``0%`` nor a near-certain one ``100%``).

    Examples
    --------
    >>> percent(0.354), percent(0.05), percent(0.003), percent(5.469e-5), percent(0.9962)
    ('35%', '5%', '0.3%', '0.005%', '99.6%')
    >>> percent(0.0), percent(1.0), percent(None), percent(-1e-12)
    ('0%', '100%', '–', '0%')
    """
    if _missing(x):
        return MISSING
    x = float(x)
    if math.isinf(x):
        return MISSING
    if abs(x) < 1e-9:
        return "0%"
    p = 100.0 * x
    if 0 < abs(p) < 0.5:
        text = _plain(p, 1)
    elif 99.5 <= p < 100:
        text = _trim(f"{math.floor(p * 10) / 10:.1f}")
    else:
        text = f"{round(p):d}"
    return _wrap(f"{text}%", style) if style == "html" else f"{text}%"


def calendar_year(x: float | None, last: int | None = None) -> str:
    """The calendar year a fractional year falls in (2028.7 is during 2028).

    Examples
    --------
    >>> calendar_year(2028.7), calendar_year(2031.02), calendar_year(None, 2050)
    ('2028', '2031', 'after 2050')
    >>> calendar_year(float("nan"))
    'never'
    """
    if _missing(x) or math.isinf(float(x)):
        return "never" if last is None else f"after {last}"
    return str(math.floor(float(x)))


def year_interval(lo: float | None, hi: float | None, last: int | None = None) -> str:
    """``from 2027 to 2031`` (calendar years); ``from 2027 to after 2050`` reads as
    ``2027 or later``.

    Examples
    --------
    >>> year_interval(2027.2, 2031.9), year_interval(2027.2, None, 2050)
    ('from 2027 to 2031', 'from 2027 to after 2050')
    >>> year_interval(None, None, 2050)
    'after 2050'
    """
    a, b = calendar_year(lo, last), calendar_year(hi, last)
    if a == b:
        return a
    return f"from {a} to {b}"


def join(items: list[str], last: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``.

    Examples
    --------
    >>> join(["a"]), join(["a", "b"]), join(["a", "b", "c"], "or")
    ('a', 'a and b', 'a, b or c')
    """
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


Formatter = Callable[[float | None], str]
