"""Loaders of the curated history tables shipped in scalesim/data/."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
TABLES = {
    "frontier_models": "frontier_models.csv",
    "ml_hardware": "ml_hardware.csv",
    "world_gdp": "world_gdp.csv",
}


def load_shipped(name: str = "frontier_models") -> pd.DataFrame:
    """One of the shipped tables as a DataFrame.

    Parameters
    ----------
    name : {"frontier_models", "ml_hardware", "world_gdp"}
        Table name (see scalesim/data/README.md for columns and units).

    Returns
    -------
    pandas.DataFrame
        Dates parsed (``date``, ``release_date``), ``frontier`` as bool.
    """
    frame = pd.read_csv(DATA_DIR / TABLES[name])
    for col in ("date", "release_date"):
        if col in frame:
            frame[col] = pd.to_datetime(frame[col])
    if "frontier" in frame:
        frame["frontier"] = frame["frontier"].astype(str).str.lower().isin(["true", "1", "yes"])
    return frame
