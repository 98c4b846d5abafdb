"""Content of the policy report (notebooks/policy_report.py), kept out of the notebook.

Every function here works from the summary dict of :meth:`scalesim.Results.summary` (the
summary JSON contract) or from a :class:`~scalesim.Scenario`, and returns an HTML fragment,
a pandas frame or an Altair chart, so the notebook only calls and displays.

Numbers in the executive summary are written as ``<span class="num" data-scenario="I"
data-key="KEY" data-fmt="FMT" data-value="REPR">TEXT</span>``: ``KEY`` locates the value in
the summary dict of scenario ``I`` (``variables.largest_run_flop.p50[2030]``,
``data_exhaustion_year.p50``, ``binding_constraint_share.data[2031]``), ``REPR`` is the value
itself (``repr`` of the float, ``null`` for JSON null) and ``TEXT`` is it formatted by
:func:`format_value` with ``FMT`` (that is, by :mod:`scalesim.present.text`). A reader (or a
test) can check each number against the summary JSON of the same scenario, samples and seed.
Constraints are named by their registry label (:mod:`scalesim.model.constraints`).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd

from scalesim._version import __version__
from scalesim.model.parameters import spec_for
from scalesim.model.variables import VARIABLES
from scalesim.present import text as fmt_text
from scalesim.present.text import constraint_label, constraint_order
from scalesim.scenario.loader import Scenario

#: Years of the key-figures table [calendar year].
TABLE_YEARS = (2025, 2030, 2035, 2040, 2050)
#: Quantile probabilities of the intervals shown for priors (and of the sensitivity swings).
SWING = (0.05, 0.95)
#: Variables of the key-figures table.
KEY_VARIABLES = (
    "largest_run_flop",
    "effective_compute_flop",
    "spend_usd",
    "flop_per_usd",
    "human_effective_tokens",
    "data_demand_tokens",
)


# --- formatting -------------------------------------------------------------------------------


def format_value(value: float | None, fmt: str, last_year: int | None = None) -> str:
    """Format a summary value for the report (plain text, no markup).

    Parameters
    ----------
    value : float or None
        The summary JSON value; None is JSON null (infinite, or after the last year).
    fmt : {"sci", "year", "share", "share1"}
        ``sci``: :func:`scalesim.present.text.number`, ``1.23e26``; ``year``:
        :func:`~scalesim.present.text.year`, ``2028.7``; ``share``: whole percent, ``54%``;
        ``share1``: percent with one decimal, ``0.3%``.
    last_year : int, optional
        Last projected year, for ``year`` values that are null (``after 2050``).

    Returns
    -------
    str
    """
    if fmt == "sci":
        return fmt_text.number(value)
    if fmt == "year":
        missing = value is None or value != value
        return (
            fmt_text.MISSING if missing and last_year is None else fmt_text.year(value, last_year)
        )
    if fmt == "share":
        return fmt_text.share(value)
    if fmt == "share1":
        return fmt_text.share(value, 1)
    raise ValueError(f"unknown format {fmt!r}")


def _sci_html(text: str) -> str:
    """``1.23e26`` as ``1.23 × 10<sup>26</sup>``."""
    if "e" not in text:
        return html.escape(text)
    mantissa, exponent = text.split("e")
    return f"{mantissa} × 10<sup>{int(exponent)}</sup>"


def lookup(summary: dict, key: str) -> float | None:
    """The value of ``key`` (``a.b.c[year]``) in a summary dict; see the module docstring."""
    path, _, year = key.partition("[")
    node = summary
    for part in path.split("."):
        node = node[part]
    if year:
        node = node[summary["years"].index(int(year.rstrip("]")))]
    return node


def number(summary: dict, index: int, key: str, fmt: str) -> str:
    """One executive-summary number as a ``span.num`` carrying its key and exact value."""
    value = lookup(summary, key)
    text = format_value(value, fmt, summary["years"][-1])
    shown = _sci_html(text) if fmt == "sci" and value is not None else html.escape(text)
    raw = "null" if value is None else repr(float(value))
    return (
        f'<span class="num" data-scenario="{index}" data-key="{key}" data-fmt="{fmt}" '
        f'data-value="{raw}">{shown}</span>'
    )


def _name(summary: dict) -> str:
    return f'<em class="scenario">{html.escape(summary["scenario"]["name"])}</em>'


# --- executive summary ------------------------------------------------------------------------


def binding_phases(summary: dict) -> list[tuple[int, str]]:
    """Years where the most frequent binding constraint changes.

    Returns
    -------
    list of (int, str)
        ``(year, constraint)`` for the first year and for each year whose most frequent
        constraint (the first in registry order on ties) differs from the year before.
    """
    shares = summary["binding_constraint_share"]
    names = constraint_order(shares)
    phases: list[tuple[int, str]] = []
    for i, year in enumerate(summary["years"]):
        top = max(names, key=lambda c: (shares[c][i], -names.index(c)))
        if not phases or phases[-1][1] != top:
            phases.append((int(year), top))
    return phases


def _exhaustion_sentence(s: dict, i: int, lead: str) -> str:
    ex, last = s["data_exhaustion_year"], s["years"][-1]
    n = lambda k, f: number(s, i, k, f)  # noqa: E731
    if ex["p50"] is not None:
        text = (
            f"{lead} the stock of public human text is fully used in "
            f"{n('data_exhaustion_year.p50', 'year')} (median; 90% interval "
            f"{n('data_exhaustion_year.p5', 'year')} to {n('data_exhaustion_year.p95', 'year')})."
        )
    else:
        text = f"{lead} the stock of public human text is not fully used by {last} in most samples."
    if fmt_text.share(ex["share_never"], 1) != fmt_text.share(0.0, 1):
        text += (
            f" In {n('data_exhaustion_year.share_never', 'share1')} of samples it is not "
            f"used up by {last}."
        )
    return text


def executive_summary(summaries: Sequence[dict], years: Sequence[int] = (2030, 2040)) -> str:
    """The executive summary as HTML, every number generated from the summary dicts.

    Parameters
    ----------
    summaries : sequence of dict
        Summary dicts (:meth:`scalesim.Results.summary`); the first is the main scenario,
        the others are compared with it in one sentence each.
    years : sequence of int
        Years of the largest-run sentence [calendar year].

    Returns
    -------
    str
        ``<div class="executive-summary">`` with one paragraph per topic.
    """
    s = summaries[0]
    n = lambda k, f: number(s, 0, k, f)  # noqa: E731
    paragraphs = [_exhaustion_sentence(s, 0, f"Under the {_name(s)} scenario,")]
    shown = [y for y in years if y in s["years"]]
    if shown:
        parts = [
            f"{n(f'variables.largest_run_flop.p50[{y}]', 'sci')} FLOP in {y} (90% interval "
            f"{n(f'variables.largest_run_flop.p5[{y}]', 'sci')} to "
            f"{n(f'variables.largest_run_flop.p95[{y}]', 'sci')})"
            for y in shown
        ]
        text = f"The largest feasible training run reaches {' and '.join(parts)} (medians)."
        if "effective_compute_flop" in s["variables"]:
            y = shown[0]
            text += (
                " Counting algorithmic progress since the scenario's base year, its effective "
                f"compute in {y} is {n(f'variables.effective_compute_flop.p50[{y}]', 'sci')} "
                "FLOP (median)."
            )
        paragraphs.append(text)
    phases = binding_phases(s)
    share = lambda c, y: n(f"binding_constraint_share.{c}[{y}]", "share")  # noqa: E731
    first_year, first = phases[0]
    label = lambda c: html.escape(constraint_label(c))  # noqa: E731
    text = (
        f'<span class="phase" data-year="{first_year}" data-constraint="{first}">In '
        f"{first_year}, {label(first)} is the binding constraint in "
        f"{share(first, first_year)} of samples.</span>"
    )
    for year, name in phases[1:]:
        text += (
            f' <span class="phase" data-year="{year}" data-constraint="{name}">From '
            f"{year}, {label(name)} binds most often ({share(name, year)} of samples that "
            "year).</span>"
        )
    last = s["years"][-1]
    if len(phases) == 1:
        text += f" It binds most often in every year to {last} ({share(first, last)} in {last})."
    paragraphs.append(text)
    for i, other in enumerate(summaries[1:], start=1):
        m = lambda k, f, o=other, j=i: number(o, j, k, f)  # noqa: E731
        clauses = []
        if shown and shown[0] in other["years"]:
            key = f"variables.largest_run_flop.p50[{shown[0]}]"
            clauses.append(f"the largest run in {shown[0]} is {m(key, 'sci')} FLOP (median)")
        if other["data_exhaustion_year"]["p50"] is not None:
            used = m("data_exhaustion_year.p50", "year")
            clauses.append(f"the stock of public text is fully used in {used} (median)")
        else:
            clauses.append(
                f"the stock of public text is not used up by {other['years'][-1]} in most samples"
            )
        paragraphs.append(f"Under {_name(other)}, {' and '.join(clauses)}.")
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f'<div class="executive-summary">{body}</div>'


# --- tables -----------------------------------------------------------------------------------


def _most_frequent(summary: dict, year: int) -> str:
    """``Label (share)`` of the constraint binding in most samples (first in registry order
    on ties)."""
    i = summary["years"].index(year)
    shares = summary["binding_constraint_share"]
    top = max(constraint_order(shares), key=lambda c: shares[c][i])
    return f"{constraint_label(top)} ({fmt_text.share(shares[top][i])})"


def _interval(q: dict, i: int) -> str:
    """``median [p5 – p95]`` of one variable's summary in year index ``i``."""
    return fmt_text.median_interval(q["p50"][i], q["p5"][i], q["p95"][i])


