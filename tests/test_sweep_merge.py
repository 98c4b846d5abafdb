"""Sweep results shipped compactly and pooled exactly: packed counts and exact sums round
trip, the pooled summary does not depend on how points are grouped into tasks, and
milestone summaries are identical serial, on a Dask split and across chunk sizes."""

from __future__ import annotations

import math
import pickle

import numpy as np
import pytest
from conftest import SCENARIOS

import scalesim
from scalesim.analysis.compact import (
    add_exact,
    exact_sums,
    exact_total,
    pack_counts,
    pack_keyed,
    unpack_counts,
    unpack_keyed,
)
from scalesim.analysis.sweep import SweepResult, load_sweep, run_sweep
from scalesim.analysis.sweep_merge import CoarseHistogram, batches, run_batch
from scalesim.engine.summary import LogHistogram

BASELINE = SCENARIOS / "baseline.yaml"
BIOANCHORS = SCENARIOS / "milestones-bioanchors.yaml"


def _sweep(tmp_path, base, values, samples, name="sweep.yaml"):
    path = tmp_path / name
    path.write_text(
        f"base: {base}\nmethod: grid\nparameters:\n  spending.growth: {{values: {values}}}\n"
        f"samples: {samples}\nseed: 7\n"
    )
    return load_sweep(path)


def test_counts_pack_to_a_few_bits_per_bin_and_round_trip():
    rng = np.random.default_rng(0)
    smooth = np.bincount(rng.normal(500, 100, 100_000).astype(int).clip(0, 999), minlength=1000)
    for counts in (smooth, np.zeros(0, np.int64), np.array([0, 2**40, 0, 7]), np.zeros(5)):
        length, code, data = pack_counts(counts)
        assert np.array_equal(unpack_counts(length, code, data), counts)
    # 1,000 bins of ~100 counts each (Poisson noise ~10): under 1,200 bytes, 8 KB as int64
    assert len(pack_counts(smooth)[2]) < 1200
    assert unpack_keyed(pack_keyed({-3: 2, 7: 1, 4000: 5})) == {-3: 2, 7: 1, 4000: 5}
    assert unpack_keyed(pack_keyed({})) == {}


def test_exact_sums_in_any_split_equal_fsum_of_all_values():
    rng = np.random.default_rng(1)
    # magnitudes from 1e-10 to 1e40 in one column: a float sum in the wrong order loses them
    values = np.exp(rng.uniform(-23, 92, size=(500, 3))) * rng.choice([-1, 1], size=(500, 3))
    want = [math.fsum(values[:, j]) for j in range(3)]
    for cuts in ([250], [1, 2, 3, 499], list(range(10, 500, 37))):
        parts = [exact_sums(p) for p in np.split(values, cuts)]
        total = parts[-1]
        for part in reversed(parts[:-1]):
            total = [add_exact(a, b) for a, b in zip(part, total, strict=True)]
        assert [exact_total(t) for t in total] == want
    # a naive sum differs in the last bits at least somewhere (what exactness is for)
    assert [float(np.sum(values[:, j])) for j in range(3)] != want
    inf = exact_sums(np.array([[1.0, np.inf, np.nan], [2.0, 1.0, 1.0]]))
    assert [exact_total(e) for e in inf][:2] == [3.0, math.inf] and math.isnan(exact_total(inf[2]))


def test_coarse_histogram_pickles_to_its_counts():
    rng = np.random.default_rng(2)
    logs = rng.normal(60.0, 8.0, size=(20_000, 5))
    logs[:50, 1] = np.inf
    logs[50:90, 2] = -np.inf
    hist = CoarseHistogram.of(LogHistogram.from_logs(logs))
    back = pickle.loads(pickle.dumps(hist))
    probs = [0.001, 0.05, 0.5, 0.95, 0.999]
    assert np.array_equal(back.quantiles(probs), hist.quantiles(probs))
    assert np.array_equal(back.low, [0, 0, 40, 0, 0]) and np.array_equal(
        back.high, [0, 50, 0, 0, 0]
    )
    assert back.counts.sum() == hist.counts.sum() == 20_000 * 5 - 90
    empty = pickle.loads(pickle.dumps(CoarseHistogram(3)))
    assert empty.counts.shape == (3, 0)


def _groupings(sweep) -> list[dict]:
    pts = sweep.points
    return [
        SweepResult.of(sweep, parts, "here").summary()
        for parts in (
            [run_batch((p,)) for p in pts],
            [run_batch(pts)],
            [run_batch(pts[1:]), run_batch(pts[:1])],
        )
    ]


def test_pooled_summary_does_not_depend_on_the_grouping_into_tasks(tmp_path):
    # two ceilings and five (matched by name), then a milestone: the same in any grouping
    scaling = SCENARIOS / "scaling-2030.yaml"
    path = tmp_path / "list.yaml"
    path.write_text(f"scenarios: [{BASELINE}, {scaling}, {BASELINE}]\nsamples: 3000\nseed: 4\n")
    sweep = load_sweep(path)
    one_each, together, reordered = _groupings(sweep)
    assert together == one_each == reordered
    pooled = together["pooled"]
    assert pooled["samples"] == 9000
    # pooled means: the exact sums of three runs of 3,000 samples over 9,000
    means = [p["summary"]["variables"]["largest_run_flop"]["mean"] for p in together["points"]]
    want = [(a + b + c) / 3 for a, b, c in zip(*means, strict=True)]
    assert pooled["variables"]["largest_run_flop"]["mean"] == pytest.approx(want, rel=1e-12)
    papers = _sweep(tmp_path, SCENARIOS / "scientific-papers-1e35.yaml", [2.0, 2.5, 3.0], 2000)
    one_each, together, reordered = _groupings(papers)
    assert together == one_each == reordered
    assert together["pooled"]["milestones"]["scientific_papers"]["p_reached"][-1] > 0


