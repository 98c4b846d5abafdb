"""The data market (``data.market:`` group): tokens bought with a share of the run's cost.

Every expected number can be checked with a calculator; the comments show how.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import yaml
from conftest import SCENARIOS, to_np
from test_kernels import assert_same_projection, close, params_for, run_project

import scalesim
from scalesim.model.kernels import market
from scalesim.model.variables import MARKET_VARIABLES, variables_of

YEARS = (2024, 2025)
#: s = 10% of a run's cost at p = 1e-4 USD/token, a private stock of 1.5e11 tokens.
MARKET = {
    "data.market.share_of_spend": 0.1,
    "data.market.price_per_token": 1e-4,
    "data.market.private_stock": 1.5e11,
    "data.market.stock_growth": 1.0,
}


def test_tokens_are_the_share_of_spend_over_the_price_up_to_the_stock(xp):
    # spend 1e8 USD (2024), 2e8 (2025); s·S/p = 0.1 · 1e8 / 1e-4 = 1e11 tokens, then 2e11,
    # which the stock of 1.5e11 caps: T = min(s·S/p, stock) = [1e11, 1.5e11] tokens, bought
    # for M = T · p = [1e7, 1.5e7] USD.
    logs, _, _ = run_project(params_for(xp, years=YEARS, **MARKET), xp=xp)
    close(xp.exp(logs["market_tokens"]), [[1e11, 1.5e11]])
    close(xp.exp(logs["market_spend_usd"]), [[1e7, 1.5e7]])
    close(xp.exp(logs["spend_usd"]), [[1e8, 2e8]])  # the run's cost includes the data


def test_money_spent_on_data_does_not_buy_compute(xp):
    # budget = (S − M) · flop_per_usd: (1e8 − 1e7) · 1e18 = 9e25 FLOP in 2024 and
    # (2e8 − 1.5e7) · 2e18 = 3.7e26 in 2025 (without the market: 1e26 and 4e26).
    logs, _, _ = run_project(params_for(xp, years=YEARS, **MARKET), xp=xp)
    close(xp.exp(logs["budget_flop"]), [[9e25, 3.7e26]])
    close(xp.exp(logs["training_flop"]), [[9e25, 3.7e26]])


def test_tokens_bought_join_the_human_stock_before_epoch_reuse(xp):
    # U = 1e13 + T; with E = 3 epochs and R* = 15.4 each unique token is worth
    # 1 + 15.4 (1 − e^(−2/15.4)) = 2.8756 fresh ones: D_h = (1e13 + T) · reuse.
    reuse = 1.0 + 15.4 * (1.0 - math.exp(-2.0 / 15.4))
    p = params_for(xp, years=YEARS, **MARKET, **{"data.epochs": 3.0})
    logs, _, _ = run_project(p, xp=xp)
    close(xp.exp(logs["human_tokens"]), [[1e13 + 1e11, 1e13 + 1.5e11]])
    close(
        xp.exp(logs["human_effective_tokens"]), [[(1e13 + 1e11) * reuse, (1e13 + 1.5e11) * reuse]]
    )


def test_bought_tokens_are_reused_even_beside_an_effective_source(xp):
    # The web given as an effective stock is not reused again; the bought tokens are unique
    # ones and are: D_h = 1e13 + T · reuse.
    reuse = 1.0 + 15.4 * (1.0 - math.exp(-2.0 / 15.4))
    p = params_for(xp, years=YEARS, effective=("web",), **MARKET, **{"data.epochs": 3.0})
    logs, _, _ = run_project(p, xp=xp)
    close(xp.exp(logs["human_effective_tokens"]), [[1e13 + 1e11 * reuse, 1e13 + 1.5e11 * reuse]])


def test_a_growing_private_stock(xp):
    # Stock 1e11 growing x1.2/yr: 1e11 (2024) then 1.2e11 (2025), below s·S/p = 2e11.
    over = {**MARKET, "data.market.private_stock": 1e11, "data.market.stock_growth": 1.2}
    logs, _, _ = run_project(params_for(xp, years=YEARS, **over), xp=xp)
    close(xp.exp(logs["market_tokens"]), [[1e11, 1.2e11]])


def test_zero_share_changes_no_number(xp):
    years = (2024, 2026, 2030)
    without = run_project(params_for(xp, years=years), xp=xp)
    zero = {**MARKET, "data.market.share_of_spend": 0.0}
    got = run_project(params_for(xp, years=years, **zero), xp=xp)
    assert to_np(xp.exp(got[0]["market_tokens"])).tolist() == [[0.0, 0.0, 0.0]]
    assert_same_projection(without, got)


def test_the_whole_cost_on_data_leaves_no_compute_and_no_nan(xp):
    # s = 1 and a stock that takes it all: M = S exactly (clamped against rounding), budget 0.
    over = {**MARKET, "data.market.share_of_spend": 1.0, "data.market.private_stock": 1e20}
    logs, _, _ = run_project(params_for(xp, years=YEARS, **over), xp=xp)
    assert to_np(logs["budget_flop"]).tolist() == [[-math.inf, -math.inf]]
    for name, value in logs.items():
        assert not np.isnan(to_np(value)).any(), name


def test_spend_left_is_clamped_at_the_share(xp):
    # ln M one ulp above ln S would give log1p(−1.0000000000000002) = NaN; clamped, it is −inf.
    log_spend = xp.asarray([[20.0]], dtype=xp.float64)
    above = xp.asarray([[20.000000000000004]], dtype=xp.float64)
    share = xp.asarray([[1.0]], dtype=xp.float64)
    assert to_np(market.log_spend_left(log_spend, above, share, xp=xp)).tolist() == [[-math.inf]]


def test_market_variables_have_units_and_exist_only_with_the_group():
    assert variables_of(market=True)["market_tokens"][0] == "token"
    assert variables_of(market=True)["market_spend_usd"][0] == "USD"
    assert not set(MARKET_VARIABLES) & set(variables_of())


# --- the shipped scenario -------------------------------------------------------------------


def _without_market(tmp_path):
    data = yaml.safe_load((SCENARIOS / "data-market.yaml").read_text(encoding="utf-8"))
    data["extends"] = str(SCENARIOS / data["extends"])
    data["parameters"]["data"].pop("market")
    data["sources"] = {k: v for k, v in data["sources"].items() if not k.startswith("data.market.")}
    path = tmp_path / "no-market.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_the_market_delays_exhaustion_in_every_sample(tmp_path):
    # Bought tokens raise D_h and their cost lowers the compute that creates demand: the
    # crossing D_req = D_h can only come later, sample by sample (same seed, same draws).
    kw = dict(samples=4096, seed=7, keep=["human_tokens"])
    with_market = scalesim.run(SCENARIOS / "data-market.yaml", **kw)
    without = scalesim.run(_without_market(tmp_path), **kw)
    later, earlier = with_market.data_exhaustion_year, without.data_exhaustion_year
    assert np.all(later >= earlier)
    assert np.median(later) > np.median(earlier) + 0.05
    assert np.all(with_market.variables["human_tokens"] >= without.variables["human_tokens"])


def test_the_scenario_loads_with_its_market_group():
    s = scalesim.load_scenario(SCENARIOS / "data-market.yaml")
    assert "data.market" in s.groups
    assert s.priors["data.market.share_of_spend"].clip[1] == pytest.approx(0.5)


# --- outputs of a run -------------------------------------------------------------------------

#: The baseline with a run of $1e10 every year that offers 1% of it at 1e-3 USD/token for a
#: private stock of 5e10 tokens doubling each year.
BY_HAND = """
name: market by hand
extends: baseline.yaml
years: {start: 2024, end: 2026}
parameters:
  spending: {largest_run: 1e10 USD, growth: 1.0, max_share_of_gdp: 1.0}
  data:
    market:
      share_of_spend: 0.01
      price_per_token: 1e-3 USD/token
      private_stock: 5e10 token
      stock_growth: 2.0
