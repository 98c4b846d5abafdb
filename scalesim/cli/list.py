"""``scalesim list``: the known scenarios (``./scenarios`` and the shipped ones) with paths."""

from __future__ import annotations

import textwrap
from pathlib import Path

from scalesim.errors import InputError
from scalesim.scenario import catalog


def scenario_dir() -> Path:
    """The scenarios/ folder: ./scenarios when present, else the shipped one."""
    here = catalog.local_dir()
    return here if here.is_dir() else catalog.shipped_dir()


def register(sub) -> None:
    p = sub.add_parser(
        "list",
        help="list the scenarios: shipped ones and those in ./scenarios",
        description="List the scenarios that `scalesim run NAME` knows (those in ./scenarios, "
        "then the shipped ones and reproduction packs), each with its name, file and "
        "description. With --dir, the scenario files of one folder.",
    )
    p.add_argument("--dir", default=None, help="list the scenario files of this folder instead")
    p.set_defaults(func=main)


def _header(path: Path) -> tuple[str, str]:
    """(name, description) from the top of a scenario file; the stem if it cannot be read."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    return str(data.get("name", path.stem)), " ".join(str(data.get("description", "")).split())


def _print(key: str, path: Path, where: str | None) -> None:
    name, desc = _header(path)
    print(f"{key}: {name}")
    if where is not None:
        print(f"    {where}")
    if desc:
        print(textwrap.indent(textwrap.fill(desc, 88), "    "))


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main(args) -> int:
    if args.dir:
        folder = Path(args.dir)
        if not folder.is_dir():
            raise InputError(f"folder {str(folder)!r} does not exist")
        for path in sorted(folder.glob("*.yaml")):
            _print(path.stem, path, _shown(path))
        return 0
    known = catalog.catalog()
    for key in catalog.names():
        origin, path = known[key]
        _print(key, path, f"{_shown(path)} ({origin})")
    return 0
