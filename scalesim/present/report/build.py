"""Policy reports: execute notebooks/policy_report.py into one self-contained HTML (and PDF).

The notebook (jupytext percent format) is read, its ``parameters`` cell is followed by an
injected cell (papermill's convention), and its cells are executed in this process
(:mod:`scalesim.present.report.notebook`); the displayed results (no code) are wrapped with
the report's stylesheet. Charts are inline SVG, so the file references nothing outside
itself; :func:`external_references` checks it before writing. The PDF is the HTML printed by
headless chromium (Playwright), launched in a background thread while the notebook runs.
"""

from __future__ import annotations

import html
import os
import queue
import re
import shutil
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from scalesim._version import __version__
from scalesim.engine.io import atomic_write, write_text
from scalesim.errors import InputError, ScalesimError
from scalesim.present.report import notebook as nb
from scalesim.present.report.style import STYLE
from scalesim.scenario import catalog

#: The report notebook, in jupytext percent format.
NOTEBOOK = catalog.shipped("notebooks", "policy_report.py")
#: Chromium flags for headless printing on machines without a display or network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: Seconds to wait for chromium to print the PDF.
PDF_TIMEOUT = 120

#: ``progress(done, total, what)``: called as the build goes.
Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ReportPaths:
    """Files a report build wrote."""

    html: Path
    pdf: Path | None = None


def build_report(
    scenarios: list[str | Path],
    out: str | Path,
    *,
    pdf: str | Path | None = None,
    samples: int | None = None,
    seed: int | None = None,
    title: str | None = None,
    date: str | None = None,
    notebook: str | Path = NOTEBOOK,
    progress: Progress | None = None,
) -> ReportPaths:
    """Execute the report notebook for ``scenarios`` and write self-contained HTML (and PDF).

    Parameters
    ----------
    scenarios : list of str or Path
        Scenario files; the first is the main one, the others are compared with it.
    out : str or Path
        HTML file to write (``.html``; its folder must exist).
    pdf : str or Path, optional
        PDF file to print the report to (``.pdf``), with headless chromium.
    samples : int, optional
        Samples of each scenario's run [samples] (default: each scenario's own).
    seed : int, optional
        Seed of each scenario's run (default: each scenario's own).
    title : str, optional
        Report title (default: from the first scenario's name).
    date : str, optional
        Date printed on the report (default: today, ISO 8601).
    notebook : str or Path
        The jupytext notebook to execute.
    progress : callable, optional
        ``progress(done, total, what)`` as the build goes: ``what`` is the step under way
        (a notebook cell, writing the HTML, printing the PDF) and ``done`` the steps done.

    Returns
    -------
    ReportPaths

    Raises
    ------
    InputError
        Bad paths or options, a scenario that does not load, or bad input met by the notebook.
    """
    from scalesim.scenario.loader import load_scenario

    out = _check_path(out, ".html", "out")
    pdf = _check_path(pdf, ".pdf", "pdf") if pdf is not None else None
    if not scenarios:
        raise InputError("give at least one scenario file")
    for path in scenarios:
        load_scenario(path)  # bad input fails fast, in one line, before chromium starts
    printer = _Printer(_chromium()) if pdf is not None else None
    try:
        cells = nb.inject_parameters(
            nb.read(notebook),
            {
                "scenarios": [str(p) for p in scenarios],
                "samples": samples,
                "seed": seed,
                "title": title,
                "report_date": date,
            },
        )
        steps = sum(c.kind == "code" for c in cells) + 1 + (pdf is not None)

        def cell_started(done: int, total: int, cell: nb.Cell | None) -> None:
            if progress is not None:
                progress(done, steps, _describe(cell) if cell is not None else "writing HTML")

        if progress is not None:
            progress(0, steps, "starting")
        cells = nb.execute(cells, on_cell=cell_started)
        page = to_html(cells, _title_of(cells, title))
        found = external_references(page)
        if found:
            raise ScalesimError(f"the report references external resources: {found[:3]}")
        write_text(out, page)
        if printer is not None:
            if progress is not None:
                progress(steps - 1, steps, "printing the PDF")
            printer.print(page, pdf)
            printer = None
        if progress is not None:
            progress(steps, steps, "done")
    finally:
        if printer is not None:
            printer.cancel()
    return ReportPaths(out, pdf)


def _describe(cell: nb.Cell) -> str:
    """What a cell does, for the progress line: its first comment, else its first line."""
    if "injected-parameters" in cell.tags:
        return "Parameters given"
    for line in cell.source.splitlines():
        line = line.strip()
        if line.startswith("#"):
            return line.lstrip("# ").rstrip(".")[:60]
        if line:
            return line[:60]
    return "cell"


