"""Reading scenario files and resolving ``extends:`` (split from scalesim.scenario.loader).

A file is read through scalesim.scenario.safe_yaml (regular files only, size, depth, node and
alias limits, one node budget for a whole ``extends:`` chain) and merged over the file it
extends: mappings merge, a prior, schedule or correlation entry replaces the inherited one
whole, and ``null`` removes a key. The origin of each leaf key is kept so that an error names
the file that set it.
"""

from __future__ import annotations

import copy
import itertools
import re
from pathlib import Path

from scalesim.errors import InputError, shown
from scalesim.scenario import catalog, safe_yaml
from scalesim.scenario.params import is_schedule
from scalesim.scenario.prior_parse import KINDS


def parse_yaml(text: str, where: str, budget: safe_yaml.Budget | None = None) -> dict:
    data = safe_yaml.load(text, where, budget)  # depth, node, alias and integer limits
    if not isinstance(data, dict):
        got = "an empty file" if data is None else type(data).__name__
        raise InputError(f"expected a mapping of scenario keys, got {got}", path=where)
    return data


def read(path: Path, budget: safe_yaml.Budget | None = None, name: str | None = None) -> dict:
    # regular files only (no FIFO, no /dev/zero), size-capped, paths of sane length
    return parse_yaml(safe_yaml.read_text(path), name or str(path), budget)


def resolve(
    path: Path, chain: tuple[str, ...], budget=None, name: str | None = None
) -> tuple[dict, dict[str, str]]:
    """The mapping of the file ``path`` with its ``extends:`` chain merged in, and the file
    that set each leaf key; ``name`` is what errors and origins call this file (the path as
    the user gave it; ``str(path)`` by default)."""
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
    name = name or str(path)
    return resolve_mapping(read(path, budget, name), name, path.parent, (*chain, key), budget)


#: Longest ``extends:`` chain [files].
MAX_EXTENDS = 32


def resolve_mapping(
    data: dict, where: str, base: Path, chain, budget=None
) -> tuple[dict, dict[str, str]]:
    parent_ref = data.get("extends")
    data = {k: v for k, v in data.items() if k != "extends"}
    own = _leaf_paths(data, where)  # the leaves this file sets itself
    if parent_ref is None:
        return data, own
    if not isinstance(parent_ref, str) or not parent_ref.strip():
        raise InputError(
            f"expected a file path, got {shown(parent_ref)}", path=where, key="extends"
        )
    if len(chain) >= MAX_EXTENDS:
        raise InputError(f"chain longer than {MAX_EXTENDS} files", path=where, key="extends")
    safe_yaml.check_path(base / parent_ref, where, "extends")
    parent_path = catalog.extends_path(base, parent_ref)  # base/REF, else a shipped name
    if parent_path is None:
        looked = f"looked in {str(base)!r} and the shipped scenarios"
        raise InputError(
            f"extended file {parent_ref!r} not found ({looked})", path=where, key="extends"
        )
    parent, origins = resolve(parent_path, chain, budget)
    merged = _merge(parent, data)
    # what this file sets replaces what it inherited there, down to the leaves below it; a
    # leaf below an inherited prior ({credibility: 90} over a parent's {to: [...]}) is
    # this file's, the rest of that prior the parent's (errors take the longest key path);
    # an inherited scalar or list that this file's mapping replaces is this file's
    origins = {k: f for k, f in origins.items() if not _set_in(k, own)}
    for leaf in own:
        for above in itertools.islice(key_prefixes(leaf), 1, None):
            if above in origins and not isinstance(_at(parent, above), dict):
                origins[above] = where
    return merged, origins | own


def _leaf_paths(data: dict, file: str, prefix: str = "") -> dict[str, str]:
    """``{key path: file}`` of each leaf of ``data``: a scalar, list, prior or schedule
    (replaced whole by ``extends:``); mappings, ``sources:`` included, merge key by key."""
    out = {}
    for k, v in data.items():
        path = f"{prefix}{k}"
        if isinstance(v, dict) and not _is_prior(v):
            out.update(_leaf_paths(v, file, path + "."))
        else:
            out[path] = file
    return out


_PART = re.compile(r"[^.\[]+|\[[^\]]*\]")


def key_prefixes(key: str):
    """The key path ``key`` and the paths above it, longest first: ``a.b[1]``, ``a.b``,
    ``a`` (an index ``[i]`` is a step of its own)."""
    parts = _PART.findall(key)
    for n in range(len(parts), 0, -1):
        yield "".join(
            p if p.startswith("[") or i == 0 else "." + p for i, p in enumerate(parts[:n])
        )


def _set_in(key: str, leaves: dict) -> bool:
    """True when the key path ``key`` is one of ``leaves`` or lies below one."""
    return any(k in leaves for k in key_prefixes(key))


def _at(data: dict, key: str):
    """The value at the key path ``key`` (dots only) of ``data``, or None."""
    for part in key.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


def _is_prior(value: dict) -> bool:
    """A prior or a schedule: replaced as a whole by ``extends:``, never merged."""
    # a correlation ({between, rho}) too: ``extends:`` replaces an entry of that name whole
    return any(k in KINDS for k in value) or is_schedule(value) or "between" in value


_is_schedule = is_schedule


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
