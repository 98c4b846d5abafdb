"""Physical limits the report holds the projected runs against, each with its source.

The model's own ceilings (:mod:`scalesim.model.constraints`) cap the largest run only where a
scenario switches them on. The report also compares the compute figures it shows with two
limits from the literature, and says in words where a figure passes one, so that a reader
never meets an implausible magnitude without comment:

- the **latency wall**: ~2e31 FLOP, beyond which a run of about six months cannot go however
  many chips it has, because each optimizer step takes a minimum time (Erdil &
  Schneider-Joseph 2024, "Data movement limits to frontier model training"); it applies
  where the scenario does not model latency itself;
- the **energy limit**: a run that used one year of the world's electricity (the default of
  ``power.world_electricity``, Ember / IEA 2024: ~3.4 TW on average) on chips at the energy
  efficiency limit of CMOS, ~4.7e15 FLOP/J at 4 bit (Ho, Erdil & Besiroglu 2023,
  arXiv 2312.08595), would compute 3.4e12 W × 3.156e7 s × 4.7e15 FLOP/J ≈ 5e35 FLOP.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from scalesim.model.parameters import spec_for
from scalesim.present import text
from scalesim.present.text import SECONDS

#: Energy efficiency limit of CMOS at 4-bit precision [FLOP/J] (Ho, Erdil & Besiroglu 2023).
CMOS_FLOP_PER_JOULE = 4.7e15
#: Latency wall of a ~6-month run [FLOP] (Erdil & Schneider-Joseph 2024).
LATENCY_WALL_FLOP = 2e31
#: Cost of one run, as a share of world GDP, from which the report remarks on it [share]:
#: the largest historical investment programmes peaked at a few percent of GDP (British
#: railways ~7% in 1847; "Will scaling work?", REFERENCE.md).
GDP_REMARK = 0.05
#: The figures checked: variable, how the report names it.
CHECKED = (
    ("largest_run_flop", "the largest feasible run"),
    ("budget_flop", "the compute the spending could buy"),
)


@dataclass(frozen=True)
class Limit:
    """A physical limit on one training run [FLOP], with what it is and where it is from."""

    name: str
    flop: float
    what: str
    source: str
    modelled_by: str | None = None  # the ceiling that models it, when a scenario has it


def world_electricity_w() -> float:
    """World average electric power [W]: the default of ``power.world_electricity``."""
    return float(spec_for("power.world_electricity").default)


def limits() -> tuple[Limit, ...]:
    """The limits, smallest first."""
    energy = world_electricity_w() * SECONDS["year"] * CMOS_FLOP_PER_JOULE
    return (
        Limit(
            "the latency wall",
            LATENCY_WALL_FLOP,
            "beyond it a run of about six months cannot go however many chips it uses",
            "Erdil & Schneider-Joseph 2024",
            modelled_by="latency",
        ),
        Limit(
            "the energy limit",
            energy,
            "a year of the world's electricity on chips at the physical efficiency limit of CMOS",
            "Ho, Erdil & Besiroglu 2023; Ember / IEA 2024",
        ),
    )


def passes(summary: dict, scenario) -> list[tuple[str, str, str, int, Limit]]:
    """Where a checked figure passes a limit: ``(variable, its name, quantile, first year,
    limit)``, for the 95th percentile and the median."""
    found = []
    for limit in limits():
        if limit.modelled_by and limit.modelled_by in scenario.constraints:
            continue
        for var, name in CHECKED:
            q = summary["variables"].get(var)
            if q is None:
                continue
            for quantile in ("p95", "p50"):
                years = [
                    y
                    for y, v in zip(summary["years"], q.get(quantile, []), strict=False)
                    if v is not None and v > limit.flop
                ]
                if years:
                    found.append((var, name, quantile, years[0], limit))
    return found


def money_sentence(summary: dict, year: int) -> str:
    """A remark when the largest run would cost a large share of world GDP in ``year``
    (medians), as a scenario that lets money be no constraint does; else ``""``."""
    v = summary["variables"]
    if "spend_usd" not in v or "gdp_usd" not in v or year not in summary["years"]:
        return ""
    i = summary["years"].index(year)
    spend, gdp = v["spend_usd"]["p50"][i], v["gdp_usd"]["p50"][i]
    if not spend or not gdp or spend / gdp < GDP_REMARK:
        return ""
    from scalesim.present.report.page import figure

    return (
        f"In {year} the largest run would cost about "
        f"{figure(summary, 0, f'variables.spend_usd.p50[{year}]', 'USD')}, "
        f'<span class="share-of-gdp" data-value="{spend / gdp!r}">{text.percent(spend / gdp)}'
        f"</span> of world GDP ({figure(summary, 0, f'variables.gdp_usd.p50[{year}]', 'USD')}; "
        "medians): far beyond any past "
        "investment programme, which peaked at a few percent of GDP; the scenario lets money be "
        "almost no constraint."
    )


def _limit_words(limit: Limit) -> str:
    """A limit in words: its value (``span.limit``, carrying the value) and its source
    (``cite``)."""
    shown = text.human(limit.flop, "FLOP", digits=1, style="html")
    return (
        f'{limit.name}, about <span class="limit" data-value="{limit.flop!r}">{shown}</span> '
        f"({html.escape(limit.what)}; <cite>{html.escape(limit.source)}</cite>)"
    )


def sentence(summary: dict, scenario) -> str:
    """Which shown figures pass a physical limit, from which year, one sentence per limit; or
    that none does."""
    found = passes(summary, scenario)
    if not found:
        checked = [lim for lim in limits() if lim.modelled_by not in scenario.constraints]
        return (
            "No projected run passes " + text.join([_limit_words(x) for x in checked], "or") + "."
        )
    out = []
    for limit in limits():
        hits = [f for f in found if f[4] == limit]
        if not hits:
            continue
        parts = []
        for var, name, _q, year, _ in (h for h in hits if h[2] == "p95"):
            median = next((h[3] for h in hits if h[0] == var and h[2] == "p50"), None)
            when = f"from {year} at its 95th percentile"
            when += f", from {median} at its median" if median else ""
            parts.append(f"{name} ({when})")
        lead = text.join(parts)
        verb = "pass" if len(parts) > 1 else "passes"
        out.append(f"{lead[:1].upper()}{lead[1:]} {verb} {_limit_words(limit)}.")
    return (
        "<strong>Beyond physical limits:</strong> "
        + " ".join(out)
        + " Figures above a limit are not feasible as projected; they show how far the trends "
        "would go."
    )
