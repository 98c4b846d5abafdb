"""Tests of scalesim.model.reliability.cluster (reliability of one training run) and ``scalesim cluster``."""

from __future__ import annotations

import json
import math

import array_api_strict
import numpy as np
import pytest

import scalesim.cli
from scalesim.errors import InputError
from scalesim.model.kernels.reliability import goodput_at
from scalesim.model.reliability import cluster
from scalesim.model.reliability.cluster import (
    CHECKPOINT_COST_MINUTES,
    MTBF_PER_ACCELERATOR_HOURS,
    TrainingRun,
    daly_goodput,
    daly_optimum_interval,
    run_replications,
    simulate_run,
    young_daly_interval,
)
from scalesim.model.reliability.goodput import best_checkpoint_interval, goodput_table


def test_llama3_failure_rate_derivation():
    assert MTBF_PER_ACCELERATOR_HOURS == pytest.approx(16_384 * 54 * 24 / 419)
    assert MTBF_PER_ACCELERATOR_HOURS == pytest.approx(50_677, abs=1)


def test_formulas_by_hand():
    # δ = 2, M = 100: sqrt(2δM) = 20; δ/2M = 0.01, so Daly's τ = 20·(1 + 0.1/3 + 0.01/9) − 2.
    assert young_daly_interval(2.0, 100.0) == pytest.approx(20.0)
    assert daly_optimum_interval(2.0, 100.0) == pytest.approx(18.688888888888889)
    assert daly_optimum_interval(300.0, 100.0) == 100.0  # δ ≥ 2M: τ = M
    # τ = 20, δ = 2, M = 100, R = 0: 20 / (100 · (e^0.22 − 1)); R = 10 multiplies by e^−0.1.
    assert daly_goodput(20.0, 2.0, 100.0, 0.0) == pytest.approx(20 / (100 * math.expm1(0.22)))
    assert daly_goodput(20.0, 2.0, 100.0, 10.0) == pytest.approx(
        math.exp(-0.1) * daly_goodput(20.0, 2.0, 100.0, 0.0)
    )
    np.testing.assert_allclose(young_daly_interval(np.array([2.0, 8.0]), 100.0), [20.0, 40.0])


@pytest.mark.parametrize(
    "mtbf_hours, delta_hours, restart_hours",
    [(24.0, 0.2, 0.5), (4.0, 1 / 12, 0.25), (1.0, 0.1, 0.25)],
)
def test_best_interval_and_goodput_match_daly(mtbf_hours, delta_hours, restart_hours):
    # One accelerator of MTBF M is a job of MTBF M; ~1,000 failures per replication.
    run = TrainingRun(
        1,
        1000 * mtbf_hours / 24,
        mtbf_hours=mtbf_hours,
        checkpoint_cost_minutes=60 * delta_hours,
        restart_minutes=60 * restart_hours,
    )
    best_minutes, goodput = best_checkpoint_interval(run, replications=20, seed=1)
    daly_minutes = 60 * daly_optimum_interval(delta_hours, mtbf_hours)
    assert best_minutes == pytest.approx(daly_minutes, rel=0.10)
    if delta_hours / mtbf_hours <= 0.025:  # Young's first-order τ is close enough only here
        young_minutes = 60 * young_daly_interval(delta_hours, mtbf_hours)
        assert best_minutes == pytest.approx(young_minutes, rel=0.10)
    expected = daly_goodput(best_minutes / 60, delta_hours, mtbf_hours, restart_hours)
    assert goodput == pytest.approx(expected, abs=0.02)


def test_llama3_interruptions():
    _, summary = run_replications(TrainingRun(16_384, 54), replications=20, seed=3)
    assert summary["interruptions"]["mean"] == pytest.approx(419, rel=0.15)


def test_no_failures_goodput_is_tau_over_tau_plus_delta():
    # τ + δ = 60 min divides the 24 h run: 24 cycles, 2 h of checkpoint writing.
    run = TrainingRun(1000, 1, mtbf_hours=1e15, checkpoint_minutes=55, checkpoint_cost_minutes=5)
    result = simulate_run(run, seed=0)
    assert result.interruptions == 0
    assert result.goodput == pytest.approx(55 / 60, rel=1e-12)
    assert result.useful_days == pytest.approx(55 / 60, rel=1e-12)
    assert result.wall_clock_days == 1
    assert result.lost_hours == pytest.approx({"checkpoint": 2.0, "rework": 0.0, "restart": 0.0})


