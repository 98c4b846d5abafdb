"""Scenario files: YAML loading, ``extends:``, validation with key paths.

This is the only module that knows the shape of a scenario file. A loaded
:class:`Scenario` is immutable and holds every parameter as a :class:`~scalesim.priors.Prior`
in canonical units, defaults filled in.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scalesim.errors import InputError, did_you_mean
from scalesim.model import constraints as registry
from scalesim.model.parameters import (
    OPTIONAL_GROUPS,
    SCHEDULE_KEYS,
    SOURCE_FIELDS,
    SOURCE_FLAGS,
    SPECS,
    ParamSpec,
    groups,
    spec_for,
)
from scalesim.scenario import catalog, safe_yaml
from scalesim.scenario.milestones import Milestone, parse_milestones
from scalesim.scenario.paradigms import check_shares
from scalesim.scenario.priors import KINDS, Prior, parse_prior

TOP_KEYS = (
    "name",
    "description",
    "extends",
    "years",
    "base_year",
    "samples",
    "seed",
    "parameters",
    "sources",
    "published",
    "milestones",
)
MAX_SAMPLES = 100_000_000


class Years(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    start: int = Field(ge=1900, le=2300)
    end: int = Field(ge=1900, le=2300)


class _Header(BaseModel):
    """The scalar part of a scenario file, validated by pydantic."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    name: str = Field(min_length=1)
    description: str = ""
    years: Years = Years(start=2024, end=2050)
    base_year: int = Field(default=2024, ge=1900, le=2300)
    samples: int = Field(default=20_000, ge=1, le=MAX_SAMPLES)
    seed: int = Field(default=20241125, ge=0, le=2**63 - 1)
    sources: dict[str, str] = {}


class Scenario(BaseModel):
    """A validated scenario.

    Attributes
    ----------
    name, description : str
    path : str or None
        The file it was loaded from.
    sha256 : str
        Hash of the resolved content (after ``extends:``), canonical JSON.
    years : Years
        First and last projected year [calendar year].
    base_year : int
        Year of the base-year values (Δ = t - base_year) [calendar year].
    samples : int
        Default number of Monte Carlo samples.
    seed : int
        Default seed.
    priors : dict of str to Prior
        Every parameter by key path, defaults filled in.
    explicit : frozenset of str
        Key paths the file (or a file it extends) sets.
    sources : dict of str to str
        Free-text source of each number, by key path.
    effective_sources : frozenset of str
        Data sources whose stock already includes repetition (``effective: true``): no
        epoch reuse is applied to them.
    raw : dict
        The resolved YAML mapping (``extends:`` applied), for export.
    """

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    name: str
    description: str
    path: str | None
    sha256: str
    years: Years
    base_year: int
    samples: int
    seed: int
    priors: dict[str, Prior]
    explicit: frozenset[str]
    sources: dict[str, str]
    effective_sources: frozenset[str] = frozenset()
    raw: dict[str, Any]
    #: The ``milestones:`` block (scalesim.scenario.milestones), in file order.
    milestones: tuple[Milestone, ...] = ()

    @property
    def year_list(self) -> list[int]:
        return list(range(self.years.start, self.years.end + 1))

    @property
    def groups(self) -> frozenset[str]:
        """Parameter groups the scenario has: every group that is always on, and the
        optional ones (power, chips, latency, reliability, demand) its file names. Priors a
        group borrows (reliability sizes its cluster with ``chips.flop_per_second``) do not
        switch another group on."""
        named = {k for k in self.raw.get("parameters") or {}}
        return frozenset(
            g
            for g in (k.split(".")[0] for k in self.priors)
            if g not in OPTIONAL_GROUPS or g in named
        )

    @property
    def ceilings(self) -> tuple[registry.Ceiling, ...]:
        """The ceilings of the scenario, in registry order (scalesim.model.constraints)."""
        return registry.active(self.groups)

    @property
    def constraints(self) -> tuple[str, ...]:
        """Names of the scenario's ceilings, in registry order."""
        return tuple(c.name for c in self.ceilings)

    @property
    def reliability(self) -> bool:
        """True when the scenario applies the simulated goodput (a ``reliability:`` group)."""
        return any(k.startswith("reliability.") for k in self.priors)

    @property
    def data_sources(self) -> list[str]:
        return sorted({k.split(".")[2] for k in self.priors if k.startswith("data.sources.")})

    def to_yaml(self) -> str:
        """The resolved scenario as YAML that :func:`load_scenario` accepts."""
        return yaml.safe_dump(self.raw, sort_keys=False, allow_unicode=True)

    def with_overrides(self, overrides: dict[str, object], name: str | None = None) -> Scenario:
        """A copy with parameters replaced, e.g. ``{"spending.growth": {"to": [2, 3]}}``."""
        raw = copy.deepcopy(self.raw)
        params = raw.setdefault("parameters", {})
        for key, value in overrides.items():
            node = params
            parts = key.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            node[parts[-1]] = value
        if name is not None:
            raw["name"] = name
        return scenario_from_mapping(raw, path=self.path)


