"""Speed against the tools analysts use today: the baseline scenario written with squigglepy.

The baseline's model (economics and data, scenarios/baseline.yaml) written the two ways
forecasters write such models today, with squigglepy priors (``sq.to`` = 90% interval):

(a) vectorised: draw each prior as an array with ``sq.sample(dist, n)``, then a Python loop
    over years doing NumPy array arithmetic, as Epoch's data-stock scripts do;
(b) per sample: a model function that draws its own parameters (``~dist``) and loops over
    years in plain Python, evaluated once per sample with ``sq.sample(model, n)``.

Each computes what ``scalesim run`` summarises by default: p5, p25, p50, p75, p95 and mean
per year of the eight headline variables, the data-exhaustion year's quantiles and the share
of samples where data binds. The script times each against ``scalesim.run`` (sampling, model
and summary included) on the same number of samples, prints the speed ratios, and checks
that the medians agree: within 2%, or within 4 standard errors of sampling noise where the
spread makes 2% unreachable (the three draw different random numbers), and within 0.1 year
for the exhaustion year.

Usage: ``uv run python benchmarks/bench_peers.py [--samples 100000] [--json PATH]
[--per-sample-samples N]``. The per-sample version runs on all samples unless
``--per-sample-samples`` is smaller, in which case its time is extrapolated linearly and the
output says so.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import squigglepy as sq

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import scalesim  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"
HEADLINE = (
    "largest_run_flop",
    "effective_compute_flop",
    "budget_flop",
    "data_limited_flop",
    "human_effective_tokens",
    "data_demand_tokens",
    "spend_usd",
    "flop_per_usd",
)
PERCENTILES = (5, 25, 50, 75, 95)
START, END, BASE_YEAR = 2024, 2050, 2024
WORLD_GDP = 1.1e14  # USD, fixed in the baseline
TOKENS_PER_PARAMETER = 20.0
REUSE_DECAY = 15.4  # Muennighoff et al. 2023, R*
LOG_SHARE = (math.log(0.001), math.log(0.02))  # max_share_of_gdp: log-uniform


def priors() -> dict:
    """The baseline's priors as a squigglepy user writes them (canonical units)."""
    return {
        "economy.gdp_growth": sq.to(0.015, 0.04),
        "spending.largest_run": sq.to(5e7, 3e8),
        "spending.growth": sq.to(2.0, 2.9),
        "hardware.flop_per_usd": sq.to(4e17, 1.5e18),
        "hardware.doubling_time": sq.to(1.0, 2.5),
        "algorithms.halving_time": sq.to(5 / 12, 14 / 12),
        "data.sources.public_text.stock": sq.to(1e14, 1e15),
        "data.sources.public_text.growth": sq.to(1.03, 1.12),
        "data.epochs": sq.to(2.0, 5.0),
    }


def check_priors(scenario) -> None:
    """The squigglepy priors are the scenario's (same lognormal parameters)."""
    for key, dist in priors().items():
        prior = scenario.priors[key]
        assert prior.kind == "lognormal", key
        assert math.isclose(dist.norm_mean, prior.args[0], rel_tol=1e-9), key
        assert math.isclose(dist.norm_sd, prior.args[1], rel_tol=1e-9), key
    share = scenario.priors["spending.max_share_of_gdp"]
    assert share.kind == "loguniform" and share.args == (0.001, 0.02)
    assert scenario.priors["economy.world_gdp"].args == (WORLD_GDP,)
    assert scenario.priors["training.tokens_per_parameter"].args == (TOKENS_PER_PARAMETER,)
    assert (scenario.years.start, scenario.years.end) == (START, END)


def exhaustion_year(gap: np.ndarray, years: np.ndarray) -> np.ndarray:
    """First crossing of gap = ln(D_req / D_h) through 0, interpolated; gap (year, sample)."""
    crossed = gap >= 0
    first = np.where(crossed.any(axis=0), crossed.argmax(axis=0), len(years))
    at = np.minimum(first, len(years) - 1)
    before = np.maximum(first - 1, 0)
    cols = np.arange(gap.shape[1])
    g1, g0 = gap[at, cols], gap[before, cols]
    frac = np.where(g1 > g0, g1 / np.where(g1 > g0, g1 - g0, 1.0), 0.0)
    return np.where(first < len(years), years[at] - frac * (years[at] - years[before]), np.inf)


def summarise(values: dict[str, np.ndarray], exhaustion: np.ndarray, data_binds: np.ndarray):
    """The default summary from (year, sample) arrays: percentiles and means per year."""
    out = {}
    for name in HEADLINE:
        q = np.percentile(values[name], PERCENTILES, axis=1)
        out[name] = {f"p{p}": q[i] for i, p in enumerate(PERCENTILES)}
        out[name]["mean"] = values[name].mean(axis=1)
    finite = np.sort(exhaustion)
    out["data_exhaustion_year"] = {
        f"p{p}": float(finite[int(p / 100 * len(finite))]) for p in (10, 50, 90)
    }
    out["data_binding_share"] = data_binds.mean(axis=1)
    return out


