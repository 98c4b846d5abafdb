"""``scalesim cluster``: goodput of one training run on N accelerators (scalesim.cluster)."""

from __future__ import annotations

import argparse
from pathlib import Path

from scalesim.cli._common import (
    add_json,
    add_quiet,
    add_seed,
    bounded_float,
    check_output,
    name_option,
)
from scalesim.engine.io import write_json
from scalesim.errors import InputError
from scalesim.model.reliability import cluster
from scalesim.model.reliability.goodput import best_checkpoint_interval
from scalesim.present.text import count, decimal, number, share

#: Weibull shapes accepted: Gamma(1 + 1/shape) overflows below ~0.006; past 20 every
#: accelerator fails at almost the same age.
WEIBULL_SHAPES = (0.05, 20.0)
#: Most replications (each a full SimPy simulation, run twice: best interval search).
MAX_REPLICATIONS = 10_000


def register(subparsers) -> None:
    """Add the ``cluster`` subcommand to ``subparsers`` (see scalesim.cli)."""
    p = subparsers.add_parser(
        "cluster",
        help="simulate failures, checkpoints and restarts of one training run",
        description="Monte Carlo (SimPy) goodput of a training run on N accelerators: "
        "failures, checkpoints every τ costing δ, restarts R, optional hot spares; the "
        "simulated best τ beside Young/Daly's sqrt(2·δ·M).",
    )
    p.add_argument("--accelerators", type=int, required=True, metavar="N")
    p.add_argument("--days", type=float, required=True, metavar="D", help="wall-clock days")
    p.add_argument(
        "--mtbf-hours",
        type=float,
        default=cluster.MTBF_PER_ACCELERATOR_HOURS,
        metavar="H",
        help="mean time between failures of one accelerator (default %(default).0f h: "
        "Llama 3, 419 interruptions in 54 days on 16,384 GPUs)",
    )
    p.add_argument(
        "--checkpoint-minutes",
        type=float,
        metavar="T",
        help="compute time between checkpoints τ (default: Daly's 2006 optimum)",
    )
    options = [
        ("--checkpoint-cost-minutes", cluster.CHECKPOINT_COST_MINUTES, "checkpoint write δ"),
        ("--restart-minutes", cluster.RESTART_MINUTES, "restart time R without a spare"),
        ("--swap-minutes", cluster.SWAP_MINUTES, "time to swap in a hot spare"),
        ("--repair-hours", cluster.REPAIR_HOURS, "until a failed accelerator is a spare again"),
    ]
    for flag, default, text in options:
        p.add_argument(flag, type=float, default=default, help=f"{text} (default %(default)g)")
    p.add_argument(
        "--weibull-shape",
        type=bounded_float(*WEIBULL_SHAPES, "a Weibull shape"),
        default=1.0,
        help="per-accelerator lifetime shape; 1 is exponential (default %(default)g; "
        f"{WEIBULL_SHAPES[0]:g} to {WEIBULL_SHAPES[1]:g})",
    )
    p.add_argument("--spares", type=int, default=0, metavar="K", help="hot spares (default 0)")
    p.add_argument(
        "--replications",
        type=int,
        default=20,
        metavar="R",
        help=f"(default 20, at most {MAX_REPLICATIONS:,})",
    )
    add_seed(p, "random seed (default 0)", default=0)
    add_json(p, "write the results as JSON", type=Path)
    add_quiet(p, "print nothing (with --json)")
    p.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    """Simulate, print a table, optionally write JSON; bad options raise InputError."""
    settings = ["accelerators", "days", "mtbf_hours", "checkpoint_minutes"]
    settings += ["checkpoint_cost_minutes", "restart_minutes", "spares", "swap_minutes"]
    settings += ["repair_hours", "weibull_shape"]
    options = {key: "--" + key.replace("_", "-") for key in [*settings, "replications"]}
    try:
        run = cluster.TrainingRun(**{key: getattr(args, key) for key in settings})
        if not 1 <= args.replications <= MAX_REPLICATIONS:
            raise InputError(
                f"must be a positive integer, at most {MAX_REPLICATIONS:,}, got "
                f"{args.replications}",
                key="replications",
            )
    except InputError as exc:
        raise name_option(exc, options) from None
    check_output("--json", args.json)

    result = summarise(run, args.replications, args.seed)
    if not args.quiet:
        print(format_table(run, result, args.replications, args.seed))
    if args.json is not None:
        write_json(args.json, result)
    return 0


