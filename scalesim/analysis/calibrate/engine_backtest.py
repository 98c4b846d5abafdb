"""Backtest of the engine itself: base year at the cutoff, priors calibrated on data up to it.

At each cutoff year c:

1. The scenario (scenarios/baseline.yaml by default) is moved to base year c, its years c to
   the last year scored, and its spending and hardware priors are replaced by the vague
   priors of :data:`VAGUE_PRIORS`, which know nothing of the runs after c (the shipped
   priors are read off 2023–2024 runs and would leak the answer).
2. Those priors are calibrated on the frontier runs released from ``since`` to the end of c,
   exactly as ``scalesim calibrate`` does: importance sampling of the engine's own hindcast
   against the annual maxima of compute and cost
   (:func:`scalesim.analysis.calibrate.importance.importance_sample`), and the calibrated
   scenario of :func:`scalesim.analysis.calibrate.calibrated.calibrated_scenario` (each
   posterior's 5th–95th percentiles as a 90% prior, with the posterior's rank correlations).
3. The calibrated scenario runs through :func:`scalesim.engine.run.run` (the one
   orchestration), keeping the largest run of each year, ``largest_run_flop`` [FLOP].
4. The predictive of a run released in calendar year Y is the engine's draws at Y times the
   log-normal scatter the calibration's likelihood assumed (``sigma_flop``, fitted on the
   annual maxima up to c): log10 C = log10 C_engine(Y) + sigma · z.

Two sets of runs are scored, each with the scores of backtest v2
(:func:`scalesim.analysis.calibrate.backtest.score_draws`: coverage of the central 50% and 90%
intervals, CRPS in log10 FLOP): the largest frontier run of each year after c (what the
engine projects), and every frontier run after c (what ``backtest --compare`` scores; the
engine's largest run of the year sits above most of them by construction).
"""

from __future__ import annotations

import copy
import math

import numpy as np
import pandas as pd

from scalesim.analysis.calibrate.backtest import COMPARE_CUTOFFS, score_draws
from scalesim.analysis.calibrate.calibrated import calibrated_scenario
from scalesim.analysis.calibrate.importance import annual_maxima, importance_sample
from scalesim.analysis.calibrate.trends import TOP_K, select_frontier
from scalesim.engine.run import run
from scalesim.errors import InputError
from scalesim.scenario.loader import Scenario, scenario_from_mapping

#: Priors before calibration: wide enough to hold every frontier run from 2010 on, and taken
#: from nothing observed after any cutoff. Largest run's cost $1e4–$1e10 (log-uniform; AlexNet
#: cost ~$1e3–1e4 of compute in 2012, no run to 2025 cost $1e10); cost growth x1–x5 a year
#: (Cottier et al. 2024 find x2.4, Sevilla et al. 2022 x4 for compute, so x5 leaves room);
#: FLOP per dollar 1e14–1e20 (log-uniform; a 2012 GPU gives ~1e16 at list price, the 2024
#: runs ~5e17–1e18, Cottier et al. 2024); its doubling time 0.5–6 years (Hobbhahn & Besiroglu
#: 2022 find 2.1–2.5 years for GPUs, Cottier et al. 2024 ~1.2 years for training runs).
#: The ×5 bound is not innocent: the shipped annual maxima rise from 10^17.7 FLOP (2012) to
#: 10^21.8 (2016), ~11× a year (the jump into the large-scale era), the shipped costs start
#: in 2019 (so at cutoffs 2016 and 2018 nothing but the priors splits compute into spending
#: and FLOP per dollar), the posterior of the cost growth piles against the bound, and with
#: ×1–×10 instead the CRPS on the annual maxima about doubles at 2016–2020 (shipped history:
#: 1.09 / 1.24 / 0.84 / 0.44 against 0.50 / 0.60 / 0.45 / 0.36 at 2016 / 2018 / 2020 / 2022).
VAGUE_PRIORS: dict[str, dict] = {
    "spending.largest_run": {"loguniform": ["1e4 USD", "1e10 USD"]},
    "spending.growth": {"uniform": [1.0, 5.0]},
    "hardware.flop_per_usd": {"loguniform": ["1e14 FLOP/USD", "1e20 FLOP/USD"]},
    "hardware.doubling_time": {"uniform": ["0.5 year", "6 year"]},
}
#: Prior draws of the importance sampling per cutoff [draws].
DEFAULT_DRAWS = 100_000
#: Engine samples per cutoff, also the predictive draws per scored run [samples].
DEFAULT_SAMPLES = 4000


def backtest_scenario(scenario: Scenario, cutoff: int, through: int) -> Scenario:
    """``scenario`` at base year ``cutoff`` over the years ``cutoff``–``through``, with the
    vague spending and hardware priors of :data:`VAGUE_PRIORS`."""
    raw = copy.deepcopy(scenario.raw)
    raw.pop("milestones", None)  # the backtest scores compute, not milestones
    raw["base_year"] = int(cutoff)
    raw["years"] = {"start": int(cutoff), "end": int(through)}
    params = raw.setdefault("parameters", {})
    for key, value in VAGUE_PRIORS.items():
        node = params
        *parents, leaf = key.split(".")
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = copy.deepcopy(value)
    sources = dict(raw.get("sources") or {})
    for key in VAGUE_PRIORS:
        sources[key] = (
            "scalesim backtest --engine: vague prior before calibration (see VAGUE_PRIORS)"
        )
    raw["sources"] = sources
    raw["name"] = f"{scenario.name} (engine backtest, base year {cutoff})"
    return scenario_from_mapping(raw, path=scenario.path)