def reference_hours(failures, horizon, tau, delta, restart):
    """Walk the schedule one compute or write phase at a time (no spares) [h]."""
    queue = [*failures, math.inf]
    t, k = 0.0, 0
    lost = {"useful": 0.0, "checkpoint": 0.0, "rework": 0.0}
    while True:
        # Train: compute τ then write δ, until a failure or the end of the run.
        while True:
            end = min(t + tau, horizon)
            if queue[k] < end:
                lost["rework"] += queue[k] - t
                break
            lost["useful"] += end - t
            t = end
            if t >= horizon:
                return lost
            end = min(t + delta, horizon)
            if queue[k] < end:
                lost["rework"] += tau
                lost["useful"] -= tau
                lost["checkpoint"] += queue[k] - t
                break
            lost["checkpoint"] += end - t
            t = end
            if t >= horizon:
                return lost
        # Restart from the failure; failures meanwhile start it again.
        t = queue[k]
        k += 1
        while queue[k] < t + restart:
            t = queue[k]
            k += 1
        t += restart
        if t >= horizon:
            return lost


@pytest.mark.parametrize("tau, delta, restart", [(0.7, 0.1, 0.3), (2.0, 0.5, 0.9)])
def test_closed_form_accounting_matches_phase_by_phase_walk(tau, delta, restart):
    run = TrainingRun(1, 40, mtbf_hours=1.5, restart_minutes=60 * restart)
    timeline = cluster._simulate_timeline(run, np.random.default_rng(7))
    assert timeline.failure_hours.size > 300
    got = cluster._account(timeline, tau, delta)
    want = reference_hours(timeline.failure_hours.tolist(), 960.0, tau, delta, restart)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-9, abs=1e-9), key
    assert sum(got.values()) == pytest.approx(960.0)


def test_spares_reduce_lost_time():
    base = TrainingRun(16_384, 54, spares=0)
    plenty = TrainingRun(16_384, 54, spares=100)
    (none,), _ = run_replications(base, replications=1, seed=5)
    (spared,), _ = run_replications(plenty, replications=1, seed=5)
    assert spared.interruptions == none.interruptions  # same failures (common seed)
    assert spared.spare_swaps == spared.interruptions
    assert sum(spared.lost_hours.values()) < sum(none.lost_hours.values())
    assert spared.lost_hours["restart"] <= spared.interruptions * plenty.swap_minutes / 60
    assert spared.lost_hours["restart"] < 0.25 * none.lost_hours["restart"]
    assert spared.goodput > none.goodput
    # A spare that is never repaired in time covers one failure only.
    (one,), _ = run_replications(TrainingRun(16_384, 54, spares=1, repair_hours=1e6), 1, 5)
    assert one.spare_swaps == 1


def test_determinism():
    run = TrainingRun(50_000, 20)
    assert simulate_run(run, seed=11) == simulate_run(run, seed=11)
    assert simulate_run(run, seed=11) != simulate_run(run, seed=12)
    assert run_replications(run, 3, seed=4)[1] == run_replications(run, 3, seed=4)[1]


def test_weibull_lifetimes_keep_the_failure_rate():
    # Ages start in steady state, so the job fails N / MTBF times per hour for any shape.
    run = TrainingRun(2_000, 2_000, mtbf_hours=10_000, weibull_shape=0.6)
    _, summary = run_replications(run, replications=4, seed=2)
    assert summary["interruptions"]["mean"] == pytest.approx(2_000 * 2_000 * 24 / 10_000, rel=0.05)


@pytest.mark.parametrize(
    "changes, key",
    [
        ({"accelerators": 0}, "accelerators"),
        ({"accelerators": 2.5}, "accelerators"),
        ({"days": -1.0}, "days"),
        ({"checkpoint_minutes": 0.0}, "checkpoint_minutes"),
        ({"spares": -1}, "spares"),
        ({"mtbf_hours": math.nan}, "mtbf_hours"),
        ({"accelerators": 10**9, "days": 30.0}, "accelerators"),  # too many failures to simulate
    ],
)
def test_bad_settings(changes, key):
    with pytest.raises(InputError) as info:
        TrainingRun(**{"accelerators": 8, "days": 1.0, **changes})
    assert info.value.key == key


