"""``scalesim sensitivity``: which uncertain parameters drive an output in a given year."""

from __future__ import annotations

import sys

from scalesim.analysis.sensitivity import (
    DEFAULT_BASE_SAMPLES,
    METHODS,
    SensitivityResult,
    sensitivity_analysis,
    uncertain_parameters,
)
from scalesim.cli._common import check_output, int_arg, seed_arg
from scalesim.engine.io import write_json
from scalesim.engine.progress import progress_bar
from scalesim.model.variables import VARIABLES
from scalesim.scenario.loader import load_scenario


def register(sub) -> None:
    p = sub.add_parser(
        "sensitivity",
        help="rank the parameters driving an output (Sobol indices, OAT swings)",
        description="Sobol first- and total-order indices (SALib) of log10 OUTPUT in YEAR, with "
        "confidence intervals, and one-at-a-time swings (each uncertain prior in turn at its "
        "5th and 95th percentile, every other one at its median; swing: |log10 at p95 - "
        "log10 at p5|, the same swings as the policy report's tornado), as a ranked table.",
    )
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument(
        "--output",
        default="largest_run_flop",
        metavar="VARIABLE",
        help="variable analysed, as log10 (default: largest_run_flop)",
    )
    p.add_argument("--year", type=int, default=2030, help="calendar year (default: 2030)")
    p.add_argument(
        "--method",
        default="sobol",
        choices=METHODS,
        help="sobol: Sobol indices and OAT swings (default); oat: swings only (no sampling)",
    )
    p.add_argument(
        "--samples",
        type=int_arg,
        default=None,
        help=f"base samples N of the Sobol design, rounded up to a power of 2 "
        f"(default {DEFAULT_BASE_SAMPLES:,}); model runs: N x (parameters + 2)",
    )
    p.add_argument("--seed", type=seed_arg, default=None, help="seed (default: the scenario's)")
    p.add_argument("--json", default=None, metavar="PATH", help="write the indices as JSON")
    p.add_argument("--quiet", action="store_true", help="no progress bar, no table")
    p.set_defaults(func=main)


def main(args) -> int:
    check_output("--json", args.json)
    scenario = load_scenario(args.scenario)
    n_params = len(uncertain_parameters(scenario))
    base = args.samples or DEFAULT_BASE_SAMPLES
    runs = (1 << max(1, (max(2, base) - 1).bit_length())) * (n_params + 2)
    total = runs if args.method == "sobol" else None
    with progress_bar(
        f"sensitivity of {args.output} in {args.year}", total, quiet=args.quiet
    ) as bar:
        result = sensitivity_analysis(
            scenario,
            args.output,
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


def _f(x: float, fmt: str) -> str:
    return format(0.0 if abs(x) < 5e-4 else x, fmt)  # no "-0.000" for tiny estimates


def format_sensitivity(result: SensitivityResult) -> str:
    """The ranked table printed by ``scalesim sensitivity``."""
    unit = VARIABLES[result.output][0]
    sobol = result.method == "sobol"
    lines = [
        f"scenario: {result.scenario}",
        f"Sensitivity of log10 {result.output} [{unit}] in {result.year}; "
        f"with every parameter at its median: {result.median_log10:.2f}",
    ]
    if sobol:
        lines.append(
            f"Sobol indices from {result.model_runs:,} model runs ({result.base_samples:,} base "
            f"samples, seed {result.seed}); ± half-width of the {result.conf_level:.0%} interval"
        )
    lines += [
        f"OAT: log10 {result.output} with one parameter at its p5 / p95, the others at "
        "their medians; swing = |at p95 - at p5| [orders of magnitude]",
        "",
    ]
    width = max(len("parameter"), *(len(p) for p in result.parameters))
    head = f"  {'rank':>4}  {'parameter':<{width}}"
    if sobol:
        head += f"{'S1':>8}{'±':>7}{'ST':>8}{'±':>7}"
    lines.append(head + f"{'at p5':>9}{'at p95':>9}{'swing':>8}")
    for i, name in enumerate(result.parameters):
        row = f"  {i + 1:>4}  {name:<{width}}"
        if sobol:
            row += "".join(
                _f(v[i], f)
                for v, f in (
                    (result.S1, ">8.3f"),
                    (result.S1_conf, ">7.3f"),
                    (result.ST, ">8.3f"),
                    (result.ST_conf, ">7.3f"),
                )
            )
        row += f"{result.low_log10[i]:>9.2f}{result.high_log10[i]:>9.2f}{result.swing[i]:>8.2f}"
        lines.append(row)
    if sobol:
        lines += [
            "",
            f"  sum of S1: {sum(result.S1):.3f} (1 − sum: share of the variance from interactions)",
        ]
    return "\n".join(lines)
