"""Hypothesis properties of the model and the priors."""

from __future__ import annotations

import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_kernels import params_for

from scalesim.model.kernels.projection import project
from scalesim.model.parameters import SPECS
from scalesim.scenario.priors import parse_prior

YEARS = np.arange(2024, 2041, dtype=float)[None, :]
DT = YEARS - 2024

pos = st.floats(min_value=1e-3, max_value=1e3, allow_nan=False)
model_params = st.fixed_dictionaries(
    {
        "spending.largest_run": st.floats(1e5, 1e12),
        "spending.growth": st.floats(0.5, 5.0),
        "spending.max_share_of_gdp": st.floats(1e-6, 1.0),
        "hardware.flop_per_usd": st.floats(1e15, 1e20),
        "hardware.doubling_time": st.floats(0.3, 10.0),
        "hardware.max_flop_per_usd": st.one_of(st.just(math.inf), st.floats(1e17, 1e22)),
        "data.sources.web.stock": st.floats(1e11, 1e17),
        "data.sources.web.growth": st.floats(0.9, 1.5),
        "data.epochs": st.floats(1.0, 20.0),
        "synthetic.share_of_compute": st.floats(0.0, 0.9),
        "synthetic.max_ratio": st.floats(0.0, 10.0),
        "synthetic.quality": st.floats(0.0, 1.0),
        "training.tokens_per_parameter": st.floats(1.0, 1000.0),
    }
)
ceiling = st.one_of(st.none(), st.floats(1e20, 1e35))


def run(values, ceilings=None):
    params = params_for(np, **values)
    with np.errstate(divide="ignore"):
        return project(params, DT, YEARS, ["web"], xp=np, constraints=ceilings)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_params, ceiling, ceiling, ceiling)
def test_largest_run_never_exceeds_any_constraint(values, power, chips, latency):
    extra = {
        name: np.full((1, YEARS.shape[1]), math.log(v))
        for name, v in (("power", power), ("chips", chips), ("latency", latency))
        if v
    }
    logs, binding, _ = run(values, extra)
    largest = logs["largest_run_flop"]
    for name in ("training_flop", "data_limited_flop"):
        assert np.all(largest <= logs[name])
    for name, c in extra.items():
        assert np.all(largest <= c), name
    # ... and equals the ceiling its binding code names
    stack = [logs["training_flop"], logs["data_limited_flop"]] + [
        extra.get(n, np.full_like(largest, np.inf)) for n in ("power", "chips", "latency")
    ]
    chosen = np.take_along_axis(np.stack(stack), binding[None].astype(int), axis=0)[0]
    np.testing.assert_array_equal(chosen, largest)


@settings(max_examples=150, deadline=None)
@given(
    model_params,
    st.floats(1.0, 100.0),
    st.sampled_from(["spending.largest_run", "spending.growth", "spending.max_share_of_gdp"]),
)
def test_largest_run_never_decreases_when_spending_rises(values, factor, key):
    low = run(values)[0]["largest_run_flop"]
    raised = dict(values)
    raised[key] = min(values[key] * factor, SPECS[key].upper)
    high = run(raised)[0]["largest_run_flop"]
    assert np.all(high >= low - 1e-12 * np.abs(low))


@settings(max_examples=60, deadline=None)
@given(st.floats(1e-3, 1e6), st.floats(1.01, 1e3))
def test_to_interval_holds_90_percent(lo, ratio):
    hi = lo * ratio
    prior = parse_prior({"to": [lo, hi]}, SPECS["spending.largest_run"])
    assert prior.kind == "lognormal"
    x = prior.sample(np.random.default_rng(1), 40_000)
    inside = np.mean((x >= lo) & (x <= hi))
    assert abs(inside - 0.9) < 0.01
    assert math.isclose(prior.ppf(0.05), lo, rel_tol=1e-9)
    assert math.isclose(prior.ppf(0.95), hi, rel_tol=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.floats(-5, 5), st.floats(0.01, 5))
def test_to_interval_through_zero_is_normal(lo, width):
    prior = parse_prior(
        {"to": [lo - width, lo + width]}
        if lo - width <= 0
        else {"normal": [lo - width, lo + width]},
        SPECS["economy.gdp_growth"].__class__(
            **{**SPECS["economy.gdp_growth"].__dict__, "lower": -math.inf}
        ),
    )
    assert prior.kind == "normal"
    assert math.isclose(prior.ppf(0.5), lo, rel_tol=1e-9, abs_tol=1e-12)
