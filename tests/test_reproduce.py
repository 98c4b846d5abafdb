"""Reproduction packs: the figure checks by hand, the CLI's behaviour, the README's table."""

from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pytest

from scalesim.analysis.packs import PACKS_DIR, load_pack, pack_paths
from scalesim.analysis.reproduce import digits_bounds, evaluate
from scalesim.cli import main
from scalesim.cli.reproduce import format_checks
from scalesim.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
COTRA = PACKS_DIR / "cotra-2020.yaml"
START, END = "<!-- scalesim reproduce: start -->", "<!-- scalesim reproduce: end -->"


def test_digits_bounds_by_hand():
    assert digits_bounds(3e14, 1) == pytest.approx((2.5e14, 3.5e14))
    assert digits_bounds(9e29, 1) == pytest.approx((8.5e29, 9.5e29))
    assert digits_bounds(6.3e27, 2) == pytest.approx((6.25e27, 6.35e27))


def _pack(tmp_path, figures: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(
        f"extends: {COTRA}\nsamples: 64\npublished:\n  study: test\n  figures:\n{figures}",
        encoding="utf-8",
    )
    return path


# Cotra's compute side is deterministic: budget(2030) = min(1e9 · 2^2, 1% GDP) USD ·
# 4e17 · 2^2 FLOP/USD = 4e9 · 1.6e18 = 6.4e27 FLOP.
FIGURES = """\
    - figure: digits pass
      measure: {variable: budget_flop, year: 2030, quantile: 0.5}
      value: 6.4e27 FLOP
      tolerance: {digits: 2}
    - figure: digits fail
      measure: {variable: budget_flop, year: 2030, quantile: 0.5}
      value: 6.3e27 FLOP
      tolerance: {digits: 2}
    - figure: log10 pass
      measure: {variable: budget_flop, year: 2030, quantile: 0.5}
      value: 6e27 FLOP
      tolerance: {log10: 0.05}
    - figure: range pass
      measure: {variable: budget_flop, year: 2030, quantile: 0.5}
      range: [6e27 FLOP, 7e27 FLOP]
    - figure: range fail
      measure: {variable: budget_flop, year: 2030, quantile: 0.5}
      range: [1e28 FLOP, 2e28 FLOP]
"""


def test_checks_against_hand_values(tmp_path):
    checks = evaluate(load_pack(_pack(tmp_path, FIGURES)))
    # Summaries are log10 histograms with bins of 0.001 (0.23%).
    assert [c.scalesim for c in checks] == pytest.approx([6.4e27] * 5, rel=2.5e-3)
    assert [c.passed for c in checks] == [True, False, True, True, False]


def test_milestone_probability_with_a_share_tolerance(tmp_path):
    # A requirement of 1e20 FLOP is met in every sample from the start; 1e60 never.
    path = tmp_path / "ms.yaml"
    path.write_text(
        f"extends: {COTRA}\nsamples: 64\n"
        "milestones:\n"
        "  easy: {metric: largest_run_flop, requirement: 1e20 FLOP}\n"
        "  hard: {metric: largest_run_flop, requirement: 1e60 FLOP}\n"
        "published:\n  study: test\n  figures:\n"
        "    - figure: easy\n      measure: {milestone: easy, p_reached_by: 2030}\n"
        "      value: 1.0\n      tolerance: {share: 0.005}\n"
        "    - figure: hard\n      measure: {milestone: hard, p_reached_by: 2030}\n"
        "      value: 0.01\n      tolerance: {share: 0.005}\n",
        encoding="utf-8",
    )
    checks = evaluate(load_pack(path))
    assert [c.scalesim for c in checks] == [1.0, 0.0]
    assert [c.passed for c in checks] == [True, False]
    assert "± 0.5%" in format_checks(checks)


@pytest.mark.parametrize(
    "figure, message",
    [
        (
            "measure: {variable: nope, year: 2030, quantile: 0.5}\n      value: 1 FLOP\n"
            "      tolerance: {digits: 1}",
            "unknown variable",
        ),
        (
            "measure: {variable: budget_flop, year: 2030, quantile: 0.5}\n      value: 1 token\n"
            "      tolerance: {digits: 1}",
            "expected the unit 'FLOP'",
        ),
        (
            "measure: {variable: budget_flop, year: 2030, quantile: 0.5}\n      value: 1 FLOP\n"
            "      tolerance: {percent: 5}",
            "expected one of digits",
        ),
        (
            "measure: {exhaustion: 0.5}\n      value: 2030\n      tolerance: {years: 1}\n"
            "      variant: other",
            "unknown variant",
        ),
    ],
)
def test_bad_figures_are_refused_with_their_key(tmp_path, figure, message):
    path = _pack(tmp_path, f"    - {figure}\n")
    with pytest.raises(InputError, match=message) as err:
        load_pack(path)
    assert "published.figures.0" in str(err.value)


def test_unknown_pack_names_the_known_ones():
    with pytest.raises(InputError, match="known: .*villalobos-2024"):
        pack_paths(["nope"])


@pytest.fixture(scope="module")
def reproduced(tmp_path_factory):
    """One run of ``scalesim reproduce --json`` (every pack): exit status, output, checks."""
    out = tmp_path_factory.mktemp("reproduce") / "checks.json"
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        rc = main(["reproduce", "--json", str(out)])
    return rc, buf.getvalue(), json.loads(out.read_text(encoding="utf-8"))["checks"]


def test_reproduce_exits_1_exactly_when_a_figure_fails(reproduced):
    rc, _, checks = reproduced
    figures = sum(len(load_pack(p).figures) for p in pack_paths())
    assert len(checks) == figures
    assert rc == (0 if all(c["passed"] for c in checks) else 1)


def test_every_failing_figure_says_why(reproduced):
    _, _, checks = reproduced
    missing = [c["figure"] for c in checks if not c["passed"] and not c["reason"]]
    assert not missing, f"failing figures without a reason in their pack: {missing}"


def test_readme_table_is_the_commands_output(reproduced):
    _, printed, checks = reproduced
    page = (ROOT / "docs" / "reproduction.md").read_text(encoding="utf-8")
    block = re.search(re.escape(START) + r"\n(.*?)\n" + re.escape(END), page, re.S)
    assert block, "docs/reproduction.md lacks the scalesim reproduce block"
    table = printed.split("\nwrote checks JSON:")[0].strip()
    assert block.group(1).strip() == table, (
        "docs/reproduction.md's reproduction table differs from `scalesim reproduce`; paste "
        "its output between the markers"
    )


def test_every_pack_names_the_study_and_where_each_figure_is():
    for path in pack_paths():
        pack = load_pack(path)
        assert pack.study and pack.cite
        for fig in pack.figures:
            assert fig.where and fig.precision, f"{path.name}: {fig.figure}"


def test_format_checks_marks_failures():
    (check,) = evaluate(load_pack(COTRA))[:1]
    assert "| pass |" in format_checks([check])
