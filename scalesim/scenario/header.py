"""The header of a scenario file: its top-level keys, the scalar fields validated by
pydantic (name, years, base year, samples, seed, sources), their errors in the loader's
words, and the ``milestones:`` block checked against the years (split from
scalesim.scenario.loader)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scalesim.errors import InputError, did_you_mean, shown
from scalesim.scenario.milestones import Milestone, parse_milestones

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
    "correlations",
    "pool",
)
MAX_SAMPLES = 100_000_000


class Years(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    start: int = Field(ge=1900, le=2300)
    end: int = Field(ge=1900, le=2300)


class Header(BaseModel):
    """The scalar part of a scenario file, validated by pydantic."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    name: str = Field(min_length=1)
    description: str = ""
    years: Years = Years(start=2024, end=2050)
    base_year: int = Field(default=2024, ge=1900, le=2300)
    samples: int = Field(default=20_000, ge=1, le=MAX_SAMPLES)
    seed: int = Field(default=20241125, ge=0, le=2**63 - 1)
    sources: dict[str, str] = {}


HEADER_KEYS = ("name", "description", "years", "base_year", "samples", "seed", "sources")


def header_milestones(block, header, raw: dict, errors: list) -> list[Milestone]:
    """The milestones, one problem per milestone (needs valid years: the header's, or the
    file's own ``years:`` when another header key failed)."""
    years = header.years if header is not None else None
    if years is None:
        try:
            years = Years.model_validate(raw.get("years", {"start": 2024, "end": 2050}))
        except ValidationError:
            return []
        if years.end < years.start:
            return []
    span = (years.start, years.end)
    if not isinstance(block, dict) or not block:
        try:
            return list(parse_milestones(block, span))
        except InputError as exc:
            errors.append(exc)
            return []
    out: list[Milestone] = []
    for name, body in block.items():  # one line per milestone with a problem
        try:
            out.extend(parse_milestones({name: body}, span))
        except InputError as exc:
            errors.append(exc)
    return out


def from_pydantic(err: dict) -> InputError:
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
        return InputError(f"expected {want}, got {shown(got)}", key=key)
    if kind == "missing":
        return InputError("required key is missing", key=key)
    if key == "samples" and kind in ("greater_than_equal", "less_than_equal"):
        return InputError(f"must be between 1 and {MAX_SAMPLES:,}, got {shown(got)}", key=key)
    return InputError(f"{msg[0].lower() + msg[1:]}, got {shown(got)}", key=key)
