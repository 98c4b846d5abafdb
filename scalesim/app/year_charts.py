"""The web app's charts of the year the human text stock is used up and of the binding
constraints, as Vega-Lite specs built as plain dicts (see :mod:`scalesim.app.charts`).

exhaustion, exhaustion_bins
    As :func:`scalesim.present.plots.exhaustion_chart` (a histogram, or step lines when
    several runs are compared), and its bins.
binding
    As :func:`scalesim.present.plots.binding_chart`.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from scalesim.app import vega
from scalesim.model import constraints as registry
from scalesim.present import text

#: Width of the exhaustion-year histogram's bars [year].
EXHAUSTION_BIN = 0.25


def exhaustion_bins(run: Any, bin_width: float = EXHAUSTION_BIN) -> tuple[list[tuple], float]:
    """Histogram of the year the human stock is fully used, from a run's 0.01-year bins.

    Returns
    -------
    bins : list of (start, end, share)
        Contiguous bars [calendar year], empty ones as 0 [share of all samples].
    share_never : float
        Share of samples that never use the stock up by the last year.
    """
    from scalesim.engine.summary import YEAR_BIN

    samples = int(run.samples)
    items = sorted(run.exhaustion_counts.items())
    never = int(run.exhaustion_never)
    if not items:
        return [], (never / samples if samples else 0.0)
    fine = np.array([k for k, _ in items], dtype=np.int64)
    weights = np.array([c for _, c in items], dtype=np.int64)
    # Bin centres avoid floating-point edge effects when regrouping 0.01-year bins.
    keys = np.floor((fine + 0.5) * YEAR_BIN / bin_width).astype(np.int64)
    uniq, inverse = np.unique(keys, return_inverse=True)
    counts = np.bincount(inverse, weights=weights).astype(np.int64)
    full = np.arange(uniq[0], uniq[-1] + 1)
    dense = np.zeros(full.size, dtype=np.int64)
    dense[uniq - uniq[0]] = counts
    share = dense / samples if samples else dense * 0.0
    bins = [
        (float(a), float(b), float(c))
        for a, b, c in zip(full * bin_width, (full + 1) * bin_width, share, strict=True)
    ]
    return bins, (never / samples if samples else 0.0)


def exhaustion(objs: Any, *, height: int = 320) -> dict:
    """Distribution of the exhaustion year (as :func:`scalesim.present.plots.exhaustion_chart`
    from run views: a histogram, or step lines when several runs are compared)."""
    runs = vega.runs_of(objs)
    labels = list(runs)
    single = len(labels) == 1
    rows, nevers = [], []
    for label, run in runs.items():
        bins, never = exhaustion_bins(run)
        for start, end, share in bins:
            rows.append(
                {
                    "start": start,
                    "end": end,
                    "share": share,
                    "scenario": label,
                    "years": text.interval(start, end, fmt=lambda y: text.year(y, places=2)),
                    "share_text": text.share(share, 1),
                }
            )
        shown = text.share(never, 1)
        nevers.append(shown if single else f"{label}: {shown}")
    last = max(int(run.years[-1]) for run in runs.values())
    x = {
        "field": "start",
        "type": "quantitative",
        "axis": {"format": "d", "title": "year the human stock is fully used"},
        "scale": {"zero": False},
    }
    y = {
        "field": "share",
        "type": "quantitative",
        "stack": None,
        "axis": {"format": "%", "title": "share of samples"},
    }
    tooltip = [
        vega.tooltip("scenario"),
        vega.tooltip("years", "years"),
        vega.tooltip("share_text", "share of samples"),
    ]
    color = vega.scenario_color(labels, single)
    if single:
        mark = {"type": "bar", "binSpacing": 0, "opacity": 0.85}
        encoding = {
            "color": color,
            "tooltip": tooltip,
            "x": x,
            "x2": {"field": "end"},
            "y": y,
            "y2": {"datum": 0},
        }
    else:
        mark = {"type": "line", "interpolate": "step-after", "strokeWidth": 2}
        encoding = {"color": color, "tooltip": tooltip, "x": x, "y": y}
    return {
        "data": {"name": "exhaustion"},
        "mark": mark,
        "encoding": encoding,
        "height": height,
        "title": {
            "text": "Year the human text stock is fully used",
            "subtitle": f"never by {last}: " + "; ".join(nevers),
        },
        "datasets": {"exhaustion": rows},
    }


def binding(run: Any, *, height: int = 320) -> dict:
    """Share of samples per binding constraint (as :func:`scalesim.present.plots.binding_chart`)."""
    shares = run.binding_shares()
    years = [int(y) for y in run.years]
    order = text.constraint_order(shares)
    labels = [text.constraint_label(c) for c in order]
    rank = {c: i for i, c in enumerate(order)}
    rows = [
        {
            "year": year,
            "share": float(s[i]),
            "label": text.constraint_label(c),
            "order": rank[c],
            "share_text": text.share(s[i], 1),
        }
        for c, s in shares.items()
        for i, year in enumerate(years)
    ]
    return {
        "data": {"name": "binding"},
        "mark": {"type": "area", "opacity": 0.85},
        "encoding": {
            "color": {
                "field": "label",
                "type": "nominal",
                "sort": labels,
                "scale": {"domain": labels, "range": [registry.colour(c) for c in order]},
                "legend": {"orient": "top", "title": "binding constraint"},
            },
            "order": {"field": "order", "type": "quantitative"},
            "tooltip": [
                vega.year_tooltip(),
                vega.tooltip("label", "constraint"),
                vega.tooltip("share_text", "share of samples"),
            ],
            "x": vega.YEAR_X,
            "y": {
                "field": "share",
                "type": "quantitative",
                "stack": "zero",
                "scale": {"domain": [0, 1]},
                "axis": {"format": "%", "title": "share of samples"},
            },
        },
        "height": height,
        "title": "Binding constraint: share of samples",
        "datasets": {"binding": rows},
    }
