"""``scalesim backtest``: calibrate on runs up to a cutoff and score the runs after it."""

from __future__ import annotations

import sys

from scalesim.analysis.calibrate.backtest import backtest
from scalesim.analysis.calibrate.history import load_history
from scalesim.cli._common import check_output, count_int, year_int
from scalesim.cli.calibration_text import (
    add_history_options,
    format_backtest,
    history_label,
)
from scalesim.engine.backend import namespace
from scalesim.engine.io import write_json

DEFAULT_SEED = 20241125


def register(sub) -> None:
    p = sub.add_parser(
        "backtest",
        help="score projections made at a cutoff against the runs after it",
        description="Fit the frontier-compute trend on runs up to --cutoff, project it, and "
        "score it against the frontier runs released after the cutoff: coverage of "
        "the 50% and 90% intervals, median log10 error and CRPS.",
    )
    p.add_argument(
        "--cutoff",
        type=year_int,
        required=True,
        metavar="YEAR",
        help="last year of data used for the fit",
    )
    p.add_argument(
        "--through",
        type=year_int,
        default=None,
        metavar="YEAR",
        help="last year scored (default: the last year in the history)",
    )
    p.add_argument(
        "--since",
        type=year_int,
        default=2010,
        metavar="YEAR",
        help="first year of data used for the fit (default 2010)",
    )
    p.add_argument(
        "--bootstrap",
        type=count_int,
        default=4000,
        metavar="B",
        help="bootstrap resamples = predictive draws per run (default 4,000)",
    )
    add_history_options(p)
    p.set_defaults(func=main)


def main(args) -> int:
    check_output("--json", args.json)
    xp = namespace(args.backend)
    history = load_history(args.history)
    seed = DEFAULT_SEED if args.seed is None else args.seed
    result = backtest(
        history,
        cutoff=args.cutoff,
        through=args.through,
        since=args.since,
        bootstrap=args.bootstrap,
        seed=seed,
        frontier=args.frontier,
        top_k=args.top_k,
        xp=xp,
    )
    print(format_backtest(result, history_label(history)))
    if args.json:
        write_json(args.json, result)
        print(f"\nwrote JSON: {args.json}", file=sys.stdout)
    return 0
