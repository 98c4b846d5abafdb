"""Assumption editors of the web app, built from :data:`scalesim.parameters.PARAMETERS`.

Each editable parameter gets an :class:`Editor`: its display unit, the median and 90%
interval of its prior (``Prior.ppf``), the widget that edits it, and the override an edit
writes into the scenario (``{to: [lo, hi]}`` or a fixed value, canonical units) through
:meth:`Scenario.with_overrides`. :func:`edited_scenario` also writes the chosen samples and
seed into the scenario, so that its YAML run headless reproduces the app's numbers. No
Streamlit here: app.py creates the widgets.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from scalesim.app.display import _SOURCE_LABELS, DISPLAY, LABELS, Display
from scalesim.app.scenarios import default_samples, with_run_settings
from scalesim.model.parameters import PARAMETERS, spec_for
from scalesim.present import text as fmt_text
from scalesim.scenario.loader import Scenario, scenario_from_mapping
from scalesim.units import is_dimensionless

#: Parameters offered for editing even when a scenario leaves them at their default.
KEY_PARAMETERS = (
    "spending.largest_run",
    "spending.growth",
    "spending.max_share_of_gdp",
    "hardware.flop_per_usd",
    "hardware.doubling_time",
    "algorithms.halving_time",
    "data.sources.*.stock",
    "data.sources.*.growth",
    "data.epochs",
    "synthetic.share_of_compute",
    "training.tokens_per_parameter",
)
GROUP_TITLES = {
    "economy": "Economy",
    "spending": "Spending",
    "hardware": "Hardware",
    "algorithms": "Algorithms",
    "data": "Data",
    "synthetic": "Synthetic data",
    "training": "Training",
    "scaling_law": "Scaling law",
    "power": "Power",
    "chips": "Chips",
    "latency": "Latency",
    "reliability": "Reliability",
}
EDIT_PREFIX = "edit:"


@dataclass(frozen=True)
class Editor:
    """One editable parameter of a scenario.

    Attributes
    ----------
    path : str
        Key path under ``parameters:`` (``data.sources.public_text.stock``).
    group : str
        Its group (``spending``).
    label, unit : str
        Human name and display unit.
    display : Display
    interval : bool
        True for an uncertain parameter (edited as its 90% interval), False for a fixed value.
    value : tuple of float
        Display values: ``(lo, hi)`` of the 90% interval, or ``(value,)``.
    median : float
        Median of the prior [display unit].
    describe : str
        The prior as written (kind and 90% interval).
    explicit : bool
        Whether the scenario sets it (else it is a default).
    """

    path: str
    group: str
    label: str
    unit: str
    display: Display
    interval: bool
    value: tuple[float, ...]
    median: float
    describe: str
    explicit: bool

    @property
    def key(self) -> str:
        """Session-state key of the widget (``:lo``/``:hi`` suffixes for number intervals)."""
        return EDIT_PREFIX + self.path

    @property
    def widget(self) -> str:
        """``range`` (range slider), ``slider``, ``interval`` (two number inputs) or ``number``."""
        if self.display.widget == "slider":
            return "range" if self.interval else "slider"
        return "interval" if self.interval else "number"

    @property
    def step(self) -> float:
        """Step of the +/- buttons of a number input: a tenth of the value's order of
        magnitude [display unit]."""
        x = max(abs(v) for v in self.value)
        return 10.0 ** (math.floor(math.log10(x)) - 1) if x > 0 else 0.1

    @property
    def bounds(self) -> tuple[float, float]:
        """Slider ends [display unit], widened to hold the scenario's own values."""
        lo = min(self.display.lo, *self.value)
        hi = max(self.display.hi, *self.value)
        return lo, hi

    def initial_state(self) -> dict[str, Any]:
        """Session-state entries that show the scenario's own values."""
        return self.state_for(self.value)

    def state_for(self, values: tuple[float, ...]) -> dict[str, Any] | None:
        """Session-state entries that show ``values`` [display unit], or None when they do
        not fit the widget (wrong count, lower end above the upper, outside a slider)."""
        values = tuple(float(v) for v in values)
        if len(values) != (2 if self.interval else 1) or not all(map(math.isfinite, values)):
            return None
        if self.interval and values[0] > values[1]:
            return None
        w = self.widget
        if w in ("range", "slider"):
            lo, hi = self.bounds
            if not all(lo <= v <= hi for v in values):
                return None
        if w == "range":
            return {self.key: (values[0], values[1])}
        if w == "interval":
            return {self.key + ":lo": values[0], self.key + ":hi": values[1]}
        return {self.key: values[0]}

    def read(self, state: dict) -> tuple[float, ...]:
        """The widget values [display unit] in ``state`` (the scenario's own when absent)."""
        w = self.widget
        if w == "range":
            return tuple(float(v) for v in state.get(self.key, self.value))
        if w == "interval":
            return (
                float(state.get(self.key + ":lo", self.value[0])),
                float(state.get(self.key + ":hi", self.value[1])),
            )
        return (float(state.get(self.key, self.value[0])),)

    def override(self, values: tuple[float, ...]) -> object | None:
        """The YAML value an edit writes (canonical unit), or None when unchanged."""
        if _same(values, self.value):
            return None
        f = self.display.factor
        unit = spec_for(self.path).unit

        def written(x: float) -> object:
            # Dimensional quantities carry their unit (model v2 refuses bare numbers).
            return x if is_dimensionless(unit) else f"{x!r} {unit}"

        if self.interval:
            return {"to": [written(float(values[0] * f)), written(float(values[1] * f))]}
        return written(float(values[0] * f))

    def median_text(self, values: tuple[float, ...]) -> str:
        """``median 2.41 × per year``: the caption under an interval editor (the median as
        :func:`scalesim.present.text.quantity` writes it)."""
        return f"median {fmt_text.quantity(self.median_of(values), self.unit)}"

    def median_of(self, values: tuple[float, ...]) -> float:
        """Median [display unit] of the prior the values describe."""
        if _same(values, self.value) or not self.interval:
            return self.median if self.interval else values[0]
        lo, hi = values
        return math.sqrt(lo * hi) if lo > 0 and hi > 0 else (lo + hi) / 2


