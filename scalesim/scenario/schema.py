"""JSON Schema of a scenario file, for editors (completion, hover text) and other tools.

Built from what the loader itself checks, so the two cannot drift apart: the header from the
pydantic model (:class:`scalesim.scenario.header.Header`), the top-level keys from
``TOP_KEYS``, the parameter groups and keys from the registry in
``scalesim.model.parameters`` (each with its unit, default, meaning and source as its
description), and the shape of a prior from ``scalesim.scenario.prior_parse.KINDS``. Unknown keys
are refused wherever the loader refuses them. Values with units (``"8 month"``) and domains
are the loader's to check: the schema says "a number or a quantity string".
"""

from __future__ import annotations

import copy
import json
import math

DIALECT = "https://json-schema.org/draft/2020-12/schema"


#: ``null`` in a file that ``extends:`` another removes the inherited value.
_NULL = {"type": "null", "description": "null removes a value inherited through extends"}


def _number_or_quantity() -> list[dict]:
    return [
        {"type": "number"},
        {"type": "string", "description": "a number with a unit, e.g. '8 month'"},
    ]


def _prior(description: str, rate: bool) -> dict:
    """Schema of one parameter's value: a number, a quantity, a prior (or a schedule)."""
    from scalesim.model.parameters import SCHEDULE_KEYS
    from scalesim.scenario.prior_parse import _OPTIONS, KINDS

    prior = {
        "type": "object",
        "description": "a prior: exactly one of " + ", ".join(KINDS),
        "properties": {k: {} for k in (*KINDS, *_OPTIONS)},
        "additionalProperties": False,
        "minProperties": 1,
    }
    prior["properties"]["credibility"] = {"type": "number", "exclusiveMinimum": 0}
    options = [*_number_or_quantity(), prior]
    if rate:
        one = {"anyOf": [*_number_or_quantity(), copy.deepcopy(prior)]}
        options.append(
            {
                "type": "object",
                "description": "a schedule from an initial to a long-run value",
                "properties": {k: one for k in SCHEDULE_KEYS},
                "required": list(SCHEDULE_KEYS),
                "additionalProperties": False,
            }
        )
    options.append(_NULL)
    return {"description": description, "anyOf": options}


def _describe(spec) -> str:
    default = spec.default
    shown = "required" if default is None else f"default {default:g}"
    if default is not None and math.isinf(default):
        shown = "default .inf (none)"
    unit = "" if spec.unit == "dimensionless" else f" [{spec.unit}]"
    source = f" Source: {spec.source}" if spec.source else ""
    return f"{spec.description}{unit} ({shown}).{source}"


def _sources() -> dict:
    from scalesim.model.parameters import SOURCE_FIELDS, SOURCE_FLAGS, spec_for

    fields = {}
    for field in SOURCE_FIELDS:
        spec = spec_for(f"data.sources.x.{field}")
        fields[field] = _prior(_describe(spec), spec.rate is not None)
    for flag in SOURCE_FLAGS:
        fields[flag] = {"type": "boolean", "description": "the stock is already effective"}
    source = {"type": ["object", "null"], "properties": fields, "additionalProperties": False}
    return {
        "type": ["object", "null"],
        "description": "data sources by name, each a stock (or documents x tokens per document)",
        "minProperties": 1,
        "additionalProperties": source,
    }


def _nested(group: str) -> dict:
    """Schema of a nested optional group (``data.market``): a mapping of its parameters."""
    from scalesim.model.parameters import SPECS

    body = {
        path.rsplit(".", 1)[1]: _prior(_describe(spec), spec.rate is not None)
        for path, spec in SPECS.items()
        if path.startswith(group + ".")
    }
    return {
        "type": ["object", "null"],
        "description": f"optional group {group}: switched on by naming it; a key left out "
        "takes its default",
        "properties": body,
        "additionalProperties": False,
    }


