"""``scalesim backtest``: calibrate on runs up to a cutoff and score the runs after it."""

from __future__ import annotations

import argparse
import sys

from scalesim.analysis.calibrate.backtest import COMPARE_CUTOFFS, backtest
from scalesim.analysis.calibrate.history import load_history
from scalesim.cli._common import (
    add_out,
    add_quiet,
    add_samples,
    check_output,
    check_outputs,
    check_seed,
    count_int,
    name_option,
    year_int,
)
from scalesim.cli.calibration_text import (
    add_history_options,
    format_backtest,
    format_compare,
    format_rolling,
    history_label,
)
from scalesim.engine.backend import namespace
from scalesim.engine.io import write_json, write_table
from scalesim.errors import InputError

DEFAULT_SEED = 20241125
#: Arguments of the backtests -> this command's options (errors name the option).
OPTIONS = {
    "backend": "--backend",
    "cutoff": "--cutoff",
    "through": "--through",
    "since": "--since",
    "bootstrap": "--bootstrap",
    "draws": "--draws",
    "frontier": "--frontier",
    "top_k": "--top-k",
}


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
        default=None,
        metavar="YEAR",
        help="last year of data used for the fit (required unless --compare or --rolling)",
    )
    p.add_argument(
        "--compare",
        action="store_true",
        help="backtest v2: the straight line against a trend that can change regime (model "
        "averaging over breaks) at cutoffs 2016, 2018, 2020 and 2022",
    )
    p.add_argument(
        "--rolling",
        action="store_true",
        help="backtest v2: rolling origins every half-year 2012–2023, scores by horizon",
    )
    p.add_argument(
        "--engine",
        action="store_true",
        help="backtest the engine itself at cutoffs 2016, 2018, 2020 and 2022: base year at "
        "the cutoff, vague spending and hardware priors calibrated on the runs up to it "
        "(as scalesim calibrate does), engine.run, scored on the frontier runs after it",
    )
    p.add_argument(
        "--scenario",
        default=None,
        metavar="PATH",
        help="scenario of --engine (default scenarios/baseline.yaml; its spending and "
        "hardware priors are replaced by vague ones and calibrated)",
    )
    p.add_argument(
        "--draws",
        type=count_int,
        default=None,
        metavar="M",
        help="prior draws of the --engine calibration (default 100,000)",
    )
    add_samples(p, help="engine samples per cutoff of --engine (default 4,000)")
    add_out(p, help="--engine: the score table to write (.parquet or .csv)")
    add_quiet(p, help="print no table")
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
    try:  # the convention's short form of --seed, unless the shared options give it already
        p.add_argument("-s", dest="seed", type=int, default=None, help=argparse.SUPPRESS)
    except argparse.ArgumentError:
        pass
    p.set_defaults(func=main)


def main(args) -> int:
    try:
        return _main(args)
    except InputError as exc:
        raise name_option(exc, OPTIONS) from None


def _main(args) -> int:
    check_seed(args.seed)
    check_output("--json", args.json)
    if args.engine:
        check_outputs(args.out, args.json, json_option="--json", suffixes=(".parquet", ".csv"))
    elif args.out is not None:
        raise InputError("--out: only with --engine (the engine backtest's score table)")
    xp = namespace(args.backend)
    history = load_history(args.history)
    seed = DEFAULT_SEED if args.seed is None else args.seed
    if args.engine:  # the engine backtest's windows, in the options' words, before any work
        first, last = min(COMPARE_CUTOFFS), max(COMPARE_CUTOFFS)
        if args.through is not None and args.through <= last:
            raise InputError(
                f"--through {args.through} must be after the engine backtest's last cutoff, "
                f"{last} (its cutoffs: {', '.join(map(str, COMPARE_CUTOFFS))})"
            )
        if args.since > first:
            raise InputError(
                f"--since {args.since} must not be after the engine backtest's first cutoff, "
                f"{first}"
            )
    if args.compare or args.rolling or args.engine:
        return _v2(args, history, seed)
    if args.cutoff is None:
        raise InputError("backtest: --cutoff YEAR is required (or --compare / --rolling)")
    if args.since > args.cutoff:
        raise InputError(f"--since {args.since} is after --cutoff {args.cutoff}")
    if args.through is not None and args.through <= args.cutoff:
        raise InputError(f"--through {args.through} must be after --cutoff {args.cutoff}")
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
    if not args.quiet:
        print(format_backtest(result, history_label(history)))
    if args.json:
        write_json(args.json, result)
        if not args.quiet:
            print(f"\nwrote JSON: {args.json}", file=sys.stdout)
    return 0


def _v2(args, history, seed: int) -> int:
    from scalesim.analysis.calibrate.backtest import compare_models, rolling

    label = history_label(history)
    out: dict = {}
    say = (lambda *a, **k: None) if args.quiet else print
    if args.compare:
        out["compare"] = compare_models(
            history,
            through=args.through,
            since=args.since,
            bootstrap=args.bootstrap,
            seed=seed,
            frontier=args.frontier,
            top_k=args.top_k,
        )
        say(format_compare(out["compare"], label))
    if args.engine:
        from scalesim.cli._engine_backtest_text import engine_frame, format_engine

        out["engine"] = _engine(args, history, seed)
        if args.compare:
            say()
        say(format_engine(out["engine"], label, out.get("compare")))
        if args.out:
            write_table(args.out, engine_frame(out["engine"]))
            say(f"\nwrote table: {args.out}")
    if args.rolling:
        out["rolling"] = rolling(
            history,
            since=args.since,
            draws=args.bootstrap,
            seed=seed,
            frontier=args.frontier,
            top_k=args.top_k,
        )
        if args.compare or args.engine:
            say()
        say(format_rolling(out["rolling"], label))
    if args.json:
        write_json(args.json, out)
        say(f"\nwrote JSON: {args.json}", file=sys.stdout)
    return 0


def _engine(args, history, seed: int) -> list[dict]:
    from scalesim.analysis.calibrate.engine_backtest import (
        DEFAULT_DRAWS,
        DEFAULT_SAMPLES,
        engine_backtest,
    )
    from scalesim.cli.calibrate import default_scenario
    from scalesim.scenario.loader import load_scenario

    scenario = load_scenario(args.scenario or default_scenario())
    return engine_backtest(
        history,
        scenario,
        through=args.through,
        since=args.since,
        samples=args.samples or DEFAULT_SAMPLES,
        draws=args.draws or DEFAULT_DRAWS,
        seed=seed,
        frontier=args.frontier,
        top_k=args.top_k,
    )