def squigglepy_vectorised(n: int, seed: int) -> dict:
    """(a) Arrays of samples from sq.sample, then a Python loop over years with NumPy."""
    sq.set_seed(seed)
    d = {key: sq.sample(dist, n, verbose=False) for key, dist in priors().items()}
    max_share = np.exp(sq.sample(sq.uniform(*LOG_SHARE), n, verbose=False))
    reuse = 1 + REUSE_DECAY * (1 - np.exp(-(d["data.epochs"] - 1) / REUSE_DECAY))
    years = np.arange(START, END + 1)
    rows = {name: [] for name in HEADLINE}
    gaps, binds = [], []
    for year in years:
        dt = year - BASE_YEAR
        gdp = WORLD_GDP * (1 + d["economy.gdp_growth"]) ** dt
        spend = np.minimum(d["spending.largest_run"] * d["spending.growth"] ** dt, max_share * gdp)
        flop_per_usd = d["hardware.flop_per_usd"] * 2 ** (dt / d["hardware.doubling_time"])
        budget = spend * flop_per_usd
        algorithms = 2 ** (dt / d["algorithms.halving_time"])
        human = (
            d["data.sources.public_text.stock"] * d["data.sources.public_text.growth"] ** dt * reuse
        )
        demand = np.sqrt(TOKENS_PER_PARAMETER * budget / 6)
        data_limited = 6 * human**2 / TOKENS_PER_PARAMETER
        largest = np.minimum(budget, data_limited)
        for name, v in (
            ("largest_run_flop", largest),
            ("effective_compute_flop", largest * algorithms),
            ("budget_flop", budget),
            ("data_limited_flop", data_limited),
            ("human_effective_tokens", human),
            ("data_demand_tokens", demand),
            ("spend_usd", spend),
            ("flop_per_usd", flop_per_usd),
        ):
            rows[name].append(v)
        gaps.append(np.log(demand / human))
        binds.append(data_limited < budget)
    values = {name: np.array(v) for name, v in rows.items()}
    return summarise(values, exhaustion_year(np.array(gaps), years), np.array(binds))


def squigglepy_per_sample(n: int, seed: int) -> dict:
    """(b) A model function evaluated once per sample, sq.sample(model, n)."""
    sq.set_seed(seed)
    p = priors()
    share_dist = sq.uniform(*LOG_SHARE)
    n_years = END - START + 1

    def model():
        gdp_growth, s0 = ~p["economy.gdp_growth"], ~p["spending.largest_run"]
        g_s, p0 = ~p["spending.growth"], ~p["hardware.flop_per_usd"]
        t_hw, t_alg = ~p["hardware.doubling_time"], ~p["algorithms.halving_time"]
        stock, g_stock = ~p["data.sources.public_text.stock"], ~p["data.sources.public_text.growth"]
        epochs, max_share = ~p["data.epochs"], math.exp(~share_dist)
        reuse = 1 + REUSE_DECAY * (1 - math.exp(-(epochs - 1) / REUSE_DECAY))
        row = []
        for dt in range(n_years):
            spend = min(s0 * g_s**dt, max_share * WORLD_GDP * (1 + gdp_growth) ** dt)
            flop_per_usd = p0 * 2 ** (dt / t_hw)
            budget = spend * flop_per_usd
            human = stock * g_stock**dt * reuse
            demand = math.sqrt(TOKENS_PER_PARAMETER * budget / 6)
            data_limited = 6 * human * human / TOKENS_PER_PARAMETER
            largest = min(budget, data_limited)
            row += [
                largest,
                largest * 2 ** (dt / t_alg),
                budget,
                data_limited,
                human,
                demand,
                spend,
                flop_per_usd,
                math.log(demand / human),
                data_limited < budget,
            ]
        return row

    table = sq.sample(model, n, verbose=False).reshape(n, n_years, len(HEADLINE) + 2)
    values = {name: table[:, :, i].T for i, name in enumerate(HEADLINE)}
    gaps, binds = table[:, :, -2].T, table[:, :, -1].T > 0
    return summarise(values, exhaustion_year(gaps, np.arange(START, END + 1)), binds)


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """Best wall-clock and best CPU time [s] of ``repeat`` calls, and the last result. CPU
    time (all threads) is what a busy shared machine distorts least."""
    wall = cpu = math.inf
    out = None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        wall, cpu = min(wall, time.perf_counter() - t), min(cpu, time.process_time() - c)
    return wall, cpu, out


