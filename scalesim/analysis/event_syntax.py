"""Tokens, syntax tree and recursive-descent parser of the event language.

The grammar and the meaning of an event are in :mod:`scalesim.analysis.events`, which checks
the names against a scenario and evaluates events; this module only turns text into a tree.
Nothing is evaluated as Python. The length of the text, the nesting depth and the number of
comparisons are bounded before any recursion can go deep.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from scalesim.errors import InputError

#: Longest event text accepted [characters].
MAX_LENGTH = 1000
#: Deepest nesting of parentheses and ``not`` [levels].
MAX_DEPTH = 32
#: Most comparisons in one event.
MAX_COMPARISONS = 64
#: Comparison operators, longest first (the tokenizer tries them in this order).
OPERATORS = ("<=", ">=", "==", "!=", "<", ">")
#: Variables without a year: one value per sample.
SCALARS = ("data_exhaustion_year",)
#: The categorical (sample, year) output compared with ceiling names.
BINDING = "binding_constraint"
KEYWORDS = ("and", "or", "not")

_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*", re.ASCII)
_SPACE = re.compile(r"\s+")


# --- syntax tree --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ref:
    """``name[year]`` (year None for a scalar such as ``data_exhaustion_year``, or for a bare
    name that may be a ceiling); ``pos`` is its 1-based character position."""

    name: str
    year: int | None
    pos: int

    def text(self) -> str:
        return self.name if self.year is None else f"{self.name}[{self.year}]"


@dataclass(frozen=True)
class Number:
    """A finite number literal."""

    value: float
    pos: int

    def text(self) -> str:
        v = self.value
        return str(int(v)) if v.is_integer() and abs(v) < 1e16 else repr(v).replace("e+", "e")


@dataclass(frozen=True)
class Compare:
    """``left OP right``."""

    op: str
    left: Ref | Number
    right: Ref | Number
    pos: int

    def text(self) -> str:
        return f"{self.left.text()} {self.op} {self.right.text()}"


@dataclass(frozen=True)
class Not:
    """``not operand``."""

    operand: object

    def text(self) -> str:
        return f"not {_wrapped(self.operand)}"


@dataclass(frozen=True)
class Junction:
    """``a and b and ...`` (``op="and"``) or ``a or b or ...`` (``op="or"``)."""

    op: str
    items: tuple

    def text(self) -> str:
        return f" {self.op} ".join(_wrapped(i, self.op) for i in self.items)


def _wrapped(node, within: str = "not") -> str:
    """Text of ``node`` with parentheses where the precedence needs them."""
    if isinstance(node, Junction) and (within == "not" or (within == "and" and node.op == "or")):
        return f"({node.text()})"
    return node.text()


# --- tokens -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Token:
    kind: str  # "name", "number", "op", "(", ")", "[", "]", "-", "end"
    text: str
    pos: int  # 1-based


def _shown(text: str) -> str:
    return repr(text if len(text) <= 24 else text[:20] + "...")


def tokenize(text: str, source: str = "when") -> list[Token]:
    """Split an event into tokens (see the module's grammar).

    Raises
    ------
    InputError
        For text longer than :data:`MAX_LENGTH`, an empty text, or a character that starts no
        token.
    """
    if not isinstance(text, str):
        raise InputError(f"expected the event as text, got {type(text).__name__}", key=source)
    if len(text) > MAX_LENGTH:
        raise InputError(
            f"the event is {len(text):,} characters long; at most {MAX_LENGTH:,}",
            key=source,
        )
    tokens: list[Token] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i = _SPACE.match(text, i).end()
            continue
        if c in "()[]-":
            tokens.append(Token(c, c, i + 1))
            i += 1
            continue
        op = next((o for o in OPERATORS if text.startswith(o, i)), None)
        if op:
            tokens.append(Token("op", op, i + 1))
            i += len(op)
            continue
        if c == "=":
            raise InputError(
                f"character {i + 1}: a single '=' is no comparison; use '=='",
                key=source,
            )
        m = _NUMBER.match(text, i)
        if m:
            tokens.append(Token("number", m.group(), i + 1))
            i = m.end()
            continue
        m = _NAME.match(text, i)
        if m:
            tokens.append(Token("name", m.group(), i + 1))
            i = m.end()
            continue
        raise InputError(f"character {i + 1}: unexpected character {c!r}", key=source)
    tokens.append(Token("end", "", n + 1))
    if len(tokens) == 1:
        raise InputError("the event is empty; e.g. 'binding_constraint[2030] == data'", key=source)
    return tokens


# --- parser -------------------------------------------------------------------------------------


class _Parser:
    def __init__(self, tokens: list[Token], source: str):
        self.tokens, self.i, self.source = tokens, 0, source
        self.depth, self.comparisons = 0, 0

    @property
    def tok(self) -> Token:
        return self.tokens[self.i]

    def fail(self, expected: str, tok: Token | None = None):
        tok = tok or self.tok
        got = "the end" if tok.kind == "end" else _shown(tok.text)
        raise InputError(f"character {tok.pos}: expected {expected}, got {got}", key=self.source)

    def keyword(self, word: str) -> bool:
        if self.tok.kind == "name" and self.tok.text == word:
            self.i += 1
            return True
        return False

    def nest(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise InputError(
                f"character {tok.pos}: nested more than {MAX_DEPTH} levels deep",
                key=self.source,
            )

    def event(self):
        node = self.disjunction()
        if self.tok.kind != "end":
            self.fail("'and', 'or' or the end of the event")
        return node

    def disjunction(self):
        items = [self.conjunction()]
        while self.keyword("or"):
            items.append(self.conjunction())
        return items[0] if len(items) == 1 else Junction("or", tuple(items))

    def conjunction(self):
        items = [self.negation()]
        while self.keyword("and"):
            items.append(self.negation())
        return items[0] if len(items) == 1 else Junction("and", tuple(items))

    def negation(self):
        tok = self.tok
        if self.keyword("not"):
            self.nest(tok)
            node = Not(self.negation())
            self.depth -= 1
            return node
        if tok.kind == "(":
            self.nest(tok)
            self.i += 1
            node = self.disjunction()
            if self.tok.kind != ")":
                self.fail(f"')' to close the '(' at character {tok.pos}")
            self.i += 1
            self.depth -= 1
            return node
        return self.comparison()

    def comparison(self):
        start = self.tok
        left = self.operand("a comparison such as 'largest_run_flop[2030] >= 1e28'")
        if self.tok.kind != "op":
            self.fail(f"a comparison operator ({', '.join(OPERATORS[::-1])}) after {left.text()!r}")
        op = self.tok.text
        self.i += 1
        right = self.operand(f"a number or a name after {op!r}")
        if self.tok.kind == "op":
            self.fail("'and' between two comparisons (a < b < c is not allowed)")
        if isinstance(left, Number) and isinstance(right, Number):
            raise InputError(
                f"character {start.pos}: compares two numbers; "
                "one side must be an output such as 'largest_run_flop[2030]'",
                key=self.source,
            )
        self.comparisons += 1
        if self.comparisons > MAX_COMPARISONS:
            raise InputError(
                f"character {start.pos}: more than {MAX_COMPARISONS} comparisons",
                key=self.source,
            )
        return Compare(op, left, right, start.pos)

    def operand(self, expected: str):
        tok = self.tok
        if tok.kind == "-" or tok.kind == "number":
            sign = 1.0
            if tok.kind == "-":
                self.i += 1
                sign = -1.0
                if self.tok.kind != "number":
                    self.fail("a number after '-'")
            text = self.tok.text
            self.i += 1
            value = sign * float(text)
            if not math.isfinite(value):
                raise InputError(
                    f"character {tok.pos}: {text} is not a finite number",
                    key=self.source,
                )
            return Number(value, tok.pos)
        if tok.kind != "name" or tok.text in KEYWORDS:
            self.fail(expected)
        self.i += 1
        if self.tok.kind != "[":
            return Ref(tok.text, None, tok.pos)
        self.i += 1
        year_tok = self.tok
        if year_tok.kind != "number" or not year_tok.text.isdigit() or len(year_tok.text) > 4:
            self.fail(f"a calendar year such as 2030 inside {tok.text}[...]")
        self.i += 1
        if self.tok.kind != "]":
            self.fail(f"']' after {tok.text}[{year_tok.text}")
        self.i += 1
        return Ref(tok.text, int(year_tok.text), tok.pos)


def parse(text: str, source: str = "when"):
    """Parse an event into its syntax tree (no names checked: see :func:`check`).

    Parameters
    ----------
    text : str
        The event, e.g. ``"binding_constraint[2030] == data"``.
    source : str
        What the text came from, for error messages (``--when``).

    Returns
    -------
    Compare, Not or Junction

    Raises
    ------
    InputError
        One line: ``--when: character 12: expected ..., got ...``.
    """
    return _Parser(tokenize(text, source), source).event()


__all__ = [
    "BINDING",
    "KEYWORDS",
    "MAX_COMPARISONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "OPERATORS",
    "SCALARS",
    "Compare",
    "Junction",
    "Not",
    "Number",
    "Ref",
    "Token",
    "parse",
    "tokenize",
]
