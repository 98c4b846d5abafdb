"""``scalesim reproduce``: the reproduction packs' published figures against scalesim."""

from __future__ import annotations

from scalesim.cli._common import add_quiet, add_samples, check_output
from scalesim.present import text


def register(sub) -> None:
    p = sub.add_parser(
        "reproduce",
        help="run the reproduction packs: published figures against scalesim's",
        description=(
            "Run the reproduction packs (scenarios/papers/*.yaml: one published study each, "
            "its stated assumptions and its headline figures) and print, per figure, the "
            "published value, scalesim's, the tolerance taken from the study's own precision "
            "and pass or fail, with the reason of each failure. Exit status 1 when any "
            "figure fails."
        ),
    )
    p.add_argument("packs", nargs="*", metavar="PACK", help="pack files or names (default: all)")
    p.add_argument("--json", default=None, metavar="PATH", help="write the checks as JSON")
    add_samples(p, help="samples per run (default: each pack's; the docs table uses the default)")
    add_quiet(p, help="print no table (the exit status still says whether every figure passed)")
    p.set_defaults(func=main)


def _published(c) -> str:
    if c.published_range is not None:
        return text.interval(*c.published_range, c.unit, digits=2)
    if c.kind.startswith("years"):
        return text.year(c.published, places=0)
    if c.kind.startswith("share"):
        return text.share(c.published)
    return text.quantity(c.published, c.unit, 2)


def _ours(c) -> str:
    if c.kind.startswith("share"):
        return text.share(c.scalesim, 1)
    if c.kind.startswith("years"):
        return text.year(c.scalesim)
    return text.quantity(c.scalesim, c.unit, 2)


def _tolerance(c) -> str:
    from scalesim.analysis.reproduce import digits_bounds

    kind, _, tol = c.kind.partition(":")
    if kind == "range":
        return "inside the range"
    if kind == "years":
        return f"± {text.number(float(tol))} yr"
    if kind == "share":
        return f"± {text.share(float(tol), 1)}"
    if kind == "log10":
        return f"± {text.number(float(tol))} in log10"
    lo, hi = digits_bounds(c.published, int(tol))
    return f"rounds to it ({text.interval(lo, hi, digits=2)})"


def format_checks(checks) -> str:
    """The checks as a Markdown table, then each failure with its reason (as in README.md)."""
    lines = [
        "| study | figure | published | scalesim | tolerance | |",
        "|---|---|---|---|---|---|",
    ]
    for c in checks:
        mark = "pass" if c.passed else "**fail**"
        lines.append(
            f"| {c.cite} | {c.figure} | {_published(c)} | {_ours(c)} | {_tolerance(c)} | {mark} |"
        )
    failed = [c for c in checks if not c.passed]
    n = len(checks)
    lines.append("")
    lines.append(f"{text.count(n - len(failed))} of {text.count(n)} figures reproduced.")
    if failed:
        lines.append("")
        lines.append("Not reproduced, and why:")
        lines.append("")
        for c in failed:
            why = c.reason or "no reason recorded in the pack"
            lines.append(f"- {c.cite}, {c.figure}: {why}")
    return "\n".join(lines)


def main(args) -> int:
    from scalesim.analysis.reproduce import reproduce
    from scalesim.engine.io import write_json

    check_output("--json", args.json)
    checks = reproduce(args.packs, samples=args.samples)
    if not args.quiet:
        print(format_checks(checks))
    if args.json:
        write_json(args.json, {"checks": [c.to_dict() for c in checks]})
        if not args.quiet:
            print(f"\nwrote checks JSON: {args.json}")
    return 0 if all(c.passed for c in checks) else 1
