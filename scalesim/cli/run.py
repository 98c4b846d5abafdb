"""``scalesim run``: a scenario headless, its summary printed and optionally written."""

from __future__ import annotations

import sys

from scalesim.cli._common import check_outputs, int_arg
from scalesim.engine.backend import BACKENDS
from scalesim.engine.progress import progress_bar
from scalesim.engine.run import run
from scalesim.present.text import format_summary
from scalesim.scenario.loader import load_scenario


def register(sub) -> None:
    p = sub.add_parser(
        "run",
        help="run a scenario and print its summary",
        description="Run a scenario's Monte Carlo projection headless.",
    )
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument(
        "--samples", type=int_arg, default=None, help="number of samples (default: the scenario's)"
    )
    p.add_argument(
        "--seed", type=int_arg, default=None, help="random seed (default: the scenario's)"
    )
    p.add_argument("--out", default=None, help="per-sample table to write (.parquet or .csv)")
    p.add_argument("--summary-json", default=None, help="summary JSON to write")
    p.add_argument("--backend", default="numpy", choices=BACKENDS, help="array backend")
    p.add_argument(
        "--quiet", action="store_true", help="print neither the summary nor a progress bar"
    )
    p.set_defaults(func=main)


def main(args) -> int:
    check_outputs(args.out, args.summary_json)
    scenario = load_scenario(args.scenario)
    keep = "all" if args.out else "none"
    samples = scenario.samples if args.samples is None else args.samples
    with progress_bar("samples", total=max(samples, 1), quiet=args.quiet) as bar:
        results = run(
            scenario,
            samples=samples,
            seed=args.seed,
            backend=args.backend,
            keep=keep,
            on_chunk=bar.advance,
        )
    if args.out:
        results.write(args.out)
    if args.summary_json:
        results.write_summary_json(args.summary_json)
    if not args.quiet:
        print(format_summary(results))
        for label, path in (("per-sample table", args.out), ("summary JSON", args.summary_json)):
            if path:
                print(f"\nwrote {label}: {path}", file=sys.stdout)
    return 0
