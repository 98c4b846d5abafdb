"""Sweep scale-out: a sweep of P points x S samples on a local Dask cluster of W workers
against one run of P*S samples, both through the CLI with start-up (and cluster start)
included; prints the efficiency (sweep throughput / single-run throughput, target >= 0.7)
and the bytes one point ships back to the client.

    uv run python benchmarks/bench_sweep.py [--points 50] [--samples 100000] [--workers 2]
"""

from __future__ import annotations

import argparse
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BASE = ROOT / "scenarios" / "baseline.yaml"


def _timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "scalesim.cli", *argv], check=True, cwd=ROOT)
    return time.perf_counter() - start


def _sweep_file(folder: Path, points: int, samples: int) -> Path:
    values = ", ".join(f"{2.0 + 0.9 * i / max(points - 1, 1):.4f}" for i in range(points))
    path = folder / "bench-sweep.yaml"
    path.write_text(
        f"base: {BASE}\nmethod: grid\nparameters:\n  spending.growth: {{values: [{values}]}}\n"
        f"samples: {samples}\nseed: 1\n"
    )
    return path


def bytes_per_point(path: Path) -> int:
    """Pickled size of one point's result, as a Dask task returns it [bytes]."""
    from scalesim.analysis.sweep import load_sweep, run_point

    sweep = load_sweep(path)
    return len(pickle.dumps(run_point(sweep.points[0]), protocol=5))


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--points", type=int, default=50)
    p.add_argument("--samples", type=int, default=100_000)
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args(argv)
    total = args.points * args.samples
    with tempfile.TemporaryDirectory() as tmp:
        path = _sweep_file(Path(tmp), args.points, args.samples)
        t_run = _timed(["run", str(BASE), "--samples", str(total), "--quiet"])
        t_sweep = _timed(["sweep", str(path), "--workers", str(args.workers), "--quiet"])
        shipped = bytes_per_point(path)
    figures = {
        "points": args.points,
        "samples_per_point": args.samples,
        "workers": args.workers,
        "single_run_s": round(t_run, 2),
        "sweep_s": round(t_sweep, 2),
        "single_run_samples_per_s": round(total / t_run),
        "sweep_samples_per_s": round(total / t_sweep),
        "efficiency": round(t_run / t_sweep, 3),
        "bytes_per_point": shipped,
    }
    for key, value in figures.items():
        print(f"{key:28}{value}")
    return figures


if __name__ == "__main__":
    main()
