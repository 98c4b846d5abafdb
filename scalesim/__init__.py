"""scalesim: data-bottleneck and compute-economics simulator.

Public API (listed explicitly; see ARCHITECTURE.md, "Output contract")::

    scenario = scalesim.load_scenario("scenarios/baseline.yaml")
    results = scalesim.run(scenario, samples=20_000, seed=1)
    results.summary()                 # the summary JSON contract
    results.variables["largest_run_flop"]   # (sample, year) array [FLOP]
"""

from scalesim._version import __version__
from scalesim.dims import CONSTRAINTS, HEADLINE, VARIABLES
from scalesim.engine import run
from scalesim.errors import InputError, ScalesimError
from scalesim.parameters import PARAMETERS, ParamSpec
from scalesim.priors import Prior
from scalesim.results import Results
from scalesim.scenario import Scenario, load_scenario, load_scenario_text, scenario_from_mapping
from scalesim.textsummary import format_summary
from scalesim.units import ureg

#: Heavier parts of the API, imported on first use so that ``import scalesim`` stays quick.
_LAZY = {
    "sensitivity_analysis": "scalesim.sensitivity",
    "load_sweep": "scalesim.sweep",
    "run_sweep": "scalesim.sweep",
    "build_report": "scalesim.report",
    "load_history": "scalesim.calibrate.history",
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
    "CONSTRAINTS",
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
