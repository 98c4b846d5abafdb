"""The ceiling registry: every constraint on the largest run, in one table.

Each :class:`Ceiling` names a constraint, says how people see it (label, colour), which
parameter group switches it on, and gives the kernel that computes it. The engine, the
summaries, the text, the app and the report read this table; none of them lists the
constraints again. Adding a ceiling is one kernel and one :func:`register` call.

binding_constraint is the argmin over the ceilings a run has, first in registry order on
ties; it is reported by name (``binding_constraint_share["power"]``), never by position.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from scalesim.model.kernels import ceilings as walls


@dataclass(frozen=True)
class Ceiling:
    """One constraint on the largest feasible run.

    Attributes
    ----------
    name : str
        Identifier used in outputs (``binding_constraint_share``, files).
    label : str
        Name shown to people.
    colour : str
        Hex colour of the constraint in every chart.
    group : str or None
        Parameter group whose presence in a scenario switches the ceiling on (``power``);
        None: always on.
    kernel : callable
        ``kernel(params, state, xp) -> array`` of ln FLOP, broadcastable to (sample, year);
        ``params`` is the :class:`scalesim.model.bundles.Params` bundle and ``state`` the
        ln variables computed so far (``training_flop``, ``data_limited_flop``, ...).
    hardware : bool
        True for ceilings set by hardware (money, power, chips, latency): they are derated
        by the run's goodput and they bound the compute that creates data demand.
    description : str
        What the ceiling is, for the variable table.
    """

    name: str
    label: str
    colour: str
    group: str | None
    kernel: Callable
    hardware: bool
    description: str

    @property
    def variable(self) -> str:
        """The (sample, year) output holding this ceiling [FLOP]."""
        return _VARIABLE_OF.get(self.name, f"{self.name}_flop")


def _compute(params, state, xp):
    return state["training_flop"]


def _data(params, state, xp):
    return state["data_limited_flop"]


def _power(params, state, xp):
    return walls.log_power_flop(params.power, params.training, params.grid, xp=xp)


def _chips(params, state, xp):
    return walls.log_chips_flop(params.chips, params.training, params.grid, xp=xp)


def _latency(params, state, xp):
    return walls.log_latency_flop(params.latency, params.training, params.grid, xp=xp)


#: Output variable of the two ceilings whose variables predate the registry.
_VARIABLE_OF = {"compute": "training_flop", "data": "data_limited_flop"}

_REGISTRY: dict[str, Ceiling] = {}


def register(ceiling: Ceiling) -> Ceiling:
    """Add a ceiling at the end of the registry (its name must be new)."""
    if ceiling.name in _REGISTRY:
        raise ValueError(f"a ceiling named {ceiling.name!r} is already registered")
    _REGISTRY[ceiling.name] = ceiling
    return ceiling


def unregister(name: str) -> None:
    """Remove a ceiling (for tests and plug-ins)."""
    del _REGISTRY[name]


@contextmanager
def registered(ceiling: Ceiling) -> Iterator[Ceiling]:
    """Register ``ceiling`` for the duration of a ``with`` block."""
    register(ceiling)
    try:
        yield ceiling
    finally:
        unregister(ceiling.name)


def ceilings() -> tuple[Ceiling, ...]:
    """Every registered ceiling, in registry order."""
    return tuple(_REGISTRY.values())


def get(name: str) -> Ceiling:
    """The ceiling called ``name``."""
    return _REGISTRY[name]


def active(groups: set[str] | frozenset[str]) -> tuple[Ceiling, ...]:
    """The ceilings a scenario with these parameter groups has, in registry order."""
    return tuple(c for c in _REGISTRY.values() if c.group is None or c.group in groups)


def label(name: str) -> str:
    """Label of a ceiling; the name itself for one no longer registered."""
    c = _REGISTRY.get(name)
    return c.label if c else name


def colour(name: str) -> str:
    """Colour of a ceiling (grey for one no longer registered)."""
    c = _REGISTRY.get(name)
    return c.colour if c else "#999999"


register(
    Ceiling(
        "compute",
        "Compute (money)",
        "#4c78a8",
        None,
        _compute,
        True,
        "Compute the budget buys for pretraining (C_pre)",
    )
)
register(
    Ceiling(
        "data",
        "Data",
        "#f58518",
        None,
        _data,
        False,
        "Largest run the available data supports (C_data)",
    )
)
register(
    Ceiling(
        "power",
        "Power",
        "#e45756",
        "power",
        _power,
        True,
        "Largest run the power available to one run supports",
    )
)
register(
    Ceiling(
        "chips",
        "Chips",
        "#72b7b2",
        "chips",
        _chips,
        True,
        "Largest run the chip fleet one run can use supports",
    )
)
register(
    Ceiling(
        "latency",
        "Latency",
        "#54a24b",
        "latency",
        _latency,
        True,
        "Largest run the latency wall allows",
    )
)
