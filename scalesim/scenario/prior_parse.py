"""Parsing of the prior of one scenario parameter (its YAML value) into a :class:`Prior`.

A prior is written the way an analyst thinks (after squigglepy):

- a number or quantity: a fixed value (``1.1e14 USD``);
- ``{to: [lo, hi]}``: a 90% credible interval, lognormal when both bounds are > 0, else
  normal; ``credibility: 80`` changes the interval's mass (percent);
- ``{normal: [lo, hi]}`` / ``{lognormal: [lo, hi]}``: the same with the family forced; or
  ``{normal: {mean, sd}}`` / ``{lognormal: {median, sigma}}`` (sigma of ln x);
- ``{uniform: [lo, hi]}``, ``{loguniform: [lo, hi]}``, ``{triangular: [lo, mode, hi]}``;
- ``{choice: [v1, v2, ...]}`` or ``{choice: {values: [...], weights: [...]}}``;
- any of them with ``clip: [lo, hi]`` (either may be null).

The distributions themselves and their draws are in :mod:`scalesim.scenario.priors`.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

from scalesim.errors import InputError, did_you_mean, shown
from scalesim.model.parameters import ParamSpec
from scalesim.scenario.priors import _Q_EPS, Prior
from scalesim.units import parse_quantity

KINDS = ("fixed", "to", "normal", "lognormal", "uniform", "loguniform", "triangular", "choice")
_OPTIONS = ("clip", "credibility")
_STD = NormalDist()
#: Credibility of an interval [percent]: the range where its z-score is well defined.
MIN_CREDIBILITY, MAX_CREDIBILITY = 1.0, 99.99
#: Widest spread a prior may have between its 1e-12 and 1 - 1e-12 quantiles [decades]: wider
#: priors put samples beyond float64 (lognormal sigma 1000 is 6,000 decades).
MAX_DECADES = 200.0


def parse_prior(value: object, spec: ParamSpec) -> Prior:
    """Parse the YAML value of one parameter into a :class:`Prior`.

    Parameters
    ----------
    value : object
        What ``yaml.safe_load`` produced for the key.
    spec : ParamSpec
        The parameter's unit and domain.

    Returns
    -------
    Prior

    Raises
    ------
    InputError
        With ``key`` set to the sub-key at fault (``to``, ``clip``...), relative to the
        parameter.
    """
    unit = spec.unit
    if not isinstance(value, dict):
        x = _num(value, unit, None)
        _check_domain(x, spec, None, allow_inf=True)
        return Prior("fixed", (x,), unit, spec=value)
    kinds = [k for k in value if k in KINDS]
    unknown = [k for k in value if k not in KINDS and k not in _OPTIONS]
    if unknown:
        raise InputError(
            f"unknown key {unknown[0]!r}{did_you_mean(unknown[0], KINDS + _OPTIONS)}",
            key=str(unknown[0]),
        )
    if len(kinds) != 1:
        raise InputError(f"a prior needs exactly one of {', '.join(KINDS)}; got {len(kinds)}")
    kind = kinds[0]
    arg = value[kind]
    credibility = value.get("credibility", 90)
    if (
        isinstance(credibility, bool)
        or not isinstance(credibility, (int, float))
        or not (0 < credibility < 100)
    ):
        raise InputError(
            f"expected a percentage between 0 and 100 (e.g. 90), got {shown(credibility)}",
            key="credibility",
        )
    if not MIN_CREDIBILITY <= credibility <= MAX_CREDIBILITY:
        # near 0 the interval has no width (z -> 0); near 100 0.5 + c/200 rounds to 1
        raise InputError(
            f"expected a percentage between 0 and 100, from {MIN_CREDIBILITY:g} to "
            f"{MAX_CREDIBILITY:g} (e.g. 90), got {shown(credibility)}",
            key="credibility",
        )
    z = _STD.inv_cdf(0.5 + credibility / 200)
    clip = _parse_clip(value.get("clip"), spec)

    if kind == "fixed":
        x = _num(arg, unit, kind)
        _check_domain(x, spec, kind, allow_inf=True)
        return Prior("fixed", (x,), unit, clip, spec=value)
    if kind == "choice":
        return _parse_choice(arg, spec, clip, value)
    if kind in ("normal", "lognormal") and isinstance(arg, dict):
        return _parse_moments(kind, arg, spec, clip, value)
    n_args = 3 if kind == "triangular" else 2
    nums = _num_list(arg, unit, kind, n_args)
    for i, x in enumerate(nums):
        _check_domain(x, spec, f"{kind}[{i}]")
    if kind == "triangular":
        lo, mode, hi = nums
        if not lo <= mode <= hi or lo == hi:
            raise InputError(f"expected lo <= mode <= hi with lo < hi, got {nums}", key=kind)
        return _check_spread(Prior("triangular", tuple(nums), unit, clip, spec=value), kind)
    lo, hi = nums
    if lo > hi:
        raise InputError(f"lower bound {lo:g} is above upper bound {hi:g}", key=kind)
    if lo == hi:
        raise InputError(
            f"lower and upper bound are both {lo:g}; write the number itself for a fixed value",
            key=kind,
        )
    if kind == "to":
        kind = "lognormal" if lo > 0 else "normal"
    if kind in ("lognormal", "loguniform") and lo <= 0:
        raise InputError(f"{kind} needs bounds > 0, got {lo:g}", key=kinds[0])
    if kind == "normal":
        args = ((lo + hi) / 2, (hi - lo) / (2 * z))
    elif kind == "lognormal":
        args = ((math.log(lo) + math.log(hi)) / 2, (math.log(hi) - math.log(lo)) / (2 * z))
    else:
        args = (lo, hi)
    return _check_spread(Prior(kind, args, unit, clip, spec=value), kinds[0])


def _parse_moments(kind, arg, spec, clip, value) -> Prior:
    names = ("mean", "sd") if kind == "normal" else ("median", "sigma")
    if set(arg) != set(names):
        raise InputError(f"expected keys {names[0]} and {names[1]}, got {sorted(arg)}", key=kind)
    centre = _num(arg[names[0]], spec.unit, f"{kind}.{names[0]}")
    spread = _num(
        arg[names[1]], spec.unit if kind == "normal" else "dimensionless", f"{kind}.{names[1]}"
    )
    if not spread > 0 or not math.isfinite(spread):
        raise InputError(f"must be finite and > 0, got {spread:g}", key=f"{kind}.{names[1]}")
    _check_domain(centre, spec, f"{kind}.{names[0]}")
    if kind == "lognormal":
        if centre <= 0:
            raise InputError(f"must be > 0, got {centre:g}", key=f"{kind}.median")
        prior = Prior(kind, (math.log(centre), spread), spec.unit, clip, spec=value)
        return _check_spread(prior, kind)
    return _check_spread(Prior(kind, (centre, spread), spec.unit, clip, spec=value), kind)


def _parse_choice(arg, spec, clip, value) -> Prior:
    if isinstance(arg, dict):
        if set(arg) - {"values", "weights"} or "values" not in arg:
            raise InputError("expected keys values and (optionally) weights", key="choice")
        values, weights = arg["values"], arg.get("weights")
    else:
        values, weights = arg, None
    if not isinstance(values, list) or not values:
        raise InputError("expected a non-empty list of values", key="choice")
    nums = [_num(v, spec.unit, f"choice[{i}]") for i, v in enumerate(values)]
    for i, x in enumerate(nums):
        _check_domain(x, spec, f"choice[{i}]")
    if weights is None:
        weights = [1.0] * len(nums)
    if (
        not isinstance(weights, list)
        or len(weights) != len(nums)
        or not all(
            isinstance(w, (int, float)) and not isinstance(w, bool) and 0 <= w < math.inf
            for w in weights
        )
        or not 0 < _total(weights) < math.inf
    ):
        raise InputError(
            f"expected {len(nums)} finite weights >= 0 with a positive, finite sum, "
            f"got {shown(weights)}",
            key="choice.weights",
        )
    total = _total(weights)
    return Prior(
        "choice", tuple(nums), spec.unit, clip, tuple(w / total for w in weights), spec=value
    )


def _parse_clip(clip, spec: ParamSpec) -> tuple[float, float]:
    lo, hi = spec.lower, spec.upper
    if spec.lower_open and lo > -math.inf:
        lo = math.nextafter(lo, math.inf) if lo != 0 else 1e-300
    if clip is None:
        return (lo, hi)
    if not isinstance(clip, list) or len(clip) != 2:
        raise InputError(f"expected [lo, hi] (either may be null), got {shown(clip)}", key="clip")
    c_lo = -math.inf if clip[0] is None else _num(clip[0], spec.unit, "clip[0]")
    c_hi = math.inf if clip[1] is None else _num(clip[1], spec.unit, "clip[1]")
    if c_lo > c_hi:
        raise InputError(f"lower bound {c_lo:g} is above upper bound {c_hi:g}", key="clip")
    for i, bound in enumerate((c_lo, c_hi)):
        if clip[i] is None:
            continue
        # A bound outside the domain would clip every draw to an impossible value (NaN
        # downstream); the domain's own edge (even an open one) is fine.
        if math.isnan(bound) or not (spec.lower <= bound <= spec.upper):
            raise InputError(
                f"outside the parameter's domain: {spec.domain_text()}, got {bound:g}",
                key=f"clip[{i}]",
            )
    return (max(lo, c_lo), min(hi, c_hi))


def _total(weights) -> float:
    """Exact sum of the weights; inf when it overflows float64."""
    try:
        return math.fsum(float(w) for w in weights)
    except OverflowError:
        return math.inf


def _check_spread(prior: Prior, key: str | None = None) -> Prior:
    """Refuse a prior whose draws leave float64 or span more than :data:`MAX_DECADES`
    (``to: [0.3, 1e300]``: its upper draws overflow to inf in the kernels)."""
    with np.errstate(all="ignore"):
        edges = prior.ppf(np.asarray([_Q_EPS, 1.0 - _Q_EPS]))
    lo, hi = float(edges[0]), float(edges[1])
    finite = math.isfinite(lo) and math.isfinite(hi)
    decades = math.log10(hi) - math.log10(lo) if finite and lo > 0 else 0.0
    if not finite or decades > MAX_DECADES:
        raise InputError(
            f"too wide: its draws would span {lo:.3g} to {hi:.3g} (beyond float64 or more "
            f"than {MAX_DECADES:g} orders of magnitude); narrow it or add clip: [lo, hi]",
            key=key,
        )
    return prior


def _num(value, unit, key) -> float:
    try:
        return parse_quantity(value, unit)
    except InputError as exc:
        raise exc.at(key=key) from None


def _num_list(arg, unit, key, n) -> list[float]:
    if not isinstance(arg, list) or len(arg) != n:
        what = "[lo, mode, hi]" if n == 3 else "[lo, hi]"
        raise InputError(f"expected a list {what}, got {shown(arg)}", key=key)
    return [_num(v, unit, f"{key}[{i}]") for i, v in enumerate(arg)]


def _check_domain(x: float, spec: ParamSpec, key, *, allow_inf: bool = False) -> None:
    """Refuse values outside the parameter's domain, and non-finite ones (a fixed ``inf`` is
    allowed only where it has a meaning, ``spec.inf_ok``: no ceiling, no money limit)."""
    if not math.isfinite(x) and not (allow_inf and x == math.inf and spec.inf_ok):
        raise InputError(f"expected a finite number, got {x}", key=key)
    if not spec.contains(x):
        if spec.rate == "growth" and 0 <= x < spec.lower:
            raise InputError(
                f"reads as a rate: a growth is a multiplier per year, e.g. 1.03 for +3%/yr "
                f"(got {x:g})",
                key=key,
            )
        raise InputError(f"{spec.domain_text()}, got {x:g}", key=key)
