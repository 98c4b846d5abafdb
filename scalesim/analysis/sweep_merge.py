"""What a sweep task ships back, and how the points of a sweep are pooled exactly.

A task runs a batch of points (:func:`run_batch`) and returns, per point, its run summary
(exactly ``scalesim.run(...).summary()``), and for the whole batch one :class:`PoolPart`: the
exactly mergeable parts of the pooled summary — histogram counts in bins of
:data:`POOLED_LOG10_BIN`, exact sums of every variable, binding-constraint counts by name,
exhaustion-year counts and milestone counts (scalesim.engine.milestones.merge_counts). Counts
are integers and sums are kept exactly (an integer times a power of two), so the pooled
summary does not depend on how the points were grouped into tasks or spread over workers.

Shipped compactly: count arrays travel as zlib-compressed deltas in the smallest integer type,
sums as one exact integer per variable and year, so a task's result stays far below the
1.6 MB a point's full Results pickled to (measured on the baseline at 100,000 samples).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scalesim.analysis.compact import (
    add_exact,
    exact_sums,
    exact_total,
    pack_counts,
    pack_keyed,
    unpack_counts,
    unpack_keyed,
)
from scalesim.engine.milestones import MilestoneCounts, merge_counts
from scalesim.engine.results import Results
from scalesim.engine.run import run
from scalesim.engine.summary import LOG10_BIN, BlockSums, LogHistogram
from scalesim.model import constraints as registry

#: Bin width of the pooled histograms [log10 units]: quantiles within 2.3% (points: 0.23%).
POOLED_LOG10_BIN = 0.01
_COARSEN = round(POOLED_LOG10_BIN / LOG10_BIN)


class CoarseHistogram(LogHistogram):
    """A LogHistogram in bins :data:`POOLED_LOG10_BIN` wide (absolute bins: merging is exact)."""

    @classmethod
    def of(cls, hist: LogHistogram) -> CoarseHistogram:
        """The counts of ``hist`` (bins of LOG10_BIN) in the wider bins."""
        out = cls(hist.n_years)
        out.low, out.high = hist.low.copy(), hist.high.copy()
        if hist.counts.shape[1]:
            coarse = (hist.offsets[:, None] + np.arange(hist.counts.shape[1])) // _COARSEN
            lo = coarse[:, 0]
            width = int(np.max(coarse[:, -1] - lo)) + 1
            flat = coarse - lo[:, None] + (np.arange(hist.n_years) * width)[:, None]
            counts = np.bincount(
                flat.ravel(), weights=hist.counts.ravel(), minlength=hist.n_years * width
            )
            out.offsets, out.counts = lo, counts.round().astype(np.int64).reshape(-1, width)
        return out

    def quantiles(self, probs) -> np.ndarray:
        # The parent reads bin x as 10^(x·LOG10_BIN); these bins are _COARSEN times wider.
        return super().quantiles(probs) ** _COARSEN

    def __reduce__(self):
        # Sent between processes as each row's non-empty span, packed (pack_counts).
        nonzero = self.counts != 0
        rows = nonzero.any(axis=1)
        first = last = np.zeros(self.n_years, np.int64)
        if self.counts.shape[1]:
            first = np.where(rows, np.argmax(nonzero, axis=1), 0)
            last = np.where(rows, self.counts.shape[1] - np.argmax(nonzero[:, ::-1], axis=1), 0)
        spans = [self.counts[y, first[y] : last[y]] for y in range(self.n_years)]
        flat = np.concatenate(spans) if spans else np.zeros(0, np.int64)
        return (
            _unpack_histogram,
            (
                self.n_years,
                self.offsets + first,
                last - first,
                pack_counts(flat),
                self.low,
                self.high,
            ),
        )


def _unpack_histogram(n_years, offsets, lengths, packed, low, high) -> CoarseHistogram:
    flat = unpack_counts(*packed)
    width = int(lengths.max()) if lengths.size else 0
    counts = np.zeros((n_years, width), np.int64)
    ends = np.cumsum(lengths)
    for y in range(n_years):
        counts[y, : lengths[y]] = flat[ends[y] - lengths[y] : ends[y]]
    return CoarseHistogram(n_years, np.asarray(offsets, np.int64), counts, low, high)


class ExactSums(BlockSums):
    """A variable's sums over every pooled sample, exact, as BlockSums' ``total`` reads them."""

    def __init__(self, entries: list[tuple[int, int, int]]):
        super().__init__()
        self.entries = entries

    def total(self) -> np.ndarray:
        return np.array([exact_total(e) for e in self.entries])


# --- the pooled part -----------------------------------------------------------------------------


@dataclass
class PoolPart:
    """The exactly mergeable part of one or more points' results (the pooled summary).

    Attributes
    ----------
    years : tuple of int
    samples : int
    units : dict of str to str
        The pooled variables (summarised by every point), table order, canonical units.
    histograms : dict of str to CoarseHistogram
    sums : dict of str to list of (int, int, int)
        Exact sums per year of each variable (:func:`exact_sums`) [canonical unit].
    binding : dict of str to numpy.ndarray of int64
        Samples bound by each constraint per year, by constraint name.
    exhaustion_counts : dict of int to int, exhaustion_never : int
        Exhaustion-year counts (bins of 0.01 year) and samples that never exhaust.
    milestones : dict of str to (str, MilestoneCounts)
        Metric and counts of the milestones every point has (same name and metric).
    mixed : bool
        Points with different years were merged: there is no pooled summary.
    """

    years: tuple[int, ...]
    samples: int
    units: dict[str, str]
    histograms: dict[str, CoarseHistogram]
    sums: dict[str, list]
    binding: dict[str, np.ndarray]
    exhaustion_counts: dict[int, int] = field(default_factory=dict)
    exhaustion_never: int = 0
    milestones: dict[str, tuple[str, MilestoneCounts]] = field(default_factory=dict)
    mixed: bool = False

    @classmethod
    def of(cls, results: Results) -> PoolPart:
        """The mergeable part of one run (its histograms coarsened, its sums made exact)."""
        sums = {}
        for name in results.histograms:
            blocks = results.means[name].sums
            stacked = np.stack([blocks[k] for k in sorted(blocks)]) if blocks else None
            entries = exact_sums(stacked) if stacked is not None else []
            if not entries:
                entries = [(0, 0, 0)] * len(results.years)
            sums[name] = entries
        metric = {m.name: m.metric for m in results.scenario.milestones}
        return cls(
            years=tuple(results.years),
            samples=results.samples,
            units={n: results.units[n] for n in results.units if n in results.histograms},
            histograms={n: CoarseHistogram.of(h) for n, h in results.histograms.items()},
            sums=sums,
            binding={
                name: results.binding_counts[:, code].astype(np.int64)
                for code, name in enumerate(results.constraints)
            },
            exhaustion_counts=dict(results.exhaustion_counts),
            exhaustion_never=int(results.exhaustion_never),
            milestones={
                name: (metric[name], counts)
                for name, counts in results.milestones.items()
                if name in metric
            },
        )

    def merge(self, other: PoolPart) -> None:
        """Add ``other`` (exact; the order of merging changes no number)."""
        self.mixed = self.mixed or other.mixed or self.years != other.years
        self.samples += other.samples
        if self.mixed:
            return
        self.units = {n: u for n, u in self.units.items() if n in other.units}
        for name in list(self.histograms):
            if name not in self.units:
                del self.histograms[name], self.sums[name]
                continue
            self.histograms[name].merge(other.histograms[name])
            self.sums[name] = [
                add_exact(a, b) for a, b in zip(self.sums[name], other.sums[name], strict=True)
            ]
        for name, counts in other.binding.items():
            self.binding[name] = self.binding.get(name, 0) + counts
        for k, c in other.exhaustion_counts.items():
            self.exhaustion_counts[k] = self.exhaustion_counts.get(k, 0) + c
        self.exhaustion_never += other.exhaustion_never
        common = {}
        for name, (metric, counts) in self.milestones.items():
            if other.milestones.get(name, (None,))[0] == metric:
                merged: dict = {name: counts}
                merge_counts(merged, {name: other.milestones[name][1]})
                common[name] = (metric, merged[name])
        self.milestones = common

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["exhaustion_counts"] = pack_keyed(self.exhaustion_counts)
        state["milestones"] = {
            name: (
                metric,
                c.n_years,
                c.first_year,
                c.arrival_offset,
                pack_counts(c.arrival),
                c.dropped,
            )
            for name, (metric, c) in self.milestones.items()
        }
        return state

    def __setstate__(self, state: dict) -> None:
        state["exhaustion_counts"] = unpack_keyed(state["exhaustion_counts"])
        state["milestones"] = {
            name: (
                metric,
                MilestoneCounts(n_years, first, offset, unpack_counts(*packed), dropped),
            )
            for name, (metric, n_years, first, offset, packed, dropped) in state[
                "milestones"
            ].items()
        }
        self.__dict__.update(state)

    def summary(self, scenario) -> dict | None:
        """The pooled summary in the shape of the run summary (no scenario, no seed), or None
        when the points do not share the same years. ``scenario``: the first point's (its
        milestones' order)."""
        if self.mixed:
            return None
        order = [c.name for c in registry.ceilings()]
        known = [c for c in order if c in self.binding]
        constraints = (*known, *sorted(set(self.binding) - set(known)))
        n_years = len(self.years)
        pool = Results(
            scenario=scenario,
            samples=self.samples,
            seed=0,
            years=list(self.years),
            backend="numpy",
            constraints=constraints,
            units=dict(self.units),
            histograms=self.histograms,
            means={n: ExactSums(self.sums[n]) for n in self.units},
            binding_counts=np.stack(
                [np.broadcast_to(self.binding[c], (n_years,)) for c in constraints], axis=1
            ).astype(np.int64),
            exhaustion_counts=self.exhaustion_counts,
            exhaustion_never=self.exhaustion_never,
        )
        out = {
            k: v for k, v in pool.summary().items() if k not in ("scenario", "seed", "milestones")
        }
        out["quantile_method"] = (
            f"pooled log10 histogram, bin width {POOLED_LOG10_BIN:g} "
            "(quantiles within 2.3%); exhaustion year in bins of 0.01 year"
        )
        names = [m.name for m in scenario.milestones if m.name in self.milestones]
        if names:
            out["milestones"] = {
                n: self.milestones[n][1].summary(self.milestones[n][0], self.samples) for n in names
            }
        return out


