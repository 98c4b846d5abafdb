"""The benchmark scripts stay importable (they print figures; nothing here times anything)."""

from __future__ import annotations

import importlib.util
import json
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

SCRIPTS = sorted((ROOT / "benchmarks").glob("bench_*.py"))


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_benchmark_imports(path):
    spec = importlib.util.spec_from_file_location(f"_bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert callable(getattr(module, "main", None))


GPU_SCRIPTS = [ROOT / "benchmarks" / "gpu.sh", ROOT / "benchmarks" / "gpu_wheels.sh"]


@pytest.mark.parametrize("path", GPU_SCRIPTS, ids=[p.name for p in GPU_SCRIPTS])
def test_gpu_scripts_parse(path):
    out = subprocess.run(["bash", "-n", str(path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr


def test_gpu_sh_without_a_gpu_says_so_in_one_line(tmp_path):
    if shutil.which("nvidia-smi"):
        pytest.skip("this machine has nvidia-smi: gpu.sh would run the whole benchmark")
    out = subprocess.run(
        ["bash", str(GPU_SCRIPTS[0]), str(tmp_path / "out")], capture_output=True, text=True
    )
    assert out.returncode == 3
    assert out.stderr.splitlines() == ["gpu.sh: no GPU: nvidia-smi is not on PATH"]
    assert "no GPU" in (tmp_path / "out" / "gpu.log").read_text()


def test_bench_gpu_compares_two_backends(tmp_path, monkeypatch):
    """bench_gpu.py end to end on the CPU: NumPy against array_api_strict, one block each."""
    spec = importlib.util.spec_from_file_location(
        "_bench_gpu_run", ROOT / "benchmarks" / "bench_gpu.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    n = "16384"
    argv = ["bench_gpu.py", "--backend", "array_api_strict", "--samples", n, "--numpy-samples"]
    argv += [n, "--compare", n, "--json", str(tmp_path / "engine.json")]
    monkeypatch.setattr(sys, "argv", argv)
    assert module.main() == 0
    report = json.loads((tmp_path / "engine.json").read_text())
    assert report["comparison"]["within_tolerance"]
    assert report["comparison"]["summary_leaves"] > 100
    assert [r["backend"] for r in report["runs"]] == ["numpy", "array_api_strict"]
    assert report["speedup_over_numpy"].keys() == {n}
