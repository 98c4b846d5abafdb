"""One pint unit registry for the whole package.

Canonical units (what kernels see as plain magnitudes): FLOP, token, USD, year, W, s.
``FLOP``, ``token`` and ``USD`` are base units of dimensions of their own, so that a token
count can never be mistaken for a compute amount (see ../shared/PITFALLS.md: ``$`` as an
alias breaks pint's parser, so it is not defined).
"""

from __future__ import annotations

import functools
import math
import re

import pint

from scalesim.errors import InputError

ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
ureg.define("FLOP = [compute] = flop = FLOPs")
ureg.define("token = [data] = tokens = tok")
ureg.define("USD = [currency] = usd = dollar = dollars")
ureg.define("H100e = [accelerator] = H100_equivalent = chip = chips = accelerator")
# Everyday shorthands for large counts, as analysts write them ("5T token", "2 trillion").
ureg.define("thousand = 1e3")
ureg.define("million = 1e6")
ureg.define("billion = 1e9")
ureg.define("trillion = 1e12")
ureg.define("quadrillion = 1e15")

Q_ = ureg.Quantity

#: Canonical unit of each kind of quantity a scenario may hold.
CANONICAL = {
    "compute": "FLOP",
    "data": "token",
    "currency": "USD",
    "time": "year",
    "power": "W",
    "dimensionless": "dimensionless",
}

_NUMBER = re.compile(r"^\s*[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$")
#: "number unit": a decimal number (or inf), then a unit made of names joined by ``/``,
#: ``*`` or spaces, each with an optional small integer power. Nothing is evaluated: pint
#: only ever sees the unit (its expression parser would compute ``9**9**9`` forever).
_REAL = r"[-+]?(?:\d{1,400}(?:\.\d{0,400})?|\.\d{1,400})(?:[eE][-+]?\d{1,4})?"
_INF = r"[-+]?\.?inf(?:inity)?"
_NAME = r"[A-Za-z_%][A-Za-z0-9_]{0,30}(?:\s*(?:\*\*|\^)\s*-?\d{1,2})?"
_UNIT = rf"(?:1\s*/\s*)?{_NAME}(?:\s*(?:/|\*|\s)\s*{_NAME}){{0,8}}"
_QUANTITY = re.compile(rf"^\s*(?P<number>{_REAL}|{_INF})\s*(?P<unit>{_UNIT})?\s*$", re.I)
#: Longest quantity text read [characters].
MAX_TEXT = 200


def parse_quantity(value: object, unit: str) -> float:
    """Convert a number or a quantity string to a magnitude in ``unit``.

    Parameters
    ----------
    value : float, int or str
        A bare number (taken to be in ``unit`` already) or a string with a unit such as
        ``"3e14 token"``, ``"14 month"`` or ``"5e17 FLOP/USD"``: a decimal number, then a
        unit. Arithmetic (``"10**400"``) is not evaluated.
    unit : str
        The canonical unit to convert to, e.g. ``"token"`` or ``"year"``.

    Returns
    -------
    float
        The magnitude in ``unit``.

    Raises
    ------
    InputError
        When the value is not a number or quantity, has the wrong dimension, is beyond the
        range of float64 (about 1.8e308), or is a bare number where ``unit`` has a dimension
        (``8`` for a time: write ``8 month``). A bare infinity is accepted anywhere: it
        means "no ceiling".
    """
    if isinstance(value, bool):
        raise InputError(f"expected a number in {unit}, got {value!r}")
    if isinstance(value, int):
        number = _to_float(value, value)
        _require_unit(number, unit)
    elif isinstance(value, float):
        number = value
        _require_unit(number, unit)
    elif isinstance(value, str):
        text = value.strip()
        shown = value if len(value) <= 60 else value[:40] + "..." + value[-10:]
        match = _QUANTITY.match(text) if len(text) <= MAX_TEXT else None
        if match is None:
            hint = (
                "; arithmetic is not evaluated: write a decimal number such as 1e21"
                if re.search(r"\d\s*(\*\*|\^|\*)\s*[-+(\d]", text)
                else ""
            )
            raise InputError(f"expected a number or a quantity in {unit}, got {shown!r}{hint}")
        magnitude = _to_float(match["number"].lower().replace(".inf", "inf"), shown)
        if match["unit"] is None:
            number = magnitude
            _require_unit(number, unit)
        else:
            factor = _factor(match["unit"], unit, shown)
            number = magnitude * factor if magnitude else 0.0
            if math.isinf(number) and not math.isinf(magnitude):
                raise InputError(f"out of range: {shown!r} is above about 1.8e308 {unit}")
    else:
        raise InputError(f"expected a number in {unit}, got {type(value).__name__} {value!r}")
    if math.isnan(number):
        raise InputError(f"expected a number in {unit}, got NaN")
    return number


def _to_float(text, shown) -> float:
    """float() of a number (int or its text), refusing finite ones beyond float64."""
    try:
        number = float(text)
    except OverflowError:
        number = math.inf
    if math.isinf(number) and "inf" not in str(text).lower():
        shown = shown if len(str(shown)) <= 60 else f"a number of {len(str(shown))} characters"
        raise InputError(f"out of range: {shown!r} is above about 1.8e308")
    return number


@functools.lru_cache(maxsize=512)
def _unit_factor(source: str, unit: str) -> float:
    return float(ureg.Quantity(1, source).to(unit).magnitude)


def _factor(source: str, unit: str, shown: str) -> float:
    """How many ``unit`` one ``source`` is (pint parses the unit only)."""
    try:
        return _unit_factor(" ".join(source.split()), unit)
    except pint.DimensionalityError:
        want = _describe(unit)
        raise InputError(f"expected {want} ({unit}), got {shown!r}") from None
    except Exception:
        raise InputError(f"expected a number or a quantity in {unit}, got {shown!r}") from None


def is_dimensionless(unit: str) -> bool:
    """True for a unit without a dimension (``dimensionless``, ``1``)."""
    return unit in ("", "1", "dimensionless") or not dict(ureg.Quantity(1, unit).dimensionality)


def _require_unit(number: float, unit: str) -> None:
    if math.isinf(number) or is_dimensionless(unit):
        return
    shown = f"{number:g}"
    if dict(ureg.Quantity(1, unit).dimensionality) == {"[time]": 1}:
        hint = f"'{shown} month' or '{shown} year'"
    else:
        hint = f"'{shown} {unit}'"
    raise InputError(f"a bare number has no unit; write it with one, e.g. {hint}")


def _describe(unit: str) -> str:
    dims = dict(ureg.Quantity(1, unit).dimensionality)
    if not dims:
        return "a dimensionless number"
    return "a quantity of dimension " + " ".join(
        f"{k.strip('[]')}^{v:g}" if v != 1 else k.strip("[]") for k, v in dims.items()
    )