"""


def test_a_run_reports_the_tokens_bought_and_their_cost():
    # s·S/p = 0.01 · 1e10 / 1e-3 = 1e11 tokens a year; the stock for sale is 5e10, 1e11,
    # 2e11 tokens (doubling), so T = [5e10, 1e11, 1e11] tokens (capped by the stock in 2024)
    # and M = T · p = [5e7, 1e8, 1e8] USD.
    s = scalesim.load_scenario_text(BY_HAND, name="market-by-hand", base_dir=SCENARIOS)
    r = scalesim.run(s, samples=1000, seed=3, keep="all")
    np.testing.assert_allclose(r.variables["market_tokens"], [[5e10, 1e11, 1e11]] * 1000)
    np.testing.assert_allclose(r.variables["market_spend_usd"], [[5e7, 1e8, 1e8]] * 1000)
    summary = r.summary()["variables"]  # in the summary by default, with their units
    assert summary["market_tokens"]["unit"] == "token"
    assert summary["market_spend_usd"]["unit"] == "USD"
    np.testing.assert_allclose(summary["market_tokens"]["mean"], [5e10, 1e11, 1e11])
    np.testing.assert_allclose(summary["market_spend_usd"]["p50"], [5e7, 1e8, 1e8], rtol=2.3e-3)
    assert r.units["market_tokens"] == "token"


def test_market_outputs_exist_only_with_the_group():
    with_market = scalesim.run(SCENARIOS / "data-market.yaml", samples=2000, seed=1)
    without = scalesim.run(SCENARIOS / "epoch-data-2024.yaml", samples=2000, seed=1)
    assert set(MARKET_VARIABLES) <= set(with_market.summary()["variables"])
    assert set(MARKET_VARIABLES) <= set(with_market.variables)
    assert not set(MARKET_VARIABLES) & (set(without.variables) | set(without.units))


def test_market_outputs_in_xarray_with_units():
    pytest.importorskip("xarray")
    s = scalesim.load_scenario_text(BY_HAND, name="market-by-hand", base_dir=SCENARIOS)
    ds = scalesim.run(s, samples=100, seed=3, keep="all").to_xarray()
    assert ds["market_tokens"].attrs["units"] == "token"
    np.testing.assert_allclose(ds["market_spend_usd"].sel(year=2025).values, 1e8)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "  market: {share_of_spend: 0.1}\n",
            "parameters.market: unknown parameter group (did you mean 'data.market'?)",
        ),
        ("  data:\n    market: {share: 0.1}\n", "parameters.data.market.share: unknown key"),
        ("  data:\n    market: 3\n", "parameters.data.market: expected a mapping, got 3"),
        (
            "  data:\n    market: {share_of_spend: 2}\n",
            "parameters.data.market.share_of_spend: must be >= 0 and <= 1, got 2",
        ),
    ],
)
def test_the_group_is_spelled_data_market(body, message):
    text = "name: t\nextends: baseline.yaml\nparameters:\n" + body
    with pytest.raises(scalesim.InputError) as err:
        scalesim.load_scenario_text(text, base_dir=SCENARIOS)
    assert str(err.value) == f"<upload>: {message}"


def test_naming_the_group_switches_it_on_with_its_defaults():
    text = "name: t\nextends: baseline.yaml\nparameters:\n  data:\n    market: {}\n"
    s = scalesim.load_scenario_text(text, base_dir=SCENARIOS)
    assert "data.market" in s.groups
    assert s.priors["data.market.share_of_spend"].args == (0.0,)  # default: no share
    assert not any(k.startswith("data.market.") for k in scalesim.load_scenario("baseline").priors)
