"""Data shaping for the charts of scalesim.plots: summaries, quantile frames, history points,
the exhaustion-year distribution and binding-constraint shares as tidy pandas frames."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from scalesim.model.variables import VARIABLES

QUANTILE_KEYS = ("p5", "p25", "p50", "p75", "p95")


def summary_of(obj: Any) -> dict:
    """The summary dict of a Results (or the dict itself when it already is one).

    Parameters
    ----------
    obj : Results or dict
        A run's results, or a dict following the summary JSON contract.

    Returns
    -------
    dict
        The summary JSON contract (ARCHITECTURE.md, "Output contract").
    """
    if hasattr(obj, "summary") and callable(obj.summary):
        return obj.summary()
    if isinstance(obj, Mapping) and "variables" in obj:
        return dict(obj)
    raise TypeError(f"expected Results or a summary dict, got {type(obj).__name__}")


def _is_single(obj: Any) -> bool:
    return (hasattr(obj, "summary") and callable(obj.summary)) or (
        isinstance(obj, Mapping) and "variables" in obj
    )


def labelled(objs: Any) -> dict[str, Any]:
    """``{label: results_or_summary}`` from one run or a mapping of runs.

    A single run is labelled by its scenario name.
    """
    if _is_single(objs):
        return {_name(objs): objs}
    if isinstance(objs, Mapping):
        return dict(objs)
    raise TypeError(
        f"expected Results, a summary dict or a mapping of them, got {type(objs).__name__}"
    )


def _name(obj: Any) -> str:
    if hasattr(obj, "scenario") and hasattr(obj.scenario, "name"):
        return str(obj.scenario.name)
    if isinstance(obj, Mapping):
        return str((obj.get("scenario") or {}).get("name") or "scenario")
    return "scenario"


def quantile_frame(objs: Any, variables: list[str] | tuple[str, ...]) -> pd.DataFrame:
    """Tidy quantiles of ``variables``: one row per (scenario, variable, year).

    Parameters
    ----------
    objs : Results, summary dict, or mapping of label to either
    variables : sequence of str
        Variable names; those absent from a summary are skipped.

    Returns
    -------
    pandas.DataFrame
        Columns scenario, variable, label (description), unit, year, p5, p25, p50, p75, p95
        [canonical unit]. Null quantiles (infinite values) are NaN.
    """
    rows = []
    for label, obj in labelled(objs).items():
        summary = summary_of(obj)
        for name in variables:
            q = summary["variables"].get(name)
            if q is None:
                continue
            for i, year in enumerate(summary["years"]):
                rows.append(
                    {
                        "scenario": label,
                        "variable": name,
                        "label": VARIABLES.get(name, (q.get("unit", ""), name))[1],
                        "unit": q.get("unit", ""),
                        "year": int(year),
                        **{k: _num(q[k][i]) for k in QUANTILE_KEYS},
                    }
                )
    columns = ["scenario", "variable", "label", "unit", "year", *QUANTILE_KEYS]
    return pd.DataFrame(rows, columns=columns)


def _num(x) -> float:
    return math.nan if x is None else float(x)


def history_frame(
    history: pd.DataFrame | None = None, *, frontier_only: bool = True, since: float | None = 2015.0
) -> pd.DataFrame:
    """Historical training runs as points for :func:`fan_chart`.

    Parameters
    ----------
    history : pandas.DataFrame, optional
        Columns ``model``, ``date``, ``training_flop`` and optionally ``organization`` and
        ``frontier``; the shipped table (``load_shipped("frontier_models")``) by default.
    frontier_only : bool
        Keep only rows flagged ``frontier``.
    since : float, optional
        First year shown [calendar year].

    Returns
    -------
    pandas.DataFrame
        Columns model, organization, date (ISO text), year (decimal) and training_flop [FLOP].
    """
    if history is None:
        from scalesim.analysis.calibrate.history import load_shipped

        history = load_shipped("frontier_models")
    frame = history.copy()
    if frontier_only and "frontier" in frame:
        frame = frame[frame["frontier"].astype(bool)]
    frame = frame[frame["training_flop"].notna() & (frame["training_flop"] > 0)]
    dates = pd.to_datetime(frame["date"])
    year = dates.dt.year + (dates.dt.day_of_year - 1) / 365.25
    out = pd.DataFrame(
        {
            "model": frame["model"].astype(str).to_numpy(),
            "organization": (
                frame["organization"].astype(str).to_numpy() if "organization" in frame else ""
            ),
            "date": dates.dt.strftime("%Y-%m-%d").to_numpy(),
            "year": year.to_numpy(dtype=float),
            "training_flop": frame["training_flop"].to_numpy(dtype=float),
        }
    )
    if since is not None:
        out = out[out["year"] >= since]
    return out.reset_index(drop=True)


# --- charts ---------------------------------------------------------------------------------


def exhaustion_frame(obj: Any, bin_width: float = 0.25) -> tuple[pd.DataFrame, float]:
    """Histogram of the year the human stock is fully used.

    Parameters
    ----------
    obj : Results
        Uses the per-sample ``data_exhaustion_year`` when kept, else the mergeable
        exhaustion-year histogram (bins of 0.01 year).
    bin_width : float
        Width of the bars [year].

    Returns
    -------
    frame : pandas.DataFrame
        Columns start, end [calendar year], share (of all samples).
    share_never : float
        Share of samples that never exhaust the stock by the last year.
    """
    samples = int(obj.samples)
    per_sample = getattr(obj, "data_exhaustion_year", None)
    if per_sample is not None:
        finite = per_sample[np.isfinite(per_sample)]
        keys = np.floor(finite / bin_width).astype(np.int64)
        never = samples - finite.size
        uniq, counts = np.unique(keys, return_counts=True)
    else:
        from scalesim.engine.summary import YEAR_BIN

        items = sorted(obj.exhaustion_counts.items())
        never = int(obj.exhaustion_never)
        if items:
            fine = np.array([k for k, _ in items], dtype=np.int64)
            weights = np.array([c for _, c in items], dtype=np.int64)
            # Bin centres avoid floating-point edge effects when regrouping 0.01-year bins.
            keys = np.floor((fine + 0.5) * YEAR_BIN / bin_width).astype(np.int64)
            uniq, inverse = np.unique(keys, return_inverse=True)
            counts = np.bincount(inverse, weights=weights).astype(np.int64)
        else:
            uniq = counts = np.zeros(0, dtype=np.int64)
    if len(uniq):
        # Empty bins as explicit zeros, so that lines and bars do not bridge gaps.
        full = np.arange(uniq[0], uniq[-1] + 1)
        dense = np.zeros(full.size, dtype=np.int64)
        dense[uniq - uniq[0]] = counts
        uniq, counts = full, dense
    frame = pd.DataFrame(
        {
            "start": uniq * bin_width,
            "end": (uniq + 1) * bin_width,
            "share": counts / samples if samples else counts * 0.0,
        }
    )
    return frame, (never / samples if samples else 0.0)


def years_of(obj: Any) -> list[int]:
    """Projection years of a Results or a summary dict."""
    return list(obj.years) if hasattr(obj, "years") else list(obj["years"])


def binding_frame(obj: Any) -> pd.DataFrame:
    """Share of samples per binding constraint and year: columns year, constraint, share."""
    if hasattr(obj, "binding_frame"):
        return obj.binding_frame()
    summary = summary_of(obj)
    return pd.DataFrame(
        [
            {"year": int(y), "constraint": c, "share": float(s[i])}
            for c, s in summary["binding_constraint_share"].items()
            for i, y in enumerate(summary["years"])
        ],
        columns=["year", "constraint", "share"],
    )
