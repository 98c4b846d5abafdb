"""How ``scalesim explain`` results look: the CLI's text and the app's tables.

Every number is formatted by :mod:`scalesim.present.text`; this module only lays the
:class:`~scalesim.analysis.explain.ExplainResult` out.
"""

from __future__ import annotations

import pandas as pd

from scalesim.analysis.explain import Box, BoxBound, ExplainResult, ParameterShift
from scalesim.present import text as fmt

#: What the KS column means, for captions.
KS_MEANING = (
    "KS: the Kolmogorov–Smirnov distance between the prior's distribution in the samples "
    "with the event and in those without it (0: the event does not depend on it; 1: it "
    "alone decides it)"
)
BOX_MEANING = (
    "PRIM boxes (Friedman & Fisher 1999): ranges of 1–3 priors where the event concentrates; "
    "coverage: share of the event's samples inside; density: share of the samples inside "
    "that have the event"
)


def probability_text(result: ExplainResult) -> str:
    """``P(event) = 76.9% ± 0.1% (Monte Carlo standard error; 76,870 of 100,000 samples,
    seed 1)``; where no sample has the event, ``P(event) = 0% (0 of 100,000 samples, seed 1);
    P < 3e-5 with 95% confidence`` (and ``P > 1 − 3e-5`` where every sample has it)."""
    counted = (
        f"{fmt.count(result.events)} of {fmt.count(result.samples)} samples, seed {result.seed}"
    )
    bound = result.probability_bound
    if bound is None:
        return (
            f"P(event) = {fmt.share(result.probability, 1)} ± "
            f"{fmt.share(result.standard_error, 1)} (Monte Carlo standard error; {counted})"
        )
    if result.events == 0:
        where = f"P < {fmt.number(bound, 2)}"
    else:
        where = f"P > 1 − {fmt.number(1.0 - bound, 2)}"
    return f"P(event) = {fmt.share(result.probability)} ({counted}); {where} with 95% confidence"


def _spread(q, unit: str) -> str:
    return fmt.MISSING if q is None else fmt.median_interval(q[1], q[0], q[2], unit)


def _percentile(q: float | None) -> str:
    return fmt.MISSING if q is None else f"p{fmt.count(100.0 * q)}"


def bound_text(b: BoxBound) -> str:
    """``data.stock ≤ 6.64e14 token (prior p86)``, ``1.2 ≤ x ≤ 3.4 (prior p10–p90)``."""
    lo, hi = fmt.number(b.low), fmt.quantity(b.high, b.unit)
    if b.low is not None and b.high is not None:
        where = f"{_percentile(b.low_quantile)}–{_percentile(b.high_quantile)}"
        return f"{lo} ≤ {b.parameter} ≤ {hi} (prior {where})"
    if b.low is not None:
        return (
            f"{b.parameter} ≥ {fmt.quantity(b.low, b.unit)} (prior {_percentile(b.low_quantile)})"
        )
    return f"{b.parameter} ≤ {hi} (prior {_percentile(b.high_quantile)})"


def box_text(box: Box) -> str:
    """``coverage 95%, density 85% (86% of samples inside)``."""
    return (
        f"coverage {fmt.share(box.coverage)}, density {fmt.share(box.density)} "
        f"({fmt.share(box.support)} of samples inside)"
    )


def parameter_frame(result: ExplainResult) -> pd.DataFrame:
    """The ranked priors as a table of text (app and CLI)."""
    rows = [_row(i, s) for i, s in enumerate(result.parameters)]
    columns = ["rank", "parameter", "all samples", "with the event", "KS", "event median at"]
    return pd.DataFrame(rows, columns=columns)


def _row(i: int, s: ParameterShift) -> list[str]:
    return [
        str(i + 1),
        s.parameter,
        _spread(s.quantiles, s.unit),
        _spread(s.event_quantiles, s.unit),
        fmt.decimal(s.ks, 3),
        fmt.MISSING
        if s.event_median_quantile is None
        else f"prior {_percentile(s.event_median_quantile)}",
    ]


def box_frame(result: ExplainResult) -> pd.DataFrame:
    """The PRIM boxes as a table of text: one row per box."""
    rows = [
        [
            str(i + 1),
            "; ".join(bound_text(b) for b in box.bounds),
            fmt.share(box.coverage),
            fmt.share(box.density),
            fmt.share(box.support),
        ]
        for i, box in enumerate(result.boxes)
    ]
    return pd.DataFrame(rows, columns=["box", "ranges", "coverage", "density", "inside"])


def no_box_text(result: ExplainResult) -> str:
    """Why there is no PRIM box (without a final full stop)."""
    if result.events == result.samples:
        return "No box: the event happens in every sample"
    if result.events == 0:
        return "No box: the event happens in no sample"
    return (
        "No box: no range of 1–3 priors raises the event's density beyond Monte Carlo noise "
        "on the samples that did not fit it"
    )


def ks_noise_text(result: ExplainResult) -> str:
    """Where the KS distances stop meaning anything."""
    if result.ks_noise is None:
        return ""
    return f"KS below {fmt.decimal(result.ks_noise, 3)} is within Monte Carlo noise (5% test)"


def format_explain(result: ExplainResult) -> str:
    """The text printed by ``scalesim explain``."""
    lines = [
        f"scenario: {result.scenario}",
        f"event: {result.event}",
        probability_text(result),
    ]
    if result.events == 0:
        lines.append("The event happens in no sample: no prior can be ranked.")
        return "\n".join(lines)
    if not result.parameters:
        lines.append("Every prior is fixed: there is nothing to rank.")
        return "\n".join(lines)
    lines += [
        "",
        "Priors: median [p10 – p90] in all samples and in the samples with the event, ranked "
        "by KS.",
        KS_MEANING + "; " + (ks_noise_text(result) or "every sample has the event") + ".",
        "",
        _table(parameter_frame(result)),
    ]
    if result.boxes:
        lines += ["", BOX_MEANING + "."]
        for i, box in enumerate(result.boxes):
            lines.append(f"  {i + 1}. {box_text(box)}")
            lines += [f"       {bound_text(b)}" for b in box.bounds]
    elif result.events < result.samples:
        lines += ["", no_box_text(result) + "."]
    return "\n".join(lines)


def _table(frame: pd.DataFrame) -> str:
    """Plain aligned text: the rank right-aligned, the rest left-aligned."""
    cells = [list(frame.columns)] + frame.astype(str).values.tolist()
    widths = [max(len(row[c]) for row in cells) for c in range(len(cells[0]))]
    out = []
    for row in cells:
        parts = [row[0].rjust(widths[0])] + [
            v.ljust(w) for v, w in zip(row[1:], widths[1:], strict=True)
        ]
        out.append(("  " + "  ".join(parts)).rstrip())
    return "\n".join(out)


__all__ = [
    "BOX_MEANING",
    "KS_MEANING",
    "bound_text",
    "box_frame",
    "box_text",
    "format_explain",
    "ks_noise_text",
    "no_box_text",
    "parameter_frame",
    "probability_text",
]
