"""Generated documentation: the scenario parameter reference (docs site, app method page, reports)."""

from __future__ import annotations

import pandas as pd

from scalesim.model.parameters import PARAMETERS
from scalesim.present.text import literal


def _default(spec) -> str:
    if spec.default is None:
        return "required"
    if spec.default_prior is not None:  # a physical ceiling: a prior, shown by its interval
        prior = spec.default_prior
        lo, hi = prior["to"]
        return f"prior {lo} – {hi} ({prior.get('credibility', 90)}%)"
    return literal(spec.default)


def parameter_frame() -> pd.DataFrame:
    """Every parameter of the registry (scalesim.model.parameters), one row each.

    Returns
    -------
    pandas.DataFrame
        Columns key, symbol, unit, default, domain, meaning and source, in registry order.
    """
    return pd.DataFrame(
        [
            {
                "key": f"parameters.{p.path}",
                "symbol": p.symbol,
                "unit": "1" if p.unit == "dimensionless" else p.unit,
                "default": _default(p),
                "domain": p.domain_text().removeprefix("must be "),
                "meaning": p.description,
                "source": p.source,
            }
            for p in PARAMETERS
        ]
    )


def parameter_markdown() -> str:
    """The parameter reference as a Markdown table (the docs site's scenario-format page).

    Returns
    -------
    str
        The table, one row per parameter (``|`` in a cell written as ``/``).
    """
    frame = parameter_frame()
    lines = [
        "| key | symbol | unit | default | domain | meaning | source |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in frame.itertuples(index=False):
        lines.append(
            "| "
            + " | ".join(
                f"`{row.key}`" if i == 0 else str(v).replace("|", "/") for i, v in enumerate(row)
            )
            + " |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    print(parameter_markdown())
