"""Build time of a policy report: baseline plus two other scenarios at the default samples.

Runs ``scalesim report`` end to end in a fresh process, as a user would (interpreter start,
kernel start, 3 scenarios x 20,000 samples, one-at-a-time sensitivity of each, charts,
conversion), once for the HTML alone and once with the PDF, and prints the wall times. The
target is under 60 s.

Usage: ``uv run python benchmarks/bench_report.py [--samples N]``
"""

from __future__ import annotations

import argparse
import os
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
TARGET_S = 60.0


def build(folder: Path, samples: int, pdf: bool) -> float:
    """Wall time [s] of one ``scalesim report`` process."""
    argv = [
        sys.executable,
        "-m",
        "scalesim.cli",
        "report",
        *map(str, SCENARIOS),
        "--out",
        str(folder / "report.html"),
        "--samples",
        str(samples),
    ]
    if pdf:
        argv += ["--pdf", str(folder / "report.pdf")]
    start = time.perf_counter()
    subprocess.run(argv, check=True, capture_output=True, text=True, cwd=ROOT)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=20_000)
    args = parser.parse_args()
    from scalesim.present.report.build import chromium_path

    print(
        f"report on {len(SCENARIOS)} scenarios x {args.samples:,} samples "
        f"({os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f})"
    )
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        folder = Path(tmp)
        html_s = build(folder, args.samples, pdf=False)
        size = (folder / "report.html").stat().st_size
        print(f"  HTML only:  {html_s:6.1f} s   ({size / 1e3:.0f} kB)")
        if chromium_path():
            both_s = build(folder, args.samples, pdf=True)
            pdf_size = (folder / "report.pdf").stat().st_size
            print(f"  HTML + PDF: {both_s:6.1f} s   (PDF {pdf_size / 1e3:.0f} kB)")
        else:
            both_s = html_s
            print("  HTML + PDF: skipped (chromium not installed)")
    verdict = "under" if both_s < TARGET_S else "OVER"
    print(f"  {verdict} the {TARGET_S:.0f} s target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
