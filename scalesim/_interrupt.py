"""Ctrl-C while the ``scalesim`` command is still importing itself: one line, exit 130.

Once :func:`scalesim.cli.main` runs, it catches the interrupt itself. Before that (the
console script's ``from scalesim.cli import main``), an interrupt would end in a traceback;
:func:`install` sets a ``sys.excepthook`` that prints ``scalesim: interrupted`` and exits
with status 130 instead. It is installed only when the process is the ``scalesim`` command
(or ``python -m scalesim...``), never when a program imports scalesim as a library.
"""

from __future__ import annotations

import os
import sys

_previous = None


def _hook(kind, value, traceback) -> None:
    if isinstance(kind, type) and issubclass(kind, KeyboardInterrupt):
        try:
            sys.stderr.write("scalesim: interrupted\n")
            sys.stderr.flush()
        except (OSError, ValueError, AttributeError):
            pass
        os._exit(130)  # nothing to clean up yet: no output has been opened
    (_previous or sys.__excepthook__)(kind, value, traceback)


def is_command() -> bool:
    """Whether this process is the ``scalesim`` command: the console script, or ``python -m``
    importing scalesim as the parent package of the module it runs (argv[0] is ``-m`` then)."""
    argv0 = sys.argv[0] if getattr(sys, "argv", None) else ""
    name = os.path.basename(str(argv0))
    return name in ("scalesim", "scalesim.exe", "-m")


def install() -> None:
    """Set the start-up hook (once)."""
    global _previous
    if sys.excepthook is not _hook:
        _previous = sys.excepthook
        sys.excepthook = _hook
