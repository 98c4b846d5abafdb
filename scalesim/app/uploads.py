"""Scenario uploads parsed in a separate process, with a time limit, so that no upload can
stall the web app's server.

:func:`scalesim.app.scenarios.read_upload` bounds the work of a parse (size, depth, and values
with aliases expanded), but within those bounds a hostile file still costs up to ~0.5 s of
pure-Python YAML work, which in the server's process would hold the interpreter lock and slow
every other session. Here it runs in a reader: a Python process that imports the loader once
(~1.5 CPU s) and then reads one upload after another, so that an upload costs its parse and not
a new interpreter. A read takes an idle reader or starts one (uploads in two sessions at once
get a reader each); one that takes longer than :data:`TIMEOUT_S` kills its reader and is
refused with a one-line error. A reader may map at most :data:`MEMORY_LIMIT_BYTES`; one that
dies (memory, signal) is refused the same way, after one more try on a new reader if the dead
one had been idle. Readers run at the server's own priority: at nice +10 a busy machine starved
one past the time limit, and ordinary uploads were refused. Errors are always
:class:`~scalesim.errors.InputError` (one line, naming the file), never a traceback;
:class:`ReaderUnavailable` when no reader could be started at all.
"""

from __future__ import annotations

import atexit
import pickle
import queue
import subprocess
import sys
import threading
from pathlib import Path

from scalesim.app import scenarios
from scalesim.errors import InputError
from scalesim.present import text as fmt_text
from scalesim.scenario.loader import Scenario


class ReaderUnavailable(InputError):
    """No reader could be started or asked now: a refusal that says nothing about the file, so
    that the app does not keep it (a later try may work)."""


#: Longest a read may take, a reader's start included when one has to be started [s].
TIMEOUT_S = 20.0
#: Most address space a reader may map [bytes]; it peaks near 0.4 GB (its imports).
MEMORY_LIMIT_BYTES = 1 << 30
#: Idle readers kept for the next uploads [processes]; more are started while several read.
MAX_IDLE = 2
#: Reads after which a reader is retired, so that nothing it keeps grows without end [files].
MAX_READS = 256
#: Bytes of the length that precedes each message (little-endian unsigned).
_HEAD = 8
#: The reader process: caps its memory before its imports, then runs :func:`serve`.
_READER = """
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))
except (ImportError, OSError, ValueError):  # not a POSIX system: time limit only
    pass
from scalesim.app.uploads import serve
serve()
"""


def _write(stream, body: bytes) -> None:
    """Write one message: its length, then its bytes."""
    stream.write(len(body).to_bytes(_HEAD, "little") + body)
    stream.flush()


def _read(stream) -> bytes | None:
    """Read one message; ``None`` once the stream ends (or ends inside a message)."""
    head = stream.read(_HEAD)
    if len(head) != _HEAD:
        return None
    size = int.from_bytes(head, "little")
    body = stream.read(size)
    return body if len(body) == size else None


def serve() -> None:
    """The reader's loop, in the reader process: answer requests until the input ends.

    Each request is the pickled ``(name, base_dir, bytes)``; each answer the pickled
    ``(scenario, None)`` or ``(None, one-line error)``. Anything but an InputError ends the
    process (the server refuses the read).
    """
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    while (request := _read(stdin)) is not None:
        name, base_dir, data = pickle.loads(request)
        try:
            out = (scenarios.read_upload(name, data, base_dir), None)
        except InputError as exc:
            out = (None, str(exc))
        _write(stdout, pickle.dumps(out))


class _Reader:
    """One reader process, with a thread that collects its answers (portable: no select)."""

    def __init__(self, memory_limit_bytes: int) -> None:
        self.limit = memory_limit_bytes
        self.reads = 0
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _READER.format(limit=int(memory_limit_bytes))],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # a dying reader's traceback is not for people
            cwd=Path.cwd(),
        )
        self.answers: queue.Queue[bytes | None] = queue.Queue()
        try:
            threading.Thread(target=self._collect, daemon=True).start()
        except BaseException:  # no thread to be had: the process must not outlive this
            self.close()
            raise

    def _collect(self) -> None:
        """Put each answer on the queue, then ``None`` once the reader's output ends."""
        while (body := _read(self.proc.stdout)) is not None:
            self.answers.put(body)
        self.answers.put(None)

    def _send(self, payload: bytes) -> None:
        try:
            _write(self.proc.stdin, payload)
        except (BrokenPipeError, OSError, ValueError):  # the reader died or was killed
            pass

    def ask(self, payload: bytes, timeout_s: float) -> bytes | None:
        """The answer to one request, ``None`` if the reader died.

        Raises
        ------
        TimeoutError
            No answer within ``timeout_s`` (the caller stops the reader).
        """
        self.reads += 1
        # written by a thread: a reader still starting (or stuck) does not read its input, and
        # a 1 MB request does not fit in a pipe's buffer
        threading.Thread(target=self._send, args=(payload,), daemon=True).start()
        try:
            return self.answers.get(timeout=max(0.0, timeout_s))
        except queue.Empty:
            raise TimeoutError from None

    def usable(self) -> bool:
        return self.proc.poll() is None and self.reads < MAX_READS

    def close(self) -> int:
        """Stop the reader; its exit status."""
        if self.proc.poll() is None:
            self.proc.kill()
        status = self.proc.wait()
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        return status