# --- tasks -------------------------------------------------------------------------------------


@dataclass
class PointResult:
    """One point's outcome: its id and run summary (exactly ``scalesim.run(...).summary()``)."""

    id: int
    summary: dict


@dataclass
class BatchResult:
    """What a task returns: its points' results in order and their pooled part."""

    points: list[PointResult]
    pool: PoolPart


def run_point(point) -> tuple[PointResult, PoolPart]:
    """Run one point (a scalesim.analysis.sweep_file.SweepPoint) on one engine thread."""
    res = run(point.scenario, samples=point.samples, seed=point.seed, keep="none", workers=1)
    return PointResult(point.id, res.summary()), PoolPart.of(res)


def run_batch(points) -> BatchResult:
    """Run a batch of points one after the other (what one Dask task does)."""
    results, pool = [], None
    for point in points:
        part, point_pool = run_point(point)
        results.append(part)
        if pool is None:
            pool = point_pool
        else:
            pool.merge(point_pool)
    return BatchResult(results, pool)


def batches(points, slots: int, per_slot: int = 4) -> list[tuple]:
    """Points grouped into at most ``slots · per_slot`` tasks, in point order, sizes
    differing by at most one: enough tasks for the slots (worker threads) to share the work
    evenly, few enough that each ships one pooled part for several points."""
    points = tuple(points)
    n = max(1, min(len(points), max(1, slots) * per_slot))
    size, extra = divmod(len(points), n)
    out, start = [], 0
    for i in range(n):
        stop = start + size + (i < extra)
        out.append(points[start:stop])
        start = stop
    return [b for b in out if b]


__all__ = [
    "POOLED_LOG10_BIN",
    "BatchResult",
    "CoarseHistogram",
    "PointResult",
    "PoolPart",
    "batches",
    "run_batch",
    "run_point",
]
