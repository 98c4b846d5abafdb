"""Fitting kernels of scalesim.analysis.calibrate.fit under NumPy, array_api_strict and (when it
imports) CuPy: hand-checkable values, and equality with the NumPy result within 100·eps; the
importance sampling's hindcast is the engine's projection run backwards."""

from __future__ import annotations

import importlib.util
import math
import warnings
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scalesim.analysis.calibrate import fit
from scalesim.analysis.calibrate.trends import bootstrap_counts
from scalesim.engine import backend as backends
from scalesim.errors import InputError

EPS = np.finfo(np.float64).eps


def _namespaces():
    out = [pytest.param("numpy", id="numpy"), pytest.param("array_api_strict", id="strict")]
    if importlib.util.find_spec("cupy") is not None:  # exercised whenever CuPy is installed
        out.append(pytest.param("cupy", id="cupy"))
    return out


@pytest.fixture(params=_namespaces())
def xp(request):
    if request.param == "numpy":
        return np
    if request.param == "array_api_strict":
        return pytest.importorskip("array_api_strict")
    try:
        return backends.namespace("cupy")
    except InputError:
        pytest.skip("cupy with a working GPU is not available")


def A(x, xp, dtype=None):
    """Host values to the namespace under test (float64 unless told)."""
    arr = np.asarray(x, dtype=dtype or np.float64)
    return xp.asarray(arr)


def H(x) -> np.ndarray:
    """Back to NumPy from any namespace."""
    if hasattr(x, "get"):
        return x.get()
    return np.asarray(x)


def same_namespace(result, xp) -> bool:
    if xp is np:  # NumPy reductions may return NumPy scalars
        return isinstance(result, (np.ndarray, np.generic))
    return type(result) is type(xp.asarray(0.0))


def close_to_numpy(result, reference) -> None:
    """The same kernel under another namespace equals NumPy's result within 100·eps."""
    np.testing.assert_allclose(H(result), H(reference), rtol=100 * EPS, atol=100 * EPS)


# --- batched weighted least squares ------------------------------------------------------


def test_line_fit_hand_values(xp):
    # x = 0, 1, 2; y = 0, 1, 1: slope 1/2, intercept 1/6, residuals -1/6, 1/3, -1/6,
    # RSS 1/6 over 1 degree of freedom.
    a, b, s = fit.line_fit(A([0, 1, 2], xp), A([0, 1, 1], xp), A([1, 1, 1], xp), xp=xp)
    assert same_namespace(b, xp)
    np.testing.assert_allclose(H(b), [0.5], rtol=1e-14)
    np.testing.assert_allclose(H(a), [1 / 6], rtol=1e-13)
    np.testing.assert_allclose(H(s), [math.sqrt(1 / 6)], rtol=1e-13)


def test_line_fit_recovers_exact_line_for_every_weight_row(xp):
    x = np.arange(2000.0, 2010.0)
    y = -1200.0 + 0.6 * x
    w = np.array([[1.0] * 10, [3, 0, 0, 1, 2, 0, 0, 1, 0, 3], [0] * 8 + [5, 5]])
    a, b, s = fit.line_fit(A(x, xp), A(y, xp), A(w, xp), xp=xp)
    np.testing.assert_allclose(H(b), 0.6, rtol=1e-11)
    np.testing.assert_allclose(H(a + b * 2005.0), y[5], rtol=1e-13)
    assert np.all(H(s) < 1e-9)


def test_bootstrap_of_a_perfect_line_has_zero_spread(xp):
    x = np.linspace(2010, 2024, 12)
    y = 17.0 + 0.65 * (x - 2010)
    counts = bootstrap_counts(12, 500, np.random.default_rng(1))
    _, b, _ = fit.line_fit(A(x, xp), A(y, xp), A(counts, xp), xp=xp)
    b = H(b)
    assert np.all(np.isfinite(b))
    assert np.ptp(b) < 1e-11
    np.testing.assert_allclose(b, 0.65, rtol=1e-12)


def test_duplicating_a_point_equals_weight_two(xp):
    x, y = [0.0, 1.0, 2.0, 3.0], [1.0, 0.0, 2.0, 5.0]
    _, b2, _ = fit.line_fit(A(x, xp), A(y, xp), A([2, 1, 1, 1], xp), xp=xp)
    _, bd, _ = fit.line_fit(A([0.0, *x], xp), A([1.0, *y], xp), A([1] * 5, xp), xp=xp)
    np.testing.assert_allclose(H(b2), H(bd), rtol=1e-13)


