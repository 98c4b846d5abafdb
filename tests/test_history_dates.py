"""Dates in history CSVs: time-zone-aware dates (offsets, mixed offsets, ``Z``) are read in
UTC, through ``scalesim backtest`` and ``scalesim calibrate`` alike; a malformed date is a
one-line error naming the file, the row and the column."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import ROOT

from scalesim.analysis.calibrate.history import decimal_year, load_hardware, parse_dates
from scalesim.cli import main
from scalesim.errors import InputError

SHIPPED = ROOT / "scalesim" / "data"
#: (suffix written in the file, hours to add to read the same instant in UTC)
OFFSETS = [("+02:00", -2), ("Z", 0), ("-05:00", 5), ("+05:30", -5.5)]


def _shifted(frame: pd.DataFrame, column: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The table with its dates at 12:00 local time in rotating offsets, and the same
    instants written in UTC without an offset."""
    aware, naive = frame.copy(), frame.copy()
    days = pd.to_datetime(frame[column])
    aware[column] = [f"{d:%Y-%m-%d}T12:00:00{OFFSETS[i % 4][0]}" for i, d in enumerate(days)]
    naive[column] = [
        f"{d + pd.Timedelta(hours=12 + OFFSETS[i % 4][1]):%Y-%m-%dT%H:%M:%S}"
        for i, d in enumerate(days)
    ]
    return aware, naive


def test_offsets_are_read_in_utc_by_hand():
    dates = parse_dates(
        pd.Series(["2021-01-01T00:00:00+02:00", "2020-07-02T12:00Z", "2019-03-04", "", None]),
        "h.csv",
        "date",
    )
    assert list(dates[:3]) == [
        pd.Timestamp("2020-12-31 22:00"),
        pd.Timestamp("2020-07-02 12:00"),
        pd.Timestamp("2019-03-04"),
    ]
    assert dates[3:].isna().all()
    # 2020 is a leap year: 22:00 on 31 December is 365 days 22 hours into its 366
    assert decimal_year(dates[:1])[0] == pytest.approx(2020 + (365 + 22 / 24) / 366, abs=1e-12)
    aware = pd.Series(pd.to_datetime(["2021-01-01T00:00:00+02:00"]))
    assert decimal_year(aware)[0] == pytest.approx(2020 + (365 + 22 / 24) / 366, abs=1e-12)


def test_backtest_reads_mixed_offsets_as_the_same_instants_in_utc(tmp_path, capsys):
    aware, naive = _shifted(pd.read_csv(SHIPPED / "frontier_models.csv"), "date")
    out = {}
    for name, frame in (("aware", aware), ("naive", naive)):
        path = tmp_path / f"{name}.csv"
        frame.to_csv(path, index=False)
        summary = tmp_path / f"{name}.json"
        argv = ["backtest", "--history", str(path), "--cutoff", "2020", "--bootstrap", "20"]
        assert main([*argv, "--json", str(summary), "--quiet"]) == 0, capsys.readouterr().err
        out[name] = json.loads(summary.read_text())
    assert out["aware"] == out["naive"]
    assert out["aware"]["n_fit"] > 10


def test_calibrate_reads_offsets_in_history_and_hardware(tmp_path, capsys):
    runs, _ = _shifted(pd.read_csv(SHIPPED / "frontier_models.csv"), "date")
    chips, _ = _shifted(pd.read_csv(SHIPPED / "ml_hardware.csv"), "release_date")
    history, hardware = tmp_path / "runs.csv", tmp_path / "chips.csv"
    runs.to_csv(history, index=False)
    chips.to_csv(hardware, index=False)
    summary = tmp_path / "cal.json"
    argv = ["calibrate", "--history", str(history), "--hardware", str(hardware)]
    argv += ["--bootstrap", "10", "--draws", "100", "--json", str(summary), "--quiet"]
    assert main(argv) == 0, capsys.readouterr().err
    assert json.loads(summary.read_text())
    loaded = load_hardware(hardware)["release_date"]
    assert loaded.dt.tz is None and loaded.notna().all()


@pytest.mark.parametrize("command", ["backtest", "calibrate"])
@pytest.mark.parametrize("bad", ["not a date", "2020-02-30", "2020-13-01T00:00+02:00"])
def test_a_malformed_date_names_the_file_row_and_column(tmp_path, capsys, command, bad):
    frame = pd.read_csv(SHIPPED / "frontier_models.csv")
    frame["date"] = frame["date"].astype(object)
    frame.loc[2, "date"] = bad
    frame.loc[5, "date"] = "2020-05-28T00:00:00+02:00"  # a good one with an offset
    path = tmp_path / "h.csv"
    frame.to_csv(path, index=False)
    argv = [command, "--history", str(path), "--bootstrap", "10"]
    argv += ["--cutoff", "2020"] if command == "backtest" else ["--draws", "100"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    want = f"{path}: row 3 (line 4), column 'date': cannot read {bad!r} as a date"
    assert err.count("\n") == 1 and want in err, err


def test_a_malformed_epoch_hardware_date_names_its_column(tmp_path):
    path = tmp_path / "hw.csv"
    path.write_text(
        "Hardware name,Release date,Release price (USD),"
        "Tensor-FP16/BF16 performance (FLOP/s),FP32 (single precision) performance (FLOP/s)\n"
        "A100,2020-05-14T00:00:00-07:00,10000,3.12e14,1.95e13\n"
        "H100,someday,30000,9.9e14,6.7e13\n"
    )
    with pytest.raises(InputError) as info:
        load_hardware(path)
    assert str(info.value) == (
        f"{path}: row 2 (line 3), column 'Release date': cannot read 'someday' as a date "
        "(expected e.g. 2020-05-28 or 2020-05-28T00:00:00+02:00)"
    )
