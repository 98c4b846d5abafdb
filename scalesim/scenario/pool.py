"""Opinion pools: a scenario file of kind ``pool`` that mixes other scenarios.

A linear opinion pool (Stone 1961; Genest & Zidek 1986) of member scenarios with weights
w_k is the mixture whose samples come from member k with probability w_k::

    name: Published views, pooled
    pool:
      epoch:  {scenario: epoch-data-2024, weight: 0.5}
      cotra:  {scenario: milestones-bioanchors, weight: 0.5}
    sources:
      pool.epoch: "assumption: ..."
      pool.cotra: "assumption: ..."

Members are scenario files (relative to the pool's folder) or shipped names; they must share
their years. Which member each pooled sample comes from is fixed by its index alone
(scalesim.scenario.priors.pool_assignment), so results do not depend on chunks or threads.

References
----------
Stone, M. (1961). The opinion pool. Annals of Mathematical Statistics 32(4), 1339-1342.
Genest, C. & Zidek, J. V. (1986). Combining probability distributions: a critique and an
annotated bibliography. Statistical Science 1(1), 114-135.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from scalesim.errors import InputError, did_you_mean, shown
from scalesim.scenario.params import key_text

#: Keys of one member.
MEMBER_KEYS = ("scenario", "weight")
#: Top-level keys a pool file may have (years, parameters, ... come from its members).
POOL_KEYS = ("name", "description", "samples", "seed", "pool", "sources")
#: How far the weights may sum from 1 (they are then normalised) [1].
WEIGHT_TOLERANCE = 1e-3
#: Most members of a pool.
MAX_MEMBERS = 64
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")


@dataclass(frozen=True)
class PoolMember:
    """One member of a pool.

    Attributes
    ----------
    name : str
        Its name in ``pool:`` (``sources:`` cites it as ``pool.NAME``).
    weight : float
        Its share of the pooled samples [1] (the weights sum to 1).
    scenario : Scenario
        The member scenario, loaded.
    """

    name: str
    weight: float
    scenario: object


def parse_pool(raw: dict, base: Path, load, errors: list) -> tuple[PoolMember, ...]:
    """Parse a pool file's ``pool:`` block, loading each member with ``load(path)``.

    Problems are appended to ``errors`` (InputError, key paths from ``pool``); members that
    fail are left out.
    """
    for key in raw:
        if key not in POOL_KEYS:
            errors.append(
                InputError(
                    "a pool takes years, parameters, milestones and correlations from its "
                    f"members; {key!r} is not a pool key (pool keys: {', '.join(POOL_KEYS)})",
                    key=str(key),
                )
            )
    block = raw["pool"]
    if not isinstance(block, dict) or not block:
        errors.append(
            InputError(f"expected a mapping of named members, got {shown(block)}", key="pool")
        )
        return ()
    if len(block) > MAX_MEMBERS:
        errors.append(InputError(f"more than {MAX_MEMBERS} members", key="pool"))
        return ()
    sources = raw.get("sources") if isinstance(raw.get("sources"), dict) else {}
    members, weights, ok = [], [], True
    for name, body in block.items():
        try:
            member = _member(name, body, base, load, sources)
        except InputError as exc:
            errors.append(exc)
            ok = False
            continue
        members.append(member)
        weights.append(member.weight)
    if not ok:
        return ()
    total = math.fsum(weights)
    if abs(total - 1.0) > WEIGHT_TOLERANCE:
        errors.append(
            InputError(
                f"the weights sum to {total:.6g}; they must sum to 1 (within {WEIGHT_TOLERANCE:g})",
                key="pool",
            )
        )
        return ()
    first = members[0].scenario
    for m in members[1:]:
        s = m.scenario
        if (s.years.start, s.years.end) != (first.years.start, first.years.end):
            errors.append(
                InputError(
                    f"its years {s.years.start}-{s.years.end} differ from those of "
                    f"{members[0].name!r} ({first.years.start}-{first.years.end}); members of "
                    "a pool must share their years",
                    key=f"pool.{m.name}.scenario",
                )
            )
            return ()
    return tuple(PoolMember(m.name, m.weight / total, m.scenario) for m in members)


def _member(name, body, base: Path, load, sources: dict) -> PoolMember:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InputError(
            f"a member's name is letters, digits, _ and - (no dots), got {repr(name)[:60]}",
            key=f"pool.{key_text(name)}",
        )
    where = f"pool.{name}"
    if not isinstance(body, dict):
        raise InputError(
            f"expected a mapping with scenario and weight, got {shown(body)}", key=where
        )
    for key in body:
        if key not in MEMBER_KEYS:
            raise InputError(
                f"unknown key{did_you_mean(str(key), MEMBER_KEYS)}", key=f"{where}.{key}"
            )
    for key in MEMBER_KEYS:
        if key not in body:
            raise InputError("required key is missing", key=f"{where}.{key}")
    weight = body["weight"]
    if (
        isinstance(weight, bool)
        or not isinstance(weight, (int, float))
        or not 0 < weight <= 1  # NaN fails too
    ):
        raise InputError(
            f"expected a weight > 0 and <= 1, got {shown(weight)}", key=f"{where}.weight"
        )
    if not isinstance(sources.get(where), str) or not sources[where].strip():
        raise InputError(
            f"cite where the weight comes from in sources: {where} (a source, or "
            "'assumption: ...')",
            key=f"{where}.weight",
        )
    ref = body["scenario"]
    if not isinstance(ref, str) or not ref.strip():
        raise InputError(
            f"expected a scenario file or a shipped name, got {shown(ref)}", key=f"{where}.scenario"
        )
    from scalesim.scenario import catalog

    path = catalog.extends_path(base, ref)
    if path is None:
        raise InputError(
            f"scenario {ref!r} not found (looked in {str(base)!r} and the shipped scenarios)",
            key=f"{where}.scenario",
        )
    try:
        scenario = load(path)
    except InputError as exc:
        # The member's own error, with its file: one line naming both.
        raise InputError(f"member {ref!r}: {exc}", key=f"{where}.scenario") from None
    if scenario.pool:
        raise InputError("a member cannot itself be a pool", key=f"{where}.scenario")
    return PoolMember(name, float(weight), scenario)
