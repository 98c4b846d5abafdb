"""Sweep files: a grid, a Latin hypercube or a list of scenarios, validated into points.

Each point is the base scenario with some parameters replaced (or a scenario file), with
its samples and seed; every point uses the same seed (common random numbers), so that
differences come from the parameters, not from sampling noise. Values follow the scenario
conventions of model v2: a quantity with a dimension carries its unit (``8 month``,
``1e14 token``), every growth is a multiplier per year (``2.4``, not ``1.4``); LHS values are
written into each point's scenario with the parameter's canonical unit. File format:
README.md, "Sensitivity and sweeps"; examples: scenarios/sweeps/.
"""

from __future__ import annotations

import itertools
import json
import math
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from scalesim.errors import InputError, did_you_mean
from scalesim.model.parameters import SPECS, spec_for
from scalesim.scenario import safe_yaml
from scalesim.scenario.loader import MAX_SAMPLES, Scenario, load_scenario
from scalesim.units import is_dimensionless, parse_quantity

SWEEP_KEYS = (
    "name",
    "description",
    "base",
    "method",
    "parameters",
    "points",
    "scenarios",
    "samples",
    "seed",
)
METHODS = ("grid", "lhs")
MAX_POINTS = 10_000
LHS_STREAM = zlib.crc32(b"sweep.lhs")  # random stream of the LHS design, apart from priors'


@dataclass(frozen=True)
class SweepPoint:
    """One run of a sweep: ``id``, a readable ``label``, its parameter ``values`` (table
    columns; canonical units), the ``scenario``, ``samples`` and ``seed``."""

    id: int
    label: str
    values: dict[str, float | str]
    scenario: Scenario
    samples: int
    seed: int


@dataclass(frozen=True)
class Sweep:
    """A validated sweep file: ``method`` is grid, lhs or scenarios; ``parameters`` the
    swept key paths (table columns)."""

    name: str
    path: str
    method: str
    parameters: tuple[str, ...]
    points: tuple[SweepPoint, ...]


def load_sweep(path: str | Path, *, samples: int | None = None, seed: int | None = None) -> Sweep:
    """Load and validate a sweep file; every point's scenario is built and checked.

    Parameters
    ----------
    path : str or Path
        The sweep YAML file (format: README.md, "Sensitivity and sweeps"); scenario files
        it names are relative to its folder.
    samples : int, optional
        Samples of every point's run [samples] (default: the file's ``samples:``, else the
        base scenario's, or each listed scenario's own).
    seed : int, optional
        Seed of every point's run, and of the Latin hypercube design (default: the file's
        ``seed:``, else the base scenario's, or each listed scenario's own).

    Returns
    -------
    Sweep
        The points in order, each with its scenario, parameter values, samples and seed.

    Raises
    ------
    InputError
        Naming the file and the key path of what is wrong in it; or naming the argument
        (``samples``, ``seed``) when it is not an integer in range.
    """
    _override(samples, "samples", 1, MAX_SAMPLES)
    _override(seed, "seed", 0, 2**63 - 1)
    where = str(path)
    # a regular file, size-capped; YAML with depth, node, alias and integer limits
    text = safe_yaml.read_text(path)
    try:
        data = safe_yaml.load(text, where)
    except InputError as exc:
        message = exc.message.replace("invalid YAML: ", "cannot read the file: ", 1)
        raise InputError(message, path=exc.path, key=exc.key) from None
    try:
        return _build(data, where, Path(path).parent, samples, seed)
    except InputError as exc:
        raise exc.at(path=where) from None


def _override(value, argument: str, lo: int, hi: int) -> None:
    """Refuse a ``samples`` or ``seed`` argument of :func:`load_sweep` that is not an integer
    from ``lo`` to ``hi``; the error names the argument (not a key of the file)."""
    if value is not None and (
        isinstance(value, bool) or not isinstance(value, (int, np.integer)) or not lo <= value <= hi
    ):
        top = "2**63 - 1" if hi == 2**63 - 1 else f"{hi:,}"
        raise InputError(f"must be an integer from {lo:,} to {top}, got {value!r}", key=argument)


