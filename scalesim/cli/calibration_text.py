"""Text tables and shared command-line options of ``scalesim calibrate`` and ``backtest``."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from scalesim.analysis.calibrate.trends import FRONTIER_CHOICES, TOP_K, Trend
from scalesim.cli._common import add_json, add_seed, count_int
from scalesim.present.text import (
    MISSING,
    column_number,
    count,
    decimal,
    interval,
    median_interval,
    share,
)
from scalesim.present.text import year as year_text

TREND_LABELS = {
    "frontier_compute_growth": "frontier compute growth",
    "cost_growth": "cost growth (final run)",
    "flop_per_usd_doubling_years": "FLOP/$ doubling time",
    "dataset_growth": "dataset-size growth",
    "training_flop_per_usd_doubling_years": "FLOP/$ of runs, doubling",
}


def add_history_options(p: argparse.ArgumentParser) -> None:
    """Options shared by calibrate and backtest."""
    p.add_argument(
        "--history",
        default=None,
        metavar="PATH",
        help="training runs: scalesim's frontier_models.csv format or an Epoch AI "
        "export (default: the shipped table)",
    )
    p.add_argument(
        "--frontier",
        default="auto",
        choices=FRONTIER_CHOICES,
        help="frontier runs: the file's flag, the top-k by compute at release, or "
        "auto (the flag when the file has one; default)",
    )
    p.add_argument(
        "--top-k",
        type=count_int,
        default=TOP_K,
        metavar="K",
        help=f"k of --frontier top-k (default {TOP_K})",
    )
    add_seed(p, "random seed", type=int)
    p.add_argument(
        "--backend",
        default="numpy",
        choices=("numpy", "cupy"),
        help="array backend of the fitting kernels",
    )
    add_json(p, "write the results as JSON")


def history_label(history) -> str:
    path = history.attrs.get("path", "")
    return Path(path).name if path else "history"


def _fmt(x: float | None, unit: str) -> str:
    """A trend's value to two decimals; a missing doubling time is infinite (no growth)."""
    if x is None:
        return decimal(math.inf) if unit == "years" else MISSING
    return decimal(x, 2)


def format_trends(trends: dict[str, Trend], header: str) -> str:
    """The growth table of ``scalesim calibrate``."""
    lines = [
        header,
        "",
        f"{'trend':<27} {'p50':>7}  {'90% interval':<15} {'n':>4}  {'period':<10} unit",
    ]
    for key, label in TREND_LABELS.items():
        t = trends[key]
        unit = "yr" if t.unit == "years" else "×/yr"
        if t.p50 is None:
            lines.append(
                f"{label:<27} {'n/a':>7}  {'':<15} {t.n:>4}  "
                f"{t.since}-{t.until}  too few points to fit"
            )
            continue
        ends = interval(t.p5, t.p95, fmt=lambda x, u=t.unit: _fmt(x, u))
        period = f"{int(t.first)}–{int(t.last)}"
        lines.append(
            f"{label:<27} {_fmt(t.p50, t.unit):>7}  {ends:<15} {t.n:>4}  {period:<10} {unit}"
        )
    lines.append("")
    lines.append("fitted on:")
    for key, label in TREND_LABELS.items():
        lines.append(f"  {label}: {trends[key].basis}")
    return "\n".join(lines)


def format_importance(result, scenario_label: str, labels) -> str:
    """The prior/posterior table of the importance-sampling calibration."""
    obs = result.observations
    effective = result.ess / result.draws
    lines = [
        f"importance sampling: {count(result.draws)} draws of the priors of {scenario_label}, "
        "hindcast with the engine's economics",
        f"  likelihood: annual maxima of frontier runs, {obs.n_flop} years of compute "
        f"(scatter {decimal(obs.sigma_flop, 2)} dex), {obs.n_cost} years of cost "
        f"(scatter {decimal(obs.sigma_cost, 2)} dex), log-normal",
        f"  effective sample size: {count(result.ess)} ({share(effective, 1)} of the draws)",
    ]
    if result.ess < 100:
        lines.append(
            "  warning: fewer than 100 effective samples; use more --draws or wider priors"
        )
    lines += ["", f"{'quantity':<36} {'prior p50 [90%]':<30} posterior p50 [90%]"]
    for key in result.prior:
        pr, po = result.prior[key], result.posterior[key]
        lines.append(f"{labels(key):<36} {_trio(pr):<30} {_trio(po)}")
    return "\n".join(lines)


def _trio(q) -> str:
    """``p50 [p5 – p95]`` of a (p5, p50, p95) triple."""
    return median_interval(q[1], q[0], q[2])


