"""Scenario files: YAML loading, ``extends:``, validation with key paths.

This is the only module that knows the shape of a scenario file. A loaded
:class:`Scenario` is immutable and holds every parameter as a :class:`~scalesim.scenario.priors.Prior`
in canonical units, defaults filled in.
"""

from __future__ import annotations

import copy
import hashlib
import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from scalesim.errors import InputError, did_you_mean, shown
from scalesim.model import constraints as registry
from scalesim.model.parameters import OPTIONAL_GROUPS, group_of
from scalesim.scenario import catalog, safe_yaml
from scalesim.scenario.correlations import Correlation, parse_correlations
from scalesim.scenario.extends import key_prefixes, parse_yaml, resolve, resolve_mapping
from scalesim.scenario.header import (
    HEADER_KEYS,
    MAX_SAMPLES,
    TOP_KEYS,
    Header,
    Years,
    from_pydantic,
    header_milestones,
)
from scalesim.scenario.milestones import Milestone
from scalesim.scenario.paradigms import check_shares
from scalesim.scenario.params import named_groups, parse_parameters
from scalesim.scenario.pool import PoolMember, parse_pool
from scalesim.scenario.priors import Copula, Prior

#: Re-exported: the header's names (scalesim.scenario.header) as the loader's.
__all__ = [
    "MAX_SAMPLES",
    "TOP_KEYS",
    "Scenario",
    "Years",
    "load_scenario",
    "load_scenario_text",
    "scenario_from_mapping",
    "scenario_problems",
]


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
    #: The ``correlations:`` block (scalesim.scenario.correlations), in file order.
    correlations: tuple[Correlation, ...] = ()
    #: The Gaussian copula the correlations are drawn with (None: independent priors).
    copula: Copula | None = None
    #: Members of a pool file (scalesim.scenario.pool); empty for an ordinary scenario.
    pool: tuple[PoolMember, ...] = ()

    @property
    def kind(self) -> str:
        """``"pool"`` for a pool file, else ``"scenario"``."""
        return "pool" if self.pool else "scenario"

    @property
    def year_list(self) -> list[int]:
        return list(range(self.years.start, self.years.end + 1))

    @property
    def groups(self) -> frozenset[str]:
        """Parameter groups the scenario has: every group that is always on, and the
        optional ones (power, chips, latency, reliability, demand, ``data.market``...) its
        file names. Priors a group borrows (reliability sizes its cluster with
        ``chips.flop_per_second``) do not switch another group on."""
        if self.pool:
            return frozenset().union(*(m.scenario.groups for m in self.pool))
        named = named_groups(self.raw.get("parameters") or {})
        return frozenset(
            g for g in (group_of(k) for k in self.priors) if g not in OPTIONAL_GROUPS or g in named
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
    raw, origins, named = _resolve_file(path)
    return scenario_from_mapping(raw, path=named, origins=origins)


def _resolve_file(path: str | Path) -> tuple[dict, dict[str, str], str]:
    """A scenario file's mapping with ``extends:`` resolved, the file that set each key
    (``origins``) and the name errors give the file (its path, or the shipped file that a
    scenario name such as ``baseline`` stands for)."""
    safe_yaml.check_path(path)
    found = catalog.resolve(path)  # an existing path, else a scenario name (``baseline``)
    named = str(path) if found == Path(path) else str(found)  # ``./a.yaml`` as typed
    raw, origins = resolve(found, (), name=named)
    return raw, origins, named


def load_scenario_text(
    text: str, name: str = "<upload>", base_dir: str | Path = ".", check=None
) -> Scenario:
    """Validate a scenario given as YAML text (an upload).

    Parameters
    ----------
    text : str
        The scenario file's YAML.
    name : str
        What errors call the text (a file name, ``<upload>``); also the scenario's ``path``.
    base_dir : str or Path
        Folder that ``extends:`` in the text is relative to.
    check : callable, optional
        Called with the parsed mapping before ``extends:`` is resolved; raises InputError
        to refuse it (the web app's own checks of an upload).

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        Naming ``name`` and the key path of the first problem.
    """
    data = parse_yaml(text, name)
    if check is not None:
        check(data)
    raw, origins = resolve_mapping(data, name, Path(base_dir), (name,))
    return scenario_from_mapping(raw, path=name, origins=origins)


def scenario_from_mapping(
    raw: dict, path: str | None = None, origins: dict[str, str] | None = None
) -> Scenario:
    """Validate an already-resolved mapping (no ``extends:`` left).

    Parameters
    ----------
    raw : dict
        A scenario file's top-level mapping, as ``yaml.safe_load`` gives it.
    path : str, optional
        Where it came from, for errors and ``Scenario.path``.
    origins : dict of str to str, optional
        Key path -> the file that set it (from resolving ``extends:``), so that an error
        names the file at fault.

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        Naming the file and the key path of the first problem.
    """
    where = path or "<scenario>"
    try:
        return _validate(raw, where)
    except InputError as exc:
        raise _attribute(exc, where, origins or {}) from None


# --- validation ---------------------------------------------------------------------------


def _validate(raw: dict, where: str) -> Scenario:
    scenario, errors = _check(raw, where)
    if errors:
        raise errors[0]
    return scenario


def _check(raw: dict, where: str) -> tuple[Scenario | None, list[InputError]]:
    """Validate a resolved mapping, collecting every problem (one per key at most)."""
    errors: list[InputError] = []
    is_pool = "pool" in raw
    for key in raw:
        if key not in TOP_KEYS:
            errors.append(InputError(f"unknown key{did_you_mean(key, TOP_KEYS)}", key=str(key)))
    header_fields = {k: v for k, v in raw.items() if k in HEADER_KEYS}
    if "name" not in header_fields:
        header_fields["name"] = Path(where).stem
    header = None
    try:
        header = Header.model_validate(header_fields)
    except ValidationError as exc:
        errors.extend(from_pydantic(err) for err in exc.errors())
    if is_pool:
        base = Path(where).parent if where and not where.startswith("<") else Path(".")
        members = parse_pool(raw, base, load_scenario, errors)
        if errors or header is None:
            return None, errors
        return _pool_scenario(raw, where, header, members), []
    if header is not None and header.years.end < header.years.start:
        errors.append(
            InputError(
                f"end year {header.years.end} is before start year {header.years.start}",
                key="years.end",
            )
        )
        header = None
    params = raw.get("parameters", {})
    if params is None:
        params = {}
    if not isinstance(params, dict):
        errors.append(
            InputError(
                f"expected a mapping of parameter groups, got {shown(params)}", key="parameters"
            )
        )
        return None, errors  # nothing below can be checked without parameters
    priors, explicit, effective, failed = parse_parameters(params, errors)
    if not failed:
        try:
            check_shares(priors)
        except InputError as exc:
            errors.append(exc)
    milestones = header_milestones(raw.get("milestones"), header, raw, errors)
    correlations, copula = parse_correlations(raw.get("correlations"), priors, errors, failed)
    if errors:
        return None, errors
    canonical = json.dumps(raw, sort_keys=True, default=str, ensure_ascii=False)
    scenario = Scenario(
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
        milestones=tuple(milestones),
        correlations=correlations,
        copula=copula,
    )
    return scenario, []


def _pool_scenario(raw: dict, where: str, header: Header, members) -> Scenario:
    """The Scenario of a pool: years and base year of its first member, no priors of its
    own, the milestones every member has (same name and metric)."""
    first = members[0].scenario
    common = [
        m
        for m in first.milestones
        if all(
            any(o.name == m.name and o.metric == m.metric for o in p.scenario.milestones)
            for p in members[1:]
        )
    ]
    identity = {
        "pool": json.dumps(raw, sort_keys=True, default=str, ensure_ascii=False),
        "members": [p.scenario.sha256 for p in members],
    }
    return Scenario(
        name=header.name,
        description=header.description,
        path=where,
        sha256=hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest(),
        years=first.years,
        base_year=first.base_year,
        samples=header.samples,
        seed=header.seed,
        priors={},
        explicit=frozenset(),
        sources=dict(header.sources),
        raw=copy.deepcopy(raw),
        milestones=tuple(common),
        pool=members,
    )


def scenario_problems(path: str | Path) -> list[InputError]:
    """Every problem of a scenario file (empty when it loads), for ``scalesim validate``.

    A file that cannot be read or whose ``extends:`` chain fails gives that one problem;
    otherwise each key path with a problem gives one (header keys, each parameter, each data
    source, each milestone, each correlation, each pool member).
    """
    try:
        raw, origins, named = _resolve_file(path)
    except InputError as exc:
        return [exc]
    _, errors = _check(raw, named)
    return [_attribute(exc, named, origins) for exc in errors]


def _attribute(exc: InputError, where: str, origins: dict[str, str]) -> InputError:
    """The error with the file that set its key (a parent's, through ``extends:``): the file
    of the longest key path in ``origins`` at or above the error's key."""
    for above in key_prefixes(exc.key or ""):
        file = origins.get(above)
        if file is not None:
            return InputError(exc.message, path=file, key=exc.key)
    return InputError(exc.message, path=exc.path or where, key=exc.key)
