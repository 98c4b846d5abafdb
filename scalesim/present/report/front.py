"""The report's first two pages: title, executive summary and key figures, in words.

Every figure comes from the summary dicts (:meth:`scalesim.Results.summary`) through
:func:`scalesim.present.report.page.figure`, formatted in human units by
:mod:`scalesim.present.text`; nothing is written here that the numbers do not say. No key
paths, no symbols: quantities are named in words.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from scalesim._version import __version__
from scalesim.present import text
from scalesim.present.report import limits, milestones
from scalesim.present.report.page import (
    Html,
    figure,
    join_html,
    keep_ranges,
    scenario_name,
    table,
)

#: Years of the key-figures table where the run has them [calendar year].
KEY_YEARS = (2030, 2040, 2050)
#: Rows of the key-figures table: variable, name in words, unit.
KEY_ROWS = (
    ("largest_run_flop", "Largest feasible training run", "FLOP"),
    ("effective_compute_flop", "Effective compute (with algorithmic progress)", "FLOP"),
    ("capability_equivalent_flop", "Capability-equivalent compute (with post-training)", "FLOP"),
    ("spend_usd", "Cost of the largest run", "USD"),
    ("flop_per_usd", "Compute per dollar", "FLOP/USD"),
    ("human_effective_tokens", "Public human text available (with reuse)", "token"),
    ("data_demand_tokens", "Text a compute-optimal run would need", "token"),
)
#: Shares of samples below which "not used up by the last year" goes unsaid [share].
NEGLIGIBLE = 0.01
#: Units whose first end of a range may leave the unit to the second (``from 2 to 3 FLOP``).
SHARED_UNITS = ("FLOP", "token", "FLOP/USD")
#: How a constraint is named in a sentence where its registry label reads badly.
PROSE = {"compute": "money"}


def constraint_words(name: str) -> str:
    """A constraint's name in a sentence: ``money`` (the compute budget), ``data``."""
    return PROSE.get(name, text.constraint_label(name).lower())


def _cap(words: str) -> str:
    return words[:1].upper() + words[1:]


def default_title(names: Sequence[str]) -> str:
    """Report title from the scenario names."""
    return f"The largest feasible AI training run: {names[0]}"


def span(summary: dict, i: int, var: str, q: str, year: int, unit: str, **kw) -> str:
    """The checked figure of quantile ``q`` of variable ``var`` in ``year``."""
    return figure(summary, i, f"variables.{var}.{q}[{year}]", unit, **kw)


def span_range(summary: dict, i: int, var: str, year: int, unit: str, lo="p5", hi="p95") -> str:
    """``from A to B``: both ends checked figures, the unit written once where it can be."""
    a = figure(summary, i, f"variables.{var}.{lo}[{year}]", unit, bare=unit in SHARED_UNITS)
    return f"from {a} to {figure(summary, i, f'variables.{var}.{hi}[{year}]', unit)}"


# --- title -----------------------------------------------------------------------------------


def title_block(title: str, date: str, names: Sequence[str]) -> Html:
    """Title, date and the scenarios covered (names only; files and hashes are in the
    appendix)."""
    main = scenario_name(names[0])
    others = [scenario_name(n) for n in names[1:]]
    covered = f"Main scenario: {main}"
    if others:
        covered += f"; compared with {text.join(others)}"
    return Html(
        f'<header class="report-header"><h1>{keep_ranges(title)}</h1>'
        f'<p class="meta">Policy report · <span class="date">{html.escape(date)}</span> · '
        f'<span class="version">scalesim {__version__}</span></p>'
        f'<p class="meta">{covered}.</p></header>'
    )


# --- executive summary -----------------------------------------------------------------------


def binding_phases(summary: dict) -> list[tuple[int, str]]:
    """``(year, constraint)`` for the first year and each year whose most frequent binding
    constraint (the first in registry order on ties) differs from the year before."""
    shares = summary["binding_constraint_share"]
    names = text.constraint_order(shares)
    phases: list[tuple[int, str]] = []
    for i, year in enumerate(summary["years"]):
        top = max(names, key=lambda c: (shares[c][i], -names.index(c)))
        if not phases or phases[-1][1] != top:
            phases.append((int(year), top))
    return phases


