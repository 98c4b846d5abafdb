"""The one orchestration function: :func:`run`.

Priors are drawn on the host in fixed blocks (scalesim.priors), moved to the backend, pushed
through the kernels chunk by chunk, and summarised while the run goes (mergeable histograms
and block sums, scalesim.summary). Per-sample arrays are kept only for the variables asked
for, within a memory budget.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from scalesim.engine import backend as backends
from scalesim.engine import options
from scalesim.engine.chunks import compact, empty_like, merge_chunk, merge_results, summarise_chunk
from scalesim.engine.limits import fit_workers
from scalesim.engine.milestones import count_chunk, wanted_metrics
from scalesim.engine.pool import run_pool
from scalesim.engine.results import Results
from scalesim.engine.summary import BlockSums, LogHistogram, Scratch
from scalesim.errors import InputError
from scalesim.model import bundles
from scalesim.model.bundles import Grid
from scalesim.model.kernels.projection import project
from scalesim.model.variables import MARKET_VARIABLES, variables_of
from scalesim.scenario.loader import Scenario, load_scenario
from scalesim.scenario.priors import BLOCK, draw

#: Default samples per chunk: one random-number block, ~3.5 MB per (sample, year) array of
#: 27 years: the working set stays in the shared cache, and the fixed cost of a chunk (making
#: generators, merging summaries) stays small beside its arithmetic (measured on 2 cores:
#: 4,096-sample chunks cost ~30% more CPU).
DEFAULT_CHUNK = BLOCK


def run(
    scenario: Scenario | str | Path,
    *,
    samples: int | None = None,
    seed: int | None = None,
    backend: str = "numpy",
    chunk_size: int | None = None,
    keep: str | list[str] | tuple[str, ...] = "auto",
    summarize: str | list[str] | tuple[str, ...] = "headline",
    workers: int | None = None,
    on_chunk=None,
    memory_budget: int | str | None = None,
) -> Results:
    """Run a scenario's Monte Carlo projection.

    Parameters
    ----------
    scenario : Scenario or path
        A loaded scenario or a YAML file.
    samples : int, optional
        Number of samples [samples]; the scenario's ``samples`` by default.
    seed : int, optional
        Seed; the scenario's ``seed`` by default.
    backend : {"numpy", "cupy"}
        Array backend of the kernels.
    chunk_size : int, optional
        Samples per chunk [samples], rounded up to a whole number of blocks of 16,384;
        results do not depend on it.
    keep : "auto", "all", "none" or list of str
        Variables whose per-sample arrays are kept. "auto": all of them if they fill at most
        half the memory budget (``memory_budget``: 2 GiB of the default 4 GiB), else none;
        "all" or a list past the whole budget is refused (scalesim.engine.options).
    summarize : "headline", "all" or list of str
        Variables summarised (quantiles and means); "headline" is scalesim.dims.HEADLINE.
    workers : int, optional
        Threads working on chunks (default: the cores this process may use, see
        :func:`default_workers`).
    on_chunk : callable, optional
        Called with the number of samples of each finished chunk (e.g. a progress bar's
        ``advance``); may be called from worker threads.
    memory_budget : int or str, optional
        Memory the run may take [bytes, or ``"8GiB"``]; by default SCALESIM_MEMORY_BUDGET,
        else min(70% of the available RAM, 4 GiB) (scalesim.engine.limits). Estimated before
        the run starts: past it the run uses fewer threads, then is refused.

    Returns
    -------
    Results
        For a pool (scalesim.scenario.pool), the pooled results with each member's in
        ``Results.members``.
    """
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario)
    samples, seed = options.checked_samples_seed(scenario, samples, seed)
    chunk = DEFAULT_CHUNK if chunk_size is None else chunk_size
    if isinstance(chunk, bool) or not isinstance(chunk, (int, np.integer)) or chunk < 1:
        raise InputError(f"chunk_size: must be an integer >= 1, got {chunk_size!r}")
    chunk = -(-int(chunk) // BLOCK) * BLOCK
    years = scenario.year_list
    if scenario.pool:
        presents = [present_variables(m.scenario) for m in scenario.pool]
        common = {v: u for v, u in presents[0].items() if all(v in p for p in presents[1:])}
        return run_pool(
            scenario,
            run,
            variables=common,
            keep_names=options.keep_names(keep, list(common), samples, len(years), memory_budget),
            samples=samples,
            seed=seed,
            chunk_size=chunk,
            memory_budget=memory_budget,
            workers=workers or default_workers(),
            backend=backend,
            summarize=summarize,
            on_chunk=on_chunk,
        )
    present = list(present_variables(scenario))
    keep_names = options.keep_names(keep, present, samples, len(years), memory_budget)
    bounds = [(a, min(a + chunk, samples)) for a in range(0, samples, chunk)]
    # Memory is estimated before anything is built (the goodput table, the kept arrays).
    n_workers = fit_workers(
        samples=samples,
        years=(years[0], years[-1]),
        n_keep=len(keep_names),
        n_variables=len(present),
        chunk=chunk,
        workers=max(1, min(workers or default_workers(), len(bounds))),
        budget=memory_budget,
    )
    xp = backends.namespace(backend)
    inputs = kernel_inputs(scenario, xp)
    paradigm = {"rl", "test_time", "post_training"} & scenario.groups
    shown = ("rl_flop", "capability_equivalent_flop") if paradigm else ()
    if "data.market" in scenario.groups:  # tokens bought, their cost (ARCHITECTURE.md, Data)
        shown += MARKET_VARIABLES
    summary_names = options.summary_names(summarize, present, inputs.ceilings, shown)
    n_ceilings = len(inputs.ceilings)

    results = Results(
        scenario=scenario,
        samples=samples,
        seed=seed,
        years=years,
        backend=backend,
        constraints=scenario.constraints,
        units={n: u for n, (u, _) in inputs.variables.items()},
        variables={n: np.empty((samples, len(years))) for n in keep_names},
        binding_constraint=np.empty((samples, len(years)), dtype=np.int8) if keep_names else None,
        data_exhaustion_year=np.empty(samples) if keep_names else None,
        histograms={n: LogHistogram(len(years)) for n in summary_names},
        means={n: BlockSums() for n in summary_names},
        binding_counts=np.zeros((len(years), n_ceilings), dtype=np.int64),
    )
    wanted = set(keep_names) | set(summary_names) | wanted_metrics(scenario.milestones)

    local = threading.local()  # each thread's work arrays (scalesim.engine.summary.Scratch)
    summary_args = (keep_names, summary_names, len(years), n_ceilings)

    def work(bounds_ab):
        a, b = bounds_ab
        if not hasattr(local, "scratch"):
            local.scratch = Scratch()
        host = draw(inputs.priors, seed, a, b, inputs.copula)
        logs, binding, exhaustion = project_chunk(inputs, host, xp, wanted, first_sample=a)
        part = summarise_chunk(a, b, logs, binding, exhaustion, *summary_args, local.scratch)
        if scenario.milestones:
            part["milestones"] = count_chunk(
                scenario.milestones, logs, inputs.grid.years, seed, a, b, xp
            )
        if on_chunk is not None:
            on_chunk(b - a)
        return part

    if n_workers == 1:
        for ab in bounds:
            merge_chunk(results, work(ab))
        return compact(results)

    def work_many(share):
        # Each thread folds its own chunks into its own partial result; partial results are
        # merged at the end. Merging is exact, so the split does not change any number.
        part = empty_like(results)
        for ab in share:
            merge_chunk(part, work(ab))
        return part

    shares = [bounds[i::n_workers] for i in range(n_workers)]
    with ThreadPoolExecutor(max_workers=n_workers) as pool:
        for part in pool.map(work_many, shares):
            merge_results(results, part)
    return compact(results)


def present_variables(scenario: Scenario) -> dict:
    """The variables a run of ``scenario`` has: name -> (unit, description), table order."""
    return variables_of(
        scenario.ceilings,
        reliability=scenario.reliability,
        rl="rl" in scenario.groups,
        market="data.market" in scenario.groups,
    )


def default_workers() -> int:
    """Threads for a run: the cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class KernelInputs:
    """What the kernels need besides the drawn parameters (see :func:`kernel_inputs`).

    Attributes
    ----------
    priors : dict of str to Prior
        The scenario's priors.
    grid : Grid
        Calendar years and years since the base year, on the backend [year].
    ceilings : tuple of Ceiling
        The scenario's ceilings in registry order (binding codes index it).
    variables : dict of str to (unit, description)
        The variables the run has, in table order.
    sources : list of str
        Data-source names.
    effective : frozenset of str
        Sources given as effective stocks.
    synthetic : bool
        False when no sample spends compute on synthetic data.
    goodput_table : GoodputGrid or None
        The SimPy goodput grid each sample's reliability derate interpolates, under
        ``reliability:`` (scalesim.model.reliability.goodput.per_sample_table).
    """

    priors: dict
    grid: Grid
    ceilings: tuple
    variables: dict
    sources: list
    effective: frozenset
    synthetic: bool
    goodput_table: object = None
    #: The correlated priors' copula (scalesim.scenario.priors.Copula), None if independent.
    copula: object = None


