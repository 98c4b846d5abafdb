"""Regenerate the stored summaries of tests/test_regression.py.

Run after an intended change to the model or a shipped scenario, check the diff, and say
in the commit message why the numbers moved:

    uv run python tests/regenerate.py
"""

from __future__ import annotations

import json
from pathlib import Path

import scalesim

ROOT = Path(__file__).resolve().parents[1]
STORE = Path(__file__).resolve().parent / "data" / "regression"
SAMPLES = 8192
SEED = 20241125


def summary(path: Path) -> dict:
    """The summary the regression test compares, with machine-independent fields only."""
    s = scalesim.run(path, samples=SAMPLES, seed=SEED).summary()
    s.pop("scalesim_version")
    s["scenario"].pop("path")
    return s


def main() -> None:
    STORE.mkdir(parents=True, exist_ok=True)
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        out = STORE / f"{path.stem}.json"
        out.write_text(json.dumps(summary(path), indent=1, sort_keys=True) + "\n")
        print(f"wrote {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
