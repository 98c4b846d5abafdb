"""The README and the docs pages stay true: their tables, key paths, commands and API names
are read back out of them and checked against the code. The pages are read as the docs site
shows them where a part is generated (``<!-- generated: ... -->``, filled by docs/hooks.py)."""

from __future__ import annotations

import importlib
import importlib.util
import math
import re

import pytest
import yaml
from conftest import ROOT, SCENARIOS

import scalesim
from scalesim.cli import command_modules
from scalesim.model.parameters import PARAMETERS
from scalesim.model.variables import VARIABLES
from scalesim.present.docs import parameter_markdown
from scalesim.units import ureg

DOCS = ROOT / "docs"
_spec = importlib.util.spec_from_file_location("docs_hooks", DOCS / "hooks.py")
hooks = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(hooks)

#: The README and every docs page as written (generated parts left as their markers).
TEXTS = {"README.md": (ROOT / "README.md").read_text(encoding="utf-8")} | {
    f"docs/{p.name}": p.read_text(encoding="utf-8") for p in sorted(DOCS.glob("*.md"))
}
README = "\n\n".join(TEXTS.values())
FENCED = re.findall(r"^```(\w*)\n(.*?)^```", README, flags=re.M | re.S)
INLINE = re.findall(r"`([^`]+)`", re.sub(r"^```.*?^```", "", README, flags=re.M | re.S))
#: Every piece of code in the README and the docs pages: fenced blocks and inline spans.
CODE = [body for _, body in FENCED] + INLINE


def rendered(page: str) -> str:
    """A docs page as the site shows it: its generated parts filled in."""
    return hooks.on_page_markdown(TEXTS[f"docs/{page}"])


#: Keys that may follow a parameter's path in a key path: prior forms, their options, and
#: the sweep file's point specifications (README "Priors" and "Sweeps").
PRIOR_KEYS = {
    "to",
    "credibility",
    "normal",
    "lognormal",
    "uniform",
    "loguniform",
    "triangular",
    "choice",
    "clip",
    "mean",
    "sd",
    "median",
    "sigma",
    "values",
    "weights",
    "range",
    "log",
    "initial",
    "final",
    "half_life",
}
GROUPS = {p.path.split(".")[0] for p in PARAMETERS}

#: Variables the README's variable table does not list yet (they are described in the
#: method section only). The test fails when one of them gets its row: remove it here then.
NOT_IN_VARIABLE_TABLE: set[str] = set()