def _same(a, b) -> bool:
    return len(a) == len(b) and all(
        x == y or abs(x - y) <= 1e-12 * max(abs(x), abs(y)) for x, y in zip(a, b, strict=True)
    )


def _pattern(path: str) -> str:
    parts = path.split(".")
    if len(parts) == 4 and parts[:2] == ["data", "sources"]:
        return f"data.sources.*.{parts[3]}"
    return path


def _label(path: str) -> str:
    parts = path.split(".")
    if len(parts) == 4 and parts[:2] == ["data", "sources"]:
        return f"{parts[2].replace('_', ' ')}: {_SOURCE_LABELS.get(parts[3], parts[3])}"
    if path in LABELS:
        return LABELS[path]
    spec = spec_for(path)
    return spec.description.rstrip(".") if spec else path


def _display(path: str, unit: str) -> Display:
    found = DISPLAY.get(_pattern(path))
    if found is not None:
        return found
    return Display("" if unit == "dimensionless" else unit)


def editors(scenario: Scenario) -> list[Editor]:
    """The editable parameters of a scenario, in the order of the parameter table.

    The parameters the scenario sets, plus :data:`KEY_PARAMETERS`; parameters at a
    non-finite value (``inf``: no ceiling) are left to the YAML.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    list of Editor
    """
    order = {p.path: i for i, p in enumerate(PARAMETERS)}
    wanted = [k for k in scenario.priors if k in scenario.explicit or _pattern(k) in KEY_PARAMETERS]
    first_source = order["data.sources.*.stock"]

    def rank(path: str) -> tuple:
        # Data sources stay together, one source after the other, fields in table order.
        parts = path.split(".")
        own = order.get(_pattern(path), len(order))
        if parts[:2] == ["data", "sources"]:
            return (first_source, parts[2], own)
        return (own, "", 0)

    wanted.sort(key=rank)
    out = []
    for path in wanted:
        prior = scenario.priors[path]
        disp = _display(path, prior.unit)
        f = disp.factor
        if prior.is_fixed:
            value = (prior.args[0] / f,)
            median = value[0]
            describe = f"fixed at {fmt_text.quantity(value[0], disp.unit)}"
        else:
            value = (prior.ppf(0.05) / f, prior.ppf(0.95) / f)
            median = prior.ppf(0.5) / f
            describe = prior.kind
        if not all(math.isfinite(v) for v in value):
            continue
        out.append(
            Editor(
                path=path,
                group=path.split(".")[0],
                label=_label(path),
                unit=disp.unit,
                display=disp,
                interval=not prior.is_fixed,
                value=value,
                median=median,
                describe=describe,
                explicit=path in scenario.explicit,
            )
        )
    return out


def grouped(items: list[Editor]) -> list[tuple[str, list[Editor]]]:
    """Editors by group, as ``(title, editors)`` in table order."""
    out: dict[str, list[Editor]] = {}
    for ed in items:
        out.setdefault(ed.group, []).append(ed)
    return [(GROUP_TITLES.get(g, g.replace("_", " ").capitalize()), eds) for g, eds in out.items()]


def initial_state(scenario: Scenario) -> dict[str, Any]:
    """Session state of the sidebar for a freshly picked scenario: samples, seed, editors."""
    state: dict[str, Any] = {"samples": default_samples(scenario), "seed": int(scenario.seed)}
    for ed in editors(scenario):
        state.update(ed.initial_state())
    return state


def overrides(items: list[Editor], state: dict) -> dict[str, object]:
    """``{key path: YAML value}`` of the edited parameters (for :meth:`Scenario.with_overrides`)."""
    out = {}
    for ed in items:
        value = ed.override(ed.read(state))
        if value is not None:
            out[ed.path] = value
    return out


def edited_values(items: list[Editor], state: dict) -> dict[str, tuple[float, ...]]:
    """``{key path: widget values [display unit]}`` of the edited parameters (for the URL)."""
    out = {}
    for ed in items:
        values = ed.read(state)
        if ed.override(values) is not None:
            out[ed.path] = values
    return out


def edited_scenario(base: Scenario, edits: dict[str, object], samples: int, seed: int) -> Scenario:
    """The base scenario with the edits, and the samples and seed written into it.

    Parameters
    ----------
    base : Scenario
        The scenario picked or uploaded.
    edits : dict
        ``{key path: YAML value}`` (see :func:`overrides`).
    samples, seed : int
        Run settings [samples]; written as the scenario's ``samples`` and ``seed``.

    Returns
    -------
    Scenario
        Named ``"<name> (edited)"`` when there are edits, with a line in its description.

    Raises
    ------
    InputError
        When an edit is out of the parameter's domain (one line, naming the key path).
    """
    scenario = base
    if edits:
        scenario = base.with_overrides(edits, name=f"{base.name} (edited)")
        raw = dict(scenario.raw)
        note = "Edited in the scalesim web app: " + ", ".join(sorted(edits)) + "."
        raw["description"] = f"{base.description.strip()}\n{note}".strip()
        scenario = scenario_from_mapping(raw, path=base.path)
    return with_run_settings(scenario, samples, seed)
