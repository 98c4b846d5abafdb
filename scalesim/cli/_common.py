"""Option parsing and output checks shared by the subcommands.

The conventions every command follows (``scalesim COMMAND --help`` shows them):

- ``-o/--out PATH``: a table (``.parquet``, ``.csv``; ``run`` also ``.nc``) — :func:`add_out`;
- ``--json PATH``: the command's summary as JSON — :func:`add_json`;
- ``-q/--quiet``: no summary on stdout and no progress bar — :func:`add_quiet`;
- ``-n/--samples N`` and ``-s/--seed S`` — :func:`add_samples`, :func:`add_seed`.

An output path is checked before any work (:func:`check_output`): its folder must exist and
be writable, it must not be a folder, a device, a FIFO or a symbolic link, and it must not be
one of the command's input files.
"""

from __future__ import annotations

import argparse
import math
import os
from pathlib import Path

from scalesim.engine.io import _same_file, refuse_input, refuse_special
from scalesim.errors import InputError
from scalesim.scenario.safe_yaml import check_path

#: Largest seed and sample count accepted (as in a scenario file).
MAX_SEED = 2**63 - 1
MAX_SAMPLES = 100_000_000


def int_arg(text: str) -> int:
    """An integer option that also accepts ``1e6``."""
    shown = text if len(text) <= 40 else text[:30] + "..."
    try:
        if len(text) > 40:
            raise ValueError
        value = float(text) if "e" in text.lower() else int(text)
        if isinstance(value, float):
            if not value.is_integer():
                raise ValueError
            value = int(value)
        return value
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"expected a finite integer, got {shown!r}") from None


def seed_arg(text: str) -> int:
    """A seed option: an integer from 0 to 2**63 - 1 (what a scenario's ``seed:`` takes)."""
    value = int_arg(text)
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"expected an integer from 0 to 2**63 - 1, got {text!r}")
    return value


def check_seed(seed: int | None) -> None:
    """Refuse a ``--seed`` outside 0 to 2**63 - 1 (for options parsed as plain ints)."""
    if seed is not None and not 0 <= seed <= MAX_SEED:
        raise InputError(f"--seed: expected an integer from 0 to 2**63 - 1, got {seed}")


def samples_arg(text: str) -> int:
    """A sample count: a whole number from 1 to 100,000,000 (``1e6`` allowed)."""
    value = count_int(text)
    if value > MAX_SAMPLES:
        raise argparse.ArgumentTypeError(f"expected at most {MAX_SAMPLES:,} samples, got {text!r}")
    return value


