"""Errors meant for people: one line that names the file and the key path."""

from __future__ import annotations

import difflib


class ScalesimError(Exception):
    """Base class of scalesim's own errors."""


class InputError(ScalesimError, ValueError):
    """Bad input from a user (scenario file, CLI option, history table).

    The CLI prints ``str(error)`` on one line to stderr and exits with status 2.

    Parameters
    ----------
    message : str
        What is wrong and what was expected.
    path : str, optional
        The file the input came from.
    key : str, optional
        The dotted key path inside that file (``parameters.spending.growth``).
    """

    def __init__(self, message: str, *, path: str | None = None, key: str | None = None):
        self.message = " ".join(str(message).split())
        self.path = path
        self.key = key
        super().__init__(self.format())

    def format(self) -> str:
        # a key or path may hold control characters (a YAML key "\n"): shown escaped, so
        # the message stays one line
        parts = [_printable(p) for p in (self.path, self.key) if p]
        return ": ".join([*parts, self.message])

    def at(self, *, path: str | None = None, key: str | None = None) -> InputError:
        """Return a copy with the file and/or key path filled in where missing."""
        return InputError(self.message, path=self.path or path, key=self.key or key)


def _printable(text: str) -> str:
    """``text`` with non-printable characters written as escapes (``\\n``)."""
    text = str(text)
    return text if text.isprintable() else repr(text)[1:-1]


def did_you_mean(word: str, choices) -> str:
    """`` (did you mean 'x'?)`` when a close match exists, else ``''``."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean {match[0]!r}?)" if match else ""


def shown(value, limit: int = 80) -> str:
    """``repr(value)`` for a message, cut in the middle past ``limit`` characters [characters]
    (a 20,000-value list in a scenario file must not become a 60 KB error line)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 20] + "..." + text[-10:]
