"""Importance-sampling calibration of a scenario's economics on history.

M parameter sets are drawn from the scenario's priors (scalesim.priors.draw, so they are
the very samples ``scalesim run`` would use), the engine's economics are run backwards over
the observed years (Δ = year − base_year < 0) with the kernels of
scalesim.kernels.economics, and each draw is weighted by the likelihood of the history:

- the largest training run of each observed year (the annual maximum of the frontier runs'
  compute) against the hindcast C_train(t) = (1 − f_syn) · spend(t) · flop_per_usd(t);
- the largest known final-run cost of each year against spend(t);

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
from scalesim.errors import InputError
from scalesim.model.kernels import economics
from scalesim.scenario.loader import Scenario
from scalesim.scenario.priors import BLOCK, draw

#: Priors the hindcast needs (scalesim.parameters key paths).
HINDCAST_KEYS = (
    "economy.world_gdp",
    "economy.gdp_growth",
    "spending.largest_run",
    "spending.growth",
    "spending.max_share_of_gdp",
    "hardware.flop_per_usd",
    "hardware.doubling_time",
    "hardware.max_flop_per_usd",
    "synthetic.share_of_compute",
)
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
        Prior draws M [1].
    ess : float
        Kish's effective sample size of the weights [draws].
    prior, posterior : dict of str to tuple of float
        5th, 50th and 95th percentiles per key (CALIBRATED keys and DERIVED quantities:
        ``compute_growth`` [×/yr], ``training_flop_base_year`` [FLOP]).
    observations : Observations
    resampled : dict of str to numpy.ndarray
        Posterior draws of the CALIBRATED keys after a systematic resample [canonical unit].
    """

    draws: int
    seed: int
    ess: float
    prior: dict[str, tuple[float, float, float]]
    posterior: dict[str, tuple[float, float, float]]
    observations: Observations
    resampled: dict[str, np.ndarray] = field(repr=False)

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


def hindcast_log10(params: dict, dt, *, xp):
    """The engine's economics at past (or any) years, in log10.

    Parameters
    ----------
    params : dict of str to array, shape (M, 1) or (1, 1)
        The HINDCAST_KEYS, canonical units.
    dt : array, shape (1, Y)
        Years since the base year, Δ [year] (negative in the past).
    xp : namespace

    Returns
    -------
    log10_training_flop : array, shape (M, Y)
        log10 C_train(t) [log10 FLOP].
    log10_spend : array, shape (M, Y)
        log10 spend(t) [log10 USD].
    """
    train, spend = hindcast_ln(params, dt, xp=xp)
    return fit.log10_from_ln(train, xp=xp), fit.log10_from_ln(spend, xp=xp)


def hindcast_ln(params: dict, dt, *, xp):
    """As :func:`hindcast_log10`, in natural logs [ln FLOP], [ln USD] (one division less
    per element: the likelihood converts the few observations instead)."""
    p = params
    lg = economics.log_gdp(p["economy.world_gdp"], p["economy.gdp_growth"], dt, xp=xp)
    spend = economics.log_spend(
        p["spending.largest_run"],
        p["spending.growth"],
        p["spending.max_share_of_gdp"],
        lg,
        dt,
        xp=xp,
    )
    fpu = economics.log_flop_per_usd(
        p["hardware.flop_per_usd"],
        p["hardware.doubling_time"],
        p["hardware.max_flop_per_usd"],
        dt,
        xp=xp,
    )
    train = economics.log_training_flop(spend + fpu, p["synthetic.share_of_compute"], xp=xp)
    return train, spend


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
        raise InputError(f"--draws: must be >= 2, got {draws}")
    seed = scenario.seed if seed is None else int(seed)
    priors = {k: scenario.priors[k] for k in HINDCAST_KEYS}
    dt = backends.to_device((obs.years - scenario.base_year).reshape(1, -1), xp)
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
        host = draw(priors, seed, a, b)
        params = {k: backends.to_device(v.reshape(-1, 1), xp) for k, v in host.items()}
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            flop, spend = hindcast_ln(params, dt, xp=xp)
            ll = fit.gaussian_loglik(flop, flop_obs, sigma_flop, xp=xp)
            if cost_cols.size:
                spend = xp.take(spend, cost_idx, axis=1)
                ll = ll + fit.gaussian_loglik(spend, cost_obs, sigma_cost, xp=xp)
        if ll.shape[0] != b - a:  # every prior fixed: one row stands for all draws
            ll = xp.broadcast_to(ll, (b - a,))
        n = b - a
        values = {k: np.broadcast_to(host[k], (n,)) for k in CALIBRATED}
        values.update(_derived(host, n))
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
        {k: backends.to_numpy(resampled[k]) for k in CALIBRATED},
    )


def _derived(host: dict, n: int) -> dict[str, np.ndarray]:
    """Implied compute growth g_s · 2^(1/T_hw) [×/yr] and base-year run S0 · P0 · (1 − f_syn)
    [FLOP] of each draw."""

    def get(key):
        return np.broadcast_to(host[key], (n,))

    growth = get("spending.growth") * np.exp2(1.0 / get("hardware.doubling_time"))
    base = (
        get("spending.largest_run")
        * get("hardware.flop_per_usd")
        * (1.0 - get("synthetic.share_of_compute"))
    )
    return {"compute_growth": growth, "training_flop_base_year": base}


def _q(arr) -> tuple[float, float, float]:
    return tuple(float(x) for x in backends.to_numpy(arr))
