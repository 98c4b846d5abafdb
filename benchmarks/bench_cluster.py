"""Wall time of the training-run reliability model (scalesim.model.reliability.cluster).

Run: ``uv run python benchmarks/bench_cluster.py``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import platform
import time

from scalesim.model.reliability.cluster import TrainingRun, run_replications, simulate_run
from scalesim.model.reliability.goodput import best_checkpoint_interval, goodput_table

SIZES = [1_000, 4_000, 16_384, 50_000, 100_000, 300_000]


def timed(label: str, func, *args, **kwargs):
    """Call ``func`` once and print its wall time [s]; return its result."""
    start = time.perf_counter()
    result = func(*args, **kwargs)
    print(f"{label:64} {time.perf_counter() - start:7.3f} s")
    return result


def main() -> None:
    print(f"python {platform.python_version()} on {platform.machine()}")
    run = TrainingRun(100_000, 100)
    result = timed("100,000 accelerators x 100 days, 1 replication", simulate_run, run, 0)
    print(f"  {result.interruptions:,} interruptions, goodput {result.goodput:.3f}")
    _, summary = timed("100,000 accelerators x 100 days, 20 replications", run_replications, run)
    print(f"  goodput {summary['goodput']['mean']:.3f} ± {summary['goodput']['std']:.3f}")
    weibull = TrainingRun(100_000, 100, weibull_shape=0.7)
    timed("same, Weibull shape 0.7 (per-accelerator heap), 1 replication", simulate_run, weibull)
    best = timed(
        "best checkpoint interval, 100,000 x 100 days, 20 repl.", best_checkpoint_interval, run, 20
    )
    print(f"  best {best[0]:.2f} min (Daly's optimum {run.interval_minutes:.2f} min)")
    label = f"goodput table, {len(SIZES)} sizes up to {SIZES[-1]:,} x 100 days, 20 repl."
    table = timed(label, goodput_table, SIZES, 100)
    print(table.to_string(index=False, float_format=lambda x: f"{x:.3f}"))


if __name__ == "__main__":
    main()
