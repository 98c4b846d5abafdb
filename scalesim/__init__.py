"""scalesim: data-bottleneck and compute-economics simulator.

Public API (listed explicitly; see ARCHITECTURE.md, "Output contract")::

    scenario = scalesim.load_scenario("scenarios/baseline.yaml")
    results = scalesim.run(scenario, samples=20_000, seed=1)
    results.summary()                 # the summary JSON contract
    results.variables["largest_run_flop"]   # (sample, year) array [FLOP]
"""

from scalesim._version import __version__
from scalesim.engine.results import Results
from scalesim.engine.run import run
from scalesim.errors import InputError, ScalesimError
from scalesim.model.parameters import PARAMETERS, ParamSpec
from scalesim.model.variables import HEADLINE, VARIABLES
from scalesim.present.text import format_summary
from scalesim.scenario.loader import (
    Scenario,
    load_scenario,
    load_scenario_text,
    scenario_from_mapping,
)
from scalesim.scenario.priors import Prior
from scalesim.units import ureg

#: Heavier parts of the API, imported on first use so that ``import scalesim`` stays quick.
_LAZY = {
    "sensitivity_analysis": "scalesim.analysis.sensitivity",
    "load_sweep": "scalesim.analysis.sweep",
    "run_sweep": "scalesim.analysis.sweep",
    "build_report": "scalesim.present.report.build",
    "load_history": "scalesim.analysis.calibrate.history",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'scalesim' has no attribute {name!r}")


__all__ = [
    "build_report",
    "load_history",
    "load_sweep",
    "run_sweep",
    "sensitivity_analysis",
    "__version__",
    "HEADLINE",
    "VARIABLES",
    "PARAMETERS",
    "ParamSpec",
    "Prior",
    "Results",
    "Scenario",
    "InputError",
    "ScalesimError",
    "format_summary",
    "load_scenario",
    "load_scenario_text",
    "scenario_from_mapping",
    "run",
    "ureg",
]
