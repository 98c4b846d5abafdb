"""Labelled results: ``Results.to_xarray()`` and the NetCDF round trip (``--out x.nc``)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import SCENARIOS

import scalesim
from scalesim.cli import main
from scalesim.engine.labelled import read_netcdf, write_netcdf
from scalesim.model.variables import VARIABLES

xr = pytest.importorskip("xarray")


@pytest.fixture(scope="module")
def results():
    return scalesim.run(SCENARIOS / "baseline.yaml", samples=300, seed=7, keep="all")


def test_dataset_has_every_kept_variable_with_its_unit_and_meaning(results):
    ds = results.to_xarray()
    assert dict(ds.sizes) == {"sample": 300, "year": len(results.years)}
    assert list(ds["year"].values) == list(results.years)
    for name, values in results.variables.items():
        assert ds[name].dims == ("sample", "year")
        np.testing.assert_array_equal(ds[name].values, values)
        assert ds[name].attrs["units"] == results.units[name]
        assert ds[name].attrs["long_name"] == VARIABLES[name][1]


def test_binding_constraint_is_cf_flags_in_registry_order(results):
    da = results.to_xarray()["binding_constraint"]
    assert da.attrs["flag_meanings"].split() == list(results.constraints)
    assert list(da.attrs["flag_values"]) == list(range(len(results.constraints)))
    np.testing.assert_array_equal(da.values, results.binding_constraint)
    names = np.asarray(results.constraints)[da.values]
    frame = results.to_frame()
    assert list(names.reshape(-1)) == list(frame["binding_constraint"].astype(str))


def test_dataset_says_which_run_made_it(results):
    attrs = results.to_xarray().attrs
    assert attrs["scenario_sha256"] == results.scenario.sha256
    assert attrs["seed"] == 7 and attrs["samples"] == 300
    assert attrs["scalesim_version"] == scalesim.__version__
    assert attrs["model_version"] == results.summary()["model_version"]


def test_netcdf_round_trip_keeps_values_units_and_flags(results, tmp_path):
    path = write_netcdf(results, tmp_path / "run.nc")
    back = read_netcdf(path)
    ds = results.to_xarray()
    for name in results.variables:
        np.testing.assert_array_equal(back[name].values, ds[name].values)
        assert back[name].attrs["units"] == ds[name].attrs["units"]
    np.testing.assert_array_equal(
        back["data_exhaustion_year"].values, ds["data_exhaustion_year"].values
    )
    assert (
        back["binding_constraint"].attrs["flag_meanings"]
        == ds["binding_constraint"].attrs["flag_meanings"]
    )
    for key in ("scenario_sha256", "seed", "model_version", "scalesim_version"):
        assert back.attrs[key] == ds.attrs[key]
    # units intact: pint reads each back as the canonical unit
    from scalesim.units import ureg

    for name in results.variables:
        ureg(back[name].attrs["units"])


def test_cli_out_nc_writes_the_same_dataset(tmp_path, capsys):
    out = tmp_path / "x.nc"
    code = main(
        ["run", str(SCENARIOS / "baseline.yaml"), "--samples", "200", "--seed", "3"]
        + ["--out", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    back = read_netcdf(out)
    direct = scalesim.run(SCENARIOS / "baseline.yaml", samples=200, seed=3, keep="all")
    np.testing.assert_array_equal(
        back["largest_run_flop"].values, direct.variables["largest_run_flop"]
    )


def test_nothing_kept_is_one_clear_error():
    r = scalesim.run(SCENARIOS / "baseline.yaml", samples=100, seed=1, keep="none")
    with pytest.raises(scalesim.InputError, match="per-sample arrays were not kept"):
        r.to_xarray()


def test_parquet_table_carries_units_and_provenance(results, tmp_path):
    import pandas as pd

    pytest.importorskip("pyarrow")
    path = results.write(tmp_path / "run.parquet")
    back = pd.read_parquet(path)
    attrs = back.attrs
    assert attrs["scenario_sha256"] == results.scenario.sha256
    assert attrs["seed"] == 7 and attrs["model_version"] == results.summary()["model_version"]
    assert attrs["scalesim_version"] == scalesim.__version__
    for name in results.variables:
        assert attrs["units"][name] == results.units[name]
        assert name in back.columns
    assert attrs["units"]["data_exhaustion_year"] == "year"
