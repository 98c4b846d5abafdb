"""Correlated priors (``correlations:``): rank correlations as asked, marginals unchanged,
the same numbers for every chunking, and one-line errors naming the file and key."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from conftest import SCENARIOS
from scipy import stats

import scalesim
from scalesim.errors import InputError
from scalesim.scenario.correlations import spearman, spearman_to_pearson
from scalesim.scenario.normal import ndtr
from scalesim.scenario.priors import BLOCK, draw

BASE = SCENARIOS / "baseline.yaml"
#: Three families: spending.growth lognormal (baseline's ``to``), halving time uniform,
#: doubling time triangular.
FAMILIES = """\
name: correlated
extends: {base}
parameters:
  algorithms:
    halving_time: {{uniform: [5 month, 14 month]}}
  hardware:
    doubling_time: {{triangular: [1 year, 1.5 year, 2.5 year]}}
correlations:
  invest_hardware:
    between: [spending.growth, hardware.doubling_time]
    rho: -0.3
  hardware_algorithms:
    between: [hardware.doubling_time, algorithms.halving_time]
    rho: 0.5
  invest_algorithms:
    between: [spending.growth, algorithms.halving_time]
    rho: -0.2
"""
PAIRS = {
    ("spending.growth", "hardware.doubling_time"): -0.3,
    ("hardware.doubling_time", "algorithms.halving_time"): 0.5,
    ("spending.growth", "algorithms.halving_time"): -0.2,
}


def _write(tmp_path, text: str, name: str = "s.yaml"):
    path = tmp_path / name
    path.write_text(text.format(base=BASE))
    return path


@pytest.fixture(scope="module")
def correlated(tmp_path_factory):
    return scalesim.load_scenario(_write(tmp_path_factory.mktemp("c"), FAMILIES))


def test_spearman_to_pearson_by_hand():
    # 2 sin(pi/12) = 0.517638...; the map keeps 0 and +-1 and is odd
    assert spearman_to_pearson(0.5) == pytest.approx(0.5176380902050415, abs=1e-15)
    assert spearman_to_pearson(0.0) == 0.0
    assert spearman_to_pearson(1.0) == pytest.approx(1.0, abs=1e-15)
    assert spearman_to_pearson(-0.3) == -spearman_to_pearson(0.3)


def test_ndtr_matches_erfc():
    z = np.concatenate([np.linspace(-37.5, 8.5, 20001), [0.0, -np.inf, np.inf]])
    exact = np.array([0.5 * math.erfc(-v / math.sqrt(2)) for v in z])
    got = ndtr(z)
    tiny = exact > 1e-300
    np.testing.assert_allclose(got[tiny], exact[tiny], rtol=2e-12, atol=0)
    assert got[-3:].tolist() == [0.5, 0.0, 1.0]


def test_weighted_spearman_by_hand():
    x, y = np.array([1.0, 2.0, 3.0, 4.0]), np.array([10.0, 30.0, 20.0, 40.0])
    # ranks 1 2 3 4 and 1 3 2 4: 1 - 6 * 2 / (4 * 15) = 0.8
    assert spearman(x, y) == pytest.approx(0.8, abs=1e-15)
    # weight 0 on the third point: the rest is perfectly concordant
    assert spearman(x, y, np.array([1.0, 1.0, 0.0, 1.0])) == pytest.approx(1.0, abs=1e-12)
    # integer weights are repetitions of the points
    w = np.array([2.0, 1.0, 1.0, 3.0])
    assert spearman(x, y, w) == pytest.approx(
        stats.spearmanr(np.repeat(x, [2, 1, 1, 3]), np.repeat(y, [2, 1, 1, 3]))[0], abs=1e-12
    )


def test_rank_correlations_as_asked_for_three_families(correlated):
    d = draw(correlated.priors, 7, 0, 100_000, correlated.copula)
    assert {correlated.priors[k].kind for k in ("spending.growth", "algorithms.halving_time")} == {
        "lognormal",
        "uniform",
    }
    assert correlated.priors["hardware.doubling_time"].kind == "triangular"
    for (a, b), rho in PAIRS.items():
        got = stats.spearmanr(d[a], d[b])[0]
        assert abs(got - rho) < 0.02, (a, b, got, rho)
    # a parameter not in the block stays independent of those that are
    assert abs(stats.spearmanr(d["spending.growth"], d["hardware.flop_per_usd"])[0]) < 0.02


def test_marginals_unchanged(correlated):
    """Each correlated prior against its own distribution (one-sample KS) and against the
    same prior drawn without correlations from another seed (two-sample KS)."""
    d = draw(correlated.priors, 7, 0, 100_000, correlated.copula)
    free = draw(correlated.priors, 8, 0, 100_000)
    p = correlated.priors
    mu, sigma = p["spending.growth"].args
    lo, mode, hi = p["hardware.doubling_time"].args
    a, b = p["algorithms.halving_time"].args
    exact = {
        "spending.growth": stats.lognorm(s=sigma, scale=math.exp(mu)).cdf,
        "hardware.doubling_time": stats.triang(
            c=(mode - lo) / (hi - lo), loc=lo, scale=hi - lo
        ).cdf,
        "algorithms.halving_time": stats.uniform(loc=a, scale=b - a).cdf,
    }
    for key, cdf in exact.items():
        assert stats.kstest(d[key], cdf).pvalue > 0.01, key
        assert stats.ks_2samp(d[key], free[key]).pvalue > 0.01, key


def test_same_numbers_across_chunk_sizes_threads_and_totals(correlated):
    n, keep = BLOCK + 321, ["largest_run_flop", "spend_usd"]
    ref = scalesim.run(correlated, samples=n, seed=3, chunk_size=BLOCK, workers=1, keep=keep)
    for chunk, workers in ((2 * BLOCK, 1),):
        other = scalesim.run(
            correlated, samples=n, seed=3, chunk_size=chunk, workers=workers, keep=keep
        )
        assert json.dumps(other.summary(), sort_keys=True) == json.dumps(
            ref.summary(), sort_keys=True
        )
        for name, values in ref.variables.items():
            np.testing.assert_array_equal(other.variables[name], values)
    whole = draw(correlated.priors, 3, 0, 3 * BLOCK, correlated.copula)
    part = draw(correlated.priors, 3, BLOCK, 2 * BLOCK + 5, correlated.copula)
    for key, values in part.items():
        if values.shape[0] > 1:
            np.testing.assert_array_equal(values, whole[key][BLOCK : 2 * BLOCK + 5])


def test_uncorrelated_parameters_draw_as_without_the_block(correlated, tmp_path):
    plain = scalesim.load_scenario(
        _write(tmp_path, FAMILIES.split("correlations:")[0], "plain.yaml")
    )
    with_block = draw(correlated.priors, 5, 0, 5000, correlated.copula)
    without = draw(plain.priors, 5, 0, 5000, plain.copula)
    assert plain.copula is None
    for key in with_block:
        if key not in correlated.copula.keys:
            np.testing.assert_array_equal(with_block[key], without[key])


def test_extends_merges_correlations_by_name(tmp_path):
    parent = _write(tmp_path, FAMILIES, "parent.yaml")
    child = tmp_path / "child.yaml"
    child.write_text(
        "name: child\nextends: parent.yaml\ncorrelations:\n"
        "  invest_hardware: {between: [spending.growth, hardware.flop_per_usd], rho: 0.4}\n"
        "  invest_algorithms: null\n"
    )
    s = scalesim.load_scenario(child)
    got = {c.name: (c.between, c.rho) for c in s.correlations}
    assert got == {
        "invest_hardware": (("spending.growth", "hardware.flop_per_usd"), 0.4),
        "hardware_algorithms": (("hardware.doubling_time", "algorithms.halving_time"), 0.5),
    }
    assert scalesim.load_scenario(parent).copula.keys == (
        "spending.growth",
        "hardware.doubling_time",
        "algorithms.halving_time",
    )


BAD = {
    "rho: 1.5": "correlations.c.rho: must be between -1 and 1, got 1.5",
    "rho: .nan": "correlations.c.rho: must be between -1 and 1, got nan",
    "rho: high": "correlations.c.rho: expected a number between -1 and 1, got 'high'",
    "between: [spending.growth, spending.grwoth]": "correlations.c.between[1]: not a "
    "parameter of this scenario: 'spending.grwoth' (did you mean 'spending.growth'?)",
    "between: [spending.growth, economy.world_gdp]": "correlations.c.between[1]: "
    "economy.world_gdp has a fixed value",
    "between: [spending.growth, spending.growth]": "correlations.c.between: a parameter "
    "cannot be correlated with itself",
    "between: spending.growth": "correlations.c.between: expected two parameter key paths",
    "rhoo: 0.3": "correlations.c.rhoo: unknown key (did you mean 'rho'?)",
}


@pytest.mark.parametrize("line", sorted(BAD))
def test_bad_correlation_is_one_line_naming_file_and_key(tmp_path, line):
    body = {"between": "[spending.growth, hardware.doubling_time]", "rho": "0.3"}
    key, _, value = line.partition(": ")
    body.pop("rho" if key == "rhoo" else key, None)
    body[key] = value
    text = "name: x\nextends: {base}\ncorrelations:\n  c:\n" + "".join(
        f"    {k}: {v}\n" for k, v in body.items()
    )
    path = _write(tmp_path, text)
    with pytest.raises(InputError) as err:
        scalesim.load_scenario(path)
    assert str(err.value).startswith(f"{path}: {BAD[line]}"), str(err.value)
    assert "\n" not in str(err.value)


def test_duplicate_pair_and_indefinite_matrix_are_refused(tmp_path):
    dup = (
        "name: x\nextends: {base}\ncorrelations:\n"
        "  a: {{between: [spending.growth, hardware.doubling_time], rho: 0.3}}\n"
        "  b: {{between: [hardware.doubling_time, spending.growth], rho: 0.1}}\n"
    )
    with pytest.raises(InputError, match=r"correlations\.b\.between: the pair .* already .*'a'"):
        scalesim.load_scenario(_write(tmp_path, dup, "dup.yaml"))
    # 0.9, 0.9 and -0.9 cannot hold together (smallest eigenvalue < 0)
    indefinite = (
        "name: x\nextends: {base}\ncorrelations:\n"
        "  a: {{between: [spending.growth, hardware.doubling_time], rho: 0.9}}\n"
        "  b: {{between: [hardware.doubling_time, hardware.flop_per_usd], rho: 0.9}}\n"
        "  c: {{between: [spending.growth, hardware.flop_per_usd], rho: -0.9}}\n"
    )
    with pytest.raises(InputError, match=r": correlations: the correlations a, b, c do not form "):
        scalesim.load_scenario(_write(tmp_path, indefinite, "pd.yaml"))
    one = (
        "name: x\nextends: {base}\ncorrelations:\n"
        "  a: {{between: [spending.growth, hardware.doubling_time], rho: 1}}\n"
    )
    with pytest.raises(InputError, match=r"\|rho\| = 1 is singular"):
        scalesim.load_scenario(_write(tmp_path, one, "one.yaml"))


def test_schema_has_the_block():
    from scalesim.scenario.schema import scenario_schema

    props = scenario_schema()["properties"]
    entry = props["correlations"]["additionalProperties"]
    assert entry["required"] == ["between", "rho"]
    assert entry["properties"]["rho"] == {"type": "number", "minimum": -1, "maximum": 1}


def test_calibration_writes_the_posteriors_rank_correlations():
    from scalesim.analysis.calibrate.calibrated import calibrated_scenario
    from scalesim.analysis.calibrate.history import load_history
    from scalesim.analysis.calibrate.importance import annual_maxima, importance_sample
    from scalesim.analysis.calibrate.trends import select_frontier

    history = load_history(None)
    obs = annual_maxima(history, select_frontier(history, "auto", 10), since=2010, until=2024)
    base = scalesim.load_scenario(BASE)
    result = importance_sample(base, obs, draws=4 * BLOCK, seed=3)
    pair = ("spending.growth", "hardware.doubling_time")
    weighted = result.rank_correlations[pair]
    # the weighted Spearman is that of the (equal-weight) resampled posterior, within its
    # Monte Carlo error (ESS ~ 1e3 here)
    resampled = stats.spearmanr(result.resampled[pair[0]], result.resampled[pair[1]])[0]
    assert abs(weighted - resampled) < 0.06
    assert weighted > 0.2  # faster spending growth pairs with slower hardware progress
    s = calibrated_scenario(base, result, history_label="shipped", since=2010, until=2024)
    block = {c.between: c.rho for c in s.correlations}
    assert len(block) == 6  # every pair of the four calibrated priors
    assert block[pair] == round(weighted, 3)
    name = "posterior_spending_growth__hardware_doubling_time"
    assert s.sources[f"correlations.{name}"].startswith(
        "scalesim calibrate: weighted Spearman rank correlation of the importance-sampled "
        "posterior (65,536 draws"
    )
    # drawn back through the copula: the posterior's rank correlations
    d = draw(s.priors, 1, 0, 100_000, s.copula)
    for (a, b), rho in block.items():
        assert abs(stats.spearmanr(d[a], d[b])[0] - rho) < 0.02, (a, b)
