"""Each shipped scenario at a fixed seed against its stored summary (FaIR style).

Regenerate with ``uv run python tests/regenerate.py`` after an intended change.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import SCENARIOS
from regenerate import STORE, summary

STEMS = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))


def test_every_scenario_has_a_stored_summary():
    assert STEMS == sorted(p.stem for p in STORE.glob("*.json"))


def _compare(got, want, where):
    if isinstance(want, dict):
        assert set(got) == set(want), where
        for k in want:
            _compare(got[k], want[k], f"{where}.{k}")
    elif (
        isinstance(want, list)
        and want
        and isinstance(want[0], (int, float))
        or isinstance(want, float)
    ):
        g = np.asarray(got, dtype=float)
        w = np.asarray(want, dtype=float)
        if "data_exhaustion_year" in where:  # years: a couple of 0.01-year bins
            np.testing.assert_allclose(g, w, rtol=0, atol=0.02, err_msg=where)
        else:  # quantiles sit in 0.23%-wide log bins: allow a bin for a last-ulp shift
            np.testing.assert_allclose(g, w, rtol=3e-3, atol=0, err_msg=where)
    else:
        assert got == want, where


@pytest.mark.parametrize("stem", STEMS)
def test_scenario_matches_stored_summary(stem):
    want = json.loads((STORE / f"{stem}.json").read_text())
    _compare(summary(SCENARIOS / f"{stem}.yaml"), want, stem)
