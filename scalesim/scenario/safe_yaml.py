"""Reading YAML that a stranger wrote: bounded in size, depth, nodes and time.

Every scenario, sweep and upload goes through :func:`read_text` and :func:`load`:

- only a regular file is read (a FIFO would block forever, ``/dev/zero`` would fill memory),
  at most :data:`MAX_BYTES`, with a path of at most :data:`MAX_PATH` characters;
- the YAML composer counts nesting depth (PyYAML recurses once per level, so 10,000 ``[``
  would raise RecursionError), nodes *after* alias expansion (a "billion laughs" file is a
  few hundred bytes), and refuses recursive aliases and integers of more than
  :data:`MAX_INT_DIGITS` digits (``float()`` of them overflows);
- :class:`Budget` carries the node count over an ``extends:`` chain, so that limits hold for
  the merged result too;
- the events come from libyaml's C parser where PyYAML was built with it (the pure-Python
  scanner costs ~50 µs of CPU a node: a list of 20,000 values took 1.2 s of CPU, with
  libyaml's events 0.4 s), and are composed by the bounded Python composer here either way,
  so the limits and messages are the same with or without libyaml.

Errors are :class:`~scalesim.errors.InputError` naming the file, the key path where known,
and the line.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import yaml
from yaml.composer import Composer, ComposerError
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.resolver import Resolver

from scalesim.errors import InputError

#: Largest file read [bytes]: scenario files are a few KB.
MAX_BYTES = 2 * 1024 * 1024
#: Deepest nesting of mappings and sequences [levels] (a scenario needs about 8).
MAX_DEPTH = 64
#: Most YAML nodes in one file or ``extends:`` chain, aliases expanded [nodes]. The largest
#: shipped scenario has 314; the cap bounds the parse of any file to well under a second.
MAX_NODES = 20_000
#: Longest integer literal [digits]; float64 ends near 1.8e308.
MAX_INT_DIGITS = 300
#: Longest path accepted [characters] (Linux: PATH_MAX 4096, NAME_MAX 255 per part).
MAX_PATH = 4096
MAX_NAME = 255
_INT_TAG = "tag:yaml.org,2002:int"


class Budget:
    """Nodes left for the files of one load (shared by an ``extends:`` chain)."""

    def __init__(self, nodes: int = MAX_NODES):
        self.nodes = nodes


class _Limit(ComposerError):
    """A limit was hit while composing (carries the key path)."""

    def __init__(self, problem: str, mark, key: str):
        super().__init__(None, None, problem, mark)
        self.key = key


class _Bounded(Composer, SafeConstructor, Resolver):
    """PyYAML's safe loading with depth, node, alias and integer-size limits, composed in
    Python by the methods below; the events come from a parser class mixed in after it."""

    def __init__(self, budget: Budget):
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self._budget = budget
        self._depth = 0
        self._path: list[str] = []
        self._sizes: dict[int, tuple[int, int]] = {}  # id(node) -> (nodes, height)
        self._open: set[str] = set()
        self._count = 0
        self._deepest = 0

    def _key(self) -> str:
        key = "".join(self._path).lstrip(".")
        return key if len(key) <= 160 else key[:80] + "..." + key[-60:]

    def _fail(self, problem: str, mark) -> None:
        raise _Limit(problem, mark, self._key())

    def _spend(self, n: int, mark) -> None:
        self._count += n
        if self._count > self._budget.nodes:
            self._fail(
                f"more than {MAX_NODES:,} values (aliases expanded); a scenario needs a few "
                "hundred",
                mark,
            )

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, AliasEvent):
            if event.anchor in self._open:
                self._fail(f"recursive alias *{event.anchor}", event.start_mark)
            node = super().compose_node(parent, index)
            size, height = self._sizes.get(id(node), (1, 0))
            if self._depth + height > MAX_DEPTH:
                self._fail(f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
            self._deepest = max(self._deepest, self._depth + height)
            self._spend(size, event.start_mark)
            return node
        anchor = getattr(event, "anchor", None)
        if isinstance(event, (SequenceStartEvent, MappingStartEvent)):
            if self._depth >= MAX_DEPTH:
                self._fail(f"nested deeper than {MAX_DEPTH} levels", event.start_mark)
        elif isinstance(event, ScalarEvent):
            self._check_int(event)
        if anchor is not None:
            self._open.add(anchor)
        start, depth, deepest = self._count, self._depth, self._deepest
        self._depth += 1
        self._deepest = max(deepest, self._depth)
        try:
            node = super().compose_node(parent, index)
        finally:
            self._depth = depth
        self._spend(1, event.start_mark)
        self._sizes[id(node)] = (self._count - start, self._deepest - depth - 1)
        self._deepest = max(deepest, self._deepest)
        if anchor is not None:
            self._open.discard(anchor)
        return node

    def compose_mapping_node(self, anchor):
        start_event = self.get_event()
        tag = start_event.tag
        if tag is None or tag == "!":
            tag = self.resolve(MappingNode, None, start_event.implicit)
        node = MappingNode(tag, [], start_event.start_mark, None, flow_style=start_event.flow_style)
        if anchor is not None:
            self.anchors[anchor] = node
        while not self.check_event(yaml.MappingEndEvent):
            key = self.compose_node(node, None)
            shown = key.value if isinstance(key, ScalarNode) else "?"
            self._path.append(f".{str(shown)[:40]}")
            try:
                value = self.compose_node(node, key)
            finally:
                self._path.pop()
            node.value.append((key, value))
        node.end_mark = self.get_event().end_mark
        return node

    def compose_sequence_node(self, anchor):
        start_event = self.get_event()
        tag = start_event.tag
        if tag is None or tag == "!":
            tag = self.resolve(SequenceNode, None, start_event.implicit)
        node = SequenceNode(
            tag, [], start_event.start_mark, None, flow_style=start_event.flow_style
        )
        if anchor is not None:
            self.anchors[anchor] = node
        index = 0
        while not self.check_event(yaml.SequenceEndEvent):
            self._path.append(f"[{index}]")
            try:
                node.value.append(self.compose_node(node, index))
            finally:
                self._path.pop()
            index += 1
        node.end_mark = self.get_event().end_mark
        return node

    def _check_int(self, event: ScalarEvent) -> None:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolve(ScalarNode, event.value, event.implicit)
        if tag == _INT_TAG:
            digits = sum(c.isdigit() for c in event.value)
            if digits > MAX_INT_DIGITS:
                self._fail(
                    f"an integer of {digits} digits; numbers must stay below about 1.8e308",
                    event.start_mark,
                )


class _PyLoader(_Bounded, yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser):
    """Events from PyYAML's pure-Python scanner and parser."""

    def __init__(self, text: str, budget: Budget):
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _Bounded.__init__(self, budget)


