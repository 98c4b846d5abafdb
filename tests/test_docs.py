"""The README stays true: every parameter, variable, scenario and command is documented."""

from __future__ import annotations

from conftest import ROOT, SCENARIOS

from scalesim.model.parameters import PARAMETERS
from scalesim.model.variables import VARIABLES
from scalesim.present.docs import parameter_markdown

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_parameter_reference_is_current():
    assert parameter_markdown() in README, "regenerate with: uv run python -m scalesim.docs"
    for p in PARAMETERS:
        assert f"`parameters.{p.path}`" in README


def test_variables_scenarios_and_commands_documented():
    for name in VARIABLES:
        assert f"`{name}`" in README, name
    for f in SCENARIOS.glob("*.yaml"):
        assert f"`{f.name}`" in README, f.name
    for command in (
        "make run",
        "make test",
        "scalesim run",
        "scalesim validate",
        "scalesim list",
        "scalesim cluster",
    ):
        assert command in README, command


def test_ci_entry_point_calls_make_test():
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_public_api_resolves():
    import scalesim

    for name in scalesim.__all__:
        assert getattr(scalesim, name) is not None, name
