"""``scalesim sensitivity``: which uncertain parameters drive an output in a given year."""

from __future__ import annotations

import argparse
import sys

from scalesim.analysis.sensitivity import (
    DEFAULT_BASE_SAMPLES,
    METHODS,
    sensitivity_analysis,
    uncertain_parameters,
)
from scalesim.cli._common import (
    add_json,
    add_quiet,
    add_samples,
    add_seed,
    check_output,
    int_arg,
    name_option,
)
from scalesim.engine.io import write_json
from scalesim.engine.progress import progress_bar
from scalesim.errors import InputError
from scalesim.present.text import format_sensitivity
from scalesim.scenario.loader import load_scenario

#: Arguments of sensitivity_analysis -> this command's options (errors name the option).
OPTIONS = {
    "output": "--variable",
    "year": "--year",
    "method": "--method",
    "base_samples": "--samples",
}


def register(sub) -> None:
    p = sub.add_parser(
        "sensitivity",
        help="rank the parameters driving an output (Sobol indices, OAT swings)",
        description="Sobol first- and total-order indices (SALib) of log10 VARIABLE in YEAR, with "
        "confidence intervals, and one-at-a-time swings (each uncertain prior in turn at its "
        "5th and 95th percentile, every other one at its median; swing: |log10 at p95 - "
        "log10 at p5|, the same swings as the policy report's tornado), as a ranked table.",
    )
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument(
        "--variable",
        default="largest_run_flop",
        metavar="VARIABLE",
        help="variable analysed, as log10 (default: largest_run_flop)",
    )
    # the old spelling, kept working but no longer listed
    p.add_argument("--output", dest="variable", help=argparse.SUPPRESS)
    p.add_argument("--year", type=int, default=2030, help="calendar year (default: 2030)")
    p.add_argument(
        "--method",
        default="sobol",
        choices=METHODS,
        help="sobol: Sobol indices and OAT swings (default); oat: swings only (no sampling)",
    )
    add_samples(
        p,
        f"base samples N of the Sobol design, rounded up to a power of 2 "
        f"(default {DEFAULT_BASE_SAMPLES:,}); model runs: N x (parameters + 2)",
        type=int_arg,
    )
    add_seed(p, "seed (default: the scenario's)")
    add_json(p, "write the indices as JSON")
    add_quiet(p, "no progress bar, no table")
    p.set_defaults(func=main)


def main(args) -> int:
    try:
        return _main(args)
    except InputError as exc:
        raise name_option(exc, OPTIONS) from None


def _main(args) -> int:
    check_output("--json", args.json, inputs=[args.scenario])
    scenario = load_scenario(args.scenario)
    check_output("--json", args.json, inputs=[scenario.path])
    n_params = len(uncertain_parameters(scenario))
    base = args.samples or DEFAULT_BASE_SAMPLES
    runs = (1 << max(1, (max(2, base) - 1).bit_length())) * (n_params + 2)
    total = runs if args.method == "sobol" else None
    with progress_bar(
        f"sensitivity of {args.variable} in {args.year}", total, quiet=args.quiet
    ) as bar:
        result = sensitivity_analysis(
            scenario,
            args.variable,
            args.year,
            method=args.method,
            base_samples=args.samples,
            seed=args.seed,
            on_progress=bar.advance,
        )
    if args.json:
        write_json(args.json, result.to_dict())
    if not args.quiet:
        print(format_sensitivity(result))
        if args.json:
            print(f"\nwrote sensitivity JSON: {args.json}", file=sys.stdout)
    return 0
