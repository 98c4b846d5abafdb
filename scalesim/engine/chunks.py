"""Chunks of a run: each chunk's mergeable part, and folding parts into a result.

Merging is exact (integer counts and per-block sums), so the numbers do not depend on how a
run is split into chunks or threads (scalesim.engine.summary).
"""

from __future__ import annotations

import numpy as np

from scalesim.engine import backend as backends
from scalesim.engine.milestones import merge_counts
from scalesim.engine.results import Results
from scalesim.engine.summary import BlockSums, LogHistogram, year_histogram
from scalesim.scenario.priors import BLOCK


def compact(results: Results) -> Results:
    """Drop the empty margins of the histograms (smaller results to keep and ship)."""
    for hist in results.histograms.values():
        hist.compact()
    return results


def summarise_chunk(
    a, b, logs, binding, exhaustion, keep_names, summary_names, n_years, n_ceilings, scratch=None
):
    """The mergeable part of samples ``a:b``: histograms, block sums, binding counts,
    exhaustion-year counts, and the per-sample arrays kept.

    ``scratch`` (scalesim.engine.summary.Scratch) lends one thread's work arrays; a variable
    that is the very array of another (``training_flop`` is ``budget_flop`` when nothing is
    taken from pretraining) is summarised once. Neither changes a number.
    """
    n = b - a
    out = {"a": a, "b": b, "hist": {}, "sums": {}, "kept": {}}
    groups = {}  # id of a log array -> the names that are that array
    for name in dict.fromkeys([*summary_names, *keep_names]):
        groups.setdefault(id(logs[name]), []).append(name)
    for names in groups.values():
        summarised = [m for m in names if m in summary_names]
        kept = [m for m in names if m in keep_names]
        lg = backends.to_numpy(logs[names[0]])
        if lg.shape != (n, n_years):
            lg = np.broadcast_to(lg, (n, n_years))
        if kept or scratch is None:
            values = np.exp(lg)
        else:
            values = np.exp(lg, out=scratch.floats(n, n_years))
        for m in kept:
            out["kept"][m] = values
        if summarised:
            sums = BlockSums()
            sums.add_blocks(a // BLOCK, values, BLOCK)  # before from_logs, which may reuse
            hist = LogHistogram.from_logs(lg, scratch)  # the float work array ``values`` is
            for m in summarised:  # merging reads a part and never changes it
                out["sums"][m] = BlockSums(dict(sums.sums))
                out["hist"][m] = hist
    codes = backends.to_numpy(binding)
    if codes.shape != (n, n_years):
        codes = np.broadcast_to(codes, (n, n_years))
    # code · n_years + year, one bin per (ceiling, year), counted in one pass
    flat = np.empty((n, n_years), np.int64) if scratch is None else scratch.ints(n, n_years)
    np.multiply(codes, n_years, out=flat, dtype=np.int64)
    flat += np.arange(n_years)
    out["binding_counts"] = (
        np.bincount(flat.ravel(), minlength=n_ceilings * n_years).reshape(n_ceilings, n_years).T
    )
    exhaustion = backends.to_numpy(exhaustion)
    if exhaustion.shape != (n,):
        exhaustion = np.broadcast_to(exhaustion, (n,))
    out["exhaustion"] = year_histogram(exhaustion)
    if keep_names:
        out["binding"] = codes.astype(np.int8)
        out["exhaustion_years"] = exhaustion
    return out


def merge_chunk(results: Results, part: dict) -> None:
    """Fold a chunk's part (:func:`summarise_chunk`) into ``results`` (exact)."""
    a, b = part["a"], part["b"]
    for name, hist in part["hist"].items():
        results.histograms[name].merge(hist)
        results.means[name].merge(part["sums"][name])
    for name, values in part["kept"].items():
        results.variables[name][a:b] = values
    results.binding_counts += part["binding_counts"]
    counts, never = part["exhaustion"]
    for k, c in counts.items():
        results.exhaustion_counts[k] = results.exhaustion_counts.get(k, 0) + c
    results.exhaustion_never += never
    merge_counts(results.milestones, part.get("milestones", {}))
    if "binding" in part:
        results.binding_constraint[a:b] = part["binding"]
        results.data_exhaustion_year[a:b] = part["exhaustion_years"]


def empty_like(results: Results) -> Results:
    """A partial result sharing the kept arrays (threads write disjoint rows) but with
    empty summaries."""
    n_years = len(results.years)
    return Results(
        scenario=results.scenario,
        samples=results.samples,
        seed=results.seed,
        years=results.years,
        backend=results.backend,
        constraints=results.constraints,
        units=results.units,
        variables=results.variables,
        binding_constraint=results.binding_constraint,
        data_exhaustion_year=results.data_exhaustion_year,
        histograms={n: LogHistogram(n_years) for n in results.histograms},
        means={n: BlockSums() for n in results.means},
        binding_counts=np.zeros_like(results.binding_counts),
        milestones={},
    )


def merge_results(results: Results, part: Results) -> None:
    """Fold a partial result (one thread's chunks) into ``results`` (exact)."""
    for name, hist in part.histograms.items():
        results.histograms[name].merge(hist)
        results.means[name].merge(part.means[name])
    results.binding_counts += part.binding_counts
    for k, c in part.exhaustion_counts.items():
        results.exhaustion_counts[k] = results.exhaustion_counts.get(k, 0) + c
    results.exhaustion_never += part.exhaustion_never
    merge_counts(results.milestones, part.milestones)
