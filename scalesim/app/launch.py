"""``python -m scalesim.app.launch run app.py [streamlit options]``: ``streamlit run`` with the
app's heavy imports made first.

Streamlit imports nothing of an app until its first visitor's session runs the script, so
that visitor waited for pandas, pint and its unit registry, pyarrow and the model (seconds on
a 2-core machine) before the first chart. This launcher makes those imports (:data:`WARM`)
in the server's process, then hands the command line to Streamlit's own command-line entry
point (``streamlit.web.cli.main``, what ``python -m streamlit`` runs), so the server, its
options and its config file are Streamlit's. It imports and reads; it runs no projection:
the first session still loads its scenario and runs it.

``scalesim.app.server.serve`` (the tests, the benchmark) starts the app this way.
"""

from __future__ import annotations

import importlib
import sys
import time

#: Modules the first page needs, imported before the server starts (the unit registry is
#: built on import of scalesim.units).
WARM = (
    "numpy",
    "pandas",
    "pyarrow",
    "streamlit.dataframe_util",
    "streamlit.elements.vega_charts",
    "scalesim.units",
    "scalesim.engine.run",
    "scalesim.app.scenarios",
    "scalesim.app.support",
    "scalesim.app.editors",
    "scalesim.app.charts",
    "scalesim.app.sidebar",
    "scalesim.app.sections",
    "scalesim.analysis.diff",
)


def warm() -> float:
    """Import :data:`WARM` and read the shipped frontier-run table; returns the time taken [s]."""
    start = time.perf_counter()
    for name in WARM:
        importlib.import_module(name)
    from scalesim.app import charts

    charts.history_rows()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    """Warm up, then run ``streamlit`` with ``argv`` (``run app.py ...``)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    warm()
    from streamlit.web import cli

    sys.argv = ["streamlit", *argv]
    return cli.main(prog_name="streamlit")


if __name__ == "__main__":
    sys.exit(main())
