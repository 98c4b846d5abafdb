"""Regenerate (or check) the stored summaries of tests/test_regression.py.

Run after an intended change to the model or a shipped scenario, look at what moved, and say
in the commit message which change moved the numbers:

    uv run python tests/regenerate.py --check          # list what differs; writes nothing
    uv run python tests/regenerate.py                  # rewrite every stored summary
    uv run python tests/regenerate.py baseline ...     # rewrite only these scenarios

``--check`` applies exactly the comparison of the test (:func:`differences`).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import scalesim

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
STORE = Path(__file__).resolve().parent / "data" / "regression"
SAMPLES = 8192
SEED = 20241125

#: Tolerance of the floating-point quantiles and means, relative. The same scenario, samples
#: and seed give bit-identical summaries on one machine (draws in fixed blocks, a fixed order
#: of additions, math.fsum of block sums), so 1e-9 would hold there; 1e-6 leaves room for
#: another CPU, libm or BLAS whose exp/log/pow differ in the last bits. A real change of the
#: model or of a scenario moves quantiles by far more than 1e-6. One quantile alone off by up
#: to 2.3e-3 (a 0.001-wide log10 bin) on another machine would mean that a sample sat within
#: rounding of a bin edge: check, then regenerate.
RTOL = 1e-6
#: Tolerance of exhaustion and arrival years [year], absolute: they are fractional calendar
#: years (~2030) rounded to 0.001 year, so a relative 1e-6 (0.002 year) would hide a change.
YEAR_ATOL = 1e-6
#: Keys of a variable's summary that are floating-point quantiles or means.
VARIABLE_STATS = {"p5", "p25", "p50", "p75", "p95", "mean"}


def summary(path: Path) -> dict:
    """The summary the regression test compares, with machine-independent fields only, as
    it reads back from JSON (so that it compares like with like with the stored file)."""
    s = scalesim.run(path, samples=SAMPLES, seed=SEED).summary()
    s.pop("scalesim_version")
    s["scenario"].pop("path")
    return json.loads(json.dumps(s))


def dumps(s: dict) -> str:
    """The stored file's text for summary ``s``."""
    return json.dumps(s, indent=1, sort_keys=True) + "\n"


def tolerance(where: tuple[str, ...]) -> tuple[float, float] | None:
    """(rtol, atol) for the value at key path ``where``; None where it must match exactly.

    Only floating-point quantiles and means have a tolerance. Everything else is exact: the
    scenario's name and SHA-256, samples, seed, years, quantile method, units, the sets of
    variables, constraints and milestones, and every share (a count of samples over the
    number of samples: the same counts give the same float).
    """
    match where:
        case ("variables", _, stat) if stat in VARIABLE_STATS:
            return RTOL, 0.0
        case ("data_exhaustion_year", q) if q.startswith("p"):
            return 0.0, YEAR_ATOL
        case ("milestones", _, "arrival_year", q) if q.startswith("p"):
            return 0.0, YEAR_ATOL
    return None


def _exact(got, want) -> bool:
    """Equal and of the same JSON type (1 and 1.0 and True differ)."""
    if isinstance(want, list):
        return isinstance(got, list) and len(got) == len(want) and all(map(_exact, got, want))
    return type(got) is type(want) and got == want


def _close(got, want, rtol: float, atol: float) -> bool:
    if want is None or got is None:  # null: the quantile is never reached (or infinite)
        return got is None and want is None
    if not isinstance(got, (int, float)) or isinstance(got, bool):
        return False
    return math.isfinite(got) and abs(got - want) <= atol + rtol * abs(want)


def differences(got, want, where: tuple[str, ...] = ()) -> list[str]:
    """Every way ``got`` differs from the stored summary ``want``, one line each (empty when
    they agree): keys missing or extra, exact fields unequal, quantiles out of tolerance."""
    name = ".".join(where) or "summary"
    if isinstance(want, dict):
        if not isinstance(got, dict):
            return [f"{name}: expected a mapping, got {got!r}"]
        out = []
        if missing := sorted(set(want) - set(got)):
            out.append(f"{name}: missing {missing}")
        if extra := sorted(set(got) - set(want)):
            out.append(f"{name}: not in the stored summary {extra}")
        for key in sorted(set(want) & set(got)):
            out += differences(got[key], want[key], (*where, key))
        return out
    tol = tolerance(where)

    def same(g, w) -> bool:
        return _exact(g, w) if tol is None else _close(g, w, *tol)

    if isinstance(want, list):  # element by element, so that a message names the year
        if not isinstance(got, list) or len(got) != len(want):
            return [f"{name}: got {got!r}, stored {want!r}"]
        bad = [i for i, (g, w) in enumerate(zip(got, want, strict=True)) if not same(g, w)]
        return [f"{name}[{i}]: got {got[i]!r}, stored {want[i]!r}" for i in bad]
    return [] if same(got, want) else [f"{name}: got {got!r}, stored {want!r}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("stems", nargs="*", help="scenario names (default: every scenario)")
    parser.add_argument("--check", action="store_true", help="list differences, write nothing")
    args = parser.parse_args(argv)
    paths = sorted(SCENARIOS.glob("*.yaml"))
    if args.stems:
        known = {p.stem: p for p in paths}
        if unknown := sorted(set(args.stems) - set(known)):
            parser.error(f"no such scenario: {', '.join(unknown)}")
        paths = [known[s] for s in args.stems]
    STORE.mkdir(parents=True, exist_ok=True)
    failed = 0
    for path in paths:
        out = STORE / f"{path.stem}.json"
        s = summary(path)
        if args.check:
            diffs = (
                differences(s, json.loads(out.read_text()))
                if out.exists()
                else ["no stored summary"]
            )
            failed += bool(diffs)
            print(f"{path.stem}: {len(diffs)} differences" if diffs else f"{path.stem}: same")
            for line in diffs[:20]:
                print(f"  {line}")
            if len(diffs) > 20:
                print(f"  ... and {len(diffs) - 20} more")
        else:
            out.write_text(dumps(s))
            print(f"wrote {out.relative_to(ROOT)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
