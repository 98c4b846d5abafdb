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
    "schema",
]
#: The extra that brings each optional import (``pip install 'scalesim[EXTRA]'``).
EXTRAS = {
    "streamlit": "app",
    "altair": "app",
    "vl_convert": "report",
    "papermill": "report",
    "jupytext": "report",
    "nbconvert": "report",
    "nbformat": "report",
    "nbclient": "report",
    "jupyter_client": "report",
    "jupyter_core": "report",
    "ipykernel": "report",
    "playwright": "pdf",
    "dask": "dask",
    "distributed": "dask",
    "SALib": "sensitivity",
    "pyarrow": "parquet",
    "xarray": "xarray",
    "h5netcdf": "xarray",
    "h5py": "xarray",
    "netCDF4": "xarray",
    "cupy": "gpu",
}
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


def build_parser(command: str | None = "*") -> argparse.ArgumentParser:
    """The ``scalesim`` parser.

    Parameters
    ----------
    command : str or None
        The subcommand whose module is imported and registered in full; every other one gets
        a placeholder with the help line read from its source (so ``scalesim --help`` and
        ``scalesim run ...`` import no other command's dependencies). ``"*"``: all in full.
    """
    parser = _OneLineParser(
        prog="scalesim",
        description="Monte Carlo projections of the largest feasible AI training run.",
    )
    parser.add_argument("--version", action="version", version=f"scalesim {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_OneLineParser)
    sub.required = True
    for name in command_modules():
        summary = None if command in ("*", name) else help_line(name)
        if summary is None:
            importlib.import_module(f"scalesim.cli.{name}").register(sub)
        else:
            sub.add_parser(name, help=summary)
    return parser


def help_line(name: str) -> str | None:
    """The ``help=`` of the ``add_parser(name, ...)`` call in ``scalesim/cli/<name>.py``, read
    without importing the module (None when it is not a plain string there)."""
    import ast
    from pathlib import Path

    try:
        tree = ast.parse(Path(__path__[0], f"{name}.py").read_text(encoding="utf-8"))
    except (OSError, SyntaxError, UnicodeDecodeError):
        return None
    except SystemError:  # CPython 3.11.7's "AST constructor recursion depth mismatch" (seen
        return None  # once in a test process after a RecursionError): no summary, no traceback
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add_parser"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and node.args[0].value == name
        ):
            for kw in node.keywords:
                if kw.arg == "help" and isinstance(kw.value, ast.Constant):
                    return str(kw.value.value)
    return None


def _command_of(argv: list[str]) -> str | None:
    """The subcommand named in ``argv`` (its first word that is not an option)."""
    first = next((a for a in argv if not a.startswith("-")), None)
    return first if first in command_modules() else None


class Terminated(KeyboardInterrupt):
    """Raised in the main thread on SIGTERM, so that what a Ctrl-C cleans up (temporary
    files of atomic writes, progress bars, worker pools) is cleaned up on SIGTERM too."""


#: Exit statuses on a signal: 128 + the signal's number, as a shell reports a killed process.
EXIT_INTERRUPTED = 130  # SIGINT (Ctrl-C)
EXIT_TERMINATED = 143  # SIGTERM
EXIT_BROKEN_PIPE = 141  # SIGPIPE: the reader of stdout went away (`scalesim list | head -1`)


def _on_sigterm(signum, frame):
    raise Terminated


def _install_signal_handlers():
    """SIGTERM raises :class:`Terminated`; returns the previous handler (None: unchanged)."""
    import signal

    try:
        return signal.signal(signal.SIGTERM, _on_sigterm)
    except ValueError:  # not the main thread (main() called from a library's thread)
        return None


def _restore_sigterm(previous) -> None:
    import signal

    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's last flush does not fail again."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> int:
    """The ``scalesim`` command: parse ``argv``, run the subcommand, return the exit status.

    Exit statuses: 0 success; 1 a check failed (``reproduce``, ``validate``); 2 bad input or
    usage, one line on stderr; 130 interrupted (Ctrl-C, at any moment, start-up included);
    143 terminated (SIGTERM); 141 stdout closed by its reader. On 130 and 143 no temporary
    file of an output is left behind.
    """
    previous = _install_signal_handlers()
    try:
        status = _main(argv)
        sys.stdout.flush()  # a closed pipe shows here rather than at exit
        return status
    except Terminated:
        print("scalesim: terminated", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print("scalesim: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    finally:
        _restore_sigterm(previous)


def _main(argv: list[str] | None) -> int:
    argv = sys.argv[1:] if argv is None else [*argv]  # (`list` here is scalesim.cli.list)
    command = _command_of(argv)
    try:
        parser = build_parser(command)
    except ModuleNotFoundError as exc:  # a command module that imports an extra at the top
        message = missing_extra(exc, command or "")
        if message is None:
            raise
        print(f"scalesim: error: {message}", file=sys.stderr)
        return 2
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
    except ModuleNotFoundError as exc:
        message = missing_extra(exc, args.command)
        if message is None:
            raise
        print(f"scalesim: error: {message}", file=sys.stderr)
        return 2


def missing_extra(exc: ModuleNotFoundError, command: str) -> str | None:
    """The one line for a command whose optional dependency is not installed (None when the
    missing module is not one of an extra's)."""
    top = (exc.name or "").split(".")[0]
    extra = EXTRAS.get(top)
    if extra is None:
        return None
    return (
        f"scalesim {command} needs {top!r}, which is not installed: pip install 'scalesim[{extra}]'"
    )


if __name__ == "__main__":
    sys.exit(main())
