"""Per-sample goodput derate: each sample's own MTBF, checkpoint cost and restart time."""

from __future__ import annotations

import math

import array_api_strict
import numpy as np
import pytest
from conftest import arr, to_np

from scalesim.model.kernels.reliability import (
    log_daly_goodput,
    log_goodput,
    log_goodput_derate,
)
from scalesim.model.reliability.checkpointing import daly_goodput, daly_optimum_interval
from scalesim.model.reliability.cluster import TrainingRun, run_replications
from scalesim.model.reliability.goodput import per_sample_table

LLAMA3 = (50_700.0, 0.5, 5.0)  # MTBF per accelerator [h], checkpoint cost, restart [min]
EPS = np.finfo(np.float64).eps


def derate(n, mtbf, delta, restart, xp=np, fn=log_goodput_derate):
    """The kernel on (sample, year) accelerators and (sample, 1) settings, as numpy."""
    col = lambda v: arr(xp, np.reshape(np.asarray(v, dtype=float), (-1, 1)))  # noqa: E731
    log_n = arr(xp, np.log(np.atleast_2d(np.asarray(n, dtype=float))))
    return to_np(fn(log_n, col(mtbf), col(delta), col(restart), xp=xp))


def daly_by_size(n, mtbf_hours, delta_minutes, restart_minutes):
    """Daly's (2006) goodput at his optimum interval, from scalesim.checkpointing [fraction]."""
    m = 60.0 * mtbf_hours / np.asarray(n, dtype=float)
    tau = daly_optimum_interval(delta_minutes, m)
    return daly_goodput(tau, delta_minutes, m, restart_minutes)


def test_llama3_goodput_matches_the_simpy_replications():
    # Meta (2024): > 90% effective training time on 16,384 GPUs; the SimPy model, 20 runs.
    _, summary = run_replications(TrainingRun(16_384, 54), replications=20, seed=3)
    simulated = summary["goodput"]["mean"]
    got = math.exp(derate([[16_384]], *LLAMA3)[0, 0])
    assert got == pytest.approx(simulated, abs=0.02)
    assert 0.88 < got < 0.92
    # Daly by hand: M_sys = 50,700 h / 16,384 = 185.67 min, x = 0.5 / 185.67 = 0.002693,
    # τ = sqrt(2x)(1 + sqrt(x/2)/3 + x/18) − x = 0.07286, g = τ e^{−5/185.67} / (e^{τ+x} − 1).
    m = 50_700 * 60 / 16_384
    x = 0.5 / m
    tau = math.sqrt(2 * x) * (1 + math.sqrt(x / 2) / 3 + x / 18) - x
    by_hand = tau * math.exp(-5 / m) / math.expm1(tau + x)
    assert by_hand == pytest.approx(0.904, abs=0.001)
    assert got == pytest.approx(by_hand, abs=0.005)


def test_past_the_table_goodput_is_dalys_closed_form_by_hand():
    # N = 1e8: M_sys = 50,700 h / 1e8 = 1.8252 s, failures every two seconds. x = δ / M_sys
    # = 30 s / 1.8252 s = 16.44 >= 2, so Daly's interval is τ = M_sys, and
    # g = e^{−R/M_sys} / (e^{1 + x} − 1) with R / M_sys = 300 s / 1.8252 s = 164.4:
    # ln g = −164.4 − (1 + 16.44) − ln(1 − e^{−17.44}) ≈ −181.8.
    m_sys = 50_700 * 3600 / 1e8
    x, y = 30 / m_sys, 300 / m_sys
    by_hand = -y - (1 + x) - math.log1p(-math.exp(-(1 + x)))
    assert by_hand == pytest.approx(-181.8, abs=0.05)
    got = derate([[1e8]], *LLAMA3, fn=log_goodput)[0, 0]
    assert got == pytest.approx(by_hand, rel=1e-12)


def test_past_the_peak_useful_compute_is_that_of_the_best_cluster():
    # A developer with 1e8 accelerators uses the N* that maximises N · g(N); by brute force
    # over Daly's closed form (which the SimPy table matches to ~1% of the time lost).
    sizes = np.geomspace(1e4, 1e8, 20_001)
    best = np.max(sizes * daly_by_size(sizes, *LLAMA3))
    peak = sizes[np.argmax(sizes * daly_by_size(sizes, *LLAMA3))]
    assert 4e5 < peak < 5.5e5  # z = N (δ + R) / M ≈ 0.85
    got = np.exp(derate([[1e7, 1e8]], *LLAMA3))[0]
    np.testing.assert_allclose(got, best / np.array([1e7, 1e8]), rtol=0.02)


