"""Packaging: shipped files, scenario names, extras, and the wheel in a fresh environment."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
import zipfile

import pytest
from conftest import ROOT, SCENARIOS

import scalesim
from scalesim.cli import EXTRAS, main
from scalesim.cli import app as app_cli
from scalesim.errors import InputError
from scalesim.scenario import catalog

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _run(capsys, *args) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# --- names -----------------------------------------------------------------------------------


def test_list_shows_every_shipped_scenario_with_its_path(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./scenarios here: only the shipped ones
    code, out, err = _run(capsys, "list")
    assert (code, err) == (0, "")
    entries = re.findall(r"^(\S+): .*\n    (\S+) \((shipped|local)\)\n", out, flags=re.M)
    assert [e[0] for e in entries if "/" not in e[0]] == sorted(
        p.stem for p in SCENARIOS.glob("*.yaml")
    )
    for name, path, origin in entries:
        assert origin == "shipped"
        assert (tmp_path / path).resolve() == catalog.lookup(name).resolve()


def test_list_puts_local_scenarios_beside_the_shipped_ones(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "scenarios").mkdir()
    (tmp_path / "scenarios" / "mine.yaml").write_text("extends: baseline.yaml\nname: Mine\n")
    code, out, _ = _run(capsys, "list")
    assert code == 0
    assert "mine: Mine\n    scenarios/mine.yaml (local)\n" in out
    assert "baseline: " in out


def test_run_resolves_a_shipped_name_from_any_folder(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, "run", "baseline", "--samples", "500", "--seed", "3")
    assert (code, err) == (0, "")
    assert str(SCENARIOS / "baseline.yaml") in out
    by_name = scalesim.run("baseline", samples=500, seed=3).summary()
    by_path = scalesim.run(SCENARIOS / "baseline.yaml", samples=500, seed=3).summary()
    assert by_name["variables"] == by_path["variables"]


def test_unknown_name_lists_the_names_it_knows(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = _run(capsys, "run", "basline")
    assert (code, out) == (2, "")
    assert err.startswith("scalesim: error: no scenario file or name 'basline'; known names: ")
    assert "baseline" in err and err.count("\n") == 1


def test_extends_resolves_a_shipped_name(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text("extends: baseline.yaml\nname: Child\nsamples: 100\n")
    s = scalesim.load_scenario(child)
    base = scalesim.load_scenario(SCENARIOS / "baseline.yaml")
    assert s.name == "Child" and s.years == base.years


def test_extends_not_found_says_where_it_looked(tmp_path):
    child = tmp_path / "child.yaml"
    child.write_text("extends: nowhere.yaml\n")
    with pytest.raises(InputError, match="looked in .* and the shipped scenarios"):
        scalesim.load_scenario(child)


# --- extras ----------------------------------------------------------------------------------


def test_core_dependencies_leave_the_heavy_ones_to_extras():
    core = {re.split(r"[<>=\[ ]", d)[0].lower() for d in PYPROJECT["project"]["dependencies"]}
    heavy = {"streamlit", "pyarrow", "playwright", "vl-convert-python", "papermill", "dask"}
    assert not core & heavy
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert {"app", "report", "dask", "gpu"} <= set(extras)
    assert "dev" in PYPROJECT["dependency-groups"]


def test_a_missing_extra_is_one_line_naming_it(capsys, monkeypatch):
    def needs_streamlit(args):
        raise ModuleNotFoundError("No module named 'streamlit'", name="streamlit")

    monkeypatch.setattr(app_cli, "main", needs_streamlit)
    code, out, err = _run(capsys, "app")
    assert (code, out) == (2, "")
    assert err == (
        "scalesim: error: scalesim app needs 'streamlit', which is not installed: "
        "pip install 'scalesim[app]'\n"
    )


def test_every_extra_named_for_a_module_exists():
    extras = set(PYPROJECT["project"]["optional-dependencies"])
    assert set(EXTRAS.values()) <= extras


def test_app_command_serves_the_shipped_app_with_the_repository_settings():
    cmd = app_cli.command(8765)
    assert cmd[:4] == [sys.executable, "-m", "scalesim.app.launch", "run"]
    assert cmd[4] == str(ROOT / "app.py")
    assert "--server.port=8765" in cmd and "--server.fileWatcherType=none" in cmd


# --- the wheel -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [*_uv(), "build", "--wheel", "--quiet", "-o", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("scalesim-*.whl")
    return path


def _uv() -> list[str]:
    import shutil

    found = shutil.which("uv")
    return [found] if found else [sys.executable, "-m", "uv"]


def test_wheel_ships_the_scenarios_notebook_app_and_history_tables(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in SCENARIOS.rglob("*.yaml"):
        assert f"scalesim/_shipped/{path.relative_to(ROOT).as_posix()}" in names
    for path in ("notebooks/policy_report.py", "app.py", "pages/method.py", "docs/method.md"):
        assert f"scalesim/_shipped/{path}" in names
    for path in (ROOT / "scalesim" / "data").glob("*.csv"):
        assert f"scalesim/data/{path.name}" in names


def _venv(where, wheel, extras: str = ""):
    """A fresh virtual environment at ``where`` with the wheel (and ``extras``) installed, at
    the versions uv.lock pins (so the install comes from uv's cache when it is warm)."""
    uv = _uv()
    constraints = where.parent / f"{where.name}-constraints.txt"
    subprocess.run(
        [*uv, "export", "--project", str(ROOT), "--frozen", "--no-dev", "--all-extras"]
        + ["--no-hashes", "--no-emit-project", "--quiet", "-o", str(constraints)],
        check=True,
        capture_output=True,
    )
    subprocess.run([*uv, "venv", "--quiet", "--python", sys.executable, str(where)], check=True)
    target = f"{wheel}[{extras}]" if extras else str(wheel)
    python = where / "bin" / "python"
    subprocess.run(
        [*uv, "pip", "install", "--quiet", "--python", str(python), "-c", str(constraints), target],
        check=True,
        capture_output=True,
    )
    return where / "bin"


def _size_mb(venv) -> float:
    return sum(p.stat().st_size for p in venv.rglob("*") if p.is_file()) / 1e6


@pytest.mark.slow
def test_wheel_in_a_fresh_environment_lists_runs_validates_reports_and_serves(
    wheel, tmp_path_factory
):
    """The wheel with [app,report] outside the repository: every user-facing entry point."""
    base = tmp_path_factory.mktemp("fresh")
    bin_ = _venv(base / "venv", wheel, "app,report")
    work = base / "work"  # a working folder with no scenarios/ of its own
    work.mkdir()

    def cli(*args, timeout=300):
        done = subprocess.run(
            [str(bin_ / "scalesim"), *args],
            cwd=work,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    listed = cli("list")
    assert "baseline: " in listed and "/site-packages/scalesim/_shipped/scenarios/" in listed
    assert "median" in cli("run", "baseline", "--samples", "2000", "--summary-json", "s.json")
    assert (work / "s.json").is_file()
    assert cli("validate", "baseline").startswith("ok: ")
    cli("report", "baseline", "--samples", "2000", "--out", "r.html")
    assert "<html" in (work / "r.html").read_text(encoding="utf-8")[:2000].lower()

    import urllib.request

    from scalesim.app.server import free_port

    port = free_port()
    proc = subprocess.Popen(
        [str(bin_ / "scalesim"), "app", "--port", str(port)],
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group, stopped as a whole below
    )
    try:
        import time

        deadline = time.monotonic() + 60
        answer = ""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/_stcore/health", timeout=2
                ) as r:
                    answer = r.read().decode().strip()
                    break
            except OSError:
                time.sleep(0.2)  # polling interval of the health check
        assert answer == "ok"
    finally:
        import os
        import signal

        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=20)


