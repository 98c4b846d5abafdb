"""Atomic file writing: nothing half-written is ever left at the destination."""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np

from scalesim.errors import InputError


def atomic_write(path: str | Path, write: Callable[[str], None]) -> Path:
    """Call ``write(tmp_path)`` and move the result to ``path`` in one rename.

    Parameters
    ----------
    path : str or Path
        Destination; its folder must exist.
    write : callable
        Writes the whole file to the temporary path it is given (same folder as ``path``).

    Returns
    -------
    Path
        The destination.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise InputError(f"folder {str(folder)!r} does not exist", path=str(path))
    if path.is_dir():
        raise InputError("is a folder, not a file", path=str(path))
    refuse_special(path)
    remove_stale_temps(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(path), suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write here ({exc.strerror})", path=str(path)) from None
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the usual permissions
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise InputError(f"cannot write ({exc.strerror})", path=str(path)) from None
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return path


def _temp_prefix(path: Path, pid: int | None = None) -> str:
    """Prefix of this process's temporary files for ``path``: ``.NAME.PID.``."""
    return f".{path.name}.{os.getpid() if pid is None else pid}."


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, ValueError):
        return True  # someone else's process, or not a pid: leave its file alone
    return True


def remove_stale_temps(path: str | Path) -> list[Path]:
    """Delete the temporary files of earlier writes of ``path`` whose process is gone.

    A writer killed by SIGKILL (or a power cut) cannot clean up; its ``.NAME.PID.*.tmp``
    file is removed by the next write of the same destination, when process PID no longer
    exists. Files of running processes (a concurrent write) are left alone.

    Parameters
    ----------
    path : str or Path
        The destination.

    Returns
    -------
    list of Path
        The files removed.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    removed = []
    try:
        candidates = list(folder.glob(f".{glob_escape(path.name)}.*.tmp"))
    except OSError:
        return removed
    for tmp in candidates:
        pid = tmp.name[len(path.name) + 2 :].split(".", 1)[0]
        if not pid.isdigit() or int(pid) == os.getpid() or _alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            tmp.unlink()
            removed.append(tmp)
    return removed


def glob_escape(text: str) -> str:
    """``text`` with the glob metacharacters ``*?[`` made literal.

    Parameters
    ----------
    text : str
        A file name.

    Returns
    -------
    str
        The pattern that matches exactly that name.
    """
    import glob

    return glob.escape(text)


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name the same file.

    Parameters
    ----------
    a, b : str or Path
        The paths.

    Returns
    -------
    bool
        True for the same inode (through a hard or symbolic link, or another spelling of
        the path), or, when either does not exist yet, for the same resolved path.
    """
    try:
        return os.path.samefile(a, b)
    except (OSError, ValueError):
        pass
    try:
        return Path(a).resolve() == Path(b).resolve()
    except (OSError, RuntimeError, ValueError):
        return False


_same_file = same_file


def refuse_input(path: str | Path, inputs, option: str | None = None) -> None:
    """Refuse an output ``path`` that is one of the ``inputs`` (the same file): writing it
    would overwrite a scenario or table the command reads.

    Parameters
    ----------
    path : str or Path
        The output.
    inputs : iterable of str or Path or None
        The command's input files (None entries are skipped).
    option : str, optional
        The option that named ``path`` (``--json``), for the message.

    Raises
    ------
    InputError
        Naming the option and the input.
    """
    for source in inputs or ():
        if source is not None and same_file(path, source):
            also = "" if str(source) == str(path) else f" (the same file as {str(source)!r})"
            raise InputError(
                f"{option + ': ' if option else ''}{str(path)!r} is an input of this "
                f"command{also}; writing it would overwrite it, give another path"
            )


def refuse_special(path: str | Path, option: str | None = None) -> None:
    """Refuse a destination that exists and is not a regular file: the rename would replace
    a device node, FIFO or socket, or the symlink itself, with a regular file.

    Parameters
    ----------
    path : str or Path
        The destination.
    option : str, optional
        The option that named it, for the message.

    Raises
    ------
    InputError
        For a symbolic link, device, FIFO or socket (a folder is left to the caller).
    """
    import stat

    try:
        info = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise InputError(
            f"{option + ': ' if option else ''}cannot write ({exc.strerror})", path=str(path)
        ) from None
    if stat.S_ISLNK(info.st_mode):
        what = "a symbolic link; give the real file's path"
    elif stat.S_ISDIR(info.st_mode):
        return  # the callers' own check names it
    elif not stat.S_ISREG(info.st_mode):
        what = "not a regular file (a device, FIFO or socket); it is never written through"
    else:
        return
    raise InputError(f"{option + ': ' if option else ''}is {what}", path=str(path))


def write_table(path: str | Path, frame) -> Path:
    """Write a pandas frame to ``.parquet`` or ``.csv`` (by the suffix), atomically.

    Parameters
    ----------
    path : str or Path
        Destination, ending in ``.parquet`` or ``.csv``.
    frame : pandas.DataFrame
        The table; its index is not written.

    Returns
    -------
    Path
        The destination.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".parquet":
        return atomic_write(path, lambda tmp: frame.to_parquet(tmp, index=False))
    if suffix == ".csv":
        return atomic_write(path, lambda tmp: frame.to_csv(tmp, index=False))
    raise InputError("expected a path ending in .parquet or .csv", path=str(path))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: str | Path, text: str) -> Path:
    """Write text atomically (UTF-8).

    Parameters
    ----------
    path : str or Path
        Destination.
    text : str
        The whole file.

    Returns
    -------
    Path
        The destination.
    """

    def _write(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)

    return atomic_write(path, _write)


def finite_json(data: object) -> object:
    """``data`` with every non-finite float (NaN, ±inf) replaced by None.

    JSON has no NaN or Infinity; scalesim writes ``null`` for them, meaning "no finite
    value": an event never reached by the last year, an unbounded ceiling, a statistic
    that is undefined for the samples at hand. (Runs stop with an error on a NaN in a
    kernel's output, so a null never hides a failed computation.)

    Parameters
    ----------
    data : object
        Nested dicts, lists, tuples, floats, NumPy scalars and arrays.

    Returns
    -------
    object
        The same structure with plain Python values.
    """
    if isinstance(data, float):
        return data if math.isfinite(data) else None
    if isinstance(data, dict):
        return {k: finite_json(v) for k, v in data.items()}
    if isinstance(data, (list, tuple)):
        return [finite_json(v) for v in data]
    if isinstance(data, np.generic):
        return finite_json(data.item())
    if isinstance(data, np.ndarray):
        return finite_json(data.tolist())
    return data


def dumps(data: object) -> str:
    """JSON text as scalesim writes it: indented, UTF-8, non-finite numbers as null.

    Parameters
    ----------
    data : object
        What to write (see :func:`finite_json`).

    Returns
    -------
    str
        The JSON text.
    """
    return json.dumps(finite_json(data), indent=2, allow_nan=False, ensure_ascii=False)


def write_json(path: str | Path, data: object) -> Path:
    """Write JSON atomically (indented, UTF-8; NaN and ±inf written as null, see
    :func:`finite_json`).

    Parameters
    ----------
    path : str or Path
        Destination.
    data : object
        What to write.

    Returns
    -------
    Path
        The destination.
    """
    return write_text(path, dumps(data) + "\n")
