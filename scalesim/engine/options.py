"""The options of :func:`scalesim.engine.run.run` checked and resolved: samples and seed,
the variables kept per sample and those summarised (split from scalesim.engine.run)."""

from __future__ import annotations

import numpy as np

from scalesim.errors import InputError
from scalesim.model.variables import HEADLINE
from scalesim.scenario.loader import MAX_SAMPLES, Scenario

#: Memory allowed for kept per-sample arrays before keep="auto" keeps none [bytes].
MEMORY_BUDGET = 2 * 1024**3


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


def keep_names(keep, present, samples, n_years) -> list[str]:
    """The variables whose per-sample arrays a run keeps (see ``keep`` of run())."""
    if keep == "none" or keep is None:
        return []
    if keep in ("auto", "all"):
        names = list(present)
        need = samples * n_years * 8 * (len(names) + 1)
        if need <= MEMORY_BUDGET:
            return names
        if keep == "auto":
            return []
        raise InputError(
            f"keeping all {len(names)} variables for {samples:,} samples needs "
            f"{need / 1024**3:.1f} GiB (budget {MEMORY_BUDGET / 1024**3:.0f} GiB); "
            "keep fewer variables or use fewer samples"
        )
    names = list(keep)
    unknown = [n for n in names if n not in present]
    if unknown:
        raise InputError(f"keep: unknown or absent variable {unknown[0]!r}")
    need = samples * n_years * 8 * (len(names) + 1)
    if need > MEMORY_BUDGET:
        raise InputError(
            f"keep: {len(names)} variables for {samples:,} samples need {need / 1024**3:.1f} GiB "
            f"(budget {MEMORY_BUDGET / 1024**3:.0f} GiB)"
        )
    return names


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
