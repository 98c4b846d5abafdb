"""Loaders of history tables: the curated ones shipped in scalesim/data/ and Epoch AI's
public CSV exports.

Every model-table loader returns the same normalised columns:

========================  ==============================================================
column                    meaning
========================  ==============================================================
``model``                 name [text]
``organization``          developer [text]
``date``                  publication / release date [datetime64]
``training_flop``         total training compute [FLOP]
``parameters``            total parameters [1]
``dataset_tokens``        training-set size [token] (Epoch: datapoints, i.e. words/tokens
                          for language models, images for vision models)
``cost_usd``              cost of the final training run [USD]
``frontier``              the file's own frontier flag [bool] (False when it has none)
``domain``                ``Language``, ``Vision``... [text] (``""`` when unknown)
========================  ==============================================================

``frame.attrs`` holds ``path``, ``format`` (``"scalesim"`` or ``"epoch"``) and
``frontier_flag`` (whether the file has a frontier column). Hardware loaders return
``hardware``, ``release_date``, ``price_usd``, ``fp32_flops``, ``fp16_flops`` (dense
fp16/bf16 tensor peak, FLOP/s) and ``tdp_w``.

References
----------
Epoch AI, "Data on Notable AI Models" and "Data on Machine Learning Hardware" (CC BY 4.0):
column names of the public exports (``Publication date``, ``Training compute (FLOP)``,
``Frontier model``, ``Training compute cost (2023 USD)``...).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from scalesim.errors import InputError

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
TABLES = {
    "frontier_models": "frontier_models.csv",
    "ml_hardware": "ml_hardware.csv",
    "world_gdp": "world_gdp.csv",
}

MODEL_COLUMNS = (
    "model",
    "organization",
    "date",
    "training_flop",
    "parameters",
    "dataset_tokens",
    "cost_usd",
    "frontier",
    "domain",
)
#: Epoch AI export column -> normalised column; the first three are required.
EPOCH_MODEL_COLUMNS = {
    "Model": "model",
    "Publication date": "date",
    "Training compute (FLOP)": "training_flop",
    "Organization": "organization",
    "Parameters": "parameters",
    "Training dataset size (datapoints)": "dataset_tokens",
    "Training compute cost (2023 USD)": "cost_usd",
    "Frontier model": "frontier",
    "Domain": "domain",
}
EPOCH_MODEL_REQUIRED = ("Publication date", "Training compute (FLOP)", "Model")
SHIPPED_MODEL_REQUIRED = ("model", "date", "training_flop")

HARDWARE_COLUMNS = ("hardware", "release_date", "price_usd", "fp32_flops", "fp16_flops", "tdp_w")
EPOCH_HARDWARE_COLUMNS = {
    "Hardware name": "hardware",
    "Release date": "release_date",
    "Release price (USD)": "price_usd",
    "FP32 (single precision) performance (FLOP/s)": "fp32_flops",
    "Tensor-FP16/BF16 performance (FLOP/s)": "fp16_flops",
    "TDP (W)": "tdp_w",
}
EPOCH_HARDWARE_REQUIRED = (
    "Hardware name",
    "Release date",
    "Release price (USD)",
    "Tensor-FP16/BF16 performance (FLOP/s)",
    "FP32 (single precision) performance (FLOP/s)",
)
SHIPPED_HARDWARE_REQUIRED = ("hardware", "release_date", "price_usd", "fp32_flops", "fp16_flops")

_TRUE = ("true", "1", "yes", "y", "t")


def load_shipped(name: str = "frontier_models") -> pd.DataFrame:
    """One of the shipped tables as a DataFrame.

    Parameters
    ----------
    name : {"frontier_models", "ml_hardware", "world_gdp"}
        Table name (see scalesim/data/README.md for columns and units).

    Returns
    -------
    pandas.DataFrame
        Dates parsed (``date``, ``release_date``), ``frontier`` as bool; the frontier table
        also gets ``domain`` (see :func:`load_history`).
    """
    if name not in TABLES:
        raise InputError(f"unknown shipped table {name!r}; expected one of {', '.join(TABLES)}")
    frame = pd.read_csv(DATA_DIR / TABLES[name])
    for col in ("date", "release_date"):
        if col in frame:
            frame[col] = pd.to_datetime(frame[col])
    if "frontier" in frame:
        frame["frontier"] = _flag(frame["frontier"])
    if name == "frontier_models":
        frame["domain"] = _shipped_domain(frame)
        frame.attrs.update(path=str(DATA_DIR / TABLES[name]), format="scalesim", frontier_flag=True)
    return frame


def load_history(path: str | Path | None = None) -> pd.DataFrame:
    """Training runs from the shipped table, a table in its format, or an Epoch AI export.

    Parameters
    ----------
    path : str or Path, optional
        CSV file; None for scalesim/data/frontier_models.csv. The format is recognised by
        its columns (``Publication date`` ... for Epoch AI, ``date`` ... for scalesim's).

    Returns
    -------
    pandas.DataFrame
        The normalised columns of this module's docstring, one row per run with a valid
        date and a positive training compute, sorted by date.

    Raises
    ------
    InputError
        ``PATH: missing column 'Publication date'`` and the like when the file has
        neither format; also for unreadable files or files without a usable row.
    """
    if path is None:
        return _finish(load_shipped("frontier_models"), None)
    frame = _read_csv(path)
    if any(c in frame.columns for c in EPOCH_MODEL_REQUIRED) or not any(
        c in frame.columns for c in SHIPPED_MODEL_REQUIRED
    ):
        return load_epoch_csv(path, frame=frame)
    _require(frame, SHIPPED_MODEL_REQUIRED, path, "scalesim's frontier_models.csv")
    flag = "frontier" in frame.columns
    frame = frame.copy()
    frame["date"] = parse_dates(frame["date"], path, "date")
    frame["frontier"] = _flag(frame["frontier"]) if flag else False
    frame["domain"] = _shipped_domain(frame) if "domain" not in frame else frame["domain"]
    frame.attrs.update(path=str(path), format="scalesim", frontier_flag=flag)
    return _finish(frame, path)


def load_epoch_csv(path: str | Path, *, frame: pd.DataFrame | None = None) -> pd.DataFrame:
    """An Epoch AI "Notable AI Models" / "AI models" CSV export, normalised.

    Parameters
    ----------
    path : str or Path
        The export (e.g. ``notable_ai_models_2025-02-24.csv``).
    frame : pandas.DataFrame, optional
        The file already read (internal use).

    Returns
    -------
    pandas.DataFrame
        Normalised columns (see the module docstring). ``cost_usd`` parses strings such as
        ``"$40586592.58"``; ``frontier`` is the ``Frontier model`` column (False where
        empty); ``attrs["frontier_flag"]`` says whether the file has that column.

    Raises
    ------
    InputError
        ``PATH: missing column 'Publication date'`` (the first missing required column).
    """
    if frame is None:
        frame = _read_csv(path)
    _require(frame, EPOCH_MODEL_REQUIRED, path, "Epoch AI's export format")
    out = pd.DataFrame(index=frame.index)
    for src, dst in EPOCH_MODEL_COLUMNS.items():
        out[dst] = frame[src] if src in frame.columns else np.nan
    out["date"] = parse_dates(out["date"], path, "Publication date")
    out["cost_usd"] = _money(out["cost_usd"])
    flag = "Frontier model" in frame.columns
    out["frontier"] = _flag(out["frontier"]) if flag else False
    out.attrs.update(path=str(path), format="epoch", frontier_flag=flag)
    return _finish(out, path)


def load_hardware(path: str | Path | None = None) -> pd.DataFrame:
    """ML accelerators: the shipped table, one in its format, or Epoch AI's hardware export.

    Parameters
    ----------
    path : str or Path, optional
        CSV file; None for scalesim/data/ml_hardware.csv.

    Returns
    -------
    pandas.DataFrame
        ``hardware``, ``release_date`` [datetime64], ``price_usd`` [USD], ``fp32_flops``,
        ``fp16_flops`` [FLOP/s, dense peak; fp16/bf16 tensor], ``tdp_w`` [W].

    Raises
    ------
    InputError
        Naming the first missing column when the file has neither format.
    """
    if path is None:
        frame = load_shipped("ml_hardware")
        frame.attrs.update(path=str(DATA_DIR / TABLES["ml_hardware"]), format="scalesim")
        return frame
    frame = _read_csv(path)
    if "release_date" in frame.columns and "Release date" not in frame.columns:
        _require(frame, SHIPPED_HARDWARE_REQUIRED, path, "scalesim's ml_hardware.csv")
        out = frame.copy()
        fmt = "scalesim"
    else:
        _require(frame, EPOCH_HARDWARE_REQUIRED, path, "Epoch AI's hardware export")
        out = pd.DataFrame(
            {
                dst: frame[src] if src in frame.columns else np.nan
                for src, dst in EPOCH_HARDWARE_COLUMNS.items()
            }
        )
        fmt = "epoch"
    column = "release_date" if fmt == "scalesim" else "Release date"
    out["release_date"] = parse_dates(out["release_date"], path, column)
    for col in ("price_usd", "fp32_flops", "fp16_flops", "tdp_w"):
        if col not in out:
            out[col] = np.nan
        out[col] = _money(out[col])
    out.attrs.update(path=str(path), format=fmt)
    return out


def parse_dates(values: pd.Series, path, column: str) -> pd.Series:
    """A CSV column of dates as naive UTC datetimes.

    Dates with a time-zone offset (``2020-05-28T00:00:00+02:00``, ``2021-01-01T00:00Z``,
    mixed offsets in one column) are converted to UTC and the zone dropped; dates without
    one are read as UTC. Empty cells give NaT (the row is dropped later).

    Raises
    ------
    InputError
        ``PATH: row N (line L), column 'C': cannot read 'TEXT' as a date ...`` for the first
        cell that is not empty and not a date (N counts data rows from 1, L file lines).
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        dates = pd.to_datetime(values, utc=True)
        return dates.dt.tz_localize(None)
    raw = values.map(lambda v: "" if pd.isna(v) else str(v).strip())
    # 'Z' (Zulu) for UTC, which the mixed-format parser does not read
    text = raw.str.replace(r"^(\d{4}-\d{2}-\d{2})[Zz]$", r"\1", regex=True)
    text = text.str.replace(r"(?<=\d)[Zz]$", "+00:00", regex=True)
    given = text != ""
    dates = pd.to_datetime(text.where(given), errors="coerce", format="mixed", utc=True)
    bad = given & dates.isna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        shown = raw.iloc[i] if len(raw.iloc[i]) <= 40 else raw.iloc[i][:37] + "..."
        raise InputError(
            f"row {i + 1} (line {i + 2}), column {column!r}: cannot read {shown!r} as a date "
            "(expected e.g. 2020-05-28 or 2020-05-28T00:00:00+02:00)",
            path=str(path),
        )
    return dates.dt.tz_localize(None)


def decimal_year(dates: pd.Series) -> np.ndarray:
    """Dates as fractional calendar years (2020-07-02 -> ~2020.5) [year]; dates with a
    time zone count in UTC."""
    d = pd.to_datetime(dates)
    if getattr(d.dt, "tz", None) is not None:
        d = d.dt.tz_convert("UTC").dt.tz_localize(None)
    start = pd.to_datetime(d.dt.year.astype(str) + "-01-01")
    days = np.where(d.dt.is_leap_year, 366.0, 365.0)
    return (d.dt.year + (d - start).dt.total_seconds() / 86400.0 / days).to_numpy(np.float64)


# --- helpers ------------------------------------------------------------------------------


def _read_csv(path) -> pd.DataFrame:
    p = Path(path)
    if not p.is_file():
        raise InputError("file not found", path=str(path))
    try:
        return pd.read_csv(p, low_memory=False)
    except (OSError, UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InputError(
            f"cannot read the file as CSV ({exc.__class__.__name__})", path=str(path)
        ) from None


def _require(frame: pd.DataFrame, columns, path, what: str) -> None:
    for col in columns:
        if col not in frame.columns:
            raise InputError(f"missing column {col!r} (expected {what})", path=str(path))


def _text(series: pd.Series) -> pd.Series:
    return series.map(lambda v: "" if pd.isna(v) else str(v)).astype(object)


def _flag(series: pd.Series) -> pd.Series:
    return series.astype(str).str.strip().str.lower().isin(_TRUE)


def _money(series: pd.Series) -> pd.Series:
    """Numbers from numbers or strings such as ``"$40,586,592.58"``; NaN where unreadable."""
    if series.dtype.kind in "fiu":
        return series.astype(np.float64)
    text = series.astype(str).str.replace(r"[$,\s]", "", regex=True)
    return pd.to_numeric(text, errors="coerce").astype(np.float64)


def _shipped_domain(frame: pd.DataFrame) -> pd.Series:
    """Domain of the shipped rows: the ``source`` says when a dataset is counted in images."""
    source = (
        frame["source"]
        .astype(object)
        .fillna("")
        .astype(str)  # any dtype: a column of only numbers too
        if "source" in frame
        else pd.Series("", index=frame.index)
    )
    images = source.str.contains("in images", case=False)
    has_data = frame["dataset_tokens"].notna() if "dataset_tokens" in frame else False
    return pd.Series(
        np.where(images, "Vision", np.where(has_data, "Language", "")), index=frame.index
    )


def _finish(frame: pd.DataFrame, path) -> pd.DataFrame:
    attrs = dict(frame.attrs)
    for col in MODEL_COLUMNS:
        if col not in frame:
            frame[col] = np.nan
    for col in ("training_flop", "parameters", "dataset_tokens", "cost_usd"):
        frame[col] = _money(frame[col])
    for col in ("model", "organization", "domain"):
        frame[col] = _text(frame[col])
    ok = frame["date"].notna() & (frame["training_flop"] > 0)
    out = frame.loc[ok, list(MODEL_COLUMNS)].sort_values("date", kind="stable")
    out = out.reset_index(drop=True)
    out.attrs.update(attrs)
    if out.empty:
        raise InputError(
            "no row has both a valid date and a positive training compute",
            path=str(path or attrs.get("path", "")),
        )
    return out
