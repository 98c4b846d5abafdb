"""Read, execute and render the report notebook (a jupytext percent file), in this process.

The notebook is a plain Python file of cells (``# %%`` code cells, ``# %% [markdown]``
markdown cells, ``tags=["parameters"]`` on the parameters cell, as jupytext writes them), so
it opens and runs in Jupyter as it is. :func:`execute` runs its code cells in order in one
namespace, after injecting the parameters right after the ``parameters`` cell (papermill's
convention), and records what each cell shows: the value of its last expression, rendered by
the object's own ``_repr_mimebundle_`` / ``_repr_html_`` / ``_repr_svg_`` methods, exactly
what Jupyter would display. Altair charts render as inline SVG (``alt.renderers.enable
("svg")`` in the notebook). Printed output and warnings are not part of the report (they are
dropped); stderr is left alone, for the progress line.

Running the cells here rather than in a separate Jupyter kernel saves the kernel's start and
a second import of scalesim, pandas and Altair (about half of a report's build time).
"""

from __future__ import annotations

import ast
import contextlib
import io
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from scalesim.errors import ScalesimError

_CELL = re.compile(r"^# %%(?P<rest>.*)$")
_TAGS = re.compile(r"tags\s*=\s*\[(?P<tags>[^\]]*)\]")


@dataclass
class Cell:
    """One cell: ``kind`` is ``code`` or ``markdown``; ``outputs`` are mime bundles."""

    kind: str
    source: str
    tags: tuple[str, ...] = ()
    outputs: list[dict[str, str]] = field(default_factory=list)


def read(path: str | Path) -> list[Cell]:
    """The cells of a jupytext percent file (the header comment before the first cell is
    jupytext's metadata and is skipped)."""
    cells: list[Cell] = []
    kind, tags, lines = None, (), []

    def close():
        if kind is None:
            return
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            body = "\n".join(re.sub(r"^# ?", "", line) for line in body.splitlines())
        cells.append(Cell(kind, body, tags))

    for line in Path(path).read_text(encoding="utf-8").splitlines():
        m = _CELL.match(line)
        if m:
            close()
            rest = m.group("rest")
            kind = "markdown" if "[markdown]" in rest else "code"
            found = _TAGS.search(rest)
            tags = tuple(re.findall(r"[\"']([^\"']+)[\"']", found.group("tags"))) if found else ()
            lines = []
        elif kind is not None:
            lines.append(line)
    close()
    return cells


def inject_parameters(cells: list[Cell], params: dict) -> list[Cell]:
    """Insert a cell assigning ``params`` (Python literals) after the ``parameters`` cell."""
    index = next((i for i, c in enumerate(cells) if "parameters" in c.tags), None)
    if index is None:
        raise ScalesimError("the report notebook has no cell tagged 'parameters'")
    source = "\n".join(f"{name} = {value!r}" for name, value in params.items())
    return [
        *cells[: index + 1],
        Cell("code", source, ("injected-parameters",)),
        *cells[index + 1 :],
    ]


def mime_bundle(value) -> dict[str, str]:
    """What Jupyter would display for ``value`` (HTML or SVG; empty for None or plain
    objects)."""
    if value is None:
        return {}
    bundle: dict[str, str] = {}
    if hasattr(value, "_repr_mimebundle_"):
        data = value._repr_mimebundle_()
        data = data[0] if isinstance(data, tuple) else data
        bundle.update({k: v for k, v in (data or {}).items() if isinstance(v, str)})
    for mime, method in (("text/html", "_repr_html_"), ("image/svg+xml", "_repr_svg_")):
        if mime not in bundle and hasattr(value, method):
            shown = getattr(value, method)()
            if shown:
                bundle[mime] = shown
    return {k: v for k, v in bundle.items() if k in ("text/html", "image/svg+xml")}


def execute(
    cells: list[Cell],
    *,
    on_cell: Callable[[int, int, Cell], None] | None = None,
) -> list[Cell]:
    """Execute the code cells in order in one namespace and record their displayed values.

    Parameters
    ----------
    cells : list of Cell
    on_cell : callable, optional
        Called as ``on_cell(done, total, cell)`` before each code cell runs, with the number
        of code cells done so far (progress), and as ``on_cell(total, total, None)`` at the end.

    Returns
    -------
    list of Cell
        The same cells, code cells with ``outputs`` filled.

    Raises
    ------
    Exception
        Whatever a cell raises (an :class:`~scalesim.errors.InputError` stays one).
    """
    namespace: dict = {"__name__": "__main__"}
    code = [c for c in cells if c.kind == "code"]
    sink = io.StringIO()
    with warnings.catch_warnings(), _altair_renderer():
        warnings.simplefilter("ignore")
        for done, cell in enumerate(code, start=1):
            if on_cell is not None:
                on_cell(done - 1, len(code), cell)
            name = f"<report cell {done}>"
            tree = ast.parse(cell.source or "pass", filename=name)
            last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
            # printed text is not part of the report; stderr stays the terminal's, where the
            # progress line is drawn (warnings are silenced above)
            with contextlib.redirect_stdout(sink):
                exec(compile(tree, name, "exec"), namespace)
                value = None
                if last is not None:
                    value = eval(compile(ast.Expression(last.value), name, "eval"), namespace)
                bundle = mime_bundle(value)
            cell.outputs = [bundle] if bundle else []
    if on_cell is not None:
        on_cell(len(code), len(code), None)
    return cells


@contextlib.contextmanager
def _altair_renderer():
    """Leave Altair's active renderer as it was (the notebook switches it to SVG)."""
    try:
        import altair as alt
    except ImportError:  # pragma: no cover - altair is a report dependency
        yield
        return
    active = alt.renderers.active
    try:
        yield
    finally:
        alt.renderers.enable(active)


# --- HTML ------------------------------------------------------------------------------------


def render_body(cells: list[Cell]) -> str:
    """The HTML of the executed cells: markdown rendered, outputs inlined, no code."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    parts = []
    for cell in cells:
        if cell.kind == "markdown":
            parts.append(md.render(cell.source))
            continue
        for bundle in cell.outputs:
            if "text/html" in bundle:
                parts.append(bundle["text/html"])
            elif "image/svg+xml" in bundle:
                svg = re.sub(r"^\s*<\?xml[^>]*>\s*", "", bundle["image/svg+xml"])
                parts.append(f'<figure class="chart">{svg}</figure>')
    return "\n".join(parts)