def _parameters() -> dict:
    from scalesim.model.parameters import NESTED_GROUPS, groups, spec_for

    props = {}
    for group, keys in groups().items():
        body = {}
        for key in keys:
            path = f"{group}.{key}"
            if path == "data.sources":
                body[key] = _sources()
                continue
            if path in NESTED_GROUPS:
                body[key] = _nested(path)
                continue
            spec = spec_for(path)
            body[key] = _prior(_describe(spec), spec.rate is not None)
        props[group] = {
            "type": ["object", "null"],
            "properties": body,
            "additionalProperties": False,
        }
    return {
        "type": ["object", "null"],
        "description": "parameter groups; a key left out takes its default",
        "properties": props,
        "additionalProperties": False,
    }


def _correlations() -> dict:
    entry = {
        "type": ["object", "null"],
        "description": "a Spearman rank correlation between two uncertain parameters, drawn "
        "through a Gaussian copula (docs/correlations.md)",
        "properties": {
            "between": {
                "type": "array",
                "description": "two parameter key paths, e.g. [spending.growth, "
                "hardware.doubling_time]",
                "items": {"type": "string"},
                "minItems": 2,
                "maxItems": 2,
            },
            "rho": {"type": "number", "minimum": -1, "maximum": 1},
        },
        "required": ["between", "rho"],
        "additionalProperties": False,
    }
    return {
        "type": ["object", "null"],
        "description": "rank correlations between parameters, by name (sources: cites "
        "correlations.NAME)",
        "minProperties": 1,
        "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_]{0,63}$"},
        "additionalProperties": entry,
    }


def _pool() -> dict:
    member = {
        "type": "object",
        "properties": {
            "scenario": {"type": "string", "description": "a scenario file or shipped name"},
            "weight": {"type": "number", "exclusiveMinimum": 0, "maximum": 1},
        },
        "required": ["scenario", "weight"],
        "additionalProperties": False,
    }
    return {
        "type": "object",
        "description": "an opinion pool: member scenarios with weights summing to 1 (sources: "
        "cites pool.NAME); a pool file has no parameters of its own",
        "minProperties": 1,
        "propertyNames": {"pattern": "^[A-Za-z_][A-Za-z0-9_-]{0,63}$"},
        "additionalProperties": member,
    }


def scenario_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a scenario file.

    Returns
    -------
    dict
        A JSON-serialisable schema; ``json.dumps`` it for a file.
    """
    from scalesim.scenario.header import TOP_KEYS, Header

    header = Header.model_json_schema()
    props = dict(header.get("properties", {}))
    props.pop("title", None)
    for value in props.values():
        value.pop("title", None)
    props["extends"] = {
        "type": "string",
        "description": "a scenario file this one changes (relative path or a shipped name)",
    }
    if "sources" in props:
        props["sources"]["additionalProperties"] = {"type": ["string", "null"]}
    props = {k: v if not v else {"anyOf": [v, _NULL]} for k, v in props.items()}
    props["parameters"] = _parameters()
    props["correlations"] = _correlations()
    props["pool"] = _pool()
    for key in TOP_KEYS:
        props.setdefault(key, {})  # checked by its own parser (milestones, published, ...)
    defs = header.get("$defs", {})
    for d in defs.values():
        d.pop("title", None)
        for value in d.get("properties", {}).values():
            value.pop("title", None)
    out = {
        "$schema": DIALECT,
        "title": "scalesim scenario",
        "description": "A scalesim scenario file (YAML). See `scalesim schema`.",
        "type": "object",
        "properties": {k: props[k] for k in TOP_KEYS if k in props},
        "additionalProperties": False,
    }
    if defs:
        out["$defs"] = defs
    return out


def schema_json(indent: int | None = 2) -> str:
    """The schema as JSON text (what ``scalesim schema`` prints)."""
    return json.dumps(scenario_schema(), indent=indent, allow_nan=False) + "\n"
