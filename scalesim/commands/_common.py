"""Option parsing and output checks shared by the subcommands."""

from __future__ import annotations

import argparse
from pathlib import Path

from scalesim.errors import InputError


def int_arg(text: str) -> int:
    """An integer option that also accepts ``1e6``."""
    try:
        return int(float(text)) if "e" in text.lower() else int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None


def check_outputs(out: str | None, summary_json: str | None) -> None:
    """Fail early, before any work, when ``--out`` or ``--summary-json`` cannot be written.

    Raises
    ------
    InputError
        When a folder does not exist or ``--out`` is neither .parquet nor .csv.
    """
    for opt, path in (("--out", out), ("--summary-json", summary_json)):
        if path and not Path(path).parent.resolve().is_dir():
            raise InputError(f"{opt}: folder {str(Path(path).parent)!r} does not exist")
    if out and Path(out).suffix.lower() not in (".parquet", ".csv"):
        raise InputError(f"--out: expected a path ending in .parquet or .csv, got {out!r}")
