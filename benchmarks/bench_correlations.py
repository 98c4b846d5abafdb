"""Cost of correlated priors: the baseline with three families (lognormal spending growth,
uniform halving time, triangular doubling time) with and without a ``correlations:`` block
of three pairs, at 1e6 samples (sampling, kernels and the default summary included).

Prints, for each: the best of ``--repeat`` runs (timed in turn) and sample-years/s, their
ratio, and the time of drawing the priors alone (``priors.draw``) with and without the
copula. Timings are noisy on a shared machine: run it on a quiet one.

Usage: ``uv run python benchmarks/bench_correlations.py [--samples N] [--repeat R]
[--json PATH]``
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import scalesim  # noqa: E402
from scalesim.scenario.priors import draw  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"
FAMILIES = f"""
name: three families
extends: {BASELINE}
parameters:
  algorithms:
    halving_time: {{uniform: [5 month, 14 month]}}
  hardware:
    doubling_time: {{triangular: [1 year, 1.5 year, 2.5 year]}}
"""
CORRELATIONS = """
correlations:
  invest_hardware: {between: [spending.growth, hardware.doubling_time], rho: -0.3}
  hardware_algorithms: {between: [hardware.doubling_time, algorithms.halving_time], rho: 0.5}
  invest_algorithms: {between: [spending.growth, algorithms.halving_time], rho: -0.2}
"""


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--samples", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--json", default=None)
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        plain_path, corr_path = Path(tmp) / "plain.yaml", Path(tmp) / "corr.yaml"
        plain_path.write_text(FAMILIES)
        corr_path.write_text(FAMILIES + CORRELATIONS)
        plain, corr = scalesim.load_scenario(plain_path), scalesim.load_scenario(corr_path)
    n, years = args.samples, len(plain.year_list)
    scalesim.run(plain, samples=1000, seed=1)  # imports and caches warm
    out = {"samples": n, "years": years}
    runs = {"independent": 0.0, "correlated": 0.0}
    for _ in range(args.repeat):  # in turn, so that load drifts hit both alike
        for name, s in (("independent", plain), ("correlated", corr)):
            t = _best(lambda s=s: scalesim.run(s, samples=n, seed=1), 1)
            runs[name] = t if not runs[name] else min(runs[name], t)
    for name, t in runs.items():
        out[f"run_{name}_s"] = t
        out[f"run_{name}_sample_years_per_s"] = n * years / t
    out["run_ratio"] = runs["correlated"] / runs["independent"]
    out["draw_independent_s"] = _best(lambda: draw(plain.priors, 1, 0, n), args.repeat)
    out["draw_correlated_s"] = _best(lambda: draw(corr.priors, 1, 0, n, corr.copula), args.repeat)
    for key, value in out.items():
        print(f"{key:36s} {value:.4g}" if isinstance(value, float) else f"{key:36s} {value:,}")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
