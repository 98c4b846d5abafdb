"""Start-up time: ``import scalesim`` and ``scalesim --help``, each in separate processes.

Run: ``uv run python benchmarks/bench_startup.py``. Prints the median of 5 fresh processes
(targets from ARCHITECTURE.md: ``import scalesim`` < 0.5 s, ``scalesim --help`` < 0.3 s);
asserts nothing.
"""

from __future__ import annotations

import platform
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPEATS = 5
TARGETS = {"import scalesim": 0.5, "scalesim --help": 0.3}


def commands() -> dict[str, list[str]]:
    script = shutil.which("scalesim") or str(Path(sys.executable).with_name("scalesim"))
    return {
        "import scalesim": [sys.executable, "-c", "import scalesim"],
        "scalesim --help": [script, "--help"],
    }


def wall_times(cmd: list[str], repeats: int = REPEATS) -> list[float]:
    """Wall time [s] of ``repeats`` separate runs of ``cmd`` (after one warm-up run that
    fills the OS file cache)."""
    subprocess.run(cmd, check=True, capture_output=True)
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    print(f"python {platform.python_version()} on {platform.machine()}, median of {REPEATS}")
    for label, cmd in commands().items():
        times = wall_times(cmd)
        median = statistics.median(times)
        verdict = "ok" if median < TARGETS[label] else "over target"
        print(
            f"{label:18} median {median:6.3f} s  (min {min(times):.3f}, max {max(times):.3f}; "
            f"target < {TARGETS[label]} s: {verdict})"
        )


if __name__ == "__main__":
    main()
