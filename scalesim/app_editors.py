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

from scalesim.app_support import default_samples, with_run_settings
from scalesim.parameters import PARAMETERS, spec_for
from scalesim.scenario import Scenario, scenario_from_mapping
from scalesim.units import ureg

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
class Display:
    """How a parameter is shown: unit label, canonical units per display unit, widget.

    ``widget`` is ``"slider"`` (a range slider for an interval prior, a plain slider for a
    fixed value, between ``lo`` and ``hi`` in steps of ``step``) or ``"number"`` (number
    inputs).
    """

    unit: str
    factor: float = 1.0
    widget: str = "number"
    lo: float = 0.0
    hi: float = 1.0
    step: float = 0.01
    fmt: str = "%.3g"


def _per(unit: str, canonical: str) -> float:
    return float(ureg.Quantity(1, unit).to(canonical).magnitude)


DISPLAY: dict[str, Display] = {
    "economy.world_gdp": Display("trillion USD", 1e12, fmt="%.1f"),
    "economy.gdp_growth": Display("% per year", 0.01, "slider", -3.0, 10.0, 0.1, "%.1f"),
    "spending.largest_run": Display("million USD", 1e6, fmt="%.1f"),
    "spending.growth": Display("× per year", 1.0, "slider", 1.0, 5.0, 0.05, "%.2f"),
    "spending.max_share_of_gdp": Display("% of world GDP", 0.01, "slider", 0.0, 10.0, 0.05, "%.2f"),
    "hardware.flop_per_usd": Display("FLOP/USD", 1.0, fmt="%.3e"),
    "hardware.doubling_time": Display("years", 1.0, "slider", 0.25, 6.0, 0.05, "%.2f"),
    "hardware.max_flop_per_usd": Display("FLOP/USD", 1.0, fmt="%.3e"),
    "algorithms.halving_time": Display(
        "months", _per("month", "year"), "slider", 1.0, 48.0, 0.5, "%.1f"
    ),
    "algorithms.max_multiplier": Display("×", 1.0, fmt="%.3g"),
    "data.sources.*.stock": Display("tokens", 1.0, fmt="%.3e"),
    "data.sources.*.documents": Display("documents", 1.0, fmt="%.3e"),
    "data.sources.*.tokens_per_document": Display("tokens", 1.0, fmt="%.4g"),
    "data.sources.*.growth": Display("× per year", 1.0, "slider", 0.9, 1.6, 0.01, "%.2f"),
    "data.sources.*.tokens_per_document_growth": Display(
        "× per year", 1.0, "slider", 0.9, 1.3, 0.01, "%.2f"
    ),
    "data.sources.*.quality": Display("share kept", 1.0, "slider", 0.0, 1.0, 0.01, "%.2f"),
    "data.sources.*.weight": Display("text-equivalent weight", 1.0, fmt="%.3g"),
    "data.epochs": Display("epochs", 1.0, "slider", 1.0, 20.0, 0.1, "%.1f"),
    "data.reuse_decay": Display("R*", 1.0, fmt="%.3g"),
    "synthetic.share_of_compute": Display(
        "% of the budget", 0.01, "slider", 0.0, 90.0, 0.5, "%.1f"
    ),
    "synthetic.flop_per_token": Display("FLOP/token", 1.0, fmt="%.3e"),
    "synthetic.quality": Display("human-token equivalents", 1.0, "slider", 0.0, 1.0, 0.01, "%.2f"),
    "synthetic.max_ratio": Display("× human data", 1.0, "slider", 0.0, 20.0, 0.1, "%.1f"),
    "training.tokens_per_parameter": Display(
        "tokens per parameter", 1.0, "slider", 1.0, 200.0, 1.0, "%.0f"
    ),
    "training.post_training_gain": Display("×", 1.0, fmt="%.3g"),
    "training.duration": Display("days", _per("day", "s"), "slider", 10.0, 400.0, 1.0, "%.0f"),
    "training.utilisation": Display("share of peak FLOP/s", 1.0, "slider", 0.0, 1.0, 0.01, "%.2f"),
    "power.available": Display("MW", 1e6, fmt="%.0f"),
    "power.growth": Display("× per year", 1.0, "slider", 0.9, 3.0, 0.01, "%.2f"),
    "power.flop_per_joule": Display("FLOP/J", 1.0, fmt="%.3e"),
    "power.efficiency_growth": Display("× per year", 1.0, "slider", 0.9, 2.0, 0.01, "%.2f"),
    "chips.stock": Display("million H100e", 1e6, fmt="%.2f"),
    "chips.production": Display("million H100e per year", 1e6, fmt="%.2f"),
    "chips.production_growth": Display("× per year", 1.0, "slider", 0.9, 3.0, 0.01, "%.2f"),
    "chips.share_for_one_run": Display(
        "share of all accelerators", 1.0, "slider", 0.0, 1.0, 0.01, "%.2f"
    ),
    "chips.flop_per_second": Display("FLOP/s", 1.0, fmt="%.3e"),
    "chips.flop_per_second_growth": Display("× per year", 1.0, "slider", 0.9, 2.0, 0.01, "%.2f"),
    "latency.min_step_time": Display("s", 1.0, fmt="%.3g"),
    "latency.critical_batch": Display("million tokens", 1e6, fmt="%.1f"),
    "latency.ceiling": Display("FLOP", 1.0, fmt="%.3e"),
    "reliability.mtbf": Display("hours", 1.0, fmt="%.0f"),
    "reliability.checkpoint_cost": Display("minutes", 1.0, fmt="%.2f"),
    "reliability.restart_time": Display("minutes", 1.0, fmt="%.1f"),
}
LABELS = {
    "economy.world_gdp": "World GDP, base year",
    "economy.gdp_growth": "World GDP growth",
    "spending.largest_run": "Cost of the largest run, base year",
    "spending.growth": "Growth of the largest run's cost",
    "spending.max_share_of_gdp": "Ceiling on one run's cost",
    "hardware.flop_per_usd": "Training FLOP per USD, base year",
    "hardware.doubling_time": "Doubling time of FLOP per USD",
    "hardware.max_flop_per_usd": "Ceiling on FLOP per USD",
    "algorithms.halving_time": "Algorithmic halving time",
    "algorithms.max_multiplier": "Ceiling on the algorithmic multiplier",
    "data.epochs": "Epochs over the human data",
    "data.reuse_decay": "Decay constant of repeated epochs",
    "synthetic.share_of_compute": "Share of compute for synthetic data",
    "synthetic.flop_per_token": "FLOP per generated token",
    "synthetic.quality": "Value of a synthetic token",
    "synthetic.max_ratio": "Cap on synthetic data",
    "training.tokens_per_parameter": "Tokens per parameter",
    "training.post_training_gain": "Post-training gain",
    "training.duration": "Duration of the largest run",
    "training.utilisation": "Model FLOP utilisation",
    "power.available": "Power for one run, base year",
    "power.growth": "Growth of the power for one run",
    "power.flop_per_joule": "FLOP per joule, base year",
    "power.efficiency_growth": "Growth of FLOP per joule",
    "chips.stock": "Accelerator stock, base year",
    "chips.production": "Accelerator production, base year",
    "chips.production_growth": "Growth of accelerator production",
    "chips.share_for_one_run": "Share of accelerators for one run",
    "chips.flop_per_second": "FLOP/s per accelerator, base year",
    "chips.flop_per_second_growth": "Growth of FLOP/s per new accelerator",
    "latency.min_step_time": "Shortest time per optimizer step",
    "latency.critical_batch": "Critical batch size",
    "latency.ceiling": "Latency wall",
    "reliability.mtbf": "Mean time between failures per accelerator",
    "reliability.checkpoint_cost": "Time to write a checkpoint",
    "reliability.restart_time": "Time to restart after a failure",
}
_SOURCE_LABELS = {
    "stock": "stock",
    "documents": "documents",
    "tokens_per_document": "tokens per document",
    "growth": "growth",
    "tokens_per_document_growth": "growth of tokens per document",
    "quality": "quality share",
    "weight": "weight",
}


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
        w = self.widget
        if w == "range":
            return {self.key: (self.value[0], self.value[1])}
        if w == "interval":
            return {self.key + ":lo": self.value[0], self.key + ":hi": self.value[1]}
        return {self.key: self.value[0]}

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
        if self.interval:
            return {"to": [float(values[0] * f), float(values[1] * f)]}
        return float(values[0] * f)

    def median_text(self, values: tuple[float, ...]) -> str:
        """``median 2.41 × per year``: the caption under an interval editor."""
        return f"median {self.display.fmt % self.median_of(values)} {self.unit}".rstrip()

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
            describe = f"fixed at {disp.fmt % value[0]}"
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
