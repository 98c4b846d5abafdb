"""Honest scenarios: every number a shipped scenario sets names its source, at the source's
own credibility."""

from __future__ import annotations

import re

import pytest
from conftest import SCENARIOS

import scalesim

SHIPPED = sorted(SCENARIOS.glob("*.yaml")) + sorted((SCENARIOS / "papers").glob("*.yaml"))


def _source_of(scenario, key):
    """The source text of a key path; a schedule's parts may share their parent's."""
    if key in scenario.sources:
        return scenario.sources[key]
    parent, _, last = key.rpartition(".")
    if last in ("initial", "final", "half_life"):
        return scenario.sources.get(parent)
    return None


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_every_number_names_a_source(path):
    s = scalesim.load_scenario(path)
    keys = {k for k in s.priors if k in s.explicit or k.rpartition(".")[0] in s.explicit}
    milestone_keys = {k for m in s.milestones for k in m.source_keys()}
    missing = sorted(k for k in keys | milestone_keys if not _source_of(s, k))
    assert not missing, f"{path.name}: no source for {missing}"
    unknown = sorted(
        k
        for k in s.sources
        if k not in s.priors and f"{k}.initial" not in s.priors and k not in milestone_keys
    )
    assert not unknown, f"{path.name}: sources for keys it does not set: {unknown}"


_CI = re.compile(r"\b(50|80|90|95)% (?:CI|interval|credibility)|\((50|80|90|95)%\)")


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_intervals_have_their_sources_credibility(path):
    s = scalesim.load_scenario(path)
    requirements = {m.requirement_key(h): h.requirement for m in s.milestones for h in m.hypotheses}
    for key, prior in {**s.priors, **requirements}.items():
        spec = prior.spec
        if not isinstance(spec, dict) or not any(k in spec for k in ("to", "normal", "lognormal")):
            continue
        source = _source_of(s, key) or ""
        stated = {a or b for a, b in _CI.findall(source)}
        if len(stated) != 1:
            continue  # no interval stated, or several (the text explains the conversion)
        (level,) = stated
        assert spec.get("credibility", 90) == int(level), (
            f"{path.name}: {key} is read at {spec.get('credibility', 90)}% but its source "
            f"gives a {level}% interval: {source}"
        )
