"""scalesim: data-bottleneck and compute-economics simulator.

Public API (listed explicitly; see ARCHITECTURE.md, "Output contract")::

    scenario = scalesim.load_scenario("scenarios/baseline.yaml")
    results = scalesim.run(scenario, samples=20_000, seed=1)
    results.summary()                 # the summary JSON contract
    results.variables["largest_run_flop"]   # (sample, year) array [FLOP]
"""

from __future__ import annotations

from scalesim import _interrupt

if _interrupt.is_command():  # Ctrl-C during the command's own imports: one line, exit 130
    _interrupt.install()

import importlib  # noqa: E402

from scalesim._version import __version__
from scalesim.errors import InputError, ScalesimError  # noqa: E402

#: Every other public name, imported on first use (PEP 562) so that ``import scalesim`` stays
#: quick (numpy, pandas, pint and pydantic load only when a name that needs them is used).
_LAZY = {
    "Results": "scalesim.engine.results",
    "run": "scalesim.engine.run",
    "PARAMETERS": "scalesim.model.parameters",
    "ParamSpec": "scalesim.model.parameters",
    "HEADLINE": "scalesim.model.variables",
    "VARIABLES": "scalesim.model.variables",
    "format_summary": "scalesim.present.text",
    "Scenario": "scalesim.scenario.loader",
    "load_scenario": "scalesim.scenario.loader",
    "load_scenario_text": "scalesim.scenario.loader",
    "scenario_from_mapping": "scalesim.scenario.loader",
    "Prior": "scalesim.scenario.priors",
    "ureg": "scalesim.units",
    "sensitivity_analysis": "scalesim.analysis.sensitivity",
    "load_sweep": "scalesim.analysis.sweep",
    "run_sweep": "scalesim.analysis.sweep",
    "build_report": "scalesim.present.report.build",
    "load_history": "scalesim.analysis.calibrate.history",
}


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value  # later look-ups skip this function
        return value
    raise AttributeError(f"module 'scalesim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


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