def test_line_fit_matches_wls_and_polyfit(xp):
    rng = np.random.default_rng(3)
    x = np.sort(rng.uniform(10, 25, 30))
    y = 17 + 0.6 * x + rng.normal(0, 0.5, 30)
    w = bootstrap_counts(30, 64, rng)
    a, b, _ = fit.line_fit(A(x, xp), A(y, xp), A(w, xp), xp=xp)
    design = np.stack([np.ones_like(x), x], axis=1)
    beta = H(fit.wls(A(design, xp), A(y, xp), A(w, xp), xp=xp))
    np.testing.assert_allclose(H(b), beta[:, 1], rtol=1e-10)
    np.testing.assert_allclose(H(a), beta[:, 0], rtol=1e-10)
    ref = np.polyfit(x, y, 1, w=np.sqrt(w[0]))  # polyfit weights residuals, not squares
    np.testing.assert_allclose(H(b)[0], ref[0], rtol=1e-10)


def test_degenerate_resample_gives_nan_slope(xp):
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        a, b, _ = fit.line_fit(A([1, 2, 3], xp), A([1, 2, 3], xp), A([[0, 3, 0]], xp), xp=xp)
    assert np.isnan(H(b)[0])


# --- frontier selection -------------------------------------------------------------------


def test_frontier_top_k_small_table(xp):
    years = A([2010, 2011, 2012, 2013, 2014], xp)
    compute = A([5, 1, 3, 2, 6], xp)
    # k=2: run 3 (compute 2) has two larger earlier runs (5 and 3); all others are top-2.
    assert H(fit.frontier_top_k(years, compute, 2, xp=xp)).tolist() == [
        True,
        True,
        True,
        False,
        True,
    ]
    assert H(fit.frontier_top_k(years, compute, 1, xp=xp)).tolist() == [
        True,
        False,
        False,
        False,
        True,
    ]
    assert H(fit.frontier_top_k(years, compute, 5, xp=xp)).all()


def test_frontier_top_k_counts_same_date_runs(xp):
    # Two runs on one date: the smaller one sees the larger as released no later.
    out = fit.frontier_top_k(A([2020, 2020], xp), A([1, 2], xp), 1, xp=xp)
    assert H(out).tolist() == [False, True]


# --- quantiles ---------------------------------------------------------------------------


def test_quantile_matches_numpy_linear(xp):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(3, 101))
    q = (0.0, 0.05, 0.25, 0.5, 0.731, 0.95, 1.0)
    got = fit.quantile(A(x, xp), q, xp=xp)
    assert same_namespace(got, xp)
    np.testing.assert_allclose(H(got), np.quantile(x, q, axis=-1).T, rtol=1e-13, atol=1e-15)


def test_quantile_with_infinities(xp):
    got = H(fit.quantile(A([1.0, 2.0, math.inf, math.inf], xp), (0.0, 0.5, 1.0), xp=xp))
    assert got.tolist() == [1.0, math.inf, math.inf]


def test_weighted_quantile_equal_weights_is_inverted_cdf(xp):
    x = np.random.default_rng(5).normal(size=40)
    q = (0.05, 0.5, 0.95, 1.0)
    got = fit.weighted_quantile(A(x, xp), A(np.ones(40), xp), q, xp=xp)
    np.testing.assert_array_equal(H(got), np.quantile(x, q, method="inverted_cdf"))


def test_weighted_quantile_point_mass(xp):
    got = fit.weighted_quantile(
        A([4.0, 1.0, 3.0, 2.0], xp), A([0, 0, 1, 0], xp), (0.05, 0.95), xp=xp
    )
    assert H(got).tolist() == [3.0, 3.0]


# --- importance weights and resampling ---------------------------------------------------


def test_gaussian_loglik_skips_missing(xp):
    ll = fit.gaussian_loglik(A([[1, 2, 3], [1, 2, 4]], xp), A([1, math.nan, 4], xp), 0.5, xp=xp)
    assert H(ll).tolist() == [-2.0, 0.0]  # -(1/2)·((3-4)/0.5)² = -2


def test_weights_and_effective_sample_size(xp):
    w = fit.normalised_weights(A([-1.0, -1.0, -1.0, -1.0], xp), xp=xp)
    np.testing.assert_allclose(H(w), 0.25)
    assert float(fit.effective_sample_size(w, xp=xp)) == pytest.approx(4.0)
    w = fit.normalised_weights(A([0.0, -math.inf, -math.inf], xp), xp=xp)
    assert H(w).tolist() == [1.0, 0.0, 0.0]
    assert float(fit.effective_sample_size(w, xp=xp)) == pytest.approx(1.0)
    # Two draws with weights 2:1 -> ESS = 9/5.
    w = fit.normalised_weights(A([math.log(2.0), 0.0], xp), xp=xp)
    assert float(fit.effective_sample_size(w, xp=xp)) == pytest.approx(1.8)


