"""The options of :func:`scalesim.engine.run.run` checked and resolved: samples and seed,
the variables kept per sample and those summarised (split from scalesim.engine.run)."""

from __future__ import annotations

import numpy as np

from scalesim.engine.limits import ENV, kept_bytes, memory_budget, size_text
from scalesim.errors import InputError
from scalesim.model.variables import HEADLINE
from scalesim.scenario.loader import MAX_SAMPLES, Scenario

#: Share of the run's memory budget keep="auto" may fill with per-sample arrays (2 GiB of the
#: default 4 GiB); the rest is for the chunks' working sets [1].
AUTO_SHARE = 0.5


def checked_samples_seed(scenario: Scenario, samples, seed) -> tuple[int, int]:
    """``samples`` and ``seed`` of a run (the scenario's when None), checked; errors name
    the argument (``samples: ...``), not a CLI flag."""
    samples = scenario.samples if samples is None else samples
    seed = scenario.seed if seed is None else seed
    if (
        isinstance(samples, bool)
        or not isinstance(samples, (int, np.integer))
        or not (1 <= samples <= MAX_SAMPLES)
    ):
        raise InputError(
            f"samples: must be an integer between 1 and {MAX_SAMPLES:,}, got {samples!r}"
        )
    if (
        isinstance(seed, bool)
        or not isinstance(seed, (int, np.integer))
        or not 0 <= seed <= 2**63 - 1
    ):
        raise InputError(f"seed: must be an integer from 0 to 2**63 - 1, got {seed!r}")
    return int(samples), int(seed)


def keep_names(keep, present, samples, n_years, budget=None) -> list[str]:
    """The variables whose per-sample arrays a run keeps (see ``keep`` of run()).

    The arrays (:func:`scalesim.engine.limits.kept_bytes`) are weighed against the run's
    memory budget (``budget``: ``memory_budget=`` of run(), else SCALESIM_MEMORY_BUDGET, else
    min(70% of the available RAM, 4 GiB); :func:`scalesim.engine.limits.memory_budget`):
    "auto" keeps every variable when they fill at most :data:`AUTO_SHARE` of it, else none;
    "all" or a list past the whole budget is refused with one line.
    """
    if keep == "none" or keep is None:
        return []
    names = list(present) if keep in ("auto", "all") else list(keep)
    unknown = [n for n in names if n not in present]
    if unknown:
        raise InputError(f"keep: unknown or absent variable {unknown[0]!r}")
    need = kept_bytes(samples, n_years, len(names))
    limit, origin = memory_budget(budget)
    if keep == "auto":
        return names if need <= AUTO_SHARE * limit else []
    if need <= limit:
        return names
    n = len(names)
    fewer = "" if keep == "all" else "keep fewer variables, "
    raise InputError(
        f"{'all ' if keep == 'all' else ''}{n} variable{'s' if n != 1 else ''} for "
        f"{samples:,} samples need {size_text(need)}, over the memory budget of "
        f"{size_text(limit)} ({origin}); {fewer}use fewer samples or raise the budget "
        f"(memory_budget= or {ENV})",
        key="keep",
    )


def summary_names(summarize, present, ceilings=(), shown=()) -> list[str]:
    """The variables a run summarises (see ``summarize`` of run())."""
    if summarize == "headline":
        extra = {c.variable for c in ceilings} | {"goodput"} | set(shown)
        return [v for v in present if v in HEADLINE or v in extra]
    if summarize == "all":
        return list(present)
    names = list(summarize)
    unknown = [n for n in names if n not in present]
    if unknown:
        raise InputError(f"summarize: unknown or absent variable {unknown[0]!r}")
    return names
