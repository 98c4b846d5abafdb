"""Figures in words and human units (scalesim.present.text.words): values checkable by hand,
the three styles, missing and infinite values, and that HTML figures never break."""

from __future__ import annotations

import math
import re

import pytest

from scalesim.present import text

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("x", "unit", "kwargs", "expected"),
    [
        # FLOP: m × 10^n, two significant digits
        (2.8e30, "FLOP", {}, "2.8 × 10^30 FLOP"),
        (2.849e30, "FLOP", {}, "2.8 × 10^30 FLOP"),
        (2.851e30, "FLOP", {}, "2.9 × 10^30 FLOP"),
        (9.96e26, "FLOP", {}, "1 × 10^27 FLOP"),  # rounds into the next power of ten
        (1.234e29, "FLOP", {"digits": 3}, "1.23 × 10^29 FLOP"),
        # money: scale words, $ in front
        (2.4e11, "USD", {}, "$240 billion"),
        (2.449e11, "USD", {}, "$240 billion"),
        (1.5e12, "USD", {}, "$1.5 trillion"),
        (9.99e11, "USD", {}, "$1 trillion"),  # 999 billion to 2 digits is 1.0e12
        (3.2e6, "USD", {}, "$3.2 million"),
        (45_300.0, "USD", {}, "$45,000"),
        (0.0025, "USD", {}, "$0.0025"),
        (4.2e15, "USD", {}, "$4.2 × 10^15"),
        # durations, from any time unit: a month is 365.25/12 days
        (1.56e7, "s", {}, "5.9 months"),  # 1.56e7 / (365.25 * 86400 / 12) = 5.93
        (0.5, "year", {}, "6 months"),
        (1.5, "year", {}, "1.5 years"),
        (1.0, "year", {}, "1 year"),
        (14, "month", {}, "1.2 years"),  # 14 / 12 = 1.17
        (45, "minute", {}, "45 minutes"),
        (3, "hour", {}, "3 hours"),
        (10 * 86400, "s", {}, "10 days"),
        (21 * 86400, "s", {}, "3 weeks"),
        (30, "s", {}, "30 seconds"),
        # counts and power
        (3e14, "token", {}, "300 trillion tokens"),
        (4.5e12, "token", {}, "4.5 trillion tokens"),
        (2.5e6, "chip", {}, "2.5 million chips"),
        (1.2e9, "W", {}, "1.2 GW"),
        (4.8e8, "W", {}, "480 MW"),
        (35_000, "W", {}, "35 kW"),
        # ratios
        (2.5e17, "FLOP/USD", {}, "2.5 × 10^17 FLOP per dollar"),
        (4.7e15, "FLOP/J", {}, "4.7 × 10^15 FLOP per joule"),
        (0.003, "USD/token", {}, "$0.003 per token"),
        (1.5e6, "chip/year", {}, "1.5 million chips per year"),
        # dimensionless: a share, a growth, a plain number (never a unit "1")
        (0.35, "1", {"kind": "share"}, "35%"),
        (1.3, "dimensionless", {"kind": "growth"}, "×1.3 per year"),
        (2.5, "dimensionless", {}, "2.5"),
        (20, "1", {}, "20"),
    ],
)
def test_human_by_hand(x, unit, kwargs, expected):
    assert text.human(x, unit, **kwargs) == expected


def test_human_missing_and_infinite():
    assert text.human(None, "FLOP") == "–"
    assert text.human(float("nan"), "USD") == "–"
    assert text.human(math.inf, "W") == "no limit"
    assert text.scientific(-math.inf) == "-no limit"


def test_styles_of_a_power_of_ten():
    assert text.human(2.8e30, "FLOP", style="unicode") == f"2.8{NBSP}×{NBSP}10³⁰{NBSP}FLOP"
    assert text.human(2.8e30, "FLOP", style="html") == (
        f'<span class="nowrap">2.8{NBSP}×{NBSP}10<sup>30</sup>{NBSP}FLOP</span>'
    )
    assert text.scientific(5.469e-5, style="html") == (
        f'<span class="nowrap">5.5{NBSP}×{NBSP}10<sup>−5</sup></span>'
    )
    assert text.scientific(5.469e-5, style="unicode") == f"5.5{NBSP}×{NBSP}10⁻⁵"
    with pytest.raises(ValueError, match="style must be one of"):
        text.human(1.0, "FLOP", style="latex")


@pytest.mark.parametrize(
    ("lo", "hi", "unit", "expected"),
    [
        (1.2e29, 3e30, "FLOP", "from 1.2 × 10^29 to 3 × 10^30 FLOP"),
        (0.4167, 1.167, "year", "from 5 months to 1.2 years"),  # 0.4167 * 12 = 5.0
        (0.25, 0.75, "year", "from 3 to 9 months"),
        (2e11, 1.2e12, "USD", "from $200 billion to $1.2 trillion"),
        (2e14, 4e14, "token", "from 200 trillion to 400 trillion tokens"),
        (4.8e8, 1.2e9, "W", "from 480 MW to 1.2 GW"),
        (1e9, None, "W", "from 1 GW to –"),
    ],
)
def test_intervals_by_hand(lo, hi, unit, expected):
    assert text.human_interval(lo, hi, unit) == expected


def test_html_never_breaks_inside_a_figure():
    figure = text.human_interval(1.2e29, 3e30, "FLOP", style="html")
    spans = re.findall(r'<span class="nowrap">(.*?)</span>', figure)
    assert spans == [f"1.2{NBSP}×{NBSP}10<sup>29</sup>", f"3{NBSP}×{NBSP}10<sup>30</sup>{NBSP}FLOP"]
    # the only ordinary spaces are around "from" and "to", outside the figures
    assert re.sub(r'<span class="nowrap">.*?</span>', "X", figure) == "from X to X"
    for x, unit in ((2.4e11, "USD"), (1.56e7, "s"), (3e14, "token"), (5.469e-5, "FLOP")):
        inside = re.fullmatch(
            r'<span class="nowrap">(.*)</span>', text.human(x, unit, style="html")
        )
        assert inside and " " not in inside.group(1) and "-" not in inside.group(1)


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        (0.354, "35%"),
        (0.355, "36%"),
        (0.05, "5%"),
        (0.003, "0.3%"),
        (5.469e-5, "0.005%"),
        (0.9962, "99.6%"),  # near-certain is not written 100%
        (0.99999, "99.9%"),
        (1.0, "100%"),
        (0.0, "0%"),
        (None, "–"),
    ],
)
def test_percent_by_hand(x, expected):
    assert text.percent(x) == expected


def test_years_by_hand():
    assert text.calendar_year(2028.7) == "2028"  # 2028.7 is during 2028
    assert text.calendar_year(None, 2050) == "after 2050"
    assert text.year_interval(2027.2, 2031.9) == "from 2027 to 2031"
    assert text.year_interval(2027.2, 2027.9) == "2027"
    assert text.year_interval(2027.2, None, 2050) == "from 2027 to after 2050"
    assert text.join(["compute", "data", "power"]) == "compute, data and power"
