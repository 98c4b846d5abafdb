"""One pint unit registry for the whole package.

Canonical units (what kernels see as plain magnitudes): FLOP, token, USD, year, W, s.
``FLOP``, ``token`` and ``USD`` are base units of dimensions of their own, so that a token
count can never be mistaken for a compute amount (see ../shared/PITFALLS.md: ``$`` as an
alias breaks pint's parser, so it is not defined).
"""

from __future__ import annotations

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


def parse_quantity(value: object, unit: str) -> float:
    """Convert a number or a quantity string to a magnitude in ``unit``.

    Parameters
    ----------
    value : float, int or str
        A bare number (taken to be in ``unit`` already) or a string with a unit such as
        ``"3e14 token"``, ``"14 month"`` or ``"5e17 FLOP/USD"``.
    unit : str
        The canonical unit to convert to, e.g. ``"token"`` or ``"year"``.

    Returns
    -------
    float
        The magnitude in ``unit``.

    Raises
    ------
    InputError
        When the value is not a number or quantity, has the wrong dimension, or is a bare
        number where ``unit`` has a dimension (``8`` for a time: write ``8 month``). A bare
        infinity is accepted anywhere: it means "no ceiling".
    """
    if isinstance(value, bool):
        raise InputError(f"expected a number in {unit}, got {value!r}")
    if isinstance(value, (int, float)):
        number = float(value)
        _require_unit(number, unit)
    elif isinstance(value, str):
        text = value.strip()
        if _NUMBER.match(text):
            number = float(text)
            _require_unit(number, unit)
        else:
            try:
                quantity = ureg.Quantity(text)
            except Exception:
                raise InputError(
                    f"expected a number or a quantity in {unit}, got {value!r}"
                ) from None
            if not isinstance(quantity, pint.Quantity):
                quantity = Q_(float(quantity), "dimensionless")
            try:
                number = float(quantity.to(unit).magnitude)
            except pint.DimensionalityError:
                want = _describe(unit)
                raise InputError(f"expected {want} ({unit}), got {value!r}") from None
    else:
        raise InputError(f"expected a number in {unit}, got {type(value).__name__} {value!r}")
    if math.isnan(number):
        raise InputError(f"expected a number in {unit}, got NaN")
    return number


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
