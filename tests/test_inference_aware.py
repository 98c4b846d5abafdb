"""Inference-aware tokens per parameter (``inference:`` group; Sardana & Frankle 2023).

The kernel's closed condition is checked against a calculator case, its limits, and a brute
force minimisation of training + inference FLOP along a curve of constant loss.
"""

from __future__ import annotations

import math
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import SCENARIOS, to_np
from test_kernels import assert_same_projection, close, params_for, run_project

import scalesim
from scalesim.model.kernels.scaling import log_inference_overtraining

#: Hoffmann et al. 2022's fit (approach 3), the law Sardana & Frankle 2023 use.
HOFFMANN = dict(e=1.69, a=406.4, b=410.7, alpha=0.34, beta=0.28)
#: Besiroglu et al. 2024's replication, scalesim's default law.
BESIROGLU = dict(alpha=0.3478, beta=0.3658)


def law(xp, alpha, beta, **_):
    return SimpleNamespace(
        alpha=xp.asarray([[alpha]], dtype=xp.float64), beta=xp.asarray([[beta]], dtype=xp.float64)
    )


def kappa(xp, ratios, **constants):
    r = xp.asarray([[float(x)] for x in ratios], dtype=xp.float64)
    return np.exp(to_np(log_inference_overtraining(r, law(xp, **constants), xp=xp))).ravel()


def test_calculator_case_with_equal_exponents(xp):
    # α = β = 1/2: the condition (1 + α/β)(1 − e^(−βd)) = (r/3) e^(−(1+β)d) at D/D_opt = 4
    # (d = ln 4) reads 2 · (1 − 1/2) = (r/3) · 4^(−1.5) = r/24, so r = 24. There
    # x/x_opt = 1 + 1 · (1 − 1/2) = 1.5, N/N_opt = 1.5^(−2) = 4/9 and κ = 4 / (4/9) = 9.
    assert kappa(xp, [24.0], alpha=0.5, beta=0.5) == pytest.approx([9.0], rel=1e-12)


def test_no_inference_gives_the_compute_optimal_k_exactly(xp):
    assert kappa(xp, [0.0], **BESIROGLU).tolist() == [1.0]
    assert kappa(xp, [0.0], **HOFFMANN).tolist() == [1.0]


def test_more_inference_means_smaller_models_trained_longer(xp):
    k = kappa(xp, [1e-6, 0.1, 1.0, 10.0, 100.0, 1e4], **BESIROGLU)
    assert np.all(np.diff(k) > 0)
    assert k[0] == pytest.approx(1.0, abs=1e-6)  # a vanishing D_inf: Chinchilla's k
    # Large r: D/D_opt ~ r^(1/(1+β)), so κ grows a little faster than r^(1/(1+β)) = r^0.73.
    slope = math.log(k[-1] / k[-2]) / math.log(100.0)
    assert 1 / (1 + BESIROGLU["beta"]) < slope < 1.0


def _brute_force_k(constants, loss, d_inf):
    """D/N minimising 6 N D + 2 N D_inf on the curve L(N, D) = loss, by a fine grid in N."""
    e, a, b, alpha, beta = (constants[k] for k in ("e", "a", "b", "alpha", "beta"))
    gap = loss - e
    n_min = (a / gap) ** (1 / alpha)  # below it no D reaches the loss
    n = n_min * np.exp(np.linspace(1e-6, 8.0, 400_001))
    d = (b / (gap - a / n**alpha)) ** (1 / beta)
    cost = 6 * n * d + 2 * n * d_inf
    i = int(np.argmin(cost))
    return d[i] / n[i], d, n


def _compute_optimal(constants, loss):
    """N_opt and D_opt of the loss: α x = β y with x + y = loss − E."""
    e, a, b, alpha, beta = (constants[k] for k in ("e", "a", "b", "alpha", "beta"))
    gap = loss - e
    x, y = beta * gap / (alpha + beta), alpha * gap / (alpha + beta)
    return (a / x) ** (1 / alpha), (b / y) ** (1 / beta)


@pytest.mark.parametrize("loss", [2.1, 1.95])  # about Chinchilla 70B's and a larger model's
@pytest.mark.parametrize("ratio", [0.3, 5.0, 200.0])
def test_matches_a_brute_force_minimum_of_training_plus_inference_flop(loss, ratio):
    # Sardana & Frankle's problem with an absolute D_inf = ratio · D_opt(loss): the grid's
    # best D/N over the compute-optimal D/N is κ, at any loss (the factor is scale-free).
    n_opt, d_opt = _compute_optimal(HOFFMANN, loss)
    best, _, _ = _brute_force_k(HOFFMANN, loss, ratio * d_opt)
    assert best / (d_opt / n_opt) == pytest.approx(kappa(np, [ratio], **HOFFMANN)[0], rel=2e-4)
    no_inference, _, _ = _brute_force_k(HOFFMANN, loss, 0.0)
    assert no_inference == pytest.approx(d_opt / n_opt, rel=2e-4)


