"""Goodput tables from the SimPy model, and the ones the engine applies for ``reliability:``.

:func:`best_checkpoint_interval` and :func:`goodput_table` search and tabulate the
simulation of scalesim.cluster. :func:`per_sample_table` is the dimensionless table of
model v2, from which scalesim.model.kernels.reliability.log_goodput_derate gives each
sample the goodput of its own MTBF, checkpoint cost and restart time;
:func:`reliability_table` (one setting, by cluster size) is model v1's.

Cluster sizes from 1e2 to 1e8 accelerators in half-decades. Up to :data:`SIMULATED_MAX` the
goodput comes from the SimPy model (scalesim.cluster) at Daly's optimum checkpoint interval;
beyond it, where failures arrive every few seconds and an event simulation would take
minutes, from Daly's (2006) closed form, which the simulation matches within 2 percentage
points (tests/test_cluster.py). The table is cached per setting.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from scalesim.model.reliability.checkpointing import daly_goodput, daly_optimum_interval
from scalesim.model.reliability.cluster import (
    CHECKPOINT_COST_MINUTES,
    MTBF_PER_ACCELERATOR_HOURS,
    RESTART_MINUTES,
    TrainingRun,
    _account,
    _simulate_timeline,
    _simulate_timelines,
    _Timeline,
    run_replications,
)

SIZES = tuple(int(round(10 ** (k / 2))) for k in range(4, 17))
#: Largest cluster simulated event by event [accelerators].
SIMULATED_MAX = 1_000_000
#: Days simulated per size: goodput of a long run is a long-run ratio, so 30 days suffice.
TABLE_DAYS = 30.0
REPLICATIONS = 8
SEED = 20240723  # Llama 3 paper release date


def _mean_goodput(timelines: list[_Timeline], tau_hours, delta_hours: float) -> np.ndarray:
    total = sum(t.horizon_hours for t in timelines)
    useful = [[_account(t, tau, delta_hours)["useful"] for t in timelines] for tau in tau_hours]
    return np.sum(useful, axis=1) / total


def best_checkpoint_interval(
    run: TrainingRun,
    replications: int = 100,
    seed: int = 0,
) -> tuple[float, float]:
    """Checkpoint interval that maximises the mean simulated goodput.

    Every τ is evaluated on the same timelines (common random numbers). A log-spaced grid
    over [τ_D / 4, 4 τ_D] around Daly's optimum τ_D brackets the maximum; a parabola in
    log τ, fitted to a fine grid within three coarse steps of it, gives τ.

    Parameters
    ----------
    run : TrainingRun
        Settings of the run (its own ``checkpoint_minutes`` is ignored).
    replications, seed
        As in :func:`run_replications`; the same seed gives the same timelines.

    Returns
    -------
    checkpoint_minutes : float
        Best compute time between checkpoints [min].
    goodput : float
        Mean simulated goodput at that interval [fraction].
    """
    timelines = _simulate_timelines(run, replications, seed)
    delta = run.checkpoint_cost_minutes / 60.0
    coarse = daly_optimum_interval(delta, run.cluster_mtbf_hours) * np.geomspace(0.25, 4, 33)
    i = int(np.argmax(_mean_goodput(timelines, coarse, delta)))
    fine = np.geomspace(coarse[max(i - 3, 0)], coarse[min(i + 3, coarse.size - 1)], 25)
    goodput = _mean_goodput(timelines, fine, delta)
    a, b, _ = np.polyfit(np.log(fine), goodput, 2)
    best = float(np.exp(-b / (2.0 * a))) if a < 0 else float(fine[np.argmax(goodput)])
    best = min(max(best, float(fine[0])), float(fine[-1]))
    return 60.0 * best, float(_mean_goodput(timelines, [best], delta)[0])


def goodput_table(
    cluster_sizes,
    days: float,
    mtbf_hours: float = MTBF_PER_ACCELERATOR_HOURS,
    checkpoint_minutes: float | None = None,
    checkpoint_cost_minutes: float = CHECKPOINT_COST_MINUTES,
    restart_minutes: float = RESTART_MINUTES,
    spares: int = 0,
    replications: int = 20,
    seed: int = 0,
) -> pd.DataFrame:
    """Simulated goodput by cluster size, to interpolate with :func:`goodput_at`.

    Every size uses the same seed (common random numbers across sizes).

    Parameters
    ----------
    cluster_sizes : sequence of int
        Accelerators per run, N [-].
    days, mtbf_hours, checkpoint_minutes, checkpoint_cost_minutes, restart_minutes, spares
        As in :class:`TrainingRun` [day, h, min, min, min, -]; ``checkpoint_minutes=None``
        uses Daly's optimum for each size.
    replications, seed
        As in :func:`run_replications`.

    Returns
    -------
    pandas.DataFrame
        One row per size, ascending: accelerators [-], checkpoint_minutes [min],
        goodput_mean, goodput_std, goodput_p5, goodput_p95 [fraction].
    """
    settings = {"mtbf_hours": mtbf_hours, "checkpoint_minutes": checkpoint_minutes}
    settings |= {"checkpoint_cost_minutes": checkpoint_cost_minutes, "spares": spares}
    rows = []
    for n in sorted(int(size) for size in cluster_sizes):
        run = TrainingRun(n, days, restart_minutes=restart_minutes, **settings)
        g = run_replications(run, replications, seed)[1]["goodput"]
        rows.append((n, run.interval_minutes, g["mean"], g["std"], g["p5"], g["p95"]))
    stats = [f"goodput_{k}" for k in ("mean", "std", "p5", "p95")]
    return pd.DataFrame(rows, columns=["accelerators", "checkpoint_minutes", *stats])


@functools.lru_cache(maxsize=32)
def reliability_table(
    mtbf_hours: float, checkpoint_cost_minutes: float, restart_minutes: float
) -> pd.DataFrame:
    """Goodput by cluster size for one setting.

    Parameters
    ----------
    mtbf_hours : float
        Mean time between failures of one accelerator [h].
    checkpoint_cost_minutes, restart_minutes : float
        Checkpoint write cost δ and restart time R [min].

    Returns
    -------
    pandas.DataFrame
        accelerators [-], goodput_mean, goodput_p5, goodput_p95 [fraction], method
        (``simpy`` or ``daly``), capacity (max over smaller sizes of N · goodput) [-].
    """
    small = [n for n in SIZES if n <= SIMULATED_MAX]
    sim = goodput_table(
        small,
        TABLE_DAYS,
        mtbf_hours=mtbf_hours,
        checkpoint_cost_minutes=checkpoint_cost_minutes,
        restart_minutes=restart_minutes,
        replications=REPLICATIONS,
        seed=SEED,
    )
    rows = [
        {
            "accelerators": int(r.accelerators),
            "goodput_mean": r.goodput_mean,
            "goodput_p5": r.goodput_p5,
            "goodput_p95": r.goodput_p95,
            "method": "simpy",
        }
        for r in sim.itertuples()
    ]
    for n in SIZES:
        if n <= SIMULATED_MAX:
            continue
        m = mtbf_hours * 60 / n
        tau = float(daly_optimum_interval(checkpoint_cost_minutes, m))
        g = float(daly_goodput(tau, checkpoint_cost_minutes, m, restart_minutes))
        g = g if math.isfinite(g) else 0.0
        rows.append(
            {
                "accelerators": n,
                "goodput_mean": g,
                "goodput_p5": g,
                "goodput_p95": g,
                "method": "daly",
            }
        )
    table = pd.DataFrame(rows)
    table["capacity"] = np.maximum.accumulate(table["accelerators"] * table["goodput_mean"])
    return table


def log_table(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``(ln sizes, ln capacity)`` for scalesim.kernels.reliability.log_derate."""
    capacity = np.maximum(table["capacity"].to_numpy(dtype=float), 1e-300)
    return np.log(table["accelerators"].to_numpy(dtype=float)), np.log(capacity)


