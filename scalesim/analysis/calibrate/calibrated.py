"""A scenario calibrated on history: the source scenario with its spending and hardware
priors replaced by the 90% intervals of their importance-sampled posterior
(scalesim.calibrate.importance), written as a full copy that ``scalesim run`` accepts."""

from __future__ import annotations

import yaml

from scalesim.analysis.calibrate.importance import CALIBRATED, Calibration
from scalesim.engine.io import write_text
from scalesim.scenario.loader import Scenario, scenario_from_mapping


def calibrated_overrides(scenario: Scenario, result: Calibration) -> dict[str, object]:
    """Priors of the calibrated scenario: ``{to: [p5, p95]}`` of each resampled posterior.

    A parameter that is fixed in the source scenario stays fixed; one whose posterior has
    collapsed to a single value (ESS ~ 1) becomes that value.
    """
    out: dict[str, object] = {}
    for key, unit in CALIBRATED.items():
        if scenario.priors[key].is_fixed:
            continue
        lo, _, hi = result.posterior[key]
        suffix = f" {unit}" if unit else ""
        if not hi > lo:
            out[key] = _yaml_number(lo, suffix)
        else:
            out[key] = {"to": [_yaml_number(lo, suffix), _yaml_number(hi, suffix)]}
    return out


def _yaml_number(x: float, suffix: str):
    text = f"{x:.4g}"
    return f"{text}{suffix}" if suffix else float(text)


def calibrated_scenario(
    scenario: Scenario, result: Calibration, *, history_label: str, since: int, until: int
) -> Scenario:
    """A full copy of ``scenario`` with the calibrated priors, validated.

    Parameters
    ----------
    scenario : Scenario
        The source scenario.
    result : Calibration
        From :func:`importance_sample`.
    history_label : str
        What the history was (file name), for the ``sources`` entries.
    since, until : int
        Window of the observations [year].

    Returns
    -------
    Scenario
    """
    overrides = calibrated_overrides(scenario, result)
    obs = result.observations
    note = (
        f"scalesim calibrate: importance sampling of {result.draws:,} draws of the priors "
        f"of '{scenario.name}' against {history_label}, frontier runs {since}-{until} "
        f"(annual maxima: {obs.n_flop} years of compute, {obs.n_cost} of cost; log-normal "
        f"scatter {obs.sigma_flop:.2f} / {obs.sigma_cost:.2f} dex); ESS {result.ess:,.0f}; "
        "90% interval of the resampled posterior"
    )
    name = f"{scenario.name} (calibrated on {since}-{until})"
    calibrated = scenario.with_overrides(overrides, name=name)
    raw = dict(calibrated.raw)
    raw["description"] = (
        f"{scenario.description} Calibrated: spending and hardware priors "
        f"replaced by their posterior on history {since}-{until}."
    ).strip()
    sources = dict(raw.get("sources") or {})
    for key in overrides:
        sources[key] = note
    raw["sources"] = sources
    return scenario_from_mapping(raw, path=scenario.path)


def write_scenario(path, calibrated: Scenario, header: str = "") -> None:
    """Write a scenario as YAML atomically (a full copy: no ``extends:``)."""
    lines = "".join(f"# {line}\n" for line in header.splitlines())
    text = lines + yaml.safe_dump(
        calibrated.raw, sort_keys=False, allow_unicode=True, width=100, default_flow_style=None
    )
    write_text(path, text)


def posterior_label(key: str) -> str:
    """Display name and unit of a calibrated or derived quantity."""
    return {
        "spending.largest_run": "spending.largest_run [USD]",
        "spending.growth": "spending.growth [x/yr]",
        "hardware.flop_per_usd": "hardware.flop_per_usd [FLOP/USD]",
        "hardware.doubling_time": "hardware.doubling_time [yr]",
        "compute_growth": "implied compute growth [x/yr]",
        "training_flop_base_year": "largest run in base year [FLOP]",
    }.get(key, key)