def key_figures(summary: dict, years: Sequence[int] = TABLE_YEARS) -> pd.DataFrame:
    """Key figures of one scenario: median and 90% interval per table year.

    Returns
    -------
    pandas.DataFrame
        Columns quantity, unit, then one column per year present, each cell
        ``median [p5 – p95]``; the exhaustion year and the binding constraint are rows too.
    """
    shown = [y for y in years if y in summary["years"]]
    rows = []
    for name in KEY_VARIABLES:
        q = summary["variables"].get(name)
        if q is None:
            continue
        row = {"quantity": VARIABLES[name][1], "unit": q["unit"]}
        for y in shown:
            row[str(y)] = _interval(q, summary["years"].index(y))
        rows.append(row)
    rows.append(
        {
            "quantity": "Binding constraint, most frequent (share of samples)",
            "unit": "",
            **{str(y): _most_frequent(summary, y) for y in shown},
        }
    )
    return pd.DataFrame(rows, columns=["quantity", "unit", *map(str, shown)])


def exhaustion_text(summary: dict) -> str:
    """``median [p5 – p95]`` of the year the stock is fully used, plus the share never."""
    ex, last = summary["data_exhaustion_year"], summary["years"][-1]
    shown = fmt_text.median_interval(
        ex["p50"], ex["p5"], ex["p95"], fmt=lambda y: fmt_text.year(y, last)
    )
    return f"{shown}; never by {last}: {fmt_text.share(ex['share_never'], 1)}"


