"""``scalesim diff A B [--outputs]``: two scenarios' assumptions (and key figures) side by side."""

from __future__ import annotations

import sys

from scalesim.cli._common import add_json, add_quiet, add_samples, add_seed, check_output, count_int
from scalesim.present import text


def register(sub) -> None:
    p = sub.add_parser(
        "diff",
        help="two scenarios side by side: assumptions (and key figures with --outputs)",
        description=(
            "Show two scenarios' resolved assumptions side by side: each parameter's unit, "
            "median and 90% interval, and source, with the parameters that differ marked "
            "'*'. With --outputs, run both and show their key figures side by side."
        ),
    )
    p.add_argument("a", help="first scenario YAML file")
    p.add_argument("b", help="second scenario YAML file")
    p.add_argument(
        "--only-differences", action="store_true", help="list only the parameters that differ"
    )
    p.add_argument("--outputs", action="store_true", help="also run both and compare key figures")
    add_samples(p, "samples per run (with --outputs; default: each scenario's)", type=count_int)
    add_seed(p, "seed of both runs (with --outputs; default: each scenario's)")
    p.add_argument(
        "--sources", action="store_true", help="print each side's source under the parameter"
    )
    add_json(p, "write the comparison as JSON (assumptions, and key figures with --outputs)")
    add_quiet(p, "print nothing (with --json)")
    p.set_defaults(func=main)


def _value(side, unit: str) -> str:
    if side is None:
        return "(not set)"
    if side.kind == "fixed":
        return text.quantity(side.p50, unit)
    return text.median_interval(side.p50, side.p5, side.p95, unit)


def _figure(values, unit: str) -> str:
    if values is None:
        return "(absent)"
    mid, lo, hi = values
    if unit == "year":
        fmt = text.year
        return text.median_interval(mid, lo, hi, fmt=fmt)
    return text.median_interval(mid, lo, hi, unit)


def _table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
        for r in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(args) -> int:
    from scalesim.analysis.diff import assumptions, outputs
    from scalesim.scenario.loader import load_scenario

    check_output("--json", args.json, inputs=[args.a, args.b])
    a, b = load_scenario(args.a), load_scenario(args.b)
    check_output("--json", args.json, inputs=[a.path, b.path])
    rows = assumptions(a, b, only_differences=args.only_differences)
    figures = outputs(a, b, samples=args.samples, seed=args.seed) if args.outputs else None
    if args.json:
        from scalesim.engine.io import write_json

        write_json(
            args.json,
            {
                "a": {"name": a.name, "path": a.path, "sha256": a.sha256},
                "b": {"name": b.name, "path": b.path, "sha256": b.sha256},
                "assumptions": [r.to_dict() for r in rows],
                "outputs": figures,
            },
        )
    if not args.quiet:
        _print(args, a, b, rows, figures)
        if args.json:
            print(f"\nwrote JSON: {args.json}", file=sys.stdout)
    return 0


def _print(args, a, b, rows, figures) -> None:
    print(f"A: {a.name} ({a.path})\nB: {b.name} ({b.path})\n")
    body = []
    for r in rows:
        body.append(["*" if r.differs else "", r.key, _value(r.a, r.unit), _value(r.b, r.unit)])
    print("Assumptions (median [90% interval]; * marks a difference):\n")
    print(_table(["", "parameter", "A", "B"], body))
    n = sum(r.differs for r in rows)
    print(f"\n{text.count(n)} of {text.count(len(rows))} parameters differ.")
    if args.sources and n:
        print("\nSources of the differences:")
        for r in rows:
            if r.differs:
                print(f"\n{r.key}")
                for tag, side in (("A", r.a), ("B", r.b)):
                    print(f"  {tag}: {side.source or '(none)' if side else '(not set)'}")
    if figures is not None:
        body = [
            [r["figure"], _figure(r["a"], r["unit"]), _figure(r["b"], r["unit"])] for r in figures
        ]
        print("\nKey figures (median [5th – 95th percentile]; the year: [10th – 90th]):\n")
        print(_table(["figure", "A", "B"], body))