def test_points_with_other_years_have_no_pooled_summary_in_any_grouping(tmp_path):
    path = tmp_path / "mixed.yaml"
    path.write_text(f"scenarios: [{BASELINE}, {BIOANCHORS}]\nsamples: 500\nseed: 1\n")
    sweep = load_sweep(path)
    for parts in ([run_batch(sweep.points)], [run_batch((p,)) for p in sweep.points]):
        result = SweepResult.of(sweep, parts, "here")
        assert result.pooled() is None and result.summary()["pooled"] is None


def test_batches_keep_point_order_and_share_evenly():
    groups = batches(range(50), 2, 4)
    assert [len(g) for g in groups] == [7, 7, 6, 6, 6, 6, 6, 6]
    assert [x for g in groups for x in g] == list(range(50))
    assert [len(g) for g in batches(range(6), 2, 4)] == [1] * 6
    assert [len(g) for g in batches(range(3), 0, 4)] == [1, 1, 1]


def test_a_task_ships_under_100_kb_per_point(tmp_path):
    # 4 baseline points of 20,000 samples in one task (a point's full Results pickled to
    # ~1.6 MB at 100,000 samples before results were made compact)
    sweep = _sweep(tmp_path, BASELINE, [2.0, 2.3, 2.6, 2.9], 20_000)
    batch = run_batch(sweep.points)
    size = len(pickle.dumps(batch, protocol=5))
    assert size / 4 < 100_000, size
    back = pickle.loads(pickle.dumps(batch, protocol=5))
    here = SweepResult.of(sweep, [batch], "here").summary()
    assert SweepResult.of(sweep, [back], "shipped").summary() == here


@pytest.mark.slow
def test_milestone_summaries_identical_serial_dask_split_and_chunk_sizes(tmp_path):
    # Cotra's six anchors as a mixture, conditioned on "not reached by 2025" (samples
    # dropped): 3 points of 17,000 samples (two engine chunks each: 16,384 and 616)
    sweep = _sweep(tmp_path, BIOANCHORS, [1.2, 1.4, 1.6], 17_000)
    serial = run_sweep(sweep, serial=True)
    dask = run_sweep(sweep, workers=2)
    assert dask.summary() == serial.summary()
    # a point's milestones in one chunk on two threads: the same as the sweep's two chunks
    point = sweep.points[1]
    res = scalesim.run(point.scenario, seed=point.seed, samples=17_000, chunk_size=32_768)
    assert res.summary()["milestones"] == serial.points[1].summary["milestones"]
    pooled = serial.pooled()["milestones"]["transformative_ai"]
    points = [p.summary["milestones"]["transformative_ai"] for p in serial.points]
    # pooled = the points' samples together: P(reached) weighted by the samples kept
    kept = [17_000 * (1 - p["share_dropped"]) for p in points]
    for i, value in enumerate(pooled["p_reached"]):
        want = sum(k * p["p_reached"][i] for k, p in zip(kept, points, strict=True)) / sum(kept)
        assert value == pytest.approx(want, abs=1e-12)
    assert pooled["share_dropped"] == pytest.approx(sum(p["share_dropped"] for p in points) / 3)
    never = sum(k * p["share_never"] for k, p in zip(kept, points, strict=True)) / sum(kept)
    assert pooled["share_never"] == pytest.approx(never, abs=1e-12)
    assert 0 < pooled["share_dropped"] < 1
    # a quantile of the pooled samples lies between the points' own quantiles
    for q in ("p10", "p50"):
        own = [p["arrival_year"][q] for p in points if p["arrival_year"][q] is not None]
        assert min(own) - 0.01 <= pooled["arrival_year"][q] <= max(own) + 0.01, q


def test_pool_part_keeps_only_milestones_every_point_has(tmp_path):
    papers = SCENARIOS / "scientific-papers-1e35.yaml"
    plain = tmp_path / "plain.yaml"  # the same years, no milestones
    plain.write_text("extends: baseline\nyears: {start: 2024, end: 2100}\n")
    path = tmp_path / "ms.yaml"
    path.write_text(f"scenarios: [{papers}, {papers}]\nsamples: 800\nseed: 2\n")
    result = run_sweep(load_sweep(path), serial=True)
    pooled = result.pooled()["milestones"]
    assert list(pooled) == ["scientific_papers"]
    # the same point twice: the same shares and years
    assert (
        pooled["scientific_papers"] == result.points[0].summary["milestones"]["scientific_papers"]
    )
    path.write_text(f"scenarios: [{papers}, {plain}]\nsamples: 800\nseed: 2\n")
    result = run_sweep(load_sweep(path), serial=True)
    assert "scientific_papers" in result.points[0].summary["milestones"]
    assert result.pooled() is not None and "milestones" not in result.pooled()