def comparison_frame(
    summaries: Sequence[dict], years: Sequence[int] = (2030, 2040)
) -> pd.DataFrame:
    """One row per scenario: largest run and binding constraint in ``years``, exhaustion year."""
    rows = []
    for s in summaries:
        row = {"scenario": s["scenario"]["name"]}
        q = s["variables"]["largest_run_flop"]
        for y in years:
            if y not in s["years"]:
                row[f"largest run {y} [FLOP]"] = "–"
                row[f"binding {y}"] = "–"
                continue
            row[f"largest run {y} [FLOP]"] = _interval(q, s["years"].index(y))
            row[f"binding {y}"] = _most_frequent(s, y)
        row["stock fully used [year]"] = exhaustion_text(s)
        rows.append(row)
    return pd.DataFrame(rows)


def scenario_frame(scenarios: Sequence[Scenario], summaries: Sequence[dict]) -> pd.DataFrame:
    """Provenance of each scenario: name, file, samples, seed, sha256 of the resolved file."""
    return pd.DataFrame(
        [
            {
                "scenario": sc.name,
                "file": s["scenario"]["path"],
                "samples": fmt_text.count(s["samples"]),
                "seed": s["seed"],
                "sha256": s["scenario"]["sha256"],
            }
            for sc, s in zip(scenarios, summaries, strict=True)
        ]
    )


