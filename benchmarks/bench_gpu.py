"""Engine on a GPU: ``scalesim.run`` of one scenario with ``backend="cupy"`` against NumPy.

For the backend under test (``--backend``, CuPy by default) at ``--samples`` (1e6, 1e7 and
1e8) and for NumPy at ``--numpy-samples`` (1e6 and 1e7), same scenario and seed, headline
summaries, nothing kept per sample: the wall time of the run (drawing, kernels and summaries
included; best of 3 up to 1e6 samples, one run above) and its sample-years per second. Under
CuPy also the GPU memory: the bytes CuPy's memory pool held after the run (the pool keeps
the blocks it frees, so this is the run's peak) and the device's used memory then.

Then the promise that a run gives the same numbers on any backend within floating-point
tolerance, at ``--compare`` samples (1e6): the summary JSON of both backends leaf by leaf
(largest relative difference and where), and the per-sample arrays of four headline
variables, the binding codes and the exhaustion years.

A size whose time, scaled from the same backend's last size, would overrun ``--time-budget``
is skipped and recorded as skipped. The GPU runs use chunks of ``--chunk-size`` samples
(default 131,072 for CuPy): the kernels of one chunk hold ~280 bytes per sample-year on the
device (tracemalloc of the baseline's projection under NumPy), about 1 GB per worker thread
at 27 years, so 16 threads stay near 16 GB of an 80 GB H100; NumPy keeps the engine's
default. Exits 1 when a run fails or the backends differ beyond tolerance.

Usage: ``python benchmarks/bench_gpu.py [--backend cupy|numpy|array_api_strict]
[--samples N ...] [--numpy-samples N ...] [--compare N] [--chunk-size N] [--workers N]
[--memory-budget SIZE] [--time-budget S] [--scenario PATH] [--seed S] [--json PATH]``
(run by benchmarks/gpu.sh on a GPU machine; ``--backend numpy`` checks it anywhere).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import scalesim  # noqa: E402
from scalesim.engine import backend as backends  # noqa: E402
from scalesim.engine import limits  # noqa: E402
from scalesim.errors import InputError  # noqa: E402
from scalesim.scenario.priors import BLOCK  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"
#: Samples per chunk on a GPU (8 random-number blocks); see the module docstring.
GPU_CHUNK = 8 * BLOCK
#: Variables whose per-sample arrays are compared between backends.
KEEP = ("largest_run_flop", "effective_compute_flop", "budget_flop", "data_limited_flop")
#: Tolerances of the comparison. Per sample: the same float64 arithmetic, only the last bits
#: of exp/log/pow differ between libraries. Summaries: a quantile read off the log10
#: histogram moves by (bin width) / (samples in the bin) when one value falls on the other
#: side of a bin edge, ~1e-7 at 1e6 samples; binding codes flip only on exact ties.
RTOL_SAMPLE = 1e-9
RTOL_SUMMARY = 1e-6
MAX_FLIPPED_SHARE = 1e-5


def count(text: str, least: int = 1) -> int:
    """'1e6' or '1000000' -> 1000000."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (value >= least and value == int(value)):
        raise argparse.ArgumentTypeError(f"expected a whole number >= {least}, got {text!r}")
    return int(value)


def gpu_memory(xp) -> dict:
    """CuPy's pool and the device's memory [bytes]; empty for other backends."""
    if not _is_cupy(xp):
        return {}
    import cupy

    cupy.cuda.Device().synchronize()
    free, total = cupy.cuda.runtime.memGetInfo()
    return {
        "pool_peak_bytes": int(cupy.get_default_memory_pool().total_bytes()),
        "device_used_bytes": int(total - free),
        "device_total_bytes": int(total),
    }


def reset_gpu_memory(xp) -> None:
    if _is_cupy(xp):
        import cupy

        cupy.cuda.Device().synchronize()
        cupy.get_default_memory_pool().free_all_blocks()
        cupy.get_default_pinned_memory_pool().free_all_blocks()


def _is_cupy(xp) -> bool:
    return xp is not np and "cupy" in getattr(xp, "__name__", "")


def machine(xp) -> dict:
    out = {
        "platform": platform.platform(),
        "processor": platform.processor() or platform.machine(),
        "cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "scalesim": scalesim.__version__,
    }
    if _is_cupy(xp):
        import cupy

        props = cupy.cuda.runtime.getDeviceProperties(0)
        name = props["name"]
        out.update(
            cupy=cupy.__version__,
            gpu=name.decode() if isinstance(name, bytes) else str(name),
            gpu_memory_bytes=int(props["totalGlobalMem"]),
            cuda_runtime=cupy.cuda.runtime.runtimeGetVersion(),
            cuda_driver=cupy.cuda.runtime.driverGetVersion(),
        )
    return out


