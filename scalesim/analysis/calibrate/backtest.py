"""Honest backtests: calibrate on runs up to a cutoff, score the runs observed after it.

Method. The frontier runs released from ``since`` to the end of ``cutoff`` are fitted with a
log-linear trend, ``log10 C = a + b·t + ε``, over B bootstrap resamples in one batched
operation (scalesim.calibrate.fit.line_fit). Each resample b gives a trend (a_b, b_b) and a
residual scatter s_b; the predictive distribution of a frontier run released at date t is
the mixture over resamples of ``N(a_b + b_b·t, s_b²)``, represented by one draw per resample.
So the interval widens with the distance from the data through the slope's uncertainty, and
it holds the run-to-run scatter of frontier runs about their trend.

Why a trend rather than the engine: the engine projects the single largest run of each
year, while the runs scored here are all frontier runs (top ~10 at release), which scatter
an order of magnitude below and above the trend; the trend with its residual scatter is the
predictive for exactly those runs, and it is the model behind the growth rate that
``scalesim calibrate`` reports (and that the calibrated scenarios inherit).

Scores, each over the runs released after the cutoff up to ``through``: the share inside
the central 50% and 90% predictive intervals (nominal 0.5 and 0.9), the median absolute
error of the predictive median in log10 FLOP, and the mean CRPS in log10 FLOP (sample
estimator, scalesim.calibrate.fit.crps_ensemble).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from scalesim.analysis.calibrate import fit
from scalesim.analysis.calibrate.history import decimal_year
from scalesim.analysis.calibrate.trends import (
    TOP_K,
    bootstrap_counts,
    frontier_label,
    select_frontier,
)
from scalesim.engine import backend as backends
from scalesim.errors import InputError

PROBS = (0.05, 0.25, 0.5, 0.75, 0.95)
#: Origin of the time axis of the fits (keeps the intercept small) [year].
T0 = 2000.0


def backtest(
    history: pd.DataFrame,
    *,
    cutoff: int,
    through: int | None = None,
    since: int = 2010,
    bootstrap: int = 4000,
    seed: int = 0,
    frontier: str = "auto",
    top_k: int = TOP_K,
    xp=np,
) -> dict:
    """Calibrate on frontier runs up to ``cutoff``, score those of ``cutoff+1..through``.

    Parameters
    ----------
    history : pandas.DataFrame
        Normalised runs (scalesim.calibrate.history).
    cutoff : int
        Last calendar year used for the fit [year].
    through : int, optional
        Last calendar year scored (default: the last year in the table) [year].
    since : int
        First calendar year used for the fit [year].
    bootstrap : int
        Resamples B, also the number of predictive draws per point [resamples].
    seed : int
        Seed of the resampling and of the predictive draws.
    frontier, top_k :
        Frontier selection (scalesim.calibrate.trends.select_frontier).
    xp : namespace
        Array namespace of the kernels.

    Returns
    -------
    dict
        ``cutoff``, ``through``, ``since``, ``n_fit``, ``n_scored``, ``coverage_50``,
        ``coverage_90``, ``median_abs_log10_error``, ``median_log10_error`` (observed −
        predictive median; negative when runs came in below the projection),
        ``share_below_median``, ``crps``, ``growth`` (fitted ×/yr,
        p5/p50/p95), ``frontier``, ``method``, ``points`` (model, date, observed_flop,
        p5, p25, p50, p75, p95 [FLOP], crps) and ``projection`` (years and p5/p50/p95 of a
        frontier run released mid-year [FLOP]).
    """
    if bootstrap < 2:
        raise InputError(f"must be >= 2, got {bootstrap}", key="bootstrap")
    mask = select_frontier(history, frontier, top_k, xp=xp)
    runs = history[mask]
    year = runs["date"].dt.year
    last_year = int(year.max())
    through = last_year if through is None else int(through)
    if since > cutoff:
        raise InputError(f"must not be after cutoff ({cutoff}), got {since}", key="since")
    if through <= cutoff and through == last_year:
        raise InputError(
            f"no frontier runs after {cutoff} to score (the history ends in {last_year})",
            key="cutoff",
        )
    if through <= cutoff:
        raise InputError(f"must be after cutoff ({cutoff}), got {through}", key="through")
    train = runs[(year >= since) & (year <= cutoff)]
    test = runs[(year > cutoff) & (year <= through)]
    if len(train) < 3:
        raise InputError(
            f"only {len(train)} frontier runs from {since} to {cutoff}; at least 3 are needed",
            key="cutoff",
        )
    if test.empty:
        raise InputError(f"no frontier runs after {cutoff} up to {through} to score", key="cutoff")

    t_fit = decimal_year(train["date"]) - T0
    y_fit = np.log10(train["training_flop"].to_numpy(np.float64))
    rng = np.random.default_rng(seed)
    counts = bootstrap_counts(len(t_fit), int(bootstrap), rng)
    t_test = decimal_year(test["date"]) - T0
    y_test = np.log10(test["training_flop"].to_numpy(np.float64))
    proj_years = np.arange(cutoff + 1, through + 1, dtype=np.float64)
    t_all = np.concatenate([t_test, proj_years + 0.5 - T0])
    noise = rng.standard_normal((t_all.size, int(bootstrap)))

    with np.errstate(divide="ignore", invalid="ignore"):
        a, b, s = fit.line_fit(
            backends.to_device(t_fit, xp),
            backends.to_device(y_fit, xp),
            backends.to_device(counts, xp),
            xp=xp,
        )
        ok = xp.logical_and(xp.isfinite(b), xp.isfinite(s))
        # A degenerate resample (all draws on one date) has no slope: reuse the full fit's
        # draw slot with the median resample instead of dropping it, so shapes stay fixed.
        b_med = fit.quantile(b[ok], (0.5,), xp=xp)[0]
        a_med = fit.quantile(a[ok], (0.5,), xp=xp)[0]
        s_med = fit.quantile(s[ok], (0.5,), xp=xp)[0]
        a = xp.where(ok, a, a_med)
        b = xp.where(ok, b, b_med)
        s = xp.where(ok, s, s_med)
        t_dev = xp.reshape(backends.to_device(t_all, xp), (-1, 1))
        samples = (
            xp.reshape(a, (1, -1))
            + xp.reshape(b, (1, -1)) * t_dev
            + xp.reshape(s, (1, -1)) * backends.to_device(noise, xp)
        )
        q = backends.to_numpy(fit.quantile(samples, PROBS, xp=xp))
        n_test = t_test.size
        crps = backends.to_numpy(
            fit.crps_ensemble(samples[:n_test, :], backends.to_device(y_test, xp), xp=xp)
        )
        growth = backends.to_numpy(
            fit.quantile(xp.exp(b[ok] * math.log(10.0)), (0.05, 0.5, 0.95), xp=xp)
        )
    qt, qp = q[:n_test], q[n_test:]
    in50 = (y_test >= qt[:, 1]) & (y_test <= qt[:, 3])
    in90 = (y_test >= qt[:, 0]) & (y_test <= qt[:, 4])
    points = []
    for i, (_, row) in enumerate(test.iterrows()):
        points.append(
            {
                "model": row["model"],
                "date": row["date"].strftime("%Y-%m-%d"),
                "observed_flop": float(row["training_flop"]),
                **{f"p{int(p * 100)}": float(10 ** qt[i, j]) for j, p in enumerate(PROBS)},
                "in_50": bool(in50[i]),
                "in_90": bool(in90[i]),
                "crps": float(crps[i]),
            }
        )
    return {
        "cutoff": int(cutoff),
        "through": int(through),
        "since": int(since),
        "n_fit": int(len(train)),
        "n_scored": int(n_test),
        "coverage_50": float(in50.mean()),
        "coverage_90": float(in90.mean()),
        "median_abs_log10_error": float(np.median(np.abs(y_test - qt[:, 2]))),
        "median_log10_error": float(np.median(y_test - qt[:, 2])),
        "share_below_median": float(np.mean(y_test < qt[:, 2])),
        "crps": float(crps.mean()),
        "growth": dict(zip(("p5", "p50", "p95"), (float(g) for g in growth), strict=True)),
        "frontier": frontier_label(history, frontier, top_k),
        "method": "log-linear trend of frontier training compute with bootstrap (B="
        f"{int(bootstrap)}) and residual scatter; predictive for a frontier run",
        "points": points,
        "projection": {
            "years": [int(y) for y in proj_years],
            "p5": [float(10**v) for v in qp[:, 0]],
            "p50": [float(10**v) for v in qp[:, 2]],
            "p95": [float(10**v) for v in qp[:, 4]],
        },
    }


# --- backtest v2: a trend that can change regime, rolling origins, scores by horizon ----------

#: Cutoffs of the comparison table (the issue's "Done when").
COMPARE_CUTOFFS = (2016, 2018, 2020, 2022)
#: Horizon bins of the rolling backtest: (lo, hi] years after the origin.
HORIZONS = ((0.0, 1.0), (1.0, 2.0), (2.0, 3.0), (3.0, 5.0))
PIT_BINS = 10


def score_draws(draws: np.ndarray, observed: np.ndarray) -> dict:
    """Coverage of the central 50% and 90% intervals, mean CRPS [log10 FLOP] and the PIT
    histogram (share of draws below each observation, in :data:`PIT_BINS` bins) of
    predictive ``draws`` (point, draw) for ``observed`` log10 compute."""
    q = np.quantile(draws, [0.05, 0.25, 0.75, 0.95], axis=1)
    y = np.asarray(observed, dtype=np.float64)
    in50 = (y >= q[1]) & (y <= q[2])
    in90 = (y >= q[0]) & (y <= q[3])
    crps = fit.crps_ensemble(draws, y, xp=np)
    pit = np.mean(draws < y[:, None], axis=1)
    hist = np.histogram(pit, bins=PIT_BINS, range=(0.0, 1.0))[0]
    return {
        "n": int(y.size),
        "coverage_50": float(in50.mean()) if y.size else None,
        "coverage_90": float(in90.mean()) if y.size else None,
        "crps": float(crps.mean()) if y.size else None,
        "pit": [int(c) for c in hist],
    }


def _split(history, since, origin, horizon, frontier, top_k):
    runs = history[select_frontier(history, frontier, top_k, xp=np)]
    t = decimal_year(runs["date"])
    y = np.log10(runs["training_flop"].to_numpy(np.float64))
    fit_mask = (t >= since) & (t <= origin)
    test_mask = (t > origin) & (t <= origin + horizon)
    return t[fit_mask] - T0, y[fit_mask], t[test_mask] - T0, y[test_mask]


def _draws(model: str, t_fit, y_fit, t_test, draws, rng) -> np.ndarray:
    from scalesim.analysis.calibrate import breaks

    kinds = ("line",) if model == "line" else breaks.KINDS
    return breaks.predictive_draws(breaks.fit_models(t_fit, y_fit, kinds), t_test, draws, rng)


def compare_models(
    history: pd.DataFrame,
    *,
    cutoffs=COMPARE_CUTOFFS,
    through: int | None = None,
    since: int = 2010,
    bootstrap: int = 4000,
    seed: int = 0,
    frontier: str = "auto",
    top_k: int = TOP_K,
) -> list[dict]:
    """The v1 straight line (:func:`backtest`) and the regime-change average
    (:mod:`scalesim.analysis.calibrate.breaks`) at each cutoff, scored on the same runs (those
    released after the end of the cutoff year): one row per cutoff with ``line`` and
    ``breaks`` scores (coverage_50, coverage_90, crps) and the breaks model's weights."""
    from scalesim.analysis.calibrate import breaks

    rows = []
    for cutoff in cutoffs:
        v1 = backtest(
            history,
            cutoff=cutoff,
            through=through,
            since=since,
            bootstrap=bootstrap,
            seed=seed,
            frontier=frontier,
            top_k=top_k,
        )
        horizon = v1["through"] + 1 - (cutoff + 1)
        t_fit, y_fit, t_test, y_test = _split(history, since, cutoff + 1, horizon, frontier, top_k)
        rng = np.random.default_rng(seed)
        models = breaks.fit_models(t_fit, y_fit)
        draws = breaks.predictive_draws(models, t_test, int(bootstrap), rng)
        new = score_draws(draws, y_test)
        rows.append(
            {
                "cutoff": int(cutoff),
                "n_fit": v1["n_fit"],
                "n_scored": v1["n_scored"],
                "line": {k: v1[k] for k in ("coverage_50", "coverage_90", "crps")},
                "breaks": {k: new[k] for k in ("coverage_50", "coverage_90", "crps")},
                "weights": breaks.weights_by_kind(models),
                "likeliest_break": breaks.likeliest_break(models),
            }
        )
    return rows