def test_each_sample_uses_its_own_mtbf():
    # Same cluster and costs; one sample's accelerators fail four times as often.
    mtbf = [20_000.0, 80_000.0]
    got = np.exp(derate([[16_384, 1e5]] * 2, mtbf, [0.5, 0.5], [5.0, 5.0]))
    assert got.shape == (2, 2)
    assert np.all(got[0] < got[1] - 0.02)
    want = daly_by_size([[16_384, 1e5]], np.reshape(mtbf, (2, 1)), 0.5, 5.0)
    np.testing.assert_allclose(got, want, atol=0.005)
    # Costs are per sample too: a restart of 30 min loses more than one of 5 min.
    slow = np.exp(derate([[16_384]] * 2, [50_700.0] * 2, [0.5] * 2, [5.0, 30.0]))
    assert slow[1, 0] < slow[0, 0] - 0.02


def test_useful_compute_never_falls_as_hardware_grows():
    rng = np.random.default_rng(4)
    # Random settings, free checkpoints, instant restarts, extremes, and accelerators so
    # reliable that small clusters lie below the table (Daly's closed form there).
    mtbf = np.concatenate([rng.lognormal(np.log(5e4), 1.5, 20), [5e4, 5e4, 5e4, 1e3, 1e9]])
    delta = np.concatenate([rng.lognormal(np.log(0.5), 1.5, 20), [0.0, 0.5, 1e-6, 30.0, 0.5]])
    restart = np.concatenate([rng.lognormal(np.log(5.0), 1.5, 20), [5.0, 0.0, 5.0, 1e-6, 5.0]])
    sizes = np.geomspace(1.0, 1e11, 5_000)
    log_derate = derate(np.tile(sizes, (mtbf.size, 1)), mtbf, delta, restart)
    assert np.all(np.isfinite(log_derate)) and np.all(log_derate <= 0.0)
    useful = np.log(sizes) + log_derate
    assert np.all(np.diff(useful, axis=1) >= -1e-12)
    # It is also capped: past each sample's best cluster, useful compute stays put.
    assert np.all(useful[:, -1] - useful[:, -2] < 1e-9)


def test_tiny_clusters_lose_nothing_to_failures():
    # One accelerator of Llama 3's: a failure every 5.8 years, loss ≈ sqrt(2 δ / M) ≈ 6e-4.
    got = derate([[1, 2]], *LLAMA3)
    assert np.all(np.abs(got) < 1e-3)
    assert got[0, 0] == pytest.approx(-math.sqrt(2 * 0.5 / (50_700 * 60)), rel=0.05)
    # Failures that never come, or free checkpoints and restarts: nothing lost at all.
    assert np.abs(derate([[1, 1e6]], 1e30, 0.5, 5.0)).max() < 1e-9
    assert np.abs(derate([[1, 1e6]], 50_700.0, 0.0, 0.0)).max() < 1e-12


def test_same_under_numpy_and_array_api_strict(xp):
    rng = np.random.default_rng(1)
    sizes = 10 ** rng.uniform(0, 10, (64, 27))
    settings = [rng.lognormal(np.log(v), 1.0, 64) for v in LLAMA3]
    want = derate(sizes, *settings)
    got = derate(sizes, *settings, xp=xp)
    np.testing.assert_allclose(got, want, rtol=100 * EPS, atol=100 * EPS)
    # (1, 1) settings broadcast over the samples.
    one = derate(sizes, *([v] for v in LLAMA3), xp=xp)
    assert one.shape == sizes.shape


def test_kernel_stays_in_the_array_api():
    xp = array_api_strict
    out = log_goodput_derate(
        xp.asarray(np.log([[1e3, 1e5, 1e12]])),
        *(xp.asarray([[v]]) for v in LLAMA3),
        xp=xp,
    )
    assert isinstance(out, xp.asarray(0.0).__class__) and out.dtype == xp.float64


def test_simpy_table_agrees_with_dalys_closed_form():
    # Daly's T_wall = M e^{R/M} (e^{(τ+δ)/M} − 1) T_s / τ is the exact long-run goodput of the
    # SimPy model; the table (10,000 failures per restart time) matches it to ~1% of the
    # time lost, and its capacity peaks inside the rows.
    table = per_sample_table()
    rows, cols = table.log_goodput.shape
    z = np.exp(table.log_cost_start + table.log_cost_step * np.arange(rows))[:, None]
    share = np.linspace(0.0, 1.0, cols)[None, :] ** 2
    daly = np.exp(log_daly_goodput(share * z, (1 - share) * z, xp=np))
    simulated = np.exp(table.log_goodput)
    assert np.all(np.abs(simulated - daly) <= 0.03 * (1 - daly) + 1e-9)
    peak = np.argmax(table.log_capacity, axis=0)
    assert np.all(peak < rows - 5)
    assert np.all(table.log_capacity[-1] == table.log_capacity[peak, np.arange(cols)])


def test_table_is_deterministic():
    first = per_sample_table()
    per_sample_table.cache_clear()
    try:
        again = per_sample_table()
    finally:
        per_sample_table.cache_clear()
    np.testing.assert_array_equal(first.log_goodput, again.log_goodput)
    np.testing.assert_array_equal(first.log_capacity, again.log_capacity)
