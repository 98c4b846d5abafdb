"""``scalesim list``: the shipped scenarios with their descriptions."""

from __future__ import annotations

import textwrap
from pathlib import Path

import yaml

from scalesim.errors import InputError


def scenario_dir() -> Path:
    """The scenarios/ folder: ./scenarios when present, else the one beside the package."""
    here = Path("scenarios")
    if here.is_dir():
        return here
    return Path(__file__).resolve().parents[2] / "scenarios"


def register(sub) -> None:
    p = sub.add_parser(
        "list",
        help="list the scenarios in scenarios/",
        description="List scenario files with their names and descriptions.",
    )
    p.add_argument("--dir", default=None, help="folder of scenario files (default: scenarios/)")
    p.set_defaults(func=main)


def main(args) -> int:
    folder = Path(args.dir) if args.dir else scenario_dir()
    if not folder.is_dir():
        raise InputError(f"folder {str(folder)!r} does not exist")
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError:
            data = {}
        name = data.get("name", path.stem) if isinstance(data, dict) else path.stem
        desc = data.get("description", "") if isinstance(data, dict) else ""
        print(f"{path.stem}: {name}")
        if desc:
            print(textwrap.indent(textwrap.fill(" ".join(str(desc).split()), 88), "    "))
    return 0
