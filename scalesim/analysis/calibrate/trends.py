"""Historical growth rates with bootstrap intervals (host side of the fitting kernels).

Four trends, each a log-linear least-squares fit on dates with B bootstrap resamples fitted
in one batched operation (:func:`scalesim.calibrate.fit.line_fit`):

- frontier training compute [×/yr]: ``log10 training_flop`` of the frontier runs;
- cost of frontier runs [×/yr]: ``log10 cost_usd`` of the frontier runs that have one;
- FLOP per dollar [doubling time, years]: ``log2`` of ML-hardware price-performance, peak
  dense fp16/bf16 tensor FLOP/s (fp32 for chips without tensor units) per launch price;
- training-dataset size [×/yr]: ``log10 dataset_tokens`` of the frontier language models.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

from scalesim.analysis.calibrate import fit
from scalesim.analysis.calibrate.history import decimal_year
from scalesim.engine import backend as backends
from scalesim.errors import InputError

#: Interval reported for every trend: 90% (5th to 95th percentile of the bootstrap).
PROBS = (0.05, 0.5, 0.95)
#: Default number of frontier runs at any date for the top-k rule (Epoch AI 2024).
TOP_K = 10
FRONTIER_CHOICES = ("auto", "flag", "top-k")
#: The trends of ``scalesim calibrate --json``, in order.
TREND_KEYS = (
    "frontier_compute_growth",
    "cost_growth",
    "flop_per_usd_doubling_years",
    "dataset_growth",
)


@dataclass(frozen=True)
class Trend:
    """One fitted trend.

    Attributes
    ----------
    p5, p50, p95 : float or None
        5th, 50th and 95th percentiles over the bootstrap resamples [unit]; None where
        undefined (too few points, or a doubling time that is infinite).
    estimate : float or None
        The fit on all points (no resampling) [unit].
    n : int
        Points used [points].
    since, until : int
        Calendar years of the window asked for (inclusive) [year].
    first, last : float or None
        Decimal years of the first and last point used [year].
    unit : str
        ``x/yr`` or ``years`` (doubling time).
    basis : str
        What was fitted.
    """

    p5: float | None
    p50: float | None
    p95: float | None
    estimate: float | None
    n: int
    since: int
    until: int
    first: float | None
    last: float | None
    unit: str
    basis: str

    def to_dict(self) -> dict:
        return asdict(self)


def bootstrap_counts(n: int, b: int, rng: np.random.Generator) -> np.ndarray:
    """Counts of each of ``n`` observations in ``b`` resamples with replacement.

    Parameters
    ----------
    n : int
        Observations [points].
    b : int
        Resamples [resamples].
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray, shape (b, n), float64
        Each row sums to n; row i weights the fit of resample i.
    """
    idx = rng.integers(0, n, size=(b, n))
    flat = idx + (np.arange(b, dtype=np.int64) * n)[:, None]
    return np.bincount(flat.ravel(), minlength=b * n).reshape(b, n).astype(np.float64)


def select_frontier(
    history: pd.DataFrame, frontier: str = "auto", top_k: int = TOP_K, *, xp=np
) -> np.ndarray:
    """Which runs count as frontier runs.

    Parameters
    ----------
    history : pandas.DataFrame
        Normalised runs (scalesim.calibrate.history).
    frontier : {"auto", "flag", "top-k"}
        ``flag``: the file's own frontier column; ``top-k``: among the ``top_k`` largest by
        compute at release (:func:`scalesim.calibrate.fit.frontier_top_k`); ``auto``: the
        flag when the file has one, else top-k.
    top_k : int
        For top-k [runs].
    xp : namespace
        Array namespace of the kernel.

    Returns
    -------
    numpy.ndarray of bool, shape (rows,)

    Raises
    ------
    InputError
        Naming the argument: ``frontier`` not one of :data:`FRONTIER_CHOICES`, or ``flag``
        for a history without a frontier column; ``top_k`` below 1.
    """
    if frontier not in FRONTIER_CHOICES:
        raise InputError(
            f"expected one of {', '.join(FRONTIER_CHOICES)}, got {frontier!r}", key="frontier"
        )
    has_flag = bool(history.attrs.get("frontier_flag", False)) and bool(history["frontier"].any())
    if frontier == "flag" or (frontier == "auto" and has_flag):
        if not has_flag:
            path = history.attrs.get("path")
            raise InputError(
                f"'flag': the history {'file ' + repr(str(path)) + ' ' if path else ''}has no "
                "frontier column ('Frontier model' or 'frontier'); use 'top-k'",
                key="frontier",
            )
        return history["frontier"].to_numpy(bool)
    if top_k < 1:
        raise InputError(f"must be >= 1, got {top_k}", key="top_k")
    years = backends.to_device(decimal_year(history["date"]), xp)
    flop = backends.to_device(np.log10(history["training_flop"].to_numpy(np.float64)), xp)
    return backends.to_numpy(fit.frontier_top_k(years, flop, top_k, xp=xp)).astype(bool)


def frontier_label(history: pd.DataFrame, how: str, k: int) -> str:
    """How the frontier was chosen, for printing."""
    has_flag = bool(history.attrs.get("frontier_flag", False)) and bool(history["frontier"].any())
    if how == "flag" or (how == "auto" and has_flag):
        return "the file's frontier flag"
    return f"top {k} by training compute at release"


def fit_growth(
    years,
    values,
    *,
    since: int,
    until: int,
    bootstrap: int,
    seed: int,
    xp,
    log_base: float = 10.0,
    doubling: bool = False,
    basis: str = "",
) -> Trend:
    """Fit ``log(values)`` on decimal years with a bootstrap.

    Parameters
    ----------
    years : array_like, shape (n,)
        Decimal years [year].
    values : array_like, shape (n,)
        Positive values (FLOP, USD, FLOP/s per USD, tokens); rows outside
        ``[since, until]`` or not positive and finite are dropped.
    since, until : int
        Inclusive calendar-year window [year].
    bootstrap : int
        Resamples B [resamples].
    seed : int
        Seed of the resampling Generator.
    xp : namespace
        Array namespace of the fit.
    log_base : float
        Base of the logarithm fitted (10 for growth, 2 for doubling times).
    doubling : bool
        Report the doubling time ``1 / slope`` [years] instead of ``log_base ** slope``
        [×/yr].
    basis : str
        Description of the data fitted.

    Returns
    -------
    Trend
    """
    t = np.asarray(years, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    keep = (
        np.isfinite(t) & np.isfinite(v) & (v > 0) & (np.floor(t) >= since) & (np.floor(t) <= until)
    )
    t, v = t[keep], v[keep]
    n = int(t.size)
    unit = "years" if doubling else "x/yr"
    first = float(t.min()) if n else None
    last = float(t.max()) if n else None
    if n < 3 or np.ptp(t) == 0:
        return Trend(None, None, None, None, n, since, until, first, last, unit, basis)
    y = np.log(v) / math.log(log_base)
    x_dev = backends.to_device(t - 2000.0, xp)
    y_dev = backends.to_device(y, xp)
    rng = np.random.default_rng(seed)
    counts = backends.to_device(bootstrap_counts(n, int(bootstrap), rng), xp)
    with np.errstate(divide="ignore", invalid="ignore"):
        _, slope, _ = fit.line_fit(x_dev, y_dev, counts, xp=xp)
        _, full, _ = fit.line_fit(x_dev, y_dev, backends.to_device(np.ones(n), xp), xp=xp)
        slope = slope[xp.isfinite(slope)]
        if doubling:
            # Slopes <= 0 never double: +inf sorts above every finite doubling time.
            slope = xp.where(slope > 0, 1.0 / slope, xp.full_like(slope, math.inf))
            full = xp.where(full > 0, 1.0 / full, xp.full_like(full, math.inf))
        else:
            slope = xp.exp(slope * math.log(log_base))
            full = xp.exp(full * math.log(log_base))
        q = backends.to_numpy(fit.quantile(slope, PROBS, xp=xp))
    est = float(backends.to_numpy(full)[0])
    return Trend(*(_finite(x) for x in q), _finite(est), n, since, until, first, last, unit, basis)


def hardware_price_performance(hardware: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Peak FLOP/s per launch dollar of each chip with a price.

    fp16/bf16 dense tensor peak where the chip has it, else fp32: the precision frontier
    training used at the time (fp32 before tensor cores, 2017; mixed precision after).

    Returns
    -------
    years : numpy.ndarray
        Release dates as decimal years [year].
    flops_per_usd : numpy.ndarray
        Peak FLOP/s per USD of launch price [FLOP/s/USD].
    """
    peak = hardware["fp16_flops"].where(hardware["fp16_flops"] > 0, hardware["fp32_flops"])
    ok = hardware["release_date"].notna() & (hardware["price_usd"] > 0) & (peak > 0)
    years = decimal_year(hardware.loc[ok, "release_date"])
    return years, (peak[ok] / hardware.loc[ok, "price_usd"]).to_numpy(np.float64)


