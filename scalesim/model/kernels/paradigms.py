"""Paradigms besides pretraining: RL post-training, post-training enhancements and test-time
compute, each a compute-equivalent gain with a cap (ARCHITECTURE.md, Allocation of the
budget). Pure array-API functions on ln values.

- RL: C_rl = f_rl · budget needs no human tokens; its gain is G_rl = min((1 + C_rl / C)^b,
  G_rl_max) with C the largest (pretraining) run, so b = 1 counts an RL FLOP as one
  pretraining FLOP, and RL compute keeps paying where data limits the pretraining run.
- Post-training enhancements: G_post(t) = min(G_post0 · Π g_post, G_post_max) (Davidson et
  al. 2023: mostly > 5×, some > 20×).
- Test-time compute: G_tt = min(g_tt^(log10 m_tt), G_tt_max), a gain g_tt per 10× of inference
  compute per task (Villalobos & Atkinson 2023; Snell et al. 2024).

capability_equivalent_flop = effective compute · G_post · G_rl · G_tt.
"""

from __future__ import annotations

import math

LN10 = math.log(10.0)


def log_rl_flop(log_budget, rl_share, *, xp):
    """ln C_rl = ln budget + ln f_rl [ln FLOP] (−inf when f_rl = 0)."""
    return log_budget + xp.log(rl_share)


def log_rl_gain(log_rl, log_run, exponent, max_gain, *, xp):
    """ln G_rl = min(b · ln(1 + C_rl / C), ln G_rl_max) [1]; 0 when C_rl = 0."""
    ratio = xp.exp(log_rl - log_run)
    return xp.minimum(exponent * xp.log1p(ratio), xp.log(max_gain))


def log_post_training_gain(gain0, growth, max_gain, grid, *, xp):
    """ln G_post(t) = min(ln G_post0 + Σ ln g_post, ln G_post_max) [1]."""
    return xp.minimum(xp.log(gain0) + growth.cumulative(grid.dt, xp=xp), xp.log(max_gain))


def log_test_time_gain(compute_multiple, gain_per_10x, max_gain, *, xp):
    """ln G_tt = min(log10(m_tt) · ln g_tt, ln G_tt_max) [1]."""
    return xp.minimum(xp.log(compute_multiple) / LN10 * xp.log(gain_per_10x), xp.log(max_gain))


def log_model_size(log_run, tokens_per_parameter, *, xp):
    """ln N and ln D of a compute-optimal run of C FLOP: N = sqrt(C / (6k)), D = k · N."""
    log_n = 0.5 * (log_run - xp.log(6.0 * tokens_per_parameter))
    return log_n, log_n + xp.log(tokens_per_parameter)


__all__ = [
    "log_model_size",
    "log_post_training_gain",
    "log_rl_flop",
    "log_rl_gain",
    "log_test_time_gain",
]