def format_backtest(result: dict, label: str) -> str:
    """The per-run table and the scores of ``scalesim backtest``."""
    g = result["growth"]
    lines = [
        f"backtest: trend fitted on {result['n_fit']} frontier runs {result['since']}–"
        f"{result['cutoff']} ({label}; frontier: {result['frontier']}), "
        f"{median_interval(g['p50'], g['p5'], g['p95'], fmt=lambda x: decimal(x, 2))} ×/yr",
        f"scored on {result['n_scored']} frontier runs {result['cutoff'] + 1}–{result['through']}",
        "",
        f"{'model':<28} {'date':<10} {'observed':>9} {'p5':>9} {'p50':>9} {'p95':>9}  50%  90%",
    ]
    for pt in result["points"]:
        cells = "".join(
            f"{column_number(pt[k]):>9} " for k in ("observed_flop", "p5", "p50", "p95")
        )
        lines.append(
            f"{pt['model'][:28]:<28} {pt['date']:<10} {cells} "
            f"{'yes' if pt['in_50'] else 'no':<4} {'yes' if pt['in_90'] else 'no'}"
        )
    n = result["n_scored"]
    in50 = sum(p["in_50"] for p in result["points"])
    in90 = sum(p["in_90"] for p in result["points"])
    lines += [
        "",
        f"{'coverage of the 50% interval':<32}{decimal(result['coverage_50'], 2)} "
        f"({in50}/{n}; nominal 0.50)",
        f"{'coverage of the 90% interval':<32}{decimal(result['coverage_90'], 2)} "
        f"({in90}/{n}; nominal 0.90)",
        f"{'median |log10 error|':<32}{decimal(result['median_abs_log10_error'], 2)} "
        f"(a factor {decimal(10 ** result['median_abs_log10_error'], 1)})",
        f"{'median log10 error (obs - p50)':<32}"
        f"{decimal(result['median_log10_error'], 2, sign=True)} "
        f"({share(result['share_below_median'])} of the runs below the predictive median)",
        f"{'CRPS, log10 FLOP':<32}{decimal(result['crps'], 3)}",
        "",
        "projection: a frontier run released mid-year [FLOP]",
        f"{'year':<6} {'p5':>9} {'p50':>9} {'p95':>9}",
    ]
    pj = result["projection"]
    for i, year in enumerate(pj["years"]):
        cells = " ".join(f"{column_number(pj[k][i]):>9}" for k in ("p5", "p50", "p95"))
        lines.append(f"{year:<6} {cells}")
    return "\n".join(lines)


def format_compare(rows: list[dict], label: str) -> str:
    """The straight line (v1) against the regime-change average at each cutoff."""
    lines = [
        f"backtest v2: frontier runs ({label}); each model fitted on runs up to the end of the "
        "cutoff year, scored on the runs after it",
        "",
        f"{'cutoff':>6}  {'fit':>4}  {'scored':>6}  {'line CRPS':>9}  {'50%':>4}  {'90%':>4}  "
        f"{'breaks CRPS':>11}  {'50%':>4}  {'90%':>4}  weights line / shift / break",
    ]
    for r in rows:
        ln, br, w = r["line"], r["breaks"], r["weights"]
        lines.append(
            f"{r['cutoff']:>6}  {count(r['n_fit']):>4}  {count(r['n_scored']):>6}  "
            f"{decimal(ln['crps'], 2):>9}  {share(ln['coverage_50']):>4}  "
            f"{share(ln['coverage_90']):>4}  {decimal(br['crps'], 2):>11}  "
            f"{share(br['coverage_50']):>4}  {share(br['coverage_90']):>4}  "
            f"{share(w['line'])} / {share(w['shift'])} / {share(w['break'])}"
        )
    lines.append("")
    lines.append(
        "CRPS in log10 FLOP (lower is better); 50% and 90%: share of the scored runs inside "
        "the central predictive intervals."
    )
    return "\n".join(lines)


def format_rolling(result: dict, label: str) -> str:
    """Rolling-origin scores by horizon, per model, with the PIT histogram."""
    origins = result["origins"]
    lines = [
        f"rolling-origin backtest ({label}): {count(len(origins))} origins every half-year "
        f"{year_text(origins[0])}–{year_text(origins[-1])}; runs scored by years ahead",
        "",
        f"{'model':<7} {'horizon':<9} {'runs':>5}  {'CRPS':>5}  {'50%':>4}  {'90%':>4}  "
        "PIT histogram (10 bins, flat is calibrated)",
    ]
    for model, scores in result["models"].items():
        for (lo, hi), s in zip(result["horizons"], scores, strict=True):
            pit = " ".join(f"{c:>3}" for c in s["pit"])
            lines.append(
                f"{model:<7} {decimal(lo, 0)}–{decimal(hi, 0)} yr{'':<3} {count(s['n']):>5}  "
                f"{decimal(s['crps'], 2):>5}  {share(s['coverage_50']):>4}  "
                f"{share(s['coverage_90']):>4}  {pit}"
            )
    return "\n".join(lines)