@dataclass(frozen=True)
class GoodputGrid:
    """Goodput by cost of failures per mean time between failures, for per-sample goodput
    (scalesim.model.kernels.reliability.log_goodput and log_goodput_derate).

    Node (i, j) is the cluster with z = exp(``log_cost_start`` + i · ``log_cost_step``)
    and w = j / (n_w − 1), where z = (δ + R) / M_sys and w = sqrt(δ / (δ + R)): checkpoint
    cost δ and restart time R over the job's mean time between failures M_sys = M / N.
    Built by :func:`per_sample_table` from the SimPy model.

    Attributes
    ----------
    log_cost_start, log_cost_step : float
        ln z of the first row and the step between rows [ln 1].
    log_goodput : array, shape (n_z, n_w)
        ln g, goodput at Daly's optimum checkpoint interval [ln fraction].
    log_capacity : array, shape (n_z, n_w)
        ln of max over rows i' <= i of z_i' · g_i' (useful compute per M / (δ + R)
        accelerators, non-decreasing down each column) [ln 1].
    """

    log_cost_start: float
    log_cost_step: float
    log_goodput: object
    log_capacity: object

    @property
    def log_cost_stop(self) -> float:
        """ln z of the last row [ln 1]."""
        return self.log_cost_start + (self.log_goodput.shape[0] - 1) * self.log_cost_step


