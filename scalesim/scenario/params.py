"""The ``parameters:`` block of a scenario file: groups, keys, data sources and schedules
parsed into priors by key path, defaults filled in (split from scalesim.scenario.loader).

Problems are collected, not raised one at a time, so that ``scalesim validate`` can show
every one: each parameter's error is appended to ``errors`` and the parameter is left out.
"""

from __future__ import annotations

import re

from scalesim.errors import InputError, did_you_mean, shown
from scalesim.model.parameters import (
    NESTED_GROUPS,
    OPTIONAL_GROUPS,
    SCHEDULE_KEYS,
    SOURCE_FIELDS,
    SOURCE_FLAGS,
    SPECS,
    ParamSpec,
    group_of,
    groups,
    spec_for,
)
from scalesim.scenario.prior_parse import parse_prior
from scalesim.scenario.priors import Prior


def key_text(name) -> str:
    """A user's mapping key as it may appear in a key path: at most 60 characters, white
    space (newlines...) shown as ``?`` so that an error stays on one line."""
    return re.sub(r"\s", "?", str(name))[:60]


def is_schedule(value) -> bool:
    """A mapping of exactly ``initial``, ``final`` and ``half_life`` keys (or some of them)."""
    return isinstance(value, dict) and bool(value) and set(value) <= set(SCHEDULE_KEYS)


def parse_parameters(
    params: dict, errors: list
) -> tuple[dict[str, Prior], set[str], frozenset[str], set[str]]:
    """Parse ``parameters:`` into priors by key path, defaults filled in.

    Parameters
    ----------
    params : dict
        The ``parameters:`` mapping.
    errors : list
        Problems are appended here (InputError with key paths from ``parameters``).

    Returns
    -------
    priors : dict of str to Prior
        Sorted by key path.
    explicit : set of str
        Key paths the file sets.
    effective : frozenset of str
        Data sources whose stock is already effective.
    failed : set of str
        Key paths (and groups) that had an error.
    """
    layout = groups()
    priors: dict[str, Prior] = {}
    explicit: set[str] = set()
    effective: set[str] = set()
    failed: set[str] = set()
    for group, body in params.items():
        if group not in layout:
            errors.append(
                InputError(
                    f"unknown parameter group{did_you_mean(group, [*layout, *NESTED_GROUPS])}",
                    key=f"parameters.{group}",
                )
            )
            failed.add(str(group))
            continue
        if not isinstance(body, dict):
            errors.append(
                InputError(f"expected a mapping, got {shown(body)}", key=f"parameters.{group}")
            )
            failed.add(group)
            continue
        for key, value in body.items():
            path = f"{group}.{key}"
            try:
                if key not in layout[group]:
                    raise InputError(
                        f"unknown key{did_you_mean(key, layout[group])}",
                        key=f"parameters.{path}",
                    )
                if path == "data.sources":
                    effective |= _parse_sources(value, priors, explicit, errors, failed)
                    continue
                if path in NESTED_GROUPS:
                    _parse_nested(path, value, priors, explicit, errors, failed)
                    continue
                _set_prior(priors, value, path)
                explicit.add(path)
            except InputError as exc:
                errors.append(exc)
                failed.add(path)
    named = named_groups(params)
    for spec in SPECS.values():
        group = group_of(spec.path)
        if group in OPTIONAL_GROUPS and group not in named:
            continue
        if (
            "*" not in spec.path
            and not _has(priors, spec.path)
            and spec.default is not None
            and spec.path not in failed
        ):
            priors[spec.path] = _default(spec)
    if "reliability" in params and "chips" not in params:
        # The accelerator's FLOP/s sizes the cluster whose goodput the run gets.
        for key in ("chips.flop_per_second", "chips.flop_per_second_growth"):
            priors[key] = _default(SPECS[key])
    for key in ("latency.min_step_time", "latency.critical_batch"):
        if "latency.ceiling" in priors:
            priors.pop(key, None)
    if not any(k.startswith("data.sources.") for k in priors) and not any(
        f == "data" or f.startswith("data.sources") for f in failed
    ):
        errors.append(
            InputError(
                "at least one data source is required (e.g. public_text with a stock)",
                key="parameters.data.sources",
            )
        )
    return dict(sorted(priors.items())), explicit, frozenset(effective), failed


def named_groups(params: dict) -> set[str]:
    """The groups a ``parameters:`` mapping names: its keys, and each nested group
    (``data.market``) whose parent names it."""
    named = {str(k) for k in params}
    for group in NESTED_GROUPS:
        parent, key = group.rsplit(".", 1)
        body = params.get(parent)
        if isinstance(body, dict) and key in body:
            named.add(group)
    return named


def _parse_nested(group: str, body, priors: dict, explicit: set, errors: list, failed: set):
    """A nested group's mapping (``data.market: {share_of_spend: ...}``) into ``priors``."""
    if not isinstance(body, dict):
        errors.append(
            InputError(f"expected a mapping, got {shown(body)}", key=f"parameters.{group}")
        )
        failed.add(group)
        return
    keys = [p.rsplit(".", 1)[1] for p in SPECS if p.startswith(group + ".")]
    for key, value in body.items():
        path = f"{group}.{key_text(key)}"
        try:
            if key not in keys:
                raise InputError(f"unknown key{did_you_mean(key, keys)}", key=f"parameters.{path}")
            _set_prior(priors, value, path)
            explicit.add(path)
        except InputError as exc:
            errors.append(exc)
            failed.add(path)


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
    if is_schedule(value):
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


def _parse_sources(sources, priors: dict, explicit: set, errors: list, failed: set) -> set[str]:
    where = "parameters.data.sources"
    effective: set[str] = set()
    if not isinstance(sources, dict) or not sources:
        raise InputError(f"expected a mapping of source names, got {shown(sources)}", key=where)
    for name, fields in sources.items():
        try:
            _parse_source(name, fields, priors, explicit, effective, errors, failed)
        except InputError as exc:
            errors.append(exc)
            failed.add(f"data.sources.{key_text(name)}")
    return effective


def _parse_source(name, fields, priors, explicit, effective, errors, failed) -> None:
    where = "parameters.data.sources"
    if not isinstance(name, str) or not _SOURCE_NAME.fullmatch(name):
        raise InputError(
            f"a source name is letters, digits, _ and - (no dots or spaces), got {shown(name, 60)}",
            key=f"{where}.{key_text(name)}",
        )
    if not isinstance(fields, dict):
        raise InputError(
            f"expected a mapping with a stock, got {shown(fields)}", key=f"{where}.{name}"
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
            f"expected true or false, got {shown(flag)}", key=f"{where}.{name}.effective"
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
            try:
                _set_prior(priors, fields[field], path)
            except InputError as exc:
                errors.append(exc)
                failed.add(path)
                continue
            explicit.add(path)
        elif field not in (
            "stock",
            "documents",
            "tokens_per_document",
            "tokens_per_document_growth",
        ) or (field == "tokens_per_document_growth" and has_docs):
            spec = spec_for(path)
            priors[path] = Prior("fixed", (spec.default,), spec.unit, spec=spec.default)


def _prior(value, path: str, *, sub: str | None = None, spec: ParamSpec | None = None) -> Prior:
    spec = spec or spec_for(path)
    where = f"parameters.{path}" + (f".{sub}" if sub else "")
    try:
        prior = parse_prior(value, spec)
    except InputError as exc:
        inner = f".{exc.key}" if exc.key else ""
        raise InputError(exc.message, key=f"{where}{inner}") from None
    return prior
