"""Power, chip-production and latency ceilings on the largest run (Sevilla et al. 2024).

All functions return natural logarithms of FLOP. Each ceiling is optional in a scenario;
scalesim.kernels.projection takes the minimum of those present.
"""

from __future__ import annotations

import math

LN6 = math.log(6.0)


def log_power_flop(
    power0, power_growth, flop_per_joule0, efficiency_growth, duration, utilisation, dt, *, xp
):
    """Largest run the power available to one run supports.

    C_power(t) = P(t) · e(t) · d · u, with P(t) = P0 · g_pow^Δ and e(t) = e0 · g_e^Δ.

    Parameters
    ----------
    power0 : array, shape (sample, 1)
        Power one run can draw in the base year, P0 [W].
    power_growth : array, shape (sample, 1)
        Multiplier per year of that power, g_pow [1].
    flop_per_joule0 : array, shape (sample, 1)
        Peak FLOP per joule of the facility in the base year, e0 [FLOP/J].
    efficiency_growth : array, shape (sample, 1)
        Multiplier per year of FLOP per joule, g_e [1].
    duration : array, shape (sample, 1)
        Wall-clock duration of the run, d [s].
    utilisation : array, shape (sample, 1)
        Achieved over peak FLOP/s, u [1].
    dt : array, shape (1, year)
        Years since the base year [year].

    Returns
    -------
    array, shape (sample, year)
        ln C_power [ln FLOP].

    References
    ----------
    Sevilla et al. 2024, "Can AI scaling continue through 2030?": 1–5 GW on one campus
    gives 1e28–3e29 FLOP in 2030; FLOP/s per W ×1.28/yr.
    """
    rate = xp.log(power_growth) + xp.log(efficiency_growth)
    base = xp.log(power0) + xp.log(flop_per_joule0) + xp.log(duration) + xp.log(utilisation)
    return base + dt * rate


def log_chips_flop(
    stock0,
    production0,
    production_growth,
    share,
    flop_per_second0,
    flop_per_second_growth,
    duration,
    utilisation,
    dt,
    *,
    xp,
):
    """Largest run the accelerators one run can use support.

    The fleet's peak FLOP/s counts each year's production at that year's FLOP/s per chip:
    F(t) = f0 · [K0 + p0 · Σ_{k=1..Δ} (g_p · g_f)^k] (K0 only for Δ <= 0), and
    C_chips(t) = s_run · F(t) · d · u.

    Parameters
    ----------
    stock0 : array, shape (sample, 1)
        Accelerators at the start of the base year, K0 [H100e].
    production0 : array, shape (sample, 1)
        Accelerators produced per year in the base year, p0 [H100e/year].
    production_growth : array, shape (sample, 1)
        Multiplier per year of production, g_p [1].
    share : array, shape (sample, 1)
        Share of all accelerators one run can use, s_run [1].
    flop_per_second0 : array, shape (sample, 1)
        Peak FLOP/s of a base-year accelerator, f0 [FLOP/s].
    flop_per_second_growth : array, shape (sample, 1)
        Multiplier per year of the FLOP/s of new accelerators, g_f [1].
    duration : array, shape (sample, 1)
        Wall-clock duration of the run, d [s].
    utilisation : array, shape (sample, 1)
        Achieved over peak FLOP/s, u [1].
    dt : array, shape (1, year)
        Years since the base year [year].

    Returns
    -------
    array, shape (sample, year)
        ln C_chips [ln FLOP].

    References
    ----------
    Sevilla et al. 2024: end-2023 stock 2.2M H100e, 1.85M/yr growing ×1.3–2.0/yr, 26% for
    the largest run; ~100M H100e by 2030.
    """
    steps = xp.where(dt > 0.0, dt, xp.zeros_like(dt))
    ratio = production_growth * flop_per_second_growth
    near_one = xp.abs(ratio - 1.0) < 1e-9
    safe = xp.where(near_one, xp.full_like(ratio, 2.0), ratio)
    geometric = safe * xp.expm1(steps * xp.log(safe)) / (safe - 1.0)
    added = xp.where(near_one, steps + xp.zeros_like(geometric), geometric)
    fleet = stock0 + production0 * added
    base = xp.log(share) + xp.log(flop_per_second0) + xp.log(duration) + xp.log(utilisation)
    return base + xp.log(fleet)


def log_latency_flop(min_step_time, critical_batch, duration, tokens_per_parameter, *, xp):
    """Latency wall: the largest run that fits the sequential steps a run can take.

    At most d / t_min optimizer steps of at most B_crit tokens each, so
    D_max = d · B_crit / t_min tokens and, at k tokens per parameter with C = 6·N·D,
    C_latency = 6 · D_max² / k.

    Parameters
    ----------
    min_step_time : array, shape (sample, 1)
        Shortest time per step, t_min [s].
    critical_batch : array, shape (sample, 1)
        Largest useful batch, B_crit [token].
    duration : array, shape (sample, 1)
        Wall-clock duration of the run, d [s].
    tokens_per_parameter : array, shape (sample, 1)
        k [token/parameter].

    Returns
    -------
    array, shape (sample, 1)
        ln C_latency [ln FLOP] (constant over years).

    References
    ----------
    Erdil & Schneider-Joseph 2024, "Data movement limits to frontier model training":
    a latency wall near 2e31 FLOP.
    """
    log_tokens = xp.log(duration) + xp.log(critical_batch) - xp.log(min_step_time)
    return LN6 + 2.0 * log_tokens - xp.log(tokens_per_parameter)
