"""The one place numbers are formatted for people (scalesim.present.text): hand-checked values
of every function, missing and infinite values, and the summary ``scalesim run`` prints."""

from __future__ import annotations

import doctest
import math

import pytest
from conftest import SCENARIOS, toy_ceiling

import scalesim
from scalesim.model import constraints as registry
from scalesim.present import text

NAN, INF = float("nan"), float("inf")


def test_docstring_examples_hold():
    for module in (text.numbers, text.words, text.summary):
        result = doctest.testmod(module, raise_on_error=False)
        assert result.failed == 0, module.__name__
    assert doctest.testmod(text.numbers).attempted > 20
    assert doctest.testmod(text.words).attempted > 15


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [
        # scientific: `digits` significant digits, trailing zeros dropped, bare exponent
        (1.2345e29, 3, "1.23e29"),
        (1.2355e29, 2, "1.2e29"),
        (1e29, 3, "1e29"),
        (1.5e26, 3, "1.5e26"),
        (9.996e26, 3, "1e27"),  # rounds up into the next power of ten
        (-3.14159e7, 3, "-3.14e7"),
        (4.5e-7, 3, "4.5e-7"),
        (123456.0, 3, "1.23e5"),
        (99999.9, 3, "1e5"),
        # positional from 0.001 to below 100,000, thousands separated by commas
        (99949.0, 3, "99,900"),
        (12345.6, 3, "12,300"),
        (12345.6, 5, "12,346"),
        (316.23, 3, "316"),
        (2.654, 3, "2.65"),
        (2.5, 3, "2.5"),
        (1.0, 3, "1"),
        (0.375, 3, "0.375"),
        (0.00123456, 3, "0.00123"),
        (0.00099949, 3, "9.99e-4"),
        (-0.5, 3, "-0.5"),
        (0.0, 3, "0"),
        (7, 3, "7"),
        (2.654, 1, "3"),
        (2.654, 0, "3"),  # at least one digit
    ],
)
def test_number(x, digits, expected):
    assert text.number(x, digits) == expected


@pytest.mark.parametrize(("x", "expected"), [(None, "–"), (NAN, "–"), (INF, "∞"), (-INF, "-∞")])
def test_number_missing_and_infinite(x, expected):
    assert text.number(x) == expected


def test_quantity():
    assert text.quantity(2.14e27, "FLOP") == "2.14e27 FLOP"
    assert text.quantity(2.14e27, "FLOP", 2) == "2.1e27 FLOP"
    assert text.quantity(316.2, "million USD") == "316 million USD"
    assert text.quantity(0.375, "dimensionless") == "0.375"
    assert text.quantity(0.375, "") == "0.375"
    assert text.quantity(20.0, "1") == "20"
    assert text.quantity(None, "FLOP") == "–"
    assert text.quantity(NAN, "FLOP") == "–"
    assert text.quantity(INF, "FLOP") == "∞"


@pytest.mark.parametrize(
    ("x", "digits", "expected"),
    [
        (0.3333, 0, "33%"),
        (0.5, 0, "50%"),
        (0.995, 0, "100%"),  # 99.5 rounds to even: 100
        (1.0, 0, "100%"),
        (0.0, 0, "0%"),
        (0.0031, 1, "0.3%"),
        (0.0625, 1, "6.2%"),  # 6.25 is exact in binary and rounds to even
        (0.90234, 1, "90.2%"),
        (0.123456, 2, "12.35%"),
        (-1e-9, 0, "0%"),  # rounding noise is not "-0%"
        (-0.25, 0, "-25%"),
        (None, 0, "–"),
        (NAN, 1, "–"),
    ],
)
def test_share(x, digits, expected):
    assert text.share(x, digits) == expected


@pytest.mark.parametrize(
    ("x", "last", "expected"),
    [
        (2028.66, None, "2028.7"),
        (2028.64, 2050, "2028.6"),
        (2030, None, "2030.0"),
        (None, None, "never"),
        (None, 2050, "after 2050"),
        (NAN, None, "never"),
        (INF, 2040, "after 2040"),
    ],
)
def test_year(x, last, expected):
    assert text.year(x, last) == expected


def test_year_with_more_places_has_no_thousands_separator():
    assert text.year(2028.25, places=2) == "2028.25"


def test_count():
    assert text.count(20_000) == "20,000"
    assert text.count(1_000_000) == "1,000,000"
    assert text.count(7) == "7"
    assert text.count(8191.6) == "8,192"  # an effective sample size
    assert text.count(None) == "–"


def test_interval():
    assert text.interval(1.234e26, 5.6e27, "FLOP") == "1.23e26 – 5.6e27 FLOP"
    assert text.interval(2.05, 2.9) == "2.05 – 2.9"
    assert text.interval(0.1, 0.25, "dimensionless") == "0.1 – 0.25"
    assert text.interval(1e26, None, "FLOP") == "1e26 – – FLOP"
    assert text.interval(None, None, "FLOP") == "–"
    assert text.interval(1e26, INF, "FLOP") == "1e26 – ∞ FLOP"
    last = lambda y: text.year(y, 2050)  # noqa: E731
    assert text.interval(2027.14, None, fmt=last) == "2027.1 – after 2050"
    assert text.interval(None, None, fmt=last) == "after 2050 – after 2050"
    assert text.interval(0.1, 0.25, fmt=text.share) == "10% – 25%"


