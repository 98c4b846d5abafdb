"""Algorithmic progress as a compute-equivalent multiplier."""

from __future__ import annotations


def log_algorithmic_multiplier(algorithms, grid, *, xp):
    """Algorithmic efficiency multiplier, A(t) = min(2^(Σ 1/T_alg), A_max).

    Parameters
    ----------
    algorithms : Algorithms
        ``growth`` (Rate ln 2 / T_alg [1/year], T_alg the time for the compute needed for
        a fixed performance to halve) and ``max_multiplier`` A_max [1], the ceiling.
    grid : Grid
        Years of the run.
    xp : namespace
        Array API namespace.

    Returns
    -------
    array, shape (sample, year)
        ln A(t) [1].

    References
    ----------
    Ho et al. 2024, "Algorithmic progress in language models": halving ~8 months (5–14).
    """
    log_a = algorithms.growth.cumulative(grid.dt, xp=xp)
    return xp.minimum(log_a, xp.log(algorithms.max_multiplier))