try:  # libyaml's event parser, which PyYAML's wheels ship
    from yaml._yaml import CParser

    class _CLoader(_Bounded, CParser):
        """Events from libyaml (its own composer, ``CParser.get_node``, is shadowed by
        :class:`~yaml.composer.Composer`'s, which comes first in the method order)."""

        def __init__(self, text: str, budget: Budget):
            CParser.__init__(self, text)
            _Bounded.__init__(self, budget)

    _LOADERS = (_CLoader, _PyLoader)
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _LOADERS = (_PyLoader,)


def load(text: str, where: str, budget: Budget | None = None):
    """Parse one YAML document with the limits of this module.

    Parameters
    ----------
    text : str
        The YAML text (at most :data:`MAX_BYTES` of it is accepted).
    where : str
        The file name for messages.
    budget : Budget, optional
        Nodes left (an ``extends:`` chain shares one); spent by this call.

    Returns
    -------
    object
        What ``yaml.safe_load`` would give.

    Raises
    ------
    InputError
        ``where: key.path: problem (line L, column C)`` or ``where: invalid YAML: ...``.
    """
    if len(text) > MAX_BYTES:
        raise InputError(f"larger than {MAX_BYTES // 1024 // 1024} MB; not a scenario", path=where)
    budget = budget or Budget()
    for loader_class in _LOADERS:
        try:
            return _load_with(loader_class, text, where, budget)
        except yaml.YAMLError as exc:
            # libyaml refuses flow nesting past 1,000 levels while scanning ahead, before the
            # composer's depth check; the Python parser then finds the depth and its key path
            if "maximum nesting depth" not in str(exc) or loader_class is _LOADERS[-1]:
                mark = getattr(exc, "problem_mark", None)
                at = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
                problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
                raise InputError(f"invalid YAML: {at}{problem}", path=where) from None
    raise AssertionError("unreachable")  # pragma: no cover


def _load_with(loader_class, text: str, where: str, budget: Budget):
    """One parse with ``loader_class``; the budget is spent only by a parse that ends."""
    loader = None
    try:
        loader = loader_class(text, budget)
        data = loader.get_single_data()
        budget.nodes -= loader._count
        return data
    except _Limit as exc:
        mark = exc.problem_mark
        at = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        raise InputError(f"{exc.problem}{at}", path=where, key=exc.key or None) from None
    except (ValueError, OverflowError, RecursionError, MemoryError) as exc:
        # e.g. a sexagesimal or timestamp scalar PyYAML cannot convert
        raise InputError(f"invalid YAML: {exc.__class__.__name__}", path=where) from None
    finally:
        if loader is not None:
            loader.dispose()


def check_path(path: str | Path, where: str | None = None, key: str | None = None) -> Path:
    """Refuse paths too long for the system before touching the file system."""
    text = os.fspath(path)
    if "\x00" in text:
        raise InputError("a path with a NUL character", path=where or None, key=key)
    if len(text) > MAX_PATH or any(len(part) > MAX_NAME for part in Path(text).parts):
        shown = text if len(text) <= 60 else text[:40] + "..." + text[-15:]
        raise InputError(
            f"path too long ({len(text):,} characters): {shown!r}", path=where or None, key=key
        )
    return Path(text)


def read_text(path: str | Path, *, max_bytes: int = MAX_BYTES) -> str:
    """The text of a regular file, at most ``max_bytes``; anything else is an InputError.

    A FIFO, device, socket or folder is refused without blocking (the file is opened
    non-blocking and checked with fstat before any read).
    """
    where = os.fspath(path)
    shown = where if len(where) <= 200 else where[:120] + "..." + where[-60:]
    check_path(where, shown)
    try:
        fd = os.open(where, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise InputError("file not found", path=shown) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", path=shown) from None
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", path=shown) from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a folder, not a file", path=shown)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(
                "not a regular file (a FIFO, device or socket); give a YAML file", path=shown
            )
        if info.st_size > max_bytes:
            raise InputError(f"{info.st_size:,} bytes; at most {max_bytes:,} are read", path=shown)
        chunks, size = [], 0
        while size <= max_bytes:
            chunk = os.read(fd, max_bytes + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise InputError(f"more than {max_bytes:,} bytes; not a scenario", path=shown)
    except OSError as exc:
        raise InputError(f"cannot read the file ({exc.strerror})", path=shown) from None
    finally:
        os.close(fd)
    try:
        return b"".join(chunks).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"not UTF-8 text (byte {exc.start}); save the file as UTF-8", path=shown
        ) from None


def load_file(path: str | Path, budget: Budget | None = None):
    """:func:`read_text` then :func:`load`."""
    return load(read_text(path), os.fspath(path), budget)