def compare_medians(ours: dict, theirs: dict, n: int) -> dict:
    """How far the medians are apart, against sampling noise.

    The implementations draw different random numbers, so their medians differ by sampling
    noise: the standard error of a difference of two medians of n samples is
    SE = 1.2533 · sd · sqrt(2 / n) in ln units (sd of ln x estimated from the IQR / 1.349).
    A median agrees when it is within 2%, or within 4 SE where the spread makes 2%
    unreachable at this n (effective compute in 2050 spreads over ~8 e-folds).

    Returns
    -------
    dict
        ``max_rel_diff`` [1], ``max_z`` (largest |Δ ln median| / SE), ``agree`` (bool) and
        ``exhaustion_diff_years`` [year].
    """
    worst_rel, worst_z, agree = 0.0, 0.0, True
    for name in HEADLINE:
        a = np.asarray(ours["variables"][name]["p50"], dtype=float)
        b = theirs[name]["p50"]
        sd = np.log(theirs[name]["p75"] / theirs[name]["p25"]) / 1.349
        se = 1.2533 * sd * math.sqrt(2 / n)
        diff = np.abs(np.log(a / b))
        agree &= bool(np.all(diff <= np.maximum(math.log(1.02), 4 * se)))
        worst_rel = max(worst_rel, float(np.max(np.abs(a / b - 1))))
        worst_z = max(worst_z, float(np.max(diff / se)))
    years = abs(ours["data_exhaustion_year"]["p50"] - theirs["data_exhaustion_year"]["p50"])
    return {
        "max_rel_diff": worst_rel,
        "max_z": worst_z,
        "exhaustion_diff_years": years,
        "agree": agree and years <= 0.1,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument(
        "--per-sample-samples",
        type=int,
        default=None,
        help="run the per-sample version on fewer samples and extrapolate",
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    parser.add_argument("--json", default=None, help="also write the figures as JSON")
    args = parser.parse_args()
    n, seed = args.samples, args.seed
    scenario = scalesim.load_scenario(BASELINE)
    check_priors(scenario)

    t_ours, c_ours, summary = timed(
        lambda: scalesim.run(scenario, samples=n, seed=seed, keep="none").summary(), args.repeat
    )
    t_ours1, c_ours1, _ = timed(
        lambda: scalesim.run(scenario, samples=n, seed=seed, keep="none", workers=1).summary(),
        args.repeat,
    )
    t_vec, c_vec, vec = timed(lambda: squigglepy_vectorised(n, seed), args.repeat)
    m = min(n, args.per_sample_samples or n)
    t_per, c_per, per = timed(lambda: squigglepy_per_sample(m, seed), 1)
    t_per_full, c_per_full = t_per * n / m, c_per * n / m
    vs_vec, vs_per = compare_medians(summary, vec, n), compare_medians(summary, per, m)
    agree = vs_vec["agree"] and vs_per["agree"]

    print(
        f"baseline, {n:,} samples x {END - START + 1} years; default summary included; "
        f"best of {args.repeat} (per-sample: 1 run)"
    )
    print(f"  scalesim.run (2 threads)            {t_ours:9.3f} s")
    print(f"  scalesim.run (1 thread)             {t_ours1:9.3f} s")
    print(
        f"  squigglepy, vectorised + year loop  {t_vec:9.3f} s   scalesim "
        f"{t_vec / t_ours:6.1f}x faster (1 thread: {t_vec / t_ours1:.1f}x)"
    )
    extrapolated = f" (ran {m:,} samples, extrapolated)" if m < n else ""
    print(
        f"  squigglepy, per-sample model        {t_per_full:9.3f} s   scalesim "
        f"{t_per_full / t_ours:6.0f}x faster{extrapolated}"
    )
    for label, c in (("vectorised", vs_vec), ("per sample", vs_per)):
        print(
            f"medians, {label} vs scalesim: within {c['max_rel_diff']:.2%} "
            f"(largest {c['max_z']:.1f} standard errors of sampling noise); exhaustion "
            f"year within {c['exhaustion_diff_years']:.3f} year"
        )
    print(
        f"CPU time (all threads): scalesim {c_ours:.3f} s (1 thread {c_ours1:.3f} s), "
        f"vectorised {c_vec:.3f} s ({c_vec / c_ours:.1f}x), per sample {c_per_full:.1f} s "
        f"({c_per_full / c_ours:.0f}x)"
    )
    print(
        f"medians {'agree' if agree else 'DISAGREE'} (2%, or 4 standard errors where the "
        "spread is wider; 0.1 year)"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "samples": n,
                    "scalesim_s": t_ours,
                    "squigglepy_vectorised_s": t_vec,
                    "squigglepy_per_sample_s": t_per_full,
                    "speedup_vs_squigglepy_vectorised": t_vec / t_ours,
                    "speedup_vs_squigglepy_per_sample": t_per_full / t_ours,
                    "medians_agree": agree,
                    "scalesim_1_thread_s": t_ours1,
                    "per_sample_samples_run": m,
                    "medians_vs_vectorised": vs_vec,
                    "medians_vs_per_sample": vs_per,
                    "cpu_s": {
                        "scalesim": c_ours,
                        "scalesim_1_thread": c_ours1,
                        "squigglepy_vectorised": c_vec,
                        "squigglepy_per_sample": c_per_full,
                    },
                },
                indent=2,
            )
            + "\n"
        )
    if not agree:
        sys.exit(1)


if __name__ == "__main__":
    main()
