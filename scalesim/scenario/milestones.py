"""The ``milestones:`` block of a scenario file: compute requirements and their priors.

A milestone names a requirement: the compute needed, in base-year-algorithm FLOP, on a metric
of the run (``effective_compute_flop`` by default). The requirement is one prior, or a
weighted mixture of named hypotheses, each with its own prior (as the six anchors of Cotra
2020); weights summing to less than 1 leave the rest to "no path": never reached. Optionally
``not_reached_by: YEAR`` conditions on the milestone not having been reached by that year:
samples where it was are dropped and the share dropped is reported.

.. code-block:: yaml

    milestones:
      scientific_papers:
        requirement: 1e35 FLOP
      tai:
        metric: effective_compute_flop
        not_reached_by: 2025
        hypotheses:
          lifetime: {weight: 0.05, requirement: {to: [4e26 FLOP, 4e33 FLOP], credibility: 80}}
          genome: {weight: 0.10, requirement: {to: [8e28 FLOP, 1e39 FLOP], credibility: 80}}

Each requirement is a prior of scalesim.priors; its key path (for ``sources:`` and the random
stream) is ``milestones.NAME.requirement`` or ``milestones.NAME.hypotheses.H.requirement``, a
weight's ``milestones.NAME.hypotheses.H.weight``. The hypothesis of each sample is drawn from
the stream ``milestones.NAME.hypothesis``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scalesim.errors import InputError, did_you_mean, shown
from scalesim.model.parameters import ParamSpec
from scalesim.scenario.prior_parse import parse_prior
from scalesim.scenario.priors import Prior

#: Variables a milestone may be measured on, the default first.
METRICS = ("effective_compute_flop", "capability_equivalent_flop", "largest_run_flop")
MILESTONE_KEYS = ("description", "metric", "requirement", "hypotheses", "not_reached_by")
HYPOTHESIS_KEYS = ("weight", "requirement")
#: Weights may exceed 1 by this much (decimal rounding of published weights).
_WEIGHT_SLACK = 1e-9

_REQUIREMENT = ParamSpec(
    "milestones.*.requirement",
    "FLOP",
    None,
    0,
    math.inf,
    True,
    "C_req",
    "Compute a milestone needs, in base-year-algorithm FLOP.",
    "",
)


@dataclass(frozen=True)
class Hypothesis:
    """One hypothesis of a milestone: its weight and its requirement's prior [FLOP]."""

    name: str
    weight: float
    requirement: Prior


@dataclass(frozen=True)
class Milestone:
    """A parsed milestone.

    Attributes
    ----------
    name, description : str
    metric : str
        The run's variable compared with the requirement (one of :data:`METRICS`).
    hypotheses : tuple of Hypothesis
        One (weight 1) for a single requirement.
    not_reached_by : int or None
        Samples that reached the requirement by this calendar year are dropped.
    """

    name: str
    description: str
    metric: str
    hypotheses: tuple[Hypothesis, ...]
    not_reached_by: int | None = None

    @property
    def p_no_path(self) -> float:
        """Weight left to "no path": the requirement is never met [1]."""
        return max(0.0, 1.0 - sum(h.weight for h in self.hypotheses))

    @property
    def mixture(self) -> bool:
        """True when each sample draws which hypothesis holds."""
        return len(self.hypotheses) > 1 or self.p_no_path > 0.0

    def requirement_key(self, h: Hypothesis) -> str:
        if len(self.hypotheses) == 1 and h.name == "":
            return f"milestones.{self.name}.requirement"
        return f"milestones.{self.name}.hypotheses.{h.name}.requirement"

    @property
    def choice_key(self) -> str:
        return f"milestones.{self.name}.hypothesis"

    def priors(self) -> dict[str, Prior]:
        """Key path -> prior of every random input of the milestone: the requirements and,
        for a mixture, the hypothesis index (0..K−1; K is "no path")."""
        out = {self.requirement_key(h): h.requirement for h in self.hypotheses}
        if self.mixture:
            k = len(self.hypotheses)
            weights = tuple(h.weight for h in self.hypotheses) + (self.p_no_path,)
            total = sum(weights)
            out[self.choice_key] = Prior(
                "choice",
                tuple(float(i) for i in range(k + 1)),
                "dimensionless",
                weights=tuple(w / total for w in weights),
            )
        return out

    def source_keys(self) -> list[str]:
        """Key paths that need a source under ``sources:``."""
        keys = [self.requirement_key(h) for h in self.hypotheses]
        if len(self.hypotheses) > 1 or self.hypotheses[0].name:
            keys += [f"milestones.{self.name}.hypotheses.{h.name}.weight" for h in self.hypotheses]
        return keys