def engine_backtest(
    history: pd.DataFrame,
    scenario: Scenario,
    *,
    cutoffs=COMPARE_CUTOFFS,
    through: int | None = None,
    since: int = 2010,
    samples: int = DEFAULT_SAMPLES,
    draws: int = DEFAULT_DRAWS,
    seed: int = 0,
    frontier: str = "auto",
    top_k: int = TOP_K,
) -> list[dict]:
    """The engine calibrated up to each cutoff, scored on the frontier runs after it.

    Parameters
    ----------
    history : pandas.DataFrame
        Normalised runs (scalesim.analysis.calibrate.history).
    scenario : Scenario
        Source of everything but the base year, the years and the calibrated priors.
    cutoffs : sequence of int
        Last calendar years of data used [year].
    through : int, optional
        Last calendar year scored (default: the last year of the history) [year].
    since : int
        First calendar year of the calibration [year].
    samples : int
        Engine samples per cutoff = predictive draws per scored run [samples].
    draws : int
        Prior draws of the importance sampling [draws].
    seed : int
        Seed of the importance sampling, the engine run and the scatter draws.
    frontier, top_k :
        Frontier selection (scalesim.analysis.calibrate.trends.select_frontier).

    Returns
    -------
    list of dict
        One row per cutoff: ``cutoff``, ``through``, ``n_fit_years``, ``ess``,
        ``sigma_log10_flop``, ``posterior`` (p5/p50/p95 of each calibrated prior and of the
        implied compute growth [×/yr]), ``annual_max`` and ``runs`` (scores: n,
        coverage_50, coverage_90, crps [log10 FLOP], pit), ``median_log10_error`` of each
        (observed − predictive median) and ``projection`` (years, p5/p50/p95 of the
        predictive [FLOP]).
    """
    mask = select_frontier(history, frontier, top_k, xp=np)
    runs = history[mask]
    year = runs["date"].dt.year.to_numpy()
    last = int(year.max())
    through = last if through is None else int(through)
    rows = []
    for cutoff in cutoffs:
        cutoff = int(cutoff)
        if through <= cutoff:
            raise InputError(
                f"must be after every cutoff, got {through} (cutoff {cutoff})", key="through"
            )
        if since > cutoff:
            raise InputError(
                f"must not be after any cutoff, got {since} (cutoff {cutoff})", key="since"
            )
        obs = annual_maxima(history, mask, since=since, until=cutoff)
        if obs.n_flop < 3:
            years = "year" if obs.n_flop == 1 else "years"
            raise InputError(
                f"frontier runs in only {obs.n_flop} {years} from {since} to the cutoff "
                f"{cutoff}; at least 3 are needed",
                key="since",
            )
        vague = backtest_scenario(scenario, cutoff, through)
        cal = importance_sample(vague, obs, draws=draws, seed=seed)
        calibrated = calibrated_scenario(
            vague, cal, history_label="backtest", since=since, until=cutoff
        )
        res = run(
            calibrated,
            samples=samples,
            seed=seed,
            keep=["largest_run_flop"],
            summarize=["largest_run_flop"],
            workers=1,
        )
        log_engine = np.log10(np.asarray(res.variables["largest_run_flop"], dtype=np.float64))
        rng = np.random.default_rng([seed, cutoff])
        years = list(res.years)
        after = runs[(year > cutoff) & (year <= through)]
        y_runs = np.log10(after["training_flop"].to_numpy(np.float64))
        run_cols = np.array([years.index(int(y)) for y in after["date"].dt.year])
        maxima = after.groupby(after["date"].dt.year)["training_flop"].max()
        y_max = np.log10(maxima.to_numpy(np.float64))
        max_cols = np.array([years.index(int(y)) for y in maxima.index])
        sigma = cal.observations.sigma_flop
        d_max = _predictive(log_engine, max_cols, sigma, rng)
        d_runs = _predictive(log_engine, run_cols, sigma, rng)
        proj_cols = np.array([years.index(y) for y in range(cutoff + 1, through + 1)])
        d_proj = _predictive(log_engine, proj_cols, sigma, rng)
        q_proj = np.quantile(d_proj, [0.05, 0.5, 0.95], axis=1)
        rows.append(
            {
                "cutoff": cutoff,
                "through": through,
                "since": int(since),
                "n_fit_years": obs.n_flop,
                "ess": float(cal.ess),
                "sigma_log10_flop": float(sigma),
                "posterior": {
                    k: dict(zip(("p5", "p50", "p95"), v, strict=True))
                    for k, v in cal.posterior.items()
                },
                "annual_max": score_draws(d_max, y_max),
                "runs": score_draws(d_runs, y_runs),
                "median_log10_error": {
                    "annual_max": _median_error(d_max, y_max),
                    "runs": _median_error(d_runs, y_runs),
                },
                "projection": {
                    "years": list(range(cutoff + 1, through + 1)),
                    "p5": [float(10**v) for v in q_proj[0]],
                    "p50": [float(10**v) for v in q_proj[1]],
                    "p95": [float(10**v) for v in q_proj[2]],
                    "observed_max": [
                        float(maxima[y]) if y in maxima.index else None
                        for y in range(cutoff + 1, through + 1)
                    ],
                },
            }
        )
    return rows


def _predictive(log_engine: np.ndarray, cols: np.ndarray, sigma: float, rng) -> np.ndarray:
    """Predictive draws (point, sample) [log10 FLOP]: the engine's largest run of each
    point's year, ``log_engine[:, cols]``, plus the calibration's scatter ``sigma`` [log10]."""
    base = log_engine[:, cols].T
    return base + sigma * rng.standard_normal(base.shape)


def _median_error(draws: np.ndarray, observed: np.ndarray) -> float | None:
    """Median over points of observed − predictive median [log10 FLOP]."""
    if observed.size == 0:
        return None
    value = float(np.median(observed - np.median(draws, axis=1)))
    return value if math.isfinite(value) else None
