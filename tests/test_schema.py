"""``scalesim schema``: every shipped scenario validates; unknown keys are refused as the
loader refuses them."""

from __future__ import annotations

import copy
import json

import jsonschema
import pytest
import yaml
from conftest import BAD, SCENARIOS

from scalesim.cli import main
from scalesim.errors import InputError
from scalesim.scenario.loader import load_scenario, scenario_from_mapping
from scalesim.scenario.schema import scenario_schema

SCHEMA = scenario_schema()
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
SHIPPED = sorted(p for p in SCENARIOS.rglob("*.yaml") if "sweeps" not in p.parts)


def _yaml(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_schema_is_a_valid_draft_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_cli_prints_the_schema(capsys):
    assert main(["schema"]) == 0
    assert json.loads(capsys.readouterr().out) == SCHEMA


def test_cli_writes_the_schema(tmp_path, capsys):
    out = tmp_path / "scenario.schema.json"
    assert main(["schema", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8")) == SCHEMA


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: str(p.relative_to(SCENARIOS)))
def test_every_shipped_scenario_validates(path):
    errors = [e.message for e in VALIDATOR.iter_errors(_yaml(path))]
    assert errors == []


def test_every_parameter_has_a_description_with_its_unit():
    groups = SCHEMA["properties"]["parameters"]["properties"]
    assert groups
    for body in groups.values():
        for key, value in body["properties"].items():
            assert value.get("description"), key


def _base() -> dict:
    return _yaml(SCENARIOS / "baseline.yaml")


def _add(where: tuple[str, ...], key: str = "no_such_key"):
    raw = copy.deepcopy(_base())
    node = raw
    for part in where:
        node = node[part]
    node[key] = 1
    return raw


def _first_source() -> str:
    return next(iter(_base()["parameters"]["data"]["sources"]))


UNKNOWN = {
    "top level": (),
    "years": ("years",),
    "parameters": ("parameters",),
    "a parameter group": ("parameters", "spending"),
    "a data source": ("parameters", "data", "sources", "<source>"),
}


@pytest.mark.parametrize("where", list(UNKNOWN))
def test_schema_refuses_an_unknown_key_where_the_loader_does(where):
    path = tuple(_first_source() if p == "<source>" else p for p in UNKNOWN[where])
    raw = _add(path)
    with pytest.raises(InputError, match="unknown"):
        scenario_from_mapping(raw, path="x.yaml")
    assert not VALIDATOR.is_valid(raw)


def test_schema_refuses_an_unknown_key_in_a_prior():
    raw = copy.deepcopy(_base())
    group = raw["parameters"]["spending"]
    key = next(k for k, v in group.items() if isinstance(v, dict))
    group[key] = {**group[key], "no_such_key": 1}
    with pytest.raises(InputError, match="unknown key"):
        scenario_from_mapping(raw, path="x.yaml")
    assert not VALIDATOR.is_valid(raw)


@pytest.mark.parametrize("stem", ["unknown-top-key", "unknown-group", "unknown-parameter"])
def test_bad_files_with_unknown_keys_fail_both(stem):
    path = BAD / f"{stem}.yaml"
    with pytest.raises(InputError):
        load_scenario(path)
    assert not VALIDATOR.is_valid(_yaml(path))


# --- the committed schema and the editor header ----------------------------------------------

SCHEMA_FILE = SCENARIOS / "scenario.schema.json"


def test_committed_schema_is_the_commands_output(capsys):
    assert main(["schema"]) == 0
    printed = capsys.readouterr().out
    assert SCHEMA_FILE.read_text(encoding="utf-8") == printed, (
        "scenarios/scenario.schema.json is stale: uv run scalesim schema -o "
        "scenarios/scenario.schema.json"
    )


def _scenario_files():
    """Every shipped scenario file (globbed now, so new ones are covered): not sweeps, nor
    opinion pools (files of another kind, with a top-level ``pool:``)."""
    for path in sorted(SCENARIOS.rglob("*.yaml")):
        if "sweeps" in path.relative_to(SCENARIOS).parts:
            continue
        if "pool" in (_yaml(path) or {}):
            continue
        yield path


def test_every_shipped_scenario_starts_with_the_schema_header():
    files = list(_scenario_files())
    assert len(files) >= 15
    wrong = []
    for path in files:
        first = path.read_text(encoding="utf-8").split("\n", 1)[0]
        target = "../" * (len(path.relative_to(SCENARIOS).parts) - 1) + "scenario.schema.json"
        if first != f"# yaml-language-server: $schema={target}":
            wrong.append(str(path.relative_to(SCENARIOS)))
        elif (path.parent / target).resolve() != SCHEMA_FILE.resolve():
            wrong.append(f"{path}: header does not point at {SCHEMA_FILE}")
    assert wrong == [], "add the first line '# yaml-language-server: $schema=...'"
