"""Engine throughput and memory: sample-years per second on the baseline scenario.

Prints, for 1e5 and 1e6 samples x 27 years (sampling, kernels and the default summary
included): the time and sample-years/s of ``scalesim.run``, the same for a bare-NumPy
implementation of the same equations written inside this script (single pass, float64, exact
quantiles with ``np.quantile``), their ratio, and the peak memory of a 1e7-sample run
(measured in a child process: VmHWM of /proc/self/status); the CPU seconds of the runs (all
threads, best of 3) beside their wall-clock time. With ``--milestones``, also the
cost of two milestones (a fixed 1e35 FLOP requirement and a lognormal prior) on the
baseline at 1e6 samples: both runs timed in turn, best of 3 each, and their ratio.

Usage: ``uv run python benchmarks/bench_engine.py [--json PATH] [--skip-1e7]
[--samples N ...] [--skip-bare] [--milestones]``
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import scalesim  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"
#: Two milestones on the baseline: the 1e35 FLOP of scientific-papers-1e35.yaml and a
#: lognormal requirement (a bio-anchors-like prior), on effective compute.
TWO_MILESTONES = f"""
name: baseline with two milestones
extends: {BASELINE}
milestones:
  papers: {{requirement: 1e35 FLOP}}
  anchor: {{requirement: {{to: [1e28 FLOP, 1e38 FLOP], credibility: 80}}}}