def load_scenario(path: str | Path) -> Scenario:
    """Load and validate a scenario file.

    Parameters
    ----------
    path : str or Path
        YAML file; ``extends:`` in it is resolved relative to its folder.

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        Naming the file and the key path of the first problem.
    """
    safe_yaml.check_path(path)
    found = catalog.resolve(path)  # an existing path, else a scenario name (``baseline``)
    raw, origins = _resolve(found, ())
    shown = str(path) if found == Path(path) else str(found)
    return scenario_from_mapping(raw, path=shown, origins=origins)


def load_scenario_text(text: str, name: str = "<upload>", base_dir: str | Path = ".") -> Scenario:
    """Validate a scenario given as YAML text (an upload); ``extends:`` is relative to
    ``base_dir``."""
    data = _parse_yaml(text, name)
    raw, origins = _resolve_mapping(data, name, Path(base_dir), (name,))
    return scenario_from_mapping(raw, path=name, origins=origins)


def scenario_from_mapping(
    raw: dict, path: str | None = None, origins: dict[str, str] | None = None
) -> Scenario:
    """Validate an already-resolved mapping (no ``extends:`` left)."""
    where = path or "<scenario>"
    origins = origins or {}
    try:
        return _validate(raw, where)
    except InputError as exc:
        key = exc.key or ""
        origin = where
        for prefix, file in origins.items():
            if key == prefix or key.startswith(prefix + "."):
                origin = file
        raise InputError(exc.message, path=origin, key=exc.key) from None


# --- reading and extends ----------------------------------------------------------------


def _parse_yaml(text: str, where: str, budget: safe_yaml.Budget | None = None) -> dict:
    data = safe_yaml.load(text, where, budget)  # depth, node, alias and integer limits
    if not isinstance(data, dict):
        got = "an empty file" if data is None else type(data).__name__
        raise InputError(f"expected a mapping of scenario keys, got {got}", path=where)
    return data


def _read(path: Path, budget: safe_yaml.Budget | None = None) -> dict:
    # regular files only (no FIFO, no /dev/zero), size-capped, paths of sane length
    return _parse_yaml(safe_yaml.read_text(path), str(path), budget)


def _resolve(path: Path, chain: tuple[str, ...], budget=None) -> tuple[dict, dict[str, str]]:
    safe_yaml.check_path(path)
    try:
        key = str(path.resolve())
    except (OSError, RuntimeError) as exc:  # a symlink loop, an unreadable folder
        raise InputError(
            f"cannot resolve the path ({exc.__class__.__name__})", path=str(path)
        ) from None
    if key in chain:
        loop = " -> ".join([*(Path(c).name for c in chain[chain.index(key) :]), path.name])
        raise InputError(f"loop: {loop}", path=str(path), key="extends")
    budget = budget or safe_yaml.Budget()  # one node budget for the whole extends chain
    return _resolve_mapping(_read(path, budget), str(path), path.parent, (*chain, key), budget)