def parse_milestones(block, years: tuple[int, int]) -> tuple[Milestone, ...]:
    """Parse the ``milestones:`` mapping (None: no milestones).

    Parameters
    ----------
    block : object
        What ``yaml.safe_load`` gave for ``milestones:``.
    years : (int, int)
        The scenario's first and last year: ``not_reached_by`` must lie within them.

    Raises
    ------
    InputError
        With the key path of the first problem.
    """
    if block is None:
        return ()
    if not isinstance(block, dict) or not block:
        raise InputError(
            f"expected a mapping of milestone names, got {shown(block)}", key="milestones"
        )
    return tuple(_milestone(str(name), body, years) for name, body in block.items())


def _milestone(name: str, body, years) -> Milestone:
    where = f"milestones.{name}"
    if not name.isidentifier():
        raise InputError("a milestone name is letters, digits and _ (e.g. tai)", key=where)
    if not isinstance(body, dict):
        raise InputError(f"expected a mapping with a requirement, got {shown(body)}", key=where)
    for key in body:
        if key not in MILESTONE_KEYS:
            raise InputError(
                f"unknown key{did_you_mean(str(key), MILESTONE_KEYS)}", key=f"{where}.{key}"
            )
    description = body.get("description", "")
    if not isinstance(description, str):
        raise InputError(f"expected text, got {shown(description)}", key=f"{where}.description")
    metric = body.get("metric", METRICS[0])
    if metric not in METRICS:
        raise InputError(
            f"unknown metric {metric!r}{did_you_mean(str(metric), METRICS)}; "
            f"one of {', '.join(METRICS)}",
            key=f"{where}.metric",
        )
    if ("requirement" in body) == ("hypotheses" in body):
        raise InputError("give either requirement, or hypotheses with weights", key=where)
    if "requirement" in body:
        hypotheses = (Hypothesis("", 1.0, _requirement(body["requirement"], where)),)
    else:
        hypotheses = _hypotheses(body["hypotheses"], f"{where}.hypotheses")
    cond = body.get("not_reached_by")
    if cond is not None:
        if isinstance(cond, bool) or not isinstance(cond, int):
            raise InputError(
                f"expected a calendar year, got {shown(cond)}", key=f"{where}.not_reached_by"
            )
        if not years[0] <= cond <= years[1]:
            raise InputError(
                f"must be a year of the run ({years[0]}–{years[1]}), got {cond}",
                key=f"{where}.not_reached_by",
            )
    return Milestone(name, description, metric, hypotheses, cond)


def _hypotheses(block, where: str) -> tuple[Hypothesis, ...]:
    if not isinstance(block, dict) or not block:
        raise InputError(f"expected a mapping of hypothesis names, got {shown(block)}", key=where)
    out = []
    for name, body in block.items():
        at = f"{where}.{name}"
        if not str(name).isidentifier():
            raise InputError("a hypothesis name is letters, digits and _", key=at)
        if not isinstance(body, dict):
            raise InputError(f"expected weight and requirement, got {shown(body)}", key=at)
        for key in body:
            if key not in HYPOTHESIS_KEYS:
                raise InputError(
                    f"unknown key{did_you_mean(str(key), HYPOTHESIS_KEYS)}", key=f"{at}.{key}"
                )
        missing = [k for k in HYPOTHESIS_KEYS if k not in body]
        if missing:
            raise InputError(f"{missing[0]} is missing", key=at)
        weight = body["weight"]
        if (
            isinstance(weight, bool)
            or not isinstance(weight, (int, float))
            or not (0 <= weight <= 1)
        ):
            raise InputError(
                f"expected a weight in [0, 1], got {shown(weight)}", key=f"{at}.weight"
            )
        out.append(Hypothesis(str(name), float(weight), _requirement(body["requirement"], at)))
    total = sum(h.weight for h in out)
    if total > 1 + _WEIGHT_SLACK or total <= 0:
        raise InputError(
            f"weights must sum to more than 0 and at most 1 (the rest is 'no path'), got {total:g}",
            key=where,
        )
    return tuple(out)


def _requirement(value, where: str) -> Prior:
    try:
        return parse_prior(value, _REQUIREMENT)
    except InputError as exc:
        inner = f".{exc.key}" if exc.key else ""
        raise InputError(exc.message, key=f"{where}.requirement{inner}") from None


__all__ = ["METRICS", "Hypothesis", "Milestone", "parse_milestones"]
