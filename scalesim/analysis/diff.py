"""Two scenarios side by side: their resolved assumptions and, optionally, their key figures.

:func:`assumptions` lists every parameter either scenario sets or inherits, with its unit,
each side's median and 90% interval (from the prior's quantile function, canonical units),
each side's source and whether the two differ. :func:`outputs` runs both through
:func:`scalesim.engine.run.run` and lists the key figures of each. Both return plain rows
(dicts), for the CLI's table and the app's compare view alike.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from scalesim.engine.run import run
from scalesim.engine.summary import year_quantiles
from scalesim.scenario.loader import Scenario

#: Variables and years of the key figures of :func:`outputs`.
KEY_VARIABLES = ("largest_run_flop", "effective_compute_flop", "data_limited_flop")
KEY_YEARS = (2030, 2040, 2050)


@dataclass(frozen=True)
class Side:
    """One scenario's value of a parameter (None where it does not have it)."""

    kind: str
    p5: float
    p50: float
    p95: float
    spec: str
    source: str


@dataclass(frozen=True)
class AssumptionRow:
    key: str
    unit: str
    a: Side | None
    b: Side | None
    differs: bool

    def to_dict(self) -> dict:
        return asdict(self)


def _side(s: Scenario, key: str) -> Side | None:
    prior = s.priors.get(key)
    if prior is None:
        return None
    parent = key.rpartition(".")[0]
    source = s.sources.get(key) or s.sources.get(parent) or ""
    return Side(
        kind=prior.kind,
        p5=prior.ppf(0.05),
        p50=prior.ppf(0.5),
        p95=prior.ppf(0.95),
        spec=repr(prior.spec),
        source=" ".join(str(source).split()),
    )


def _same(a: Side | None, b: Side | None) -> bool:
    if a is None or b is None:
        return a is b
    close = all(
        abs(x - y) <= 1e-12 * max(abs(x), abs(y), 1e-300)
        for x, y in ((a.p5, b.p5), (a.p50, b.p50), (a.p95, b.p95))
    )
    return close and a.kind == b.kind


def assumptions(a: Scenario, b: Scenario, *, only_differences: bool = False) -> list[AssumptionRow]:
    """Every parameter of either scenario, in the order of ``a`` then the keys only ``b`` has."""
    keys = list(a.priors) + [k for k in b.priors if k not in a.priors]
    rows = []
    for key in keys:
        sa, sb = _side(a, key), _side(b, key)
        prior = a.priors.get(key) or b.priors[key]
        row = AssumptionRow(key=key, unit=prior.unit, a=sa, b=sb, differs=not _same(sa, sb))
        if row.differs or not only_differences:
            rows.append(row)
    return rows


def _figures(s: Scenario, samples: int | None, seed: int | None) -> dict[str, tuple]:
    res = run(s, samples=samples, seed=seed, keep="none", summarize=list(KEY_VARIABLES))
    out: dict[str, tuple] = {}
    for name in KEY_VARIABLES:
        if name not in res.histograms:
            continue
        q = res.histograms[name].quantiles([0.5, 0.05, 0.95])
        for year in KEY_YEARS:
            if year in res.years:
                i = res.years.index(year)
                out[f"{name} {year}"] = (float(q[0][i]), float(q[1][i]), float(q[2][i]), "FLOP")
    ex = year_quantiles(res.exhaustion_counts, res.exhaustion_never, [0.5, 0.1, 0.9])
    out["data fully used"] = (*ex, "year")
    return out


def outputs(
    a: Scenario, b: Scenario, *, samples: int | None = None, seed: int | None = None
) -> list[dict]:
    """Key figures of both scenarios (median, 5th and 95th percentiles; the exhaustion year's
    median, 10th and 90th), one row per figure: ``{"figure", "unit", "a", "b"}``."""
    fa, fb = _figures(a, samples, seed), _figures(b, samples, seed)
    rows = []
    for name in list(fa) + [k for k in fb if k not in fa]:
        row_a, row_b = fa.get(name), fb.get(name)
        unit = (row_a or row_b)[3]
        rows.append(
            {
                "figure": name,
                "unit": unit,
                "a": row_a[:3] if row_a else None,
                "b": row_b[:3] if row_b else None,
            }
        )
    return rows
