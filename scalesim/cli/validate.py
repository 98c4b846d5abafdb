"""``scalesim validate``: check scenario files without running them.

Every problem of a file is reported, one line each (``scalesim: error: FILE: KEY: message``):
header keys, each parameter and data source, each milestone, each correlation and each pool
member. Exit 2 when any file has one.
"""

from __future__ import annotations

import sys

from scalesim.cli._common import add_json, add_quiet, check_output
from scalesim.scenario.loader import load_scenario, scenario_problems


def register(sub) -> None:
    p = sub.add_parser(
        "validate",
        help="check scenario files",
        description="Validate scenario files: 'ok' per good file, one line per problem.",
    )
    p.add_argument("files", nargs="+", help="scenario YAML files or shipped names")
    add_quiet(p, help="print only the problems")
    add_json(p, help="write the result per file as JSON: path, ok, name, problems")
    p.set_defaults(func=main)


def main(args) -> int:
    quiet = getattr(args, "quiet", False)
    json_path = getattr(args, "json", None)
    if json_path:
        check_output("--json", json_path, inputs=args.files)
    failed = 0
    report = []
    for path in args.files:
        problems = scenario_problems(path)
        entry = {"path": str(path), "ok": not problems, "problems": []}
        for exc in problems:
            print(f"scalesim: error: {exc}", file=sys.stderr)
            entry["problems"].append({"file": exc.path, "key": exc.key, "message": exc.message})
        if problems:
            failed += 1
            report.append(entry)
            continue
        s = load_scenario(path)
        entry["name"] = s.name
        if s.pool:
            what = f"a pool of {len(s.pool)} members"
        else:
            n = sum(not p.is_fixed for p in s.priors.values())
            what = f"{n} uncertain parameters" + (
                f", {len(s.correlations)} correlations" if s.correlations else ""
            )
        if not quiet:
            print(f"ok: {path} ({s.name}; {what})")
        report.append(entry)
    if json_path:
        from scalesim.engine.io import write_json

        write_json(json_path, {"files": report, "failed": failed})
    return 2 if failed else 0