_idle: list[_Reader] = []
_lock = threading.Lock()


def _take(memory_limit_bytes: int) -> _Reader:
    """An idle reader with this memory limit, or a new one (idle readers that have died or
    served their reads are stopped; those with another limit are left for their callers)."""
    found, stale = None, []
    with _lock:
        for reader in list(_idle):
            if not reader.usable():
                _idle.remove(reader)
                stale.append(reader)
            elif found is None and reader.limit == memory_limit_bytes:
                _idle.remove(reader)
                found = reader
    for reader in stale:
        reader.close()
    return found if found is not None else _Reader(memory_limit_bytes)


def _give_back(reader: _Reader) -> None:
    with _lock:
        if reader.usable() and len(_idle) < MAX_IDLE:
            _idle.append(reader)
            return
    reader.close()


@atexit.register
def close_all() -> None:
    """Stop the idle readers (they would also stop by themselves when the server's end of
    their input closes)."""
    with _lock:
        readers = list(_idle)
        _idle.clear()
    for reader in readers:
        reader.close()


def read_upload(
    name: str,
    data: bytes,
    base_dir: str | Path = scenarios.SCENARIO_DIR,
    timeout_s: float = TIMEOUT_S,
    memory_limit_bytes: int = MEMORY_LIMIT_BYTES,
) -> Scenario:
    """:func:`scalesim.app.scenarios.read_upload` in a reader process.

    Parameters
    ----------
    name : str
        The file's name as uploaded.
    data : bytes
        Its content.
    base_dir : str or Path
        Folder that ``extends:`` in the upload is relative to.
    timeout_s : float
        Time allowed [s], a reader's start included when one has to be started.
    memory_limit_bytes : int
        Address space the reader may map [bytes].

    Returns
    -------
    Scenario

    Raises
    ------
    InputError
        The loader's one-line error, or one saying the file took too long to read or that the
        reader stopped.
    """
    if len(data) > scenarios.MAX_UPLOAD_BYTES:  # refused before anything is sent to a reader
        return scenarios.read_upload(name, data, base_dir)
    payload = pickle.dumps((name, str(base_dir), bytes(data)))
    answer, status = None, None
    for _ in range(2):  # a second try only if a reused reader had died before it was asked
        try:
            reader = _take(int(memory_limit_bytes))
        except (OSError, RuntimeError) as exc:  # process, thread or memory limits
            raise _unavailable(name, exc) from None
        reused = reader.reads > 0
        try:
            answer = reader.ask(payload, timeout_s)
        except TimeoutError:
            reader.close()
            raise InputError(
                f"took longer than {fmt_text.quantity(timeout_s, 's')} to read; refused",
                path=name,
            ) from None
        except BaseException as exc:  # e.g. no thread for the request: the reader must go
            reader.close()
            if isinstance(exc, RuntimeError):
                raise _unavailable(name, exc) from None
            raise
        if answer is not None:
            break
        status = reader.close()  # the reader died (memory, signal)
        if not reused:
            break
    if answer is None:
        raise InputError(
            f"could not be read (the reader stopped with status {status}); refused", path=name
        )
    try:
        scenario, error = pickle.loads(answer)
    except Exception:  # something other than the reader's answer reached its output
        reader.close()
        raise InputError(
            "could not be read (the reader's answer was garbled); refused", path=name
        ) from None
    _give_back(reader)
    if error is not None:
        raise InputError(error)
    return scenario


def _unavailable(name: str, exc: BaseException) -> ReaderUnavailable:
    reason = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return ReaderUnavailable(
        f"could not be read now (no reader could be started: {reason}); try again later",
        path=name,
    )
