"""Two browser sessions on one server: hostile uploads in one do not hold up the other
(issue "Hostile input, faults and scale-out", app).

Session B moves a slider step by step and times each step (from the key press to the page of
the new run, read by its footer's scenario hash): for each hostile file, one step alone,
then one step right after session A uploads the file. Uploads are parsed in a process of
their own (:mod:`scalesim.app.uploads`), so B's steps must take about as
long with them as without: the median step with an upload may be at most 2 s slower than
the median step alone (pairs taken in turn, so that both see the same load of a shared
machine), and no step may take longer than the upload reader's own time limit. Session A
must show each file's one-line error and no exception.
"""

from __future__ import annotations

import statistics

import pytest
from test_browser import (
    CHROMIUM,
    TIMEOUT_MS,
    _headline,
    _no_exception,
    _step_growth,
    _wait_idle,
    server,  # noqa: F401 (the fixture)
)

from scalesim.app import uploads
from scalesim.present.report.build import CHROMIUM_ARGS
from scalesim.scenario import safe_yaml

pytestmark = pytest.mark.browser

#: The classes of upload that cost the most work before they are refused [name -> text].
HOSTILE = {
    "alias-bomb.yaml": "a: &a [1,1,1,1,1,1,1,1,1,1]\n"
    + "".join(
        f"{x}: &{x} [{', '.join(['*' + p] * 10)}]\n"
        for p, x in zip("abcdef", "bcdefg", strict=True)
    )
    + "name: bomb\n",
    "flat-list.yaml": "name: flat\nextends: baseline.yaml\nnotes: ["
    + "1," * (safe_yaml.MAX_NODES * 5)
    + "1]\n",
    "deep.yaml": "name: deep\nparameters: " + "[" * 5_000 + "]" * 5_000 + "\n",
    "power-tower.yaml": "name: tower\nextends: baseline.yaml\n"
    "parameters: {spending: {growth: '9**9**9'}}\n",
}
#: How much slower B's median step may be with A's uploads than alone [s].
ALLOWED_DELAY_S = 2.0


def test_hostile_uploads_in_one_session_do_not_delay_another(server, tmp_path):  # noqa: F811
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            pages = []
            for _ in range(2):
                page = browser.new_context(viewport={"width": 1400, "height": 2400}).new_page()
                page.set_default_timeout(TIMEOUT_MS)
                page.goto(server)
                _headline(page)
                pages.append(page)
            a, b = pages
            keys = ["ArrowRight", "ArrowLeft"]
            _step_growth(b, keys[1])  # B's first step warms its caches
            uploader = a.locator(
                '[data-testid="stSidebar"] [data-testid="stFileUploader"] input[type="file"]'
            )
            alone, during = [], {}
            for name, text in HOSTILE.items():
                alone.append(_step_growth(b, keys[0]))
                path = tmp_path / name
                path.write_text(text)
                uploader.set_input_files(str(path))  # returns once the file is handed over
                during[name] = _step_growth(b, keys[1])
                alert = a.locator('[data-testid="stAlert"]').filter(has_text=name)
                alert.first.wait_for()
                _wait_idle(a)
                assert "\n" not in alert.first.inner_text().strip()
            for page in pages:
                _no_exception(page)
        finally:
            browser.close()
    delay = statistics.median(during.values()) - statistics.median(alone)
    assert delay <= ALLOWED_DELAY_S, (alone, during)
    assert max(during.values()) < uploads.TIMEOUT_S, (alone, during)
