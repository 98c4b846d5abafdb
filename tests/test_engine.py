"""Engine: reproducibility, summaries against exact statistics, headline targets."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import SCENARIOS

import scalesim
from scalesim.errors import InputError
from scalesim.scenario.priors import BLOCK

BASELINE = SCENARIOS / "baseline.yaml"


def summary_text(results) -> str:
    return json.dumps(results.summary(), sort_keys=True)


@pytest.fixture(scope="module")
def baseline():
    return scalesim.load_scenario(BASELINE)


def test_same_seed_same_summary_across_chunk_sizes_and_threads(baseline):
    n = 3 * BLOCK + 777
    ref = scalesim.run(baseline, samples=n, seed=11, chunk_size=BLOCK, workers=1, summarize="all")
    for chunk, workers in ((2 * BLOCK, 2), (1000, 2), (3 * BLOCK, 1), (10 * BLOCK, 2)):
        other = scalesim.run(
            baseline, samples=n, seed=11, chunk_size=chunk, workers=workers, summarize="all"
        )
        assert summary_text(other) == summary_text(ref), (chunk, workers)
        for name, values in ref.variables.items():
            np.testing.assert_array_equal(other.variables[name], values)
        np.testing.assert_array_equal(other.binding_constraint, ref.binding_constraint)


def test_same_seed_same_numbers_across_runs_and_different_seed_differs(baseline):
    a = scalesim.run(baseline, samples=5000, seed=3)
    b = scalesim.run(baseline, samples=5000, seed=3)
    c = scalesim.run(baseline, samples=5000, seed=4)
    assert summary_text(a) == summary_text(b)
    assert summary_text(a) != summary_text(c)


def test_histogram_quantiles_and_means_match_exact_statistics(baseline):
    r = scalesim.run(baseline, samples=20_000, seed=5, summarize="all")
    for name in (
        "largest_run_flop",
        "human_effective_tokens",
        "spend_usd",
        "data_wall_equivalent_flop",
    ):
        q = r.quantiles(name)
        x, n = r.variables[name], r.samples
        for p, key in ((0.05, "p5"), (0.5, "p50"), (0.95, "p95")):
            # Between the order statistics around the p-quantile, give or take one bin (0.23%).
            lo = np.quantile(x, p, axis=0, method="inverted_cdf")
            hi = np.quantile(x, min(p + 1 / n, 1.0), axis=0, method="inverted_cdf")
            assert np.all(np.asarray(q[key]) >= lo / 1.0024), (name, key)
            assert np.all(np.asarray(q[key]) <= hi * 1.0024), (name, key)
        np.testing.assert_allclose(q["mean"], r.variables[name].mean(axis=0), rtol=1e-12)
    shares = r.binding_shares()
    np.testing.assert_allclose(shares["data"], (r.binding_constraint == 1).mean(axis=0))
    ex = r.exhaustion_summary()
    exact = np.quantile(r.data_exhaustion_year[np.isfinite(r.data_exhaustion_year)], 0.5)
    assert abs(ex["p50"] - exact) < 0.02


def test_invariants_on_the_arrays(baseline):
    r = scalesim.run(baseline, samples=4096, seed=1)
    v = r.variables
    assert np.all(v["largest_run_flop"] <= v["training_flop"] * (1 + 1e-12))
    assert np.all(v["largest_run_flop"] <= v["data_limited_flop"] * (1 + 1e-12))
    assert np.all(v["data_wall_equivalent_flop"] <= v["training_flop"] * (1 + 1e-12))
    np.testing.assert_allclose(v["budget_flop"], v["spend_usd"] * v["flop_per_usd"], rtol=1e-12)
    np.testing.assert_allclose(
        v["effective_compute_flop"], v["largest_run_flop"] * v["algorithmic_multiplier"], rtol=1e-12
    )
    assert np.all(v["spend_usd"] <= v["gdp_usd"])


def test_epoch_data_2024_reproduces_the_paper():
    s = scalesim.run(SCENARIOS / "epoch-data-2024.yaml").summary()
    ex = s["data_exhaustion_year"]
    assert 2027 <= ex["p50"] <= 2029
    assert 2025 <= ex["p10"] and ex["p90"] <= 2034
    stock_2024 = s["variables"]["human_effective_tokens"]["p50"][s["years"].index(2024)]
    assert 2e14 <= stock_2024 <= 5e14
    over = scalesim.run(SCENARIOS / "overtrained-5x.yaml").summary()["data_exhaustion_year"]
    assert over["p50"] <= ex["p50"] and over["p10"] <= ex["p10"] and over["p90"] <= ex["p90"]


def test_baseline_2030_largest_run(baseline):
    s = scalesim.run(baseline).summary()
    median_2030 = s["variables"]["largest_run_flop"]["p50"][s["years"].index(2030)]
    assert 5e28 <= median_2030 <= 1e30


def test_every_shipped_scenario_runs():
    for path in sorted(SCENARIOS.glob("*.yaml")):
        r = scalesim.run(path, samples=2000, seed=1)
        s = r.summary()
        assert set(s["binding_constraint_share"]) >= {"compute", "data"}
        np.testing.assert_allclose(
            np.sum(list(s["binding_constraint_share"].values()), axis=0), 1.0
        )


def test_keep_and_summarize_options(baseline):
    r = scalesim.run(
        baseline, samples=100, seed=1, keep=["largest_run_flop"], summarize=["spend_usd"]
    )
    assert list(r.variables) == ["largest_run_flop"]
    assert list(r.summary()["variables"]) == ["spend_usd"]
    none = scalesim.run(baseline, samples=100, seed=1, keep="none")
    assert none.variables == {} and none.binding_constraint is None
    with pytest.raises(InputError, match="unknown or absent variable 'power_flop'"):
        scalesim.run(baseline, samples=100, keep=["power_flop"])
    with pytest.raises(InputError, match="GiB"):
        scalesim.run(baseline, samples=20_000_000, keep="all")
    # library errors name the argument, not a CLI flag
    with pytest.raises(InputError, match="^samples: must be an integer between 1"):
        scalesim.run(baseline, samples=0)
    with pytest.raises(InputError, match="^seed: must be an integer"):
        scalesim.run(baseline, samples=10, seed=-1)
    with pytest.raises(InputError, match="^chunk_size: must be an integer >= 1"):
        scalesim.run(baseline, samples=10, chunk_size=0)


def test_sample_values_do_not_depend_on_the_total(baseline):
    small = scalesim.run(baseline, samples=1000, seed=9)
    large = scalesim.run(baseline, samples=9000, seed=9)
    np.testing.assert_array_equal(
        large.variables["largest_run_flop"][:1000], small.variables["largest_run_flop"]
    )


def test_backends_agree_within_floating_point_tolerance(baseline):
    import json as _json

    ref = scalesim.run(SCENARIOS / "scaling-2030.yaml", samples=3000, seed=2, summarize="all")
    strict = scalesim.run(
        SCENARIOS / "scaling-2030.yaml",
        samples=3000,
        seed=2,
        summarize="all",
        backend="array_api_strict",
    )
    for name, values in ref.variables.items():
        np.testing.assert_allclose(strict.variables[name], values, rtol=1e-12, err_msg=name)
    np.testing.assert_array_equal(strict.binding_constraint, ref.binding_constraint)
    a, b = ref.summary(), strict.summary()
    for key in ("data_exhaustion_year", "binding_constraint_share"):
        assert _json.dumps(a[key]) == _json.dumps(b[key])


def test_absurdly_wide_prior_is_refused_when_loading(tmp_path):
    # A prior for an exponent reaching 1e300 is inside the scaling law's domain (> 0), but its
    # upper draws overflow to inf: refused at load time, one line naming the key.
    f = tmp_path / "wide.yaml"
    f.write_text(
        "name: wide\nextends: %s\nparameters:\n  scaling_law: {alpha: {to: [0.3, 1e300]}}\n"
        % (SCENARIOS / "baseline.yaml")
    )
    with pytest.raises(InputError) as err:
        scalesim.load_scenario(f)
    message = str(err.value)
    assert message.startswith(f"{f}: parameters.scaling_law.alpha.to: too wide")
    assert "\n" not in message


def test_nan_is_an_error_naming_the_variable_year_and_sample(tmp_path):
    # An exponent of inf (what the overflowing prior above would draw) makes the data-wall
    # equivalent NaN: an error naming the variable, the year, the sample and its values,
    # never a number in a summary.
    from scalesim.engine.run import evaluate

    f = tmp_path / "alpha.yaml"
    f.write_text(
        "name: alpha\nextends: %s\nparameters:\n  scaling_law: {alpha: {to: [0.3, 0.4]}}\n"
        % (SCENARIOS / "baseline.yaml")
    )
    s = scalesim.load_scenario(f)
    with pytest.raises(InputError) as err:
        evaluate(s, {"scaling_law.alpha": [0.34, np.inf]}, outputs=("data_wall_equivalent_flop",))
    message = str(err.value)
    assert message.startswith(
        "the model gave NaN for data_wall_equivalent_flop in 2024 at sample 1"
    )
    # the sample's uncertain parameters are listed, the offending one among them
    assert "scaling_law.alpha=inf" in message and "spending.growth=" in message
    assert "economy.world_gdp" not in message  # fixed values are not
    assert "\n" not in message
    # sample 0 alone is fine, and a variable not asked for is not computed
    evaluate(s, {"scaling_law.alpha": [0.34]}, outputs=("data_wall_equivalent_flop",))
    evaluate(s, {"scaling_law.alpha": [0.34, np.inf]}, outputs=("spend_usd",))


def test_repr_is_one_short_line(baseline):
    r = scalesim.run(baseline, samples=100, seed=1)
    text = repr(r)
    assert text == (
        f"<Results {baseline.name!r}: 100 samples, seed 1, years 2024-2050, "
        f"{len(r.variables)} variables kept>"
    )
    assert "\n" not in text and len(text) < 160
    html = r._repr_html_()
    assert html.count("<tr>") == len(r.summarized) + 1


def test_log_histogram_counts_by_hand_with_and_without_work_arrays():
    # log10 2 = 0.30103: bin 301 of width 0.001; 1 is bin 0; 0 and +inf are counted apart.
    from scalesim.engine.summary import LogHistogram, Scratch

    logs = np.log(np.array([[1.0, 2.0], [2.0, 2.0], [0.0, np.inf]]))
    for scratch in (None, Scratch()):
        h = LogHistogram.from_logs(logs, scratch)
        year0 = {int(h.offsets[0]) + i: int(c) for i, c in enumerate(h.counts[0]) if c}
        year1 = {int(h.offsets[1]) + i: int(c) for i, c in enumerate(h.counts[1]) if c}
        assert (year0, year1) == ({0: 1, 301: 1}, {301: 2})
        assert h.low.tolist() == [1, 0] and h.high.tolist() == [0, 1]
    # 0.5: log10 = -0.30103, bin floor(-301.03) = -302 (below 1 the bins are floored, not
    # truncated towards 0)
    for scratch in (None, Scratch()):
        h = LogHistogram.from_logs(np.log(np.array([[0.5], [2.0]])), scratch)
        assert {int(h.offsets[0]) + i: int(c) for i, c in enumerate(h.counts[0]) if c} == {
            -302: 1,
            301: 1,
        }
    finite = np.log(np.array([[1.0, 2.0], [2.0, 2.0]]))
    scratch = Scratch()
    for _ in range(2):  # the work arrays, reused, leave no trace in the next histogram
        h = LogHistogram.from_logs(finite, scratch)
        assert h.offsets.tolist() == [0, 301] and h.counts[0, [0, 301]].tolist() == [1, 1]


def test_a_variable_that_is_another_has_its_summary(baseline):
    # No synthetic data and no RL: pretraining gets the whole budget, C_pre = budget.
    r = scalesim.run(baseline, samples=4000, seed=5, summarize="all")
    s = r.summary()["variables"]
    assert {k: v for k, v in s["training_flop"].items() if k != "unit"} == {
        k: v for k, v in s["budget_flop"].items() if k != "unit"
    }
    np.testing.assert_array_equal(r.variables["training_flop"], r.variables["budget_flop"])


def test_evaluate_honours_a_synthetic_share_the_file_fixes_at_zero(baseline):
    from scalesim.engine.run import evaluate

    share = np.array([0.0, 0.5])
    out = evaluate(
        baseline,
        {"synthetic.share_of_compute": share},
        outputs=("budget_flop", "training_flop", "synthetic_tokens"),
    )
    # C_pre = (1 - f_syn) budget: all of it, then half; synthetic tokens only with f_syn > 0.
    np.testing.assert_allclose(out["training_flop"], out["budget_flop"] * (1 - share)[:, None])
    assert np.all(out["synthetic_tokens"][0] == 0) and np.all(out["synthetic_tokens"][1] > 0)
