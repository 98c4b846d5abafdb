"""Start-up stays light: what ``import scalesim`` and ``scalesim --help`` load (not timed:
benchmarks/bench_startup.py prints the times)."""

from __future__ import annotations

import argparse
import importlib
import json
import subprocess
import sys

import pytest

import scalesim
from scalesim import cli

HEAVY = ("numpy", "pandas", "pint", "pydantic", "scipy", "yaml", "rich", "streamlit", "dask")


def _loaded_after(code: str) -> list[str]:
    probe = f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], check=True, capture_output=True, text=True
    ).stdout
    return json.loads(out.splitlines()[-1])


def test_import_scalesim_loads_no_heavy_dependency():
    loaded = _loaded_after("import scalesim")
    assert [m for m in HEAVY if m in loaded] == []


def test_help_loads_no_heavy_dependency_nor_command_module():
    loaded = _loaded_after(
        "import contextlib, io\nfrom scalesim.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['--help'])"
    )
    assert [m for m in HEAVY if m in loaded] == []
    assert [m for m in loaded if m.startswith("scalesim.cli.")] == []


def test_a_command_imports_only_its_own_module():
    loaded = _loaded_after(
        "import contextlib, io\nfrom scalesim.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n    main(['list', '--help'])"
    )
    assert [m for m in loaded if m.startswith("scalesim.cli.")] == ["scalesim.cli.list"]


@pytest.mark.parametrize("name", cli.command_modules())
def test_help_line_read_from_source_is_the_registered_one(name):
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers()
    importlib.import_module(f"scalesim.cli.{name}").register(sub)
    (action,) = sub._choices_actions
    assert cli.help_line(name) == action.help


def test_lazy_names_are_listed_by_dir_and_resolve():
    for name in scalesim.__all__:
        assert name in dir(scalesim)
    assert scalesim.run is importlib.import_module("scalesim.engine.run").run


def test_importing_scalesim_as_a_library_leaves_the_excepthook_alone():
    # the start-up Ctrl-C hook is only for the `scalesim` command itself
    probe = "import sys\nbefore = sys.excepthook\nimport scalesim\nprint(sys.excepthook is before)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
    probe = (
        "import sys\nsys.argv = ['/usr/bin/scalesim']\nimport scalesim\n"
        "from scalesim import _interrupt\nprint(sys.excepthook is _interrupt._hook)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "True"