#: Longest ``extends:`` chain [files].
MAX_EXTENDS = 32


def _resolve_mapping(
    data: dict, where: str, base: Path, chain, budget=None
) -> tuple[dict, dict[str, str]]:
    parent_ref = data.get("extends")
    data = {k: v for k, v in data.items() if k != "extends"}
    if parent_ref is None:
        return data, {}
    if not isinstance(parent_ref, str) or not parent_ref.strip():
        raise InputError(f"expected a file path, got {parent_ref!r}", path=where, key="extends")
    if len(chain) >= MAX_EXTENDS:
        raise InputError(f"chain longer than {MAX_EXTENDS} files", path=where, key="extends")
    safe_yaml.check_path(base / parent_ref, where, "extends")
    parent_path = catalog.extends_path(base, parent_ref)  # base/REF, else a shipped name
    if parent_path is None:
        looked = f"looked in {str(base)!r} and the shipped scenarios"
        raise InputError(
            f"extended file {parent_ref!r} not found ({looked})", path=where, key="extends"
        )
    parent, origins = _resolve(parent_path, chain, budget)
    origins.update(_leaf_paths(parent, str(parent_path), origins))
    merged = _merge(parent, data)
    for leaf in _leaf_paths(data, where, {}):
        origins.pop(leaf, None)
    return merged, origins


def _leaf_paths(data: dict, file: str, existing: dict, prefix: str = "") -> dict[str, str]:
    out = {}
    for k, v in data.items():
        path = f"{prefix}{k}"
        if isinstance(v, dict) and not _is_prior(v) and k != "sources":
            out.update(_leaf_paths(v, file, existing, path + "."))
        elif path not in existing:
            out[path] = file
    return out


def _is_prior(value: dict) -> bool:
    """A prior or a schedule: replaced as a whole by ``extends:``, never merged."""
    return any(k in KINDS for k in value) or _is_schedule(value)


def _is_schedule(value) -> bool:
    return isinstance(value, dict) and bool(value) and set(value) <= set(SCHEDULE_KEYS)


def _merge(base: dict, over: dict) -> dict:
    """Deep-merge ``over`` into ``base``: mappings merge, a prior or scalar replaces, and
    ``null`` removes the key."""
    out = copy.deepcopy(base)
    for k, v in over.items():
        if v is None and k in out:
            del out[k]
        elif isinstance(v, dict) and isinstance(out.get(k), dict) and not _is_prior(v):
            out[k] = _merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


# --- validation ---------------------------------------------------------------------------


def _validate(raw: dict, where: str) -> Scenario:
    for key in raw:
        if key not in TOP_KEYS:
            raise InputError(f"unknown key{did_you_mean(key, TOP_KEYS)}", key=str(key))
    header_fields = {
        k: v for k, v in raw.items() if k not in ("parameters", "milestones", "published")
    }
    if "name" not in header_fields:
        header_fields["name"] = Path(where).stem
    try:
        header = _Header.model_validate(header_fields)
    except ValidationError as exc:
        raise _from_pydantic(exc) from None
    if header.years.end < header.years.start:
        raise InputError(
            f"end year {header.years.end} is before start year {header.years.start}",
            key="years.end",
        )
    params = raw.get("parameters", {})
    if params is None:
        params = {}
    if not isinstance(params, dict):
        raise InputError(
            f"expected a mapping of parameter groups, got {params!r}", key="parameters"
        )
    priors, explicit, effective = _parse_parameters(params)
    check_shares(priors)
    canonical = json.dumps(raw, sort_keys=True, default=str, ensure_ascii=False)
    return Scenario(
        name=header.name,
        description=header.description,
        path=where,
        sha256=hashlib.sha256(canonical.encode()).hexdigest(),
        years=header.years,
        base_year=header.base_year,
        samples=header.samples,
        seed=header.seed,
        priors=priors,
        explicit=frozenset(explicit),
        effective_sources=effective,
        sources=dict(header.sources),
        raw=copy.deepcopy(raw),
        milestones=parse_milestones(raw.get("milestones"), (header.years.start, header.years.end)),
    )