def test_median_interval():
    assert text.median_interval(2.5e27, 1e26, 3.25e28, "FLOP") == "2.5e27 [1e26 – 3.25e28] FLOP"
    assert text.median_interval(2.41, 2.05, 2.9) == "2.41 [2.05 – 2.9]"
    assert (
        text.median_interval(2.354, 2.1, 2.6, fmt=lambda x: text.decimal(x, 2))
        == "2.35 [2.10 – 2.60]"
    )
    assert text.median_interval(None, None, None, "FLOP") == "– [–] FLOP"


def test_column_number_is_fixed_width_scientific():
    assert text.column_number(3.6212e26) == "3.62e+26"
    assert text.column_number(1e29) == "1.00e+29"
    assert text.column_number(0.5) == "5.00e-01"
    assert text.column_number(None) == "–"
    assert text.column_number(NAN) == "–"
    assert text.column_number(INF) == "inf"
    widths = {len(text.column_number(x)) for x in (1e20, 9.99e29, 1.5e-3)}
    assert widths == {8}


def test_decimal():
    assert text.decimal(92.345) == "92.3"
    assert text.decimal(0.5, 2) == "0.50"
    assert text.decimal(50677.2, 0) == "50,677"
    assert text.decimal(185.64, 1) == "185.6"
    assert text.decimal(0.123, 2, sign=True) == "+0.12"
    assert text.decimal(-0.123, 2, sign=True) == "-0.12"
    assert text.decimal(None) == "–"
    assert text.decimal(NAN) == "–"
    assert text.decimal(INF) == "∞"
    assert text.decimal(-INF) == "-∞"


def test_literal_is_what_a_scenario_file_holds():
    assert text.literal(1.1e14) == "1.1e+14"
    assert text.literal(0.03) == "0.03"
    assert text.literal(2 / 3) == "0.6667"
    assert text.literal(5.068e4) == "5.068e+04"
    assert text.literal(20.0) == "20"
    assert text.literal(INF) == "inf (none)"
    assert text.literal(None) == "–"
    # it reads back to the value, to its digits
    assert float(text.literal(1.23456e17)) == pytest.approx(1.23456e17, rel=1e-3)


def test_no_function_writes_nan_or_none():
    for x in (None, NAN):
        for f in (
            text.number,
            text.share,
            text.count,
            text.column_number,
            text.decimal,
            text.literal,
            lambda v: text.quantity(v, "FLOP"),
            lambda v: text.interval(v, v, "FLOP"),
        ):
            shown = f(x)
            assert "nan" not in shown.lower() and "None" not in shown, (f, shown)


def test_constraint_labels_and_order_come_from_the_registry():
    for c in registry.ceilings():
        assert text.constraint_label(c.name) == c.label
    assert text.constraint_label("gone") == "gone"
    names = [c.name for c in registry.ceilings()]
    assert text.constraint_order(reversed(names)) == names
    assert text.constraint_order(["x", "data", "y", "compute", "data"]) == [
        "compute",
        "data",
        "x",
        "y",
    ]


# --- the summary of ``scalesim run`` ------------------------------------------------------------


@pytest.fixture(scope="module")
def scaling():
    return scalesim.run(SCENARIOS / "scaling-2030.yaml", samples=2000, seed=5, keep="none")


def test_summary_numbers_are_the_results_quantiles(scaling):
    out = scalesim.format_summary(scaling)
    lines = out.splitlines()
    i = scaling.years.index(2030)
    q = scaling.quantiles("largest_run_flop")
    row = next(ln for ln in lines if ln.split()[:2] == ["largest_run_flop", "2030"])
    assert row.split()[2:] == [f"{q[k][i]:.2e}" for k in ("p50", "p5", "p95")]
    shares = scaling.binding_shares()
    cells = next(ln for ln in lines if ln.split()[:1] == ["chips"] and "%" in ln).split()[1:]
    shown = text.table_years(scaling)
    assert cells == [f"{round(100 * shares['chips'][scaling.years.index(y)])}%" for y in shown]
    ex = scaling.exhaustion_summary()
    never = f"never by 2050: {100 * ex['share_never']:.1f}%"
    assert never in out


def test_summary_lists_every_ceiling_in_registry_order(scaling):
    out = scalesim.format_summary(scaling)
    ceilings = [ln.split()[0] for ln in out.split("Ceilings on the run")[1].splitlines()[2:7]]
    assert ceilings == ["budget_flop", "data_limited_flop", "power_flop", "chips_flop"] + [
        "latency_flop"
    ]
    binding = out.split("Binding constraint (share of samples)")[1].splitlines()[2:]
    assert [ln.split()[0] for ln in binding] == [c.name for c in registry.ceilings()]


def test_summary_of_a_run_with_a_new_ceiling_shows_it():
    toy = toy_ceiling()
    with registry.registered(toy):
        r = scalesim.run(SCENARIOS / "baseline.yaml", samples=1000, seed=1, summarize="all")
        out = scalesim.format_summary(r)
    assert "toy_flop" in out.split("Ceilings on the run")[1]
    binding = out.split("Binding constraint (share of samples)")[1].splitlines()[2:]
    assert [ln.split()[0] for ln in binding] == ["compute", "data", "toy"]


def test_summary_table_cells(scaling):
    frame = text.summary_table(scaling)
    assert set(frame["variable"]) == {"largest_run_flop", "effective_compute_flop"}
    assert all(len(v) == 8 and "e+" in v for v in frame["p50"])
    assert math.isclose(
        float(frame.iloc[0]["p50"]), scaling.quantiles("largest_run_flop")["p50"][1], rel_tol=5e-3
    )
