"""Reproduction packs: published studies' headline figures against scalesim's runs of them.

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

Every figure runs through :func:`scalesim.engine.run.run`, one run per scenario of the pack.
"""

from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from scalesim.engine.run import run
from scalesim.engine.summary import year_quantiles
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


@dataclass(frozen=True)
class Check:
    """A figure compared: published against scalesim, and whether it is within tolerance.

    The numbers are in the figure's ``unit``: a variable's canonical unit (``FLOP``,
    ``token``, ...), a fractional calendar year for an exhaustion year, a probability for a
    milestone's P(reached by a year).

    Attributes
    ----------
    pack : str
        The pack's name (its file's stem).
    cite : str
        Short name of the study, for tables.
    figure : str
        What the figure is, in the pack's words.
    where : str
        Where the study states it (section, table, figure).
    published : float or None
        The published value [unit]; None for a published range.
    published_range : tuple of float or None
        The published ``(lo, hi)`` [unit]; None for a single value.
    unit : str
        Unit of ``published``, ``published_range``, ``scalesim``, ``lo`` and ``hi`` as the
        pack states it: the variable's canonical unit, or "" for a calendar year, a
        probability or a dimensionless variable.
    kind : str
        How it is compared: ``range``, or the tolerance as ``kind:amount`` (``digits:2``,
        ``years:1``, ``log10:0.05``, ``share:0.005``).
    scalesim : float or None
        scalesim's statistic: the measure's quantile or probability [unit]; None where the
        quantile falls after the scenario's last year.
    lo, hi : float or None
        scalesim's 10th and 90th percentiles of the same quantity [unit]; None for a
        milestone's probability, and where the percentile falls after the last year.
    passed : bool
        Whether ``scalesim`` is within the tolerance of ``published`` (or inside the range).
    precision : str
        Why the tolerance is what it is (the study's own precision).
    reason : str
        Why the figure fails, when it is known to (printed with the failure).
    """

    pack: str
    cite: str
    figure: str
    where: str
    published: float | None
    published_range: tuple[float, float] | None
    unit: str
    kind: str
    scalesim: float | None
    lo: float | None
    hi: float | None
    passed: bool
    precision: str
    reason: str

    def to_dict(self) -> dict:
        """The check as a JSON-ready dict.

        Returns
        -------
        dict
            Every attribute by name (``published_range`` as a 2-tuple or None).
        """
        return asdict(self)


# --- reading a pack ---------------------------------------------------------------------------


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


# --- evaluating --------------------------------------------------------------------------------


def _passes(fig: Figure, x: float | None) -> bool:
    if x is None or not math.isfinite(x):
        return False
    if fig.range is not None:
        return fig.range[0] <= x <= fig.range[1]
    (kind, tol) = next(iter(fig.tolerance.items()))
    if kind in ("years", "share"):
        return abs(x - fig.value) <= float(tol) + 1e-9
    if kind == "log10":
        return x > 0 and abs(math.log10(x) - math.log10(fig.value)) <= float(tol) + 1e-12
    lo, hi = digits_bounds(fig.value, int(tol))
    return lo <= x <= hi


def digits_bounds(value: float, digits: int) -> tuple[float, float]:
    """Values that round to ``value`` at ``digits`` significant digits: half a unit of the last
    digit either side (``3e14`` at 1 digit: 2.5e14 – 3.5e14)."""
    if value == 0:
        return (0.0, 0.0)
    half = 0.5 * 10 ** (math.floor(math.log10(abs(value))) - digits + 1)
    return (value - half, value + half)


def evaluate(pack: Pack, samples: int | None = None, seed: int | None = None) -> list[Check]:
    """Run each scenario of the pack once and compare every figure."""
    by_variant: dict[str | None, list[Figure]] = {}
    for fig in pack.figures:
        by_variant.setdefault(fig.variant, []).append(fig)
    values: dict[int, tuple[float | None, float | None, float | None]] = {}
    for variant, figs in by_variant.items():
        scenario = pack.scenario_for(variant)
        names = sorted({f.measure["variable"] for f in figs if "variable" in f.measure})
        res = run(scenario, samples=samples, seed=seed, keep="none", summarize=names or "headline")
        for fig in figs:
            m = fig.measure
            if "milestone" in m:
                x, lo, hi = _p_reached(res, m, pack)
            elif "exhaustion" in m:
                q = float(m["exhaustion"])
                x, lo, hi = year_quantiles(
                    res.exhaustion_counts, res.exhaustion_never, [q, 0.1, 0.9]
                )
            else:
                if int(m["year"]) not in res.years:
                    raise InputError(
                        f"year {m['year']} is outside the scenario's years", path=str(pack.path)
                    )
                i = res.years.index(int(m["year"]))
                qs = res.histograms[m["variable"]].quantiles([float(m["quantile"]), 0.1, 0.9])
                x, lo, hi = (float(qs[j][i]) for j in range(3))
            values[id(fig)] = (x, lo, hi)
    out = []
    for fig in pack.figures:
        x, lo, hi = values[id(fig)]
        if fig.range is not None:
            kind = "range"
        else:
            kind, tol = next(iter(fig.tolerance.items()))
            kind = f"{kind}:{tol}"
        out.append(
            Check(
                pack=pack.name,
                cite=pack.cite,
                figure=fig.figure,
                where=fig.where,
                published=fig.value,
                published_range=fig.range,
                unit=fig.unit,
                kind=kind,
                scalesim=x,
                lo=lo,
                hi=hi,
                passed=_passes(fig, x),
                precision=fig.precision,
                reason=fig.reason,
            )
        )
    return out


def _p_reached(res, m: dict, pack: Pack) -> tuple[float | None, None, None]:
    summary = getattr(res, "milestone_summary", None)
    found = summary() if summary else {}
    if m["milestone"] not in found:
        raise InputError(f"the scenario has no milestone {m['milestone']!r}", path=str(pack.path))
    year = int(m["p_reached_by"])
    if year not in res.years:
        raise InputError(f"year {year} is outside the scenario's years", path=str(pack.path))
    p = found[m["milestone"]]["p_reached"][res.years.index(year)]
    return p, None, None


def reproduce(names: list[str] | None = None, samples: int | None = None) -> list[Check]:
    """Every figure of the packs named, compared with scalesim's runs of them.

    Each scenario of a pack (the pack's, and each variant a figure names) is run once through
    :func:`scalesim.engine.run.run`, with the scenario's seed.

    Parameters
    ----------
    names : list of str, optional
        Packs to check: a file path, or the stem of a shipped pack in
        ``scenarios/papers`` (default: every shipped pack).
    samples : int, optional
        Samples of each run [samples] (default: each scenario's own).

    Returns
    -------
    list of Check
        One per figure, packs in the order named (shipped ones by name), figures in file
        order.

    Raises
    ------
    InputError
        When a pack is not found or does not load.
    """
    checks: list[Check] = []
    for path in pack_paths(names):
        checks.extend(evaluate(load_pack(path), samples=samples))
    return checks