"""


def bare_numpy(scenario, n: int, seed: int) -> dict:
    """Model v2 on the baseline (compute, data, physical ceilings) in plain NumPy: one
    Generator, float64, linear space; the baseline's priors written out by hand.

    Arrays are laid out (year, sample) so that the exact quantiles (``np.quantile``, a
    partition per row) run along contiguous memory: the fastest plain layout for them.
    """
    rng = np.random.default_rng(seed)

    def to(lo, hi, credibility=90):
        z = {90: 1.6448536269514722, 95: 1.959963984540054}[credibility]
        mu, s = (np.log(lo) + np.log(hi)) / 2, (np.log(hi) - np.log(lo)) / (2 * z)
        return np.exp(rng.normal(mu, s, n))[None, :]

    years = np.arange(scenario.years.start, scenario.years.end + 1, dtype=np.float64)
    dt = (years - scenario.base_year)[:, None]
    gdp = 1.1e14 * to(1.015, 1.04) ** dt
    share = np.exp(rng.uniform(np.log(0.001), np.log(0.02), n))[None, :]
    spend = np.minimum(to(5e7, 3e8) * to(2.0, 2.9) ** dt, share * gdp)
    fpu = np.minimum(to(4e17, 1.5e18) * 2.0 ** (dt / to(1.0, 2.5)), to(1e21, 6e22))
    budget = spend * fpu
    alg = np.minimum(2.0 ** (dt / to(5 / 12, 14 / 12, 95)), to(1e2, 1e5))
    effective = to(1e14, 1e15) * to(1.03, 1.12) ** dt  # an effective stock: no reuse on top
    k = 20.0
    demand = np.sqrt(k * budget / 6)
    data_limited = 6 * effective**2 / k
    largest = np.minimum(budget, data_limited)
    binding = (data_limited < budget).astype(np.int8)
    gap = np.log(demand / effective)
    crossed = gap >= 0
    first = np.where(crossed.any(axis=0), crossed.argmax(axis=0), len(years))
    before = np.maximum(first - 1, 0)
    cols = np.arange(n)
    g1, g0 = gap[np.minimum(first, len(years) - 1), cols], gap[before, cols]
    frac = np.where(g1 > g0, g1 / np.where(g1 > g0, g1 - g0, 1.0), 0.0)
    exhaustion = np.where(
        first < len(years), years[np.minimum(first, len(years) - 1)] - frac, np.inf
    )
    out = {
        "largest_run_flop": largest,
        "effective_compute_flop": largest * alg,
        "budget_flop": budget,
        "data_limited_flop": data_limited,
        "human_effective_tokens": effective,
        "data_demand_tokens": demand,
        "spend_usd": spend,
        "flop_per_usd": fpu,
    }
    summary = {
        name: np.quantile(v, [0.05, 0.25, 0.5, 0.75, 0.95], axis=1) for name, v in out.items()
    }
    summary["mean"] = {name: v.mean(axis=1) for name, v in out.items()}
    summary["binding"] = binding.mean(axis=1)
    summary["exhaustion"] = np.quantile(exhaustion, [0.1, 0.5, 0.9])
    return summary


def timed(fn, repeat=3):
    """Best wall-clock seconds of ``repeat`` calls."""
    return timed_cpu(fn, repeat)[0]


def timed_cpu(fn, repeat=3) -> tuple[float, float]:
    """Best wall-clock and best CPU seconds (all threads) of ``repeat`` calls: CPU seconds
    depend less on what else a shared machine runs."""
    best = [float("inf"), float("inf")]
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        best = [min(best[0], wall), min(best[1], cpu)]
    return best[0], best[1]


def milestone_cost(scenario, samples: int, repeat: int = 3) -> dict:
    """Seconds of the baseline with and without two milestones, best of ``repeat`` each,
    timed in turn so that a change in the machine's load hits both alike. Wall-clock and
    CPU seconds (all threads; less sensitive to other processes on a shared machine)."""
    with_two = scalesim.load_scenario_text(TWO_MILESTONES, name="two-milestones")
    for warm in (scenario, with_two):  # first-call costs (imports, caches) are not the run's
        scalesim.run(warm, samples=16_384, seed=1, keep="none")
    best = {"without": [math.inf, math.inf], "with_two": [math.inf, math.inf]}
    for _ in range(repeat):
        for key, s in (("without", scenario), ("with_two", with_two)):
            wall, cpu = time.perf_counter(), time.process_time()
            scalesim.run(s, samples=samples, seed=1, keep="none")
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            best[key] = [min(best[key][0], wall), min(best[key][1], cpu)]
    (w0, c0), (w2, c2) = best["without"], best["with_two"]
    return {
        "samples": samples,
        "without_s": w0,
        "with_two_s": w2,
        "ratio": w2 / w0,
        "without_cpu_s": c0,
        "with_two_cpu_s": c2,
        "cpu_ratio": c2 / c0,
    }


def peak_memory_child(samples: int) -> tuple[float, float]:
    # VmHWM (peak resident set of this process image) rather than ru_maxrss, which Linux
    # carries over from the parent across fork + exec and would report the parent's peak.
    code = (
        "import re, time, scalesim; t = time.perf_counter(); "
        f"scalesim.run({str(BASELINE)!r}, samples={samples}, keep='none'); "
        "hwm = re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1); "
        "print(time.perf_counter() - t, hwm)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    seconds, kb = out.stdout.split()
    return float(seconds), int(kb) / 1024**2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", default=None, help="also write the figures as JSON")
    parser.add_argument("--skip-1e7", action="store_true", help="skip the 1e7 memory run")
    parser.add_argument(
        "--samples", type=int, nargs="+", default=[100_000, 1_000_000], help="sizes timed"
    )
    parser.add_argument("--skip-bare", action="store_true", help="skip the bare-NumPy timing")
    parser.add_argument(
        "--milestones", action="store_true", help="time two milestones on the baseline at 1e6"
    )
    args = parser.parse_args()
    scenario = scalesim.load_scenario(BASELINE)
    n_years = len(scenario.year_list)
    report = {"years": n_years}
    print(f"baseline: {n_years} years; best of 3 runs; sampling and default summary included")
    print(
        f"{'samples':>10} {'scalesim s':>11} {'sample-yr/s':>12} {'cpu s':>7} {'bare s':>9} "
        f"{'sample-yr/s':>12} {'ratio':>7}"
    )
    for n in args.samples:
        t_s, c_s = timed_cpu(lambda n=n: scalesim.run(scenario, samples=n, seed=1, keep="none"))
        t_b = math.nan if args.skip_bare else timed(lambda n=n: bare_numpy(scenario, n, 1))
        rate_s, rate_b = n * n_years / t_s, n * n_years / t_b
        print(
            f"{n:>10,} {t_s:>11.3f} {rate_s:>12.3g} {c_s:>7.2f} {t_b:>9.3f} {rate_b:>12.3g} "
            f"{t_s / t_b:>7.2f}"
        )
        report[str(n)] = {
            "scalesim_s": t_s,
            "scalesim_cpu_s": c_s,
            "scalesim_sample_years_per_s": rate_s,
            "bare_numpy_s": t_b,
            "bare_numpy_sample_years_per_s": rate_b,
            "time_ratio_scalesim_over_bare": t_s / t_b,
        }
    if args.milestones:
        cost = milestone_cost(scenario, 1_000_000)
        print(
            f"two milestones at 1e6 samples: {cost['with_two_s']:.3f} s against "
            f"{cost['without_s']:.3f} s without, x{cost['ratio']:.3f} "
            f"(CPU {cost['with_two_cpu_s']:.3f} s against {cost['without_cpu_s']:.3f} s, "
            f"x{cost['cpu_ratio']:.3f})"
        )
        report["milestones"] = cost
    if not args.skip_1e7:
        seconds, gb = peak_memory_child(10_000_000)
        print(f"1e7 samples: {seconds:.1f} s, peak resident memory {gb:.2f} GB")
        report["1e7"] = {"seconds": seconds, "peak_rss_gb": gb}
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
