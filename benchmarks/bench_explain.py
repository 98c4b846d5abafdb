"""``scalesim explain`` on the baseline: "which assumptions make data bind by 2030?".

Prints the wall time of the whole command ``scalesim explain scenarios/baseline.yaml --when
"binding_constraint[2030] == data" -n 100000`` (start-up included; target: under 10 s) and
of :func:`scalesim.analysis.explain.explain` in-process, split into the run (engine.run with
the kept outputs) and the analysis (draws, KS ranking, PRIM); explain's memory estimate
(scalesim.analysis.explain_memory); the boxes reported; and the time the event parser takes
to refuse hostile text (10,000 nested parentheses, 1 MB). Timings depend on what else the
machine runs: the 1-minute load average is printed beside them.

Usage: ``uv run python benchmarks/bench_explain.py [--samples N] [--json PATH]``
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import scalesim  # noqa: E402
from scalesim.analysis import events  # noqa: E402
from scalesim.analysis.explain import explain  # noqa: E402
from scalesim.analysis.explain_memory import check_memory  # noqa: E402
from scalesim.errors import InputError  # noqa: E402

BASELINE = ROOT / "scenarios" / "baseline.yaml"
EVENT = "binding_constraint[2030] == data"
TARGET_S = 10.0


def _refusal_time(text: str) -> float:
    start = time.perf_counter()
    try:
        events.parse(text)
    except InputError:
        pass
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=float, default=1e5)
    parser.add_argument("--json", default=None, help="write the figures as JSON")
    args = parser.parse_args(argv)
    n = int(args.samples)
    scenario = scalesim.load_scenario(BASELINE)

    command = [sys.executable, "-c", "import sys; from scalesim.cli import main; sys.exit(main())"]
    command += ["explain", str(BASELINE), "--when", EVENT, "-n", str(n), "-q"]
    load_before = os.getloadavg()[0]
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT)
    command_s = time.perf_counter() - start

    start = time.perf_counter()
    scalesim.run(scenario, samples=n, keep=["largest_run_flop"], summarize=[])
    run_s = time.perf_counter() - start
    start = time.perf_counter()
    result = explain(scenario, EVENT, samples=n)
    total_s = time.perf_counter() - start
    figures = {
        "samples": n,
        "event": EVENT,
        "probability": result.probability,
        "first_parameter": result.parameters[0].parameter,
        "boxes": [[b.parameter for b in box.bounds] for box in result.boxes],
        "memory_estimate_bytes": check_memory(scenario, n, n_keep=1, budget="1TiB")[0].total,
        "command_s": command_s,
        "load_average_1min": [load_before, os.getloadavg()[0]],
        "explain_s": total_s,
        "run_only_s": run_s,
        "analysis_s": total_s - run_s,
        "target_s": TARGET_S,
        "refuse_10000_parentheses_s": _refusal_time("(" * 10_000 + "x[2030] > 1" + ")" * 10_000),
        "refuse_1MB_s": _refusal_time("a" * 1_000_000),
    }
    print(f"scalesim explain {EVENT!r} on the baseline at {n:,} samples: {command_s:.2f} s")
    print(f"  target < {TARGET_S:g} s: {'met' if command_s < TARGET_S else 'NOT met'}")
    print(
        f"  load average (1 min) {load_before:.2f} before, {os.getloadavg()[0]:.2f} after; "
        f"{os.cpu_count()} CPUs"
    )
    print(f"explain() in-process: {total_s:.2f} s")
    print(f"  of which engine.run {run_s:.2f} s, the analysis ~{total_s - run_s:.2f} s")
    print(f"  memory estimate {figures['memory_estimate_bytes'] / 2**20:.0f} MiB")
    print(f"  boxes: {figures['boxes']}")
    print(f"  P = {result.probability:.4f}; first prior: {result.parameters[0].parameter}")
    print(
        f"refusing 10,000 nested parentheses: {figures['refuse_10000_parentheses_s'] * 1e3:.3f} ms;"
        f" 1 MB of text: {figures['refuse_1MB_s'] * 1e3:.3f} ms"
    )
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return figures


if __name__ == "__main__":
    main()