def rolling(
    history: pd.DataFrame,
    *,
    first: float = 2012.0,
    last: float = 2023.0,
    step: float = 0.5,
    horizons=HORIZONS,
    since: int = 2010,
    draws: int = 4000,
    seed: int = 0,
    frontier: str = "auto",
    top_k: int = TOP_K,
) -> dict:
    """Rolling-origin backtest: at every origin from ``first`` to ``last`` (every ``step``
    years), fit each model on the runs released from ``since`` to the origin and score the
    runs released in each horizon bin after it. Scores are pooled over origins per model and
    horizon: ``{"origins": [...], "models": {name: [score per horizon]}}`` with the horizon
    bins in ``"horizons"``."""
    origins = [round(first + i * step, 6) for i in range(int(round((last - first) / step)) + 1)]
    reach = max(hi for _, hi in horizons)
    pooled = {m: {h: ([], []) for h in horizons} for m in ("line", "breaks")}
    rng = np.random.default_rng(seed)
    for origin in origins:
        t_fit, y_fit, t_test, y_test = _split(history, since, origin, reach, frontier, top_k)
        if t_fit.size < 4 or t_test.size == 0:
            continue
        ahead = t_test + T0 - origin
        for model in pooled:
            d = _draws(model, t_fit, y_fit, t_test, draws, rng)
            for lo, hi in horizons:
                sel = (ahead > lo) & (ahead <= hi)
                pooled[model][(lo, hi)][0].append(d[sel])
                pooled[model][(lo, hi)][1].append(y_test[sel])
    out = {"origins": origins, "horizons": [list(h) for h in horizons], "models": {}}
    for model, by_h in pooled.items():
        out["models"][model] = [
            score_draws(
                np.concatenate(by_h[h][0]) if by_h[h][0] else np.zeros((0, draws)),
                np.concatenate(by_h[h][1]) if by_h[h][1] else np.zeros(0),
            )
            for h in horizons
        ]
    return out