def _run_sentence(s: dict, y: int, later: int | None) -> str:
    out = (
        f"The largest training run feasible in {y} is about "
        f"{span(s, 0, 'largest_run_flop', 'p50', y, 'FLOP')} (median; 90% interval "
        f"{span_range(s, 0, 'largest_run_flop', y, 'FLOP')})"
    )
    if "spend_usd" in s["variables"]:
        out += f" and would cost about {span(s, 0, 'spend_usd', 'p50', y, 'USD')}"
    out += "."
    if later is not None:
        out += (
            f" By {later} it is about {span(s, 0, 'largest_run_flop', 'p50', later, 'FLOP')} "
            f"({span_range(s, 0, 'largest_run_flop', later, 'FLOP')})."
        )
    if "effective_compute_flop" in s["variables"]:
        base = s["years"][0]
        out += (
            f" With the algorithmic progress since {base}, the {y} run is worth about "
            f"{span(s, 0, 'effective_compute_flop', 'p50', y, 'FLOP')} of compute with the "
            f"algorithms of {base}."
        )
    return out


def _binding_sentence(s: dict, y: int) -> str:
    shares = s["binding_constraint_share"]
    i = s["years"].index(y)
    ranked = sorted(text.constraint_order(shares), key=lambda c: -shares[c][i])
    ranked = [c for c in ranked if shares[c][i] > 0] or ranked[:1]
    pct = lambda c, yr: figure(s, 0, f"binding_constraint_share.{c}[{yr}]", "", fmt="percent")  # noqa: E731
    out = (
        f"In {y} the binding constraint is {html.escape(constraint_words(ranked[0]))} in "
        f"{pct(ranked[0], y)} of samples"
    )
    if len(ranked) > 1:
        rest = [f"{html.escape(constraint_words(c))} in {pct(c, y)}" for c in ranked[1:3]]
        out += f" ({text.join(rest)})"
    out += "."
    phases = binding_phases(s)
    if len(phases) == 1:
        out += (
            f" {_cap(html.escape(constraint_words(phases[0][1])))} binds most often in "
            f"every year to {s['years'][-1]}."
        )
        return out
    parts = []
    for k, (yr, c) in enumerate(phases[:4]):
        words = html.escape(constraint_words(c))
        when = f"until {phases[1][0] - 1}" if k == 0 else f"from {yr}"
        text_ = f"{_cap(words)} binds most often {when}" if k == 0 else f"{words} {when}"
        parts.append(f'<span class="phase" data-year="{yr}" data-constraint="{c}">{text_}</span>')
    out += " " + text.join(parts)
    out += "." if len(phases) <= 4 else f", and the lead changes {len(phases) - 4} more times."
    return out


def _exhaustion_sentence(s: dict, i: int = 0, lead: str = "Public human text") -> str:
    ex, last = s["data_exhaustion_year"], s["years"][-1]
    y = lambda k: figure(s, i, f"data_exhaustion_year.{k}", "", fmt="year")  # noqa: E731
    if ex["p50"] is not None:
        out = (
            f"{lead} is fully used around {y('p50')} (median; 80% interval from {y('p10')} "
            f"to {y('p90')})"
        )
    else:
        out = f"{lead} is not fully used by {last} in most samples"
    if ex["share_never"] >= NEGLIGIBLE:
        never = figure(s, i, "data_exhaustion_year.share_never", "", fmt="percent")
        out += f"; in {never} of samples it is not used up by {last}"
    return out + "."


def _comparison_sentence(main: dict, other: dict, i: int, y: int) -> str:
    lead = f"Under {scenario_name(other['scenario']['name'])}, "
    clause = ""
    if y in other["years"] and "largest_run_flop" in other["variables"]:
        a = main["variables"]["largest_run_flop"]["p50"][main["years"].index(y)]
        b = other["variables"]["largest_run_flop"]["p50"][other["years"].index(y)]
        clause = (
            f"the largest run in {y} is about "
            f"{span(other, i, 'largest_run_flop', 'p50', y, 'FLOP')}"
        )
        if a and b:
            clause += (
                f' (<span class="ratio" data-value="{b / a!r}">{ratio_words(b / a)}</span> '
                "the main scenario's)"
            )
        clause += "; "
    return lead + clause + _exhaustion_sentence(other, i, "public human text")


