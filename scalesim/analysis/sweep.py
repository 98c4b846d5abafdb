"""Sweeps: many full Monte Carlo runs over a grid, a Latin hypercube or a list of scenarios.

Each point (scalesim.analysis.sweep_file) is one :func:`scalesim.engine.run.run` on one
engine thread; points are grouped into a few tasks per worker thread (run_batch in
scalesim.analysis.sweep_merge), on a local cluster or a running dask.distributed scheduler
(scalesim.analysis.dask_client), or one by one in this process. A point's numbers come from
one engine run (same samples and seed wherever it runs); the pooled summary merges exactly
mergeable parts (integer histogram counts, exact sums, binding counts matched by constraint
name, milestone counts), so a sweep's numbers do not depend on how its points were grouped
into tasks or spread over workers. Nothing here touches the kernels.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from scalesim._version import __version__
from scalesim.analysis import dask_client
from scalesim.analysis.dask_client import check_scheduler, close_client, connect
from scalesim.analysis.sweep_file import MAX_POINTS, Sweep, SweepPoint, load_sweep
from scalesim.analysis.sweep_merge import (
    POOLED_LOG10_BIN,
    BatchResult,
    CoarseHistogram,
    PointResult,
    PoolPart,
    batches,
    run_batch,
    run_point,
)
from scalesim.engine.results_summary import QUANTILES
from scalesim.engine.run import default_workers

#: Tasks per worker thread: enough for the threads to share the work evenly (a task ends
#: at most ~1/4 of a thread's share late), few enough that each task ships one pooled part
#: for several points.
TASKS_PER_SLOT = 4


def run_sweep(
    sweep: Sweep,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    serial: bool = False,
    on_progress=None,
    client=None,
) -> SweepResult:
    """Run every point of ``sweep``; results come in point order whatever ran where.

    Parameters
    ----------
    sweep : Sweep
    scheduler : str, optional
        Address of a running dask.distributed scheduler (``tcp://host:port``).
    workers : int, optional
        Worker processes of the local cluster started when neither is given (default: the
        cores this process may use, scalesim.engine.run.default_workers).
    serial : bool
        Run the points one by one in this process, without Dask.
    on_progress : callable, optional
        Called with the number of points of each finished task.
    client : distributed.Client, optional
        Already connected to ``scheduler`` (see :func:`connect`); closed at the end.

    Returns
    -------
    SweepResult
    """
    tick = on_progress or (lambda n: None)

    def ticked(batch: BatchResult) -> None:
        tick(len(batch.points))

    if serial:
        parts = []
        for point in sweep.points:
            parts.append(run_batch((point,)))
            ticked(parts[-1])
        return SweepResult.of(sweep, parts, "serial, in this process")
    if scheduler is not None:
        address = check_scheduler(scheduler)
        c = client if client is not None else connect(address)
        try:
            groups = batches(sweep.points, dask_client.slots(c), TASKS_PER_SLOT)
            parts = dask_client.run_tasks(c, run_batch, groups, ticked)
            return SweepResult.of(sweep, parts, f"Dask scheduler {address}")
        finally:
            close_client(c)
    workers = dask_client.check_workers(default_workers() if workers is None else workers)
    with dask_client.local_cluster(workers) as c:
        groups = batches(sweep.points, workers, TASKS_PER_SLOT)
        parts = dask_client.run_tasks(c, run_batch, groups, ticked)
    return SweepResult.of(sweep, parts, f"local Dask cluster, {workers} worker processes")


@dataclass
class SweepResult:
    """Results of :func:`run_sweep`: every point's in point order, their pooled part, and
    where they ran.

    Attributes
    ----------
    sweep : Sweep
        The sweep that was run.
    points : list of PointResult
        Each point's id and run summary (``scalesim.run(...).summary()``), in point order.
    pool : PoolPart
        The exactly mergeable part of every point's results together (see :meth:`pooled`).
    executor : str
        Where the points ran, in words (``serial, in this process``, a local Dask cluster
        and its worker processes, or a Dask scheduler's address).
    """

    sweep: Sweep
    points: list[PointResult]
    pool: PoolPart
    executor: str
    _pooled: dict | None = field(default=None, init=False, repr=False, compare=False)

    @classmethod
    def of(cls, sweep: Sweep, parts: list[BatchResult], executor: str) -> SweepResult:
        """Tasks' results (in any grouping) as one result in point order.

        Parameters
        ----------
        sweep : Sweep
            The sweep whose points the tasks ran.
        parts : list of BatchResult
            What the tasks returned, in any order; together every point once. Their pooled
            parts are merged into the first one's.
        executor : str
            Where they ran, in words.

        Returns
        -------
        SweepResult
        """
        by_id = {p.id: p for part in parts for p in part.points}
        pool = parts[0].pool
        for part in parts[1:]:
            pool.merge(part.pool)
        return cls(sweep, [by_id[p.id] for p in sweep.points], pool, executor)

    def frame(self) -> pd.DataFrame:
        """Tidy table of every point's summarised variables.

        Returns
        -------
        pandas.DataFrame
            One row per (point, variable, year): ``point``, ``label``, ``scenario``, one
            column per swept parameter [its canonical unit], ``variable``, ``unit``,
            ``year`` [calendar year], ``p5``, ``p25``, ``p50``, ``p75``, ``p95``, ``mean``
            [the row's unit].
        """
        rows = []
        for spec, part in zip(self.sweep.points, self.points, strict=True):
            head = {
                "point": spec.id,
                "label": spec.label,
                "scenario": spec.scenario.name,
                **spec.values,
            }
            for name, stats in part.summary["variables"].items():
                for i, year in enumerate(part.summary["years"]):
                    rows.append(
                        {
                            **head,
                            "variable": name,
                            "unit": stats["unit"],
                            "year": year,
                            **{k: stats[k][i] for k in (*QUANTILES, "mean")},
                        }
                    )
        return pd.DataFrame(rows)

    def pooled(self) -> dict | None:
        """Every point's samples together (weighted by samples), in the shape of the run
        summary.

        Returns
        -------
        dict or None
            As :meth:`scalesim.engine.results.Results.summary` without scenario and seed:
            quantiles from the merged histograms (bins of :data:`POOLED_LOG10_BIN`, within
            2.3%) and exact means [canonical units], exhaustion year [calendar year],
            binding-constraint shares [share], and the milestones every point has (exact
            counts). None when the points do not share the same years.
        """
        if self._pooled is None and not self.pool.mixed:
            self._pooled = self.pool.summary(self.sweep.points[0].scenario)
        return self._pooled

    def summary(self) -> dict:
        """The sweep summary JSON.

        Returns
        -------
        dict
            ``scalesim_version``; ``sweep`` (name, path, method, parameters, number of
            points); ``points``, each with its ``point`` id, ``label``, ``values``,
            ``samples``, ``seed`` and run ``summary``; and ``pooled`` (:meth:`pooled`).
        """
        s = self.sweep
        return {
            "scalesim_version": __version__,
            "sweep": {
                "name": s.name,
                "path": s.path,
                "method": s.method,
                "parameters": list(s.parameters),
                "points": len(s.points),
            },
            "points": [
                {
                    "point": sp.id,
                    "label": sp.label,
                    "values": sp.values,
                    "samples": sp.samples,
                    "seed": sp.seed,
                    "summary": part.summary,
                }
                for sp, part in zip(s.points, self.points, strict=True)
            ],
            "pooled": self.pooled(),
        }


__all__ = [
    "MAX_POINTS",
    "POOLED_LOG10_BIN",
    "CoarseHistogram",
    "PointResult",
    "PoolPart",
    "Sweep",
    "SweepPoint",
    "SweepResult",
    "check_scheduler",
    "close_client",
    "connect",
    "load_sweep",
    "run_point",
    "run_sweep",
]