@pytest.mark.slow
def test_core_install_runs_without_any_extra(wheel, tmp_path_factory):
    """No extras: run/validate/list work; a command that needs an extra says which."""
    base = tmp_path_factory.mktemp("core")
    bin_ = _venv(base / "venv", wheel)
    size = _size_mb(base / "venv")
    print(f"installed core: {size:.0f} MB")
    assert size < 150, f"the core install is {size:.0f} MB (issue 15: under 150 MB)"
    for args in (["list"], ["validate", "baseline"], ["run", "baseline", "--samples", "1000"]):
        done = subprocess.run(
            [str(bin_ / "scalesim"), *args], cwd=base, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
    done = subprocess.run(
        [str(bin_ / "scalesim"), "app"], cwd=base, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 2
    assert done.stderr.endswith("pip install 'scalesim[app]'\n"), done.stderr
    assert done.stderr.count("\n") == 1


# --- docs site and citation --------------------------------------------------------------------


@pytest.mark.slow
def test_docs_site_builds_strict(tmp_path):
    """``mkdocs build --strict`` (what ``make docs`` runs): generated pages, API reference."""
    import os

    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    cli_page = (site / "cli" / "index.html").read_text(encoding="utf-8")
    from scalesim.cli import command_modules

    for name in command_modules():
        assert f"scalesim {name}" in cli_page
    api = (site / "api" / "index.html").read_text(encoding="utf-8")
    assert 'id="scalesim.engine.run.run"' in api and 'id="scalesim.engine.results.Results"' in api
    scenarios_page = (site / "scenarios" / "index.html").read_text(encoding="utf-8")
    assert "parameters.economy.world_gdp" in scenarios_page


def test_citation_file_names_the_package_version():
    import yaml

    cff = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert cff["cff-version"] == "1.2.0"
    assert cff["version"] == PYPROJECT["project"]["version"] == scalesim.__version__