def test_goodput_table():
    table = goodput_table([100_000, 1_000, 10_000], days=10, replications=4, seed=0)
    assert list(table.columns) == [
        "accelerators",
        "checkpoint_minutes",
        "goodput_mean",
        "goodput_std",
        "goodput_p5",
        "goodput_p95",
    ]
    assert table["accelerators"].tolist() == [1_000, 10_000, 100_000]
    assert table["goodput_mean"].is_monotonic_decreasing
    assert (table["goodput_p5"] <= table["goodput_mean"]).all()
    assert (table["goodput_mean"] <= table["goodput_p95"]).all()


@pytest.mark.parametrize("xp", [np, array_api_strict], ids=["numpy", "array_api_strict"])
def test_goodput_at_by_hand(xp):
    sizes = xp.asarray([1_000, 100_000, 10_000_000])
    goodput = xp.asarray([0.9, 0.7, 0.3])
    # Table points, log midpoints (10^4, 10^6) and clamped ends, in a 2-D array.
    accelerators = xp.asarray([[1_000.0, 10_000.0, 100_000.0], [1e6, 1e7, 10.0]])
    want = np.array([[0.9, 0.8, 0.7], [0.5, 0.3, 0.9]])
    got = goodput_at(accelerators, sizes, goodput, xp)
    assert got.shape == (2, 3)
    assert type(got) is type(accelerators)
    np.testing.assert_allclose(np.asarray(got), want, rtol=0, atol=100 * np.finfo(float).eps)
    # Integer sizes give float64; one-row tables are constant.
    assert goodput_at(xp.asarray([5, 1e8]), sizes, goodput, xp).dtype == xp.float64
    one = goodput_at(accelerators, xp.asarray([1000]), xp.asarray([0.5]), xp)
    np.testing.assert_array_equal(np.asarray(one), np.full((2, 3), 0.5))


def test_goodput_at_same_under_numpy_and_array_api_strict():
    rng = np.random.default_rng(0)
    sizes = np.array([1e3, 4e3, 3e4, 1e5, 1e6, 2e7])
    goodput = np.sort(rng.uniform(0.2, 1.0, sizes.size))[::-1].copy()
    accelerators = 10 ** rng.uniform(2, 8, (50, 7))
    want = goodput_at(accelerators, sizes, goodput, np)
    xp = array_api_strict
    got = goodput_at(xp.asarray(accelerators), xp.asarray(sizes), xp.asarray(goodput), xp)
    np.testing.assert_allclose(np.asarray(got), want, rtol=100 * np.finfo(float).eps, atol=0)
    np.testing.assert_allclose(
        want, np.interp(np.log(accelerators), np.log(sizes), goodput), rtol=1e-12
    )


@pytest.fixture
def cli():
    return scalesim.cli.main


def test_cli_json(cli, tmp_path, capsys):
    path = tmp_path / "cluster.json"
    argv = ["cluster", "--accelerators", "16384", "--days", "54", "--replications", "4"]
    assert cli([*argv, "--seed", "9", "--json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "goodput" in out and "Young" in out and "Daly" in out
    data = json.loads(path.read_text())
    for key in ("goodput", "interruptions"):
        assert set(data[key]) == {"mean", "std", "p5", "p95"}
    assert set(data["lost_hours"]) == {"checkpoint", "rework", "restart"}
    expected = {"best_checkpoint_minutes", "young_daly_minutes", "daly_goodput", "accelerators"}
    expected |= {"days", "mtbf_hours", "replications", "seed"}
    assert expected <= set(data)
    assert (data["accelerators"], data["days"], data["replications"], data["seed"]) == (
        16384,
        54.0,
        4,
        9,
    )
    assert data["mtbf_hours"] == pytest.approx(MTBF_PER_ACCELERATOR_HOURS)
    assert data["young_daly_minutes"] == pytest.approx(
        math.sqrt(2 * CHECKPOINT_COST_MINUTES * 50_677 * 60 / 16_384)
    )
    assert [p.name for p in tmp_path.iterdir()] == ["cluster.json"]  # no temporary left


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--accelerators", "0", "--days", "3"], "--accelerators: must be a positive integer"),
        (["--accelerators", "8", "--days", "0"], "--days: must be a positive number"),
        (["--accelerators", "8", "--days", "1", "--spares", "-2"], "--spares: must be a"),
        (["--accelerators", "8", "--days", "1", "--replications", "0"], "--replications:"),
        (["--accelerators", "8", "--days", "1", "--restart-minutes", "-1"], "--restart-minutes"),
    ],
)
def test_cli_bad_input(cli, capsys, argv, message):
    assert cli(["cluster", *argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"scalesim: error: {message}")
    assert err.count("\n") == 1
