"""``scalesim calibrate``: historical trends with bootstrap intervals, and a scenario
calibrated on history by importance sampling."""

from __future__ import annotations

import sys
from pathlib import Path

from scalesim.analysis.calibrate.calibrated import (
    calibrated_scenario,
    posterior_label,
    write_scenario,
)
from scalesim.analysis.calibrate.history import load_hardware, load_history
from scalesim.analysis.calibrate.importance import annual_maxima, importance_sample
from scalesim.analysis.calibrate.trends import (
    TREND_KEYS,
    calibrate_trends,
    frontier_label,
    select_frontier,
)
from scalesim.cli._common import (
    add_quiet,
    check_output,
    check_seed,
    count_int,
    name_option,
    year_int,
)
from scalesim.cli.calibration_text import (
    add_history_options,
    format_importance,
    format_trends,
    history_label,
)
from scalesim.engine.backend import namespace
from scalesim.engine.io import same_file, write_json
from scalesim.errors import InputError
from scalesim.present.text import count
from scalesim.scenario.loader import load_scenario

DEFAULT_SEED = 20241125
#: Arguments of the calibration functions -> this command's options (errors name the option).
OPTIONS = {
    "backend": "--backend",
    "since": "--since",
    "bootstrap": "--bootstrap",
    "draws": "--draws",
    "frontier": "--frontier",
    "top_k": "--top-k",
}


def register(sub) -> None:
    p = sub.add_parser(
        "calibrate",
        help="fit historical trends and calibrate a scenario on history",
        description="Fit frontier-compute, cost, FLOP-per-dollar and dataset-size trends with "
        "bootstrap intervals; calibrate a scenario's spending and hardware priors on "
        "history by importance sampling.",
    )
    add_history_options(p)
    p.add_argument(
        "--hardware",
        default=None,
        metavar="PATH",
        help="ML hardware table: scalesim's ml_hardware.csv format or Epoch AI's "
        "hardware export (default: the shipped table)",
    )
    p.add_argument(
        "--since",
        type=year_int,
        default=2010,
        metavar="YEAR",
        help="first year of the fits (default 2010)",
    )
    p.add_argument(
        "--until",
        type=year_int,
        default=2024,
        metavar="YEAR",
        help="last year of the fits (default 2024)",
    )
    p.add_argument(
        "--bootstrap",
        type=count_int,
        default=10_000,
        metavar="B",
        help="bootstrap resamples per trend (default 10,000)",
    )
    p.add_argument(
        "--scenario",
        default=None,
        metavar="PATH",
        help="scenario whose priors are calibrated (default scenarios/baseline.yaml)",
    )
    p.add_argument(
        "--draws",
        type=count_int,
        default=100_000,
        metavar="M",
        help="prior draws of the importance sampling (default 100,000)",
    )
    p.add_argument(
        "--write-scenario",
        default=None,
        metavar="PATH",
        help="write the calibrated scenario (YAML that scalesim run accepts)",
    )
    add_quiet(p, "print nothing (with --json or --write-scenario)")
    p.set_defaults(func=main)


def default_scenario() -> Path:
    from scalesim.cli.list import scenario_dir

    return scenario_dir() / "baseline.yaml"


def main(args) -> int:
    try:
        return _main(args)
    except InputError as exc:
        raise name_option(exc, OPTIONS) from None


def _main(args) -> int:
    inputs = [args.history, args.hardware, args.scenario]
    for opt, path in (("--json", args.json), ("--write-scenario", args.write_scenario)):
        check_output(opt, path, inputs)
    if args.json and args.write_scenario and same_file(args.json, args.write_scenario):
        raise InputError(f"--json and --write-scenario are the same file: {args.json!r}")
    say = (lambda *a, **k: None) if args.quiet else print
    check_seed(args.seed)
    if args.since > args.until:
        raise InputError(f"--since {args.since} is after --until {args.until}")
    if args.bootstrap > 10_000_000:
        raise InputError(f"--bootstrap: at most 10,000,000, got {count(args.bootstrap)}")
    if not 2 <= args.draws <= 100_000_000:
        raise InputError(f"--draws: must be between 2 and 100,000,000, got {count(args.draws)}")
    xp = namespace(args.backend)
    history = load_history(args.history)
    hardware = load_hardware(args.hardware)
    seed = DEFAULT_SEED if args.seed is None else args.seed
    trends = calibrate_trends(
        history,
        hardware,
        since=args.since,
        until=args.until,
        bootstrap=args.bootstrap,
        seed=seed,
        frontier=args.frontier,
        top_k=args.top_k,
        xp=xp,
    )
    label = history_label(history)
    how = frontier_label(history, args.frontier, args.top_k)
    header = (
        f"history: {label} ({len(history)} runs with a date and compute; frontier: {how}); "
        f"hardware: {history_label(hardware)}\n"
        f"window {args.since}–{args.until}; {count(args.bootstrap)} bootstrap resamples per "
        f"trend; p50 and 90% interval = 50th and 5th–95th percentiles; backend "
        f"{args.backend}"
    )
    say(format_trends(trends, header))

    scenario_path = Path(args.scenario) if args.scenario else default_scenario()
    scenario = load_scenario(scenario_path)
    mask = select_frontier(history, args.frontier, args.top_k, xp=xp)
    obs = annual_maxima(history, mask, since=args.since, until=args.until)
    result = importance_sample(scenario, obs, draws=args.draws, seed=args.seed, xp=xp)
    say()
    say(format_importance(result, str(scenario_path), posterior_label))

    out = {key: _trend_json(trends[key]) for key in TREND_KEYS}
    out["training_flop_per_usd_doubling_years"] = _trend_json(
        trends["training_flop_per_usd_doubling_years"]
    )
    out["history"] = {
        "path": history.attrs.get("path"),
        "format": history.attrs.get("format"),
        "frontier": how,
        "runs": len(history),
    }
    out["bootstrap"] = args.bootstrap
    out["importance_sampling"] = {"scenario": str(scenario_path), **result.to_dict()}

    if args.write_scenario:
        calibrated = calibrated_scenario(
            scenario, result, history_label=label, since=args.since, until=args.until
        )
        write_scenario(
            args.write_scenario,
            calibrated,
            header=f"Written by `scalesim calibrate` from {scenario_path} and {label}.\n"
            "A full copy of the source scenario with calibrated spending and "
            "hardware priors.",
        )
        out["importance_sampling"]["written_scenario"] = args.write_scenario
        say(f"\nwrote calibrated scenario: {args.write_scenario}", file=sys.stdout)
    if args.json:
        write_json(args.json, out)
        say(f"wrote JSON: {args.json}", file=sys.stdout)
    return 0


def _trend_json(t) -> dict:
    d = t.to_dict()
    return {
        "p5": d["p5"],
        "p50": d["p50"],
        "p95": d["p95"],
        "n": d["n"],
        "since": d["since"],
        "until": d["until"],
        "estimate": d["estimate"],
        "first": d["first"],
        "last": d["last"],
        "unit": d["unit"],
        "basis": d["basis"],
    }
