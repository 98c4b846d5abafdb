"""Progress bars for long-running commands, on stderr, silent when nobody is watching.

One small API shared by every command (``sensitivity``, ``sweep``, ``run`` for large runs)::

    from scalesim.engine.progress import progress_bar, track

    with progress_bar("model runs", total=n_chunks, quiet=args.quiet) as bar:
        for chunk in chunks:
            ...
            bar.advance()            # or bar.advance(k), bar.update(completed=k)

    for point in track(points, "sweep points", quiet=args.quiet):
        ...

A bar is drawn (with rich) only when ``quiet`` is false and stderr is a terminal, so logs,
pipes, CI and tests stay clean; otherwise the handle is a no-op with the same methods.
``advance`` is safe to call from several threads (rich's Progress holds a lock), so an engine
working on chunks in threads can pass ``bar.advance`` as a per-chunk callback.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


def progress_enabled(quiet: bool = False) -> bool:
    """Whether a bar would be drawn: not ``quiet`` and stderr is a terminal."""
    if quiet:
        return False
    try:
        return bool(sys.stderr.isatty())
    except (AttributeError, ValueError):  # replaced or closed stderr
        return False


class ProgressBar:
    """Handle of one bar; a no-op when the bar is disabled.

    Attributes
    ----------
    enabled : bool
        True when the bar is drawn.
    total : float or None
        Steps to completion [steps]; None for an indeterminate bar.
    completed : float
        Steps done so far [steps] (tracked even when disabled).
    """

    def __init__(self, progress=None, task_id=None, total: float | None = None):
        self._progress = progress
        self._task = task_id
        self.total = total
        self.completed = 0.0

    @property
    def enabled(self) -> bool:
        return self._progress is not None

    def advance(self, steps: float = 1) -> None:
        """Add ``steps`` [steps] to the bar."""
        self.completed += steps
        if self._progress is not None:
            self._progress.advance(self._task, steps)

    def update(
        self,
        *,
        completed: float | None = None,
        total: float | None = None,
        description: str | None = None,
    ) -> None:
        """Set the bar's completed steps, total or description."""
        if completed is not None:
            self.completed = completed
        if total is not None:
            self.total = total
        if self._progress is not None:
            kwargs = {
                k: v
                for k, v in (
                    ("completed", completed),
                    ("total", total),
                    ("description", description),
                )
                if v is not None
            }
            self._progress.update(self._task, **kwargs)


@contextmanager
def progress_bar(
    description: str,
    total: float | None = None,
    *,
    quiet: bool = False,
    enabled: bool | None = None,
) -> Iterator[ProgressBar]:
    """A progress bar on stderr for the duration of a ``with`` block.

    Parameters
    ----------
    description : str
        Text left of the bar.
    total : float, optional
        Steps to completion [steps]; None for an indeterminate bar.
    quiet : bool
        True (``--quiet``) disables the bar.
    enabled : bool, optional
        Force the bar on or off; default :func:`progress_enabled` of ``quiet``.

    Yields
    ------
    ProgressBar
    """
    if enabled is None:
        enabled = progress_enabled(quiet)
    if not enabled:
        yield ProgressBar(total=total)
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with progress:
        task = progress.add_task(description, total=total)
        yield ProgressBar(progress, task, total)


def track(
    items: Iterable[T],
    description: str,
    *,
    total: float | None = None,
    quiet: bool = False,
    enabled: bool | None = None,
) -> Iterator[T]:
    """Iterate over ``items`` with a progress bar advancing one step per item.

    Parameters
    ----------
    items : iterable
    description : str
    total : float, optional
        Number of items; ``len(items)`` when it has one.
    quiet, enabled : bool
        As for :func:`progress_bar`.
    """
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    with progress_bar(description, total, quiet=quiet, enabled=enabled) as bar:
        for item in items:
            yield item
            bar.advance()


__all__ = ["ProgressBar", "progress_bar", "progress_enabled", "track"]
