"""Text and table of ``scalesim backtest --engine`` (the engine backtested at each cutoff)."""

from __future__ import annotations

import pandas as pd

from scalesim.present.text import count, decimal, median_interval, share

#: The two sets of runs scored, as the table names them.
SETS = {"annual_max": "largest run of each year", "runs": "all frontier runs"}


def format_engine(rows: list[dict], label: str, compare: list[dict] | None = None) -> str:
    """One line per cutoff: the calibration (years of data, ESS, implied compute growth) and
    the scores on the largest run of each year and on every frontier run after the cutoff;
    with ``compare`` (``backtest --compare``'s rows) the line's and the breaks model's CRPS on
    the same frontier runs beside the engine's."""
    by_cutoff = {r["cutoff"]: r for r in compare or []}
    head = (
        f"{'cutoff':>6}  {'years':>5}  {'ESS':>6}  {'compute growth x/yr':<20}  "
        f"{'max n':>5}  {'CRPS':>5}  {'50%':>4}  {'90%':>4}  {'bias':>5}  "
        f"{'runs n':>6}  {'CRPS':>5}  {'50%':>4}  {'90%':>4}  {'bias':>5}"
    )
    if compare:
        head += f"  {'line':>5}  {'breaks':>6}"
    lines = [
        f"backtest --engine: frontier runs ({label}); at each cutoff the engine starts at the "
        "cutoff year with vague spending and hardware priors calibrated on the runs up to it",
        "",
        head,
    ]
    for r in rows:
        g = r["posterior"]["compute_growth"]
        mx, rn = r["annual_max"], r["runs"]
        bias = r["median_log10_error"]
        line = (
            f"{r['cutoff']:>6}  {count(r['n_fit_years']):>5}  {count(r['ess']):>6}  "
            f"{median_interval(g['p50'], g['p5'], g['p95'], digits=2):<20}  "
            f"{count(mx['n']):>5}  {decimal(mx['crps'], 2):>5}  {share(mx['coverage_50']):>4}  "
            f"{share(mx['coverage_90']):>4}  {decimal(bias['annual_max'], 2, sign=True):>5}  "
            f"{count(rn['n']):>6}  {decimal(rn['crps'], 2):>5}  {share(rn['coverage_50']):>4}  "
            f"{share(rn['coverage_90']):>4}  {decimal(bias['runs'], 2, sign=True):>5}"
        )
        c = by_cutoff.get(r["cutoff"])
        if compare:
            line += (
                f"  {decimal(c['line']['crps'], 2) if c else '–':>5}  "
                f"{decimal(c['breaks']['crps'], 2) if c else '–':>6}"
            )
        lines.append(line)
    lines += [
        "",
        "years: years with frontier runs in the calibration; ESS: effective sample size of the "
        "importance weights; compute growth: the calibrated engine's p50 [p5 – p95].",
        "max: the largest frontier run of each year after the cutoff (what the engine "
        "projects); runs: every frontier run after it. CRPS in log10 FLOP (lower is better); "
        "50% and 90%: share inside the central predictive intervals; bias: median of "
        "observed − predictive median (log10 FLOP; negative: the engine projected too much).",
    ]
    if compare:
        lines.append("line, breaks: backtest --compare's CRPS on the same frontier runs.")
    return "\n".join(lines)


def engine_frame(rows: list[dict]) -> pd.DataFrame:
    """The scores as a table: one row per cutoff and set of runs scored."""
    records = []
    for r in rows:
        for key, name in SETS.items():
            s = r[key]
            records.append(
                {
                    "cutoff": r["cutoff"],
                    "through": r["through"],
                    "scored": name,
                    "n": s["n"],
                    "crps_log10_flop": s["crps"],
                    "coverage_50": s["coverage_50"],
                    "coverage_90": s["coverage_90"],
                    "median_log10_error": r["median_log10_error"][key],
                    "n_fit_years": r["n_fit_years"],
                    "ess": r["ess"],
                    "sigma_log10_flop": r["sigma_log10_flop"],
                }
            )
    return pd.DataFrame.from_records(records)