def kernel_inputs(scenario: Scenario, xp=np) -> KernelInputs:
    """Everything but the parameter draws that :func:`project_chunk` needs."""
    if scenario.pool:
        raise InputError(
            "a pool has no parameters of its own: this works on one scenario at a time; "
            "use one of its members",
            path=scenario.path,
        )
    year_arr = np.asarray(scenario.year_list, dtype=np.float64).reshape(1, -1)
    dt = year_arr - scenario.base_year
    share = scenario.priors["synthetic.share_of_compute"]
    ceilings = scenario.ceilings
    return KernelInputs(
        priors=dict(scenario.priors),
        grid=Grid(
            years=backends.to_device(year_arr, xp),
            dt=backends.to_device(dt, xp),
            steps=tuple(float(x) for x in dt.ravel()),
        ),
        ceilings=ceilings,
        variables=present_variables(scenario),
        sources=scenario.data_sources,
        effective=scenario.effective_sources,
        synthetic=not (share.is_fixed and share.args[0] == 0.0),
        goodput_table=_goodput_table() if scenario.reliability else None,
        copula=scenario.copula,
    )


def _goodput_table():
    from scalesim.model.reliability.goodput import per_sample_table  # SimPy: on first use

    return per_sample_table()


def project_chunk(inputs: KernelInputs, host: dict, xp, wanted=None, first_sample: int = 0):
    """Push one chunk of drawn parameter values through the model: the function that
    :func:`run` and every analysis (sensitivity, calibration, sweeps) are built on.

    Parameters
    ----------
    inputs : KernelInputs
        From :func:`kernel_inputs`.
    host : dict of str to numpy.ndarray
        Key path -> values of shape (n,) or (1,), canonical units, for every prior.
    xp : namespace
        Array backend.
    wanted : collection of str, optional
        Variables asked for besides the core ones (default: all).
    first_sample : int
        Index of the chunk's first sample, for error messages [samples].

    Returns
    -------
    logs, binding, exhaustion
        As :func:`scalesim.model.kernels.projection.project`.

    Raises
    ------
    InputError
        When a variable is NaN: naming it, the year, and the first such sample's values.
    """
    values = {
        k: backends.to_device(np.asarray(v, dtype=np.float64).reshape(-1, 1), xp)
        for k, v in host.items()
    }
    params = bundles.build(
        values, inputs.grid, inputs.sources, inputs.effective, xp=xp, synthetic=inputs.synthetic
    )
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        logs, binding, exhaustion = project(params, inputs.ceilings, xp=xp, outputs=wanted)
    _refuse_nan(logs, host, inputs, first_sample)
    return logs, binding, exhaustion


