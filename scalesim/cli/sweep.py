"""``scalesim sweep``: full Monte Carlo runs over a grid, a Latin hypercube or scenarios, on Dask."""

from __future__ import annotations

import logging
import sys

from scalesim.analysis.sweep import (
    SweepResult,
    check_scheduler,
    close_client,
    connect,
    load_sweep,
    run_sweep,
)
from scalesim.cli._common import (
    add_json,
    add_out,
    add_quiet,
    add_samples,
    add_seed,
    bounded_int,
    check_outputs,
    name_option,
)
from scalesim.engine.io import write_json, write_table
from scalesim.engine.progress import progress_bar
from scalesim.errors import InputError
from scalesim.present.text import column_number, count, literal, year

#: Years of the printed table (when in the sweep's years).
TABLE_YEARS = (2030, 2040)
#: Most worker processes of a local cluster (a typo must not fork thousands).
MAX_WORKERS = 256


def register(sub) -> None:
    p = sub.add_parser(
        "sweep",
        help="run a sweep of scenarios on Dask and merge the results",
        description="Run every point of a sweep file (a grid, a Latin hypercube or a list of "
        "scenarios; each point a full Monte Carlo run) as Dask tasks, on a local "
        "cluster or an existing dask.distributed scheduler, and merge the results "
        "into one tidy table and summary.",
    )
    p.add_argument("sweep", help="sweep YAML file (see scenarios/sweeps/)")
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="tcp://HOST:PORT",
        help="address of a running dask.distributed scheduler (default: start a local cluster)",
    )
    p.add_argument(
        "--workers",
        type=bounded_int(1, MAX_WORKERS),
        default=None,
        help="worker processes of the local cluster (default: this machine's cores)",
    )
    p.add_argument(
        "--serial",
        action="store_true",
        help="run the points one by one in this process, without Dask",
    )
    add_samples(p, "samples per point (default: the file's)")
    add_seed(p, "seed of every point (default: the file's)")
    add_out(p, "tidy table to write (.parquet or .csv): one row per point, variable and year")
    add_json(
        p,
        "sweep summary JSON to write (every point's summary and the pooled one)",
        "--summary-json",
    )
    add_quiet(p, "no progress bar, no table")
    p.set_defaults(func=main)


#: Arguments of the library named by this command's options in its errors.
OPTIONS = {"scheduler": "--scheduler", "workers": "--workers"}


def main(args) -> int:
    try:
        return _main(args)
    except InputError as exc:
        raise name_option(exc, OPTIONS) from None


def _main(args) -> int:
    check_outputs(args.out, args.json, (args.sweep,), "--json", (".parquet", ".csv"))
    if args.scheduler is not None and args.serial:
        raise InputError("--scheduler and --serial exclude each other")
    client = None
    # dask logs a lost scheduler or worker as multi-line tracebacks on stderr; the sweep
    # reports such faults itself, in one line
    logging.getLogger("distributed").setLevel(logging.CRITICAL)
    if args.scheduler is not None:  # checked and connected before the sweep is built
        client = connect(check_scheduler(args.scheduler))
    try:
        sweep = load_sweep(args.sweep, samples=args.samples, seed=args.seed)
    except BaseException:
        if client is not None:
            close_client(client)
        raise
    with progress_bar(
        f"sweep: {len(sweep.points)} points", len(sweep.points), quiet=args.quiet
    ) as bar:
        result = run_sweep(
            sweep,
            scheduler=args.scheduler,
            workers=args.workers,
            serial=args.serial,
            on_progress=bar.advance,
            client=client,
        )
    if args.out:
        write_table(args.out, result.frame())
    if args.json:
        write_json(args.json, result.summary())
    if not args.quiet:
        print(format_sweep(result))
        for label, path in (("tidy table", args.out), ("summary JSON", args.json)):
            if path:
                print(f"\nwrote {label}: {path}", file=sys.stdout)
    return 0


def format_sweep(result: SweepResult) -> str:
    """The table printed by ``scalesim sweep``: per point its parameter values (or scenario),
    the median largest run in the table years, the median year the human text stock is used
    up and the median arrival year of the first milestone (when the points have one); then
    the same for all points pooled."""
    s = result.sweep
    first = result.points[0].summary
    years = [y for y in TABLE_YEARS if y in first["years"]]
    milestone = next(iter(first.get("milestones", {})), None)
    lines = [
        f"sweep: {s.name}",
        f"file: {s.path}   method: {s.method}   points: "
        f"{len(s.points)}   ran on: {result.executor}",
        "",
        "Median largest_run_flop [FLOP] and median year the human text stock is used up"
        + (f"; median year milestone {milestone!r} is reached" if milestone else ""),
    ]
    if s.parameters:
        heads = [k.split(".")[-1][:14] for k in s.parameters]
        widths = [max(10, len(h) + 1) for h in heads]
    else:
        heads, widths = ["scenario"], [max(10, *(len(p.label) + 2 for p in s.points))]
    lines.append(
        f"  {'#':>4}"
        + "".join(f"{h:>{w}}" for h, w in zip(heads, widths, strict=True))
        + "".join(f"{y:>10}" for y in years)
        + f"{'exhausted':>11}"
        + (f"{'milestone':>11}" if milestone else "")
    )

    def row(i, cells, summary):
        q = summary["variables"]["largest_run_flop"]["p50"]
        ex = summary["data_exhaustion_year"]["p50"]
        last = summary["years"][-1]
        text = "".join(f"{c:>{w}}" for c, w in zip(cells, widths, strict=True))
        text += "".join(f"{column_number(q[summary['years'].index(y)]):>10}" for y in years)
        text += f"{year(ex, last):>11}"
        if milestone:
            m = summary.get("milestones", {}).get(milestone)
            text += f"{year(m['arrival_year']['p50'], last) if m else '-':>11}"
        return f"  {i:>4}{text}"

    for spec, part in zip(s.points, result.points, strict=True):
        cells = (
            [literal(v) if isinstance(v, float) else str(v)[:12] for v in spec.values.values()]
            if s.parameters
            else [spec.label]
        )
        lines.append(row(spec.id, cells, part.summary))
    pooled = result.pooled()
    if pooled is not None:
        lines.append(row("all", [""] * len(widths), pooled))
        lines.append(f"  (all: the {count(pooled['samples'])} samples of every point pooled)")
    return "\n".join(lines)