def test_systematic_resample_hand_values(xp):
    # Positions (0.5 + i)/4 = 0.125, 0.375, 0.625, 0.875 against the CDF 0.5, 0.75, 1.
    idx = fit.systematic_resample(A([0.5, 0.25, 0.25], xp), 0.5, 4, xp=xp)
    assert H(idx).tolist() == [0, 0, 1, 2]


def test_systematic_resample_proportions(xp):
    w = np.array([0.1, 0.6, 0.0, 0.3])
    idx = H(fit.systematic_resample(A(w, xp), 0.37, 1000, xp=xp))
    np.testing.assert_array_equal(np.bincount(idx, minlength=4), [100, 600, 0, 300])


# --- CRPS ---------------------------------------------------------------------------------


def test_crps_hand_values(xp):
    got = fit.crps_ensemble(A([[3.0], [0.0]], xp), A([1.0, 0.0], xp), xp=xp)
    assert H(got).tolist() == [2.0, 0.0]  # a point mass: |x - y|
    got = fit.crps_ensemble(A([[0.0, 1.0]], xp), A([0.0], xp), xp=xp)
    assert H(got).tolist() == [0.25]  # E|X-y| = 1/2, (1/2)E|X-X'| = 1/4


def test_crps_matches_normal_closed_form(xp):
    nd = NormalDist()
    s = 4000
    sample = np.array([nd.inv_cdf((i + 0.5) / s) for i in range(s)]) * 0.7 + 24.0
    y = 24.5
    z = (y - 24.0) / 0.7
    exact = 0.7 * (z * (2 * nd.cdf(z) - 1) + 2 * nd.pdf(z) - 1 / math.sqrt(math.pi))
    got = float(H(fit.crps_ensemble(A(sample[None, :], xp), A([y], xp), xp=xp))[0])
    assert got == pytest.approx(exact, abs=2e-4)


# --- every kernel equals NumPy's result under the other namespaces -------------------------


def test_all_kernels_equal_numpy_within_100_eps(xp):
    rng = np.random.default_rng(11)
    x = np.sort(rng.uniform(0, 14, 25))
    y = 17 + 0.6 * x + rng.normal(0, 0.4, 25)
    w = bootstrap_counts(25, 50, rng)
    pred = rng.normal(20, 2, (30, 6))
    obs = np.array([20.0, math.nan, 19.0, 21.0, math.nan, 22.0])
    ll = rng.normal(-5, 3, 30)
    samples = rng.normal(0, 1, (4, 200))
    obs4 = rng.normal(size=4)
    cases = [
        lambda ns: fit.line_fit(A(x, ns), A(y, ns), A(w, ns), xp=ns),
        lambda ns: (fit.wls(A(np.stack([np.ones(25), x], 1), ns), A(y, ns), A(w, ns), xp=ns),),
        lambda ns: (fit.frontier_top_k(A(x, ns), A(y, ns), 3, xp=ns),),
        lambda ns: (fit.quantile(A(samples, ns), (0.05, 0.5, 0.95), xp=ns),),
        lambda ns: (fit.weighted_quantile(A(y, ns), A(w[0], ns), (0.1, 0.9), xp=ns),),
        lambda ns: (fit.gaussian_loglik(A(pred, ns), A(obs, ns), 0.8, xp=ns),),
        lambda ns: (fit.normalised_weights(A(ll, ns), xp=ns),),
        lambda ns: (fit.effective_sample_size(fit.normalised_weights(A(ll, ns), xp=ns), xp=ns),),
        lambda ns: (
            fit.systematic_resample(fit.normalised_weights(A(ll, ns), xp=ns), 0.3, 50, xp=ns),
        ),
        lambda ns: (fit.crps_ensemble(A(samples, ns), A(obs4, ns), xp=ns),),
    ]
    for make in cases:
        ours, ref = make(xp), make(np)
        for got, want in zip(ours, ref, strict=True):
            assert same_namespace(got, xp)
            close_to_numpy(got, want)


# --- properties ---------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(
    intercept=st.floats(-50, 50),
    slope=st.floats(-3, 3),
    counts=st.lists(st.integers(0, 4), min_size=6, max_size=6),
)
def test_property_any_exact_line_is_recovered(intercept, slope, counts):
    if sum(1 for c in counts if c > 0) < 2:
        counts = [1] * 6
    x = np.arange(6.0)
    with np.errstate(invalid="ignore", divide="ignore"):  # scale is 0/0 with 2 points
        a, b, _ = fit.line_fit(x, intercept + slope * x, np.asarray(counts, float), xp=np)
    assert b[0] == pytest.approx(slope, abs=1e-9)
    assert a[0] == pytest.approx(intercept, abs=1e-8)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(-100, 100), min_size=1, max_size=30), st.floats(-100, 100))
