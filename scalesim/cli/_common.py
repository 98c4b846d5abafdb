"""Option parsing and output checks shared by the subcommands."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from scalesim.errors import InputError


def int_arg(text: str) -> int:
    """An integer option that also accepts ``1e6``."""
    try:
        return int(float(text)) if "e" in text.lower() else int(text)
    except (ValueError, OverflowError):
        raise argparse.ArgumentTypeError(f"expected a finite integer, got {text!r}") from None


def seed_arg(text: str) -> int:
    """A seed option: an integer >= 0."""
    value = int_arg(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


def check_output(option: str, path: str | Path | None) -> None:
    """Fail early when ``path`` cannot be written: missing or read-only folder, or a folder
    where a file should go."""
    if not path:
        return
    path = Path(path)
    folder = path.parent.resolve()
    if not folder.is_dir():
        raise InputError(f"{option}: folder {str(path.parent)!r} does not exist")
    if path.is_dir():
        raise InputError(f"{option}: {str(path)!r} is a folder, not a file")
    if not os.access(folder, os.W_OK):
        raise InputError(f"{option}: folder {str(path.parent)!r} is not writable")


def check_outputs(out: str | None, summary_json: str | None) -> None:
    """Fail early, before any work, when ``--out`` or ``--summary-json`` cannot be written.

    Raises
    ------
    InputError
        When a folder does not exist or ``--out`` is neither .parquet nor .csv.
    """
    for opt, path in (("--out", out), ("--summary-json", summary_json)):
        check_output(opt, path)
    if out and Path(out).suffix.lower() not in (".parquet", ".csv", ".nc"):
        raise InputError(f"--out: expected a path ending in .parquet or .csv, got {out!r}")


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
