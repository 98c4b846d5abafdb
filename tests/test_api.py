"""The public API: ``__all__`` is the API and nothing else, every name resolves lazily and is
in the API reference (docs/api.md), and every object the reference documents has a numpydoc
docstring: a summary, a Parameters section naming each parameter, a Returns section where it
returns a value, and a unit in brackets for each numeric parameter or field."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import re
import subprocess
import sys

import pytest
from conftest import ROOT

import scalesim

API_PAGE = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
#: ``::: target`` entries, with whether their members are documented too.
TARGETS = [
    (m[1], not m[2])
    for m in re.finditer(
        r"^::: ([\w.]+)\n((?:    options:\n      members: false\n)?)", API_PAGE, re.M
    )
]
#: Numeric parameters that are not quantities (no unit applies): a seed, how many worker
#: threads or processes, how many bootstrap resamples.
UNITLESS = {"seed", "workers", "num_resamples"}


def _resolve(dotted: str):
    module, _, name = dotted.rpartition(".")
    return getattr(importlib.import_module(module), name)


def test_all_is_the_api_and_nothing_else():
    api = set(scalesim.__all__)
    assert len(api) == len(scalesim.__all__)
    # registries and the pint unit registry are not the API (they still resolve, for old code)
    assert api.isdisjoint({"PARAMETERS", "ParamSpec", "VARIABLES", "HEADLINE", "ureg", "Prior"})
    assert scalesim.PARAMETERS is importlib.import_module("scalesim.model.parameters").PARAMETERS
    # the result types of the analyses are exported
    assert {"SensitivityResult", "SweepResult", "ExplainResult", "ReproductionCheck"} <= api
    assert (
        scalesim.ReproductionCheck is importlib.import_module("scalesim.analysis.reproduce").Check
    )


def test_dir_shows_the_lazy_names_and_hides_the_internal_ones():
    shown = dir(scalesim)
    assert set(scalesim.__all__) <= set(shown)
    assert "PARAMETERS" not in shown and "ureg" not in shown and "importlib" not in shown
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        scalesim.nope  # noqa: B018


def test_every_api_name_is_in_the_reference_as_the_same_object():
    documented = {}
    for target, _ in TARGETS:
        documented[target] = _resolve(target)
    by_object = {id(obj): t for t, obj in documented.items()}
    for name in scalesim.__all__:
        if name == "__version__":
            continue
        assert id(getattr(scalesim, name)) in by_object, f"scalesim.{name} is not in docs/api.md"


def test_import_is_lazy():
    probe = (
        "import sys, json, scalesim\n"
        "dir(scalesim)\n"
        "print(json.dumps([m for m in ('numpy', 'pandas', 'pint', 'pydantic', 'yaml') "
        "if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


# --- numpydoc docstrings -------------------------------------------------------------------------


def _sections(doc: str) -> dict[str, list[str]]:
    """numpydoc sections: ``{"Parameters": [lines], ...}``; the summary is under ``""``."""
    lines = doc.splitlines()
    out: dict[str, list[str]] = {"": []}
    current = ""
    i = 0
    while i < len(lines):
        if i + 1 < len(lines) and re.fullmatch(r"-{3,}", lines[i + 1].strip()) and lines[i].strip():
            current = lines[i].strip()
            out[current] = []
            i += 2
            continue
        out[current].append(lines[i])
        i += 1
    return out


def _entries(lines: list[str]) -> dict[str, str]:
    """``name -> text`` (type line and description) of a Parameters/Attributes section;
    ``a, b : float`` documents both names."""
    entries: dict[str, str] = {}
    names: list[str] = []
    for line in lines:
        if line and not line[0].isspace():
            head = line.split(" : ", 1)
            names = [n.strip().lstrip("*") for n in head[0].split(",")]
            for n in names:
                entries[n] = line
        elif names:
            for n in names:
                entries[n] += "\n" + line
    return entries


def _numeric(annotation) -> bool:
    """Whether an annotation is a number (``int``, ``float``, ``float | None``...)."""
    text = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    parts = {p.strip() for p in str(text).split("|")} - {"None"}
    return bool(parts) and parts <= {"int", "float"}


def _function_gaps(where: str, func) -> list[str]:
    doc = inspect.getdoc(func) or ""
    if not doc.strip():
        return [f"{where}: no docstring"]
    gaps = []
    sections = _sections(doc)
    sig = inspect.signature(func)
    params = [
        p
        for p in sig.parameters.values()
        if p.name not in ("self", "cls") and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]
    entries = _entries(sections.get("Parameters", []))
    for p in params:
        if p.name not in entries:
            gaps.append(f"{where}: parameter {p.name!r} not in Parameters")
        elif p.name not in UNITLESS and _numeric(p.annotation) and "[" not in entries[p.name]:
            gaps.append(f"{where}: parameter {p.name!r} has no unit in brackets")
    returns = sig.return_annotation
    if returns not in (None, "None", inspect.Signature.empty) and func.__name__ != "__init__":
        if not {"Returns", "Yields"} & set(sections):
            gaps.append(f"{where}: no Returns section")
    return gaps


def _class_gaps(where: str, cls, members: bool) -> list[str]:
    doc = inspect.getdoc(cls) or ""
    if not doc.strip():
        return [f"{where}: no docstring"]
    gaps = []
    sections = _sections(doc)
    if dataclasses.is_dataclass(cls):
        entries = _entries(sections.get("Attributes", []) + sections.get("Parameters", []))
        for f in dataclasses.fields(cls):
            if f.name.startswith("_"):
                continue
            if f.name not in entries:
                gaps.append(f"{where}: field {f.name!r} not in Attributes")
            elif f.name not in UNITLESS and _numeric(f.type) and "[" not in entries[f.name]:
                gaps.append(f"{where}: field {f.name!r} has no unit in brackets")
    if members:
        for name, value in vars(cls).items():
            if name.startswith("_"):
                continue
            if isinstance(value, property):
                if not (value.__doc__ or "").strip():
                    gaps.append(f"{where}.{name}: no docstring")
            elif isinstance(value, (staticmethod, classmethod)):
                gaps += _function_gaps(f"{where}.{name}", value.__func__)
            elif inspect.isfunction(value):
                gaps += _function_gaps(f"{where}.{name}", value)
    return gaps


def _gaps() -> list[str]:
    gaps = []
    for target, members in TARGETS:
        obj = _resolve(target)
        if inspect.isclass(obj):
            gaps += _class_gaps(target, obj, members)
        else:
            gaps += _function_gaps(target, obj)
    return gaps


def test_the_docstring_check_finds_what_is_missing():
    def bare(samples: int, label: str) -> float:
        """Summary only."""

    def good(samples: int, seed: int | None = None) -> float:
        """Summary.

        Parameters
        ----------
        samples : int
            Monte Carlo samples [samples].
        seed : int or None
            Seed.

        Returns
        -------
        float
            Something [FLOP].
        """

    def no_unit(flop: float) -> None:
        """Summary.

        Parameters
        ----------
        flop : float
            Compute.
        """

    assert _function_gaps("bare", bare) == [
        "bare: parameter 'samples' not in Parameters",
        "bare: parameter 'label' not in Parameters",
        "bare: no Returns section",
    ]
    assert _function_gaps("good", good) == []
    assert _function_gaps("no_unit", no_unit) == [
        "no_unit: parameter 'flop' has no unit in brackets"
    ]


def test_every_documented_object_has_a_numpydoc_docstring_with_units():
    assert len(TARGETS) >= 20
    gaps = _gaps()
    assert gaps == []


def test_the_output_module_has_numpydoc_docstrings():
    # scalesim.engine.io: every public function of the module that writes every output
    from scalesim.engine import io

    funcs = [
        f
        for name, f in vars(io).items()
        if inspect.isfunction(f) and not name.startswith("_") and f.__module__ == io.__name__
    ]
    assert len(funcs) >= 10
    assert [g for f in funcs for g in _function_gaps(f.__name__, f)] == []