def evaluate(
    scenario: Scenario, values: dict, *, outputs=("largest_run_flop",), backend: str = "numpy"
) -> dict[str, np.ndarray]:
    """The model at given parameter values, without drawing: for analyses that choose the
    points themselves (Sobol and OAT designs, importance sampling, sweeps).

    Parameters
    ----------
    scenario : Scenario
        Gives the years, ceilings and any parameter ``values`` leaves out (at its median).
    values : dict of str to array
        Key path -> values of shape (n,) (or (1,)), canonical units.
    outputs : sequence of str
        Variables to return.
    backend : str
        Array backend.

    Returns
    -------
    dict of str to numpy.ndarray
        Each output, shape (n, year), canonical units; plus ``binding_constraint`` (codes
        into ``scenario.constraints``, (n, year)) and ``data_exhaustion_year`` ((n,) [year]).
    """
    xp = backends.namespace(backend)
    inputs = kernel_inputs(scenario, xp)
    unknown = [k for k in values if k not in inputs.priors]
    if unknown:
        raise InputError(f"evaluate: {unknown[0]!r} is not a parameter of {scenario.name!r}")
    missing = [o for o in outputs if o not in inputs.variables]
    if missing:
        raise InputError(f"evaluate: unknown or absent variable {missing[0]!r}")
    host = {k: np.asarray([p.ppf(0.5)]) for k, p in inputs.priors.items()}
    host.update({k: np.asarray(v, dtype=np.float64).reshape(-1) for k, v in values.items()})
    n = max(v.shape[0] for v in host.values())
    share = host["synthetic.share_of_compute"]
    if not inputs.synthetic and np.any(share != 0.0):  # a share given here, not in the file
        inputs = replace(inputs, synthetic=True)
    logs, binding, exhaustion = project_chunk(inputs, host, xp, set(outputs))
    n_years = len(scenario.year_list)
    out = {}
    for name in outputs:
        out[name] = np.broadcast_to(np.exp(backends.to_numpy(logs[name])), (n, n_years)).copy()
    out["binding_constraint"] = np.broadcast_to(backends.to_numpy(binding), (n, n_years)).copy()
    out["data_exhaustion_year"] = np.broadcast_to(backends.to_numpy(exhaustion), (n,)).copy()
    return out


def _refuse_nan(logs: dict, host: dict, inputs: KernelInputs, first_sample: int) -> None:
    """A NaN is never a result: name the variable, the year and the sample's values."""
    seen = set()
    for name, lg in logs.items():
        if id(lg) in seen:  # the very array of a variable already checked
            continue
        seen.add(id(lg))
        arr = backends.to_numpy(lg)
        if not np.isnan(np.min(arr)):  # min propagates NaN: one fast pass
            continue
        rows, cols = np.nonzero(np.isnan(arr))
        order = np.lexsort((cols, rows))
        i, j = int(rows[order[0]]), int(cols[order[0]])
        calendar = backends.to_numpy(inputs.grid.years).ravel()
        year = int(calendar[j]) if arr.shape[1] == calendar.size else int(calendar[0])
        shown = ", ".join(
            f"{k}={float(v[i if v.shape[0] > 1 else 0]):.6g}"
            for k, v in sorted(host.items())
            if not inputs.priors[k].is_fixed
        )
        raise InputError(
            f"the model gave NaN for {name} in {year} at sample {first_sample + i}"
            + (f" ({shown})" if shown else "")
            + "; check the parameters' ranges"
        )
