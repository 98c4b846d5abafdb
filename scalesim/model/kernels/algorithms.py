"""Algorithmic progress as a compute-equivalent multiplier."""

from __future__ import annotations

import math

LN2 = math.log(2.0)


def log_algorithmic_multiplier(halving_years, max_multiplier, dt, *, xp):
    """Algorithmic efficiency multiplier, A(t) = min(2^(Δ / T_alg), A_max).

    Parameters
    ----------
    halving_years : array, shape (sample, 1)
        Time for the compute needed for fixed performance to halve, T_alg [year].
    max_multiplier : array, shape (sample, 1)
        Ceiling A_max [1]; inf for none.
    dt : array, shape (1, year)
        Years since the base year [year].

    Returns
    -------
    array, shape (sample, year)
        ln A(t) [1].

    References
    ----------
    Ho et al. 2024, "Algorithmic progress in language models": halving ~8 months (5–14).
    """
    return xp.minimum(dt * (LN2 / halving_years), xp.log(max_multiplier))
