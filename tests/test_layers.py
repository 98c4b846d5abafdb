"""The package keeps ARCHITECTURE.md's layers: imports go only downward, with no cycles."""

from __future__ import annotations

import textwrap
from pathlib import Path

from layers import cycles, violations

PACKAGE = Path(__file__).resolve().parents[1] / "scalesim"


def test_scalesim_imports_only_downward():
    assert violations(PACKAGE, "scalesim") == []


def test_scalesim_has_no_import_cycles():
    assert cycles(PACKAGE, "scalesim") == []


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "toy"
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))
    for folder in {p.parent for p in root.rglob("*.py")} | {root}:
        (folder / "__init__.py").touch()
    return root


def test_a_lower_layer_importing_an_upper_one_is_caught(tmp_path):
    root = _package(
        tmp_path,
        {
            "model/kernel.py": "import numpy\n",
            "engine/run.py": "from toy.model import kernel\n",
            "app/page.py": "from toy.engine.run import x\n",
            # the faults: model reaches up into the app, engine into present (inside a function)
            "model/bad.py": "from toy.app.page import y\n",
            "engine/late.py": "def f():\n    from toy.present import text\n",
            "present/text.py": "",
        },
    )
    found = violations(root, "toy")
    assert len(found) == 2
    assert any(
        "toy.model.bad imports toy.app.page" in f and "model imports only" in f for f in found
    )
    assert any("toy.engine.late imports toy.present.text" in f for f in found)


def test_relative_imports_and_the_public_api_are_resolved(tmp_path):
    root = _package(
        tmp_path,
        {
            "scenario/loader.py": "from ..engine import results\n",
            "engine/results.py": "",
            "analysis/sweep.py": "import toy\n",
        },
    )
    found = violations(root, "toy")
    assert any("toy.scenario.loader imports toy.engine.results" in f for f in found)
    assert any("toy.analysis.sweep imports toy " in f + " " and "public API" in f for f in found)
    assert len(found) == 2


def test_a_cycle_is_caught(tmp_path):
    root = _package(
        tmp_path,
        {
            "engine/a.py": "from toy.engine import b\n",
            "engine/b.py": "from toy.engine.a import f\n",
        },
    )
    assert cycles(root, "toy") == [["toy.engine.a", "toy.engine.b"]]
