"""``scalesim validate``: check scenario files without running them."""

from __future__ import annotations

import sys

from scalesim.errors import InputError
from scalesim.scenario.loader import load_scenario


def register(sub) -> None:
    p = sub.add_parser(
        "validate",
        help="check scenario files",
        description="Validate scenario files; one line per file.",
    )
    p.add_argument("files", nargs="+", help="scenario YAML files")
    p.set_defaults(func=main)


def main(args) -> int:
    failed = 0
    for path in args.files:
        try:
            s = load_scenario(path)
        except InputError as exc:
            failed += 1
            print(f"scalesim: error: {exc}", file=sys.stderr)
            continue
        print(
            f"ok: {path} ({s.name}; {sum(not p.is_fixed for p in s.priors.values())} "
            f"uncertain parameters)"
        )
    return 2 if failed else 0
