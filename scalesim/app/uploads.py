"""Scenario uploads parsed in a separate process, with a time limit, so that no upload can
stall the web app's server.

:func:`scalesim.app.scenarios.read_upload` bounds the work of a parse (size, depth, nodes and
aliases), but within those bounds a hostile file still costs up to ~2 s of pure-Python YAML
work, which in the server's process would hold the interpreter lock and slow every other
session. Here it runs in a Python process of its own (the app caches the result per file content,
so each distinct upload starts one); a parse that takes longer than :data:`TIMEOUT_S` kills
that process and is refused with a one-line error. The process may map at most
:data:`MEMORY_LIMIT_BYTES`. (It runs at the server's own priority: at nice +10 a busy
machine starved it past the time limit, and ordinary uploads were refused.) Errors are always
:class:`~scalesim.errors.InputError` (one line, naming the file), never a traceback.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

from scalesim.app import scenarios
from scalesim.errors import InputError
from scalesim.present import text as fmt_text
from scalesim.scenario.loader import Scenario

#: Longest a parse may take in the worker, its start included [s].
TIMEOUT_S = 20.0
#: Most address space the worker may map [bytes]; it peaks near 0.4 GB (its imports).
MEMORY_LIMIT_BYTES = 1 << 30
#: The worker: caps its memory, reads ``name``, ``base_dir`` and the
#: bytes from stdin (pickled), writes the pickled ``(scenario, None)`` or ``(None, one-line
#: error)`` to stdout.
_WORKER = """
import os, pickle, sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
except (ImportError, OSError, ValueError):  # not a POSIX system: time limit only
    pass
from scalesim.app.scenarios import read_upload
from scalesim.errors import InputError
name, base_dir, data = pickle.load(sys.stdin.buffer)
try:
    out = (read_upload(name, data, base_dir), None)
except InputError as exc:
    out = (None, str(exc))
sys.stdout.buffer.write(pickle.dumps(out))
"""


def read_upload(
    name: str,
    data: bytes,
    base_dir: str | Path = scenarios.SCENARIO_DIR,
    timeout_s: float = TIMEOUT_S,
    memory_limit_bytes: int = MEMORY_LIMIT_BYTES,
) -> Scenario:
    """:func:`scalesim.app.scenarios.read_upload` in the worker process.

    Parameters
    ----------
    name : str
        The file's name as uploaded.
    data : bytes
        Its content.
    base_dir : str or Path
        Folder that ``extends:`` in the upload is relative to.
    timeout_s : float
        Time allowed [s].
    memory_limit_bytes : int
        Address space the worker may map [bytes].

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        The loader's one-line error, or one saying the file took too long to read.
    """
    if len(data) > scenarios.MAX_UPLOAD_BYTES:  # refused before anything is sent to the worker
        return scenarios.read_upload(name, data, base_dir)
    payload = pickle.dumps((name, str(base_dir), bytes(data)))
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _WORKER.format(limit=int(memory_limit_bytes))],
            input=payload,
            capture_output=True,
            timeout=timeout_s,
            cwd=Path.cwd(),
        )
    except subprocess.TimeoutExpired:  # subprocess.run has killed the worker
        raise InputError(
            f"took longer than {fmt_text.quantity(timeout_s, 's')} to read; refused", path=name
        ) from None
    try:
        scenario, error = pickle.loads(proc.stdout)
    except Exception:  # the worker died (memory, signal): its stderr is not for people
        raise InputError(
            f"could not be read (the reader stopped with status {proc.returncode}); refused",
            path=name,
        ) from None
    if error is not None:
        raise InputError(error)
    return scenario
