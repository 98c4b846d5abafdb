"""``scalesim run``: a scenario headless, its summary printed and optionally written."""

from __future__ import annotations

import sys

from scalesim.cli._common import (
    add_json,
    add_out,
    add_quiet,
    add_samples,
    add_seed,
    check_outputs,
    name_option,
)
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
    p.add_argument(
        "scenario", help="scenario YAML file, or the name of one (`scalesim list` shows them)"
    )
    add_samples(p)
    add_seed(p)
    add_out(
        p,
        help="per-sample table to write: .parquet or .csv (one row per sample and year), "
        ".nc (NetCDF, labelled sample x year; needs the xarray extra)",
    )
    add_json(p, "summary JSON to write (the summary contract)", "--summary-json")
    p.add_argument("--backend", default="numpy", choices=BACKENDS, help="array backend")
    add_quiet(p, "print neither the summary nor a progress bar")
    p.set_defaults(func=main)


def _load(ref: str):
    """The scenario ``ref`` names; a file that is not there gets the names that are known."""
    from pathlib import Path

    from scalesim.errors import InputError, did_you_mean
    from scalesim.scenario import catalog

    try:
        return load_scenario(ref)
    except InputError as exc:
        if exc.message != "file not found" or Path(ref).exists():
            raise
        known = catalog.names()
        stem = str(ref).removesuffix(".yaml").removesuffix(".yml")
        hint = did_you_mean(stem, known) or f" (known names: {', '.join(known) or 'none'})"
        raise InputError(
            f"file not found{hint}; `scalesim list` shows them", path=exc.path
        ) from None


#: Arguments of :func:`scalesim.run` named by this command's options in its errors.
#: (``keep``: --out keeps every variable's per-sample array.)
OPTIONS = {"backend": "--backend", "keep": "--out", "samples": "--samples", "seed": "--seed"}


def main(args) -> int:
    from scalesim.errors import InputError

    try:
        return _main(args)
    except InputError as exc:
        raise name_option(exc, OPTIONS) from None


def _main(args) -> int:
    check_outputs(args.out, args.json, inputs=[args.scenario], json_option="--json")
    scenario = _load(args.scenario)
    check_outputs(args.out, args.json, inputs=[scenario.path], json_option="--json")
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
    if args.json:
        results.write_summary_json(args.json)
    if not args.quiet:
        print(format_summary(results))
        for label, path in (("per-sample table", args.out), ("summary JSON", args.json)):
            if path:
                print(f"\nwrote {label}: {path}", file=sys.stdout)
    return 0
