"""Web-app times at 20,000 samples in a real browser: a cold first chart and a slider change.

Debian chromium (Playwright, a 1400x900 window) against the app as the tests serve it
(:func:`scalesim.app.server.serve`: ``python -m scalesim.app.launch run app.py``, which makes
the app's heavy imports before the server starts). Two figures, each the median of
``--repeat`` tries (10 by default):

cold server -> first chart
    "Cold": each try starts a new server process and, once it answers ``/_stcore/health``,
    opens the app in a new browser context (empty cache, no session: the first visitor of a
    just-started server, with nothing of the app cached). The figure is the time from
    navigation to the first chart drawn (the fan chart's SVG marks), on the page's own clock
    (``performance.now()``, zero at navigation). Printed beside it: the server start (process
    spawn to health ``ok``), navigation to all five charts drawn, spawn to first chart, and
    the CPU time the server and chromium spent until the five charts were drawn (less
    sensitive to a busy machine than the wall-clock times). ``--plain`` also times cold
    starts of a plain ``streamlit run app.py``.
slider change -> updated charts
    In one session, each try presses ArrowRight on the upper thumb of the spending-growth
    slider (a new value every time, so every try runs a new projection) and times, on the
    page's clock, from the key press to the last change inside any of the five charts. A
    MutationObserver records the changes; the script waits for the run to end (the footer's
    scenario hash changes, the app is idle) and for the charts to stay unchanged for a second,
    which is not counted. The server's and chromium's CPU time per change are printed too.

``--breakdown`` adds where a cold first render spends its time, in fresh Python processes
(imports, the projection, the chart specs). Timings are printed, never asserted. Usage::

    uv run python benchmarks/bench_app.py [--repeat 10] [--plain] [--breakdown] [--json PATH]
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
TIMEOUT_MS = 120_000
CHARTS = '[data-testid="stVegaLiteChart"]'
#: A laptop's browser window [px].
VIEWPORT = {"width": 1400, "height": 900}
FOOTER = re.compile(r"scenario sha256 [0-9a-f]{16}")
#: Runs in the page before its own scripts: records (page clock, ms since navigation) when
#: the first chart and all five charts have SVG marks drawn.
FIRST_CHART_JS = """
(() => {
  const drawn = (el) => el.querySelector('svg.marks path, svg.marks line, svg.marks rect');
  const check = () => {
    const charts = [...document.querySelectorAll('@CHARTS@')];
    const n = charts.filter(drawn).length;
    if (n >= 1 && window.__firstChart === undefined) window.__firstChart = performance.now();
    if (n >= 5 && window.__fiveCharts === undefined) window.__fiveCharts = performance.now();
    if (window.__fiveCharts !== undefined) observer.disconnect();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, {childList: true, subtree: true});
})();
""".replace("@CHARTS@", CHARTS)
#: Installs the key-press and chart-change recorders of a slider try.
WATCH_JS = """
() => {
  window.__key = null;
  window.__changed = [];
  document.addEventListener('keydown', () => { window.__key = performance.now(); },
                            {capture: true, once: true});
  [...document.querySelectorAll('@CHARTS@')].slice(0, 5).forEach((el, i) => {
    window.__changed[i] = null;
    new MutationObserver(() => {
      if (window.__key !== null) window.__changed[i] = performance.now();
    }).observe(el, {childList: true, subtree: true, attributes: true, characterData: true});
  });
}
""".replace("@CHARTS@", CHARTS)


def _cpu(processes) -> float:
    """CPU time used so far by ``processes`` (psutil), user and system [s]."""
    total = 0.0
    for proc in processes:
        try:
            times = proc.cpu_times()
            total += times.user + times.system
        except Exception:  # noqa: BLE001 (a process that ended meanwhile counts no more)
            pass
    return total


def _server(url: str):
    """The server process listening at ``url`` (found by its port on its command line)."""
    import psutil

    port = url.rsplit(":", 1)[1]
    for proc in psutil.process_iter(["cmdline"]):
        if port in (proc.info["cmdline"] or []) and "run" in proc.info["cmdline"]:
            return [proc]
    return []


def _chromium():
    """This process's chromium processes (children of Playwright's driver)."""
    import psutil

    return [
        p for p in psutil.Process().children(recursive=True) if "chrom" in (p.name() or "").lower()
    ]


def _idle(page) -> None:
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=TIMEOUT_MS)


def _launch(p):
    return p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def cold(repeat: int, warm: bool = True) -> list[dict]:
    """``repeat`` cold starts: a new server process and a first browser session each
    (``warm``: started by scalesim.app.launch, else by a plain ``streamlit run``)."""
    from playwright.sync_api import sync_playwright

    out = []
    with sync_playwright() as p:
        chrome = _launch(p)
        try:
            for _ in range(repeat):
                spawn = time.perf_counter()
                with serve(warm=warm) as url:
                    health = time.perf_counter()
                    context = chrome.new_context(viewport=VIEWPORT)
                    context.add_init_script(FIRST_CHART_JS)
                    page = context.new_page()
                    server, browser = _server(url), _chromium()
                    cpu = _cpu(server), _cpu(browser)
                    nav = time.perf_counter()
                    page.goto(url)
                    page.wait_for_function(
                        "() => window.__fiveCharts !== undefined", timeout=TIMEOUT_MS
                    )
                    first, five = page.evaluate("() => [window.__firstChart, window.__fiveCharts]")
                    cpu = _cpu(server) - cpu[0], _cpu(_chromium()) - cpu[1]
                    _idle(page)
                    samples = page.get_by_text(FOOTER).inner_text()
                    assert f"{SAMPLES:,} samples" in samples, samples
                    context.close()
                out.append(
                    {
                        "server_start": health - spawn,
                        "first_chart": first / 1e3,
                        "five_charts": five / 1e3,
                        "spawn_to_first_chart": nav - spawn + first / 1e3,
                        "server_cpu": cpu[0],
                        "chromium_cpu": cpu[1],
                    }
                )
        finally:
            chrome.close()
    return out


def slider(repeat: int) -> list[dict]:
    """``repeat`` changes of the spending-growth slider in one session on a warm server."""
    from playwright.sync_api import sync_playwright

    out = []
    with serve() as url, sync_playwright() as p:
        chrome = _launch(p)
        try:
            page = chrome.new_page(viewport=VIEWPORT)
            page.goto(url)
            page.locator(CHARTS).nth(4).locator("svg").first.wait_for(timeout=TIMEOUT_MS)
            _idle(page)
            growth = page.locator('[data-testid="stSidebar"] [data-testid="stSlider"]').filter(
                has_text="Growth of the largest run's cost"
            )
            thumb = growth.locator('input[type="range"]').nth(1)  # the upper end (95%)
            footer = page.get_by_text(FOOTER)
            server = _server(url)
            for _ in range(repeat):
                before = footer.inner_text()
                page.evaluate(WATCH_JS)
                thumb.focus()
                browser = _chromium()
                cpu = _cpu(server), _cpu(browser)
                page.keyboard.press("ArrowRight")
                page.wait_for_function(
                    "([el, v]) => el.innerText !== v",
                    arg=[footer.element_handle(), before],
                    timeout=TIMEOUT_MS,
                )
                _idle(page)
                # The charts stay unchanged for a second: the last change is then known.
                last = None
                while True:
                    page.wait_for_timeout(1000)
                    now = page.evaluate("() => JSON.stringify(window.__changed)")
                    if now == last:
                        break
                    last = now
                cpu = _cpu(server) - cpu[0], _cpu(browser) - cpu[1]
                key, changed = page.evaluate("() => [window.__key, window.__changed]")
                done = [c for c in changed if c is not None]
                out.append(
                    {
                        "updated": (max(done) - key) / 1e3 if done else float("nan"),
                        "charts_changed": len(done),
                        "server_cpu": cpu[0],
                        "chromium_cpu": cpu[1],
                        "value": float(thumb.input_value()),
                    }
                )
        finally:
            chrome.close()
    return out


BREAKDOWN_CHILD = r"""
import json, sys, time
sys.path.insert(0, %(root)r)
T = time.perf_counter
out = {}
t = T()
import streamlit
out["import streamlit"] = T() - t; t = T()
import pandas
out["import pandas"] = T() - t; t = T()
import pyarrow
out["import pyarrow"] = T() - t; t = T()
from scalesim.units import ureg
out["import pint + unit registry"] = T() - t; t = T()
from scalesim.app import charts, editors, scenarios as scen, sections, sidebar, support as sup
out["import scalesim.app (rest)"] = T() - t; t = T()
shipped = scen.shipped_scenarios()
base = scen.load_file(shipped["baseline.yaml"])
scenario = editors.edited_scenario(base, {}, %(samples)d, base.seed)
text = scenario.to_yaml()
out["load baseline"] = T() - t; t = T()
view = sup.simulate(text, scenario.path, %(samples)d, base.seed, "view", scenario)
out["projection (first)"] = T() - t; t = T()
view = sup.simulate(text, scenario.path, %(samples)d, base.seed, "view", scenario)
out["projection (again)"] = T() - t; t = T()
history = charts.history_rows()
out["history table"] = T() - t; t = T()
specs = [charts.page_chart(name, view, history) for name in charts.PAGE_CHARTS]
out["five chart specs"] = T() - t; t = T()
out["spec bytes"] = len(json.dumps(specs))
print(json.dumps(out))
"""


def breakdown(repeat: int) -> dict[str, list[float]]:
    """Phases of a cold first render, each in a fresh Python process, ``repeat`` times."""
    code = BREAKDOWN_CHILD % {"root": str(ROOT), "samples": SAMPLES}
    runs = []
    for _ in range(repeat):
        proc = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
        )
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    return {k: [r[k] for r in runs] for k in runs[0]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="tries per figure (median shown)")
    parser.add_argument("--breakdown", action="store_true", help="also time the phases")
    parser.add_argument(
        "--plain",
        action="store_true",
        help="also time cold starts of a plain `streamlit run app.py` (no warm-up)",
    )
    parser.add_argument("--json", default=None, help="also write the raw timings here")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} is missing (make chromium)", file=sys.stderr)
        return 1

    med = statistics.median
    load_before = os.getloadavg()
    results: dict = {"samples": SAMPLES, "cpus": os.cpu_count(), "repeat": args.repeat}
    if args.breakdown:
        results["breakdown"] = breakdown(min(args.repeat, 5))
    results["cold"] = cold(args.repeat)
    if args.plain:
        results["cold_plain"] = cold(args.repeat, warm=False)
    results["slider"] = slider(args.repeat)
    results["load_average"] = [load_before, os.getloadavg()]

    def column(rows, key):
        return med([r[key] for r in rows])

    print(
        f"scalesim web app at {SAMPLES:,} samples, chromium, median of {args.repeat} "
        f"({os.cpu_count()} CPUs; load average {load_before[0]:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after)"
    )
    s = results["slider"]
    for key, what in (("cold", "python -m scalesim.app.launch"), ("cold_plain", "streamlit run")):
        if key not in results:
            continue
        c = results[key]
        print(f"cold: a just-started server ({what}), the first browser session")
        print(f"  server start (spawn to health ok)      {column(c, 'server_start'):6.2f} s")
        print(f"  navigation to first chart drawn        {column(c, 'first_chart'):6.2f} s")
        print(f"  navigation to five charts drawn        {column(c, 'five_charts'):6.2f} s")
        print(
            f"  spawn to first chart                   {column(c, 'spawn_to_first_chart'):6.2f} s"
        )
        print(
            f"  CPU to five charts: server {column(c, 'server_cpu'):.2f} s, "
            f"chromium {column(c, 'chromium_cpu'):.2f} s"
        )
    print("slider change (one session, a new value each time)")
    print(f"  key press to updated charts            {column(s, 'updated'):6.3f} s")
    print(f"  charts changed (of 5)                  {min(r['charts_changed'] for r in s)}")
    print(
        f"  CPU per change: server {column(s, 'server_cpu'):.2f} s, "
        f"chromium {column(s, 'chromium_cpu'):.2f} s"
    )
    if args.breakdown:
        print("where a cold first render goes (fresh processes, median)")
        for key, values in results["breakdown"].items():
            if key == "spec bytes":
                print(f"  {key:<38} {int(med(values)):>8,}")
            else:
                print(f"  {key:<38} {med(values):6.2f} s")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
