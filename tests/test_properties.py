"""Hypothesis properties of the model and the priors: what must hold for any inputs."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats
from test_kernels import params_for, run_project

from scalesim.model.parameters import SPECS
from scalesim.scenario.prior_parse import parse_prior

YEARS = tuple(range(2024, 2041))

model_params = st.fixed_dictionaries(
    {
        "spending.largest_run": st.floats(1e5, 1e12),
        "spending.growth": st.floats(0.5, 5.0),
        "spending.max_share_of_gdp": st.floats(1e-6, 1.0),
        "hardware.flop_per_usd": st.floats(1e15, 1e20),
        "hardware.doubling_time": st.floats(0.3, 10.0),
        "hardware.max_flop_per_usd": st.one_of(st.just(math.inf), st.floats(1e17, 1e24)),
        "algorithms.halving_time": st.floats(0.2, 10.0),
        "algorithms.max_multiplier": st.one_of(st.just(math.inf), st.floats(1.0, 1e6)),
        "data.sources.web.stock": st.floats(1e11, 1e17),
        "data.sources.web.growth": st.floats(0.9, 1.5),
        "data.epochs": st.floats(1.0, 20.0),
        "synthetic.share_of_compute": st.floats(0.0, 0.9),
        "synthetic.max_ratio": st.floats(0.0, 10.0),
        "synthetic.quality": st.floats(0.0, 1.0),
        "training.tokens_per_parameter": st.floats(1.0, 1000.0),
    }
)
power = st.fixed_dictionaries(
    {
        "power.available": st.floats(1e6, 1e10),
        "power.growth": st.floats(1.0, 2.0),
        "power.flop_per_joule": st.floats(1e11, 1e13),
        "power.efficiency_growth": st.floats(1.0, 1.5),
        "power.world_electricity": st.just(3.4e12),
        "power.world_electricity_growth": st.just(1.03),
        "power.max_share_of_world": st.floats(1e-4, 0.1),
    }
)


def run(values):
    return run_project(params_for(np, years=YEARS, **values), xp=np)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    model_params,
    st.floats(1.0, 100.0),
    st.sampled_from(
        [
            "spending.largest_run",
            "spending.growth",
            "spending.max_share_of_gdp",
            "hardware.flop_per_usd",
        ]
    ),
)
def test_more_money_never_shrinks_the_largest_run(values, factor, key):
    low = run(values)[0]["largest_run_flop"]
    raised = dict(values)
    raised[key] = min(values[key] * factor, SPECS[key].upper)
    high = run(raised)[0]["largest_run_flop"]
    assert np.all(high >= low - 1e-12 * np.abs(low))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_params, st.floats(1.0, 100.0))
def test_more_data_never_shrinks_the_run_nor_brings_exhaustion_forward(values, factor):
    low_logs, _, low_year = run(values)
    more = dict(values, **{"data.sources.web.stock": values["data.sources.web.stock"] * factor})
    high_logs, _, high_year = run(more)
    low, high = low_logs["largest_run_flop"], high_logs["largest_run_flop"]
    assert np.all(high >= low - 1e-12 * np.abs(low))
    assert np.all(high_year >= low_year)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_params, power)
def test_a_power_ceiling_never_raises_the_run_and_demand_follows_the_feasible_run(values, pw):
    free = run(values)[0]
    capped = run({**values, **pw})[0]
    assert np.all(capped["largest_run_flop"] <= free["largest_run_flop"] * (1 + 1e-12))
    # data demand is what the hardware-feasible run needs, so it never exceeds the demand of
    # the run money alone would buy
    assert np.all(capped["data_demand_tokens"] <= free["data_demand_tokens"] + 1e-12)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_params)
def test_data_wall_equivalent_never_exceeds_pretraining_compute(values):
    logs = run(values)[0]
    c, eq = logs["training_flop"], logs["data_wall_equivalent_flop"]
    assert np.all(eq <= c + 1e-9)
    # ... and it never falls when the stock grows
    more = dict(values, **{"data.sources.web.stock": values["data.sources.web.stock"] * 10})
    assert np.all(run(more)[0]["data_wall_equivalent_flop"] >= eq - 1e-9)


market = st.fixed_dictionaries(
    {
        "data.market.share_of_spend": st.floats(0.0, 0.9),
        "data.market.price_per_token": st.floats(1e-7, 1e-1),
        "data.market.private_stock": st.floats(1e8, 1e17),
        "data.market.stock_growth": st.floats(1.0, 1.3),
    }
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_params, market)
def test_the_data_market_spends_each_dollar_once_and_never_brings_exhaustion_forward(values, m):
    base_logs, _, base_year = run(values)
    logs, _, year = run({**values, **m})
    spend, bought = np.exp(logs["spend_usd"]), np.exp(logs["market_tokens"])
    dt = np.asarray(YEARS, dtype=float) - 2024
    stock = m["data.market.private_stock"] * m["data.market.stock_growth"] ** dt
    assert np.all(bought <= stock * (1 + 1e-12))
    assert np.all(
        bought
        <= m["data.market.share_of_spend"] * spend / m["data.market.price_per_token"] * (1 + 1e-12)
    )
    # money for compute + money for data = the run's cost
    compute_usd = np.exp(logs["budget_flop"] - logs["flop_per_usd"])
    np.testing.assert_allclose(compute_usd + np.exp(logs["market_spend_usd"]), spend, rtol=1e-9)
    assert np.all(logs["human_tokens"] >= base_logs["human_tokens"] - 1e-12)
    assert np.all(year >= base_year)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(model_params, st.floats(0.0, 1e4), st.floats(1.0, 100.0))
def test_more_inference_trains_longer_and_never_delays_exhaustion(values, ratio, factor):
    logs, _, year = run({**values, "inference.tokens_ratio": ratio})
    more, _, more_year = run({**values, "inference.tokens_ratio": ratio * factor})
    k = logs["training_tokens"] - logs["parameters"]
    assert np.all(k >= np.log(values["training.tokens_per_parameter"]) - 1e-12)
    assert np.all(more["training_tokens"] - more["parameters"] >= k - 1e-12)
    assert np.all(more_year <= year)


@settings(max_examples=60, deadline=None)
@given(st.floats(1e-3, 1e6), st.floats(1.01, 1e3), st.sampled_from([50, 80, 90, 95]))
def test_to_interval_holds_its_credibility(lo, ratio, credibility):
    hi = lo * ratio
    prior = parse_prior(
        {"to": [f"{lo!r} USD", f"{hi!r} USD"], "credibility": credibility},
        SPECS["spending.largest_run"],
    )
    assert prior.kind == "lognormal"
    # the same lognormal from scipy, built from the interval by hand
    z = stats.norm.ppf(0.5 + credibility / 200)
    ref = stats.lognorm(s=math.log(hi / lo) / (2 * z), scale=math.sqrt(lo * hi))
    for q in (0.01, 0.3, 0.5, 0.97):
        assert math.isclose(prior.ppf(q), ref.ppf(q), rel_tol=1e-9)
    x = prior.sample(np.random.default_rng(1), 40_000)
    inside = np.mean((x >= lo) & (x <= hi))
    assert abs(inside - credibility / 100) < 0.01


@settings(max_examples=60, deadline=None)
@given(st.floats(-5, 5), st.floats(0.01, 5))
def test_to_interval_through_zero_is_normal(lo, width):
    spec = dataclasses.replace(SPECS["synthetic.quality"], lower=-math.inf, upper=math.inf)
    prior = parse_prior(
        {"to": [lo - width, lo + width]}
        if lo - width <= 0
        else {"normal": [lo - width, lo + width]},
        spec,
    )
    assert prior.kind == "normal"
    assert math.isclose(prior.ppf(0.5), lo, rel_tol=1e-9, abs_tol=1e-12)
    ref = stats.norm(lo, width / stats.norm.ppf(0.95))
    assert math.isclose(prior.ppf(0.95), ref.ppf(0.95), rel_tol=1e-9, abs_tol=1e-12)
