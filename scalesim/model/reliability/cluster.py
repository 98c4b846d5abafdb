"""Reliability of one training run on N accelerators: failures, checkpoints, restarts.

A SimPy discrete-event model of the job's availability: accelerators fail, the job stops,
restarts (or swaps in a hot spare) and trains again until the next failure or the end of
the run. Inside each stretch of training the schedule is fixed (compute for τ, write a
checkpoint for δ, repeat), so it is accounted in closed form per stretch rather than event
by event. That is exact, and one simulated timeline serves every τ (common random numbers
for the search of the best τ).

- Failures: each accelerator fails after an exponential (default) or Weibull lifetime of
  mean ``mtbf_hours`` and is as good as new afterwards (renewal), with ages in steady state.
  The job sees their superposition: one Poisson process of rate N / MTBF for exponential
  lifetimes, else a heap of per-accelerator next-failure times (close to Poisson for large
  N either way). Every failure stops the job (synchronous training) and is an interruption.
- Lost time by cause: "rework" is compute since the last completed checkpoint, redone;
  "checkpoint" is time spent writing checkpoints, completed or cut short; "restart" is the
  time from a failure until training resumes. A failure during a restart starts it again,
  as in Daly (2006).
- Hot spares: with a spare on hand a failure costs ``swap_minutes`` (the spare is already
  provisioned; only the checkpoint is reloaded) instead of ``restart_minutes``; the failed
  accelerator rejoins the spare pool after ``repair_hours``. Rework is unchanged.
- A run lasts ``days`` of wall-clock time; compute in progress at the end counts as useful
  (the final save is not charged). goodput = useful training time / wall-clock time.

References
----------
Meta AI, "The Llama 3 Herd of Models", 2024, sec. 3.3.4: 419 unexpected interruptions in
a 54-day snapshot of pre-training on 16,384 GPUs.
J. W. Young, "A first order approximation to the optimum checkpoint interval", Commun.
ACM 17(9), 1974.
J. T. Daly, "A higher order estimate of the optimum checkpoint interval for restart
dumps", Future Generation Computer Systems 22(3), 2006.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

import numpy as np
import simpy

from scalesim.errors import InputError
from scalesim.model.reliability.checkpointing import (
    daly_goodput,
    daly_optimum_interval,
    young_daly_interval,
)

#: Llama 3 (Meta AI 2024): 419 unexpected interruptions in 54 days on 16,384 GPUs, i.e. one
#: per 16,384 × 54 × 24 h / 419 ≈ 50,700 accelerator-hours.
LLAMA3_GPUS, LLAMA3_DAYS, LLAMA3_INTERRUPTIONS = 16_384, 54, 419
MTBF_PER_ACCELERATOR_HOURS = LLAMA3_GPUS * LLAMA3_DAYS * 24 / LLAMA3_INTERRUPTIONS
#: Checkpoint write cost δ [min] and restart time R [min]. Chosen so that the Llama 3
#: setting (16,384 GPUs, one failure per ~3.1 h) gives ~90% goodput, as Meta reports "higher
#: than 90% effective training time" (asynchronous checkpoints, automated restarts).
CHECKPOINT_COST_MINUTES = 0.5
RESTART_MINUTES = 5.0
#: Hot-spare swap time [min]. Assumption: the spare is provisioned; reload only.
SWAP_MINUTES = 1.0
#: Repair time before a failed accelerator rejoins the spare pool [h]. Assumption.
REPAIR_HOURS = 24.0
#: Causes of lost time: the keys of ``RunResult.lost_hours``.
CAUSES = ("checkpoint", "rework", "restart")
#: Most failures simulated per replication (and accelerators with Weibull lifetimes).
MAX_FAILURES = 5_000_000

__all__ = [
    "CAUSES",
    "MTBF_PER_ACCELERATOR_HOURS",
    "RunResult",
    "TrainingRun",
    "daly_goodput",
    "daly_optimum_interval",
    "run_replications",
    "simulate_run",
    "young_daly_interval",
]


def _check(key: str, value, *, integer: bool = False, zero_ok: bool = False) -> None:
    kinds = (int, np.integer) if integer else (int, float, np.integer, np.floating)
    ok = isinstance(value, kinds) and not isinstance(value, bool) and math.isfinite(value)
    if not (ok and (value > 0 or (zero_ok and value == 0))):
        kind = ("non-negative " if zero_ok else "positive ") + ("integer" if integer else "number")
        raise InputError(f"must be a {kind}, got {value}", key=key)


@dataclass(frozen=True)
class TrainingRun:
    """Size and reliability settings of one training run (see the module docstring).

    Attributes
    ----------
    accelerators : int
        Accelerators the job runs on, N [-].
    days : float
        Wall-clock length of the run [day].
    mtbf_hours : float
        Mean time between failures of one accelerator [h]; default from Llama 3.
    checkpoint_minutes : float or None
        Compute time between checkpoints τ [min]; None for Daly's (2006) optimum.
    checkpoint_cost_minutes : float
        Checkpoint write cost δ [min]; training pauses while writing.
    restart_minutes : float
        Restart time R after a failure with no spare on hand [min].
    spares : int
        Hot spare accelerators k [-].
    swap_minutes : float
        Time to swap in a hot spare and resume [min].
    repair_hours : float
        Time until a failed accelerator rejoins the spare pool [h].
    weibull_shape : float
        Shape of the per-accelerator Weibull lifetime [-]; 1 is exponential.
    """

    accelerators: int
    days: float
    mtbf_hours: float = MTBF_PER_ACCELERATOR_HOURS
    checkpoint_minutes: float | None = None
    checkpoint_cost_minutes: float = CHECKPOINT_COST_MINUTES
    restart_minutes: float = RESTART_MINUTES
    spares: int = 0
    swap_minutes: float = SWAP_MINUTES
    repair_hours: float = REPAIR_HOURS
    weibull_shape: float = 1.0

    def __post_init__(self):
        _check("accelerators", self.accelerators, integer=True)
        _check("spares", self.spares, integer=True, zero_ok=True)
        for key in ("days", "mtbf_hours", "checkpoint_cost_minutes", "repair_hours"):
            _check(key, getattr(self, key))
        _check("restart_minutes", self.restart_minutes, zero_ok=True)
        _check("swap_minutes", self.swap_minutes, zero_ok=True)
        _check("weibull_shape", self.weibull_shape)
        if self.checkpoint_minutes is not None:
            _check("checkpoint_minutes", self.checkpoint_minutes)
        if self.weibull_shape != 1.0 and self.accelerators > MAX_FAILURES:  # heap memory
            raise InputError(f"at most {MAX_FAILURES:.0e} accelerators", key="weibull_shape")
        expected = self.accelerators * self.days * 24.0 / self.mtbf_hours
        if expected > MAX_FAILURES:
            raise InputError(
                f"about {expected:.3g} failures per run, more than the {MAX_FAILURES:.0e} "
                "simulated at most (use fewer accelerators or days, or a longer MTBF)",
                key="accelerators",
            )

    @property
    def cluster_mtbf_hours(self) -> float:
        """Mean time between failures of the whole job, M = MTBF / N [h]."""
        return self.mtbf_hours / self.accelerators

    @property
    def interval_minutes(self) -> float:
        """Checkpoint interval τ in use: the one given, else Daly's optimum [min]."""
        if self.checkpoint_minutes is not None:
            return float(self.checkpoint_minutes)
        mtbf_minutes = 60.0 * self.cluster_mtbf_hours
        return float(daly_optimum_interval(self.checkpoint_cost_minutes, mtbf_minutes))


