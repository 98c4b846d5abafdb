"""Command-line interface: ``scalesim run | validate | list | ...``.

Each subcommand lives in ``scalesim.commands.<name>`` and provides
``register(subparsers)``, which adds its parser and sets ``func`` to a callable
``func(args) -> int``. Bad input raises :class:`scalesim.errors.InputError`; it is printed
as one line on stderr and the exit status is 2, with no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from scalesim import __version__
from scalesim.errors import InputError

#: Subcommand modules under scalesim.commands, in the order ``--help`` lists them.
COMMANDS = ["run", "validate", "list"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scalesim",
        description="Monte Carlo projections of the largest feasible AI training run.",
    )
    parser.add_argument("--version", action="version", version=f"scalesim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        importlib.import_module(f"scalesim.commands.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse already printed its one-line usage error
        return int(exc.code or 0)
    try:
        return int(args.func(args) or 0)
    except InputError as exc:
        print(f"scalesim: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("scalesim: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
