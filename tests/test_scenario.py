"""Scenario loading: extends, units, priors, and one broken file per error class."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
import yaml
from conftest import BAD, ROOT, SCENARIOS
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scalesim
from scalesim.cli import main
from scalesim.errors import InputError
from scalesim.scenario.loader import scenario_problems
from scalesim.scenario.priors import BLOCK, draw

#: bad file -> fragment of its one-line message (after "file: key: ").
BAD_FILES = {
    "yaml-syntax": "invalid YAML: line 2, column",
    "unknown-top-key": "sampels: unknown key (did you mean 'samples'?)",
    "unknown-parameter": "parameters.spending.grwoth: unknown key (did you mean 'growth'?)",
    "unknown-group": "parameters.hardwar: unknown parameter group (did you mean 'hardware'?)",
    "wrong-unit-dimension": "parameters.hardware.doubling_time: expected a quantity of dimension time (year), got '5 token'",
    "negative-stock": "parameters.data.sources.public_text.stock: must be > 0, got -3e+14",
    "lo-above-hi": "parameters.spending.growth.to: lower bound 2.9 is above upper bound 2",
    "share-of-gdp-above-one": "parameters.spending.max_share_of_gdp: must be > 0 and <= 1, got 1.5",
    "end-before-start": "years.end: end year 2030 is before start year 2040",
    "zero-samples": "samples: must be between 1 and 100,000,000, got 0",
    "text-for-number": "parameters.economy.world_gdp: expected a number or a quantity in USD, got 'a lot'",
    "extends-loop-a": "extends: loop: extends-loop-a.yaml -> extends-loop-b.yaml -> extends-loop-a.yaml",
    "extends-loop-b": "extends: loop: extends-loop-b.yaml -> extends-loop-a.yaml -> extends-loop-b.yaml",
    "extends-missing": "extends: extended file 'no-such-parent.yaml' not found",
    "not-a-mapping": "expected a mapping of scenario keys, got list",
    "empty": "expected a mapping of scenario keys, got an empty file",
    "unknown-distribution": "parameters.spending.growth.gamma: unknown key 'gamma'",
    "credibility-out-of-range": "parameters.spending.growth.credibility: expected a percentage between 0 and 100",
    "no-data-source": "parameters.data.sources: at least one data source is required",
    "source-without-stock": "parameters.data.sources.public_text: give either stock, or documents and tokens_per_document",
    "triangular-mode-outside": "parameters.spending.growth.triangular: expected lo <= mode <= hi",
    "seed-not-integer": "seed: expected an integer, got 'twelve'",
    "epochs-below-one": "parameters.data.epochs: must be >= 1, got 0.5",
    "lognormal-nonpositive": "parameters.synthetic.share_of_compute.lognormal: lognormal needs bounds > 0, got 0",
    "bare-number-time": "parameters.algorithms.halving_time: a bare number has no unit; write it with one, e.g. '8 month' or '8 year'",
    "growth-as-rate": "parameters.economy.gdp_growth: reads as a rate: a growth is a multiplier per year, e.g. 1.03 for +3%/yr (got 0.03)",
    "schedule-incomplete": "parameters.spending.growth: a schedule needs initial, final, half_life; half_life is missing",
    "schedule-not-a-rate": "parameters.spending.largest_run: only growths, doubling times and halving times may be schedules",
    "effective-not-boolean": "parameters.data.sources.public_text.effective: expected true or false, got 'yes please'",
    "clip-reversed": "parameters.spending.growth.clip: lower bound 3 is above upper bound 2",
    "missing-name": "name: is empty; give it a value",
    "infinite-value": "parameters.spending.growth.to[1]: expected a finite number, got inf",
}


def test_every_bad_file_is_covered():
    assert len(BAD_FILES) >= 15
    assert {p.stem for p in BAD.glob("*.yaml")} == set(BAD_FILES)


@pytest.mark.parametrize("stem", sorted(BAD_FILES))
def test_bad_file_gives_one_line_error_with_file_and_key(stem, capsys):
    path = BAD / f"{stem}.yaml"
    assert main(["validate", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert err.startswith(f"scalesim: error: {path}: ")
    assert BAD_FILES[stem] in err
    assert "Traceback" not in err


@pytest.mark.parametrize("stem", ["lo-above-hi", "yaml-syntax"])
def test_cli_exit_code_2_in_a_real_process(stem):
    proc = subprocess.run(
        [sys.executable, "-m", "scalesim.cli", "run", str(BAD / f"{stem}.yaml")],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert proc.stdout == ""


def test_shipped_scenarios_validate():
    files = sorted(SCENARIOS.glob("*.yaml"))
    assert len(files) >= 6
    assert main(["validate", *map(str, files)]) == 0
    for f in files:
        s = scalesim.load_scenario(f)
        assert s.description, f
        uncertain = [
            k
            for k, p in s.priors.items()
            if not p.is_fixed and (k in s.explicit or k.rpartition(".")[0] in s.explicit)
        ]
        assert uncertain or "extends" in f.read_text()


def test_units_are_converted_to_canonical(tmp_path):
    f = tmp_path / "u.yaml"
    f.write_text(
        "name: u\nparameters:\n  algorithms: {halving_time: 6 month}\n"
        "  hardware: {flop_per_usd: 2e9 FLOP/nUSD}\n"
        "  data: {sources: {web: {stock: 2 trillion token}}}\n"
        "  economy: {gdp_growth: 103 %}\n"
    )
    s = scalesim.load_scenario(f)
    assert s.priors["algorithms.halving_time"].args == (0.5,)
    assert math.isclose(s.priors["hardware.flop_per_usd"].args[0], 2e18)
    assert s.priors["data.sources.web.stock"].args == (2e12,)
    assert math.isclose(s.priors["economy.gdp_growth"].args[0], 1.03)


def test_extends_overrides_and_removes(tmp_path):
    (tmp_path / "base.yaml").write_text(
        yaml.safe_dump(
            {
                "name": "base",
                "seed": 5,
                "parameters": {
                    "spending": {"growth": {"to": [2, 3]}, "largest_run": "1e8 USD"},
                    "data": {
                        "sources": {"a": {"stock": "1e14 token"}, "b": {"stock": "1e13 token"}}
                    },
                },
            }
        )
    )
    (tmp_path / "child.yaml").write_text(
        yaml.safe_dump(
            {
                "name": "child",
                "extends": "base.yaml",
                "parameters": {"spending": {"growth": 2.5}, "data": {"sources": {"b": None}}},
            }
        )
    )
    s = scalesim.load_scenario(tmp_path / "child.yaml")
    assert s.name == "child" and s.seed == 5
    assert s.priors["spending.growth"].args == (2.5,)
    assert s.priors["spending.largest_run"].args == (1e8,)
    assert s.data_sources == ["a"]


def test_error_in_parent_names_the_parent_file(tmp_path):
    (tmp_path / "base.yaml").write_text(
        "name: base\nparameters:\n  spending: {growth: -1}\n  data: {sources: {a: {stock: 1e14}}}\n"
    )
    (tmp_path / "child.yaml").write_text("name: child\nextends: base.yaml\n")
    with pytest.raises(InputError) as exc:
        scalesim.load_scenario(tmp_path / "child.yaml")
    assert str(exc.value).startswith(f"{tmp_path / 'base.yaml'}: parameters.spending.growth:")


def test_value_a_child_sets_inside_an_inherited_prior_names_the_child(tmp_path):
    # {credibility: ...} merges into the parent's {to: [...]}: the credibility is the child's
    # (it was named as the parent's), the bounds stay the parent's; down a chain of three
    (tmp_path / "base.yaml").write_text(
        "name: base\nparameters:\n  spending: {growth: {to: [2, 3]}}\n"
        "  hardware: {doubling_time: {to: [3 year, 1 year]}}\n"
        "  algorithms: {halving_time: {to: [5 month, 14 month]}}\n"
        "  data: {sources: {a: {stock: 1e14 token}}}\n"
    )
    (tmp_path / "mid.yaml").write_text(
        "extends: base.yaml\nparameters:\n  algorithms: {halving_time: {credibility: 200}}\n"
    )
    (tmp_path / "child.yaml").write_text(
        "extends: mid.yaml\nparameters:\n  spending: {growth: {credibility: 300}}\n"
        "  hardware: {doubling_time: {credibility: 80}}\n"
    )
    percentage = "expected a percentage between 0 and 100 (e.g. 90), got"
    problems = [str(e) for e in scenario_problems(tmp_path / "child.yaml")]
    assert sorted(problems) == sorted(
        [
            f"{tmp_path / 'child.yaml'}: parameters.spending.growth.credibility: {percentage} 300",
            f"{tmp_path / 'base.yaml'}: parameters.hardware.doubling_time.to: lower bound 3 is"
            " above upper bound 1",
            f"{tmp_path / 'mid.yaml'}: parameters.algorithms.halving_time.credibility:"
            f" {percentage} 200",
        ]
    )
    with pytest.raises(InputError) as exc:  # what `scalesim run` and the app report: the first
        scalesim.load_scenario(tmp_path / "child.yaml")
    assert str(exc.value) == problems[0]


_BASE = (
    "name: base\nsamples: 2000\nparameters:\n  spending: {growth: {to: [2, 3]}}\n"
    "  hardware: {doubling_time: {to: [1 year, 3 year]}}\n"
    "  algorithms: {halving_time: {to: [5 month, 14 month]}}\n"
)


@pytest.mark.parametrize(
    ("parent", "child", "named", "message"),
    [
        # an index inside a list the child sets: the list is the child's
        (
            "  data: {sources: {a: {stock: 1e14 token}}}\n",
            "parameters: {spending: {growth: {clip: [5, x]}}}\n",
            "child",
            "parameters.spending.growth.clip[1]: expected a number",
        ),
        # an inherited scalar replaced by the child's mapping
        (
            "  data: {sources: {a: {stock: 1e14 token}}}\n",
            "samples: {x: 1}\n",
            "child",
            "samples: expected an integer",
        ),
        # a data source the child adds beside the parent's: the parent's stays the parent's
        (
            "  data: {sources: {a: {stock: -5 token}}}\n",
            "parameters: {data: {sources: {b: {stock: 1e14 token}}}}\n",
            "base",
            "parameters.data.sources.a.stock: must be > 0",
        ),
    ],
    ids=["list-index", "scalar-replaced", "source-beside"],
)
def test_an_error_names_the_file_that_set_the_value(tmp_path, parent, child, named, message):
    (tmp_path / "base.yaml").write_text(_BASE + parent)
    (tmp_path / "child.yaml").write_text("extends: base.yaml\n" + child)
    with pytest.raises(InputError) as exc:
        scalesim.load_scenario(tmp_path / "child.yaml")
    assert str(exc.value).startswith(f"{tmp_path / (named + '.yaml')}: {message}")


def test_a_file_is_named_as_given_in_every_problem(tmp_path, monkeypatch):
    # ./bad.yaml, not bad.yaml for some problems and ./bad.yaml for others
    monkeypatch.chdir(tmp_path)
    (tmp_path / "bad.yaml").write_text("name: bad\nsamples: abc\n")
    problems = [str(e) for e in scenario_problems("./bad.yaml")]
    assert len(problems) >= 2
    assert all(p.startswith("./bad.yaml: ") for p in problems), problems


def test_to_yaml_round_trips():
    s = scalesim.load_scenario(SCENARIOS / "overtrained-5x.yaml")
    again = scalesim.load_scenario_text(s.to_yaml(), name="copy.yaml")
    assert again.priors == s.priors and again.sha256 == s.sha256


def test_prior_forms():
    text = """name: forms
