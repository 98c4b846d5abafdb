"""``scalesim postmortem SCENARIO --as-of YEAR``: a past forecast against what happened."""

from __future__ import annotations

import sys

from scalesim.cli._common import add_json, add_quiet, check_output, name_option, year_int
from scalesim.errors import InputError
from scalesim.present import text

#: Arguments of postmortem -> this command's options (errors name the option).
OPTIONS = {"as_of": "--as-of", "through": "--through"}


def register(sub) -> None:
    p = sub.add_parser(
        "postmortem",
        help="score a scenario written at a past date against what happened",
        description=(
            "Compare the growth a scenario assumed for spending, FLOP per dollar and "
            "algorithmic efficiency with the growth realised from --as-of to --through "
            "(shipped history tables; algorithms from Ho et al. 2024), give the prior "
            "quantile of each realised value and attribute the log error of effective "
            "compute to each factor."
        ),
    )
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument("--as-of", type=year_int, required=True, metavar="YEAR", dest="as_of")
    p.add_argument(
        "--through",
        type=year_int,
        default=2024,
        metavar="YEAR",
        help="last year scored (default 2024, the last year with a published run cost)",
    )
    p.add_argument("--history", default=None, metavar="PATH", help="training runs table")
    add_json(p, "write the post-mortem as JSON")
    add_quiet(p, "print nothing (with --json)")
    p.set_defaults(func=main)


def _rate(x: float) -> str:
    return f"×{text.number(x, 3)}/yr"


def format_postmortem(r: dict) -> str:
    lines = [
        f"post-mortem: {r['scenario']}, as of {r['as_of']}, scored through {r['through']}",
        "",
        f"{'factor':<16} {'assumed':>11} {'realised':>11} {'prior quantile':>15} "
        f"{'log10 error':>12} {'share':>6}",
    ]
    for f in r["factors"]:
        lines.append(
            f"{f['name']:<16} {_rate(f['assumed']):>11} {_rate(f['realised']):>11} "
            f"{text.share(f['prior_quantile']):>15} {text.decimal(f['log10_error'], 2, sign=True):>12} "
            f"{text.share(f['share']):>6}"
        )
    c, e = r["compute"], r["effective_compute"]
    lines += [
        "",
        f"training compute of the largest run: assumed {_rate(c['assumed'])}, realised "
        f"{_rate(c['realised'])} ({c['evidence']})",
        f"effective compute: assumed {_rate(e['assumed'])}, realised {_rate(e['realised'])}; "
        f"log10 error over the window {text.decimal(r['log10_error'], 2, sign=True)}",
        "",
        "Evidence per factor:",
    ]
    for f in r["factors"]:
        lines.append(f"  {f['name']}: {f['evidence']}")
    return "\n".join(lines)


def main(args) -> int:
    if args.through <= args.as_of:  # before any work, in the options' words
        raise InputError(f"--through {args.through} must be after --as-of {args.as_of}")
    try:
        return _main(args)
    except InputError as exc:
        raise name_option(exc, OPTIONS) from None


def _main(args) -> int:
    from scalesim.analysis.calibrate.history import load_history
    from scalesim.analysis.postmortem import postmortem
    from scalesim.engine.io import write_json
    from scalesim.scenario.loader import load_scenario

    check_output("--json", args.json, inputs=[args.scenario, args.history])
    scenario = load_scenario(args.scenario)
    check_output("--json", args.json, inputs=[scenario.path])
    result = postmortem(scenario, load_history(args.history), args.as_of, args.through)
    if not args.quiet:
        print(format_postmortem(result))
    if args.json:
        write_json(args.json, result)
        if not args.quiet:
            print(f"\nwrote JSON: {args.json}", file=sys.stdout)
    return 0
