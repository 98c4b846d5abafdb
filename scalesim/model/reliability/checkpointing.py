"""Closed-form checkpointing formulas: Young (1974) and Daly (2006).

References
----------
J. W. Young, "A first order approximation to the optimum checkpoint interval", Commun.
ACM 17(9), 1974.
J. T. Daly, "A higher order estimate of the optimum checkpoint interval for restart
dumps", Future Generation Computer Systems 22(3), 2006.
"""

from __future__ import annotations

import numpy as np


def young_daly_interval(delta, mtbf):
    """Young's (1974) first-order optimum checkpoint interval, τ = sqrt(2 δ M).

    Parameters
    ----------
    delta, mtbf : float or ndarray
        Checkpoint write cost δ and the job's mean time between failures M [any time unit].

    Returns
    -------
    float or ndarray
        Compute time between checkpoints [same unit].
    """
    return np.sqrt(2.0 * delta * mtbf)


def daly_optimum_interval(delta, mtbf):
    """Daly's (2006) higher-order optimum checkpoint interval.

    τ = sqrt(2 δ M) · [1 + sqrt(δ / (2M)) / 3 + δ / (2M) / 9] − δ for δ < 2M, else M.

    Parameters
    ----------
    delta, mtbf : float or ndarray
        Checkpoint write cost δ and the job's mean time between failures M [any time unit].

    Returns
    -------
    float or ndarray
        Compute time between checkpoints [same unit].
    """
    x = np.asarray(delta) / (2.0 * np.asarray(mtbf))
    tau = np.sqrt(2.0 * delta * mtbf) * (1.0 + np.sqrt(x) / 3.0 + x / 9.0) - delta
    return np.where(x < 1.0, tau, mtbf)[()]


def daly_goodput(tau, delta, mtbf, restart):
    """Daly's (2006) expected goodput at checkpoint interval τ.

    Solving T_s of work takes T_wall = M · e^{R/M} · (e^{(τ+δ)/M} − 1) · T_s / τ (exponential
    failures, also during checkpoint writes and restarts); goodput = T_s / T_wall. It is
    the long-run goodput of this module's model without spares.

    Parameters
    ----------
    tau, delta, mtbf, restart : float or ndarray
        Compute time between checkpoints τ, checkpoint write cost δ, the job's mean time
        between failures M and restart time R [any time unit, the same for all].

    Returns
    -------
    float or ndarray
        Useful training time per wall-clock time [fraction].
    """
    return tau / (mtbf * np.exp(restart / mtbf) * np.expm1((tau + delta) / mtbf))
