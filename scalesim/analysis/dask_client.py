"""Dask for sweeps: scheduler addresses, bounded connects, a local cluster, and running tasks
with every wait bounded.

dask.distributed retries a task whose worker died on the other workers (up to its
``allowed-failures``); everything else that can go wrong ends in one line (InputError)
within a deadline of ours: a malformed address, a scheduler that accepts connections but
never answers, one that stops answering or is killed mid-sweep, all workers gone, a task
whose workers keep dying (KilledWorker).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence

from scalesim.errors import InputError

#: Deadline to connect to a ``--scheduler`` [s] (dask's own timeout does not cover a
#: server that accepts the connection and never answers).
CONNECT_TIMEOUT_S = 8.0
#: Seconds a sweep waits with no worker connected to the scheduler before giving up.
NO_WORKER_TIMEOUT_S = 15.0
#: Seconds a running sweep waits for a scheduler that stopped answering.
STALL_TIMEOUT_S = 20.0
#: Seconds between health checks of the scheduler while a sweep runs.
_CHECK_EVERY_S = 2.0
#: Longest wait for the result of a future reported finished [s].
_RESULT_WAIT_S = 5.0
#: glibc settings of local worker processes. dask sets ``MALLOC_TRIM_THRESHOLD_=65536``
#: before spawning a worker, which also fixes the mmap threshold: then every (chunk, year)
#: array of the engine (~3.5 MB) is a fresh mmap, and page faults cost ~2.5x the run time
#: (measured: 5 baseline points of 100,000 samples, 6.4 s vs 2.0 s with these values).
WORKER_MALLOC = {"MALLOC_TRIM_THRESHOLD_": 256 * 2**20, "MALLOC_MMAP_THRESHOLD_": 64 * 2**20}

#: A scheduler address: tcp:// or tls:// (optional), a host name or IPv4/[IPv6], a port.
_ADDRESS = re.compile(
    r"(?:(?P<scheme>tcp|tls)://)?(?P<host>[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?"
    r"|\[[0-9A-Fa-f:.]{2,45}\]):(?P<port>\d{1,5})"
)


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
            f"expected an address such as tcp://127.0.0.1:8786, got {shown}", key="scheduler"
        )
    return text if match["scheme"] else f"tcp://{text}"


def connect(address: str):
    """A Client of ``address`` within :data:`CONNECT_TIMEOUT_S`, or a one-line InputError.

    The connection is made in a daemon thread bounded by a deadline of ours.
    """
    from distributed import Client

    limit = float(CONNECT_TIMEOUT_S)
    box: dict = {}

    def connect() -> None:
        try:
            box["client"] = Client(address, timeout=limit)
        except BaseException as exc:  # handed to the caller below
            box["error"] = exc

    thread = threading.Thread(target=connect, name="scalesim-connect", daemon=True)
    thread.start()
    thread.join(limit + 1.0)
    if thread.is_alive() or "client" not in box:
        err = box.get("error")
        why = f"{err.__class__.__name__}" if err is not None else "no answer"
        raise InputError(
            f"cannot connect to {address} within {limit:g} s ({why}); "
            "is a dask scheduler listening there?",
            key="scheduler",
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


def check_workers(workers) -> int:
    """A valid ``--workers`` count (an integer >= 1)."""
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise InputError(f"expected an integer >= 1, got {workers!r}", key="workers")
    return workers


@contextlib.contextmanager
def local_cluster(workers: int) -> Iterator:
    """A Client of a new local cluster of ``workers`` processes of one thread each (no
    dashboard; its HTTP server on a free port, not a taken 8787), closed on exit."""
    import dask
    from distributed import Client, LocalCluster

    workers = check_workers(workers)
    environ = {f"distributed.nanny.pre-spawn-environ.{k}": v for k, v in WORKER_MALLOC.items()}
    with (
        dask.config.set(environ),
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",
            scheduler_kwargs={"dashboard": False},
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def slots(client) -> int:
    """Worker threads the scheduler has now (at least 1) [threads]."""
    try:
        return max(1, sum(client.nthreads().values()))
    except Exception:  # a scheduler that is gone: the sweep's health check reports it
        return 1


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


def run_tasks(client, function: Callable, items: Sequence, on_result=None) -> list:
    """``function(item)`` for every item as Dask tasks; results in item order.

    Waits are bounded: a task whose workers keep dying (KilledWorker), a lost or silent
    scheduler, or no workers at all end with a one-line InputError instead of a traceback
    or a wait without end. A task lost with its worker is rerun elsewhere by dask; a
    deterministic ``function`` gives the same result.

    Parameters
    ----------
    client : distributed.Client
    function : callable
        Picklable; called on a worker with one item.
    items : sequence
    on_result : callable, optional
        Called with each result as it arrives (in completion order).
    """
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
    futures = client.map(function, list(items), pure=False)
    index = {f.key: i for i, f in enumerate(futures)}
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
                    result = future.result(timeout=_RESULT_WAIT_S)
                except TimeoutError:
                    pending.add(future)  # not done after all: the health check decides
                    continue
                done[index[future.key]] = result
                if on_result is not None:
                    on_result(result)
            if pending and time.monotonic() - checked > _CHECK_EVERY_S:
                _health(client, where, state)
                checked = time.monotonic()
    except KilledWorker as exc:
        raise InputError(
            f"{where}: a task's workers died 3 times in a row (KilledWorker: "
            f"{str(exc).splitlines()[0][:80]}); out of memory?"
        ) from None
    except (*cancelled, asyncio.CancelledError, CommClosedError, OSError) as exc:
        raise InputError(
            f"{where}: lost the Dask scheduler ({exc.__class__.__name__}); the sweep was not "
            "finished"
        ) from None
    return [done[i] for i in range(len(futures))]


__all__ = [
    "CONNECT_TIMEOUT_S",
    "check_scheduler",
    "check_workers",
    "close_client",
    "connect",
    "local_cluster",
    "run_tasks",
    "slots",
]