def _from_pydantic(exc: ValidationError) -> InputError:
    err = exc.errors()[0]
    key = ".".join(str(p) for p in err["loc"])
    kind, msg, got = err["type"], err["msg"], err.get("input")
    if kind == "extra_forbidden":
        parent = err["loc"][:-1]
        choices = Years.model_fields if parent == ("years",) else TOP_KEYS
        return InputError(f"unknown key{did_you_mean(err['loc'][-1], choices)}", key=key)
    if got is None and kind in ("string_type", "int_type", "dict_type", "float_type"):
        return InputError("is empty; give it a value", key=key)
    if kind in ("int_type", "int_parsing", "string_type", "dict_type", "float_type"):
        want = {
            "int_type": "an integer",
            "int_parsing": "an integer",
            "string_type": "text",
            "dict_type": "a mapping",
            "float_type": "a number",
        }[kind]
        return InputError(f"expected {want}, got {got!r}", key=key)
    if kind == "missing":
        return InputError("required key is missing", key=key)
    if key == "samples" and kind in ("greater_than_equal", "less_than_equal"):
        return InputError(f"must be between 1 and {MAX_SAMPLES:,}, got {got!r}", key=key)
    return InputError(f"{msg[0].lower() + msg[1:]}, got {got!r}", key=key)


def _parse_parameters(params: dict) -> tuple[dict[str, Prior], set[str], frozenset[str]]:
    layout = groups()
    priors: dict[str, Prior] = {}
    explicit: set[str] = set()
    effective: set[str] = set()
    for group, body in params.items():
        if group not in layout:
            raise InputError(
                f"unknown parameter group{did_you_mean(group, layout)}", key=f"parameters.{group}"
            )
        if not isinstance(body, dict):
            raise InputError(f"expected a mapping, got {body!r}", key=f"parameters.{group}")
        for key, value in body.items():
            path = f"{group}.{key}"
            if key not in layout[group]:
                raise InputError(
                    f"unknown key{did_you_mean(key, layout[group])}", key=f"parameters.{path}"
                )
            if path == "data.sources":
                effective |= _parse_sources(value, priors, explicit)
                continue
            _set_prior(priors, value, path)
            explicit.add(path)
    for spec in SPECS.values():
        group = spec.path.split(".")[0]
        if group in OPTIONAL_GROUPS and group not in params:
            continue
        if "*" not in spec.path and not _has(priors, spec.path) and spec.default is not None:
            priors[spec.path] = _default(spec)
    if "reliability" in params and "chips" not in params:
        # The accelerator's FLOP/s sizes the cluster whose goodput the run gets.
        for key in ("chips.flop_per_second", "chips.flop_per_second_growth"):
            priors[key] = _default(SPECS[key])
    for key in ("latency.min_step_time", "latency.critical_batch"):
        if "latency.ceiling" in priors:
            priors.pop(key, None)
    if not any(k.startswith("data.sources.") for k in priors):
        raise InputError(
            "at least one data source is required (e.g. public_text with a stock)",
            key="parameters.data.sources",
        )
    return dict(sorted(priors.items())), explicit, frozenset(effective)


def _has(priors: dict, path: str) -> bool:
    return path in priors or f"{path}.initial" in priors


def _default(spec: ParamSpec) -> Prior:
    """The prior a parameter takes when a scenario leaves it out."""
    if spec.default_prior is not None:
        return parse_prior(spec.default_prior, spec)
    return Prior("fixed", (spec.default,), spec.unit, spec=spec.default)


