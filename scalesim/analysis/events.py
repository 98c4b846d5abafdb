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

The text is parsed by a tokenizer and a recursive-descent parser written for it
(:mod:`scalesim.analysis.event_syntax`): nothing is evaluated as Python. Bad text gives one
line naming the character position and what was expected (:class:`~scalesim.errors.InputError`). Length, nesting depth and the number of
comparisons are bounded (:data:`MAX_LENGTH`, :data:`MAX_DEPTH`, :data:`MAX_COMPARISONS`), so
hostile text is refused in time linear in its length, before any recursion.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scalesim.analysis.event_syntax import (
    BINDING,
    MAX_COMPARISONS,
    MAX_DEPTH,
    MAX_LENGTH,
    OPERATORS,
    SCALARS,
    Compare,
    Junction,
    Not,
    Number,
    Ref,
    parse,
    tokenize,
)
from scalesim.errors import InputError, did_you_mean

_OPS = {
    "<": np.less,
    "<=": np.less_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "==": np.equal,
    "!=": np.not_equal,
}


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
    source: str = "when",
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

    def fail(pos: int, message: str) -> InputError:
        return InputError(f"character {pos}: {message}", key=source)

    for cmp in _comparisons(tree):
        sides = (cmp.left, cmp.right)
        binding = [s for s in sides if isinstance(s, Ref) and s.name == BINDING]
        if binding:
            ref = binding[0]
            other = cmp.right if ref is cmp.left else cmp.left
            if ref.year is None:
                raise fail(ref.pos, f"{BINDING} needs a year: {BINDING}[2030]")
            _check_year(ref, years, fail)
            if cmp.op not in ("==", "!="):
                raise fail(cmp.pos, f"{BINDING} is compared with '==' or '!=', not {cmp.op!r}")
            if not isinstance(other, Ref) or other.year is not None:
                raise fail(
                    other.pos,
                    f"expected a ceiling name ({', '.join(constraints)}) to compare {BINDING} with",
                )
            if other.name not in constraints:
                raise fail(
                    other.pos,
                    f"{other.name!r} is not a ceiling of this scenario "
                    f"(its ceilings: {', '.join(constraints)})"
                    + did_you_mean(other.name, constraints),
                )
            continue
        for side in sides:
            if isinstance(side, Number):
                continue
            if side.name not in known:
                raise fail(
                    side.pos,
                    f"unknown output {side.name!r}"
                    + (did_you_mean(side.name, known) or f"; one of {', '.join(known)}"),
                )
            if side.name in SCALARS:
                if side.year is not None:
                    raise fail(side.pos, f"{side.name} takes no [year]")
                continue
            if side.year is None:
                raise fail(side.pos, f"{side.name} needs a year, e.g. {side.name}[2030]")
            _check_year(side, years, fail)
            used[side.name] = None
    return tuple(used)


def _check_year(ref: Ref, years, fail) -> None:
    if ref.year not in years:
        raise fail(
            ref.pos, f"year {ref.year} is outside the scenario's years {years[0]}–{years[-1]}"
        )


def compile_event(text: str, *, variables, years, constraints, source: str = "when") -> Event:
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
