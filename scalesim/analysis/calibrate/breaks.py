"""A trend of frontier training compute that can change regime: model averaging over breaks.

The straight line of :mod:`scalesim.analysis.calibrate.backtest` reads every jump in the
frontier as slope: fitted on 2010–2016 it sees the 2015–16 step into the large-scale era
(Sevilla et al. 2022, "Compute trends across three eras of machine learning") as a growth of
~10×/yr, and projects it. Here the trend of log10 compute against the release date t is one
of three kinds of model, averaged with their posterior weights:

- ``line``: ``y = a + b·t``;
- ``shift`` at τ: ``y = a + b·t + c·1(t > τ)`` — a jump in level, the same slope before and
  after (a regime change that is not growth);
- ``break`` at τ: ``y = a + b·t + c·1(t > τ) + d·(t − τ)·1(t > τ)`` — a new level and slope
  after τ.

τ runs over the midpoints between consecutive release dates, with at least
:data:`MIN_SIDE` runs on each side (:data:`MIN_AFTER_BREAK` runs spanning
:data:`MIN_BREAK_SPAN` years after a slope break). Each model
is fitted by least squares with Gaussian errors; its weight is the prior (1/3 per kind,
spread evenly over τ) times exp(−BIC/2), BIC = n·ln(RSS/n) + k·ln n with k the coefficients
plus the variance (plus τ). A model's predictive for a run at t0 is Student-t with n − p
degrees of freedom, location x0ᵀβ and scale s·sqrt(1 + x0ᵀ(XᵀX)⁻¹x0) (the exact predictive
under a flat prior), so it widens with the distance from the data and has heavy tails; the
average is the mixture, represented by draws.

References: Raftery 1995, "Bayesian model selection in social research" (BIC weights);
Gelman et al., "Bayesian Data Analysis", 3rd ed., §14.2 (the regression predictive).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: Fewest runs on each side of a level shift.
MIN_SIDE = 2
#: Fewest runs after a slope break (a slope needs a few points).
MIN_AFTER_BREAK = 4
#: Shortest span of release dates after a slope break [year]. Set after the 2018 backtest
#: showed a break fitted on 4 runs within 1.3 years extrapolated to 2025 (CRPS ~10): a
#: slope is not identified by a few months of runs. Stated so that the choice is visible.
MIN_BREAK_SPAN = 2.0
KINDS = ("line", "shift", "break")


@dataclass(frozen=True)
class Fitted:
    """One fitted model: kind, break date, coefficients and what its predictive needs."""

    kind: str
    tau: float | None
    beta: np.ndarray
    xtx_inv: np.ndarray
    scale: float
    dof: int
    log_weight: float


def _design(t: np.ndarray, kind: str, tau: float | None) -> np.ndarray:
    cols = [np.ones_like(t), t]
    if kind != "line":
        after = (t > tau).astype(np.float64)
        cols.append(after)
        if kind == "break":
            cols.append(after * (t - tau))
    return np.stack(cols, axis=1)


def _fit(t, y, kind, tau, log_prior) -> Fitted | None:
    x = _design(t, kind, tau)
    n, p = x.shape
    if n <= p + 1:
        return None
    xtx = x.T @ x
    if np.linalg.cond(xtx) > 1e12:
        return None
    xtx_inv = np.linalg.inv(xtx)
    beta = xtx_inv @ (x.T @ y)
    rss = float(np.sum((y - x @ beta) ** 2))
    rss = max(rss, 1e-12 * n)
    k = p + 1 + (0 if tau is None else 1)
    bic = n * math.log(rss / n) + k * math.log(n)
    return Fitted(
        kind=kind,
        tau=tau,
        beta=beta,
        xtx_inv=xtx_inv,
        scale=math.sqrt(rss / (n - p)),
        dof=n - p,
        log_weight=log_prior - 0.5 * bic,
    )


def fit_models(t: np.ndarray, y: np.ndarray, kinds: tuple[str, ...] = KINDS) -> list[Fitted]:
    """Fit every model of ``kinds`` to release dates ``t`` [year] and log10 compute ``y``;
    weights normalised (``exp(log_weight)`` sums to 1)."""
    t = np.asarray(t, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    order = np.sort(np.unique(t))
    mids = (order[:-1] + order[1:]) / 2.0
    models: list[Fitted] = []
    for kind in kinds:
        if kind == "line":
            taus = [None]
        else:
            need = MIN_AFTER_BREAK if kind == "break" else MIN_SIDE
            span = 0.0 if kind == "shift" else MIN_BREAK_SPAN
            taus = [
                float(m)
                for m in mids
                if np.sum(t < m) >= MIN_SIDE and np.sum(t > m) >= need and t.max() - m >= span
            ]
        if not taus:
            continue
        log_prior = -math.log(len(kinds)) - math.log(len(taus))
        for tau in taus:
            m = _fit(t, y, kind, tau, log_prior)
            if m is not None:
                models.append(m)
    if not models:
        raise ValueError("no trend model could be fitted (too few runs)")
    top = max(m.log_weight for m in models)
    total = math.log(sum(math.exp(m.log_weight - top) for m in models)) + top
    return [
        Fitted(m.kind, m.tau, m.beta, m.xtx_inv, m.scale, m.dof, m.log_weight - total)
        for m in models
    ]


def predictive_draws(
    models: list[Fitted], t0: np.ndarray, draws: int, rng: np.random.Generator
) -> np.ndarray:
    """Draws of log10 compute of runs released at ``t0`` [year], shape (len(t0), draws): the
    model of each draw by its weight, then that model's Student-t predictive."""
    t0 = np.asarray(t0, dtype=np.float64)
    w = np.array([math.exp(m.log_weight) for m in models])
    which = rng.choice(len(models), size=draws, p=w / w.sum())
    out = np.empty((t0.size, draws))
    for i in np.unique(which):
        m = models[i]
        cols = which == i
        x0 = _design(t0, m.kind, m.tau)
        loc = x0 @ m.beta
        lever = np.einsum("ij,jk,ik->i", x0, m.xtx_inv, x0)
        scale = m.scale * np.sqrt(1.0 + lever)
        z = rng.standard_t(m.dof, size=(t0.size, int(cols.sum())))
        out[:, cols] = loc[:, None] + scale[:, None] * z
    return out


def weights_by_kind(models: list[Fitted]) -> dict[str, float]:
    """Posterior weight of each kind of model (line, shift, break)."""
    out = dict.fromkeys(KINDS, 0.0)
    for m in models:
        out[m.kind] += math.exp(m.log_weight)
    return out


def likeliest_break(models: list[Fitted]) -> float | None:
    """Break date of the heaviest model with one [year], or None when the line is it."""
    best = max(models, key=lambda m: m.log_weight)
    return best.tau