def summarise(run: cluster.TrainingRun, replications: int, seed: int) -> dict:
    """Results of ``scalesim cluster`` as the dict written by ``--json``.

    Parameters
    ----------
    run : scalesim.cluster.TrainingRun
        Settings of the run.
    replications : int
        Independent replications [-].
    seed : int
        Root seed.

    Returns
    -------
    dict
        goodput and interruptions (mean, std, p5, p95) [fraction, -], lost_hours by cause
        (mean) [h], best_checkpoint_minutes, young_daly_minutes, daly_minutes,
        checkpoint_minutes [min], daly_goodput [fraction] at checkpoint_minutes, and the
        settings.
    """
    _, summary = cluster.run_replications(run, replications, seed)
    best_minutes, best_goodput = best_checkpoint_interval(run, replications, seed)
    delta, mtbf = run.checkpoint_cost_minutes, 60.0 * run.cluster_mtbf_hours
    return {
        "goodput": summary["goodput"],
        "interruptions": summary["interruptions"],
        "useful_days": summary["useful_days"],
        "lost_hours": {c: summary[f"lost_hours_{c}"]["mean"] for c in cluster.CAUSES},
        "checkpoint_minutes": run.interval_minutes,
        "best_checkpoint_minutes": best_minutes,
        "best_checkpoint_goodput": best_goodput,
        "young_daly_minutes": float(cluster.young_daly_interval(delta, mtbf)),
        "daly_minutes": float(cluster.daly_optimum_interval(delta, mtbf)),
        "daly_goodput": float(
            cluster.daly_goodput(run.interval_minutes, delta, mtbf, run.restart_minutes)
        ),
        "accelerators": run.accelerators,
        "days": run.days,
        "mtbf_hours": run.mtbf_hours,
        "cluster_mtbf_hours": run.cluster_mtbf_hours,
        "checkpoint_cost_minutes": delta,
        "restart_minutes": run.restart_minutes,
        "spares": run.spares,
        "replications": replications,
        "seed": seed,
    }


def format_table(run: cluster.TrainingRun, result: dict, replications: int, seed: int) -> str:
    """The readable report printed by ``scalesim cluster``."""
    chosen = "given" if run.checkpoint_minutes is not None else "Daly's optimum"
    lines = [
        f"Training run: {count(run.accelerators)} accelerators for {number(run.days)} days "
        f"({replications} replications, seed {seed})",
        f"  MTBF {decimal(run.mtbf_hours, 0)} h per accelerator -> "
        f"{decimal(60 * run.cluster_mtbf_hours, 1)} min for the job (M)",
        f"  checkpoint every {decimal(run.interval_minutes, 1)} min ({chosen}), write cost "
        f"{number(run.checkpoint_cost_minutes)} min (δ), restart "
        f"{number(run.restart_minutes)} min, {run.spares} hot spares",
        "",
        f"{'':28}{'mean':>10}{'std':>10}{'p5':>10}{'p95':>10}",
    ]
    # (label, statistics, scale, decimals)
    rows = [("goodput [%]", result["goodput"], 100.0, 1)]
    rows += [("interruptions", result["interruptions"], 1.0, 0)]
    rows += [("useful days", result["useful_days"], 1.0, 1)]
    for label, stats, scale, places in rows:
        cells = "".join(
            f"{decimal(scale * stats[k], places):>10}" for k in ("mean", "std", "p5", "p95")
        )
        lines.append(f"{label:28}{cells}")
    for cause, hours in result["lost_hours"].items():
        lines.append(f"{'lost to ' + cause + ' [h]':28}{decimal(hours, 1):>10}")
    daly_note = f"Daly's expected goodput at {decimal(run.interval_minutes, 1)} min (no spares)"
    intervals = [
        ("simulated best", result["best_checkpoint_minutes"], result["best_checkpoint_goodput"]),
        ("Young, sqrt(2·δ·M)", result["young_daly_minutes"], None),
        ("Daly 2006", result["daly_minutes"], None),
    ]
    lines += ["", "checkpoint interval [min]"]
    for label, minutes, goodput in intervals:
        note = f"   goodput {share(goodput, 1)} (mean of the simulations)" if goodput else ""
        lines.append(f"  {label:26}{decimal(minutes, 2):>10}{note}")
    lines.append(f"  {daly_note}: {share(result['daly_goodput'], 1)}")
    return "\n".join(lines)