parameters:
  spending:
    growth: {normal: {mean: 2.4, sd: 0.2}, clip: [2.0, null]}
    largest_run: {lognormal: {median: 1e8 USD, sigma: 0.5}}
    max_share_of_gdp: {choice: {values: [0.001, 0.01], weights: [3, 1]}}
  hardware:
    doubling_time: {triangular: [1 year, 2 year, 3 year]}
    flop_per_usd: {loguniform: [1e17 FLOP/USD, 1e19 FLOP/USD]}
  algorithms: {halving_time: {uniform: [0.5 year, 1.0 year]}}
  data: {sources: {web: {stock: {to: [1e14 token, 1e15 token], credibility: 80}}}}
"""
    s = scalesim.load_scenario_text(text)
    x = draw(s.priors, 1, 0, 50_000)
    assert x["spending.growth"].min() >= 2.0
    assert abs(np.median(x["spending.largest_run"]) / 1e8 - 1) < 0.02
    assert abs(np.mean(x["spending.max_share_of_gdp"] == 0.001) - 0.75) < 0.01
    assert abs(np.median(x["hardware.doubling_time"]) - 2.0) < 0.02
    assert abs(np.mean(x["data.sources.web.stock"] < 1e14) - 0.1) < 0.01
    assert 0.5 <= x["algorithms.halving_time"].min() and x["algorithms.halving_time"].max() <= 1.0


def test_draws_do_not_depend_on_chunking_or_on_other_parameters():
    s = scalesim.load_scenario(SCENARIOS / "baseline.yaml")
    whole = draw(s.priors, 7, 0, 3 * BLOCK + 100)
    parts = [
        draw(s.priors, 7, a, min(a + BLOCK, 3 * BLOCK + 100))
        for a in range(0, 3 * BLOCK + 100, BLOCK)
    ]
    for k, v in whole.items():
        if v.size > 1:
            np.testing.assert_array_equal(v, np.concatenate([p[k] for p in parts]))
    fewer = draw({"spending.growth": s.priors["spending.growth"]}, 7, 0, 100)
    np.testing.assert_array_equal(fewer["spending.growth"], whole["spending.growth"][:100])


yaml_values = st.recursive(
    st.one_of(
        st.none(),
        st.booleans(),
        st.integers(-(10**6), 10**6),
        st.floats(allow_nan=True),
        st.text(max_size=12),
    ),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)
keys = st.sampled_from(
    [
        "name",
        "years",
        "samples",
        "seed",
        "parameters",
        "extends",
        "sources",
        "base_year",
        "description",
    ]
)
groups = st.sampled_from(["economy", "spending", "hardware", "data", "synthetic", "training"])
params = st.sampled_from(
    [
        "growth",
        "largest_run",
        "sources",
        "epochs",
        "stock",
        "to",
        "doubling_time",
        "max_share_of_gdp",
        "world_gdp",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.dictionaries(keys, yaml_values, max_size=6),
        st.fixed_dictionaries(
            {
                "name": st.text(min_size=1, max_size=5),
                "parameters": st.dictionaries(
                    groups, st.dictionaries(params, yaml_values, max_size=3), max_size=3
                ),
            }
        ),
        st.text(max_size=80),
    )
)
def test_loader_fuzz_never_raises_anything_but_input_error(doc):
    text = doc if isinstance(doc, str) else yaml.safe_dump(doc)
    try:
        s = scalesim.load_scenario_text(text, name="fuzz.yaml", base_dir=BAD)
    except InputError as exc:
        msg = str(exc)
        assert msg.startswith("fuzz.yaml") or msg.startswith(str(BAD)), msg
        assert "\n" not in msg
        return
    assert s.name


MANY_PROBLEMS = """\
name: many
samples: 0
parameters:
  spending:
    growth: {to: [2.9, 2.0]}
    grwoth: 3
  hardware:
    doubling_time: 5 token
  data:
    sources:
      public_text: {stock: 1e14 token}