def bounded_float(lo: float, hi: float, what: str = "a number"):
    """argparse type: a finite float in [lo, hi]."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not math.isfinite(value) or not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"expected {what} from {lo:g} to {hi:g}, got {text!r}")
        return value

    return parse


def bounded_int(lo: int, hi: int):
    """argparse type: a whole number in [lo, hi] (``1e4`` allowed)."""

    def parse(text: str) -> int:
        try:
            value = int_arg(text)
        except argparse.ArgumentTypeError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(
                f"expected a whole number from {lo:,} to {hi:,}, got {text!r}"
            )
        return value

    return parse


def add_samples(parser, help: str = "number of samples (default: the scenario's)", **kw):
    """Add ``-n/--samples N`` (a whole number from 1 to 100,000,000; ``1e6`` allowed)."""
    kw.setdefault("type", samples_arg)
    kw.setdefault("default", None)
    return parser.add_argument("-n", "--samples", metavar="N", help=help, **kw)


def add_seed(parser, help: str = "random seed (default: the scenario's)", **kw):
    """Add ``-s/--seed S`` (an integer from 0 to 2**63 - 1)."""
    kw.setdefault("type", seed_arg)
    kw.setdefault("default", None)
    return parser.add_argument("-s", "--seed", metavar="S", help=help, **kw)


def add_out(parser, help: str = "table to write (.parquet or .csv)", **kw):
    """Add ``-o/--out PATH``: the table a command writes."""
    kw.setdefault("default", None)
    return parser.add_argument("-o", "--out", metavar="PATH", help=help, **kw)


def add_json(parser, help: str = "summary JSON to write", *aliases: str, **kw):
    """Add ``--json PATH`` (``args.json``): the command's summary as JSON. ``aliases`` are
    older spellings (``--summary-json``) still accepted, not shown in ``--help``."""
    kw.setdefault("default", None)
    action = parser.add_argument("--json", dest="json", metavar="PATH", help=help, **kw)
    if aliases:
        parser.add_argument(*aliases, dest="json", default=None, help=argparse.SUPPRESS)
    return action


def add_quiet(parser, help: str = "print no summary and no progress bar", **kw):
    """Add ``-q/--quiet`` (``args.quiet``)."""
    return parser.add_argument("-q", "--quiet", action="store_true", help=help, **kw)


def check_output(
    option: str, path: str | Path | None, inputs: tuple[str | Path, ...] | list = ()
) -> None:
    """Fail early when ``path`` cannot be written: missing or read-only folder, a folder
    where a file should go, a device, FIFO or symbolic link, or one of ``inputs`` (the
    command's input files, which an output must never overwrite)."""
    if path is None:
        return
    if not str(path).strip():
        raise InputError(f"{option}: an empty path; give a file name")
    try:
        check_path(path)
    except InputError as exc:
        raise InputError(f"{option}: {exc.message}") from None
    path = Path(path)
    refuse_special(path, option)
    folder = path.parent.resolve()
    if not folder.is_dir():
        raise InputError(f"{option}: folder {str(path.parent)!r} does not exist")
    if path.is_dir():
        raise InputError(f"{option}: {str(path)!r} is a folder, not a file")
    if not os.access(folder, os.W_OK):
        raise InputError(f"{option}: folder {str(path.parent)!r} is not writable")
    refuse_input(path, inputs, option)


def check_outputs(
    out: str | None,
    summary_json: str | None,
    inputs: tuple[str | Path, ...] | list = (),
    json_option: str = "--summary-json",
    suffixes: tuple[str, ...] = (".parquet", ".csv", ".nc"),
) -> None:
    """Fail early, before any work, when ``--out`` or the summary JSON cannot be written.

    Parameters
    ----------
    out, summary_json : str or None
        The table and summary paths given (None: not asked for).
    inputs : sequence of str or Path
        The command's input files; neither output may be one of them.
    json_option : str
        The summary option's name as the user wrote it (for the message).
    suffixes : tuple of str
        The table formats the command writes.

    Raises
    ------
    InputError
        When a folder does not exist, a path is an input, or ``--out`` has another suffix.
    """
    for opt, path in (("--out", out), (json_option, summary_json)):
        check_output(opt, path, inputs)
    if out and Path(out).suffix.lower() not in suffixes:
        shown = (
            ", ".join(suffixes[:-1]) + f" or {suffixes[-1]}" if len(suffixes) > 1 else suffixes[0]
        )
        raise InputError(f"--out: expected a path ending in {shown}, got {out!r}")
    if out and summary_json and _same_file(out, summary_json):
        raise InputError(f"--out and {json_option} are the same file: {str(out)!r}")


def year_int(text: str) -> int:
    """argparse type: a calendar year (1900-2300)."""
    try:
        year = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a year such as 2020, got {text!r}") from None
    if not 1900 <= year <= 2300:
        raise argparse.ArgumentTypeError(f"expected a year between 1900 and 2300, got {year}")
    return year


def count_int(text: str) -> int:
    """argparse type: a whole number >= 1 (``1e5`` allowed)."""
    try:
        value = int_arg(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1 or ("e" in text.lower() and float(text) != value):
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {text!r}")
    return value


def name_option(exc: InputError, options: dict[str, str]) -> InputError:
    """``exc`` naming a command's option where it names an argument of the library.

    Parameters
    ----------
    exc : InputError
        An error of a library call; its ``key`` is the argument's name (``samples``).
    options : dict of str to str
        The command's options by argument name (``{"samples": "--samples"}``).

    Returns
    -------
    InputError
        The same message keyed by the option; ``exc`` itself when it is an error of a file
        (it has a path) or names no argument of ``options``.
    """
    option = options.get(exc.key) if exc.path is None else None
    return InputError(exc.message, key=option) if option else exc
