"""Command-line interface: ``scalesim run | validate | list | ...``.

Each subcommand lives in its own module ``scalesim.cli.<name>`` and provides
``register(subparsers)``, which adds its parser and sets ``func`` to a callable
``func(args) -> int``. Modules are discovered, so adding a command touches no other file. Bad input raises :class:`scalesim.errors.InputError`; it is printed
as one line on stderr and the exit status is 2, with no traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from scalesim._version import __version__
from scalesim.errors import InputError

#: Subcommands listed first by ``--help``; any other module in scalesim.cli follows.
ORDER = [
    "run",
    "validate",
    "list",
    "calibrate",
    "backtest",
    "cluster",
    "sensitivity",
    "sweep",
    "report",
    "app",
]
#: Modules of scalesim.cli that are not subcommands.
HELPERS = ("calibration_text",)


def command_modules() -> list[str]:
    """Names of the command modules in scalesim.cli, in help order (modules with a
    ``register`` function; helpers start with ``_`` or are listed in :data:`HELPERS`)."""
    found = {
        m.name
        for m in pkgutil.iter_modules(__path__)
        if not m.name.startswith("_") and m.name not in HELPERS
    }
    return [n for n in ORDER if n in found] + sorted(found - set(ORDER))


class _OneLineParser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line (``scalesim run: ...``), exit 2."""

    def error(self, message: str):
        command = self.prog.removeprefix("scalesim").strip()
        raise InputError(f"{command}: {message}" if command else message)


def build_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog="scalesim",
        description="Monte Carlo projections of the largest feasible AI training run.",
    )
    parser.add_argument("--version", action="version", version=f"scalesim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_OneLineParser)
    sub.required = True
    for name in command_modules():
        importlib.import_module(f"scalesim.cli.{name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version
        return int(exc.code or 0)
    except InputError as exc:
        print(f"scalesim: error: {exc} (see scalesim --help)", file=sys.stderr)
        return 2
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