def _table(heading: str, text: str = README) -> list[list[str]]:
    """The cells of the first Markdown table after the line ``heading`` (header row and
    separator dropped)."""
    start = text.index(heading)
    lines = text[start:].splitlines()[1:]
    first = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[first + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def _matches(path: str) -> bool:
    """``path`` (under ``parameters:``, without the prefix) names a parameter, a group of
    parameters (``data.sources``), or a parameter followed by prior or sweep keys
    (``spending.growth.to[1]``, ``data.epochs.values[1]``)."""
    parts = [re.sub(r"\[\d+\]$", "", s) for s in path.split(".")]
    for p in PARAMETERS:
        spec = p.path.split(".")
        n = len(spec)
        if all(s == "*" or s == q for s, q in zip(spec, parts, strict=False)):
            if len(parts) < n or all(q in PRIOR_KEYS for q in parts[n:]):
                return True
    return False


# --- the parameter reference ---------------------------------------------------------------

SCENARIO_PAGE = rendered("scenarios.md")
PARAM_ROWS = _table("## Parameter reference", SCENARIO_PAGE)


def test_parameter_reference_is_the_generated_one():
    assert "<!-- generated: parameters -->" in TEXTS["docs/scenarios.md"]
    start = SCENARIO_PAGE.index("| key | symbol | unit | default | domain | meaning | source |")
    lines = SCENARIO_PAGE[start:].splitlines()
    shown = lines[: next(i for i, line in enumerate(lines) if not line.startswith("|"))]
    assert shown == parameter_markdown().splitlines()


def test_parameter_reference_lists_every_parameter_once_in_order():
    assert [r[0] for r in PARAM_ROWS] == [f"`parameters.{p.path}`" for p in PARAMETERS]


@pytest.mark.parametrize("p", PARAMETERS, ids=lambda p: p.path)
def test_parameter_row_gives_unit_default_and_domain(p):
    rows = {r[0]: r for r in PARAM_ROWS}
    assert f"`parameters.{p.path}`" in rows, "no row in the docs' parameter reference"
    cells = rows[f"`parameters.{p.path}`"]
    assert len(cells) == 7, cells  # key, symbol, unit, default, domain, meaning, source
    row = dict(zip(["key", "symbol", "unit", "default", "domain"], cells[:5], strict=True))
    # The unit, as written, is the parameter's unit (pint: "1" is dimensionless).
    assert ureg.Quantity(1, row["unit"]).to(p.unit).magnitude == pytest.approx(1, rel=1e-12)
    assert row["symbol"] == p.symbol and row["symbol"]
    # The default, within the 4 significant digits printed.
    if p.default is None:
        assert row["default"] == "required"
    elif p.default_prior is not None:
        # a physical ceiling's default is a prior: its interval and credibility, as written
        lo, hi = (float(str(x).split()[0]) for x in p.default_prior["to"])
        shown = row["default"].removeprefix("prior ").split(" (")[0].split(" – ")
        assert [float(s.split()[0]) for s in shown] == [lo, hi]
        assert math.isclose(math.sqrt(lo * hi), p.default, rel_tol=1e-12)  # median
    elif p.default == math.inf:
        assert row["default"] == "inf (none)"
    else:
        shown = float(row["default"])
        assert abs(shown - p.default) <= 5e-4 * abs(p.default), (shown, p.default)
        assert p.contains(p.default), "a default outside its own domain"
    # The domain: "> a", ">= a", "> a and <= b".
    m = re.fullmatch(r"(>=?) (\S+)(?: and <= (\S+))?", row["domain"])
    assert m, row["domain"]
    assert (m[1] == ">") == p.lower_open
    assert float(m[2]) == pytest.approx(p.lower, rel=5e-6)
    assert (math.inf if m[3] is None else float(m[3])) == pytest.approx(p.upper, rel=5e-6)


# --- key paths in the README's code ----------------------------------------------------------


def _yaml_key_paths() -> list[str]:
    """Key paths (under ``parameters:``) in the README's YAML blocks: the scenario format's
    ``parameters:`` tree and ``sources:`` keys, the sweep format's ``parameters:`` keys."""
    paths = []

    def walk(node, prefix):
        for key, value in node.items():
            path = f"{prefix}{key}"
            if isinstance(value, dict) and not set(value) & PRIOR_KEYS:
                walk(value, f"{path}.")
            else:
                paths.append(path)

    for lang, body in FENCED:
        if lang != "yaml":
            continue
        # "..." alone on a line stands for "and so on" in the docs
        doc = yaml.safe_load(re.sub(r"^\s*\.\.\.\s*$", "", body, flags=re.M))
        if "method" in doc:  # a sweep file: dotted key paths as keys
            paths += list(doc["parameters"])
            continue
        walk(doc.get("parameters") or {}, "")
        for correlation in (doc.get("correlations") or {}).values():
            paths += list(correlation.get("between") or [])
        # sources: by key path; those of other blocks (correlations., pool.) are not parameters
        paths += [k for k in doc.get("sources") or {} if k.split(".")[0] in GROUPS]
    return paths


def _inline_key_paths() -> list[str]:
    """``parameters.x.y`` anywhere in code, and inline spans that are a bare dotted path
    starting with a parameter group (`spending.growth`)."""
    found = []
    for code in CODE:
        found += re.findall(
            r"(?<![\w/.])parameters\.([A-Za-z_*]+(?:\.[A-Za-z_*]+(?:\[\d+\])?)*)", code
        )
    for span in INLINE:
        if re.fullmatch(r"[a-z_]+(\.[a-z_*]+)+", span) and span.split(".")[0] in GROUPS:
            found.append(span)
    return found


def test_key_path_parsers_find_the_readme_examples():
    # the parsers find what is there: the scenario-format example and the sweep example
    assert {"spending.largest_run", "data.sources.public_text.stock"} <= set(_yaml_key_paths())
    assert {"hardware.doubling_time", "spending.growth"} <= set(_yaml_key_paths())
    assert {"spending.growth", "data.sources", "data.epochs.values[1]"} <= set(_inline_key_paths())


@pytest.mark.parametrize("where", ["yaml blocks", "inline code"])
def test_every_key_path_in_readme_code_is_a_parameter(where):
    paths = _yaml_key_paths() if where == "yaml blocks" else _inline_key_paths()
    assert [p for p in paths if not _matches(p)] == []


def test_key_path_matching_rejects_what_is_not_a_parameter():
    assert _matches("data.sources.public_text.stock") and _matches("spending.growth.to[1]")
    assert not _matches("spending.grwoth") and not _matches("spending.growth.stock")
    assert not _matches("data.sources.public_text.stock.extra")


# --- variables, scenarios, commands, API ---------------------------------------------------


def test_variable_table_gives_each_variable_with_its_unit_and_meaning():
    rows = _table("Variables, each (sample, year), canonical units:", TEXTS["docs/outputs.md"])
    table = {r[0].strip("`"): (r[1], r[2]) for r in rows}
    assert len(table) == len(rows), "a variable listed twice"
    assert table.pop("binding_constraint")[0] == "name"
    assert set(VARIABLES) - set(table) == NOT_IN_VARIABLE_TABLE
    assert set(table) <= set(VARIABLES), set(table) - set(VARIABLES)
    for name, (unit, meaning) in table.items():
        assert (unit, meaning) == VARIABLES[name], name


def test_scenario_table_lists_exactly_the_shipped_scenarios():
    page = rendered("reproduction.md")
    names = re.findall(r"^\| `([\w/.-]+)` \|", page, flags=re.M)
    files = [p.stem for p in SCENARIOS.glob("*.yaml")]
    files += [f"papers/{p.stem}" for p in (SCENARIOS / "papers").glob("*.yaml")]
    assert sorted(names) == sorted(files)


def test_every_marker_is_a_generated_part_and_every_page_is_in_the_nav():
    nav = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    for name, text in TEXTS.items():
        for marker in re.findall(r"^<!-- (\w+): (.+?) -->$", text, flags=re.M):
            if marker[0] == "scalesim reproduce":
                continue
            assert marker[0] == "generated", (name, marker)
            hooks.generated(marker[1])  # raises for an unknown part
        if name.startswith("docs/"):
            assert f": {name.removeprefix('docs/')}" in nav, f"{name} is not in mkdocs.yml's nav"
    assert "<!-- readme:" not in README


def test_readme_links_point_at_docs_pages_that_exist():
    links = re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", TEXTS["README.md"])
    assert len(links) >= 10
    for link in links:
        if not link.startswith("http"):
            assert (ROOT / link).is_file(), link


def test_commands_in_readme_code_exist_and_every_command_is_documented():
    used = set()
    for code in CODE:
        used |= set(re.findall(r"(?:^|[\s$`(])scalesim ([a-z]+)\b", code, flags=re.M))
    assert used == set(command_modules())


def test_make_targets_in_readme_code_exist():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][\w-]*):", makefile, flags=re.M))
    used = set()
    for code in CODE:
        used |= set(re.findall(r"\bmake ([a-z]+)\b", code))
    assert {"run", "test", "app", "bench", "report"} <= used
    assert used <= targets, used - targets
    test_recipe = re.search(r"^test:.*\n((?:\t.*\n)+)", makefile, flags=re.M)[1]
    assert "ruff check" in test_recipe and "ruff format --check" in test_recipe
    assert "pytest" in test_recipe


