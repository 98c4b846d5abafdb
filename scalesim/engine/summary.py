"""Mergeable summaries: log-binned histograms, exact block sums, category counts.

Quantiles come from counts in log10 bins of width :data:`LOG10_BIN` (a quantile is within
10^0.001 − 1 ≈ 0.23% of the exact one); means come from per-block sums added with
``math.fsum``. Counts and block sums add up exactly however a run is split into chunks,
threads, processes or Dask workers, so a summary does not depend on the split.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

#: Width of a histogram bin [log10 units]: quantiles within 0.23%.
LOG10_BIN = 1e-3
#: Width of a bin of the exhaustion-year histogram [year].
YEAR_BIN = 0.01
_LN_TO_BIN = 1.0 / (math.log(10.0) * LOG10_BIN)
#: Rows folded together before a reduction over samples (see :func:`column_reduce`).
_FOLD = 64


def column_reduce(ufunc, x: np.ndarray) -> np.ndarray:
    """``ufunc.reduce(x, axis=0)`` for a (sample, year) array, fast when years are few.

    NumPy reduces over a leading axis one short row at a time; folding 64 rows into one long
    row first makes the inner loop 64 x longer. For a given shape the order of operations is
    fixed, so results are reproducible.
    """
    n, y = x.shape
    m = n // _FOLD * _FOLD
    if m == 0:
        return ufunc.reduce(x, axis=0)
    out = ufunc.reduce(ufunc.reduce(x[:m].reshape(-1, _FOLD * y), axis=0).reshape(_FOLD, y), axis=0)
    if m < n:
        out = ufunc(out, ufunc.reduce(x[m:], axis=0))
    return out


class Scratch:
    """Work arrays of one thread, reused from chunk to chunk.

    A fresh (sample, year) array per step costs page faults (the allocator hands the memory
    back to the system between chunks and takes it again); a run's threads each keep one
    float and one integer array of the chunk's shape instead.
    """

    def __init__(self):
        self._floats = self._ints = None

    @staticmethod
    def _view(buf, dtype, n, n_years):
        if buf is None or buf.shape[0] < n or buf.shape[1] != n_years:
            buf = np.empty((n, n_years), dtype=dtype)
        return buf

    def floats(self, n: int, n_years: int) -> np.ndarray:
        """A float64 work array of shape (n, n_years) (contents undefined)."""
        self._floats = self._view(self._floats, np.float64, n, n_years)
        return self._floats[:n]

    def ints(self, n: int, n_years: int) -> np.ndarray:
        """An int64 work array of shape (n, n_years) (contents undefined)."""
        self._ints = self._view(self._ints, np.int64, n, n_years)
        return self._ints[:n]


@dataclass
class LogHistogram:
    """Counts of one variable per year in absolute log10 bins.

    Bin ``k`` holds values in [10^(k·0.001), 10^((k+1)·0.001)). Zero (and −inf logs) and
    +inf are counted apart.

    Attributes
    ----------
    n_years : int
    offsets : numpy.ndarray of int64, shape (year,)
        Absolute index of column 0 of each row.
    counts : numpy.ndarray of int64, shape (year, width)
    low, high : numpy.ndarray of int64, shape (year,)
        Counts of zeros (ln = −inf) and of +inf.
    """

    n_years: int
    offsets: np.ndarray = None
    counts: np.ndarray = None
    low: np.ndarray = None
    high: np.ndarray = None

    def __post_init__(self):
        if self.counts is None:
            self.offsets = np.zeros(self.n_years, dtype=np.int64)
            self.counts = np.zeros((self.n_years, 0), dtype=np.int64)
            self.low = np.zeros(self.n_years, dtype=np.int64)
            self.high = np.zeros(self.n_years, dtype=np.int64)

    @classmethod
    def from_logs(cls, log_values: np.ndarray, scratch: Scratch | None = None) -> LogHistogram:
        """Histogram of natural logarithms ``log_values`` of shape (sample, year).

        ``scratch`` lends work arrays (one thread's, reused chunk after chunk); the counts do
        not depend on it.
        """
        n, n_years = log_values.shape
        # x -> x·c (rounded) and floor are monotone: the bins of the extremes are the extreme
        # bins, so the range comes from the logs themselves.
        lo = np.floor(column_reduce(np.minimum, log_values) * _LN_TO_BIN)
        hi = np.floor(column_reduce(np.maximum, log_values) * _LN_TO_BIN)
        h = cls(n_years)
        if not (np.isfinite(lo).all() and np.isfinite(hi).all()):
            scaled = log_values * _LN_TO_BIN
            return h._from_nonfinite(np.floor(scaled, out=scaled))
        width = int(np.max(hi - lo)) + 1
        # Bin indices in one pass over the logs (exact: integers below 2^53): scaled and cast
        # to integers, which truncates, the floor when every value is >= 1 (scaled logs >= 0),
        # else scaled and floored.
        idx = np.empty((n, n_years), np.int64) if scratch is None else scratch.ints(n, n_years)
        if lo.min() >= 0:
            np.multiply(log_values, _LN_TO_BIN, out=idx, casting="unsafe")
        else:
            out = None if scratch is None else scratch.floats(n, n_years)
            scaled = np.multiply(log_values, _LN_TO_BIN, out=out)
            np.floor(scaled, out=idx, casting="unsafe")
        idx += np.arange(n_years, dtype=np.int64) * width - lo.astype(np.int64)
        counts = np.bincount(idx.ravel(), minlength=n_years * width)
        h.offsets = lo.astype(np.int64)
        h.counts = counts.reshape(n_years, width)
        return h

    def _from_nonfinite(self, scaled: np.ndarray) -> LogHistogram:
        """Fill this histogram from floored, scaled logs some of which are ±inf or NaN."""
        n_years = self.n_years
        finite = np.isfinite(scaled)
        self.low = np.sum(scaled == -np.inf, axis=0).astype(np.int64)
        self.high = np.sum(~finite, axis=0).astype(np.int64) - self.low  # +inf and NaN
        lo = np.min(np.where(finite, scaled, np.inf), axis=0)
        hi = np.max(np.where(finite, scaled, -np.inf), axis=0)
        lo = np.where(np.isfinite(lo), lo, 0.0)
        hi = np.where(np.isfinite(hi), hi, 0.0)
        width = int(np.max(hi - lo)) + 1
        scaled = scaled + (np.arange(n_years) * width - lo)[None, :]
        counts = np.bincount(scaled[finite].astype(np.int64), minlength=n_years * width)
        self.offsets = lo.astype(np.int64)
        self.counts = counts.reshape(n_years, width)
        return self

    def merge(self, other: LogHistogram) -> None:
        """Add ``other``'s counts into this histogram (exact)."""
        if other.counts.shape[1] == 0:
            self.low += other.low
            self.high += other.high
            return
        if self.counts.shape[1] == 0:
            self.offsets, self.counts = other.offsets.copy(), other.counts.copy()
            self.low = self.low + other.low
            self.high = self.high + other.high
            return
        w_self, w_other = self.counts.shape[1], other.counts.shape[1]
        if w_self == w_other and np.array_equal(self.offsets, other.offsets):
            self.counts += other.counts
            self.low += other.low
            self.high += other.high
            return
        lo = np.minimum(self.offsets, other.offsets)
        hi = np.maximum(self.offsets + w_self, other.offsets + w_other)
        if np.any(lo < self.offsets) or np.any(hi > self.offsets + w_self):
            # Grow with a margin of a quarter of the span on each side so that later chunks
            # usually fit without another copy.
            margin = int(np.max(hi - lo)) // 4 + 1
            lo = lo - margin
            width = int(np.max(hi - lo)) + margin
            grown = np.zeros((self.n_years, width), dtype=np.int64)
            for y in range(self.n_years):
                s = self.offsets[y] - lo[y]
                grown[y, s : s + w_self] = self.counts[y]
            self.offsets, self.counts = lo, grown
        for y in range(self.n_years):
            s = other.offsets[y] - self.offsets[y]
            self.counts[y, s : s + other.counts.shape[1]] += other.counts[y]
        self.low += other.low
        self.high += other.high

    def compact(self) -> None:
        """Drop the empty margins merging left, so the histogram is small to keep and ship."""
        if self.counts.shape[1] == 0:
            return
        nonzero = self.counts != 0
        any_row = nonzero.any(axis=1)
        first = np.where(any_row, np.argmax(nonzero, axis=1), 0)
        last = np.where(any_row, self.counts.shape[1] - 1 - np.argmax(nonzero[:, ::-1], axis=1), 0)
        width = int(np.max(last - first)) + 1
        packed = np.zeros((self.n_years, width), dtype=np.int64)
        for y in range(self.n_years):
            row = self.counts[y, first[y] : last[y] + 1]
            packed[y, : row.size] = row
        self.offsets = self.offsets + first
        self.counts = packed

    def quantiles(self, probs) -> np.ndarray:
        """Quantiles per year, shape (len(probs), year), interpolated within a bin in log10."""
        out = np.empty((len(probs), self.n_years))
        for y in range(self.n_years):
            row = self.counts[y]
            cum = np.cumsum(row)
            n = int(cum[-1] if row.size else 0) + int(self.low[y]) + int(self.high[y])
            for i, p in enumerate(probs):
                target = p * n - self.low[y]
                if n == 0:
                    out[i, y] = math.nan
                elif target <= 0 and self.low[y] > 0:
                    out[i, y] = 0.0
                elif row.size == 0 or target > cum[-1]:
                    out[i, y] = math.inf
                else:
                    b = int(np.searchsorted(cum, target, side="left"))
                    before = cum[b - 1] if b > 0 else 0
                    frac = (target - before) / row[b] if row[b] else 0.0
                    out[i, y] = 10.0 ** ((self.offsets[y] + b + frac) * LOG10_BIN)
        return out


@dataclass
class BlockSums:
    """Per-block sums of a variable, added with math.fsum at the end (exact, order-free).

    Attributes
    ----------
    sums : dict of int to numpy.ndarray, shape (year,)
        Block index -> sum over the block's samples.
    """

    sums: dict = field(default_factory=dict)

    def add_blocks(self, first_block: int, values: np.ndarray, block: int) -> None:
        """Add the sums of ``values`` (sample, year), cut into blocks of ``block`` samples
        starting at block index ``first_block``."""
        n = values.shape[0]
        whole = n // block
        y = values.shape[1]
        if whole and block % _FOLD == 0:
            # Same shape for every whole block, so the same order of additions: exact
            # reproducibility whatever the chunking.
            part = values[: whole * block].reshape(whole, block // _FOLD, _FOLD * y).sum(axis=1)
            part = part.reshape(whole, _FOLD, y).sum(axis=1)
            for i in range(whole):
                self.sums[first_block + i] = part[i]
        elif whole:
            part = values[: whole * block].reshape(whole, block, y).sum(axis=1)
            for i in range(whole):
                self.sums[first_block + i] = part[i]
        if n % block:
            self.sums[first_block + whole] = values[whole * block :].sum(axis=0)

    def merge(self, other: BlockSums) -> None:
        self.sums.update(other.sums)

    def total(self) -> np.ndarray:
        if not self.sums:
            return np.zeros(0)
        stacked = np.stack([self.sums[k] for k in sorted(self.sums)])
        return np.array([math.fsum(stacked[:, y]) for y in range(stacked.shape[1])])


def year_histogram(years: np.ndarray) -> tuple[dict[int, int], int]:
    """Counts of finite fractional years in bins of :data:`YEAR_BIN`, and the +inf count."""
    finite = np.isfinite(years)
    k = np.floor(years[finite] / YEAR_BIN).astype(np.int64)
    if k.size == 0:
        return {}, int((~finite).sum())
    lo = int(k.min())
    counts = np.bincount(k - lo)
    nz = np.flatnonzero(counts)
    return dict(zip((nz + lo).tolist(), counts[nz].tolist(), strict=True)), int((~finite).sum())


def year_quantiles(counts: dict[int, int], never: int, probs) -> list[float | None]:
    """Quantiles of the exhaustion year from its histogram; None where the quantile falls
    among the samples that never exhaust."""
    keys = sorted(counts)
    n = sum(counts.values()) + never
    out: list[float | None] = []
    cum = np.cumsum([counts[k] for k in keys]) if keys else np.zeros(0)
    for p in probs:
        target = p * n
        if n == 0 or not keys or target > cum[-1]:
            out.append(None)
            continue
        b = int(np.searchsorted(cum, target, side="left"))
        before = cum[b - 1] if b > 0 else 0
        frac = (target - before) / counts[keys[b]]
        out.append(round(float((keys[b] + frac) * YEAR_BIN), 3))
    return out