def ratio_words(r: float) -> str:
    """One figure against another in words: ``about the same as``, ``2.5 times``,
    ``about half``, ``about 20% of``, ``1/50 of``.

    Examples
    --------
    >>> ratio_words(1.05), ratio_words(2.54), ratio_words(0.45)
    ('about the same as', '2.5 times', 'about half')
    >>> ratio_words(0.2), ratio_words(0.02)
    ('about 20% of', '1/50 of')
    """
    if 0.9 <= r <= 1.1:
        return "about the same as"
    if r > 1:
        return f"{text.scientific(r, 2)} times"
    if 0.45 <= r <= 0.55:
        return "about half"
    if r >= 0.1:
        return f"about {text.percent(r)} of"
    return f"1/{text.scientific(1 / r, 2)} of"


def executive_summary(
    summaries: Sequence[dict],
    scenarios: Sequence,
    year: int = 2030,
    later: int = 2040,
) -> Html:
    """The executive summary: a few paragraphs generated from the numbers.

    Parameters
    ----------
    summaries : sequence of dict
        Summary dicts; the first is the main scenario.
    scenarios : sequence of Scenario
        The scenarios of ``summaries`` (their milestones and ceilings).
    year, later : int
        Headline years [calendar year]; a year the run lacks is left out.
    """
    s = summaries[0]
    paragraphs = []
    y = year if year in s["years"] else s["years"][min(len(s["years"]) - 1, 6)]
    after = later if later in s["years"] and later != y else None
    if "largest_run_flop" in s["variables"]:
        paragraphs.append(_run_sentence(s, y, after))
    paragraphs.append(_binding_sentence(s, y) + " " + _exhaustion_sentence(s))
    paragraphs += milestones.sentences(s, scenarios[0])
    paragraphs.append(limits.sentence(s, scenarios[0]) + " " + limits.money_sentence(s, y))
    for i, other in enumerate(summaries[1:], start=1):
        paragraphs.append(_comparison_sentence(s, other, i, y))
    body = "".join(f"<p>{p}</p>" for p in paragraphs if p)
    return Html(f'<div class="executive-summary">{body}</div>')


# --- key figures -----------------------------------------------------------------------------


def _most_frequent(s: dict, year: int, i: int) -> str:
    shares = s["binding_constraint_share"]
    j = s["years"].index(year)
    top = max(text.constraint_order(shares), key=lambda c: shares[c][j])
    pct = figure(s, i, f"binding_constraint_share.{top}[{year}]", "", fmt="percent")
    return (
        f'<div class="median">{html.escape(text.constraint_label(top))}</div>'
        f'<div class="range">in {pct} of samples</div>'
    )


def _same_as_effective(summary: dict, var: str) -> bool:
    """Capability-equivalent compute that equals effective compute (no paradigm gains) is
    not worth a row."""
    if var != "capability_equivalent_flop" or "effective_compute_flop" not in summary["variables"]:
        return False
    a = summary["variables"][var]["p50"]
    return a == summary["variables"]["effective_compute_flop"]["p50"]


def key_figures(summary: dict, i: int = 0, years: Sequence[int] = KEY_YEARS) -> Html:
    """The key-figures table of one scenario: each quantity's median and 90% interval by year,
    in words and human units, with the year public text is fully used. A run that has none of
    ``years`` shows its middle and last years."""
    shown = [y for y in years if y in summary["years"]]
    if not shown:
        ys = summary["years"]
        shown = sorted({ys[len(ys) // 2], ys[-1]})
    rows = []
    for var, name, unit in KEY_ROWS:
        if var not in summary["variables"] or _same_as_effective(summary, var):
            continue
        cells = [html.escape(name)]
        for y in shown:
            cells.append(
                f'<div class="median">{span(summary, i, var, "p50", y, unit)}</div>'
                f'<div class="range">{span_range(summary, i, var, y, unit)}</div>'
            )
        rows.append(cells)
    rows.append(
        ["Binding constraint (most frequent)", *(_most_frequent(summary, y, i) for y in shown)]
    )
    head = ["", *(str(y) for y in shown)]
    note = (
        '<p class="table-note">Median, and below it the 90% interval (5th to 95th percentile of '
        f"the {text.count(summary['samples'])} Monte Carlo samples). "
        + _exhaustion_sentence(summary, i)
        + "</p>"
    )
    return join_html([table(head, rows, css="key-figures"), note])
