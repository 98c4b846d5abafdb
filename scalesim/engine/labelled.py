"""Labelled results: :meth:`Results.to_xarray` and NetCDF files (``--out x.nc``).

The Dataset has dimensions ``sample`` and ``year``; each kept variable carries its canonical
unit (``units``) and meaning (``long_name``) as attributes; ``binding_constraint`` is stored
as CF flags (``flag_values`` codes, ``flag_meanings`` constraint names, in the run's registry
order), and the Dataset's attributes say which scenario (name, path, SHA-256), seed, sample
count, backend and versions produced it. Needs the ``[xarray]`` extra.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from scalesim.engine.io import atomic_write
from scalesim.errors import InputError

#: NetCDF engines tried in order (NetCDF-4 where a library is installed, else NetCDF-3).
ENGINES = ("h5netcdf", "netcdf4", "scipy")


def metadata(results) -> dict[str, str | int]:
    """Provenance attributes of a run: versions, scenario identity, seed, samples."""
    from scalesim._version import __version__
    from scalesim.engine.results_summary import MODEL_VERSION

    scenario = results.scenario
    return {
        "Conventions": "CF-1.8",
        "title": f"scalesim: {scenario.name}",
        "scalesim_version": __version__,
        "model_version": MODEL_VERSION,
        "scenario_name": scenario.name,
        "scenario_path": str(scenario.path or ""),
        "scenario_sha256": scenario.sha256,
        "seed": int(results.seed),
        "samples": int(results.samples),
        "backend": str(results.backend),
    }


def table_metadata(results) -> dict:
    """What a per-sample Parquet table carries (``DataFrame.attrs``, which pandas stores in
    the file): :func:`metadata` plus the unit of each column."""
    units = {"year": "year"}
    units.update({v: results.units.get(v, "") for v in results.variables})
    if results.data_exhaustion_year is not None:
        units["data_exhaustion_year"] = "year"
    return {**metadata(results), "units": units}


def _descriptions(results) -> dict[str, str]:
    from scalesim.model.variables import VARIABLES

    return {name: desc for name, (_, desc) in VARIABLES.items()}


def kept_names(results, variables: list[str] | None, hint: str) -> list[str]:
    """The variables asked for (default: every kept one, in table order), each of them kept.

    Raises
    ------
    InputError
        When one asked for (or every one) was not kept; ``hint`` says what to run instead.
    """
    names = variables or [v for v in results.units if v in results.variables]
    missing = [v for v in names if v not in results.variables]
    if missing or not names:
        raise InputError(
            f"per-sample arrays were not kept for this run ({', '.join(missing) or 'none kept'}); "
            + hint
        )
    return names


def to_xarray(results, variables: list[str] | None = None):
    """The per-sample arrays of a run as an :class:`xarray.Dataset` over (sample, year).

    Parameters
    ----------
    results : Results
        A run whose per-sample arrays were kept (``keep="all"`` or a list).
    variables : list of str, optional
        Variables to include (default: every kept one).

    Returns
    -------
    xarray.Dataset
        Variables in canonical units (attribute ``units``), ``binding_constraint`` as CF flag
        codes, ``data_exhaustion_year`` per sample [year] (+inf: not by the last year).

    Raises
    ------
    InputError
        When the run kept none of the variables asked for.
    """
    import xarray as xr

    names = kept_names(results, variables, "run with keep='all' or keep=[...]")
    n = results.variables[names[0]].shape[0]
    coords = {
        "sample": ("sample", np.arange(n, dtype=np.int32), {"long_name": "Monte Carlo sample"}),
        "year": (
            "year",
            np.asarray(results.years, dtype=np.int32),
            {"long_name": "calendar year", "units": "year"},
        ),
    }
    described = _descriptions(results)
    data = {}
    for name in names:
        attrs = {"units": results.units.get(name, ""), "long_name": described.get(name, name)}
        data[name] = (("sample", "year"), np.asarray(results.variables[name]), attrs)
    if results.binding_constraint is not None:
        codes = np.arange(len(results.constraints), dtype=np.int8)
        data["binding_constraint"] = (
            ("sample", "year"),
            np.asarray(results.binding_constraint, dtype=np.int8),
            {
                "long_name": "binding constraint (the ceiling that sets the largest run)",
                "flag_values": codes,
                "flag_meanings": " ".join(results.constraints),
            },
        )
    if results.data_exhaustion_year is not None:
        data["data_exhaustion_year"] = (
            ("sample",),
            np.asarray(results.data_exhaustion_year, dtype=np.float64),
            {
                "long_name": "year the stock of human data is fully used (+inf: not by the end)",
                "units": "year",
            },
        )
    return xr.Dataset(data, coords=coords, attrs=metadata(results))


def _engine() -> str:
    import importlib.util

    for engine in ENGINES:
        module = {"netcdf4": "netCDF4"}.get(engine, engine)
        if importlib.util.find_spec(module) is not None:
            return engine
    raise ModuleNotFoundError("No module named 'h5netcdf'", name="h5netcdf")


def write_netcdf(results, path: str | Path, variables: list[str] | None = None) -> Path:
    """Write :func:`to_xarray` to a NetCDF file, atomically.

    Parameters
    ----------
    results : Results
    path : str or Path
        Destination (``.nc``).
    variables : list of str, optional
        As for :func:`to_xarray`.

    Returns
    -------
    Path
        The destination.
    """
    dataset = to_xarray(results, variables)
    engine = _engine()
    return atomic_write(path, lambda tmp: dataset.to_netcdf(tmp, engine=engine))


def read_netcdf(path: str | Path):
    """A NetCDF file written by :func:`write_netcdf`, loaded into memory (xarray.Dataset)."""
    import xarray as xr

    with xr.open_dataset(path, engine=_engine()) as ds:
        return ds.load()
