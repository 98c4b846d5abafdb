"""The standard normal quantile of scalesim.scenario.normal against scipy and hand values."""

from __future__ import annotations

import math

import numpy as np
from scipy import special, stats

from scalesim.scenario.normal import ndtri


def test_hand_values():
    # Φ⁻¹(0.5) = 0 exactly; the 95% and 90% two-sided points of every statistics table
    assert float(ndtri(0.5)) == 0.0
    assert math.isclose(float(ndtri(0.975)), 1.959963984540054, rel_tol=1e-14)
    assert math.isclose(float(ndtri(0.95)), 1.6448536269514722, rel_tol=1e-14)
    assert float(ndtri(0.0)) == -math.inf and float(ndtri(1.0)) == math.inf


def test_matches_scipy_to_rounding_over_the_whole_range():
    p = np.concatenate(
        [
            np.linspace(1e-12, 1 - 1e-12, 200_001),
            np.logspace(-300, -1, 3_000),
            1 - np.logspace(-16, -1, 3_000),
        ]
    )
    ours, ref = ndtri(p), special.ndtri(p)
    big = np.abs(ref) > 1e-8
    assert np.max(np.abs(ours - ref)[big] / np.abs(ref[big])) < 1e-14
    assert np.max(np.abs(ours - ref)) < 1e-13


def test_inverts_the_normal_cdf():
    z = np.linspace(-8, 4, 1201)  # above 4, cdf(z) rounds to within a few ulps of 1
    np.testing.assert_allclose(ndtri(stats.norm.cdf(z)), z, rtol=0, atol=2e-9)