@dataclass(frozen=True)
class _Timeline:
    """Stretches of training [h], whether each ended in a failure, failure times [h], spare
    swaps and run length [h] of one simulated run; independent of the checkpoint interval."""

    up_hours: np.ndarray
    failed: np.ndarray
    failure_hours: np.ndarray
    spare_swaps: int
    horizon_hours: float


@dataclass(frozen=True)
class RunResult:
    """Outcome of one simulated run.

    Attributes
    ----------
    goodput : float
        Useful training time / wall-clock time [fraction].
    interruptions : int
        Failures during the run [-].
    lost_hours : dict of str to float
        Wall-clock time lost by cause, keys ``CAUSES`` [h].
    wall_clock_days, useful_days : float
        Length of the run and useful training time in it [day].
    spare_swaps : int
        Failures handled by a hot spare [-].
    """

    goodput: float
    interruptions: int
    lost_hours: dict[str, float]
    wall_clock_days: float
    useful_days: float
    spare_swaps: int


def _failure_hours(run: TrainingRun, horizon: float, rng: np.random.Generator) -> np.ndarray:
    """Times of the job's failures in [0, horizon) [h], sorted."""
    if run.weibull_shape == 1.0:
        mtbf, expected = run.cluster_mtbf_hours, horizon / run.cluster_mtbf_hours
        times = np.cumsum(rng.exponential(mtbf, int(expected + 6 * math.sqrt(expected) + 16)))
        while times[-1] < horizon:  # seldom: draw more
            times = np.concatenate([times, times[-1] + np.cumsum(rng.exponential(mtbf, 64))])
        return times[: np.searchsorted(times, horizon)]
    shape = run.weibull_shape
    scale = run.mtbf_hours / math.gamma(1.0 + 1.0 / shape)
    # Steady-state residual lives: a uniform share of a length-biased lifetime, whose
    # (life / scale)^shape is Gamma(1 + 1/shape) distributed.
    biased = scale * rng.gamma(1.0 + 1.0 / shape, size=run.accelerators) ** (1.0 / shape)
    heap = (rng.uniform(size=run.accelerators) * biased).tolist()
    heapq.heapify(heap)
    times: list[float] = []
    while heap[0] < horizon:
        for life in (scale * rng.weibull(shape, 4096)).tolist():
            if heap[0] >= horizon:
                break
            times.append(heapq.heapreplace(heap, heap[0] + life))
    return np.asarray(times, dtype=float)


