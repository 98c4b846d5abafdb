"""The dependency rule of ARCHITECTURE.md, checked by walking the import statements.

Layers, lowest first: ``model`` -> ``scenario`` -> ``engine`` -> ``analysis`` -> ``present``
-> ``app`` -> ``cli``. A module may import its own layer and the layers below it, never one
above. ``errors``, ``units`` and ``_version`` are the base every layer may use (``model``
only ``errors``); the package's ``__init__`` is the public API on top and no module inside
the package imports it. Every ``import`` counts, also those inside functions.
"""

from __future__ import annotations

import ast
from pathlib import Path

LAYERS = ("model", "scenario", "engine", "analysis", "present", "app", "cli")
BASE = ("errors", "units", "_version")
#: What ``model`` may import besides itself.
MODEL_BASE = ("errors",)


def module_name(path: Path, root: Path, package: str) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = [package, *rel.parts]
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports_of(path: Path, module: str, is_package: bool, modules) -> list[tuple[int, str]]:
    """(line, absolute module) of every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base if is_package else base[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # `from pkg import sub` may name a submodule: count pkg.sub when it is one.
            subs = [f"{target}.{alias.name}" for alias in node.names]
            known = [s for s in subs if s in modules]
            out += [(node.lineno, s) for s in known] if known else [(node.lineno, target)]
    return out


def layer_of(module: str, package: str) -> str | None:
    parts = module.split(".")
    if parts[0] != package:
        return None
    if len(parts) == 1:
        return "api"
    return parts[1]


def violations(root: Path, package: str) -> list[str]:
    """Imports that break the rule in the package at ``root`` (its folder), as messages."""
    modules = {}
    for path in sorted(root.rglob("*.py")):
        modules[module_name(path, root, package)] = path
    problems = []
    for module, path in modules.items():
        here = layer_of(module, package)
        for line, target in imports_of(path, module, path.name == "__init__.py", modules):
            there = layer_of(target, package)
            if there is None or (target not in modules and there not in (*LAYERS, *BASE)):
                continue  # outside the package, or a name imported from a module
            where = f"{path.relative_to(root.parent)}:{line}: {module} imports {target}"
            if here == "api":
                continue
            if there == "api":
                problems.append(f"{where} (the public API is for users, not for the package)")
            elif here in BASE:
                if there not in BASE:
                    problems.append(f"{where} (base modules import only each other)")
            elif here == "model":
                if there not in ("model", *MODEL_BASE):
                    problems.append(f"{where} (model imports only itself and errors)")
            elif here in LAYERS and there in LAYERS:
                if LAYERS.index(there) > LAYERS.index(here):
                    problems.append(f"{where} ({here} is below {there})")
            elif here not in LAYERS:
                problems.append(f"{where} ({here} is not a layer of ARCHITECTURE.md)")
    return problems


def cycles(root: Path, package: str) -> list[list[str]]:
    """Import cycles among the package's modules (strongly connected components > 1)."""
    modules = {module_name(p, root, package): p for p in sorted(root.rglob("*.py"))}
    graph = {m: set() for m in modules}
    for module, path in modules.items():
        for _, target in imports_of(path, module, path.name == "__init__.py", modules):
            if target in modules and target != module:
                # A package's __init__ runs before its submodules: importing pkg.sub imports
                # pkg too, which is not an edge of its own.
                if module.startswith(target + "."):
                    continue
                graph[module].add(target)
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out
