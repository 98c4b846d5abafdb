"""Calibration throughput: importance sampling with 1e6 prior draws and bootstrap fits with
B = 1e5 resamples, against the shipped history, on NumPy and (when it imports with a working
GPU) on CuPy.

Prints, per backend: the wall time of ``importance_sample`` with 1e6 draws of the baseline's
priors (drawing, hindcast, likelihood, weights, ESS, quantiles and the resample included)
and its draws per second; the wall time of the frontier-compute growth fit with 1e5
bootstrap resamples (resample counts drawn on the host, moved to the device, fitted in one
batched operation, quantiles) and its resamples per second. Each figure is the best of
``--repeat`` runs after one warm-up run; the first (cold) run is printed too.

Usage: ``uv run python benchmarks/bench_calibrate.py [--draws N] [--bootstrap B]
[--repeat R] [--json PATH]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

import scalesim  # noqa: E402
from scalesim.analysis.calibrate import (  # noqa: E402
    annual_maxima,
    importance_sample,
    load_history,
    select_frontier,
)
from scalesim.analysis.calibrate.history import decimal_year  # noqa: E402
from scalesim.analysis.calibrate.trends import fit_growth  # noqa: E402
from scalesim.engine import backend as backends  # noqa: E402
from scalesim.errors import InputError  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """(cold seconds, best warm seconds, last result)."""
    t = time.perf_counter()
    out = fn()
    cold = time.perf_counter() - t
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return cold, best, out


def sync(xp) -> None:
    """Wait for a GPU backend to finish (no-op on NumPy)."""
    if xp is not np:
        import cupy

        cupy.cuda.Device().synchronize()


def bench(name: str, xp, draws: int, bootstrap: int, repeat: int) -> dict:
    scenario = scalesim.load_scenario(BASELINE)
    history = load_history()
    mask = select_frontier(history)
    obs = annual_maxima(history, mask, since=2010, until=2024)
    front = history[mask]
    years = decimal_year(front["date"])

    def run_is():
        out = importance_sample(scenario, obs, draws=draws, xp=xp)
        sync(xp)
        return out

    def run_boot():
        out = fit_growth(
            years,
            front["training_flop"],
            since=2010,
            until=2024,
            bootstrap=bootstrap,
            seed=1,
            xp=xp,
        )
        sync(xp)
        return out

    is_cold, is_best, result = timed(run_is, repeat)
    bs_cold, bs_best, trend = timed(run_boot, repeat)
    return {
        "backend": name,
        "importance_sampling": {
            "draws": draws,
            "years": int(obs.years.size),
            "cold_s": is_cold,
            "best_s": is_best,
            "draws_per_s": draws / is_best,
            "ess": result.ess,
            "compute_growth_posterior": result.posterior["compute_growth"],
        },
        "bootstrap": {
            "resamples": bootstrap,
            "points": trend.n,
            "cold_s": bs_cold,
            "best_s": bs_best,
            "resamples_per_s": bootstrap / bs_best,
            "growth": [trend.p5, trend.p50, trend.p95],
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=float, default=1e6, help="prior draws (default 1e6)")
    parser.add_argument("--bootstrap", type=float, default=1e5, help="resamples (default 1e5)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs after the warm-up")
    parser.add_argument("--json", default=None, help="write the figures as JSON")
    args = parser.parse_args()
    draws, bootstrap = int(args.draws), int(args.bootstrap)

    backends_found = [("numpy", np)]
    try:
        backends_found.append(("cupy", backends.namespace("cupy")))
    except InputError:
        print("cupy: not available (no CuPy or no GPU); NumPy only")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores; "
        f"numpy {np.__version__}; best of {args.repeat} after a warm-up\n"
    )
    figures = []
    for name, xp in backends_found:
        fig = bench(name, xp, draws, bootstrap, args.repeat)
        figures.append(fig)
        s, b = fig["importance_sampling"], fig["bootstrap"]
        lo, mid, hi = s["compute_growth_posterior"]
        print(
            f"[{name}] importance sampling, {draws:,} prior draws x {s['years']} "
            f"observed years: {s['best_s']:.3f} s (cold {s['cold_s']:.3f} s) = "
            f"{s['draws_per_s']:.3g} draws/s; ESS {s['ess']:,.0f}; "
            f"implied compute growth {mid:.2f}x/yr [{lo:.2f}-{hi:.2f}]"
        )
        g = b["growth"]
        print(
            f"[{name}] bootstrap line fits, B={bootstrap:,} on {b['points']} frontier runs: "
            f"{b['best_s']:.3f} s (cold {b['cold_s']:.3f} s) = "
            f"{b['resamples_per_s']:.3g} resamples/s; growth {g[1]:.2f}x/yr "
            f"[{g[0]:.2f}-{g[2]:.2f}]"
        )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
