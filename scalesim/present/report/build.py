"""Policy reports: execute notebooks/policy_report.py headless into one self-contained HTML.

The notebook (jupytext percent format) is read into memory, its ``parameters`` cell is
followed by an injected cell (papermill's convention), it is executed by nbclient in a
kernel of this very interpreter, and nbconvert turns the outputs (no code cells) into an HTML
body that is wrapped with the report's own stylesheet. Charts are inline SVG, so the file
references nothing outside itself; :func:`external_references` checks it before writing.
The PDF is the HTML printed by headless chromium (Playwright).
"""

from __future__ import annotations

import html
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from scalesim._version import __version__
from scalesim.engine.io import atomic_write, write_text
from scalesim.errors import InputError, ScalesimError
from scalesim.present.report.data import default_title
from scalesim.scenario import catalog
from scalesim.scenario.loader import load_scenario

#: The report notebook, in jupytext percent format.
NOTEBOOK = catalog.shipped("notebooks", "policy_report.py")
#: Seconds one notebook cell may run.
CELL_TIMEOUT = 600
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

STYLE = """
:root { --ink: #1d232a; --muted: #5b6570; --rule: #d5dbe1; --accent: #2f5d8a; }
html { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink); }
body { margin: 0; line-height: 1.5; font-size: 15px; background: #fff; }
main.report { max-width: 980px; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 .3rem; color: var(--accent); }
h2 { font-size: 1.35rem; margin: 2.2rem 0 .6rem; padding-bottom: .2rem;
     border-bottom: 2px solid var(--rule); }
h3 { font-size: 1.1rem; margin: 1.4rem 0 .4rem; }
p.meta { color: var(--muted); margin: 0 0 1rem; }
.executive-summary { background: #f3f6f9; border-left: 4px solid var(--accent);
                     padding: .6rem 1.1rem; }
.executive-summary p { margin: .5rem 0; }
span.num { font-weight: 600; white-space: nowrap; }
table.report-table { border-collapse: collapse; margin: .6rem 0 1.4rem; font-size: .82rem;
                     width: 100%; }
table.report-table caption { text-align: left; font-weight: 600; padding: .3rem 0;
                             caption-side: top; }
table.report-table th, table.report-table td { border-bottom: 1px solid var(--rule);
                     padding: .25rem .45rem; text-align: left; vertical-align: top; }
table.report-table th { background: #eef2f6; }
table.scenarios td:last-child { font-family: "DejaVu Sans Mono", monospace; font-size: .72rem;
                                word-break: break-all; }
table.assumptions td:nth-child(1), table.sensitivity td:nth-child(1) {
  font-family: "DejaVu Sans Mono", monospace; font-size: .72rem; white-space: nowrap; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .9em; }
figure.chart { margin: .8rem 0; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
.output_area, .output_subarea, .output, .cell, .inner_cell, .text_cell_render { margin: 0;
  padding: 0; }
footer { margin-top: 3rem; color: var(--muted); font-size: .8rem; }
@media print {
  body { font-size: 11px; }
  main.report { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  svg, tr, .executive-summary { break-inside: avoid; }
  .text_cell { break-after: avoid; }
}
@page { size: A4; margin: 16mm 14mm; }
"""


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
    samples, seed : int, optional
        As for :func:`scalesim.run` (each scenario's own by default).
    title : str, optional
        Report title (default: from the first scenario's name).
    date : str, optional
        Date printed on the report (default: today, ISO 8601).
    notebook : str or Path
        The jupytext notebook to execute.

    Returns
    -------
    ReportPaths

    Raises
    ------
    InputError
        Bad paths or options, a scenario that does not load, or bad input met by the notebook.
    """
    out = _check_path(out, ".html", "--out")
    pdf = _check_path(pdf, ".pdf", "--pdf") if pdf is not None else None
    if not scenarios:
        raise InputError("give at least one scenario file")
    names = [load_scenario(path).name for path in scenarios]  # bad input fails fast, one line
    title = title or default_title(names)
    params = {
        "scenarios": [str(p) for p in scenarios],
        "samples": samples,
        "seed": seed,
        "title": title,
        "report_date": date,
    }
    nb = execute_notebook(notebook, params)
    page = to_html(nb, title)
    found = external_references(page)
    if found:
        raise ScalesimError(f"the report references external resources: {found[:3]}")
    write_text(out, page)
    if pdf is not None:
        print_pdf(page, pdf)
    return ReportPaths(out, pdf)


def _check_path(path, suffix: str, option: str) -> Path:
    path = Path(path)
    if path.suffix.lower() != suffix:
        raise InputError(f"{option}: expected a path ending in {suffix}, got {str(path)!r}")
    if not path.parent.resolve().is_dir():
        raise InputError(f"{option}: folder {str(path.parent)!r} does not exist")
    return path


# --- execution ------------------------------------------------------------------------------


def read_notebook(path: str | Path):
    """Read a jupytext percent file into a notebook (nbformat v4 NotebookNode)."""
    import jupytext

    return jupytext.read(str(path), fmt="py:percent")


def inject_parameters(nb, params: dict):
    """Insert a cell assigning ``params`` right after the cell tagged ``parameters``.

    Values must be Python literals (``repr`` round-trips them). The new cell is tagged
    ``injected-parameters``, as papermill does.
    """
    import nbformat

    index = next(
        (
            i
            for i, c in enumerate(nb.cells)
            if "parameters" in c.get("metadata", {}).get("tags", [])
        ),
        None,
    )
    if index is None:
        raise ScalesimError("the report notebook has no cell tagged 'parameters'")
    source = "\n".join(f"{name} = {value!r}" for name, value in params.items())
    cell = nbformat.v4.new_code_cell(source, metadata={"tags": ["injected-parameters"]})
    nb.cells.insert(index + 1, cell)
    return nb


def _kernel_manager(ipc_dir: str):
    """A kernel manager that starts ipykernel in this interpreter, whatever kernelspecs are
    installed (so a fresh environment needs no ``ipykernel install``), talking over Unix
    sockets in ``ipc_dir`` rather than TCP."""
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    class ThisInterpreter(KernelSpecManager):
        def get_kernel_spec(self, kernel_name):
            return KernelSpec(
                argv=[
                    sys.executable,
                    "-Xfrozen_modules=off",
                    "-m",
                    "ipykernel_launcher",
                    "-f",
                    "{connection_file}",
                    "--HistoryManager.enabled=False",
                ],
                display_name="Python 3 (scalesim report)",
                language="python",
                resource_dir=ipc_dir,
            )

    return AsyncKernelManager(
        kernel_name="python3",
        kernel_spec_manager=ThisInterpreter(),
        transport="ipc",
        ip=os.path.join(ipc_dir, "kernel"),
    )


def execute_notebook(path: str | Path, params: dict, *, cwd: str | Path | None = None):
    """Read, parameterise and execute the report notebook.

    Parameters
    ----------
    path : str or Path
        jupytext percent file.
    params : dict
        Values of the parameters cell.
    cwd : str or Path, optional
        Working folder of the kernel (default: the current one, so that relative scenario
        paths mean what they mean on the command line).

    Returns
    -------
    nbformat.NotebookNode
        The executed notebook.
    """
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = inject_parameters(read_notebook(path), params)
    with tempfile.TemporaryDirectory(prefix="scalesim-report-") as ipc_dir:
        km = _kernel_manager(ipc_dir)
        client = NotebookClient(
            nb,
            km=km,
            timeout=CELL_TIMEOUT,
            allow_errors=False,
            resources={"metadata": {"path": str(cwd or os.getcwd())}},
        )
        try:
            client.execute()
        except CellExecutionError as exc:
            if exc.ename == "InputError":
                raise InputError(exc.evalue) from None
            raise ScalesimError(
                f"the report notebook failed: {exc.ename}: {exc.evalue}\n{exc}"
            ) from None
        finally:
            # nbclient leaves a kernel it did not create running: stop it here.
            if km.has_kernel:
                run_sync(km.shutdown_kernel)(now=True)
    return nb


# --- conversion -----------------------------------------------------------------------------


def to_html(nb, title: str) -> str:
    """Convert an executed notebook to one self-contained HTML page without code cells.

    Stream outputs (warnings, prints) are left out: the report shows only displayed results.
    """
    from nbconvert import HTMLExporter

    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [
                _inline_svg(o) for o in cell.get("outputs", []) if o.get("output_type") != "stream"
            ]
    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_anchor_links=True,
    )
    body, _ = exporter.from_notebook_node(nb)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="generator" content="scalesim {__version__}">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f'<main class="report">\n{body}\n<footer>Generated by scalesim {__version__} from '
        "notebooks/policy_report.py.</footer>\n</main>\n</body>\n</html>\n"
    )


def _inline_svg(output):
    """An SVG output as HTML holding the ``<svg>`` element itself (nbconvert would otherwise
    write it as a base64 ``<img>``, or sanitise it)."""
    data = output.get("data", {})
    if "image/svg+xml" in data:
        svg = data["image/svg+xml"]
        svg = "".join(svg) if isinstance(svg, list) else svg
        svg = re.sub(r"^\s*<\?xml[^>]*>\s*", "", svg)
        output["data"] = {"text/html": f'<figure class="chart">{svg}</figure>'}
    return output


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


def print_pdf(page: str, path: str | Path) -> Path:
    """Print an HTML page to PDF with headless chromium (A4, backgrounds), atomically.

    Every network request of the page is refused, so the PDF shows only what the HTML holds.
    """
    exe = chromium_path()
    if exe is None:
        raise InputError(
            "--pdf: chromium not found (install Debian's chromium, e.g. "
            "`make chromium`, or set SCALESIM_CHROMIUM)"
        )
    from playwright.sync_api import sync_playwright

    def write(tmp: str) -> None:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=exe, headless=True, args=CHROMIUM_ARGS)
            try:
                tab = browser.new_page()
                tab.route("**/*", lambda route: route.abort())
                tab.set_content(page, wait_until="load")
                tab.emulate_media(media="print")
                tab.pdf(path=tmp, format="A4", print_background=True, prefer_css_page_size=True)
            finally:
                browser.close()

    return atomic_write(path, write)
