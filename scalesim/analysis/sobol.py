"""Sobol indices of a model over independent priors (SALib): the design, the model runs in
chunks, the estimate.

Sobol (Saltelli 2010 scheme, SALib): a scrambled Sobol' design of N·(D + 2) points in the
unit hypercube, one axis per parameter, each coordinate mapped through that prior's quantile
function (:func:`prior_ppf`), so each axis has the prior's distribution. SALib estimates the
first-order indices S1 (share of Var Y due to one parameter alone) and the total-order
indices ST (with its interactions), with bootstrap confidence intervals.

References: Saltelli et al. 2010, "Variance based sensitivity analysis of model output";
Herman & Usher 2017, "SALib".
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from scalesim.errors import InputError
from scalesim.scenario.priors import Prior

#: Default number of base samples N of the Sobol design (model runs: N · (D + 2)).
DEFAULT_BASE_SAMPLES = 2**14
#: Rows of parameter vectors evaluated at once (bounds memory; results do not depend on it).
EVAL_CHUNK = 2**15
#: Largest Sobol base sample [samples]: N·(D + 2) model runs must fit in memory.
MAX_BASE_SAMPLES = 2**20


def prior_ppf(prior: Prior, q: np.ndarray) -> np.ndarray:
    """Vectorised quantile function of a prior: :meth:`Prior.ppf` on an array of
    probabilities [the prior's canonical unit]."""
    return prior.ppf(np.asarray(q, dtype=np.float64))


def sobol_analysis(
    model: Callable[[dict[str, np.ndarray]], np.ndarray],
    priors: dict[str, Prior],
    base_samples: int = DEFAULT_BASE_SAMPLES,
    *,
    seed: int = 0,
    num_resamples: int = 100,
    conf_level: float = 0.95,
    on_progress: Callable[[int], None] | None = None,
) -> dict[str, np.ndarray]:
    """Sobol first- and total-order indices of ``model`` over independent priors.

    Parameters
    ----------
    model : callable
        Maps key path -> (n,) values [canonical unit] to the output, shape (n,).
    priors : dict of str to Prior
        The uncertain inputs, one axis each.
    base_samples : int
        N, rounded up to a power of 2 (the Sobol' sequence's balance needs it); the model
        runs on N · (D + 2) parameter vectors [samples].
    seed : int
        Seeds the scrambling of the design and the bootstrap.
    num_resamples : int
        Bootstrap resamples of the confidence intervals.
    conf_level : float
        Confidence level of the intervals [probability].
    on_progress : callable, optional
        Called with the number of model runs done after each chunk of :data:`EVAL_CHUNK`.

    Returns
    -------
    dict
        ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (arrays over the priors, in order), ``Y``
        (the outputs) and ``base_samples`` (N used).
    """
    from SALib.analyze import sobol as sobol_analyze
    from SALib.sample import sobol as sobol_sample

    names = list(priors)
    if not names:
        raise InputError("no uncertain parameters to analyse (every prior is fixed)")
    n_base = 1 << max(1, math.ceil(math.log2(max(2, int(base_samples)))))
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    unit = sobol_sample.sample(problem, n_base, calc_second_order=False, seed=seed)
    y, tick = np.empty(unit.shape[0]), on_progress or (lambda n: None)
    for a in range(0, unit.shape[0], EVAL_CHUNK):
        b = min(a + EVAL_CHUNK, unit.shape[0])
        y[a:b] = model({n: prior_ppf(priors[n], unit[a:b, j]) for j, n in enumerate(names)})
        tick(b - a)
    if not np.all(np.isfinite(y)):
        raise InputError(
            "the output is not finite for some parameter values "
            "(e.g. a variable that is 0 or infinite); choose another variable"
        )
    if np.ptp(y) == 0.0:
        raise InputError("the output does not vary with the uncertain parameters")
    res = sobol_analyze.analyze(
        problem,
        y,
        calc_second_order=False,
        num_resamples=num_resamples,
        conf_level=conf_level,
        seed=seed,
    )
    return {
        key: np.asarray(res[key], dtype=np.float64) for key in ("S1", "S1_conf", "ST", "ST_conf")
    } | {"Y": y, "base_samples": n_base}


__all__ = [
    "DEFAULT_BASE_SAMPLES",
    "EVAL_CHUNK",
    "MAX_BASE_SAMPLES",
    "prior_ppf",
    "sobol_analysis",
]
