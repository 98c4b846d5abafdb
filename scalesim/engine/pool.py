"""Runs of opinion pools (scalesim.scenario.pool): each member run through
:func:`scalesim.engine.run.run` on its share of the samples, the parts merged exactly.

Pooled sample i belongs to member ``pool_assignment(i)`` (scalesim.scenario.priors) and is
that member's next sample: member k runs ``n_k`` samples with its own seed
(``member_seed(seed, k)``), so its results are those of ``scalesim.run(member, samples=n_k,
seed=member_seed(seed, k))`` and the pool's are the mixture of them. Quantiles come from the
merged histograms (the mixture's quantiles within one bin), means from the merged block sums;
variables and milestones are pooled where every member has them.
"""

from __future__ import annotations

import numpy as np

from scalesim.engine.limits import fit_workers
from scalesim.engine.milestones import merge_counts
from scalesim.engine.results import Results
from scalesim.engine.summary import BlockSums, LogHistogram
from scalesim.scenario.priors import member_seed, pool_assignment, pool_counts


def run_pool(
    scenario,
    run_member,
    *,
    variables: dict,
    keep_names: list[str],
    samples: int,
    seed: int,
    chunk_size: int,
    memory_budget,
    workers: int,
    **kw,
) -> Results:
    """Run a pool scenario (:func:`scalesim.engine.run.run` calls this with itself as
    ``run_member``).

    Parameters
    ----------
    scenario : Scenario
        A pool (``scenario.pool`` not empty).
    run_member : callable
        :func:`scalesim.engine.run.run`.
    variables : dict of str to (unit, description)
        The variables every member has, in table order.
    keep_names : list of str
        Variables whose pooled per-sample arrays are kept.
    samples, seed, chunk_size, memory_budget, workers, **kw
        As for :func:`~scalesim.engine.run.run` (``kw``: backend, summarize, on_chunk).

    Returns
    -------
    Results
        Pooled; ``Results.members`` holds each member's weight and Results (summaries only).
    """
    members = scenario.pool
    weights = [m.weight for m in members]
    years = scenario.year_list
    fit_workers(  # the pooled arrays, before any member runs
        samples=samples,
        years=(years[0], years[-1]),
        n_keep=len(keep_names),
        n_variables=len(variables),
        chunk=chunk_size,
        workers=1,
        budget=memory_budget,
    )
    constraints = scenario.constraints
    n_years = len(years)
    pooled = Results(
        scenario=scenario,
        samples=samples,
        seed=seed,
        years=years,
        backend=kw.get("backend", "numpy"),
        constraints=constraints,
        units={n: u for n, (u, _) in variables.items()},
        variables={n: np.empty((samples, n_years)) for n in keep_names},
        binding_constraint=np.empty((samples, n_years), dtype=np.int8) if keep_names else None,
        data_exhaustion_year=np.empty(samples) if keep_names else None,
        binding_counts=np.zeros((n_years, len(constraints)), dtype=np.int64),
    )
    counts = pool_counts(samples, weights)
    where = _member_rows(samples, weights) if keep_names else None
    parts: list[Results | None] = []
    for k, (member, n_k) in enumerate(zip(members, counts, strict=True)):
        if n_k == 0:
            parts.append(None)
            continue
        r = run_member(
            member.scenario,
            samples=n_k,
            seed=member_seed(seed, k),
            chunk_size=chunk_size,
            keep=keep_names or "none",
            memory_budget=memory_budget,
            workers=workers,
            **kw,
        )
        code = np.asarray([constraints.index(c) for c in r.constraints], dtype=np.int64)
        pooled.binding_counts[:, code] += r.binding_counts
        for year, c in r.exhaustion_counts.items():
            pooled.exhaustion_counts[year] = pooled.exhaustion_counts.get(year, 0) + c
        pooled.exhaustion_never += r.exhaustion_never
        if keep_names:
            rows = where[k]
            for name in keep_names:
                pooled.variables[name][rows] = r.variables[name]
            pooled.binding_constraint[rows] = code[r.binding_constraint].astype(np.int8)
            pooled.data_exhaustion_year[rows] = r.data_exhaustion_year
        r.variables, r.binding_constraint, r.data_exhaustion_year = {}, None, None
        parts.append(r)
    done = [(k, r) for k, r in enumerate(parts) if r is not None]
    for name in (v for v in pooled.units if all(v in r.histograms for _, r in done)):
        hist, sums = LogHistogram(n_years), BlockSums()
        for k, r in done:
            hist.merge(r.histograms[name])
            sums.sums.update({(k, b): v for b, v in r.means[name].sums.items()})
        hist.compact()
        pooled.histograms[name], pooled.means[name] = hist, sums
    names = {m.name for m in scenario.milestones}
    for _, r in done:
        merge_counts(pooled.milestones, {n: c for n, c in r.milestones.items() if n in names})
    pooled.members = {m.name: (m.weight, parts[k]) for k, m in enumerate(members)}
    return pooled


def _member_rows(samples: int, weights, step: int = 1 << 20) -> list[np.ndarray]:
    """Row indices of the pooled samples of each member, in order [samples]."""
    found: list[list[np.ndarray]] = [[] for _ in weights]
    for a in range(0, samples, step):
        codes = pool_assignment(a, min(a + step, samples), weights)
        for k in range(len(weights)):
            found[k].append(np.flatnonzero(codes == k) + a)
    return [np.concatenate(f) for f in found]
