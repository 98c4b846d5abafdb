"""The event language of ``scalesim explain --when``: precedence, values, errors, hostile text."""

from __future__ import annotations

import itertools
import time

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scalesim.analysis import events as ev
from scalesim.errors import InputError

YEARS = [2029, 2030, 2031]
CONSTRAINTS = ("compute", "data", "power")
VARIABLES = ("largest_run_flop", "spend_usd", "a", "b", "c")


def _event(text: str) -> ev.Event:
    return ev.compile_event(text, variables=VARIABLES, years=YEARS, constraints=CONSTRAINTS)


def _bits(n_vars: int = 3) -> dict:
    """Every combination of n boolean 'variables', as values 0/1 in 2030 (2**n samples)."""
    rows = np.array(list(itertools.product([0.0, 1.0], repeat=n_vars)))
    out = {}
    for j, name in enumerate("abc"[:n_vars]):
        out[name] = np.repeat(rows[:, j : j + 1], len(YEARS), axis=1)
    return out, rows.astype(bool)


def _truth(text: str) -> np.ndarray:
    outputs, _ = _bits()
    return ev.evaluate(_event(text), outputs, YEARS, CONSTRAINTS)


# --- precedence -----------------------------------------------------------------------------


def test_and_binds_tighter_than_or_and_not_tightest():
    _, rows = _bits()
    a, b, c = rows.T
    # a or b and c == a or (b and c)
    assert np.array_equal(_truth("a[2030] > 0 or b[2030] > 0 and c[2030] > 0"), a | (b & c))
    assert np.array_equal(_truth("(a[2030] > 0 or b[2030] > 0) and c[2030] > 0"), (a | b) & c)
    # not a and b == (not a) and b
    assert np.array_equal(_truth("not a[2030] > 0 and b[2030] > 0"), ~a & b)
    assert np.array_equal(_truth("not (a[2030] > 0 and b[2030] > 0)"), ~(a & b))
    assert np.array_equal(_truth("not not a[2030] > 0"), a)
    # a chain of or / and is flat and associative
    assert np.array_equal(_truth("a[2030] > 0 or b[2030] > 0 or c[2030] > 0"), a | b | c)
    assert np.array_equal(_truth("a[2030] > 0 and b[2030] > 0 and c[2030] > 0"), a & b & c)


def test_the_tree_shows_the_precedence():
    tree = ev.parse("a[2030] > 0 or b[2030] > 0 and not c[2030] > 0")
    assert isinstance(tree, ev.Junction) and tree.op == "or"
    assert isinstance(tree.items[1], ev.Junction) and tree.items[1].op == "and"
    assert isinstance(tree.items[1].items[1], ev.Not)
    assert tree.text() == "a[2030] > 0 or b[2030] > 0 and not c[2030] > 0"
    assert ev.parse("(a[2030] > 0 or b[2030] > 0) and c[2030] > 0").text() == (
        "(a[2030] > 0 or b[2030] > 0) and c[2030] > 0"
    )


# --- values ---------------------------------------------------------------------------------


def test_comparisons_with_numbers_in_canonical_units():
    flop = np.array([[1e28, 1e29, 1e30], [1e28, 1e30, 1e31], [1e27, 2e30, 5e30]])
    outputs = {"largest_run_flop": flop}
    cases = {
        "largest_run_flop[2030] >= 1e30": [False, True, True],
        "largest_run_flop[2030] > 1e30": [False, False, True],
        "largest_run_flop[2030] == 1e30": [False, True, False],
        "largest_run_flop[2030] != 1e30": [True, False, True],
        "1e30 <= largest_run_flop[2030]": [False, True, True],
        "largest_run_flop[2031] < 5e30": [True, False, False],
        "largest_run_flop[2029] <= 1e28 and largest_run_flop[2031] >= 3e30": [False, True, True],
        "largest_run_flop[2029] < largest_run_flop[2030]": [True, True, True],
        "largest_run_flop[2030] > -1": [True, True, True],
    }
    for text, want in cases.items():
        got = ev.evaluate(_event(text), outputs, YEARS, CONSTRAINTS)
        assert got.tolist() == want, text


def test_binding_constraint_by_registry_name_and_exhaustion_year():
    codes = np.array([[0, 0, 1], [0, 1, 1], [2, 2, 2]], dtype=np.int8)  # compute, data, power
    exhaustion = np.array([2028.5, np.inf, 2029.0])
    outputs = {"binding_constraint": codes, "data_exhaustion_year": exhaustion}
    run = lambda text: ev.evaluate(_event(text), outputs, YEARS, CONSTRAINTS).tolist()  # noqa: E731
    assert run("binding_constraint[2030] == data") == [False, True, False]
    assert run("binding_constraint[2030] != data") == [True, False, True]
    assert run("data == binding_constraint[2031]") == [True, True, False]
    assert run("binding_constraint[2029] == power") == [False, False, True]
    # never exhausted is +inf: later than any year
    assert run("data_exhaustion_year < 2029") == [True, False, False]
    assert run("data_exhaustion_year >= 2029") == [False, True, True]
    assert run("data_exhaustion_year < 2029 or binding_constraint[2030] == data") == [
        True,
        True,
        False,
    ]


def test_the_event_reads_only_the_variables_it_names():
    e = _event("spend_usd[2030] > 1 or (binding_constraint[2030] == data and a[2031] < b[2029])")
    assert e.variables == ("spend_usd", "a", "b")
    assert _event("data_exhaustion_year < 2030").variables == ()


# --- errors ---------------------------------------------------------------------------------