def _simulate_timeline(run: TrainingRun, rng: np.random.Generator) -> _Timeline:
    """Run the SimPy model of failures, restarts, spare swaps and repairs once."""
    horizon = run.days * 24.0
    failures = _failure_hours(run, horizon, rng)
    env = simpy.Environment()
    pool = simpy.Container(env, capacity=float("inf"), init=run.spares)
    up: list[float] = []
    up_since: list[float | None] = [0.0]  # start of the stretch of training; None if down
    swaps = [0]

    def repair():
        yield env.timeout(run.repair_hours)
        yield pool.put(1)

    def job():
        while True:
            try:
                yield env.event()  # train until a failure interrupts
            except simpy.Interrupt:
                up.append(env.now - up_since[0])
                up_since[0] = None
            while up_since[0] is None:  # recover; a failure meanwhile starts it again
                delay = run.restart_minutes / 60.0
                if pool.level > 0:
                    pool.get(1)
                    swaps[0] += 1
                    env.process(repair())
                    delay = run.swap_minutes / 60.0
                try:
                    yield env.timeout(delay)
                    up_since[0] = env.now
                except simpy.Interrupt:
                    pass

    def fail(process):
        now = 0.0
        for t in failures.tolist():
            yield env.timeout(t - now)
            now = t
            process.interrupt()

    env.process(fail(env.process(job())))
    env.run(until=horizon)
    failed = [True] * len(up)
    if up_since[0] is not None:  # training when the run ended
        up.append(horizon - up_since[0])
        failed.append(False)
    return _Timeline(np.asarray(up, float), np.asarray(failed, bool), failures, swaps[0], horizon)


