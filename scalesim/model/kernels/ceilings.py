"""Power, chip-fleet and latency ceilings on the largest run (Sevilla et al. 2024).

All functions return natural logarithms of FLOP and take the typed bundles of
:mod:`scalesim.model.bundles`. Each is the kernel of one entry of the ceiling registry
(:mod:`scalesim.model.constraints`).
"""

from __future__ import annotations

import math

LN6 = math.log(6.0)


def log_power_flop(power, training, grid, *, xp):
    """Largest run the power available to one run supports.

    C_power(t) = min(P(t), s_max · W(t)) · e(t) · d · u, with the power for one run
    P(t) = P0 · Π g_pow, world electric power W(t) = W0 · Π g_W and facility FLOP per joule
    e(t) = e0 · Π g_e.

    Parameters
    ----------
    power : Power
        ``available0`` P0 [W], ``growth``, ``flop_per_joule0`` e0 [FLOP/J],
        ``efficiency_growth``, ``world_electricity0`` W0 [W], ``world_electricity_growth``,
        ``max_share_of_world`` s_max [1] (rates [1/year]).
    training : Training
        ``duration`` d [s] and ``utilisation`` u [1].
    grid : Grid
        Years of the run.

    Returns
    -------
    array, shape (sample, year)
        ln C_power [ln FLOP].

    References
    ----------
    Sevilla et al. 2024, "Can AI scaling continue through 2030?": 1–5 GW on one campus
    gives 1e28–3e29 FLOP in 2030; FLOP/s per W ×1.28/yr.
    """
    dt = grid.dt
    log_p = xp.log(power.available0) + power.growth.cumulative(dt, xp=xp)
    log_world = (
        xp.log(power.max_share_of_world)
        + xp.log(power.world_electricity0)
        + power.world_electricity_growth.cumulative(dt, xp=xp)
    )
    log_e = xp.log(power.flop_per_joule0) + power.efficiency_growth.cumulative(dt, xp=xp)
    return (
        xp.minimum(log_p, log_world)
        + log_e
        + xp.log(training.duration)
        + xp.log(training.utilisation)
    )


def log_fleet_flop_per_second(chips, grid, *, xp):
    """Peak FLOP/s of the chips in service at the start of each year: a stock of vintages.

    A run in year t uses the chips made before t: the base stock K0 (counted as one vintage
    made the year before the base year, at the base year's FLOP/s per chip) and each year j's
    production p(j) = p0 · Π g_p at that year's FLOP/s per chip f(j) = f0 · Π g_f. A vintage
    of age a = Δ − j years is in service with weight clip(L + 1 − a, 0, 1) for a lifetime
    of L years (linear between whole years when L is fractional):

    F(Δ) = f0 · K0 · w(Δ + 1) + Σ_{j=0}^{Δ−1} p(j) · f(j) · w(Δ − j).

    Parameters
    ----------
    chips : Chips
        ``stock0`` K0 [chip], ``production0`` p0 [chip/year], ``production_growth``,
        ``flop_per_second0`` f0 [FLOP/s], ``flop_per_second_growth`` (rates [1/year]),
        ``lifetime`` L [year].
    grid : Grid
        Years of the run; ``grid.steps`` holds Δ on the host for the loop over vintages.

    Returns
    -------
    array, shape (sample, year)
        ln F [ln (FLOP/s)].
    """
    dt = grid.dt
    life = chips.lifetime

    def weight(age):
        return xp.clip(life + 1.0 - age, min=0.0, max=1.0)

    fleet = chips.stock0 * chips.flop_per_second0 * weight(dt + 1.0)
    last = int(max(grid.steps)) if grid.steps else 0
    for j in range(0, last):
        jj = xp.asarray(float(j), dtype=dt.dtype)
        made = (
            xp.log(chips.production0)
            + chips.production_growth.cumulative(jj, xp=xp)
            + xp.log(chips.flop_per_second0)
            + chips.flop_per_second_growth.cumulative(jj, xp=xp)
        )
        age = dt - jj
        in_service = xp.where(age >= 1.0, weight(age), xp.zeros_like(age))
        fleet = fleet + xp.exp(made) * in_service
    return xp.log(fleet)


def log_chips_flop(chips, training, grid, *, xp):
    """Largest run the chips one run can use support, C_chips = s_run · F(t) · d · u.

    Parameters
    ----------
    chips : Chips
        The fleet (see :func:`log_fleet_flop_per_second`) and ``share_for_one_run``
        s_run [1].
    training : Training
        ``duration`` d [s] and ``utilisation`` u [1].
    grid : Grid
        Years of the run.

    Returns
    -------
    array, shape (sample, year)
        ln C_chips [ln FLOP].

    References
    ----------
    Sevilla et al. 2024: end-2023 stock 2.2M H100e, production 1.85M/yr growing ×1.3–2.0/yr,
    FLOP/s per chip ×1.44/yr, 26% of the fleet for the largest run.
    """
    base = (
        xp.log(chips.share_for_one_run) + xp.log(training.duration) + xp.log(training.utilisation)
    )
    return base + log_fleet_flop_per_second(chips, grid, xp=xp)


def log_latency_flop(latency, training, grid, *, xp):
    """Latency wall: the largest run that fits the sequential steps a run can take.

    At most d / t_min optimizer steps of at most B_crit tokens each, so
    D_max = d · B_crit / t_min tokens and, at k tokens per parameter with C = 6·N·D,
    C_latency = 6 · D_max² / k. A ceiling given directly replaces the formula.

    Parameters
    ----------
    latency : Latency
        ``min_step_time`` t_min [s] and ``critical_batch`` B_crit [token], or ``ceiling``
        [FLOP].
    training : Training
        ``duration`` d [s] and ``tokens_per_parameter`` k [1].
    grid : Grid
        Years of the run.

    Returns
    -------
    array, shape (sample, year)
        ln C_latency [ln FLOP] (constant over years).

    References
    ----------
    Erdil & Schneider-Joseph 2024, "Data movement limits to frontier model training":
    a latency wall near 2e31 FLOP.
    """
    flat = xp.zeros_like(grid.dt)
    if latency.ceiling is not None:
        return xp.log(latency.ceiling) + flat
    log_tokens = (
        xp.log(training.duration) + xp.log(latency.critical_batch) - xp.log(latency.min_step_time)
    )
    return LN6 + 2.0 * log_tokens - xp.log(training.tokens_per_parameter) + flat
