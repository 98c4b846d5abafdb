"""Compact, exact encodings of counts and sums, for results shipped between processes.

Counts (non-negative integers, e.g. histogram bins) travel as zig-zag deltas in the smallest
unsigned integer type, zlib-compressed: neighbouring bins differ little, so a histogram row
packs to a few bits per bin. Sums travel as one exact integer and a power of two per column,
so adding them in any order and rounding once gives the same float as ``math.fsum`` of all
the values (correctly rounded), whatever the split.
"""

from __future__ import annotations

import math
import zlib

import numpy as np

#: Smallest unsigned type holding each count, by the largest count.
_TYPES = (np.uint8, np.uint16, np.uint32, np.uint64)


def pack_counts(values: np.ndarray) -> tuple[int, int, bytes]:
    """A 1-D array of non-negative integer counts as (length, type code, zlib bytes):
    zig-zag deltas (neighbouring bins differ little) in the smallest unsigned type."""
    v = np.asarray(values, dtype=np.int64)
    delta = np.diff(v, prepend=np.int64(0))
    zigzag = ((delta << 1) ^ (delta >> 63)).astype(np.uint64)
    top = int(zigzag.max()) if zigzag.size else 0
    code = next(i for i, t in enumerate(_TYPES) if top <= np.iinfo(t).max)
    return v.size, code, zlib.compress(zigzag.astype(_TYPES[code]).tobytes(), 6)


def unpack_counts(length: int, code: int, data: bytes) -> np.ndarray:
    """The int64 counts of :func:`pack_counts`."""
    zigzag = np.frombuffer(zlib.decompress(data), dtype=_TYPES[code], count=length)
    z = zigzag.astype(np.int64)
    return np.cumsum((z >> 1) ^ -(z & 1), dtype=np.int64)


def pack_keyed(counts: dict[int, int]) -> tuple:
    """Counts by integer key (bin index -> count) as (first key, :func:`pack_counts`)."""
    if not counts:
        return 0, pack_counts(np.zeros(0, np.int64))
    lo, hi = min(counts), max(counts)
    dense = np.zeros(hi - lo + 1, np.int64)
    dense[np.asarray(list(counts)) - lo] = list(counts.values())
    return lo, pack_counts(dense)


def unpack_keyed(packed: tuple) -> dict[int, int]:
    """The non-zero counts by key of :func:`pack_keyed`."""
    lo, counts = packed[0], unpack_counts(*packed[1])
    nz = np.flatnonzero(counts)
    return dict(zip((nz + lo).tolist(), counts[nz].tolist(), strict=True))


def exact_sums(values: np.ndarray) -> list[tuple[int, int, int]]:
    """The exact column sums of ``values`` (row, column) [the values' unit], each as
    (integer N, exponent E, non-finite flags): the sum is N · 2^E exactly; flags 1 (+inf),
    2 (-inf), 4 (NaN) record non-finite entries, which decide the total alone."""
    out = []
    for col in np.asarray(values, dtype=np.float64).T:
        finite = np.isfinite(col)
        flags = (
            int(np.any(col == np.inf))
            | 2 * int(np.any(col == -np.inf))
            | 4 * int(np.any(col != col))
        )
        mantissa, exponent = np.frexp(col[finite])
        ints = (mantissa * 2.0**53).astype(np.int64).tolist()  # exact: 53-bit mantissas
        exps = (exponent.astype(np.int64) - 53).tolist()
        low = min(exps, default=0)
        out.append((sum(m << (e - low) for m, e in zip(ints, exps, strict=True)), low, flags))
    return out


def add_exact(a: tuple[int, int, int], b: tuple[int, int, int]) -> tuple[int, int, int]:
    """The exact sum of two :func:`exact_sums` entries."""
    low = min(a[1], b[1])
    return (a[0] << (a[1] - low)) + (b[0] << (b[1] - low)), low, a[2] | b[2]


def exact_total(entry: tuple[int, int, int]) -> float:
    """The float nearest the exact sum (as ``math.fsum`` of all the values: correctly
    rounded), or the non-finite value the entries decide."""
    n, e, flags = entry
    if flags & 4 or flags & 3 == 3:
        return math.nan
    if flags:
        return math.inf if flags & 1 else -math.inf
    return float(n << e) if e >= 0 else n / (1 << -e)  # int division rounds correctly


__all__ = [
    "add_exact",
    "exact_sums",
    "exact_total",
    "pack_counts",
    "pack_keyed",
    "unpack_counts",
    "unpack_keyed",
]
