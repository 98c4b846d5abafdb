"""``scalesim explain``: which assumptions make an event happen (scenario discovery)."""

from __future__ import annotations

import argparse

from scalesim.analysis.explain import explain
from scalesim.cli._common import (
    add_json,
    add_quiet,
    add_samples,
    add_seed,
    check_output,
    name_option,
)
from scalesim.engine.io import write_json
from scalesim.engine.progress import progress_bar
from scalesim.errors import InputError
from scalesim.model import constraints as registry
from scalesim.present.explain import format_explain
from scalesim.scenario.loader import load_scenario

EXAMPLES = """examples:
  scalesim explain scenarios/baseline.yaml --when "binding_constraint[2030] == data" -n 1e5
  scalesim explain scenarios/baseline.yaml --when "largest_run_flop[2032] >= 1e30"
  scalesim explain scenarios/baseline.yaml --when "data_exhaustion_year < 2029 and not \\
      spend_usd[2028] > 1e10"

EXPR: comparisons VARIABLE[YEAR] OP NUMBER (OP: < <= > >= == !=; canonical units: FLOP,
USD, token), binding_constraint[YEAR] == CEILING (a name in the ceiling registry:
{ceilings}), data_exhaustion_year OP YEAR, joined with and, or, not and parentheses."""
DESCRIPTION = """Run the scenario and report how likely an event over its outputs is
(with a one-sided 95% bound, about 3/n, when no sample has it); each uncertain prior's
p10/p50/p90 given the event beside its unconditional ones, ranked by the
Kolmogorov-Smirnov distance between the prior with and without the event; and PRIM boxes
(ranges of 1-3 priors, more priors only where they add density beyond Monte Carlo noise)
with their coverage and density. Memory is estimated before the run starts and checked
against SCALESIM_MEMORY_BUDGET (default: 70% of the available RAM, at most 4 GiB)."""


def register(sub) -> None:
    p = sub.add_parser(
        "explain",
        help="which assumptions make an event happen: its probability, shifted priors, PRIM boxes",
        description=DESCRIPTION,
        epilog=EXAMPLES.format(ceilings=", ".join(c.name for c in registry.ceilings())),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("scenario", help="scenario YAML file")
    p.add_argument(
        "--when",
        required=True,
        metavar="EXPR",
        help='the event, e.g. "binding_constraint[2030] == data" (see below)',
    )
    add_samples(p, "Monte Carlo samples (default: the scenario's)")
    add_seed(p)
    add_json(p, "write the result as JSON (finite numbers only)")
    add_quiet(p, "print no text and no progress bar")
    p.set_defaults(func=main)


#: Arguments of :func:`~scalesim.analysis.explain.explain` named by this command's options.
OPTIONS = {"when": "--when", "samples": "--samples", "seed": "--seed"}


def main(args) -> int:
    try:
        return _main(args)
    except InputError as exc:
        raise name_option(exc, OPTIONS) from None


def _main(args) -> int:
    check_output("--json", args.json, (args.scenario,))
    scenario = load_scenario(args.scenario)
    total = args.samples or scenario.samples
    with progress_bar("explain: samples", total, quiet=args.quiet) as bar:
        result = explain(
            scenario, args.when, samples=args.samples, seed=args.seed, on_chunk=bar.advance
        )
    if args.json:
        write_json(args.json, result.to_dict())
    if not args.quiet:
        print(format_explain(result))
        if args.json:
            print(f"\nwrote explain JSON: {args.json}")
    return 0
