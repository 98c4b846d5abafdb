"""``scalesim schema``: the JSON Schema of a scenario file (for editors and other tools)."""

from __future__ import annotations

from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of a scenario file",
        description="Print (or write) the JSON Schema of a scenario file, built from the "
        "loader's own model and the parameter registry. Point an editor at it, e.g. with a "
        "first line '# yaml-language-server: $schema=scenario.schema.json'.",
    )
    p.add_argument("-o", "--out", default=None, help="write it to this .json file instead")
    p.set_defaults(func=main)


def main(args) -> int:
    from scalesim.scenario.schema import schema_json

    text = schema_json()
    if args.out is None:
        print(text, end="")
        return 0
    from scalesim.engine.io import write_text

    write_text(Path(args.out), text)
    print(f"wrote schema: {args.out}")
    return 0
