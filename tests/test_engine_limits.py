"""A run's memory is estimated before anything is built: fewer threads, then one line."""

from __future__ import annotations

import time

import pytest
from conftest import SCENARIOS

import scalesim
from scalesim.cli import main
from scalesim.engine.limits import (
    WORKING_BYTES,
    fit_workers,
    kept_bytes,
    memory_budget,
    parse_size,
    size_text,
    working_bytes,
)
from scalesim.engine.run import present_variables
from scalesim.errors import InputError

GIB = 1024**3
LONG = "name: long\nextends: {base}\nyears: {{start: 1900, end: 2300}}\nbase_year: 2024\n"


def test_estimates_by_hand():
    # 16,384 samples x 27 years x 18 variables x 24 bytes
    assert WORKING_BYTES == 24
    assert working_bytes(16384, 27, 18) == 16384 * 27 * 18 * 24 == 191_102_976
    # 20,000 samples x 401 years: 18 float64 arrays + int8 codes, + one exhaustion year each
    assert kept_bytes(20_000, 401, 18) == 20_000 * 401 * (8 * 18 + 1) + 8 * 20_000
    assert kept_bytes(20_000, 401, 0) == 0
    kw = dict(samples=20_000, n_keep=0, n_variables=18, chunk=16384, workers=2)
    assert fit_workers(years=(2024, 2050), budget=4 * GIB, **kw) == 2
    # 401 years: 2.84 GB a chunk, so one thread in 4 GiB, none in 2 GiB
    assert fit_workers(years=(1900, 2300), budget=4 * GIB, **kw) == 1
    with pytest.raises(InputError) as err:
        fit_workers(years=(1900, 2300), budget="2GiB", **kw)
    message = str(err.value)
    assert message.startswith("this run needs about 2.6 GiB (samples=20,000, years: 1900-2300")
    assert "over the memory budget of 2.0 GiB (memory_budget=)" in message
    assert "\n" not in message


def test_sizes():
    assert parse_size("4GiB", "x") == 4 * GIB
    assert parse_size("500 MB", "x") == 500_000_000
    assert parse_size("1e9", "x") == 10**9
    assert parse_size("2k", "x") == 2000
    for bad in ("lots", "-1GB", "0", "1 parsec"):
        with pytest.raises(InputError, match=f"^memory_budget: expected a size.*{bad!r}"):
            memory_budget(bad)
    limit, origin = memory_budget()
    assert 0 < limit <= 4 * GIB and origin


def test_sizes_read_in_the_unit_they_fill():
    assert size_text(0) == "0 B"
    assert size_text(512) == "512 B"
    assert size_text(1536) == "1.5 KiB"  # 1.5 x 1024
    assert size_text(100 * 1000**2) == "95.4 MiB"  # 1e8 / 1024**2 = 95.37
    assert size_text(1024**2 - 1) == "1.0 MiB"  # not "1024.0 KiB"
    assert size_text(3 * GIB) == "3.0 GiB"
    assert size_text(2.5 * 1024 * GIB) == "2.5 TiB"
    # a small budget reads in MiB, not "0.1 GiB"
    kw = dict(samples=20_000, n_keep=0, n_variables=18, chunk=16384, workers=2)
    with pytest.raises(InputError, match=r"over the memory budget of 95\.4 MiB \(memory_budget=\)"):
        fit_workers(years=(2024, 2050), budget="100MB", **kw)


def test_a_long_span_is_refused_before_anything_is_built(tmp_path):
    path = tmp_path / "long.yaml"
    path.write_text(LONG.format(base=SCENARIOS / "baseline.yaml"))
    s = scalesim.load_scenario(path)
    assert len(s.year_list) == 401
    from scalesim.engine.run import run  # imported before the clock starts

    t0 = time.perf_counter()
    with pytest.raises(InputError) as err:
        run(s, samples=20_000, keep="all", memory_budget="3GiB")
    assert time.perf_counter() - t0 < 1.0  # nothing was drawn or allocated
    message = str(err.value)
    assert "years: 1900-2300 (401 years)" in message and "keep: 18 variables" in message
    assert "memory budget of 3.0 GiB" in message


