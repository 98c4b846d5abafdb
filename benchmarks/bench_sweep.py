"""Sweep scale-out: a sweep of P points x S samples on a local Dask cluster of W workers
against one run of P*S samples, both through the CLI with start-up (and cluster start)
included; prints the efficiency (single-run time / sweep time, target >= 0.7), the bytes
one task ships back per point (target <= 100 KB) and the load average around the runs.

Both commands run with a warm bytecode cache (a temporary PYTHONPYCACHEPREFIX, filled by a
small warm-up sweep), as an installed package has: without one, every process (the CLI and
each Dask worker) compiles pandas, dask and scalesim from source first, ~3-4 s each on
these machines. ``--cold`` measures without it.

    uv run python benchmarks/bench_sweep.py [--points 50] [--samples 100000] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "baseline.yaml"


def _timed(argv: list[str], env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "scalesim.cli", *argv], check=True, cwd=ROOT, env=env)
    return time.perf_counter() - start


def _sweep_file(folder: Path, points: int, samples: int) -> Path:
    values = ", ".join(f"{2.0 + 0.9 * i / max(points - 1, 1):.4f}" for i in range(points))
    path = folder / "bench-sweep.yaml"
    path.write_text(
        f"base: {BASE}\nmethod: grid\nparameters:\n  spending.growth: {{values: [{values}]}}\n"
        f"samples: {samples}\nseed: 1\n"
    )
    return path


def bytes_per_point(path: Path, workers: int) -> tuple[int, int]:
    """Pickled size of the first task's result, as the sweep groups points on ``workers``
    workers, per point [bytes], and that task's points."""
    from scalesim.analysis.sweep import TASKS_PER_SLOT, load_sweep
    from scalesim.analysis.sweep_merge import batches, run_batch

    first = batches(load_sweep(path).points, workers, TASKS_PER_SLOT)[0]
    return len(pickle.dumps(run_batch(first), protocol=5)) // len(first), len(first)


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--points", type=int, default=50)
    p.add_argument("--samples", type=int, default=100_000)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--cold", action="store_true", help="no bytecode cache (compile on import)")
    args = p.parse_args(argv)
    total = args.points * args.samples
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)
        if not args.cold:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(Path(tmp) / "pycache")
            warm = _sweep_file(Path(tmp), 2, 100)
            _timed(["sweep", str(warm), "--workers", str(args.workers), "--quiet"], env)
        path = _sweep_file(Path(tmp), args.points, args.samples)
        load_before = os.getloadavg()[0]
        t_run = _timed(["run", str(BASE), "--samples", str(total), "--quiet"], env)
        t_sweep = _timed(["sweep", str(path), "--workers", str(args.workers), "--quiet"], env)
        load_after = os.getloadavg()[0]
        shipped, per_task = bytes_per_point(path, args.workers)
    figures = {
        "points": args.points,
        "samples_per_point": args.samples,
        "workers": args.workers,
        "bytecode_cache": "cold" if args.cold else "warm",
        "single_run_s": round(t_run, 2),
        "sweep_s": round(t_sweep, 2),
        "single_run_samples_per_s": round(total / t_run),
        "sweep_samples_per_s": round(total / t_sweep),
        "efficiency": round(t_run / t_sweep, 3),
        "bytes_per_point": shipped,
        "points_per_task": per_task,
        "load_1min_before_after": f"{load_before:.2f} / {load_after:.2f}",
    }
    for key, value in figures.items():
        print(f"{key:28}{value}")
    return figures


if __name__ == "__main__":
    main()
