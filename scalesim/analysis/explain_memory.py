"""How much memory ``scalesim explain`` takes, estimated before anything is built.

:func:`scalesim.analysis.explain.explain` works in two phases:

1. **the run** (:func:`scalesim.engine.run.run`): the per-sample arrays it keeps for the
   event's variables (samples × years, :func:`scalesim.engine.limits.kept_bytes`) and at
   least one chunk's working set (:func:`scalesim.engine.limits.working_bytes`);
2. **the analysis**: every uncertain prior's value in every sample (8 bytes each) and the
   event (1 byte a sample), plus the largest of three working sets: drawing the priors (the
   correlated ones, or one prior, held twice while their blocks are joined), one prior's
   sort for its quantiles and KS distance (:data:`SORT_BYTES` a sample), and PRIM (its
   fitting samples, copied as it peels, :data:`PRIM_FIT_BYTES` each per prior, and
   :data:`PRIM_BYTES` a sample for the box masks).

The run's arrays are dropped before the analysis starts, but the C allocator keeps much of
that memory for the process (the run's chunk arrays fragment the heap), so the analysis does
not reliably reuse it: the estimate adds the two phases. (Measured, as growth of the peak
resident memory: 353 MiB of an estimated 544 MiB for the baseline at 1e6 samples, and 632
MiB of an estimated 809 MiB for scaling-2030, 33 uncertain priors, at 1e6; the larger of
the two phases alone, 422 and 452 MiB, would have been too little for scaling-2030.) The
run is given the budget less the analysis's share, so the threads it chooses
(:func:`scalesim.engine.limits.fit_workers`) leave room for the analysis.

Past the budget (:func:`scalesim.engine.limits.memory_budget`: ``memory_budget=``,
SCALESIM_MEMORY_BUDGET, else min(70% of the available RAM, 4 GiB)) explain is refused with
one line before the run starts. The interpreter and the imported modules (~150 MB) are not
counted, as in the engine's own estimate.
"""

from __future__ import annotations

from dataclasses import dataclass

from scalesim.analysis.prim import PRIM_SAMPLES
from scalesim.engine.limits import (
    ENV,
    kept_bytes,
    memory_budget,
    size_text,
    size_texts,
    working_bytes,
)
from scalesim.engine.run import DEFAULT_CHUNK, present_variables
from scalesim.errors import InputError
from scalesim.scenario.loader import Scenario

#: Working memory of one prior's sort per sample [bytes]: the argsort (8), the sorted values
#: (8) and event flags (1), and the event samples' values with np.quantile's copy of them (up
#: to 16); measured with tracemalloc at 17-25 bytes a sample (1e6 and 4e6 samples, events in
#: 5-99.9% of them); 32 leaves a margin.
SORT_BYTES = 32
#: PRIM's working memory per fitting sample and prior [bytes]: the stacked fitting samples and
#: the copy each peel keeps (measured: 23 at 1e5 fitting samples, 33 priors).
PRIM_FIT_BYTES = 32
#: PRIM's working memory per sample beyond its fitting samples [bytes]: the box masks over
#: all samples and their temporaries (measured: 1.2 at 4e6 samples).
PRIM_BYTES = 4


@dataclass(frozen=True)
class ExplainMemory:
    """Memory of one explain, by phase [bytes].

    Attributes
    ----------
    run : int
        The run's kept arrays and one chunk's working set [bytes].
    priors : int
        Every uncertain prior's values and the event, held through the analysis [bytes].
    working : int
        The analysis's largest working set on top of ``priors`` [bytes].
    """

    run: int
    priors: int
    working: int

    @property
    def analysis(self) -> int:
        """The analysis's share: ``priors`` + ``working`` [bytes]."""
        return self.priors + self.working

    @property
    def total(self) -> int:
        """The estimate of the peak: both phases [bytes]."""
        return self.run + self.analysis


def explain_bytes(
    samples: int,
    n_years: int,
    *,
    n_keep: int,
    n_variables: int,
    n_priors: int,
    n_correlated: int = 0,
    chunk: int = DEFAULT_CHUNK,
) -> ExplainMemory:
    """The memory explain needs, by phase (see the module's text).

    Parameters
    ----------
    samples : int
        Monte Carlo samples [samples].
    n_years : int
        Years of the scenario [years].
    n_keep : int
        Variables the run keeps per sample (those the event reads, at least one) [1].
    n_variables : int
        Variables of the run (its chunk working set) [1].
    n_priors : int
        Uncertain priors [1].
    n_correlated : int
        Priors drawn together through a copula [1].
    chunk : int
        Samples per chunk of the run [samples].

    Returns
    -------
    ExplainMemory
    """
    run = kept_bytes(samples, n_years, n_keep) + working_bytes(
        min(chunk, samples), n_years, n_variables
    )
    priors = 8 * samples * n_priors + samples
    fit = min(samples // 2, PRIM_SAMPLES)
    working = max(
        8 * samples * max(1, n_correlated),  # drawing
        SORT_BYTES * samples,  # one prior's sort
        PRIM_FIT_BYTES * fit * n_priors + PRIM_BYTES * samples,  # PRIM
    )
    return ExplainMemory(run=run, priors=priors, working=working if n_priors else 0)


def check_memory(
    scenario: Scenario, samples: int, *, n_keep: int, budget: int | str | None = None
) -> tuple[ExplainMemory, int]:
    """Refuse, with one line, an explain that would not fit the memory budget.

    Parameters
    ----------
    scenario : Scenario
    samples : int
        Monte Carlo samples [samples].
    n_keep : int
        Variables the run keeps per sample [1].
    budget : int or str, optional
        ``memory_budget=`` [bytes, or ``"8GiB"``]; see
        :func:`scalesim.engine.limits.memory_budget`.

    Returns
    -------
    ExplainMemory
        The estimate, when it fits.
    int
        The budget [bytes].

    Raises
    ------
    InputError
        ``samples: explain needs about 2.3 GiB for 4,000,000 samples (33 uncertain priors: ...), over
        the memory budget of 2.0 GiB (SCALESIM_MEMORY_BUDGET); use fewer samples ...``.
    """
    limit, origin = memory_budget(budget)
    n_priors = sum(not p.is_fixed for p in scenario.priors.values())
    copula = getattr(scenario, "copula", None)
    n_years = len(scenario.year_list)
    need = explain_bytes(
        samples,
        n_years,
        n_keep=n_keep,
        n_variables=len(present_variables(scenario)),
        n_priors=n_priors,
        n_correlated=len(copula.keys) if copula is not None else 0,
    )
    if need.total <= limit:
        return need, limit
    total, budget, digits = size_texts(need.total, limit)
    raise InputError(
        f"explain needs about {total} for {samples:,} samples ({n_priors} uncertain "
        f"priors: {size_text(need.run, digits)} for the run, which keeps {n_keep} "
        f"variable{'s' if n_keep != 1 else ''} over {n_years} years, and "
        f"{size_text(need.analysis, digits)} for the analysis), over the memory budget of {budget} "
        f"({origin}); use fewer samples or raise the budget (memory_budget= or {ENV})",
        key="samples",
    )


__all__ = [
    "PRIM_BYTES",
    "PRIM_FIT_BYTES",
    "SORT_BYTES",
    "ExplainMemory",
    "check_memory",
    "explain_bytes",
]