def _account(timeline: _Timeline, tau_hours: float, delta_hours: float) -> dict[str, float]:
    """Useful time and lost time by cause of a timeline at interval τ, in closed form [h]."""
    u, failed = timeline.up_hours, timeline.failed
    cycles = np.floor(u / (tau_hours + delta_hours))
    rest = u - cycles * (tau_hours + delta_hours)
    computing = np.minimum(rest, tau_hours)  # compute not yet saved when the stretch ends
    return {
        "useful": float(np.sum(cycles) * tau_hours + np.sum(computing[~failed])),
        "checkpoint": float(np.sum(cycles) * delta_hours + np.sum(rest - computing)),
        "rework": float(np.sum(computing[failed])),
        "restart": timeline.horizon_hours - float(np.sum(u)),
    }


def _evaluate(timeline: _Timeline, run: TrainingRun) -> RunResult:
    hours = _account(timeline, run.interval_minutes / 60.0, run.checkpoint_cost_minutes / 60.0)
    return RunResult(
        goodput=hours["useful"] / timeline.horizon_hours,
        interruptions=int(timeline.failure_hours.size),
        lost_hours={cause: hours[cause] for cause in CAUSES},
        wall_clock_days=timeline.horizon_hours / 24.0,
        useful_days=hours["useful"] / 24.0,
        spare_swaps=timeline.spare_swaps,
    )


def simulate_run(run: TrainingRun, seed: int | np.random.SeedSequence = 0) -> RunResult:
    """Simulate one run; the seed fixes the failure times.

    Parameters
    ----------
    run : TrainingRun
        Settings of the run.
    seed : int or numpy.random.SeedSequence
        Seed of ``numpy.random.default_rng``.

    Returns
    -------
    RunResult
        Goodput [fraction], interruptions [-] and time lost by cause [h].
    """
    return _evaluate(_simulate_timeline(run, np.random.default_rng(seed)), run)


def _simulate_timelines(run: TrainingRun, replications: int, seed: int) -> list[_Timeline]:
    """One timeline per child of ``SeedSequence(seed).spawn(replications)``."""
    _check("replications", replications, integer=True)
    children = np.random.SeedSequence(seed).spawn(int(replications))
    return [_simulate_timeline(run, np.random.default_rng(child)) for child in children]


def _statistics(values) -> dict[str, float]:
    """Mean, std (ddof=1; 0 for one value), 5th and 95th percentiles of ``values``."""
    v = np.asarray(values, dtype=float)
    p5, p95 = np.percentile(v, [5.0, 95.0])
    std = float(np.std(v, ddof=1)) if v.size > 1 else 0.0
    return {"mean": float(np.mean(v)), "std": std, "p5": float(p5), "p95": float(p95)}


def run_replications(
    run: TrainingRun,
    replications: int = 20,
    seed: int = 0,
) -> tuple[list[RunResult], dict[str, dict[str, float]]]:
    """Simulate independent replications of a run and summarise them.

    Parameters
    ----------
    run : TrainingRun
        Settings of the run.
    replications : int
        Independent replications [-].
    seed : int
        Root seed; replication i uses ``SeedSequence(seed).spawn(replications)[i]``.

    Returns
    -------
    runs : list of RunResult
        One per replication.
    summary : dict of str to dict
        Mean, std, p5 and p95 (the keys) of goodput [fraction], interruptions [-],
        useful_days [day] and lost_hours_<cause> [h].
    """
    timelines = _simulate_timelines(run, replications, seed)
    runs = [_evaluate(t, run) for t in timelines]
    fields = {
        "goodput": [r.goodput for r in runs],
        "interruptions": [r.interruptions for r in runs],
        "useful_days": [r.useful_days for r in runs],
    }
    fields |= {f"lost_hours_{c}": [r.lost_hours[c] for r in runs] for c in CAUSES}
    return runs, {name: _statistics(values) for name, values in fields.items()}
