"""``scalesim explain`` on the baseline: "which assumptions make data bind by 2030?".

Prints the wall time of :func:`scalesim.analysis.explain.explain` for the event
``binding_constraint[2030] == data`` at 1e5 samples (target: under 10 s), split into the
run (engine.run with the kept outputs) and the analysis (draws, KS ranking, PRIM), and the
time the event parser takes to refuse hostile text (10,000 nested parentheses, 1 MB).
Timings depend on what else the machine runs.

Usage: ``uv run python benchmarks/bench_explain.py [--samples N] [--json PATH]``
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import scalesim  # noqa: E402
from scalesim.analysis import events  # noqa: E402
from scalesim.analysis.explain import explain  # noqa: E402
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
        "explain_s": total_s,
        "run_only_s": run_s,
        "analysis_s": total_s - run_s,
        "target_s": TARGET_S,
        "refuse_10000_parentheses_s": _refusal_time("(" * 10_000 + "x[2030] > 1" + ")" * 10_000),
        "refuse_1MB_s": _refusal_time("a" * 1_000_000),
    }
    print(f"explain {EVENT!r} on the baseline at {n:,} samples: {total_s:.2f} s")
    print(f"  of which engine.run {run_s:.2f} s, the analysis ~{total_s - run_s:.2f} s")
    print(f"  target < {TARGET_S:g} s: {'met' if total_s < TARGET_S else 'NOT met'}")
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
