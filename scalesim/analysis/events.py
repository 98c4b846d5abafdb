"""Events over a run's outputs: a small, safe expression language (``scalesim explain --when``).

An event is a yes/no question about each Monte Carlo sample, written as comparisons combined
with ``and``, ``or``, ``not`` and parentheses::

    binding_constraint[2030] == data
    largest_run_flop[2032] >= 1e30 and not data_exhaustion_year < 2029
    (spend_usd[2030] > 1e10 or flop_per_usd[2030] > 1e19) and binding_constraint[2030] != data

Grammar (``not`` binds tightest, then ``and``, then ``or``, as in Python)::

    event       := disjunction END
    disjunction := conjunction ("or" conjunction)*
    conjunction := negation ("and" negation)*
    negation    := "not" negation | "(" disjunction ")" | comparison
    comparison  := operand OP operand          OP: < <= > >= == !=
    operand     := NAME "[" YEAR "]" | NAME | ["-"] NUMBER

- ``VARIABLE[YEAR]``: an engine variable (scalesim.model.variables) in a calendar year of the
  scenario, in its canonical unit (FLOP, USD, token, ...), compared with a number
  (``1e30``) or with another variable;
- ``binding_constraint[YEAR] == NAME`` (or ``!=``): the binding ceiling, by its name in the
  ceiling registry (scalesim.model.constraints): ``compute``, ``data``, ``power``, ...;
- ``data_exhaustion_year``: the fractional year the human-text stock is fully used
  (+infinity for a sample where that does not happen by the last year, so
  ``data_exhaustion_year < 2029`` is false for it).

The text is parsed by a tokenizer and a recursive-descent parser written here: nothing is
evaluated as Python. Bad text gives one line naming the character position and what was
expected (:class:`~scalesim.errors.InputError`). Length, nesting depth and the number of
comparisons are bounded (:data:`MAX_LENGTH`, :data:`MAX_DEPTH`, :data:`MAX_COMPARISONS`), so
hostile text is refused in time linear in its length, before any recursion.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from scalesim.errors import InputError, did_you_mean

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

_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SPACE = re.compile(r"\s+")
_OPS = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}


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


def tokenize(text: str, source: str = "--when") -> list[Token]:
    """Split an event into tokens (see the module's grammar).

    Raises
    ------
    InputError
        For text longer than :data:`MAX_LENGTH`, an empty text, or a character that starts no
        token.
    """
    if not isinstance(text, str):
        raise InputError(f"{source}: expected the event as text, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise InputError(
            f"{source}: the event is {len(text):,} characters long; at most {MAX_LENGTH:,}"
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
                f"{source}: character {i + 1}: a single '=' is no comparison; use '=='"
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
        raise InputError(f"{source}: character {i + 1}: unexpected character {c!r}")
    tokens.append(Token("end", "", n + 1))
    if len(tokens) == 1:
        raise InputError(f"{source}: the event is empty; e.g. 'binding_constraint[2030] == data'")
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
        raise InputError(f"{self.source}: character {tok.pos}: expected {expected}, got {got}")

    def keyword(self, word: str) -> bool:
        if self.tok.kind == "name" and self.tok.text == word:
            self.i += 1
            return True
        return False

    def nest(self, tok: Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise InputError(
                f"{self.source}: character {tok.pos}: nested more than {MAX_DEPTH} levels deep"
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
                f"{self.source}: character {start.pos}: compares two numbers; "
                "one side must be an output such as 'largest_run_flop[2030]'"
            )
        self.comparisons += 1
        if self.comparisons > MAX_COMPARISONS:
            raise InputError(
                f"{self.source}: character {start.pos}: more than {MAX_COMPARISONS} comparisons"
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
                    f"{self.source}: character {tok.pos}: {text} is not a finite number"
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


def parse(text: str, source: str = "--when"):
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


# --- names and years ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """A parsed event checked against one scenario's outputs.

    Attributes
    ----------
    text : str
        The event as the user wrote it (whitespace normalised).
    tree : Compare, Not or Junction
        Its syntax tree.
    variables : tuple of str
        The (sample, year) variables it reads (besides ``binding_constraint`` and
        ``data_exhaustion_year``).
    """

    text: str
    tree: object
    variables: tuple[str, ...]

    @property
    def canonical(self) -> str:
        """The event rewritten from its tree (minimal parentheses, single spaces)."""
        return self.tree.text()


def _comparisons(node):
    """Every Compare of a tree (an explicit stack: no recursion)."""
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, Compare):
            yield n
        elif isinstance(n, Not):
            stack.append(n.operand)
        else:
            stack.extend(reversed(n.items))


def check(
    tree,
    *,
    variables,
    years,
    constraints,
    source: str = "--when",
) -> tuple[str, ...]:
    """Check names and years of a parsed event against a scenario's outputs.

    Parameters
    ----------
    tree : Compare, Not or Junction
        From :func:`parse`.
    variables : collection of str
        The (sample, year) variables the run has.
    years : sequence of int
        The run's calendar years [year].
    constraints : sequence of str
        The run's ceilings, by registry name.
    source : str
        For error messages.

    Returns
    -------
    tuple of str
        The variables the event reads, in order of first use.

    Raises
    ------
    InputError
        Naming the position of an unknown name, a year outside the run, a ceiling the
        scenario does not have, or a comparison that makes no sense.
    """
    used: dict[str, None] = {}
    years = list(years)
    known = [*variables, BINDING, *SCALARS]

    def where(pos: int) -> str:
        return f"{source}: character {pos}"

    for cmp in _comparisons(tree):
        sides = (cmp.left, cmp.right)
        binding = [s for s in sides if isinstance(s, Ref) and s.name == BINDING]
        if binding:
            ref = binding[0]
            other = cmp.right if ref is cmp.left else cmp.left
            if ref.year is None:
                raise InputError(f"{where(ref.pos)}: {BINDING} needs a year: {BINDING}[2030]")
            _check_year(ref, years, where)
            if cmp.op not in ("==", "!="):
                raise InputError(
                    f"{where(cmp.pos)}: {BINDING} is compared with '==' or '!=', not {cmp.op!r}"
                )
            if not isinstance(other, Ref) or other.year is not None:
                raise InputError(
                    f"{where(other.pos)}: expected a ceiling name "
                    f"({', '.join(constraints)}) to compare {BINDING} with"
                )
            if other.name not in constraints:
                raise InputError(
                    f"{where(other.pos)}: {other.name!r} is not a ceiling of this scenario "
                    f"(its ceilings: {', '.join(constraints)})"
                    + did_you_mean(other.name, constraints)
                )
            continue
        for side in sides:
            if isinstance(side, Number):
                continue
            if side.name not in known:
                raise InputError(
                    f"{where(side.pos)}: unknown output {side.name!r}"
                    + (did_you_mean(side.name, known) or f"; one of {', '.join(known)}")
                )
            if side.name in SCALARS:
                if side.year is not None:
                    raise InputError(f"{where(side.pos)}: {side.name} takes no [year]")
                continue
            if side.year is None:
                raise InputError(
                    f"{where(side.pos)}: {side.name} needs a year, e.g. {side.name}[2030]"
                )
            _check_year(side, years, where)
            used[side.name] = None
    return tuple(used)


def _check_year(ref: Ref, years, where) -> None:
    if ref.year not in years:
        raise InputError(
            f"{where(ref.pos)}: year {ref.year} is outside the scenario's years "
            f"{years[0]}–{years[-1]}"
        )


def compile_event(text: str, *, variables, years, constraints, source: str = "--when") -> Event:
    """:func:`parse` then :func:`check`: an event ready for :func:`evaluate`."""
    tree = parse(text, source)
    used = check(tree, variables=variables, years=years, constraints=constraints, source=source)
    return Event(" ".join(text.split()), tree, used)


# --- evaluation ---------------------------------------------------------------------------------


def evaluate(event: Event | object, outputs: dict, years, constraints) -> np.ndarray:
    """Whether each sample has the event.

    Parameters
    ----------
    event : Event or syntax tree
        From :func:`compile_event`.
    outputs : dict
        Per-sample arrays: each variable the event reads, (sample, year) [canonical unit];
        ``binding_constraint`` (sample, year) codes into ``constraints``; and
        ``data_exhaustion_year`` (sample,) [year], where the event reads them.
    years : sequence of int
        Calendar years of the (sample, year) arrays' columns [year].
    constraints : sequence of str
        Ceiling names that the binding codes index.

    Returns
    -------
    numpy.ndarray of bool, shape (sample,)
    """
    tree = event.tree if isinstance(event, Event) else event
    years = list(years)
    constraints = list(constraints)

    def value(side):
        if isinstance(side, Number):
            return side.value
        if side.year is None:
            return np.asarray(outputs[side.name])
        return np.asarray(outputs[side.name])[:, years.index(side.year)]

    def node_value(node, depth=0):  # depth is bounded by MAX_DEPTH at parse time
        if isinstance(node, Compare):
            sides = (node.left, node.right)
            binding = [s for s in sides if isinstance(s, Ref) and s.name == BINDING]
            if binding:
                ref = binding[0]
                label = (node.right if ref is node.left else node.left).name
                codes = value(ref)
                return _OPS[node.op](codes, constraints.index(label))
            with np.errstate(invalid="ignore"):
                return _OPS[node.op](value(node.left), value(node.right))
        if isinstance(node, Not):
            return np.logical_not(node_value(node.operand, depth + 1))
        parts = [node_value(i, depth + 1) for i in node.items]
        combine = np.logical_and if node.op == "and" else np.logical_or
        out = parts[0]
        for p in parts[1:]:
            out = combine(out, p)
        return out

    n = _samples(outputs)
    return np.broadcast_to(np.asarray(node_value(tree), dtype=bool), (n,)).copy()


def _samples(outputs: dict) -> int:
    for v in outputs.values():
        return int(np.shape(v)[0])
    return 1


__all__ = [
    "BINDING",
    "MAX_COMPARISONS",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "OPERATORS",
    "SCALARS",
    "Compare",
    "Event",
    "Junction",
    "Not",
    "Number",
    "Ref",
    "check",
    "compile_event",
    "evaluate",
    "parse",
    "tokenize",
]
