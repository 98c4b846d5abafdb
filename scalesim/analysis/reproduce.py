"""Reproduction packs: published studies' headline figures against scalesim's runs of them.

A pack (its format and tolerances: scalesim.analysis.packs) is a scenario file in
``scenarios/papers/`` with a ``published:`` block of figures. Every figure runs through
:func:`scalesim.engine.run.run`, one run per scenario of the pack, and is compared with the
published value within the study's own precision.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

from scalesim.analysis.packs import Figure, Pack, load_pack, pack_paths
from scalesim.engine.run import run
from scalesim.engine.summary import year_quantiles
from scalesim.errors import InputError


@dataclass(frozen=True)
class Check:
    """A figure compared: published against scalesim, and whether it is within tolerance.

    The numbers are in the figure's ``unit``: a variable's canonical unit (``FLOP``,
    ``token``, ...), a fractional calendar year for an exhaustion year, a probability for a
    milestone's P(reached by a year).

    Attributes
    ----------
    pack : str
        The pack's name (its file's stem).
    cite : str
        Short name of the study, for tables.
    figure : str
        What the figure is, in the pack's words.
    where : str
        Where the study states it (section, table, figure).
    published : float or None
        The published value [unit]; None for a published range.
    published_range : tuple of float or None
        The published ``(lo, hi)`` [unit]; None for a single value.
    unit : str
        Unit of ``published``, ``published_range``, ``scalesim``, ``lo`` and ``hi`` as the
        pack states it: the variable's canonical unit, or "" for a calendar year, a
        probability or a dimensionless variable.
    kind : str
        How it is compared: ``range``, or the tolerance as ``kind:amount`` (``digits:2``,
        ``years:1``, ``log10:0.05``, ``share:0.005``).
    scalesim : float or None
        scalesim's statistic: the measure's quantile or probability [unit]; None where the
        quantile falls after the scenario's last year.
    lo, hi : float or None
        scalesim's 10th and 90th percentiles of the same quantity [unit]; None for a
        milestone's probability, and where the percentile falls after the last year.
    passed : bool
        Whether ``scalesim`` is within the tolerance of ``published`` (or inside the range).
    precision : str
        Why the tolerance is what it is (the study's own precision).
    reason : str
        Why the figure fails, when it is known to (printed with the failure).
    """

    pack: str
    cite: str
    figure: str
    where: str
    published: float | None
    published_range: tuple[float, float] | None
    unit: str
    kind: str
    scalesim: float | None
    lo: float | None
    hi: float | None
    passed: bool
    precision: str
    reason: str

    def to_dict(self) -> dict:
        """The check as a JSON-ready dict.

        Returns
        -------
        dict
            Every attribute by name (``published_range`` as a 2-tuple or None).
        """
        return asdict(self)


def _passes(fig: Figure, x: float | None) -> bool:
    if x is None or not math.isfinite(x):
        return False
    if fig.range is not None:
        return fig.range[0] <= x <= fig.range[1]
    (kind, tol) = next(iter(fig.tolerance.items()))
    if kind in ("years", "share"):
        return abs(x - fig.value) <= float(tol) + 1e-9
    if kind == "log10":
        return x > 0 and abs(math.log10(x) - math.log10(fig.value)) <= float(tol) + 1e-12
    lo, hi = digits_bounds(fig.value, int(tol))
    return lo <= x <= hi


def digits_bounds(value: float, digits: int) -> tuple[float, float]:
    """Values that round to ``value`` at ``digits`` significant digits: half a unit of the last
    digit either side (``3e14`` at 1 digit: 2.5e14 – 3.5e14)."""
    if value == 0:
        return (0.0, 0.0)
    half = 0.5 * 10 ** (math.floor(math.log10(abs(value))) - digits + 1)
    return (value - half, value + half)


def evaluate(pack: Pack, samples: int | None = None, seed: int | None = None) -> list[Check]:
    """Run each scenario of the pack once and compare every figure."""
    by_variant: dict[str | None, list[Figure]] = {}
    for fig in pack.figures:
        by_variant.setdefault(fig.variant, []).append(fig)
    values: dict[int, tuple[float | None, float | None, float | None]] = {}
    for variant, figs in by_variant.items():
        scenario = pack.scenario_for(variant)
        names = sorted({f.measure["variable"] for f in figs if "variable" in f.measure})
        res = run(scenario, samples=samples, seed=seed, keep="none", summarize=names or "headline")
        for fig in figs:
            m = fig.measure
            if "milestone" in m:
                x, lo, hi = _p_reached(res, m, pack)
            elif "exhaustion" in m:
                q = float(m["exhaustion"])
                x, lo, hi = year_quantiles(
                    res.exhaustion_counts, res.exhaustion_never, [q, 0.1, 0.9]
                )
            else:
                if int(m["year"]) not in res.years:
                    raise InputError(
                        f"year {m['year']} is outside the scenario's years", path=str(pack.path)
                    )
                i = res.years.index(int(m["year"]))
                qs = res.histograms[m["variable"]].quantiles([float(m["quantile"]), 0.1, 0.9])
                x, lo, hi = (float(qs[j][i]) for j in range(3))
            values[id(fig)] = (x, lo, hi)
    out = []
    for fig in pack.figures:
        x, lo, hi = values[id(fig)]
        if fig.range is not None:
            kind = "range"
        else:
            kind, tol = next(iter(fig.tolerance.items()))
            kind = f"{kind}:{tol}"
        out.append(
            Check(
                pack=pack.name,
                cite=pack.cite,
                figure=fig.figure,
                where=fig.where,
                published=fig.value,
                published_range=fig.range,
                unit=fig.unit,
                kind=kind,
                scalesim=x,
                lo=lo,
                hi=hi,
                passed=_passes(fig, x),
                precision=fig.precision,
                reason=fig.reason,
            )
        )
    return out


def _p_reached(res, m: dict, pack: Pack) -> tuple[float | None, None, None]:
    summary = getattr(res, "milestone_summary", None)
    found = summary() if summary else {}
    if m["milestone"] not in found:
        raise InputError(f"the scenario has no milestone {m['milestone']!r}", path=str(pack.path))
    year = int(m["p_reached_by"])
    if year not in res.years:
        raise InputError(f"year {year} is outside the scenario's years", path=str(pack.path))
    p = found[m["milestone"]]["p_reached"][res.years.index(year)]
    return p, None, None


def reproduce(names: list[str] | None = None, samples: int | None = None) -> list[Check]:
    """Every figure of the packs named, compared with scalesim's runs of them.

    Each scenario of a pack (the pack's, and each variant a figure names) is run once through
    :func:`scalesim.engine.run.run`, with the scenario's seed.

    Parameters
    ----------
    names : list of str, optional
        Packs to check: a file path, or the stem of a shipped pack in
        ``scenarios/papers`` (default: every shipped pack).
    samples : int, optional
        Samples of each run [samples] (default: each scenario's own).

    Returns
    -------
    list of Check
        One per figure, packs in the order named (shipped ones by name), figures in file
        order.

    Raises
    ------
    InputError
        When a pack is not found or does not load.
    """
    checks: list[Check] = []
    for path in pack_paths(names):
        checks.extend(evaluate(load_pack(path), samples=samples))
    return checks