#: A half-life of a schedule [year]: positive and finite.
_HALF_LIFE = ParamSpec(
    "half_life",
    "year",
    None,
    0,
    float("inf"),
    True,
    "h",
    "Years for a rate's gap to its long-run value to halve.",
    "",
)


def _set_prior(priors: dict, value, path: str) -> None:
    """Parse one parameter's value into ``priors``: a prior, or a schedule of three."""
    spec = spec_for(path)
    if _is_schedule(value):
        if spec.rate is None:
            raise InputError(
                "only growths, doubling times and halving times may be schedules",
                key=f"parameters.{path}",
            )
        missing = [k for k in SCHEDULE_KEYS if k not in value]
        if missing:
            raise InputError(
                f"a schedule needs {', '.join(SCHEDULE_KEYS)}; {missing[0]} is missing",
                key=f"parameters.{path}",
            )
        priors[f"{path}.initial"] = _prior(value["initial"], path, sub="initial")
        priors[f"{path}.final"] = _prior(value["final"], path, sub="final")
        priors[f"{path}.half_life"] = _prior(
            value["half_life"], path, sub="half_life", spec=_HALF_LIFE
        )
        return
    priors[path] = _prior(value, path)


_SOURCE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]{0,63}")


def _parse_sources(sources, priors: dict, explicit: set) -> set[str]:
    where = "parameters.data.sources"
    effective: set[str] = set()
    if not isinstance(sources, dict) or not sources:
        raise InputError(f"expected a mapping of source names, got {sources!r}", key=where)
    for name, fields in sources.items():
        if not isinstance(name, str) or not _SOURCE_NAME.fullmatch(name):
            shown = repr(name) if len(repr(name)) <= 60 else repr(name)[:50] + "..."
            raise InputError(
                f"a source name is letters, digits, _ and - (no dots or spaces), got {shown}",
                key=f"{where}.{str(name)[:60]}",
            )
        if not isinstance(fields, dict):
            raise InputError(
                f"expected a mapping with a stock, got {fields!r}", key=f"{where}.{name}"
            )
        for field in fields:
            if field not in SOURCE_FIELDS and field not in SOURCE_FLAGS:
                raise InputError(
                    f"unknown key{did_you_mean(field, SOURCE_FIELDS + SOURCE_FLAGS)}",
                    key=f"{where}.{name}.{field}",
                )
        flag = fields.get("effective", False)
        if not isinstance(flag, bool):
            raise InputError(
                f"expected true or false, got {flag!r}", key=f"{where}.{name}.effective"
            )
        if flag:
            effective.add(name)
        has_stock = "stock" in fields
        has_docs = "documents" in fields or "tokens_per_document" in fields
        if has_stock == has_docs or (
            has_docs and not {"documents", "tokens_per_document"} <= set(fields)
        ):
            raise InputError(
                "give either stock, or documents and tokens_per_document", key=f"{where}.{name}"
            )
        for field in SOURCE_FIELDS:
            path = f"data.sources.{name}.{field}"
            if field in fields:
                _set_prior(priors, fields[field], path)
                explicit.add(path)
            elif field not in (
                "stock",
                "documents",
                "tokens_per_document",
                "tokens_per_document_growth",
            ) or (field == "tokens_per_document_growth" and has_docs):
                spec = spec_for(path)
                priors[path] = Prior("fixed", (spec.default,), spec.unit, spec=spec.default)
    return effective


def _prior(value, path: str, *, sub: str | None = None, spec: ParamSpec | None = None) -> Prior:
    spec = spec or spec_for(path)
    where = f"parameters.{path}" + (f".{sub}" if sub else "")
    try:
        prior = parse_prior(value, spec)
    except InputError as exc:
        inner = f".{exc.key}" if exc.key else ""
        raise InputError(exc.message, key=f"{where}{inner}") from None
    return prior
