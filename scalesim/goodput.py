"""The goodput table the engine applies when a scenario has a ``reliability:`` group.

Cluster sizes from 1e2 to 1e8 accelerators in half-decades. Up to :data:`SIMULATED_MAX` the
goodput comes from the SimPy model (scalesim.cluster) at Daly's optimum checkpoint interval;
beyond it, where failures arrive every few seconds and an event simulation would take
minutes, from Daly's (2006) closed form, which the simulation matches within 2 percentage
points (tests/test_cluster.py). The table is cached per setting.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import pandas as pd

from scalesim.checkpointing import daly_goodput, daly_optimum_interval
from scalesim.cluster import goodput_table

SIZES = tuple(int(round(10 ** (k / 2))) for k in range(4, 17))
#: Largest cluster simulated event by event [accelerators].
SIMULATED_MAX = 1_000_000
#: Days simulated per size: goodput of a long run is a long-run ratio, so 30 days suffice.
TABLE_DAYS = 30.0
REPLICATIONS = 8
SEED = 20240723  # Llama 3 paper release date


@functools.lru_cache(maxsize=32)
def reliability_table(mtbf_hours: float, checkpoint_cost_minutes: float,
                      restart_minutes: float) -> pd.DataFrame:
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
    sim = goodput_table(small, TABLE_DAYS, mtbf_hours=mtbf_hours,
                        checkpoint_cost_minutes=checkpoint_cost_minutes,
                        restart_minutes=restart_minutes, replications=REPLICATIONS, seed=SEED)
    rows = [{"accelerators": int(r.accelerators), "goodput_mean": r.goodput_mean,
             "goodput_p5": r.goodput_p5, "goodput_p95": r.goodput_p95, "method": "simpy"}
            for r in sim.itertuples()]
    for n in SIZES:
        if n <= SIMULATED_MAX:
            continue
        m = mtbf_hours * 60 / n
        tau = float(daly_optimum_interval(checkpoint_cost_minutes, m))
        g = float(daly_goodput(tau, checkpoint_cost_minutes, m, restart_minutes))
        g = g if math.isfinite(g) else 0.0
        rows.append({"accelerators": n, "goodput_mean": g, "goodput_p5": g,
                     "goodput_p95": g, "method": "daly"})
    table = pd.DataFrame(rows)
    table["capacity"] = np.maximum.accumulate(table["accelerators"] * table["goodput_mean"])
    return table


def log_table(table: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """``(ln sizes, ln capacity)`` for scalesim.kernels.reliability.log_derate."""
    capacity = np.maximum(table["capacity"].to_numpy(dtype=float), 1e-300)
    return np.log(table["accelerators"].to_numpy(dtype=float)), np.log(capacity)
