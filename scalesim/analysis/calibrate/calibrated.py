"""A scenario calibrated on history: the source scenario with its spending and hardware
priors replaced by the 90% intervals of their importance-sampled posterior
(scalesim.calibrate.importance) and, between them, the posterior's rank correlations as a
``correlations:`` block (weighted Spearman ρ under the importance weights; the Gaussian
copula of scalesim.scenario.correlations draws them back), written as a full copy that
``scalesim run`` accepts."""

from __future__ import annotations

import yaml

from scalesim.analysis.calibrate.importance import CALIBRATED, Calibration
from scalesim.engine.io import write_text
from scalesim.errors import InputError
from scalesim.scenario.correlations import Correlation, build_copula
from scalesim.scenario.loader import Scenario, scenario_from_mapping

#: Shrink factor applied to the posterior's correlations until their matrix is positive
#: definite (rarely needed: a Spearman matrix is positive semi-definite, its copula
#: conversion 2 sin(π ρ / 6) almost always keeps it definite) [1].
SHRINK = 0.9


def posterior_correlations(
    result: Calibration, keys, keep: dict | None = None
) -> tuple[dict[str, dict], float]:
    """The ``correlations:`` entries of the posterior between ``keys``.

    Parameters
    ----------
    result : Calibration
        Gives the weighted rank correlations (``result.rank_correlations``).
    keys : collection of str
        Parameters whose priors the calibrated scenario replaces by intervals.
    keep : dict, optional
        Entries of the source scenario kept beside them (those between other parameters).

    Returns
    -------
    entries : dict
        Name -> ``{between: [a, b], rho: ρ}`` (ρ to 3 decimals).
    shrink : float
        Factor the posterior's ρ were multiplied by to keep the matrix positive definite
        (1.0: none).
    """
    pairs = {
        pair: rho
        for pair, rho in result.rank_correlations.items()
        if pair[0] in keys and pair[1] in keys
    }
    keep = keep or {}
    factor = 1.0
    for _ in range(40):
        entries = {
            f"posterior_{a.replace('.', '_')}__{b.replace('.', '_')}": {
                "between": [a, b],
                "rho": round(rho * factor, 3),
            }
            for (a, b), rho in pairs.items()
        }
        together = {**keep, **entries}
        try:
            if together:
                build_copula(
                    [Correlation(n, tuple(e["between"]), e["rho"]) for n, e in together.items()]
                )
            return entries, factor
        except InputError:
            factor *= SHRINK
    return {}, 0.0


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
        f"replaced by their posterior on history {since}-{until}, with its rank "
        "correlations."
    ).strip()
    sources = dict(raw.get("sources") or {})
    for key in overrides:
        sources[key] = note
    keys = {k for k, v in overrides.items() if isinstance(v, dict)}
    # the posterior's correlations replace any the source scenario had between these keys
    kept = {
        name: entry
        for name, entry in (raw.get("correlations") or {}).items()
        if not (set(entry.get("between") or ()) & keys)
    }
    for name in set(raw.get("correlations") or {}) - set(kept):
        sources.pop(f"correlations.{name}", None)
    entries, factor = posterior_correlations(result, keys, kept)
    shrunk = "" if factor == 1.0 else f", shrunk by {factor:.3g} to keep the matrix definite"
    for name in entries:
        sources[f"correlations.{name}"] = (
            f"scalesim calibrate: weighted Spearman rank correlation of the importance-"
            f"sampled posterior ({result.draws:,} draws of the priors of '{scenario.name}', "
            f"ESS {result.ess:,.0f}) against {history_label}, frontier runs {since}-{until}"
            f"{shrunk}"
        )
    if kept or entries:
        raw["correlations"] = {**kept, **entries}
    else:
        raw.pop("correlations", None)
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
