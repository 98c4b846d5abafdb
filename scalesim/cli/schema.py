"""``scalesim schema``: the JSON Schema of a scenario file (for editors and other tools)."""

from __future__ import annotations

from pathlib import Path

from scalesim.cli._common import add_out, add_quiet, check_output


def register(sub) -> None:
    p = sub.add_parser(
        "schema",
        help="print the JSON Schema of a scenario file",
        description="Print (or write) the JSON Schema of a scenario file, built from the "
        "loader's own model and the parameter registry. Point an editor at it, e.g. with a "
        "first line '# yaml-language-server: $schema=scenario.schema.json'.",
    )
    add_out(p, "write it to this .json file instead of printing it")
    add_quiet(p, "with --out: do not print where it was written")
    p.set_defaults(func=main)


def main(args) -> int:
    from scalesim.scenario.schema import schema_json

    text = schema_json()
    if args.out is None:
        print(text, end="")
        return 0
    from scalesim.engine.io import write_text

    check_output("--out", args.out)
    write_text(Path(args.out), text)
    if not args.quiet:
        print(f"wrote schema: {args.out}")
    return 0
