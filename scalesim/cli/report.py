"""``scalesim report``: a policy report on one or more scenarios, as self-contained HTML/PDF."""

from __future__ import annotations

from scalesim.cli._common import int_arg


def register(sub) -> None:
    p = sub.add_parser(
        "report",
        help="build a policy report (HTML, optionally PDF) from scenarios",
        description="Execute the policy-report notebook headless on one or more scenarios and "
        "write one self-contained HTML file (no code, charts inline), optionally "
        "printed to PDF. The first scenario is the main one; the others are "
        "compared with it.",
    )
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario YAML files")
    p.add_argument("--out", required=True, help="HTML file to write (.html)")
    p.add_argument("--pdf", default=None, help="also print the report to this PDF file (.pdf)")
    p.add_argument(
        "--samples", type=int_arg, default=None, help="number of samples (default: each scenario's)"
    )
    p.add_argument(
        "--seed", type=int_arg, default=None, help="random seed (default: each scenario's)"
    )
    p.add_argument("--title", default=None, help="report title (default: from the first scenario)")
    p.set_defaults(func=main)


def main(args) -> int:
    from scalesim.present.report.build import build_report

    paths = build_report(
        args.scenarios,
        args.out,
        pdf=args.pdf,
        samples=args.samples,
        seed=args.seed,
        title=args.title,
    )
    print(f"wrote report: {paths.html}")
    if paths.pdf is not None:
        print(f"wrote PDF: {paths.pdf}")
    return 0