def _need(ok: bool, message: str, key: str) -> None:
    if not ok:
        raise InputError(message, key=key)


def _int(value, key, lo, hi) -> int:
    _need(
        not isinstance(value, bool) and isinstance(value, int) and lo <= value <= hi,
        f"expected an integer between {lo:,} and {hi:,}, got {value!r}",
        key,
    )
    return value


def _scenario(base_dir: Path, ref, key) -> Scenario:
    _need(isinstance(ref, str) and ref.strip(), f"expected a scenario file path, got {ref!r}", key)
    safe_yaml.check_path(base_dir / ref, None, key)
    _need((base_dir / ref).is_file(), f"scenario file {ref!r} not found", key)
    try:
        return load_scenario(base_dir / ref)
    except InputError as exc:
        raise InputError(str(exc), key=key) from None


def _build(data, where, base_dir, samples, seed) -> Sweep:
    _need(
        isinstance(data, dict),
        "expected a mapping of sweep keys, got "
        f"{'an empty file' if data is None else type(data).__name__}",
        None,
    )
    for key in data:
        _need(key in SWEEP_KEYS, f"unknown key{did_you_mean(key, SWEEP_KEYS)}", str(key))
    if samples is None and "samples" in data:
        samples = _int(data["samples"], "samples", 1, MAX_SAMPLES)
    if seed is None and "seed" in data:
        seed = _int(data["seed"], "seed", 0, 2**63 - 1)
    name = str(data.get("name") or Path(where).stem)
    if "scenarios" in data:
        extra = [k for k in ("base", "parameters", "method", "points") if k in data]
        _need(not extra, "give either scenarios, or base and parameters", (extra or [""])[0])
        refs = data["scenarios"]
        _need(
            isinstance(refs, list) and refs,
            "expected a non-empty list of scenario files",
            "scenarios",
        )
        scenarios = [_scenario(base_dir, ref, f"scenarios[{i}]") for i, ref in enumerate(refs)]
        return Sweep(
            name,
            where,
            "scenarios",
            (),
            tuple(
                SweepPoint(
                    i, Path(ref).stem, {}, s, samples or s.samples, s.seed if seed is None else seed
                )
                for i, (ref, s) in enumerate(zip(refs, scenarios, strict=True))
            ),
        )
    _need("base" in data, "required key is missing (or give scenarios: [...])", "base")
    base = _scenario(base_dir, data["base"], "base")
    method = data.get("method", "grid")
    _need(method in METHODS, f"expected one of {', '.join(METHODS)}, got {method!r}", "method")
    params = data.get("parameters")
    _need(
        isinstance(params, dict) and params,
        "expected a mapping of key paths to sweep values",
        "parameters",
    )
    samples, seed = samples or base.samples, base.seed if seed is None else seed
    if method == "grid":
        _need("points" not in data, "points is for method lhs, not grid", "points")
        sizes = [
            len(e["values"]) if isinstance(e, dict) and isinstance(e.get("values"), list) else 1
            for e in params.values()
        ]
        total = math.prod(sizes)  # checked before any point (or value) is built
        _need(
            total <= MAX_POINTS,
            f"{total:,} grid points; at most {MAX_POINTS:,}",
            "parameters",
        )
        columns = {p: _grid_values(p, spec) for p, spec in params.items()}
        combos = list(itertools.product(*(range(len(v)) for v in columns.values())))
        choices = [list(zip(columns, combo, strict=True)) for combo in combos]
    else:
        n = _int(data.get("points"), "points", 1, MAX_POINTS)
        columns = {
            p: _lhs_values(p, spec, n, seed, j) for j, (p, spec) in enumerate(params.items())
        }
        choices = [[(p, i) for p in columns] for i in range(n)]
    for p, col in columns.items():
        if any(isinstance(shown, str) for _, shown in col):  # a prior among them: text column
            columns[p] = [(raw, json.dumps(raw, sort_keys=True, default=str)) for raw, _ in col]
    keys = {p: str(p) for p in params}
    points = []
    for pid, choice in enumerate(choices):
        overrides, values = {}, {}
        for p, i in choice:
            overrides[keys[p]], values[keys[p]] = columns[p][i]
        label = ", ".join(
            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in values.items()
        )
        try:
            scenario = base.with_overrides(overrides, name=f"{base.name} [{label}]")
        except InputError as exc:  # name the sweep's key, not the generated scenario's
            key = exc.key
            for p, i in choice:
                if key and (key + ".").startswith(f"parameters.{keys[p]}."):
                    key = f"parameters.{p}." + (f"values[{i}]" if method == "grid" else "range")
            raise InputError(f"point {pid} ({label}): {exc.message}", key=key) from None
        points.append(SweepPoint(pid, label, values, scenario, samples, seed))
    return Sweep(name, where, method, tuple(keys.values()), tuple(points))