def calibrate_trends(
    history: pd.DataFrame,
    hardware: pd.DataFrame,
    *,
    since: int = 2010,
    until: int = 2024,
    bootstrap: int = 10_000,
    seed: int = 0,
    frontier: str = "auto",
    top_k: int = TOP_K,
    xp=np,
) -> dict[str, Trend]:
    """The four historical trends of ``scalesim calibrate``.

    Parameters
    ----------
    history : pandas.DataFrame
        Normalised training runs.
    hardware : pandas.DataFrame
        Normalised ML hardware.
    since, until : int
        Inclusive window [year].
    bootstrap : int
        Resamples per trend [resamples].
    seed : int
        Seed of the resampling.
    frontier, top_k :
        Frontier selection (see :func:`select_frontier`).
    xp : namespace
        Array namespace of the kernels.

    Returns
    -------
    dict of str to Trend
        ``frontier_compute_growth``, ``cost_growth``, ``flop_per_usd_doubling_years``,
        ``dataset_growth`` and ``training_flop_per_usd_doubling_years`` (FLOP per dollar
        of the frontier runs that have a cost, for comparison).
    """
    if since > until:
        raise InputError(f"must not be after until ({until}), got {since}", key="since")
    if bootstrap < 1:
        raise InputError(f"must be >= 1, got {bootstrap}", key="bootstrap")
    mask = select_frontier(history, frontier, top_k, xp=xp)
    front = history[mask]
    years = decimal_year(front["date"])
    how = frontier_label(history, frontier, top_k)
    language = front["domain"].str.contains("language", case=False).to_numpy(bool)
    hw_years, hw_ppd = hardware_price_performance(hardware)
    common = {"since": since, "until": until, "bootstrap": bootstrap, "xp": xp}
    return {
        "frontier_compute_growth": fit_growth(
            years,
            front["training_flop"],
            seed=seed,
            basis=f"training compute of frontier runs ({how})",
            **common,
        ),
        "cost_growth": fit_growth(
            years,
            front["cost_usd"],
            seed=seed + 1,
            basis=f"final-run cost of frontier runs with a cost ({how})",
            **common,
        ),
        "flop_per_usd_doubling_years": fit_growth(
            hw_years,
            hw_ppd,
            seed=seed + 2,
            log_base=2.0,
            doubling=True,
            basis="ML hardware peak fp16/bf16 tensor FLOP/s (fp32 without tensor units) per launch price",
            **common,
        ),
        "dataset_growth": fit_growth(
            years[language],
            front["dataset_tokens"].to_numpy(np.float64)[language],
            seed=seed + 3,
            basis=f"training-set size of frontier language models ({how})",
            **common,
        ),
        "training_flop_per_usd_doubling_years": fit_growth(
            years,
            (front["training_flop"] / front["cost_usd"]).to_numpy(np.float64),
            seed=seed + 4,
            log_base=2.0,
            doubling=True,
            basis=f"training FLOP per USD of frontier runs with a cost ({how})",
            **common,
        ),
    }


def _finite(x) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None