def timed_run(scenario, backend, xp, n, seed, options, repeat) -> dict:
    """Best of ``repeat`` runs of ``n`` samples (keep none, headline summaries)."""
    reset_gpu_memory(xp)
    best = math.inf
    for _ in range(repeat):
        t = time.perf_counter()
        scalesim.run(scenario, samples=n, seed=seed, backend=backend, keep="none", **options)
        best = min(best, time.perf_counter() - t)
    years = len(scenario.year_list)
    return {
        "backend": backend,
        "samples": n,
        "repeat": repeat,
        "seconds": best,
        "sample_years_per_s": n * years / best,
        **gpu_memory(xp),
    }


def leaves(tree, path=""):
    """(path, number) of every numeric leaf of a summary (None kept: 'not finite')."""
    if isinstance(tree, dict):
        for key, value in tree.items():
            yield from leaves(value, f"{path}.{key}" if path else str(key))
    elif isinstance(tree, (list, tuple)):
        for i, value in enumerate(tree):
            yield from leaves(value, f"{path}[{i}]")
    elif tree is None or (isinstance(tree, (int, float)) and not isinstance(tree, bool)):
        yield path, tree


def rel_diff(a, b) -> float:
    """Elementwise |a - b| / max(|a|, |b|), 0 where both are equal (inf and NaN included)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    same = (a == b) | (np.isnan(a) & np.isnan(b))
    with np.errstate(invalid="ignore", divide="ignore"):
        d = np.abs(a - b) / np.maximum(np.abs(a), np.abs(b))
    return np.where(same, 0.0, np.nan_to_num(d, nan=np.inf))


def compare(scenario, backend, n, seed, options, ref_options) -> dict:
    """NumPy against ``backend`` at ``n`` samples: summaries and per-sample arrays."""
    kw = {"samples": n, "seed": seed, "keep": list(KEEP)}
    ref = scalesim.run(scenario, backend="numpy", **kw, **ref_options)
    got = scalesim.run(scenario, backend=backend, **kw, **options)
    s_ref, s_got = dict(leaves(ref.summary())), dict(leaves(got.summary()))
    if s_ref.keys() != s_got.keys():
        missing = sorted(s_ref.keys() ^ s_got.keys())
        return {"samples": n, "error": f"the summaries differ in shape: {missing[:3]}"}
    worst_summary, where, differing = 0.0, None, 0
    for key, a in s_ref.items():
        b = s_got[key]
        if a is None or b is None:
            d = 0.0 if a is b else math.inf
        else:
            d = float(rel_diff(a, b))
        differing += d > 0
        if d > worst_summary:
            worst_summary, where = d, key
    per_sample = {}
    for name in KEEP:
        d = rel_diff(ref.variables[name], got.variables[name])
        per_sample[name] = float(d.max())
    flipped = int(np.count_nonzero(ref.binding_constraint != got.binding_constraint))
    e_ref, e_got = ref.data_exhaustion_year, got.data_exhaustion_year
    both_inf = np.isinf(e_ref) & np.isinf(e_got) & (e_ref == e_got)
    with np.errstate(invalid="ignore"):
        gaps = np.where(both_inf, 0.0, np.nan_to_num(np.abs(e_ref - e_got), nan=np.inf))
    exhaustion = float(np.max(gaps, initial=0.0))
    worst_sample = max(per_sample.values())
    share = flipped / ref.binding_constraint.size
    return {
        "samples": n,
        "summary_leaves": len(s_ref),
        "summary_leaves_differing": int(differing),
        "summary_max_rel_diff": worst_summary,
        "summary_max_rel_diff_at": where,
        "per_sample_max_rel_diff": per_sample,
        "binding_codes_differing": flipped,
        "exhaustion_year_max_abs_diff": exhaustion,
        "tolerances": {
            "summary_rtol": RTOL_SUMMARY,
            "per_sample_rtol": RTOL_SAMPLE,
            "binding_flipped_share": MAX_FLIPPED_SHARE,
        },
        "within_tolerance": bool(
            worst_summary <= RTOL_SUMMARY
            and worst_sample <= RTOL_SAMPLE
            and share <= MAX_FLIPPED_SHARE
            and exhaustion <= 1e-6
        ),
    }


def peak_rss_gib() -> float | None:
    try:
        text = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in text.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024**2
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", default="cupy", choices=["cupy", "numpy", "array_api_strict"])
    parser.add_argument("--samples", type=count, nargs="+", default=[10**6, 10**7, 10**8])
    parser.add_argument("--numpy-samples", type=count, nargs="*", default=[10**6, 10**7])
    parser.add_argument(
        "--compare", type=lambda t: count(t, 0), default=10**6, help="0: no comparison"
    )
    parser.add_argument("--chunk-size", type=count, default=None)
    parser.add_argument("--workers", type=count, default=None)
    parser.add_argument(
        "--memory-budget",
        default=None,
        help="host memory of a run (default: the engine's; half the available RAM when the "
        "chunks are larger than the engine's)",
    )
    parser.add_argument("--time-budget", type=float, default=150.0, help="seconds of runs")
    parser.add_argument("--scenario", default=str(BASELINE))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", default=None, help="also write the figures as JSON")
    args = parser.parse_args()

    try:
        xp = backends.namespace(args.backend)
    except InputError as exc:
        print(f"bench_gpu.py: {exc}", file=sys.stderr)
        return 2
    chunk = args.chunk_size or (GPU_CHUNK if _is_cupy(xp) else None)
    budget = args.memory_budget
    if budget is None and chunk is not None and chunk > BLOCK:
        budget = int(0.5 * (limits.available_bytes() or limits.DEFAULT_CAP))
    options = {"chunk_size": chunk, "workers": args.workers, "memory_budget": budget}
    ref_options = {"workers": args.workers, "memory_budget": budget}
    scenario = scalesim.load_scenario(args.scenario)
    years = len(scenario.year_list)
    report = {
        "machine": machine(xp),
        "scenario": scenario.name,
        "years": years,
        "seed": args.seed,
        "backend": args.backend,
        "chunk_size": chunk or BLOCK,
        "numpy_chunk_size": BLOCK,
        "workers": args.workers,
        "memory_budget": budget,
        "runs": [],
    }
    print(json.dumps(report["machine"]))
    failed = []

    def save():  # after every step: a run stopped from outside keeps what it measured
        report["failed"] = failed
        if args.json:
            Path(args.json).write_text(json.dumps(report, indent=2) + "\n")

    # Warm-up: imports, the goodput table, CuPy's kernel compilation (timed: the cold start).
    for backend, opts in (("numpy", ref_options), (args.backend, options)):
        t = time.perf_counter()
        scalesim.run(scenario, samples=BLOCK, seed=args.seed, backend=backend, keep="none", **opts)
        report[f"cold_{backend}_s"] = time.perf_counter() - t
        print(f"cold start {backend}: {report[f'cold_{backend}_s']:.2f} s ({BLOCK:,} samples)")
    save()

    if args.compare:
        t = time.perf_counter()
        try:
            cmp = compare(scenario, args.backend, args.compare, args.seed, options, ref_options)
        except Exception as exc:  # a finding: recorded, the timings still run
            cmp = {"samples": args.compare, "error": f"{type(exc).__name__}: {exc}"}
        cmp["seconds"] = time.perf_counter() - t
        report["comparison"] = cmp
        if cmp.get("error") or not cmp["within_tolerance"]:
            failed.append("comparison")
        print(f"numpy vs {args.backend} at {args.compare:,} samples: {json.dumps(cmp)}")
        save()

    start = time.perf_counter()
    print(
        f"{'backend':>16} {'samples':>12} {'seconds':>9} {'sample-yr/s':>12} {'GPU pool GiB':>13}"
    )
    # (role, backend, samples, options): NumPy is the reference, --backend the one under test.
    plan = [("reference", "numpy", n, ref_options) for n in args.numpy_samples]
    plan += [("test", args.backend, n, options) for n in args.samples]
    last, times = {}, {}
    for role, backend, n, opts in plan:
        save()
        left = args.time_budget - (time.perf_counter() - start)
        if role in last:
            n0, s0 = last[role]
            if s0 * n / n0 > left:
                why = f"~{s0 * n / n0:.0f} s estimated, {max(left, 0):.0f} s of the budget left"
                report["runs"].append(
                    {"role": role, "backend": backend, "samples": n, "skipped": why}
                )
                print(f"{backend:>16} {n:>12,} skipped: {why}")
                continue
        bxp = np if backend == "numpy" else xp
        try:
            run = timed_run(scenario, backend, bxp, n, args.seed, opts, 3 if n <= 10**6 else 1)
        except Exception as exc:  # e.g. out of GPU memory: recorded, the rest still runs
            error = f"{type(exc).__name__}: {exc}"
            report["runs"].append({"role": role, "backend": backend, "samples": n, "error": error})
            failed.append(f"{backend} {n:,}")
            print(f"{backend:>16} {n:>12,} failed: {error}")
            continue
        last[role] = times[role, n] = (n, run["seconds"])
        report["runs"].append({"role": role, **run})
        pool = run.get("pool_peak_bytes")
        shown = f"{pool / 1024**3:13.2f}" if pool is not None else f"{'-':>13}"
        print(
            f"{backend:>16} {n:>12,} {run['seconds']:>9.3f} {run['sample_years_per_s']:>12.3g} "
            f"{shown}"
        )

    report["speedup_over_numpy"] = {
        str(n): times["reference", n][1] / times["test", n][1]
        for n in args.samples
        if ("reference", n) in times and ("test", n) in times
    }
    if report["speedup_over_numpy"]:
        shown = ", ".join(f"{int(n):,}: x{v:.2f}" for n, v in report["speedup_over_numpy"].items())
        print(f"{args.backend} over numpy (numpy's time / {args.backend}'s): {shown}")
    report["peak_rss_gib"] = peak_rss_gib()
    save()
    if failed:
        print(f"bench_gpu.py: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