#: Per-sample table (model v2): rows z = (δ + R) / M_sys from 1e-9 to 10^(2/3) ≈ 4.6 in
#: twelfths of a decade, columns w = sqrt(δ / (δ + R)) in tenths. Every sample's N·g(N)
#: peaks at z ≈ 0.8–1 (Daly's closed form), inside the rows.
PER_SAMPLE_LOG_COST = (math.log(1e-9), math.log(10.0) / 12.0, 117)
PER_SAMPLE_COLUMNS = 11
#: Failures simulated per restart time: the long-run goodput to ~1% of the time lost.
PER_SAMPLE_FAILURES = 10_000
#: Restart times R / M_sys simulated [1]: 0 and doublings from 1e-3 to the last row's z.
#: In between ln g is linear in R / M_sys, as in Daly's closed form (g ∝ e^{−R / M_sys}).
PER_SAMPLE_RESTARTS = (0.0, *np.geomspace(1e-3, 10 ** (2 / 3), 13).tolist())


def _useful_share(timeline: _Timeline, x: float) -> float:
    """Goodput of a timeline (M_sys = 1 h) at checkpoint cost x [h] and Daly's interval."""
    if x == 0.0:  # free checkpoints: τ → 0, every hour up is kept
        useful = float(np.sum(timeline.up_hours))
    else:
        useful = _account(timeline, float(daly_optimum_interval(x, 1.0)), x)["useful"]
    return max(useful, 1e-300) / timeline.horizon_hours


@functools.lru_cache(maxsize=1)
def per_sample_table() -> GoodputGrid:
    """The SimPy model's goodput over the cost of failures, for per-sample goodput.

    In units of the job's mean time between failures M_sys = M / N the goodput depends only
    on x = δ / M_sys and y = R / M_sys. One SimPy timeline of :data:`PER_SAMPLE_FAILURES`
    failures (M_sys = 1 h, the same failure times for all) per restart time in
    :data:`PER_SAMPLE_RESTARTS`; each node (z, w) of the grid (:class:`GoodputGrid`),
    x = w² z and y = (1 − w²) z, is accounted on the two timelines around its y at Daly's
    (2006) optimum interval, ln g linear in y between them. The simulated goodput matches
    Daly's closed form to ~1% of the time lost (tests/test_goodput_per_sample.py).
    Deterministic (seed :data:`SEED`); under a second, once per process.

    Returns
    -------
    GoodputGrid
        ln g and ln capacity (running maximum of z · g down each column) on the grid.
    """
    start, step, rows = PER_SAMPLE_LOG_COST
    days = PER_SAMPLE_FAILURES / 24.0
    timelines = [
        _simulate_timeline(
            TrainingRun(1, days, mtbf_hours=1.0, restart_minutes=60.0 * y),
            np.random.default_rng(SEED),
        )
        for y in PER_SAMPLE_RESTARTS
    ]
    restarts = np.asarray(PER_SAMPLE_RESTARTS)
    log_z = start + step * np.arange(rows)
    share = np.linspace(0.0, 1.0, PER_SAMPLE_COLUMNS) ** 2  # δ / (δ + R) = w²
    log_g = np.empty((rows, share.size))
    for i, z in enumerate(np.exp(log_z)):
        for j, s in enumerate(share):
            x, y = s * z, (1.0 - s) * z
            k = min(int(np.searchsorted(restarts, y, side="right")) - 1, restarts.size - 2)
            lo = math.log(_useful_share(timelines[k], x))
            hi = math.log(_useful_share(timelines[k + 1], x))
            log_g[i, j] = lo + (y - restarts[k]) / (restarts[k + 1] - restarts[k]) * (hi - lo)
    log_g = np.minimum(log_g, 0.0)
    log_capacity = np.maximum.accumulate(log_z[:, None] + log_g, axis=0)
    return GoodputGrid(float(start), float(step), log_g, log_capacity)