correlations:
  a: {between: [spending.largest_run, hardware.flop_per_usd], rho: 2}
milestones:
  bad: {requirement: 1e30 FLOP, metric: no_such_metric}
"""


def test_validate_reports_every_problem_one_line_each(tmp_path, capsys):
    path = tmp_path / "many.yaml"
    path.write_text(MANY_PROBLEMS)
    out = tmp_path / "v.json"
    assert main(["validate", str(path), str(SCENARIOS / "baseline.yaml"), "--json", str(out)]) == 2
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    keys = [line.split(": ")[3] for line in lines]  # scalesim: error: FILE: KEY: ...
    assert keys == [
        "samples",
        "parameters.spending.growth.to",
        "parameters.spending.grwoth",
        "parameters.hardware.doubling_time",
        "milestones.bad.metric",
        "correlations.a.rho",
    ], lines
    assert all(line.startswith(f"scalesim: error: {path}: ") for line in lines)
    assert captured.out.startswith("ok: ") and captured.out.count("\n") == 1
    report = __import__("json").loads(out.read_text())
    assert report["failed"] == 1 and [f["ok"] for f in report["files"]] == [False, True]
    assert [p["key"] for p in report["files"][0]["problems"]] == keys
    # load_scenario still raises the first one; -q prints only the problems
    with pytest.raises(InputError, match="samples: must be between 1"):
        scalesim.load_scenario(path)
    assert main(["validate", "-q", str(SCENARIOS / "baseline.yaml")]) == 0
    assert capsys.readouterr().out == ""
