"""The readable summary table printed by ``scalesim run`` (and shown in notebooks)."""

from __future__ import annotations

import pandas as pd

from scalesim.engine.results import Results
from scalesim.model.variables import TABLE_YEARS, VARIABLES

TABLE_VARIABLES = ("largest_run_flop", "effective_compute_flop")


def _fmt(x: float | None) -> str:
    if x is None or x != x:
        return "–"
    if x == float("inf"):
        return "inf"
    return f"{x:.2e}"


def table_years(results: Results) -> list[int]:
    """2025, 2030, 2035, 2040 and 2050 where the run has them; else up to five of its own
    years, evenly spread (a short or shifted scenario still gets a table)."""
    shown = [y for y in TABLE_YEARS if y in results.years]
    if shown:
        return shown
    ys = results.years
    return sorted({ys[round(i * (len(ys) - 1) / 4)] for i in range(5)})


def summary_table(results: Results, years=None) -> pd.DataFrame:
    """Median and 90% interval of the headline variables in the table years."""
    years = table_years(results) if years is None else years
    rows = []
    for name in TABLE_VARIABLES:
        if name not in results.histograms:
            continue
        q = results.quantiles(name)
        for year in years:
            if year not in results.years:
                continue
            i = results.years.index(year)
            rows.append(
                {
                    "variable": name,
                    "unit": VARIABLES[name][0],
                    "year": year,
                    "p50": _fmt(q["p50"][i]),
                    "p5": _fmt(q["p5"][i]),
                    "p95": _fmt(q["p95"][i]),
                }
            )
    return pd.DataFrame(rows)


def format_summary(results: Results) -> str:
    """The whole text summary: header, quantile table, exhaustion year, binding shares."""
    s = results.scenario
    lines = [
        f"scenario: {s.name}",
        f"file: {s.path}   samples: {results.samples:,}   seed: {results.seed}   "
        f"years: {results.years[0]}–{results.years[-1]}",
        "",
        "Largest feasible training run and effective compute [FLOP] (median, 90% interval)",
    ]
    table = summary_table(results)
    header = f"  {'variable':<24}{'year':>6}{'median':>12}{'p5':>12}{'p95':>12}"
    lines.append(header)
    for row in table.itertuples():
        lines.append(f"  {row.variable:<24}{row.year:>6}{row.p50:>12}{row.p5:>12}{row.p95:>12}")
    ceilings = [
        n
        for n in ("budget_flop", "data_limited_flop", "power_flop", "chips_flop", "latency_flop")
        if n in results.histograms
    ]
    if len(results.constraints) > 2:
        shown = table_years(results)
        lines += ["", "Ceilings on the run [FLOP] (median; budget_flop is the compute ceiling)"]
        lines.append("  " + f"{'ceiling':<20}" + "".join(f"{y:>11}" for y in shown))
        for name in ceilings:
            p50 = results.quantiles(name)["p50"]
            lines.append(
                f"  {name:<20}" + "".join(f"{_fmt(p50[results.years.index(y)]):>11}" for y in shown)
            )
    if "goodput" in results.histograms:
        p50 = results.quantiles("goodput")["p50"]
        shown = table_years(results)
        lines += [
            "",
            "Goodput of the implied cluster (median; scalesim.cluster simulation)",
            "  " + "".join(f"{y:>8}" for y in shown),
            "  " + "".join(f"{p50[results.years.index(y)]:>8.1%}" for y in shown),
        ]
    ex = results.exhaustion_summary()
    lines += ["", "Year the human text stock is fully used (data demand reaches the stock)"]
    qs = "   ".join(
        f"{k}: {'after ' + str(results.years[-1]) if v is None else f'{v:.1f}'}"
        for k, v in ex.items()
        if k in ("p10", "p50", "p90")
    )
    lines.append(f"  {qs}   never by {results.years[-1]}: {ex['share_never']:.1%}")
    lines += ["", "Binding constraint (share of samples)"]
    shares = results.binding_shares()
    shown = table_years(results)
    lines.append("  " + f"{'constraint':<12}" + "".join(f"{y:>8}" for y in shown))
    for name, values in shares.items():
        cells = "".join(f"{values[results.years.index(y)]:>8.0%}" for y in shown)
        lines.append(f"  {name:<12}{cells}")
    return "\n".join(lines)