def test_ci_entry_point_runs_make_test():
    lines = (ROOT / ".ci" / "run").read_text().splitlines()
    commands = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert commands[-1] == "make test"


def _resolve(dotted: str):
    """The object ``scalesim.a.b.c`` names: the longest importable module, then attributes."""
    parts = dotted.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ModuleNotFoundError:
            continue
        for attr in parts[i:]:
            obj = getattr(obj, attr)
        return obj
    raise ModuleNotFoundError(dotted)


def test_every_scalesim_name_in_readme_code_resolves():
    names = set()
    for code in CODE:
        names |= set(re.findall(r"\bscalesim(?:\.[A-Za-z_]\w*)+", code))
    assert "scalesim.run" in names and "scalesim.present.docs.parameter_frame" in names
    for name in sorted(names):
        _resolve(name)  # raises when the README names something that does not exist
        top = name.split(".")[1]
        if not top.startswith("__") and not importlib.util.find_spec(f"scalesim.{top}"):
            assert top in scalesim.__all__, f"{name}: not in scalesim.__all__"


def test_public_api_is_exactly_what_all_lists():
    assert len(scalesim.__all__) == len(set(scalesim.__all__))
    for name in scalesim.__all__:
        getattr(scalesim, name)  # lazy names import on first use; a missing one raises
    with pytest.raises(AttributeError):
        scalesim.no_such_name  # noqa: B018


def test_readme_example_is_what_the_command_prints(capsys):
    from scalesim.cli import main

    (block,) = re.findall(
        r"^```text\n\$ (scalesim run [^\n]+)\n(.*?)^```", TEXTS["README.md"], flags=re.M | re.S
    )
    command, shown = block
    assert main(command.split()[1:]) == 0
    printed = capsys.readouterr().out.splitlines()
    lines = [line for line in shown.splitlines() if line.strip() != "..."]
    assert len(lines) >= 6
    missing = [line for line in lines if line not in printed]
    assert missing == [], "README.md's example differs from the command's output"


def test_extras_table_names_every_extra_of_the_package():
    import tomllib

    extras = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    rows = _table("## Install", TEXTS["docs/index.md"])
    listed = {r[0].strip("`") for r in rows}
    assert listed <= set(extras), listed - set(extras)
    aliases = {"cupy"}  # another name for gpu
    mentioned = listed | set(re.findall(r"`(\w+)` also", TEXTS["docs/index.md"]))
    assert set(extras) - aliases - mentioned == set()
