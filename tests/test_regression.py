"""Each shipped scenario at a fixed seed against its stored summary (FaIR style).

What is stored: ``tests/data/regression/<stem>.json`` for each ``scenarios/<stem>.yaml``,
the summary JSON of ``scalesim.run(path, samples=8192, seed=20241125).summary()`` without
``scalesim_version`` and ``scenario.path`` (they differ between machines and releases),
written as JSON with ``indent=1`` and sorted keys.

How it is compared (``regenerate.differences``): exactly, except the floating-point
quantiles and means. Exact: the scenario's name and SHA-256 (of the resolved scenario),
samples, seed, years, quantile method, the set of variables with their units, the set of
constraints, every share (counts over samples). Quantiles and means of the variables:
relative 1e-6; exhaustion and milestone-arrival years: 1e-6 year (see ``regenerate.RTOL``
for why, when bit-identical would do on one machine).

Regenerate after an intended change to the model or a shipped scenario:

    uv run python tests/regenerate.py --check      # what moved, per scenario; writes nothing
    uv run python tests/regenerate.py              # rewrite every stored summary
    uv run python tests/regenerate.py baseline     # rewrite only some

then read the diff of tests/data/regression/ and say in the commit message which change moved
which numbers. A new scenario needs its summary written the same way.
"""

from __future__ import annotations

import copy
import json

import pytest
from conftest import SCENARIOS
from regenerate import SAMPLES, SEED, STORE, differences, dumps, summary

STEMS = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))


def _stored(stem: str) -> dict:
    return json.loads((STORE / f"{stem}.json").read_text(encoding="utf-8"))


def test_every_scenario_has_a_stored_summary():
    assert STEMS == sorted(p.stem for p in STORE.glob("*.json"))


@pytest.mark.parametrize("stem", STEMS)
def test_stored_summary_is_what_the_recipe_writes(stem):
    text = (STORE / f"{stem}.json").read_text(encoding="utf-8")
    stored = json.loads(text)
    assert text == dumps(stored), "hand-edited? regenerate with tests/regenerate.py"
    assert (stored["samples"], stored["seed"]) == (SAMPLES, SEED)
    assert "scalesim_version" not in stored and "path" not in stored["scenario"]


@pytest.mark.parametrize("stem", STEMS)
def test_scenario_matches_stored_summary(stem):
    diffs = differences(summary(SCENARIOS / f"{stem}.yaml"), _stored(stem))
    shown = "\n".join(diffs[:30]) + (f"\n... and {len(diffs) - 30} more" if len(diffs) > 30 else "")
    assert not diffs, (
        f"{stem}: {len(diffs)} differences from tests/data/regression/{stem}.json "
        f"(after an intended change: uv run python tests/regenerate.py {stem}):\n{shown}"
    )


# --- the comparison itself: each kind of change is caught, a last-bits change is not ------


@pytest.fixture(scope="module")
def stored():
    return _stored("baseline")


def _changed(s: dict, edit) -> list[str]:
    got = copy.deepcopy(s)
    edit(got)
    return differences(got, s)


def test_identical_summaries_have_no_differences(stored):
    assert differences(copy.deepcopy(stored), stored) == []


@pytest.mark.parametrize(
    "edit, expected",
    [
        # exact fields: no tolerance at all
        (lambda s: s["years"].__setitem__(-1, 2051), "years[26]: got 2051, stored 2050"),
        (lambda s: s.update(samples=8193), "samples: got 8193, stored 8192"),
        (lambda s: s.update(seed=1), "seed: got 1, stored 20241125"),
        (lambda s: s["scenario"].update(name="Other"), "scenario.name: got 'Other'"),
        (lambda s: s["scenario"].update(sha256="0" * 64), "scenario.sha256: got"),
        (lambda s: s.update(quantile_method="exact"), "quantile_method: got 'exact'"),
        (lambda s: s["variables"]["spend_usd"].update(unit="EUR"), "variables.spend_usd.unit"),
        (lambda s: s["variables"].pop("spend_usd"), "variables: missing ['spend_usd']"),
        (
            lambda s: s["variables"].update(gdp_usd=s["variables"]["spend_usd"]),
            "variables: not in the stored summary ['gdp_usd']",
        ),
        (
            lambda s: s["binding_constraint_share"].update(power=[0.0] * 27),
            "binding_constraint_share: not in the stored summary ['power']",
        ),
        (lambda s: s["years"].__setitem__(0, 2024.0), "years[0]: got 2024.0"),  # not 2024
        # shares are counts over samples: one sample is a difference
        (
            lambda s: s["binding_constraint_share"]["data"].__setitem__(
                10, s["binding_constraint_share"]["data"][10] + 1 / 8192
            ),
            "binding_constraint_share.data[10]: got",
        ),
        (
            lambda s: s["data_exhaustion_year"].update(share_never=5 / 8192),
            "data_exhaustion_year.share_never: got",
        ),
        # quantiles: relative 1e-6
        (
            lambda s: s["variables"]["largest_run_flop"]["p50"].__setitem__(
                6, s["variables"]["largest_run_flop"]["p50"][6] * (1 + 1e-5)
            ),
            "variables.largest_run_flop.p50[6]: got",
        ),
        (
            lambda s: s["variables"]["largest_run_flop"]["mean"].__setitem__(3, None),
            "variables.largest_run_flop.mean[3]: got None",
        ),
        (
            lambda s: s["variables"]["largest_run_flop"]["p5"].pop(),
            "variables.largest_run_flop.p5: got",
        ),
        # exhaustion years: 1e-6 year, so the last printed digit (0.001 year) counts
        (
            lambda s: s["data_exhaustion_year"].update(p50=s["data_exhaustion_year"]["p50"] + 1e-3),
            "data_exhaustion_year.p50: got",
        ),
        (
            lambda s: s["data_exhaustion_year"].update(p95=None),
            "data_exhaustion_year.p95: got None",
        ),
    ],
)
def test_each_kind_of_change_is_one_difference(stored, edit, expected):
    diffs = _changed(stored, edit)
    assert len(diffs) == 1 and diffs[0].startswith(expected), diffs


def test_a_last_bits_change_of_the_quantiles_is_not_a_difference(stored):
    def nudge(s):
        for v in s["variables"].values():
            for stat in ("p5", "p25", "p50", "p75", "p95", "mean"):
                v[stat] = [None if x is None else x * (1 + 1e-9) for x in v[stat]]
        for k, x in s["data_exhaustion_year"].items():
            if k.startswith("p") and x is not None:
                s["data_exhaustion_year"][k] = x + 1e-9

    assert _changed(stored, nudge) == []