def _unit(unit: str) -> str:
    return "1" if unit == "dimensionless" else unit


def _num(x: float) -> str:
    """A prior's value as the parameter reference writes it (``inf (none)`` for no ceiling)."""
    return fmt_text.literal(x)


def _declared(key: str, keys) -> str | None:
    """The key path of ``keys`` that declares ``key``: itself, or for a part of a schedule
    (``spending.growth.initial``) the parameter it belongs to (``spending.growth``)."""
    parts = key.split(".")
    for n in range(len(parts), 0, -1):
        path = ".".join(parts[:n])
        if path in keys:
            return path
    return None


def assumptions_frame(scenario: Scenario) -> pd.DataFrame:
    """Every prior of a scenario: meaning, unit, distribution, 90% interval, median, source.

    Returns
    -------
    pandas.DataFrame
        Columns parameter (key path under ``parameters:``; a schedule has a row per part,
        ``spending.growth.initial``), meaning, unit, prior, 90% interval (5th – 95th
        percentile; the value when fixed), median [unit], set by (``scenario`` or
        ``default``) and source (the scenario's ``sources:`` entry, else the default's
        source). Values as the parameter reference writes them
        (:func:`scalesim.present.text.literal`).
    """
    rows = []
    for key, prior in scenario.priors.items():
        spec, owner = spec_for(key), key
        if spec is None and spec_for(key.rsplit(".", 1)[0]) is not None:
            owner = key.rsplit(".", 1)[0]  # a part of a schedule: described by its parameter
            spec = spec_for(owner)
        explicit = _declared(key, scenario.explicit) is not None
        cited = _declared(key, scenario.sources)
        if cited is not None:
            source = scenario.sources[cited]
        elif explicit:
            source = "not given in the scenario file"
        else:
            source = spec.source if spec else ""
        if prior.is_fixed:
            interval = _num(prior.args[0])
        else:
            interval = fmt_text.interval(prior.ppf(SWING[0]), prior.ppf(SWING[1]), fmt=_num)
        meaning = spec.description if spec else ""
        if owner != key and meaning:
            meaning += f" (schedule: {key.rsplit('.', 1)[1].replace('_', ' ')})"
        rows.append(
            {
                "parameter": key,
                "meaning": meaning,
                "unit": _unit(prior.unit),
                "prior": prior.kind,
                "90% interval": interval,
                "median": _num(prior.ppf(0.5)),
                "set by": "scenario" if explicit else "default",
                "source": source,
            }
        )
    return pd.DataFrame(rows)


# --- HTML helpers -------------------------------------------------------------------------------


def html_table(frame: pd.DataFrame, caption: str | None = None, css_class: str = "") -> str:
    """A frame as an HTML table (escaped, no index) with an optional caption."""
    table = frame.to_html(
        index=False,
        escape=True,
        border=0,
        na_rep="–",
        classes=["report-table", css_class] if css_class else ["report-table"],
    )
    if caption:
        table = table.replace(">", f"><caption>{html.escape(caption)}</caption>", 1)
    return table


def header(title: str, date: str, scenarios: Sequence[Scenario], summaries: Sequence[dict]) -> str:
    """Title block: title, date, scalesim version, and a table of the scenarios with hashes."""
    meta = (
        f'<p class="meta">Generated <span class="date">{html.escape(date)}</span> by '
        f'<span class="version">scalesim {__version__}</span></p>'
    )
    table = html_table(
        scenario_frame(scenarios, summaries),
        "Scenarios: files and SHA-256 of their resolved content",
        "scenarios",
    )
    return f'<header class="report-header"><h1>{html.escape(title)}</h1>{meta}{table}</header>'


def default_title(names: Sequence[str]) -> str:
    """Report title from the scenario names."""
    return f"The largest feasible AI training run: {names[0]}"
