"""Scaling-law loss and the compute equivalent of a data-limited run."""

from __future__ import annotations

import math

LN6 = math.log(6.0)


def log_data_wall_equivalent(log_training, log_tokens, log_demand, law, *, xp):
    """Compute that reaches, with unlimited data, the loss of a data-limited run.

    The whole C_train is spent on the D available tokens (N = C / (6 D)), giving loss
    L_lim = E + A / N^α + B / D^β. With unlimited data the run would use D_req tokens
    (N = C / (6 D_req)) and reach L_k. On the compute-optimal frontier
    L*(C) = E + K · C^(−γ), γ = αβ / (α + β), so the compute reaching L_lim is
    C_eq = C_train · ((L_lim − E) / (L_k − E))^(−1/γ), capped at C_train. It equals C_train
    when data does not bind (D >= D_req).

    Parameters
    ----------
    log_training : array, shape (sample, year)
        ln C_train [ln FLOP].
    log_tokens : array, shape (sample, year)
        ln D, available tokens [ln token].
    log_demand : array, shape (sample, year)
        ln D_req [ln token].
    law : dict of str to array, shape (sample, 1)
        ``a`` (A), ``b`` (B), ``alpha``, ``beta`` [1]; the irreducible loss E cancels.

    Returns
    -------
    array, shape (sample, year)
        ln C_eq [ln FLOP].

    References
    ----------
    Besiroglu et al. 2024, "Chinchilla scaling: a replication attempt":
    E=1.82, A=482.01, B=2085.43, α=0.3478, β=0.3658.
    """
    alpha, beta = law["alpha"], law["beta"]
    log_a, log_b = xp.log(law["a"]), xp.log(law["b"])
    log_used = xp.minimum(log_tokens, log_demand)

    def reducible(log_d):
        log_n = log_training - LN6 - log_d
        return xp.exp(log_a - alpha * log_n) + xp.exp(log_b - beta * log_d)

    gamma = alpha * beta / (alpha + beta)
    ratio = xp.log(reducible(log_used)) - xp.log(reducible(log_demand))
    result = log_training + xp.minimum(-ratio / gamma, xp.zeros_like(ratio))
    # No training compute (f_syn = 1): nothing to be equivalent to, C_eq = 0 (not 0·inf).
    return xp.where(log_training == -math.inf, log_training, result)