def _spec(path):
    key, known = str(path), [p for p in SPECS if "*" not in p]
    spec = spec_for(key)
    _need(
        spec is not None and "*" not in key,
        f"unknown parameter{did_you_mean(key, known)}",
        f"parameters.{path}",
    )
    return spec


def _grid_values(path, entry) -> list[tuple[object, float | str]]:
    """(value for the scenario, value for the table [canonical unit]) of each grid value."""
    spec, where = _spec(path), f"parameters.{path}"
    _need(
        isinstance(entry, dict) and set(entry) == {"values"},
        "expected {values: [...]} for method grid",
        where,
    )
    values = entry["values"]
    _need(isinstance(values, list) and values, "expected a non-empty list", f"{where}.values")
    out = []
    for i, v in enumerate(values):
        try:
            out.append(
                (
                    v,
                    json.dumps(v, sort_keys=True, default=str)
                    if isinstance(v, dict)
                    else parse_quantity(v, spec.unit),
                )
            )
        except InputError as exc:
            raise InputError(exc.message, key=f"{where}.values[{i}]") from None
    return out


def _lhs_values(path, entry, n, seed, column) -> list[tuple[object, float]]:
    """``n`` stratified values of one LHS column: (value for the scenario, with the
    canonical unit where the parameter has a dimension; value for the table [canonical
    unit]), each column from its own random stream."""
    spec, where = _spec(path), f"parameters.{path}"
    _need(
        isinstance(entry, dict) and "range" in entry and not set(entry) - {"range", "log"},
        "expected {range: [lo, hi], log: false} for method lhs",
        where,
    )
    bounds, log = entry["range"], entry.get("log", False)
    _need(
        isinstance(bounds, list) and len(bounds) == 2,
        f"expected [lo, hi], got {bounds!r}",
        f"{where}.range",
    )
    try:
        lo, hi = (parse_quantity(v, spec.unit) for v in bounds)
    except InputError as exc:
        raise InputError(exc.message, key=f"{where}.range") from None
    _need(isinstance(log, bool), f"expected true or false, got {log!r}", f"{where}.log")
    _need(lo < hi, f"expected lo < hi, got [{lo:g}, {hi:g}]", f"{where}.range")
    _need(lo > 0 or not log, f"log: true needs lo > 0, got {lo:g}", f"{where}.range")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(LHS_STREAM, column)))
    u = (rng.permutation(n) + rng.random(n)) / n  # one point in each of n strata, shuffled
    x = np.exp(math.log(lo) + u * (math.log(hi) - math.log(lo))) if log else lo + u * (hi - lo)
    if is_dimensionless(spec.unit):
        return [(float(v), float(v)) for v in x]
    return [(f"{float(v)!r} {spec.unit}", float(v)) for v in x]


__all__ = ["MAX_POINTS", "Sweep", "SweepPoint", "load_sweep"]