SYNTAX_ERRORS = {
    "largest_run_flop[2030] = 1e30": "character 24: a single '=' is no comparison",
    "largest_run_flop[2030] >=": "character 26: expected a number or a name after '>=', got the end",
    "(a[2030] > 1": "character 13: expected ')' to close the '(' at character 1, got the end",
    "a[2030] > 1)": "character 12: expected 'and', 'or' or the end of the event, got ')'",
    "a[2030] 1": "character 9: expected a comparison operator",
    "a[2030] > 1 and": "character 16: expected a comparison such as",
    "a[x] > 1": "character 3: expected a calendar year such as 2030 inside a[...]",
    "a[2030.5] > 1": "character 3: expected a calendar year such as 2030 inside a[...]",
    "a[20x] > 1": "character 5: expected ']' after a[20, got 'x'",
    "a[2030 > 1": "character 8: expected ']' after a[2030",
    "1 < 2": "character 1: compares two numbers",
    "a[2030] < b[2030] < c[2030]": "character 19: expected 'and' between two comparisons",
    "a[2030] > 1e999": "character 11: 1e999 is not a finite number",
    "a[2030] > 1 && b[2030] > 1": "character 13: unexpected character '&'",
    "a[2030] > - b[2030]": "character 13: expected a number after '-'",
    "and > 1": "character 1: expected a comparison such as",
    "   ": "the event is empty",
    "a[٢٠٣٠] > 1": "character 3: unexpected character '٢'",  # digits are ASCII digits only
    "a[2030] > ٣": "character 11: unexpected character '٣'",
}


@pytest.mark.parametrize("text", SYNTAX_ERRORS)
def test_syntax_errors_are_one_line_with_the_position(text):
    with pytest.raises(InputError) as info:
        ev.parse(text)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith("when: ")
    assert SYNTAX_ERRORS[text] in message


NAME_ERRORS = {
    "largest_run_flp[2030] > 1": "character 1: unknown output 'largest_run_flp' (did you mean "
    "'largest_run_flop'?)",
    "a[2040] > 1": "character 1: year 2040 is outside the scenario's years 2029–2031",
    "a > 1": "character 1: a needs a year, e.g. a[2030]",
    "data_exhaustion_year[2030] < 1": "data_exhaustion_year takes no [year]",
    "binding_constraint[2030] == chips": "'chips' is not a ceiling of this scenario (its "
    "ceilings: compute, data, power)",
    "binding_constraint[2030] == dta": "(did you mean 'data'?)",
    "binding_constraint[2030] < data": "compared with '==' or '!=', not '<'",
    "binding_constraint[2030] == 1": "character 29: expected a ceiling name",
    "binding_constraint == data": "binding_constraint needs a year",
    "a[2030] > 1 or data > 2": "character 16: unknown output 'data'",
}


@pytest.mark.parametrize("text", NAME_ERRORS)
def test_unknown_names_and_years_are_one_line_with_the_position(text):
    with pytest.raises(InputError) as info:
        _event(text)
    assert "\n" not in str(info.value)
    assert NAME_ERRORS[text] in str(info.value)


# --- hostile text ---------------------------------------------------------------------------


def _fast_error(text: str, expected: str) -> None:
    start = time.perf_counter()
    with pytest.raises(InputError) as info:
        _event(text)
    elapsed = time.perf_counter() - start
    assert "\n" not in str(info.value) and len(str(info.value)) < 300
    assert expected in str(info.value)
    assert elapsed < 0.5, elapsed


def test_ten_thousand_nested_parentheses_are_refused_fast():
    _fast_error("(" * 10_000 + "a[2030] > 1" + ")" * 10_000, "at most 1,000")
    # under the length limit, the depth limit: no deep recursion either way
    _fast_error("(" * 400 + "a[2030] > 1" + ")" * 400, "nested more than 32 levels deep")
    _fast_error("not " * 200 + "a[2030] > 1", "nested more than 32 levels deep")
    # the limit itself is fine
    depth = ev.MAX_DEPTH
    assert _event("(" * depth + "a[2030] > 1" + ")" * depth).variables == ("a",)


def test_a_megabyte_of_text_is_refused_fast():
    _fast_error("a" * 1_000_000, "1,000,000 characters long")
    _fast_error("a[2030] > 1 or " * 70_000 + "a[2030] > 1", "characters long")
    _fast_error("\x00" * 1_000_000, "characters long")


def test_too_many_comparisons_are_refused():
    text = " or ".join(["a[2030]>1"] * (ev.MAX_COMPARISONS + 1))
    assert len(text) <= ev.MAX_LENGTH
    _fast_error(text, f"more than {ev.MAX_COMPARISONS} comparisons")


ALPHABET = st.sampled_from(
    ["a[2030]", "b[2031]", "data", "binding_constraint[2030]", "data_exhaustion_year", "1e30",
     "-", "2.5", "(", ")", "[", "]", "<", "<=", ">", ">=", "==", "!=", "=", " and ", " or ",
     "not ", " ", "x", "é", "\n", "9" * 30]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=30))
def test_any_text_parses_or_gives_one_line(parts):
    text = "".join(parts)
    try:
        e = _event(text)
    except InputError as exc:
        assert "\n" not in str(exc)
        return
    # what parses evaluates, and its canonical text parses to the same tree
    assert ev.parse(e.canonical).text() == e.canonical
    outputs, _ = _bits(3)
    outputs["binding_constraint"] = np.zeros((8, 3), dtype=np.int8)
    outputs["data_exhaustion_year"] = np.full(8, 2030.0)
    assert ev.evaluate(e, outputs, YEARS, CONSTRAINTS).shape == (8,)