def test_keep_follows_the_memory_budget(monkeypatch):
    """keep's arrays are weighed against the run's budget: 2,000 samples x 27 years of the
    baseline's 18 variables keep 2,000 x (27 x (8 x 18 + 1) + 8) = 7,846,000 bytes (7.5 MiB)."""
    from scalesim.engine.options import keep_names

    assert kept_bytes(2000, 27, 18) == 7_846_000
    baseline = scalesim.load_scenario(SCENARIOS / "baseline.yaml")
    names = list(present_variables(baseline))
    assert len(names) == 18
    # "auto" keeps them all within half the budget, none past it
    assert keep_names("auto", names, 2000, 27, "16MiB") == names
    assert keep_names("auto", names, 2000, 27, "14MiB") == []
    # a whole run: 60,000 samples keep 235 MB, more than half of 400 MB (before: a fixed 2 GiB)
    res = scalesim.run(baseline, samples=60_000, memory_budget="400MB", summarize=[])
    assert res.variables == {} and res.binding_constraint is None
    # "all" past the whole budget: one line naming the budget and where it comes from
    with pytest.raises(InputError) as err:
        scalesim.run(baseline, samples=2000, keep="all", memory_budget="4MiB")
    assert str(err.value) == (
        "keep: all 18 variables for 2,000 samples need 7.5 MiB, over the memory budget of "
        "4.0 MiB (memory_budget=); use fewer samples or raise the budget "
        "(memory_budget= or SCALESIM_MEMORY_BUDGET)"
    )
    monkeypatch.setenv("SCALESIM_MEMORY_BUDGET", "4MiB")  # the environment counts the same
    with pytest.raises(InputError, match=r"^keep: 2 variables .*budget of 4\.0 MiB \(SCALESIM"):
        keep_names(["spend_usd", "flop_per_usd"], names, 20_000, 27)
    assert keep_names("auto", ["spend_usd"], 2000, 27) == ["spend_usd"]  # 0.4 MiB
    with pytest.raises(InputError, match=r"^keep: 1 variable for .*; keep fewer variables, "):
        keep_names(["spend_usd"], names, 200_000, 27)  # 200,000 x (27 x 9 + 8) = 47.9 MiB


def test_out_past_the_budget_names_the_option(tmp_path, monkeypatch, capsys):
    # `scalesim run --out` keeps every variable: the line names --out and no file is left
    monkeypatch.setenv("SCALESIM_MEMORY_BUDGET", "10MB")
    out = tmp_path / "o.parquet"
    assert main(["run", "baseline", "-n", "100000", "-q", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("scalesim: error: --out: all 18 variables for 100,000 samples need ")
    assert "use fewer samples or raise the budget" in err and "keep fewer" not in err
    assert list(tmp_path.iterdir()) == []


def test_environment_budget_and_cli(tmp_path, monkeypatch, capsys):
    path = tmp_path / "long.yaml"
    path.write_text(LONG.format(base=SCENARIOS / "baseline.yaml"))
    monkeypatch.setenv("SCALESIM_MEMORY_BUDGET", "1GiB")
    assert main(["run", str(path), "-n", "20000"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "over the memory budget of 1.0 GiB (SCALESIM_MEMORY_BUDGET)" in err
    # a small run fits any sane budget; a tiny one refuses even 100 samples
    scalesim.run(SCENARIOS / "baseline.yaml", samples=100, seed=1)
    monkeypatch.setenv("SCALESIM_MEMORY_BUDGET", "1MB")
    with pytest.raises(InputError, match="samples=100, years: 2024-2050"):
        scalesim.run(SCENARIOS / "baseline.yaml", samples=100, seed=1)


def test_sizes_read_apart_and_absurd_budgets_say_which_way():
    from scalesim.engine.limits import parse_size, size_texts

    # a need 0.04% over a 1 GiB budget: 1.0 and 1.0 GiB at one decimal, so three
    assert size_texts(1.0004 * 2**30, 2**30) == ("1.000 GiB", "1.000 GiB", 3)
    assert size_texts(1.3 * 2**30, 2**30) == ("1.3 GiB", "1.0 GiB", 1)
    assert size_texts(1.02 * 2**30, 2**30) == ("1.02 GiB", "1.00 GiB", 2)
    for text in ("1e400", "1e30", str(2**70)):
        with pytest.raises(InputError, match="expected a size below 8 EiB"):
            parse_size(text, "memory_budget")
    with pytest.raises(InputError, match="at least 1 byte"):
        parse_size("0", "memory_budget")
