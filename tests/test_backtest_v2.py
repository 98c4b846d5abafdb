"""Backtest v2: the regime-change trend (model averaging over breaks), scores, rolling origins."""

from __future__ import annotations

import math

import numpy as np
import pytest

from scalesim.analysis.calibrate import breaks
from scalesim.analysis.calibrate.backtest import compare_models, rolling, score_draws
from scalesim.analysis.calibrate.history import load_history
from scalesim.cli import main


def _series(jump: float, noise: float = 0.05, n: int = 24, seed: int = 1):
    """Runs every half-year from 2010 on a line of 0.5 OOM/yr with a jump at 2015.9."""
    t = 2010.0 + 0.5 * np.arange(n) - 2000.0
    rng = np.random.default_rng(seed)
    y = 20.0 + 0.5 * t + jump * (t > 15.9) + noise * rng.standard_normal(n)
    return t, y


def test_a_straight_line_keeps_most_weight_on_the_line():
    t, y = _series(jump=0.0)
    w = breaks.weights_by_kind(breaks.fit_models(t, y))
    assert sum(w.values()) == pytest.approx(1.0)
    assert w["line"] > 0.5


def test_a_level_shift_is_read_as_a_shift_not_as_slope():
    t, y = _series(jump=2.0)
    models = breaks.fit_models(t, y)
    w = breaks.weights_by_kind(models)
    # No weight on the line; the break (a superset: shift plus a slope change) shares the
    # rest, but the heaviest single model is the shift.
    assert w["line"] < 1e-6 and w["shift"] > w["break"]
    best = max(models, key=lambda m: m.log_weight)
    assert best.kind == "shift"
    assert 15.5 < best.tau < 16.0
    # slope 0.5 OOM/yr and jump 2 OOM recovered (noise 0.05)
    assert best.beta[1] == pytest.approx(0.5, abs=0.02)
    assert best.beta[2] == pytest.approx(2.0, abs=0.1)
    # the average predicts the next run on the shifted line, 20 + 0.5 · 22 + 2 = 33
    draws = breaks.predictive_draws(models, np.array([22.0]), 4000, np.random.default_rng(0))
    assert np.median(draws) == pytest.approx(33.0, abs=0.1)


def test_predictive_is_the_student_t_of_the_regression():
    # A line through 4 points: predictive scale s·sqrt(1 + x0ᵀ(XᵀX)⁻¹x0), dof n − 2 = 2.
    t = np.array([0.0, 1.0, 2.0, 3.0])
    y = np.array([0.0, 1.1, 1.9, 3.0])
    (m,) = breaks.fit_models(t, y, kinds=("line",))
    x = np.stack([np.ones(4), t], axis=1)
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    rss = float(np.sum((y - x @ beta) ** 2))
    assert m.beta == pytest.approx(beta)
    assert m.scale == pytest.approx(math.sqrt(rss / 2))
    assert m.dof == 2
    assert math.exp(m.log_weight) == pytest.approx(1.0)


def test_scores_by_hand():
    # Draws uniform on 0..99: the central 50% is ~[25, 75], the 90% ~[5, 95].
    draws = np.tile(np.arange(100.0), (3, 1))
    s = score_draws(draws, np.array([50.0, 80.0, 99.5]))
    assert s["n"] == 3
    assert s["coverage_50"] == pytest.approx(1 / 3)
    assert s["coverage_90"] == pytest.approx(2 / 3)
    assert s["pit"] == [0, 0, 0, 0, 0, 1, 0, 0, 1, 1]
    # CRPS of a point at the middle of a uniform sample of width 99: E|X−y| − ½E|X−X'|
    mid = score_draws(np.tile(np.arange(100.0), (1, 1)), np.array([49.5]))
    assert mid["crps"] == pytest.approx(25.0 - 0.5 * (100**2 - 1) / (3 * 100), rel=1e-3)


@pytest.fixture(scope="module")
def history():
    return load_history(None)


def test_compare_scores_both_models_on_the_same_runs(history):
    rows = compare_models(history, cutoffs=(2016, 2020), bootstrap=500)
    assert [r["cutoff"] for r in rows] == [2016, 2020]
    for r in rows:
        assert r["n_scored"] > 0
        for model in ("line", "breaks"):
            assert 0 <= r[model]["coverage_50"] <= r[model]["coverage_90"] <= 1
            assert r[model]["crps"] > 0
        assert sum(r["weights"].values()) == pytest.approx(1.0)
    # The 2015–16 step into the large-scale era: the line reads it as slope, the average as
    # a shift, and scores far better on the runs after 2016 (README table).
    r2016 = rows[0]
    assert r2016["weights"]["shift"] > r2016["weights"]["line"]
    assert r2016["breaks"]["crps"] < r2016["line"]["crps"]


def test_rolling_pools_origins_by_horizon(history):
    out = rolling(history, first=2016.0, last=2018.0, draws=300)
    assert out["origins"] == [2016.0, 2016.5, 2017.0, 2017.5, 2018.0]
    for scores in out["models"].values():
        assert len(scores) == len(out["horizons"])
        assert all(sum(s["pit"]) == s["n"] for s in scores)


def test_cli_compare_and_rolling(tmp_path, capsys):
    path = tmp_path / "v2.json"
    rc = main(["backtest", "--compare", "--rolling", "--bootstrap", "300", "--json", str(path)])
    out = capsys.readouterr().out
    assert rc == 0
    assert "breaks CRPS" in out and "PIT histogram" in out and "2012.0–2023.0" in out
    assert path.is_file()


def test_cli_needs_a_cutoff_without_v2(capsys):
    assert main(["backtest"]) == 2
    assert "--cutoff" in capsys.readouterr().err
