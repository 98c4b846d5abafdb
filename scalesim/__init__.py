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

#: The public API (PEP 562: imported on first use, so that ``import scalesim`` stays quick;
#: numpy, pandas, pint and pydantic load only when a name that needs them is used). A value
#: is ``module`` (the same name there) or ``module:name``.
_LAZY = {
    # running a scenario
    "run": "scalesim.engine.run",
    "Results": "scalesim.engine.results",
    "format_summary": "scalesim.present.text",
    # scenarios
    "load_scenario": "scalesim.scenario.loader",
    "load_scenario_text": "scalesim.scenario.loader",
    "scenario_from_mapping": "scalesim.scenario.loader",
    "Scenario": "scalesim.scenario.loader",
    "scenario_schema": "scalesim.scenario.schema",
    # analyses and their result types
    "sensitivity_analysis": "scalesim.analysis.sensitivity",
    "SensitivityResult": "scalesim.analysis.sensitivity",
    "load_sweep": "scalesim.analysis.sweep",
    "run_sweep": "scalesim.analysis.sweep",
    "SweepResult": "scalesim.analysis.sweep",
    "explain": "scalesim.analysis.explain",
    "ExplainResult": "scalesim.analysis.explain",
    "ParameterShift": "scalesim.analysis.explain",
    "reproduce": "scalesim.analysis.reproduce",
    "load_pack": "scalesim.analysis.packs",
    "ReproductionCheck": "scalesim.analysis.reproduce:Check",
    "load_history": "scalesim.analysis.calibrate.history",
    "build_report": "scalesim.present.report.build",
}
#: Names that still resolve for older code but are not the API (registries and the pint unit
#: registry live in their modules: scalesim.model.parameters, scalesim.model.variables,
#: scalesim.units, scalesim.scenario.priors); neither ``__all__`` nor ``dir()`` lists them.
_INTERNAL = {
    "PARAMETERS": "scalesim.model.parameters",
    "ParamSpec": "scalesim.model.parameters",
    "HEADLINE": "scalesim.model.variables",
    "VARIABLES": "scalesim.model.variables",
    "Prior": "scalesim.scenario.priors",
    "ureg": "scalesim.units",
}


def __getattr__(name: str):
    target = _LAZY.get(name) or _INTERNAL.get(name)
    if target is None:
        raise AttributeError(f"module 'scalesim' has no attribute {name!r}")
    module, _, attr = target.partition(":")
    value = getattr(importlib.import_module(module), attr or name)
    globals()[name] = value  # later look-ups skip this function
    return value


__all__ = ["__version__", "InputError", "ScalesimError", *_LAZY]


def __dir__() -> list[str]:
    """The API, the module's dunders and its subpackages already imported."""
    here = {n for n in globals() if n.startswith("__") and n.endswith("__")}
    sub = {n for n, v in globals().items() if type(v) is type(importlib) and n in _SUBPACKAGES}
    return sorted(set(__all__) | here | sub)


_SUBPACKAGES = {"analysis", "app", "cli", "engine", "model", "present", "scenario", "units"}
