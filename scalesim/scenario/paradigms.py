"""Checks of the budget's allocation across paradigms (ARCHITECTURE.md, Allocation of the
budget): the shares of compute for synthetic data and for RL post-training must leave
pretraining a share >= 0 in every sample, so their priors may not reach past 1 together."""

from __future__ import annotations

from scalesim.errors import InputError

#: Shares of the compute budget taken from pretraining, by key path.
SHARES = ("synthetic.share_of_compute", "rl.share_of_compute")
#: Probability at which a prior's upper end is read (Prior.ppf clips to 1 − 1e-12 anyway).
_TOP = 1.0 - 1e-12


def check_shares(priors: dict) -> None:
    """Refuse shares of compute whose priors can sum past 1.

    Parameters
    ----------
    priors : dict of str to Prior
        The scenario's priors by key path.

    Raises
    ------
    InputError
        Naming the last share's key path and the largest sum its priors allow.
    """
    present = [k for k in SHARES if k in priors]
    if len(present) < 2:
        return
    top = sum(float(priors[k].ppf(_TOP)) for k in present)
    if top > 1.0:
        raise InputError(
            f"the shares of compute ({', '.join(present)}) can sum to {top:.3g} > 1: "
            "narrow their priors (or clip them) so that pretraining keeps a share >= 0",
            key=f"parameters.{present[-1]}",
        )


__all__ = ["SHARES", "check_shares"]