def test_a_chinchilla_quality_model_with_heavy_inference_is_smaller_and_longer_trained():
    # Chinchilla's own loss under its law (70e9 parameters, 1.4e12 tokens), served for 2e13
    # lifetime tokens (~1e10 requests of ~2,000 tokens, beyond the ~1e9 requests that
    # Sardana & Frankle say make smaller, longer-trained models optimal): the brute force
    # and the kernel agree that N shrinks and D grows against the compute-optimal point.
    c = HOFFMANN
    loss = c["e"] + c["a"] / 70e9 ** c["alpha"] + c["b"] / 1.4e12 ** c["beta"]
    n_opt, d_opt = _compute_optimal(c, loss)
    k, d, n = _brute_force_k(c, loss, 2e13)
    assert k / (d_opt / n_opt) == pytest.approx(kappa(np, [2e13 / d_opt], **c)[0], rel=2e-4)
    i = int(np.argmin(6 * n * d + 2 * n * 2e13))
    assert n[i] < 0.8 * n_opt and d[i] > 1.5 * d_opt


# --- through the projection ------------------------------------------------------------------


def test_the_largest_run_uses_the_inference_aware_k(xp):
    # r = 24 with α = β = 1/2: κ = 9, so k = 20 · 9 = 180. The run of 1e26 FLOP (2024) then
    # has N = sqrt(1e26 / (6 · 180)) = 3.0429e11 parameters and D = 180 N = 5.477e13 tokens,
    # and its data demand is D = sqrt(180 · 1e26 / 6) = 5.477e13 tokens.
    over = {"inference.tokens_ratio": 24.0, "scaling_law.alpha": 0.5, "scaling_law.beta": 0.5}
    over["data.sources.web.stock"] = 1e15  # data does not bind
    logs, _, _ = run_project(params_for(xp, **over), xp=xp)
    n = math.sqrt(1e26 / (6 * 180))
    close(xp.exp(logs["parameters"]), [[n]], rel=1e-11)
    close(xp.exp(logs["training_tokens"]), [[180 * n]], rel=1e-11)
    close(xp.exp(logs["data_demand_tokens"]), [[math.sqrt(180 * 1e26 / 6)]], rel=1e-11)
    # the data ceiling at the same k: 6 D^2 / k = 6e30 / 180
    close(xp.exp(logs["data_limited_flop"]), [[6e30 / 180]], rel=1e-11)


def test_overtraining_brings_exhaustion_forward(xp):
    # Stock 1e15 tokens: at k = 20 the demand sqrt(20 · 1e26 · 4^t / 6) = 1.83e13 · 2^t
    # reaches it at 2^t = 54.8, t = 5.8 (2029.8); at r = 100 (κ = 42.4 under the Besiroglu
    # exponents) demand is sqrt(42.4) = 6.5 times larger and the crossing comes 2.7 years
    # earlier (2^t = 8.4, t = 3.1).
    years = tuple(range(2024, 2041))
    stock = {"data.sources.web.stock": 1e15}
    _, _, chinchilla = run_project(params_for(xp, years=years, **stock), xp=xp)
    over = {**stock, "inference.tokens_ratio": 100.0}
    _, _, served = run_project(params_for(xp, years=years, **over), xp=xp)
    early, late = float(to_np(served)[0]), float(to_np(chinchilla)[0])
    assert 2029 < late < 2030.5 and 2026.5 < early < 2028 and early < late - 2


def test_zero_inference_changes_no_number(xp):
    years = (2024, 2026, 2030)
    without = run_project(params_for(xp, years=years), xp=xp)
    got = run_project(params_for(xp, years=years, **{"inference.tokens_ratio": 0.0}), xp=xp)
    assert_same_projection(without, got)


def test_a_scenario_with_an_inference_group_trains_at_k_times_kappa():
    # baseline.yaml (k = 20) with r = 100 under the default Besiroglu exponents: every sample
    # and year has D / N = 20 κ(100) = 20 · 42.37 = 847.5 tokens per parameter.
    s = scalesim.load_scenario_text(
        f"name: served\nextends: {SCENARIOS / 'baseline.yaml'}\n"
        "parameters:\n  inference:\n    tokens_ratio: 100\n"
    )
    assert "inference" in s.groups
    r = scalesim.run(s, samples=512, seed=3, keep=["parameters", "training_tokens"])
    k = r.variables["training_tokens"] / r.variables["parameters"]
    expected = 20 * kappa(np, [100.0], **BESIROGLU)[0]
    np.testing.assert_allclose(k, expected, rtol=1e-9)
    assert 847 < expected < 848
