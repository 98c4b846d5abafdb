"""Dask faults: a worker killed mid-sweep (same numbers as the serial run), all workers or
the scheduler killed (one line within 30 s), a scheduler that accepts but never answers (one
line within 15 s). Real scheduler and worker processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time

import pytest
from conftest import ROOT

from scalesim.analysis.sweep import load_sweep, run_sweep
from scalesim.cli import main
from scalesim.errors import InputError

SWEEP = """
base: {base}
method: grid
parameters:
  spending.growth: {{values: [2.0, 2.2, 2.4, 2.6, 2.8, 2.9]}}
samples: {samples}
seed: 5
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _sweep(tmp_path, samples=16384):
    path = tmp_path / "faults.yaml"
    path.write_text(SWEEP.format(base=ROOT / "scenarios" / "baseline.yaml", samples=samples))
    return load_sweep(path)


def _start(tmp_path, workers: int):
    """A scheduler and ``workers`` worker processes without nannies (a killed worker stays
    dead); returns (address, scheduler process, worker processes)."""
    from distributed import Client

    port = _free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    common = dict(cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    scheduler = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1"]
        + ["--port", str(port), "--no-dashboard"],
        **common,
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1"]
            + ["--no-dashboard", "--no-nanny", "--local-directory", str(tmp_path)]
            + ["--preload", "scalesim.analysis.sweep"],
            **common,
        )
        for _ in range(workers)
    ]
    deadline = time.monotonic() + 90
    while True:
        try:
            with Client(address, timeout=5) as client:
                client.wait_for_workers(workers, timeout=max(1, deadline - time.monotonic()))
            return address, scheduler, procs
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def _stop(*procs):
    for p in procs:
        if p.poll() is None:
            p.kill()
        p.wait(timeout=30)


def _numbers(result):
    return [
        (p.id, p.summary["variables"], p.summary["data_exhaustion_year"]) for p in result.points
    ]


def test_a_worker_killed_mid_sweep_gives_the_serial_numbers(tmp_path):
    sweep = _sweep(tmp_path)
    serial = run_sweep(sweep, serial=True)
    address, scheduler, workers = _start(tmp_path, 2)
    killed = []

    def tick(_):
        if not killed:  # after the first point: kill one of the two workers
            workers[0].send_signal(signal.SIGKILL)
            killed.append(time.monotonic())

    try:
        result = run_sweep(sweep, scheduler=address, on_progress=tick)
    finally:
        _stop(scheduler, *workers)
    assert killed
    assert _numbers(result) == _numbers(serial)


@pytest.mark.parametrize("victim", ["workers", "scheduler"])
def test_losing_all_workers_or_the_scheduler_ends_in_one_line_within_30_s(tmp_path, victim):
    sweep = _sweep(tmp_path, samples=3 * 16384)
    address, scheduler, workers = _start(tmp_path, 2)
    killed = []

    def tick(_):
        if not killed:
            for p in [scheduler] if victim == "scheduler" else workers:
                p.send_signal(signal.SIGKILL)
            killed.append(time.monotonic())

    try:
        with pytest.raises(InputError) as info:
            run_sweep(sweep, scheduler=address, on_progress=tick)
        took = time.monotonic() - killed[0]
    finally:
        _stop(scheduler, *workers)
    message = str(info.value)
    assert "\n" not in message and "Dask" in message, message
    assert took < 30, took


def test_a_scheduler_that_never_answers_ends_in_one_line_within_15_s(tmp_path, capsys):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)  # accepts connections (the kernel's backlog) and never answers
    held = []
    stop = threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                pass

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    path = tmp_path / "faults.yaml"
    path.write_text(SWEEP.format(base=ROOT / "scenarios" / "baseline.yaml", samples=100))
    address = f"tcp://127.0.0.1:{server.getsockname()[1]}"
    start = time.monotonic()
    try:
        code = main(["sweep", str(path), "--quiet", "--scheduler", address])
        took = time.monotonic() - start
    finally:
        stop.set()
        thread.join(5)
        for c in held:
            c.close()
        server.close()
    assert code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"cannot connect to {address}" in err, err
    assert took < 15, took
