"""Milestone summaries: mergeable counts of when each sample reaches a requirement.

Per milestone and chunk: the samples dropped by ``not_reached_by``, the count of kept samples
whose first year at or above the requirement is each year (and of those never reaching it),
and the histogram of fractional arrival years in bins of 0.01 year, as the exhaustion year
(scalesim.engine.summary.year_histogram). All are integer counts, so merging chunks, threads,
processes or Dask workers is exact and the summary does not depend on the split.

P(reached by year t) = (kept samples whose first year is <= t) / kept samples.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scalesim.engine import backend as backends
from scalesim.engine.summary import YEAR_BIN, year_quantiles
from scalesim.model.kernels.milestones import first_reached, log_requirement
from scalesim.scenario.priors import draw

#: Arrival-year quantiles of the summary JSON.
ARRIVAL_QUANTILES = {"p10": 0.1, "p50": 0.5, "p90": 0.9}


@dataclass
class MilestoneCounts:
    """Mergeable counts of one milestone.

    Attributes
    ----------
    first_year : numpy.ndarray of int64, shape (year + 1,)
        Kept samples by the index of the first year they reach the requirement; the last
        entry counts those that never do by the last year.
    arrival_offset : int, arrival : numpy.ndarray of int64
        Fractional arrival years in bins of 0.01 year (reached samples only): ``arrival[i]``
        counts bin ``arrival_offset + i`` (bin k holds [k · 0.01, (k + 1) · 0.01) year).
    dropped : int
        Samples that had reached the requirement by ``not_reached_by`` (dropped).
    """

    n_years: int
    first_year: np.ndarray = None
    arrival_offset: int = 0
    arrival: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    dropped: int = 0

    def __post_init__(self):
        if self.first_year is None:
            self.first_year = np.zeros(self.n_years + 1, dtype=np.int64)

    def merge(self, other: MilestoneCounts) -> None:
        """Add ``other``'s counts (exact)."""
        self.first_year += other.first_year
        if other.arrival.size:
            if not self.arrival.size:
                self.arrival_offset, self.arrival = other.arrival_offset, other.arrival.copy()
            else:
                lo = min(self.arrival_offset, other.arrival_offset)
                hi = max(
                    self.arrival_offset + self.arrival.size,
                    other.arrival_offset + other.arrival.size,
                )
                grown = np.zeros(hi - lo, dtype=np.int64)
                for part, offset in (
                    (self.arrival, self.arrival_offset),
                    (other.arrival, other.arrival_offset),
                ):
                    grown[offset - lo : offset - lo + part.size] += part
                self.arrival_offset, self.arrival = lo, grown
        self.dropped += other.dropped

    @property
    def arrival_counts(self) -> dict[int, int]:
        """Bin index -> count of the non-empty arrival-year bins."""
        nz = np.flatnonzero(self.arrival)
        return dict(
            zip((nz + self.arrival_offset).tolist(), self.arrival[nz].tolist(), strict=True)
        )

    @property
    def kept(self) -> int:
        return int(self.first_year.sum())

    def p_reached(self) -> list[float]:
        """P(reached by each year) among the kept samples [1]."""
        kept = self.kept
        if kept == 0:
            return [float("nan")] * self.n_years
        return [float(c) / kept for c in np.cumsum(self.first_year[: self.n_years])]

    def summary(self, metric: str, samples: int) -> dict:
        """This milestone's part of the summary JSON (ARCHITECTURE.md, Output contract)."""
        never = int(self.first_year[self.n_years])
        q = year_quantiles(self.arrival_counts, never, list(ARRIVAL_QUANTILES.values()))
        kept = self.kept
        return {
            "metric": metric,
            "p_reached": [None if v != v else v for v in self.p_reached()],
            "arrival_year": dict(zip(ARRIVAL_QUANTILES, q, strict=True)),
            "share_never": never / kept if kept else None,
            "share_dropped": self.dropped / samples,
        }


def wanted_metrics(milestones) -> set[str]:
    """Variables the milestones are measured on (the projection must compute them)."""
    return {m.metric for m in milestones}


def count_chunk(milestones, logs, grid_years, seed: int, a: int, b: int, xp):
    """Counts of every milestone for samples ``a:b``.

    Parameters
    ----------
    milestones : tuple of scalesim.scenario.milestones.Milestone
    logs : dict of str to array
        The chunk's ln variables (:func:`scalesim.engine.run.project_chunk`).
    grid_years : array, shape (1, year)
        Calendar years on the backend [year].
    seed : int
        The run's seed: requirements are drawn in the fixed blocks of scalesim.priors, each
        from its own stream, so they do not depend on the chunking.
    a, b : int
        The chunk's sample range.

    Returns
    -------
    dict of str to MilestoneCounts
    """
    n = b - a
    years = backends.to_numpy(grid_years).ravel()
    n_years = years.size
    out = {}
    for m in milestones:
        host = draw(m.priors(), seed, a, b)
        reqs = [
            backends.to_device(np.log(host[m.requirement_key(h)]).reshape(-1, 1), xp)
            for h in m.hypotheses
        ]
        choice = backends.to_device(host[m.choice_key].reshape(-1, 1), xp) if m.mixture else None
        log_req = log_requirement(reqs, choice, xp=xp)
        log_req = log_req + xp.zeros((n, 1), dtype=log_req.dtype)
        metric = logs[m.metric]
        if metric.shape[0] != n:  # every sample alike (fixed priors): one row broadcast
            metric = metric + xp.zeros((n, n_years), dtype=metric.dtype)
        with np.errstate(invalid="ignore"):
            index, arrival = first_reached(metric, log_req, grid_years, xp=xp)
        index, arrival = backends.to_numpy(index), backends.to_numpy(arrival)
        counts = MilestoneCounts(n_years)
        if m.not_reached_by is not None:
            keep = index > years.tolist().index(m.not_reached_by)
            counts.dropped = int(n - keep.sum())
            index, arrival = index[keep], arrival[keep]
        counts.first_year = np.bincount(index, minlength=n_years + 1).astype(np.int64)
        counts.arrival_offset, counts.arrival = _year_bins(arrival)
        out[m.name] = counts
    return out


def _year_bins(years: np.ndarray) -> tuple[int, np.ndarray]:
    """Counts of the finite fractional years in bins of :data:`YEAR_BIN` from the first
    non-empty bin (the bins of scalesim.engine.summary.year_histogram)."""
    k = np.floor(years[np.isfinite(years)] / YEAR_BIN).astype(np.int64)
    if k.size == 0:
        return 0, np.zeros(0, dtype=np.int64)
    lo = int(k.min())
    return lo, np.bincount(k - lo).astype(np.int64)


def merge_counts(into: dict, part: dict) -> None:
    """Fold one chunk's (or worker's) milestone counts into ``into`` (exact)."""
    for name, counts in part.items():
        if name in into:
            into[name].merge(counts)
        else:
            into[name] = MilestoneCounts(counts.n_years)
            into[name].merge(counts)


__all__ = ["ARRIVAL_QUANTILES", "MilestoneCounts", "count_chunk", "merge_counts"]