def _title_of(cells: list[nb.Cell], title: str | None) -> str:
    if title:
        return title
    for cell in cells:
        for bundle in cell.outputs:
            found = bundle.get("text/html", "")
            if "<h1>" in found:
                heading = found.split("<h1>", 1)[1].split("</h1>", 1)[0]
                return html.unescape(heading).replace("\u2060", "")
    return "scalesim report"


def _check_path(path, suffix: str, argument: str) -> Path:
    """``path`` as a Path when it ends in ``suffix`` and its folder exists; errors name the
    ``argument`` of :func:`build_report` (``out``, ``pdf``)."""
    path = Path(path)
    if path.suffix.lower() != suffix:
        raise InputError(f"expected a path ending in {suffix}, got {str(path)!r}", key=argument)
    if not path.parent.resolve().is_dir():
        raise InputError(f"folder {str(path.parent)!r} does not exist", key=argument)
    return path


# --- conversion -----------------------------------------------------------------------------


def to_html(cells: list[nb.Cell], title: str) -> str:
    """The executed cells as one self-contained HTML page without code."""
    body = nb.render_body(cells)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="scalesim {__version__}">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f'<main class="report">\n{body}\n<footer>Generated by scalesim {__version__} from '
        "notebooks/policy_report.py.</footer>\n</main>\n</body>\n</html>\n"
    )


_EXTERNAL = re.compile(
    r"""(?:\b(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?\s*(?:https?:|//|ftp:|file:))"""
    r"""|(?:url\(\s*["']?\s*(?:https?:|//))|(?:@import)|(?:<link\b)|(?:<script\b[^>]*\bsrc\s*=)""",
    re.IGNORECASE,
)


def external_references(page: str) -> list[str]:
    """Places where an HTML page would load something from outside itself (empty if none).

    Looks for ``src``/``href`` attributes with a network or file URL, ``url(...)`` and
    ``@import`` in styles, ``<link>`` elements and scripts with a ``src``. SVG namespace
    declarations (``xmlns="http://..."``) are names, not references, and are not reported.
    """
    return [page[max(0, m.start() - 30) : m.end() + 40] for m in _EXTERNAL.finditer(page)]


# --- PDF ------------------------------------------------------------------------------------


def chromium_path() -> str | None:
    """The chromium executable: ``$SCALESIM_CHROMIUM``, else /usr/bin/chromium or one on PATH."""
    candidates = [
        os.environ.get("SCALESIM_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ]
    return next((c for c in candidates if c and Path(c).is_file()), None)


def _chromium(argument: str | None = "pdf") -> str:
    """The chromium executable, with Playwright importable; errors name ``argument``."""
    exe = chromium_path()
    if exe is None:
        raise InputError(
            "chromium not found (install Debian's chromium, e.g. "
            "`make chromium`, or set SCALESIM_CHROMIUM)",
            key=argument,
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ModuleNotFoundError:
        raise InputError(
            "needs Playwright for Python (pip install 'scalesim[pdf]')", key=argument
        ) from None
    return exe


class _Printer:
    """Headless chromium started in a thread of its own, so that it is ready when the page
    is; :meth:`print` prints one page to PDF (A4, backgrounds), atomically, and stops it.

    Every network request of the page is refused, so the PDF shows only what the HTML holds.
    """

    def __init__(self, exe: str) -> None:
        self._jobs: queue.Queue = queue.Queue(maxsize=1)
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            target=self._work, args=(exe,), name="scalesim-pdf", daemon=True
        )
        self._thread.start()

    def _work(self, exe: str) -> None:
        try:
            from playwright.sync_api import sync_playwright

            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
                try:
                    job = self._jobs.get()
                    if job is not None:
                        page, path = job
                        atomic_write(path, lambda tmp: self._pdf(browser, page, tmp))
                finally:
                    browser.close()
        except BaseException as exc:  # reported by print()
            self._error = exc

    @staticmethod
    def _pdf(browser, page: str, tmp: str) -> None:
        tab = browser.new_page()
        tab.route("**/*", lambda route: route.abort())
        tab.set_content(page, wait_until="load")
        tab.emulate_media(media="print")
        tab.pdf(path=tmp, format="A4", print_background=True, prefer_css_page_size=True)

    def print(self, page: str, path: Path) -> Path:
        self._jobs.put((page, path))
        self._thread.join(PDF_TIMEOUT)
        if self._thread.is_alive():
            raise ScalesimError(f"chromium did not print the PDF within {PDF_TIMEOUT} s")
        if self._error is not None:
            raise ScalesimError(f"chromium failed to print the PDF: {self._error}") from self._error
        return path

    def cancel(self) -> None:
        self._jobs.put(None)
        self._thread.join(PDF_TIMEOUT)


def print_pdf(page: str, path: str | Path) -> Path:
    """Print an HTML page to PDF with headless chromium (A4, backgrounds), atomically."""
    return _Printer(_chromium(None)).print(page, Path(path))
