"""Reproduction packs: reading a pack's scenario and the published figures it states.

A pack is a scenario file in ``scenarios/papers/`` that encodes one study's stated
assumptions and adds a ``published:`` block::

    published:
      study: Villalobos et al. 2024, "Will we run out of data? ..."
      cite: Villalobos et al. 2024          # short name for tables
      variants: {overtrained-5x: ../overtrained-5x.yaml}   # optional, relative to the pack
      figures:
        - figure: year the stock is fully used (median)
          where: abstract, Figure 1
          measure: {exhaustion: 0.5}         # or {variable: NAME, year: Y, quantile: q},
                                             # or {milestone: NAME, p_reached_by: YEAR}
          value: 2028                        # or "3e14 token"; or range: [lo, hi]
          tolerance: {years: 1}              # or {digits: N}, {log10: x}; none with range
          precision: why this tolerance (the study's own precision)
          variant: overtrained-5x            # optional: measured on that scenario
          reason: why it fails, when it does (printed with the failure)

Tolerances come from the study's precision, never from scalesim's output:

- ``digits: N``: the value as stated to N significant digits; scalesim's figure must round to
  it (within half a unit of the last stated digit).
- ``years: Y``: within Y years.
- ``log10: x``: within x in log10 (a figure stated as a log to one decimal: x = 0.05).
- ``share: x``: a probability within x (a percentage stated to the whole percent: 0.005).
- ``range: [lo, hi]``: scalesim's statistic (usually the median) inside the published range.

scalesim.analysis.reproduce compares each figure with scalesim's run of the pack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from scalesim.errors import InputError
from scalesim.model.variables import VARIABLES
from scalesim.scenario.loader import Scenario, load_scenario

#: The shipped packs (the repository's scenarios/papers).
PACKS_DIR = Path(__file__).resolve().parents[2] / "scenarios" / "papers"

_QUANTITY = re.compile(r"^\s*([-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)\s*([A-Za-z/]*)\s*$")
_TOLERANCES = ("digits", "years", "log10", "share")


@dataclass(frozen=True)
class Figure:
    """One published figure of a pack."""

    figure: str
    where: str
    measure: dict
    value: float | None = None
    range: tuple[float, float] | None = None
    unit: str = ""
    tolerance: dict = field(default_factory=dict)
    precision: str = ""
    variant: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class Pack:
    """A reproduction pack: its scenario, the study and its figures."""

    path: Path
    scenario: Scenario
    study: str
    cite: str
    figures: tuple[Figure, ...]
    variants: dict[str, Path]

    @property
    def name(self) -> str:
        return self.path.stem

    def scenario_for(self, variant: str | None) -> Scenario:
        return self.scenario if variant is None else load_scenario(self.variants[variant])


def pack_paths(names: list[str] | None = None) -> list[Path]:
    """Paths of the packs named (a path, or a stem in :data:`PACKS_DIR`); all shipped ones by
    default, sorted by name."""
    if not names:
        return sorted(PACKS_DIR.glob("*.yaml"))
    out = []
    for name in names:
        path = Path(name)
        if not path.is_file():
            path = PACKS_DIR / f"{Path(name).stem}.yaml"
        if not path.is_file():
            known = ", ".join(p.stem for p in sorted(PACKS_DIR.glob("*.yaml")))
            raise InputError(f"no reproduction pack {name!r} (known: {known})")
        out.append(path)
    return out


def _quantity(text, where: str) -> tuple[float, str]:
    if isinstance(text, bool):
        raise InputError(f"expected a number with its unit, got {text!r}", key=where)
    if isinstance(text, int | float):
        return float(text), ""
    m = _QUANTITY.match(str(text))
    if not m:
        raise InputError(f"expected a number with its unit, got {text!r}", key=where)
    return float(m.group(1)), m.group(2)


def _figure(spec: dict, key: str, variants: dict) -> Figure:
    if not isinstance(spec, dict):
        raise InputError(f"expected a mapping, got {spec!r}", key=key)
    measure = spec.get("measure")
    if not isinstance(measure, dict) or not (
        "exhaustion" in measure
        or {"variable", "year", "quantile"} <= set(measure)
        or {"milestone", "p_reached_by"} <= set(measure)
    ):
        raise InputError(
            "expected {exhaustion: q}, {variable: NAME, year: Y, quantile: q} or "
            "{milestone: NAME, p_reached_by: YEAR}",
            key=f"{key}.measure",
        )
    variable = measure.get("variable")
    if variable is not None and variable not in VARIABLES:
        raise InputError(f"unknown variable {variable!r}", key=f"{key}.measure.variable")
    want = VARIABLES[variable][0] if variable else ""
    value = rng = None
    unit = ""
    if "range" in spec:
        lo, unit = _quantity(spec["range"][0], f"{key}.range")
        hi, unit_hi = _quantity(spec["range"][1], f"{key}.range")
        if unit_hi != unit or not lo <= hi:
            raise InputError("expected [lo, hi] in one unit, lo <= hi", key=f"{key}.range")
        rng = (lo, hi)
    else:
        value, unit = _quantity(spec.get("value"), f"{key}.value")
        tol = spec.get("tolerance") or {}
        if len(tol) != 1 or next(iter(tol)) not in _TOLERANCES:
            raise InputError(
                f"expected one of {', '.join(_TOLERANCES)} (or a range instead of a value)",
                key=f"{key}.tolerance",
            )
    if unit != want and not (want == "dimensionless" and unit == ""):
        raise InputError(f"expected the unit {want or 'year (none)'!r}, got {unit!r}", key=key)
    variant = spec.get("variant")
    if variant is not None and variant not in variants:
        raise InputError(f"unknown variant {variant!r}", key=f"{key}.variant")
    return Figure(
        figure=str(spec.get("figure", "")),
        where=str(spec.get("where", "")),
        measure=dict(measure),
        value=value,
        range=rng,
        unit=unit,
        tolerance=dict(spec.get("tolerance") or {}),
        precision=str(spec.get("precision", "")),
        variant=variant,
        reason=" ".join(str(spec.get("reason", "")).split()),
    )


def load_pack(path: str | Path) -> Pack:
    """Read a pack: its scenario (through the scenario loader) and its ``published:`` block.

    Parameters
    ----------
    path : str or Path
        The pack's YAML file (a scenario file with a ``published:`` block).

    Returns
    -------
    Pack
        The scenario, the study, its figures and its variants' files.

    Raises
    ------
    InputError
        When the scenario does not load, or the ``published:`` block is malformed (naming
        the file and the key path).
    """
    path = Path(path)
    scenario = load_scenario(path)
    block = scenario.raw.get("published")
    if not isinstance(block, dict) or not block.get("figures"):
        raise InputError("a reproduction pack needs published.figures", path=str(path))
    variants = {
        str(k): (path.parent / str(v)).resolve() for k, v in (block.get("variants") or {}).items()
    }
    for k, v in variants.items():
        if not v.is_file():
            raise InputError(f"variant file not found: {v}", path=str(path), key=k)
    try:
        figures = tuple(
            _figure(f, f"published.figures.{i}", variants) for i, f in enumerate(block["figures"])
        )
    except InputError as exc:
        raise InputError(exc.message, path=str(path), key=exc.key) from None
    study = " ".join(str(block.get("study", "")).split())
    return Pack(
        path=path,
        scenario=scenario,
        study=study,
        cite=str(block.get("cite") or study.split(",")[0]),
        figures=figures,
        variants=variants,
    )
