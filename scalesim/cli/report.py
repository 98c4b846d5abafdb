"""``scalesim report``: a policy report on one or more scenarios, as self-contained HTML/PDF."""

from __future__ import annotations

from scalesim.cli._common import add_quiet, add_samples, add_seed, check_output, name_option
from scalesim.errors import InputError

#: Arguments of build_report -> this command's options (errors name the option).
OPTIONS = {"out": "--out", "pdf": "--pdf"}


def register(sub) -> None:
    p = sub.add_parser(
        "report",
        help="build a policy report (HTML, optionally PDF) from scenarios",
        description="Execute the policy-report notebook on one or more scenarios and write "
        "one self-contained HTML file (no code, charts inline), optionally printed to PDF. "
        "The first scenario is the main one; the others are compared with it.",
    )
    p.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="scenario YAML files")
    p.add_argument("-o", "--out", required=True, metavar="PATH", help="HTML file to write (.html)")
    p.add_argument("--pdf", default=None, metavar="PATH", help="also print it to this PDF (.pdf)")
    add_samples(p, help="number of samples (default: each scenario's)")
    add_seed(p, help="random seed (default: each scenario's)")
    p.add_argument("--title", default=None, help="report title (default: from the first scenario)")
    add_quiet(p, help="no progress line and no 'wrote ...' lines")
    p.set_defaults(func=main)


def main(args) -> int:
    try:
        return _main(args)
    except InputError as exc:
        raise name_option(exc, OPTIONS) from None


def _main(args) -> int:
    from scalesim.engine.progress import progress_bar
    from scalesim.present.report.build import build_report

    for option, path in (("--out", args.out), ("--pdf", args.pdf)):
        check_output(option, path, args.scenarios)  # before any work; never over an input

    with progress_bar("report", total=None, quiet=args.quiet) as bar:

        def progress(done: int, total: int, what: str) -> None:
            bar.update(completed=done, total=total, description=f"report: {what}")

        paths = build_report(
            args.scenarios,
            args.out,
            pdf=args.pdf,
            samples=args.samples,
            seed=args.seed,
            title=args.title,
            progress=progress,
        )
    if not args.quiet:
        print(f"wrote report: {paths.html}")
        if paths.pdf is not None:
            print(f"wrote PDF: {paths.pdf}")
    return 0
