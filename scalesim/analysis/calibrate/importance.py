"""Importance-sampling calibration of a scenario's economics on history.

M parameter sets are drawn from the scenario's priors (scalesim.scenario.priors.draw, so
they are the very samples ``scalesim run`` would use) and pushed through the engine's own
:func:`scalesim.engine.run.project_chunk`, the function :func:`scalesim.run` is built on,
over the observed years: the scenario is run backwards from its base year (Δ = year −
base_year < 0), with nothing rebuilt here. Each draw is weighted by the likelihood of the
history:

- the largest training run of each observed year (the annual maximum of the frontier runs'
  compute) against the hindcast pretraining compute ``training_flop``, C_pre(t) =
  (1 − f_rl − f_syn) · spend(t) · flop_per_usd(t);
- the largest known final-run cost of each year against ``spend_usd``, spend(t);

both with normal scatter in log10 (log-normal scatter of the quantities). The scatter σ is
fitted by default: the residual standard deviation of each annual-maximum series about its
own log-linear trend (the engine's trends are log-linear, so the part of history they cannot
follow is that scatter). The weighted draws give posterior quantiles and Kish's effective
sample size; a systematic resample gives the calibrated priors that
scalesim.calibrate.calibrated writes into a scenario.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scalesim.analysis.calibrate import fit
from scalesim.engine import backend as backends
from scalesim.engine.run import KernelInputs, kernel_inputs, project_chunk
from scalesim.errors import InputError
from scalesim.scenario.correlations import spearman
from scalesim.scenario.loader import Scenario, Years
from scalesim.scenario.priors import BLOCK, draw

#: Engine variables the likelihood compares with history.
HINDCAST_OUTPUTS = ("training_flop", "spend_usd")
#: Priors the calibrated scenario replaces, with the unit written into the YAML.
CALIBRATED = {
    "spending.largest_run": "USD",
    "spending.growth": "",
    "hardware.flop_per_usd": "FLOP/USD",
    "hardware.doubling_time": "year",
}
#: Derived quantities reported besides the parameters.
DERIVED = ("compute_growth", "training_flop_base_year")
PROBS = (0.05, 0.5, 0.95)
#: Scatter used when a series has fewer than 4 years to fit it from [log10]: an assumption,
#: between the fitted scatters of the shipped cost (0.30) and compute (0.84) series.
DEFAULT_SIGMA = 0.5
#: Floor on a fitted scatter, so a near-perfect series cannot make the likelihood spiky [log10].
MIN_SIGMA = 0.1
#: Prior draws per kernel call: ~14 MB per (draw, year) array of 13 years.
CHUNK = 1 << 17
#: Size of the posterior resample (and of the prior sample whose quantiles are reported):
#: above the ESS of 1e6 draws on the shipped history (~1.1e5), and cheap to sort.
RESAMPLE = 1 << 17


@dataclass(frozen=True)
class Observations:
    """Annual maxima of the frontier runs, one entry per observed year.

    Attributes
    ----------
    years : numpy.ndarray of float
        Calendar years with at least one frontier run [year].
    log10_flop : numpy.ndarray
        log10 of the largest training compute of the year [log10 FLOP].
    log10_cost : numpy.ndarray
        log10 of the largest known final-run cost of the year, NaN where none [log10 USD].
    sigma_flop, sigma_cost : float
        Scatter of each series [log10].
    """

    years: np.ndarray
    log10_flop: np.ndarray
    log10_cost: np.ndarray
    sigma_flop: float
    sigma_cost: float

    @property
    def n_flop(self) -> int:
        return int(np.isfinite(self.log10_flop).sum())

    @property
    def n_cost(self) -> int:
        return int(np.isfinite(self.log10_cost).sum())


@dataclass
class Calibration:
    """Result of :func:`importance_sample`.

    Attributes
    ----------
    draws : int
        Prior draws M [draws].
    ess : float
        Kish's effective sample size of the weights [draws].
    prior, posterior : dict of str to tuple of float
        5th, 50th and 95th percentiles per key (CALIBRATED keys and DERIVED quantities:
        ``compute_growth`` [×/yr], ``training_flop_base_year`` [FLOP]).
    observations : Observations
    resampled : dict of str to numpy.ndarray
        Posterior draws of the CALIBRATED keys after a systematic resample [canonical unit].
    rank_correlations : dict of (str, str) to float
        Weighted Spearman correlation of each pair of uncertain CALIBRATED keys under the
        importance weights (scalesim.scenario.correlations.spearman) [1].
    """

    draws: int
    seed: int
    ess: float
    prior: dict[str, tuple[float, float, float]]
    posterior: dict[str, tuple[float, float, float]]
    observations: Observations
    resampled: dict[str, np.ndarray] = field(repr=False)
    rank_correlations: dict[tuple[str, str], float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        obs = self.observations
        return {
            "draws": self.draws,
            "seed": self.seed,
            "ess": self.ess,
            "sigma_log10_flop": obs.sigma_flop,
            "sigma_log10_cost": obs.sigma_cost,
            "n_years_flop": obs.n_flop,
            "n_years_cost": obs.n_cost,
            "prior": {
                k: dict(zip(("p5", "p50", "p95"), v, strict=True)) for k, v in self.prior.items()
            },
            "posterior": {
                k: dict(zip(("p5", "p50", "p95"), v, strict=True))
                for k, v in self.posterior.items()
            },
        }


def annual_maxima(
    history: pd.DataFrame,
    frontier: np.ndarray,
    *,
    since: int,
    until: int,
    sigma_flop: float | None = None,
    sigma_cost: float | None = None,
) -> Observations:
    """The observations of the likelihood: per year, the largest frontier run and cost.

    Parameters
    ----------
    history : pandas.DataFrame
        Normalised runs (scalesim.calibrate.history).
    frontier : numpy.ndarray of bool
        Frontier mask of the rows.
    since, until : int
        Inclusive window [year].
    sigma_flop, sigma_cost : float, optional
        Scatter [log10]; fitted when None (see the module docstring).

    Returns
    -------
    Observations
    """
    rows = history[frontier]
    year = rows["date"].dt.year
    rows = rows[(year >= since) & (year <= until)]
    if rows.empty:
        raise InputError(
            f"no frontier runs between {since} and {until}", path=history.attrs.get("path")
        )
    grouped = rows.groupby(rows["date"].dt.year)
    flop = np.log10(grouped["training_flop"].max())
    cost = np.log10(grouped["cost_usd"].max())
    years = flop.index.to_numpy(np.float64)
    lf, lc = flop.to_numpy(np.float64), cost.to_numpy(np.float64)
    if sigma_flop is None:
        sigma_flop = _residual_sd(years, lf)
    if sigma_cost is None:
        sigma_cost = _residual_sd(years, lc)
    return Observations(years, lf, lc, float(sigma_flop), float(sigma_cost))


def _residual_sd(years: np.ndarray, values: np.ndarray) -> float:
    ok = np.isfinite(values)
    if ok.sum() < 4:
        return DEFAULT_SIGMA
    coef = np.polyfit(years[ok], values[ok], 1)
    resid = values[ok] - np.polyval(coef, years[ok])
    return max(MIN_SIGMA, float(np.sqrt(np.sum(resid**2) / (ok.sum() - 2))))


def hindcast_scenario(scenario: Scenario, years) -> Scenario:
    """``scenario`` over the observed ``years`` [calendar year] and its base year with the
    year before it: the engine projects backwards (Δ < 0) as it projects forwards."""
    years = np.asarray(years, dtype=np.float64)
    base = scenario.base_year
    span = Years(start=int(min(years.min(), base - 1)), end=int(max(years.max(), base)))
    return scenario.model_copy(update={"years": span})


def hindcast_ln(inputs: KernelInputs, host: dict, *, xp, first_sample: int = 0):
    """The engine's projection of drawn parameters at past (or any) years, in natural logs.

    Parameters
    ----------
    inputs : KernelInputs
        :func:`scalesim.engine.run.kernel_inputs` of :func:`hindcast_scenario`.
    host : dict of str to numpy.ndarray
        Draws of every prior (:func:`scalesim.scenario.priors.draw`), canonical units.
    xp : namespace
    first_sample : int
        Index of the first draw, for error messages.

    Returns
    -------
    ln_training_flop, ln_spend : array, shape (M, year) or (1, year)
        ln C_pre(t) [ln FLOP] and ln spend(t) [ln USD] over the scenario's years.
    """
    logs, _, _ = project_chunk(inputs, host, xp, set(HINDCAST_OUTPUTS), first_sample)
    return tuple(logs[name] for name in HINDCAST_OUTPUTS)


def importance_sample(
    scenario: Scenario,
    obs: Observations,
    *,
    draws: int = 100_000,
    seed: int | None = None,
    xp=np,
    chunk: int = CHUNK,
    workers: int | None = None,
) -> Calibration:
    """Weight M prior draws of ``scenario`` by the likelihood of ``obs``.

    Parameters
    ----------
    scenario : Scenario
        Source of the priors and of ``base_year``.
    obs : Observations
        Annual maxima (:func:`annual_maxima`).
    draws : int
        M [draws].
    seed : int, optional
        Seed of the prior draws and of the resample (default: the scenario's).
    xp : namespace
        Array namespace of the kernels.
    chunk : int
        Draws per kernel call, rounded up to whole random-number blocks; results do not
        depend on it.
    workers : int, optional
        Threads drawing and evaluating chunks (NumPy only; default up to 2, the cores of
        the reference machine); results do not depend on it.

    Returns
    -------
    Calibration
    """
    if draws < 2:
        raise InputError(f"must be >= 2, got {draws}", key="draws")
    seed = scenario.seed if seed is None else int(seed)
    past = hindcast_scenario(scenario, obs.years)
    inputs = kernel_inputs(past, xp)
    columns = backends.to_device((obs.years - past.years.start).astype(np.int64), xp)
    base_col = scenario.base_year - past.years.start
    calibrated = [k for k in CALIBRATED if k in scenario.priors]  # schedules: not calibrated
    # The likelihood is evaluated in natural logs: ln x = log10 x · ln 10, σ likewise; the
    # cost term only over the years that have a cost.
    flop_obs = backends.to_device(obs.log10_flop * fit.LN10, xp)
    cost_cols = np.flatnonzero(np.isfinite(obs.log10_cost))
    cost_obs = backends.to_device(obs.log10_cost[cost_cols] * fit.LN10, xp)
    cost_idx = backends.to_device(cost_cols.astype(np.int64), xp)
    sigma_flop, sigma_cost = obs.sigma_flop * fit.LN10, obs.sigma_cost * fit.LN10
    chunk = -(-max(int(chunk), 1) // BLOCK) * BLOCK

    def work(a: int):
        b = min(a + chunk, draws)
        host = draw(inputs.priors, seed, a, b, inputs.copula)
        train, spend = hindcast_ln(inputs, host, xp=xp, first_sample=a)
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            ll = fit.gaussian_loglik(xp.take(train, columns, axis=1), flop_obs, sigma_flop, xp=xp)
            if cost_cols.size:
                spend = xp.take(xp.take(spend, columns, axis=1), cost_idx, axis=1)
                ll = ll + fit.gaussian_loglik(spend, cost_obs, sigma_cost, xp=xp)
        if ll.shape[0] != b - a:  # every prior fixed: one row stands for all draws
            ll = xp.broadcast_to(ll, (b - a,))
        n = b - a
        values = {k: np.broadcast_to(host[k], (n,)) for k in calibrated}
        values.update(_derived(train, base_col, n))
        return ll, values

    starts = range(0, draws, chunk)
    n_workers = workers or min(2, os.cpu_count() or 1)
    if xp is not np or n_workers == 1 or len(starts) == 1:
        parts = [work(a) for a in starts]
    else:
        with ThreadPoolExecutor(max_workers=n_workers) as pool:
            parts = list(pool.map(work, starts))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        loglik = xp.concat([p[0] for p in parts]) if len(parts) > 1 else parts[0][0]
        weights = fit.normalised_weights(loglik, xp=xp)
        ess = float(fit.effective_sample_size(weights, xp=xp))
        values = {
            k: backends.to_device(np.concatenate([p[1][k] for p in parts]), xp) for k in parts[0][1]
        }
        # Draws are independent, so the first m of them are a prior sample of size m.
        m = min(draws, RESAMPLE)
        prior = {k: _q(fit.quantile(v[:m], PROBS, xp=xp)) for k, v in values.items()}
        offset = float(np.random.default_rng([seed, 1]).random())
        idx = fit.systematic_resample(weights, offset, m, xp=xp)
        resampled = {k: xp.take(v, idx) for k, v in values.items()}
        posterior = {k: _q(fit.quantile(v, PROBS, xp=xp)) for k, v in resampled.items()}
    return Calibration(
        draws,
        seed,
        ess,
        prior,
        posterior,
        obs,
        {k: backends.to_numpy(resampled[k]) for k in calibrated},
        _rank_correlations(scenario, calibrated, values, weights),
    )


def _rank_correlations(scenario, keys, values, weights) -> dict[tuple[str, str], float]:
    """Weighted Spearman ρ of each pair of uncertain keys under the posterior weights."""
    uncertain = [k for k in keys if not scenario.priors[k].is_fixed]
    w = backends.to_numpy(weights)
    x = {k: backends.to_numpy(values[k]) for k in uncertain}
    return {
        (a, b): spearman(x[a], x[b], w) for i, a in enumerate(uncertain) for b in uncertain[i + 1 :]
    }


def _derived(ln_train, base_col: int, n: int) -> dict[str, np.ndarray]:
    """Per draw, from the engine's hindcast: the compute growth into the base year,
    C_pre(t0) / C_pre(t0 − 1) [×/yr] (g_s · 2^(1/T_hw) while no cap binds), and the base-year
    run C_pre(t0) [FLOP]."""
    last = backends.to_numpy(ln_train[:, base_col])
    growth = np.exp(last - backends.to_numpy(ln_train[:, base_col - 1]))
    return {
        "compute_growth": np.broadcast_to(growth, (n,)),
        "training_flop_base_year": np.broadcast_to(np.exp(last), (n,)),
    }


def _q(arr) -> tuple[float, float, float]:
    return tuple(float(x) for x in backends.to_numpy(arr))