def test_property_crps_is_non_negative_and_bounded_by_mean_error(values, y):
    sample = np.asarray(values)[None, :]
    crps = fit.crps_ensemble(sample, np.asarray([y]), xp=np)[0]
    assert -1e-9 <= crps <= np.mean(np.abs(sample - y)) + 1e-9


# --- the host-side pipelines give the same numbers under every namespace -------------------


def test_importance_sampling_same_under_every_namespace(xp):
    import scalesim
    from scalesim.analysis.calibrate import (
        annual_maxima,
        importance_sample,
        load_history,
        select_frontier,
    )
    from scalesim.cli.calibrate import default_scenario

    scenario = scalesim.load_scenario(default_scenario())
    history = load_history()
    obs = annual_maxima(history, select_frontier(history), since=2010, until=2024)
    ours = importance_sample(scenario, obs, draws=5000, seed=3, xp=xp, chunk=2048)
    ref = importance_sample(scenario, obs, draws=5000, seed=3, xp=np, chunk=4096)
    assert ours.ess == pytest.approx(ref.ess, rel=1e-12)
    for key in ref.posterior:
        np.testing.assert_allclose(ours.posterior[key], ref.posterior[key], rtol=1e-12)
        np.testing.assert_allclose(ours.prior[key], ref.prior[key], rtol=1e-12)


def test_backtest_and_top_k_same_under_every_namespace(xp):
    from scalesim.analysis.calibrate import backtest, load_history, select_frontier

    history = load_history()
    np.testing.assert_array_equal(
        select_frontier(history, "top-k", 10, xp=xp), select_frontier(history, "top-k", 10, xp=np)
    )
    ours = backtest(history, cutoff=2020, bootstrap=300, seed=2, xp=xp)
    ref = backtest(history, cutoff=2020, bootstrap=300, seed=2, xp=np)
    for key in ("coverage_50", "coverage_90", "median_abs_log10_error", "crps"):
        assert ours[key] == pytest.approx(ref[key], rel=1e-12, abs=1e-14)


# --- importance sampling runs the engine's own projection ----------------------------------


def test_hindcast_is_the_engines_projection_backwards():
    import scalesim
    from scalesim.analysis.calibrate.importance import hindcast_ln, hindcast_scenario
    from scalesim.engine.run import kernel_inputs
    from scalesim.scenario.priors import draw

    scenario = scalesim.load_scenario(
        Path(__file__).resolve().parents[1] / "scenarios" / "baseline.yaml"
    )
    past = hindcast_scenario(scenario, np.array([2012.0, 2015.0, 2020.0]))
    assert past.year_list == list(range(2012, 2025))  # through the base year
    n = 4096
    host = draw(past.priors, 7, 0, n)
    train, spend = hindcast_ln(kernel_inputs(past), host, xp=np)
    res = scalesim.run(past, samples=n, seed=7, keep=["training_flop", "spend_usd"])
    np.testing.assert_allclose(np.exp(train), res.variables["training_flop"], rtol=1e-13)
    np.testing.assert_allclose(np.exp(spend), res.variables["spend_usd"], rtol=1e-13)
    # By hand, Δ = 2012 − 2024 = −12 years: spend S0 · g^Δ, FLOP per dollar P0 · 2^(Δ/T),
    # no synthetic data: C_pre = spend · FLOP per dollar (caps far above, GDP share ~1e-6).
    s0, g = host["spending.largest_run"], host["spending.growth"]
    p0, t = host["hardware.flop_per_usd"], host["hardware.doubling_time"]
    np.testing.assert_allclose(np.exp(spend[:, 0]), s0 * g**-12.0, rtol=1e-12)
    np.testing.assert_allclose(
        np.exp(train[:, 0]), s0 * g**-12.0 * p0 * 2 ** (-12.0 / t), rtol=1e-12
    )


def test_derived_quantities_come_from_the_hindcast():
    import scalesim
    from scalesim.analysis.calibrate import (
        annual_maxima,
        importance_sample,
        load_history,
        select_frontier,
    )
    from scalesim.analysis.calibrate.importance import PROBS
    from scalesim.cli.calibrate import default_scenario
    from scalesim.scenario.priors import draw

    scenario = scalesim.load_scenario(default_scenario())
    history = load_history()
    obs = annual_maxima(history, select_frontier(history), since=2010, until=2024)
    result = importance_sample(scenario, obs, draws=3000, seed=5)
    host = draw(scenario.priors, 5, 0, 3000)
    growth = host["spending.growth"] * 2 ** (1 / host["hardware.doubling_time"])
    base = host["spending.largest_run"] * host["hardware.flop_per_usd"]
    np.testing.assert_allclose(
        result.prior["compute_growth"], np.quantile(growth, PROBS), rtol=1e-12
    )
    np.testing.assert_allclose(
        result.prior["training_flop_base_year"], np.quantile(base, PROBS), rtol=1e-12
    )
