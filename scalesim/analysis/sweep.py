"""Sweeps: many full Monte Carlo runs over a grid, a Latin hypercube or a list of scenarios.

Each point (the base scenario with some parameters replaced, or a scenario file) is one
:func:`scalesim.engine.run.run` in one Dask task, on a local cluster or a running
dask.distributed scheduler; nothing here touches the kernels. A point's numbers come from
one engine run (same samples and seed wherever it runs); the pooled summary merges exactly
mergeable parts (integer histogram counts, exact block sums, binding counts matched by
constraint name), so a sweep's numbers do not depend on how it was split across workers.
Every point uses the same seed (common random numbers): differences come from the
parameters, not from sampling noise.

Values follow the scenario conventions of model v2: a quantity with a dimension carries its
unit (``8 month``, ``1e14 token``), every growth is a multiplier per year (``2.4``, not
``1.4``); LHS values are written into each point's scenario with the parameter's canonical
unit. File format: README.md, "Sensitivity and sweeps"; examples: scenarios/sweeps/.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import math
import re
import threading
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from scalesim._version import __version__
from scalesim.engine.results import QUANTILES, Results
from scalesim.engine.run import default_workers, run
from scalesim.engine.summary import LOG10_BIN, BlockSums, LogHistogram
from scalesim.errors import InputError, did_you_mean
from scalesim.model import constraints as registry
from scalesim.model.parameters import SPECS, spec_for
from scalesim.scenario import safe_yaml
from scalesim.scenario.loader import MAX_SAMPLES, Scenario, load_scenario
from scalesim.units import is_dimensionless, parse_quantity

SWEEP_KEYS = (
    "name",
    "description",
    "base",
    "method",
    "parameters",
    "points",
    "scenarios",
    "samples",
    "seed",
)
METHODS = ("grid", "lhs")
MAX_POINTS = 10_000
CONNECT_TIMEOUT_S = 10  # to reach a --scheduler [s]
#: Bin width of the pooled histograms [log10 units]: quantiles within 2.3% (points: 0.23%).
POOLED_LOG10_BIN = 0.01
LHS_STREAM = zlib.crc32(b"sweep.lhs")  # random stream of the LHS design, apart from priors'
_COARSEN = round(POOLED_LOG10_BIN / LOG10_BIN)


@dataclass(frozen=True)
class SweepPoint:
    """One run of a sweep: ``id``, a readable ``label``, its parameter ``values`` (table
    columns; canonical units), the ``scenario``, ``samples`` and ``seed``."""

    id: int
    label: str
    values: dict[str, float | str]
    scenario: Scenario
    samples: int
    seed: int


@dataclass(frozen=True)
class Sweep:
    """A validated sweep file: ``method`` is grid, lhs or scenarios; ``parameters`` the
    swept key paths (table columns)."""

    name: str
    path: str
    method: str
    parameters: tuple[str, ...]
    points: tuple[SweepPoint, ...]


def load_sweep(path: str | Path, *, samples: int | None = None, seed: int | None = None) -> Sweep:
    """Load and validate a sweep file; every point's scenario is built and checked.

    ``samples`` and ``seed`` override the file's. Raises InputError naming the file and key.
    """
    where = str(path)
    # a regular file, size-capped; YAML with depth, node, alias and integer limits
    text = safe_yaml.read_text(path)
    try:
        data = safe_yaml.load(text, where)
    except InputError as exc:
        message = exc.message.replace("invalid YAML: ", "cannot read the file: ", 1)
        raise InputError(message, path=exc.path, key=exc.key) from None
    try:
        return _build(data, where, Path(path).parent, samples, seed)
    except InputError as exc:
        raise exc.at(path=where) from None


def _need(ok: bool, message: str, key: str) -> None:
    if not ok:
        raise InputError(message, key=key)


def _int(value, key, lo, hi) -> int:
    _need(
        not isinstance(value, bool) and isinstance(value, int) and lo <= value <= hi,
        f"expected an integer between {lo:,} and {hi:,}, got {value!r}",
        key,
    )
    return value


def _scenario(base_dir: Path, ref, key) -> Scenario:
    _need(isinstance(ref, str) and ref.strip(), f"expected a scenario file path, got {ref!r}", key)
    safe_yaml.check_path(base_dir / ref, None, key)
    _need((base_dir / ref).is_file(), f"scenario file {ref!r} not found", key)
    try:
        return load_scenario(base_dir / ref)
    except InputError as exc:
        raise InputError(str(exc), key=key) from None


def _build(data, where, base_dir, samples, seed) -> Sweep:
    _need(
        isinstance(data, dict),
        "expected a mapping of sweep keys, got "
        f"{'an empty file' if data is None else type(data).__name__}",
        None,
    )
    for key in data:
        _need(key in SWEEP_KEYS, f"unknown key{did_you_mean(key, SWEEP_KEYS)}", str(key))
    if samples is None and "samples" in data:
        samples = _int(data["samples"], "samples", 1, MAX_SAMPLES)
    if seed is None and "seed" in data:
        seed = _int(data["seed"], "seed", 0, 2**63 - 1)
    name = str(data.get("name") or Path(where).stem)
    if "scenarios" in data:
        extra = [k for k in ("base", "parameters", "method", "points") if k in data]
        _need(not extra, "give either scenarios, or base and parameters", (extra or [""])[0])
        refs = data["scenarios"]
        _need(
            isinstance(refs, list) and refs,
            "expected a non-empty list of scenario files",
            "scenarios",
        )
        scenarios = [_scenario(base_dir, ref, f"scenarios[{i}]") for i, ref in enumerate(refs)]
        return Sweep(
            name,
            where,
            "scenarios",
            (),
            tuple(
                SweepPoint(
                    i, Path(ref).stem, {}, s, samples or s.samples, s.seed if seed is None else seed
                )
                for i, (ref, s) in enumerate(zip(refs, scenarios, strict=True))
            ),
        )
    _need("base" in data, "required key is missing (or give scenarios: [...])", "base")
    base = _scenario(base_dir, data["base"], "base")
    method = data.get("method", "grid")
    _need(method in METHODS, f"expected one of {', '.join(METHODS)}, got {method!r}", "method")
    params = data.get("parameters")
    _need(
        isinstance(params, dict) and params,
        "expected a mapping of key paths to sweep values",
        "parameters",
    )
    samples, seed = samples or base.samples, base.seed if seed is None else seed
    if method == "grid":
        _need("points" not in data, "points is for method lhs, not grid", "points")
        sizes = [
            len(e["values"]) if isinstance(e, dict) and isinstance(e.get("values"), list) else 1
            for e in params.values()
        ]
        total = math.prod(sizes)  # checked before any point (or value) is built
        _need(
            total <= MAX_POINTS,
            f"{total:,} grid points; at most {MAX_POINTS:,}",
            "parameters",
        )
        columns = {p: _grid_values(p, spec) for p, spec in params.items()}
        combos = list(itertools.product(*(range(len(v)) for v in columns.values())))
        choices = [list(zip(columns, combo, strict=True)) for combo in combos]
    else:
        n = _int(data.get("points"), "points", 1, MAX_POINTS)
        columns = {
            p: _lhs_values(p, spec, n, seed, j) for j, (p, spec) in enumerate(params.items())
        }
        choices = [[(p, i) for p in columns] for i in range(n)]
    for p, col in columns.items():
        if any(isinstance(shown, str) for _, shown in col):  # a prior among them: text column
            columns[p] = [(raw, json.dumps(raw, sort_keys=True, default=str)) for raw, _ in col]
    keys = {p: str(p) for p in params}
    points = []
    for pid, choice in enumerate(choices):
        overrides, values = {}, {}
        for p, i in choice:
            overrides[keys[p]], values[keys[p]] = columns[p][i]
        label = ", ".join(
            f"{k}={v:.4g}" if isinstance(v, float) else f"{k}={v}" for k, v in values.items()
        )
        try:
            scenario = base.with_overrides(overrides, name=f"{base.name} [{label}]")
        except InputError as exc:  # name the sweep's key, not the generated scenario's
            key = exc.key
            for p, i in choice:
                if key and (key + ".").startswith(f"parameters.{keys[p]}."):
                    key = f"parameters.{p}." + (f"values[{i}]" if method == "grid" else "range")
            raise InputError(f"point {pid} ({label}): {exc.message}", key=key) from None
        points.append(SweepPoint(pid, label, values, scenario, samples, seed))
    return Sweep(name, where, method, tuple(keys.values()), tuple(points))


def _spec(path):
    key, known = str(path), [p for p in SPECS if "*" not in p]
    spec = spec_for(key)
    _need(
        spec is not None and "*" not in key,
        f"unknown parameter{did_you_mean(key, known)}",
        f"parameters.{path}",
    )
    return spec


def _grid_values(path, entry) -> list[tuple[object, float | str]]:
    """(value for the scenario, value for the table [canonical unit]) of each grid value."""
    spec, where = _spec(path), f"parameters.{path}"
    _need(
        isinstance(entry, dict) and set(entry) == {"values"},
        "expected {values: [...]} for method grid",
        where,
    )
    values = entry["values"]
    _need(isinstance(values, list) and values, "expected a non-empty list", f"{where}.values")
    out = []
    for i, v in enumerate(values):
        try:
            out.append(
                (
                    v,
                    json.dumps(v, sort_keys=True, default=str)
                    if isinstance(v, dict)
                    else parse_quantity(v, spec.unit),
                )
            )
        except InputError as exc:
            raise InputError(exc.message, key=f"{where}.values[{i}]") from None
    return out


def _lhs_values(path, entry, n, seed, column) -> list[tuple[object, float]]:
    """``n`` stratified values of one LHS column: (value for the scenario, with the
    canonical unit where the parameter has a dimension; value for the table [canonical
    unit]), each column from its own random stream."""
    spec, where = _spec(path), f"parameters.{path}"
    _need(
        isinstance(entry, dict) and "range" in entry and not set(entry) - {"range", "log"},
        "expected {range: [lo, hi], log: false} for method lhs",
        where,
    )
    bounds, log = entry["range"], entry.get("log", False)
    _need(
        isinstance(bounds, list) and len(bounds) == 2,
        f"expected [lo, hi], got {bounds!r}",
        f"{where}.range",
    )
    try:
        lo, hi = (parse_quantity(v, spec.unit) for v in bounds)
    except InputError as exc:
        raise InputError(exc.message, key=f"{where}.range") from None
    _need(isinstance(log, bool), f"expected true or false, got {log!r}", f"{where}.log")
    _need(lo < hi, f"expected lo < hi, got [{lo:g}, {hi:g}]", f"{where}.range")
    _need(lo > 0 or not log, f"log: true needs lo > 0, got {lo:g}", f"{where}.range")
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(LHS_STREAM, column)))
    u = (rng.permutation(n) + rng.random(n)) / n  # one point in each of n strata, shuffled
    x = np.exp(math.log(lo) + u * (math.log(hi) - math.log(lo))) if log else lo + u * (hi - lo)
    if is_dimensionless(spec.unit):
        return [(float(v), float(v)) for v in x]
    return [(f"{float(v)!r} {spec.unit}", float(v)) for v in x]


# --- running ---------------------------------------------------------------------------------


class CoarseHistogram(LogHistogram):
    """A LogHistogram in bins :data:`POOLED_LOG10_BIN` wide (absolute bins: merging is exact)."""

    @classmethod
    def of(cls, hist: LogHistogram) -> CoarseHistogram:
        """The counts of ``hist`` (bins of LOG10_BIN) in the wider bins."""
        out = cls(hist.n_years)
        out.low, out.high = hist.low.copy(), hist.high.copy()
        if hist.counts.shape[1]:
            coarse = (hist.offsets[:, None] + np.arange(hist.counts.shape[1])) // _COARSEN
            lo = coarse[:, 0]
            width = int(np.max(coarse[:, -1] - lo)) + 1
            flat = coarse - lo[:, None] + (np.arange(hist.n_years) * width)[:, None]
            counts = np.bincount(
                flat.ravel(), weights=hist.counts.ravel(), minlength=hist.n_years * width
            )
            out.offsets, out.counts = lo, counts.round().astype(np.int64).reshape(-1, width)
        return out

    def quantiles(self, probs) -> np.ndarray:
        # The parent reads bin x as 10^(x·LOG10_BIN); these bins are _COARSEN times wider.
        return super().quantiles(probs) ** _COARSEN

    def __reduce__(self):
        # Sent between processes as its nonzero bins: rare tails make rows wide and sparse.
        rows, cols = np.nonzero(self.counts)
        return (
            _sparse,
            (
                self.n_years,
                self.offsets,
                self.counts.shape[1],
                rows.astype(np.int32),
                cols.astype(np.int32),
                self.counts[rows, cols],
                self.low,
                self.high,
            ),
        )


def _sparse(n_years, offsets, width, rows, cols, values, low, high) -> CoarseHistogram:
    out = CoarseHistogram(n_years, offsets, np.zeros((n_years, width), np.int64), low, high)
    out.counts[rows, cols] = values
    return out


@dataclass
class PointResult:
    """A task's return: the point's run summary (exactly ``scalesim.run(...).summary()``) and
    its Results with :class:`CoarseHistogram` histograms (small, exactly mergeable)."""

    id: int
    summary: dict
    results: Results


def run_point(point: SweepPoint) -> PointResult:
    """Run one point on one engine thread (what a Dask task calls)."""
    res = run(point.scenario, samples=point.samples, seed=point.seed, keep="none", workers=1)
    summary = res.summary()
    res.histograms = {n: CoarseHistogram.of(h) for n, h in res.histograms.items()}
    return PointResult(point.id, summary, res)


def run_sweep(
    sweep: Sweep,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    serial: bool = False,
    on_progress=None,
    client=None,
) -> SweepResult:
    """Run every point of ``sweep``; results come in point order whatever ran where.

    Parameters
    ----------
    sweep : Sweep
    scheduler : str, optional
        Address of a running dask.distributed scheduler (``tcp://host:port``).
    workers : int, optional
        Worker processes of the local cluster started when neither is given (default: the
        cores this process may use, scalesim.engine.run.default_workers).
    serial : bool
        Run the points one by one in this process, without Dask.
    on_progress : callable, optional
        Called with 1 as each point finishes.
    client : distributed.Client, optional
        Already connected to ``scheduler`` (see :func:`connect`); closed at the end.

    Returns
    -------
    SweepResult
    """
    tick = on_progress or (lambda n: None)
    if serial:
        return SweepResult(
            sweep, [_ticked(run_point(p), tick) for p in sweep.points], "serial, in this process"
        )
    from distributed import Client, LocalCluster

    if scheduler is not None:
        address = check_scheduler(scheduler)
        c = client if client is not None else connect(address)
        try:
            return SweepResult(sweep, _on_client(c, sweep, tick), f"Dask scheduler {address}")
        finally:
            close_client(c)
    if workers is None:
        workers = default_workers()
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(f"--workers: expected an integer >= 1, got {workers!r}")
    # No dashboard; its HTTP server (health checks) on a free port, not a taken 8787.
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            scheduler_kwargs={"dashboard": False},
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as c,
    ):
        return SweepResult(
            sweep, _on_client(c, sweep, tick), f"local Dask cluster, {workers} worker processes"
        )


#: A scheduler address: tcp:// or tls:// (optional), a host name or IPv4/[IPv6], a port.
_ADDRESS = re.compile(
    r"(?:(?P<scheme>tcp|tls)://)?(?P<host>[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?"
    r"|\[[0-9A-Fa-f:.]{2,45}\]):(?P<port>\d{1,5})"
)
#: Seconds a scheduler may leave a request unanswered, while connecting or mid-sweep.
ANSWER_TIMEOUT_S = 8.0
#: Seconds a sweep waits with no worker connected to the scheduler before giving up.
NO_WORKER_TIMEOUT_S = 15.0
#: Seconds a running sweep waits for a scheduler that stopped answering.
STALL_TIMEOUT_S = 20.0
#: Seconds between health checks of the scheduler while a sweep runs.
_CHECK_EVERY_S = 2.0


def check_scheduler(address: str) -> str:
    """A validated ``--scheduler`` address (``tcp://HOST:PORT``; the scheme may be left out).

    Raises
    ------
    InputError
        For an empty or malformed address or a port outside 1-65535, in one line.
    """
    text = str(address).strip()
    shown = repr(text if len(text) <= 80 else text[:60] + "...")
    match = _ADDRESS.fullmatch(text) if len(text) <= 300 else None
    if match is None or not 1 <= int(match["port"]) <= 65535:
        raise InputError(
            f"--scheduler: expected an address such as tcp://127.0.0.1:8786, got {shown}"
        )
    return text if match["scheme"] else f"tcp://{text}"


def connect(address: str):
    """A Client of ``address`` within :data:`ANSWER_TIMEOUT_S`, or a one-line InputError.

    dask's own ``timeout`` does not cover a server that accepts the connection but never
    answers, so the connection is made in a daemon thread bounded by a deadline of ours.
    """
    from distributed import Client

    box: dict = {}

    def connect() -> None:
        try:
            box["client"] = Client(address, timeout=ANSWER_TIMEOUT_S)
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc

    thread = threading.Thread(target=connect, name="scalesim-connect", daemon=True)
    thread.start()
    thread.join(ANSWER_TIMEOUT_S + 1.0)
    if thread.is_alive() or "client" not in box:
        err = box.get("error")
        why = f"{err.__class__.__name__}" if err is not None else "no answer"
        raise InputError(
            f"--scheduler: cannot connect to {address} within {ANSWER_TIMEOUT_S:g} s ({why}); "
            "is a dask scheduler listening there?"
        )
    return box["client"]


def close_client(client) -> None:
    """Close a client without waiting long on a scheduler that is gone."""
    thread = threading.Thread(target=_quiet_close, args=(client,), daemon=True)
    thread.start()
    thread.join(5.0)


def _quiet_close(client) -> None:
    with contextlib.suppress(Exception):
        client.close(timeout=3)


def _health(client, where: str, state: dict) -> None:
    """Raise InputError when the scheduler is gone, has not answered for
    :data:`STALL_TIMEOUT_S`, or has had no worker for :data:`NO_WORKER_TIMEOUT_S`.
    ``state`` holds the times of the last answer and of the last worker seen."""
    now = time.monotonic()
    try:
        info = client.sync(client.scheduler.identity, n_workers=-1, callback_timeout=5.0)
    except TimeoutError:
        if now - state["answer"] > STALL_TIMEOUT_S:
            raise InputError(
                f"{where}: the Dask scheduler has not answered for {STALL_TIMEOUT_S:g} s; "
                "the sweep was not finished"
            ) from None
        return
    except Exception as exc:
        raise InputError(
            f"{where}: lost the Dask scheduler ({exc.__class__.__name__}); the sweep was not "
            "finished"
        ) from None
    state["answer"] = now
    if info.get("workers") or info.get("n_workers"):
        state["worker"] = now
    elif now - state["worker"] > NO_WORKER_TIMEOUT_S:
        raise InputError(
            f"{where}: no Dask worker left for {NO_WORKER_TIMEOUT_S:g} s; the sweep was not "
            "finished"
        )


#: Longest wait for the result of a future reported finished [s].
_RESULT_WAIT_S = 5.0


def _on_client(client, sweep: Sweep, tick) -> list[PointResult]:
    """Run the points as tasks and wait for them, bounded: a point whose workers keep dying
    (KilledWorker), a lost or silent scheduler, or no workers at all end the sweep with a
    one-line InputError instead of a traceback or a wait without end. A point lost with its
    worker is rerun elsewhere by dask; its numbers are the same (seeded per point)."""
    import distributed.client as dclient
    from distributed import wait
    from distributed.comm import CommClosedError

    cancelled = tuple(
        getattr(dclient, n)
        for n in ("FutureCancelledError", "FuturesCancelledError")
        if hasattr(dclient, n)
    )

    try:
        from distributed import KilledWorker
    except ImportError:  # older dask
        from distributed.scheduler import KilledWorker

    where = f"Dask scheduler {client.scheduler.address}"
    futures = client.map(run_point, list(sweep.points), pure=False)
    pending, done, checked = set(futures), {}, time.monotonic()
    state = {"answer": checked, "worker": checked}
    try:
        while pending:
            try:
                finished, pending = wait(pending, timeout=1.0, return_when="FIRST_COMPLETED")
            except TimeoutError:
                finished = set()
            for future in finished:
                try:
                    # bounded: a future lost with its workers can look finished and block
                    part = future.result(timeout=_RESULT_WAIT_S)
                except TimeoutError:
                    pending.add(future)  # not done after all: the health check decides
                    continue
                done[part.id] = _ticked(part, tick)
            if pending and time.monotonic() - checked > _CHECK_EVERY_S:
                _health(client, where, state)
                checked = time.monotonic()
    except KilledWorker as exc:
        raise InputError(
            f"{where}: a point's workers died 3 times in a row (KilledWorker: "
            f"{str(exc).splitlines()[0][:80]}); out of memory?"
        ) from None
    except (*cancelled, asyncio.CancelledError, CommClosedError, OSError) as exc:
        raise InputError(
            f"{where}: lost the Dask scheduler ({exc.__class__.__name__}); the sweep was not "
            "finished"
        ) from None
    return [done[p.id] for p in sweep.points]


def _pooled_constraints(runs: list[Results]) -> tuple[str, ...]:
    """Every constraint any run has: registry order, then any no longer registered."""
    order = [c.name for c in registry.ceilings()]
    present = {c for r in runs for c in r.constraints}
    known = [c for c in order if c in present]
    return (*known, *sorted(present - set(known)))


def _ticked(part: PointResult, tick) -> PointResult:
    tick(1)
    return part


@dataclass
class SweepResult:
    """Results of :func:`run_sweep`, in point order; ``executor``: where they ran."""

    sweep: Sweep
    points: list[PointResult]
    executor: str

    def frame(self) -> pd.DataFrame:
        """Tidy table: point, label, scenario, one column per swept parameter [canonical
        unit], variable, unit, year, p5, p25, p50, p75, p95, mean."""
        rows = []
        for spec, part in zip(self.sweep.points, self.points, strict=True):
            head = {
                "point": spec.id,
                "label": spec.label,
                "scenario": spec.scenario.name,
                **spec.values,
            }
            for name, stats in part.summary["variables"].items():
                for i, year in enumerate(part.summary["years"]):
                    rows.append(
                        {
                            **head,
                            "variable": name,
                            "unit": stats["unit"],
                            "year": year,
                            **{k: stats[k][i] for k in (*QUANTILES, "mean")},
                        }
                    )
        return pd.DataFrame(rows)

    def pooled(self) -> dict | None:
        """Every point's samples together (weighted by samples), in the shape of the run
        summary: quantiles from the merged histograms (bins of :data:`POOLED_LOG10_BIN`,
        within 2.3%), exact means, exhaustion year, binding-constraint shares. None when the
        points do not share the same years."""
        runs = [p.results for p in self.points]
        if any(r.years != runs[0].years for r in runs):
            return None
        names = [n for n in runs[0].histograms if all(n in r.histograms for r in runs)]
        constraints = _pooled_constraints(runs)
        counts = np.zeros((len(runs[0].years), len(constraints)), dtype=np.int64)
        for r in runs:  # each run's columns are its own ceilings: match them by name
            for code, name in enumerate(r.constraints):
                counts[:, constraints.index(name)] += r.binding_counts[:, code]
        pool = Results(
            scenario=runs[0].scenario,
            samples=sum(r.samples for r in runs),
            seed=runs[0].seed,
            years=runs[0].years,
            backend="numpy",
            constraints=constraints,
            units={n: runs[0].units[n] for n in names},
            histograms={n: CoarseHistogram(len(runs[0].years)) for n in names},
            means={n: BlockSums() for n in names},
            binding_counts=counts,
            exhaustion_never=sum(r.exhaustion_never for r in runs),
        )
        for point, r in zip(self.sweep.points, runs, strict=True):
            for n in names:
                pool.histograms[n].merge(r.histograms[n])
                # Block sums keyed by (point, block): all kept, added with fsum at the end.
                pool.means[n].sums.update({(point.id, k): v for k, v in r.means[n].sums.items()})
            for k, c in r.exhaustion_counts.items():
                pool.exhaustion_counts[k] = pool.exhaustion_counts.get(k, 0) + c
        out = {k: v for k, v in pool.summary().items() if k not in ("scenario", "seed")}
        out["quantile_method"] = (
            f"pooled log10 histogram, bin width {POOLED_LOG10_BIN:g} "
            "(quantiles within 2.3%); exhaustion year in bins of 0.01 year"
        )
        return out

    def summary(self) -> dict:
        """The sweep summary JSON: the sweep, every point's run summary, the pooled summary."""
        s = self.sweep
        return {
            "scalesim_version": __version__,
            "sweep": {
                "name": s.name,
                "path": s.path,
                "method": s.method,
                "parameters": list(s.parameters),
                "points": len(s.points),
            },
            "points": [
                {
                    "point": sp.id,
                    "label": sp.label,
                    "values": sp.values,
                    "samples": sp.samples,
                    "seed": sp.seed,
                    "summary": part.summary,
                }
                for sp, part in zip(s.points, self.points, strict=True)
            ],
            "pooled": self.pooled(),
        }


__all__ = [
    "POOLED_LOG10_BIN",
    "CoarseHistogram",
    "PointResult",
    "Sweep",
    "SweepPoint",
    "SweepResult",
    "load_sweep",
    "run_point",
    "run_sweep",
]
