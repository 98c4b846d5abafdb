"""Web-app render times at 20,000 samples: first render and a slider change.

Two measurements:

- AppTest (streamlit.testing, in a fresh Python process): the first run of app.py (imports
  included, then with imports done beforehand) and a change of the spending-growth slider,
  which misses the cache and reruns the projection.
- A real browser (Debian chromium + Playwright against ``streamlit run app.py``): from
  navigation to all five charts drawn and the app idle, on a just-started server (cold:
  imports and first projection) and in a second session (warm); then the keyboard moving the
  slider to the changed fan chart.

Each figure is the median of ``--repeat`` tries (slider changes use a new value each time, so
every one runs the projection). Usage::

    uv run python benchmarks/bench_app.py [--repeat 3] [--skip-browser] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scalesim.app.server import serve  # noqa: E402
from scalesim.present.report.build import CHROMIUM_ARGS  # noqa: E402

SAMPLES = 20_000
CHROMIUM = "/usr/bin/chromium"  # Debian's, installed by `make chromium`

APPTEST_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
if sys.argv[1] == "warm":
    import altair, pandas, streamlit, scalesim, scalesim.app_support, scalesim.plots  # noqa
t1 = time.perf_counter()
from streamlit.testing.v1 import AppTest
at = AppTest.from_file("app.py", default_timeout=300).run()
assert not at.exception, at.exception
assert at.select_slider(key="samples").value == %(samples)d
t2 = time.perf_counter()
moves = []
for i in range(%(repeat)d):
    hi = 3.0 + 0.05 * i
    t = time.perf_counter()
    at.slider(key="edit:spending.growth").set_value((2.0, hi)).run()
    moves.append(time.perf_counter() - t)
    assert not at.exception, at.exception
print(json.dumps({"imports": t1 - t0, "first": t2 - t1, "slider": moves}))
"""


def apptest(repeat: int) -> dict:
    """AppTest timings in fresh processes: cold (imports in the run) and warm."""
    out = {}
    for mode in ("cold", "warm"):
        code = APPTEST_CHILD % {"samples": SAMPLES, "repeat": repeat}
        proc = subprocess.run(
            [sys.executable, "-c", code, mode], cwd=ROOT, capture_output=True, text=True, check=True
        )
        out[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


def browser(repeat: int) -> dict:
    """Browser timings against a freshly started server."""
    from playwright.sync_api import sync_playwright

    with serve() as url:
        with sync_playwright() as p:
            chrome = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            try:
                return _browser_timings(chrome, url, repeat)
            finally:
                chrome.close()


def _idle(page) -> None:
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=120_000)


def _render(chrome, url: str) -> tuple[float, object]:
    page = chrome.new_page(viewport={"width": 1400, "height": 2600})
    t = time.perf_counter()
    page.goto(url)
    charts = page.locator('[data-testid="stVegaLiteChart"]')
    charts.nth(4).wait_for(timeout=120_000)
    for i in range(5):
        charts.nth(i).locator("canvas, svg").first.wait_for(timeout=120_000)
    _idle(page)
    return time.perf_counter() - t, page


def _browser_timings(chrome, url: str, repeat: int) -> dict:
    cold, page = _render(chrome, url)
    page.close()
    warm = []
    for _ in range(repeat):
        seconds, page = _render(chrome, url)
        warm.append(seconds)
        page.close()
    seconds, page = _render(chrome, url)
    fan = page.locator('[data-testid="stVegaLiteChart"]').first
    growth = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').filter(
        has_text="Growth of the largest run's cost"
    )
    thumb = growth.locator('input[type="range"]').nth(1)
    footer = page.get_by_text(re.compile(r"scenario sha256 [0-9a-f]{16}"))
    moves = []
    for _ in range(repeat):
        before_footer = footer.inner_text()
        before = fan.screenshot()
        thumb.focus()
        t = time.perf_counter()
        page.keyboard.press("ArrowRight")
        # The footer (the page's last element) shows the new scenario hash once the run is done.
        page.wait_for_function(
            "([el, v]) => el.innerText !== v",
            arg=[footer.element_handle(), before_footer],
            timeout=120_000,
        )
        _idle(page)
        deadline = time.monotonic() + 120
        while fan.screenshot() == before:  # poll until the redrawn chart differs
            if time.monotonic() > deadline:
                raise RuntimeError("the fan chart did not change")
            page.wait_for_timeout(20)
        _idle(page)
        moves.append(time.perf_counter() - t)
    return {"cold": cold, "warm": warm, "slider": moves}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="tries per figure (median shown)")
    parser.add_argument("--skip-browser", action="store_true", help="AppTest timings only")
    parser.add_argument("--json", default=None, help="also write the raw timings here")
    args = parser.parse_args(argv)

    med = statistics.median
    results = {
        "samples": SAMPLES,
        "cpus": os.cpu_count(),
        "load_average_1min": os.getloadavg()[0],
        "apptest": apptest(args.repeat),
    }
    a = results["apptest"]
    print(
        f"scalesim web app at {SAMPLES:,} samples (median of {args.repeat}; "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f})"
    )
    print("AppTest (in-process script runs)")
    print(f"  first render, imports included        {a['cold']['first']:6.2f} s")
    print(
        f"  first render, imports done beforehand {a['warm']['first']:6.2f} s"
        f"   (imports {a['warm']['imports']:.2f} s)"
    )
    print(f"  slider change (projection rerun)      {med(a['warm']['slider']):6.2f} s")
    if not args.skip_browser:
        if not Path(CHROMIUM).exists():
            print(f"browser: skipped, {CHROMIUM} is missing (make chromium)")
        else:
            b = results["browser"] = browser(args.repeat)
            print("Browser (chromium, navigation to five charts drawn and the app idle)")
            print(f"  first render, just-started server      {b['cold']:6.2f} s")
            print(f"  first render, new session (warm)       {med(b['warm']):6.2f} s")
            print(f"  slider change (key press to new chart) {med(b['slider']):6.2f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
