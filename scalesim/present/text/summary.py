"""The text summaries ``scalesim run`` and ``scalesim sensitivity`` print."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scalesim.model import constraints as registry
from scalesim.model.variables import TABLE_YEARS, VARIABLES
from scalesim.present.text.numbers import (
    column_number,
    count,
    decimal,
    share,
    year,
)

if TYPE_CHECKING:  # pandas and the engine only when a table is made (an upload's reader
    import pandas as pd  # process formats numbers without them)

    from scalesim.engine.results import Results

TABLE_VARIABLES = ("largest_run_flop", "effective_compute_flop")

# --- the summary of ``scalesim run`` ----------------------------------------------------------


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
    import pandas as pd

    years = table_years(results) if years is None else years
    rows = []
    for name in TABLE_VARIABLES:
        if name not in results.histograms:
            continue
        q = results.quantiles(name)
        for y in years:
            if y not in results.years:
                continue
            i = results.years.index(y)
            rows.append(
                {
                    "variable": name,
                    "unit": VARIABLES[name][0],
                    "year": y,
                    "p50": column_number(q["p50"][i]),
                    "p5": column_number(q["p5"][i]),
                    "p95": column_number(q["p95"][i]),
                }
            )
    return pd.DataFrame(rows)


def _ceiling_variables(results: Results) -> list[str]:
    """The summarised ceiling variable of each constraint, in registry order; the compute
    ceiling is shown by ``budget_flop`` (summarised by default, unlike ``training_flop``)."""
    names = ["budget_flop" if c.name == "compute" else c.variable for c in registry.ceilings()]
    return [n for n in names if n in results.histograms]


def format_summary(results: Results) -> str:
    """The text summary of a run, as ``scalesim run`` prints it.

    Parameters
    ----------
    results : Results
        A run's results (summaries suffice; per-sample arrays are not needed).

    Returns
    -------
    str
        Lines, without a final newline: the scenario, file, samples, seed and years; the
        median and 90% interval of the largest run and effective compute [FLOP] in the table
        years; the ceilings' medians [FLOP] and the cluster's goodput where the run has them;
        the year the human text stock is fully used (p10/p50/p90 [calendar year] and the
        share never by the last year); the binding constraint's share of the samples per
        year; and the milestones, where the scenario has any.
    """
    s = results.scenario
    last = results.years[-1]
    lines = [
        f"scenario: {s.name}",
        f"file: {s.path}   samples: {count(results.samples)}   seed: {results.seed}   "
        f"years: {results.years[0]}–{last}",
        "",
        "Largest feasible training run and effective compute [FLOP] (median, 90% interval)",
    ]
    table = summary_table(results)
    header = f"  {'variable':<24}{'year':>6}{'median':>12}{'p5':>12}{'p95':>12}"
    lines.append(header)
    for row in table.itertuples():
        lines.append(f"  {row.variable:<24}{row.year:>6}{row.p50:>12}{row.p5:>12}{row.p95:>12}")
    shown = table_years(results)
    at = [results.years.index(y) for y in shown]
    if len(results.constraints) > 2:
        lines += ["", "Ceilings on the run [FLOP] (median; budget_flop is the compute ceiling)"]
        lines.append("  " + f"{'ceiling':<20}" + "".join(f"{y:>11}" for y in shown))
        for name in _ceiling_variables(results):
            p50 = results.quantiles(name)["p50"]
            lines.append(f"  {name:<20}" + "".join(f"{column_number(p50[i]):>11}" for i in at))
    if "goodput" in results.histograms:
        p50 = results.quantiles("goodput")["p50"]
        lines += [
            "",
            "Goodput of the implied cluster (median; scalesim.cluster simulation)",
            "  " + "".join(f"{y:>8}" for y in shown),
            "  " + "".join(f"{share(p50[i], 1):>8}" for i in at),
        ]
    ex = results.exhaustion_summary()
    lines += ["", "Year the human text stock is fully used (data demand reaches the stock)"]
    qs = "   ".join(f"{k}: {year(v, last)}" for k, v in ex.items() if k in ("p10", "p50", "p90"))
    lines.append(f"  {qs}   never by {last}: {share(ex['share_never'], 1)}")
    lines += ["", "Binding constraint (share of samples)"]
    lines.append("  " + f"{'constraint':<12}" + "".join(f"{y:>8}" for y in shown))
    for name, values in results.binding_shares().items():
        lines.append(f"  {name:<12}" + "".join(f"{share(values[i]):>8}" for i in at))
    if results.scenario.milestones:
        lines += ["", *milestone_lines(results)]
    return "\n".join(lines)


#: Years of the milestone table where a run has them (the bio anchors' published years).
MILESTONE_YEARS = (2025, 2030, 2036, 2040, 2050, 2075, 2100)


def milestone_years(results: Results) -> list[int]:
    """:data:`MILESTONE_YEARS` the run has, with its last year; else :func:`table_years`."""
    shown = [y for y in MILESTONE_YEARS if y in results.years]
    if not shown:
        return table_years(results)
    return shown if results.years[-1] in shown else [*shown, results.years[-1]]


def milestone_lines(results: Results) -> list[str]:
    """The milestone part of ``scalesim run``'s summary: P(reached by year) per milestone,
    its arrival-year p10/p50/p90, the share never reached and the share dropped."""
    last = results.years[-1]
    shown = milestone_years(results)
    at = [results.years.index(y) for y in shown]
    lines = ["Milestones: probability the requirement is reached by the year (share of samples)"]
    lines.append("  " + f"{'milestone':<24}" + "".join(f"{y:>8}" for y in shown))
    summary = results.milestone_summary()
    for m in results.scenario.milestones:
        p = summary[m.name]["p_reached"]
        lines.append(f"  {m.name:<24}" + "".join(f"{share(p[i]):>8}" for i in at))
    lines.append("  arrival year (fractional):")
    for m in results.scenario.milestones:
        s = summary[m.name]
        qs = "   ".join(f"{k}: {year(v, last)}" for k, v in s["arrival_year"].items())
        text = f"    {m.name:<22}{qs}   never by {last}: {share(s['share_never'], 1)}"
        if m.not_reached_by is not None:
            text += f"   dropped (reached by {m.not_reached_by}): {share(s['share_dropped'], 1)}"
        lines.append(text + f"   [{m.metric}]")
    return lines


# --- sensitivity ---------------------------------------------------------------------------


def _index(x: float, width: int) -> str:
    """A sensitivity index to 3 decimals, right-aligned (no "-0.000" for tiny estimates)."""
    return decimal(0.0 if abs(x) < 5e-4 else x, 3).rjust(width)


def format_sensitivity(result) -> str:
    """The ranked table printed by ``scalesim sensitivity`` (a SensitivityResult)."""
    unit = VARIABLES[result.output][0]
    sobol = result.method == "sobol"
    lines = [
        f"scenario: {result.scenario}",
        f"Sensitivity of log10 {result.output} [{unit}] in {result.year}; "
        f"with every parameter at its median: {decimal(result.median_log10, 2)}",
    ]
    if sobol:
        lines.append(
            f"Sobol indices from {count(result.model_runs)} model runs "
            f"({count(result.base_samples)} base samples, seed {result.seed}); ± half-width of "
            f"the {share(result.conf_level)} interval"
        )
    lines += [
        f"OAT: log10 {result.output} with one parameter at its p5 / p95, the others at "
        "their medians; swing = |at p95 - at p5| [orders of magnitude]",
        "",
    ]
    width = max(len("parameter"), *(len(p) for p in result.parameters))
    head = f"  {'rank':>4}  {'parameter':<{width}}"
    if sobol:
        head += f"{'S1':>8}{'±':>7}{'ST':>8}{'±':>7}"
    lines.append(head + f"{'at p5':>9}{'at p95':>9}{'swing':>8}")
    for i, name in enumerate(result.parameters):
        row = f"  {i + 1:>4}  {name:<{width}}"
        if sobol:
            row += "".join(
                _index(v[i], w)
                for v, w in (
                    (result.S1, 8),
                    (result.S1_conf, 7),
                    (result.ST, 8),
                    (result.ST_conf, 7),
                )
            )
        row += "".join(
            decimal(v, 2).rjust(w)
            for v, w in ((result.low_log10[i], 9), (result.high_log10[i], 9), (result.swing[i], 8))
        )
        lines.append(row)
    if sobol:
        lines += [
            "",
            f"  sum of S1: {decimal(sum(result.S1), 3)} (1 − sum: share of the variance from "
            "interactions)",
        ]
    return "\n".join(lines)
