"""Opinion pools: the pooled summary is the mixture of the members' runs, by hand."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import ROOT, SCENARIOS

import scalesim
from scalesim.cli import main
from scalesim.errors import InputError
from scalesim.scenario.priors import BLOCK, member_seed, pool_assignment, pool_counts

POOL = """\
name: two views
samples: 3000
seed: 11
pool:
  trends: {{scenario: {a}, weight: 0.25}}
  slowdown: {{scenario: {b}, weight: 0.75}}
sources:
  pool.trends: "assumption: a quarter"
  pool.slowdown: "assumption: three quarters"
"""
A, B = SCENARIOS / "baseline.yaml", SCENARIOS / "algorithmic-slowdown.yaml"
SHIPPED_POOL = ROOT / "scenarios" / "pools" / "published-views.yaml"


def _pool(tmp_path, text=POOL, **kw):
    path = tmp_path / "pool.yaml"
    path.write_text(text.format(a=A, b=B, **kw))
    return path


@pytest.fixture(scope="module")
def pooled(tmp_path_factory):
    path = _pool(tmp_path_factory.mktemp("p"))
    return scalesim.run(path, keep=["largest_run_flop", "spend_usd"], summarize="all")


def test_assignment_is_a_function_of_the_index_alone():
    w = [0.25, 0.75]
    whole = pool_assignment(0, 3 * BLOCK, w)
    np.testing.assert_array_equal(
        pool_assignment(BLOCK + 7, 2 * BLOCK, w), whole[BLOCK + 7 : 2 * BLOCK]
    )
    # the counts follow the weights within a few samples, for any total
    for n in (10, 999, 3000, 100_000):
        counts = pool_counts(n, w)
        assert sum(counts) == n and abs(counts[0] - 0.25 * n) <= 3, (n, counts)
    assert member_seed(11, 0) != member_seed(11, 1)


def test_weights_025_075_give_the_mixture_of_the_two_runs(pooled):
    n = pooled.samples
    counts = pool_counts(n, [0.25, 0.75])
    assert sum(counts) == n and abs(counts[0] - 750) <= 3  # 749 and 2251
    runs = [
        scalesim.run(path, samples=c, seed=member_seed(11, k), keep=["largest_run_flop"])
        for k, (path, c) in enumerate(((A, counts[0]), (B, counts[1])))
    ]
    merged = np.concatenate([r.variables["largest_run_flop"] for r in runs])  # by hand
    q = pooled.quantiles("largest_run_flop")
    for p, key in ((0.05, "p5"), (0.25, "p25"), (0.5, "p50"), (0.95, "p95")):
        # between the order statistics around the p-quantile, give or take one bin (0.23%)
        lo = np.quantile(merged, p, axis=0, method="inverted_cdf")
        hi = np.quantile(merged, min(p + 1 / n, 1.0), axis=0, method="inverted_cdf")
        assert np.all(np.asarray(q[key]) >= lo / 1.0024), key
        assert np.all(np.asarray(q[key]) <= hi * 1.0024), key
    np.testing.assert_allclose(q["mean"], merged.mean(axis=0), rtol=1e-12)
    # the pooled per-sample rows are the members' samples, in the order of the assignment
    codes = pool_assignment(0, n, [0.25, 0.75])
    for k, r in enumerate(runs):
        np.testing.assert_array_equal(
            pooled.variables["largest_run_flop"][codes == k], r.variables["largest_run_flop"]
        )
    # each member's summary is that member's own run
    s = pooled.summary()
    assert s["members"]["trends"]["weight"] == 0.25
    assert s["members"]["trends"]["samples"] == counts[0]
    own = runs[0].summary()["variables"]["largest_run_flop"]
    assert s["members"]["trends"]["variables"]["largest_run_flop"] == own
    shares = np.asarray(s["binding_constraint_share"]["data"])
    by_hand = sum(
        np.asarray(r.summary()["binding_constraint_share"]["data"]) * c
        for r, c in zip(runs, counts, strict=True)
    )
    np.testing.assert_allclose(shares, by_hand / n, rtol=1e-12)


def test_pool_does_not_depend_on_chunks_or_threads(pooled):
    path = pooled.scenario.path
    other = scalesim.run(
        path, keep=["largest_run_flop", "spend_usd"], summarize="all", chunk_size=1, workers=1
    )
    assert json.dumps(other.summary(), sort_keys=True) == json.dumps(
        pooled.summary(), sort_keys=True
    )
    np.testing.assert_array_equal(other.variables["spend_usd"], pooled.variables["spend_usd"])


def test_bad_pools_are_one_line_naming_the_key(tmp_path):
    cases = {
        "weight: 0.25": ("weight: 0.2", "pool: the weights sum to 0.95; they must sum to 1"),
        '  pool.trends: "assumption: a quarter"\n': (
            "",
            "pool.trends.weight: cite where the weight",
        ),
        "weight: 0.75": ("weight: -1", "pool.slowdown.weight: expected a weight > 0 and <= 1"),
        "name: two views": ("name: two views\nyears: {{start: 2024, end: 2030}}", "years: a pool"),
    }
    for old, (new, message) in cases.items():
        text = POOL.replace(old, new, 1)
        path = _pool(tmp_path, text)
        with pytest.raises(InputError) as err:
            scalesim.load_scenario(path)
        assert str(err.value).startswith(f"{path}: {message}"), str(err.value)
    other_years = tmp_path / "short.yaml"
    other_years.write_text(f"name: short\nextends: {A}\nyears: {{start: 2024, end: 2030}}\n")
    path = _pool(tmp_path)
    path.write_text(POOL.format(a=A, b=other_years))
    with pytest.raises(InputError, match=r"pool\.slowdown\.scenario: its years 2024-2030 differ"):
        scalesim.load_scenario(path)
    path.write_text(POOL.format(a=A, b="no-such-file.yaml"))
    with pytest.raises(InputError, match=r"pool\.slowdown\.scenario: scenario 'no-such-file.yaml'"):
        scalesim.load_scenario(path)
    nested = tmp_path / "nested.yaml"
    nested.write_text(POOL.format(a=A, b=_pool(tmp_path)))
    with pytest.raises(InputError, match="a member cannot itself be a pool"):
        scalesim.load_scenario(nested)
    # analyses that work on one scenario's priors refuse a pool in one line
    from scalesim.engine.run import kernel_inputs

    with pytest.raises(InputError, match="a pool has no parameters of its own"):
        kernel_inputs(scalesim.load_scenario(_pool(tmp_path)))


def test_shipped_pool_runs_and_cites_every_weight(capsys):
    s = scalesim.load_scenario(SHIPPED_POOL)
    assert s.kind == "pool" and abs(sum(m.weight for m in s.pool) - 1) < 1e-12
    for m in s.pool:
        assert s.sources[f"pool.{m.name}"].startswith("assumption:")
    assert main(["validate", str(SHIPPED_POOL)]) == 0
    assert main(["run", str(SHIPPED_POOL), "-n", "2000", "-q"]) == 0
    r = scalesim.run(s, samples=2000, seed=1)
    summary = r.summary()
    assert set(summary["members"]) == {m.name for m in s.pool}
    assert sum(m["samples"] for m in summary["members"].values()) == 2000
    assert set(summary["binding_constraint_share"]) == set(s.constraints)
    np.testing.assert_allclose(
        np.sum(list(summary["binding_constraint_share"].values()), axis=0), 1.0
    )
