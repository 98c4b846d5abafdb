"""Build time of a policy report: baseline plus two other scenarios at the default samples.

Runs ``scalesim report`` end to end in a fresh process, as a user would (interpreter start,
imports, 3 scenarios x 20,000 samples, one-at-a-time sensitivity, charts, HTML, and chromium
printing the PDF), and prints the wall time and the CPU time of each build, the PDF's page
count, and the verdict against the 10 s target for HTML + PDF.

Python's bytecode cache matters here: an installed package has it (pip compiles at install;
Python writes it on first import), but a shell with ``PYTHONDONTWRITEBYTECODE=1`` makes every
process compile scalesim, pandas, pint and Altair again (~3 s on 2 cores). The builds use a
cache of their own in a temporary folder (``PYTHONPYCACHEPREFIX``), warmed by one untimed
build, unless ``--no-bytecode-cache``.

Usage: ``uv run python benchmarks/bench_report.py [--samples N] [--repeat R]``
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = [
    ROOT / "scenarios" / n
    for n in ("baseline.yaml", "spending-plateau.yaml", "synthetic-data.yaml")
]
TARGET_S = 10.0
MAX_PAGES = 12


def build(folder: Path, samples: int, pdf: bool, env: dict) -> tuple[float, float]:
    """Wall and CPU time [s] (the process and its children: chromium) of one report."""
    argv = [sys.executable, "-m", "scalesim.cli", "report", *map(str, SCENARIOS)]
    argv += ["-o", str(folder / "report.html"), "-n", str(samples), "-q"]
    if pdf:
        argv += ["--pdf", str(folder / "report.pdf")]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, text=True, cwd=ROOT, env=env)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def pages(pdf: Path) -> int | None:
    """Page count of a PDF (pdfinfo, else a count of its page objects)."""
    if shutil.which("pdfinfo"):
        out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        m = re.search(r"Pages:\s+(\d+)", out)
        if m:
            return int(m.group(1))
    return len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes())) or None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3, help="timed builds of each kind")
    parser.add_argument("--no-bytecode-cache", action="store_true")
    args = parser.parse_args()
    from scalesim.present.report.build import chromium_path

    with_pdf = chromium_path() is not None
    print(
        f"report on {len(SCENARIOS)} scenarios x {args.samples:,} samples "
        f"({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; timings on a shared "
        "machine are noisy)"
    )
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        folder = Path(tmp)
        env = dict(os.environ)
        if not args.no_bytecode_cache:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = str(folder / "pycache")
            build(folder, args.samples, with_pdf, env)  # warms the bytecode cache
        print(f"  bytecode cache: {'off' if args.no_bytecode_cache else 'on (warmed)'}")
        results = {}
        for kind in ("HTML only", "HTML + PDF") if with_pdf else ("HTML only",):
            times = [
                build(folder, args.samples, kind != "HTML only", env) for _ in range(args.repeat)
            ]
            wall = statistics.median(t[0] for t in times)
            cpu = statistics.median(t[1] for t in times)
            results[kind] = wall
            print(
                f"  {kind:<11} median of {args.repeat}: {wall:5.1f} s wall, {cpu:5.1f} s CPU "
                f"(walls {', '.join(f'{t[0]:.1f}' for t in times)})"
            )
        size = (folder / "report.html").stat().st_size
        print(f"  HTML: {size / 1e3:.0f} kB")
        if with_pdf:
            n = pages(folder / "report.pdf")
            pdf_kb = (folder / "report.pdf").stat().st_size / 1e3
            print(f"  PDF: {n} pages, {pdf_kb:.0f} kB (at most {MAX_PAGES} pages)")
        else:
            print("  HTML + PDF: skipped (chromium not installed)")
    final = results.get("HTML + PDF", results["HTML only"])
    verdict = "under" if final < TARGET_S else "OVER"
    print(f"  {verdict} the {TARGET_S:.0f} s target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
