"""Start the web app (``streamlit run app.py``, through :mod:`scalesim.app.launch`) on a free
local port, and stop it by PID.

Used by the real-browser test and the app benchmark, so both start the server the same way.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from scalesim.scenario import catalog

ROOT = catalog.shipped("app.py").parent  # the checkout, or the wheel's copy


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(
    log_path: str | Path | None = None, timeout_s: float = 60.0, *, warm: bool = True
) -> Iterator[str]:
    """Run the app headless on a free port until the block ends; yields its URL.

    Parameters
    ----------
    log_path : path, optional
        File for the server's output (discarded when None).
    timeout_s : float
        Time allowed for ``/_stcore/health`` to answer ``ok`` [s].
    warm : bool
        Start it with :mod:`scalesim.app.launch` (the heavy imports made before the server
        starts, as ``scalesim app`` does); False for a plain ``python -m streamlit run``.

    Raises
    ------
    RuntimeError
        When the server exits or does not answer in time (with the end of its log).
    """
    port = free_port()
    log = open(log_path, "w") if log_path else subprocess.DEVNULL  # noqa: SIM115
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "scalesim.app.launch" if warm else "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(proc, url, timeout_s, log_path)
        yield url
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.kill(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.kill(proc.pid, signal.SIGKILL)
                proc.wait()
        if log_path:
            log.close()


def _wait_healthy(proc, url: str, timeout_s: float, log_path) -> None:
    deadline = time.monotonic() + timeout_s
    while True:
        if proc.poll() is not None:
            tail = Path(log_path).read_text()[-2000:] if log_path else ""
            raise RuntimeError(f"streamlit exited with {proc.returncode}: {tail}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as response:
                if response.read().decode().strip() == "ok":
                    return
        if time.monotonic() > deadline:
            raise RuntimeError(f"streamlit did not answer /_stcore/health within {timeout_s:g} s")
        time.sleep(0.1)  # polling interval of the health check, not a synchronisation
