"""Prior distributions of scenario parameters and their sampling.

A prior is written the way an analyst thinks (after squigglepy):

- a number or quantity: a fixed value (``1.1e14 USD``);
- ``{to: [lo, hi]}``: a 90% credible interval, lognormal when both bounds are > 0, else
  normal; ``credibility: 80`` changes the interval's mass (percent);
- ``{normal: [lo, hi]}`` / ``{lognormal: [lo, hi]}``: the same with the family forced; or
  ``{normal: {mean, sd}}`` / ``{lognormal: {median, sigma}}`` (sigma of ln x);
- ``{uniform: [lo, hi]}``, ``{loguniform: [lo, hi]}``, ``{triangular: [lo, mode, hi]}``;
- ``{choice: [v1, v2, ...]}`` or ``{choice: {values: [...], weights: [...]}}``;
- any of them with ``clip: [lo, hi]`` (either may be null).

Randomness lives here only. Parameters are drawn in fixed blocks of :data:`BLOCK` samples,
each block and parameter from its own stream ``SeedSequence(seed, spawn_key=(crc32(key),
block))``, so a sample's values do not depend on the chunk size, on the backend, or on which
other parameters a scenario has.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np

from scalesim.errors import InputError, did_you_mean
from scalesim.model.parameters import ParamSpec
from scalesim.scenario.normal import ndtr, ndtri
from scalesim.units import parse_quantity

#: Samples per random-number block [samples]. Chunks are whole numbers of blocks; a block is
#: large enough that making its generators costs little beside drawing its numbers.
BLOCK = 16384

KINDS = ("fixed", "to", "normal", "lognormal", "uniform", "loguniform", "triangular", "choice")
_OPTIONS = ("clip", "credibility")
_STD = NormalDist()
_Q_EPS = 1e-12  # probabilities are kept in [eps, 1 - eps] by Prior.ppf
#: Credibility of an interval [percent]: the range where its z-score is well defined.
MIN_CREDIBILITY, MAX_CREDIBILITY = 1.0, 99.99
#: Widest spread a prior may have between its 1e-12 and 1 - 1e-12 quantiles [decades]: wider
#: priors put samples beyond float64 (lognormal sigma 1000 is 6,000 decades).
MAX_DECADES = 200.0


@dataclass(frozen=True)
class Prior:
    """A parsed prior, magnitudes in the parameter's canonical unit.

    Attributes
    ----------
    kind : str
        ``fixed``, ``normal``, ``lognormal``, ``uniform``, ``loguniform``, ``triangular``
        or ``choice`` (``to`` resolves to normal or lognormal).
    args : tuple of float
        fixed: (value,); normal: (mean, sd); lognormal: (mu, sigma) of ln x; uniform and
        loguniform: (lo, hi); triangular: (lo, mode, hi); choice: the values.
    weights : tuple of float
        Choice probabilities (empty for other kinds).
    clip : tuple of float
        Bounds applied to every draw (the parameter's domain intersected with ``clip:``).
    unit : str
        Canonical unit of the magnitudes.
    spec : object
        The YAML value the prior was parsed from (for display and YAML export).
    """

    kind: str
    args: tuple[float, ...]
    unit: str
    clip: tuple[float, float] = (-math.inf, math.inf)
    weights: tuple[float, ...] = ()
    spec: object = field(default=None, compare=False)

    @property
    def is_fixed(self) -> bool:
        return self.kind == "fixed"

    def ppf(self, q):
        """Quantile function [canonical unit], clip applied.

        Parameters
        ----------
        q : float or numpy.ndarray
            Probabilities in [0, 1], clipped to [1e-12, 1 − 1e-12] so that unbounded
            families stay finite (Sobol points may touch 0).

        Returns
        -------
        float or numpy.ndarray
            A float for a scalar ``q``, else an array shaped like ``q``.
        """
        scalar = np.ndim(q) == 0
        q = np.clip(np.asarray(q, dtype=np.float64), _Q_EPS, 1.0 - _Q_EPS)
        k, a = self.kind, self.args
        if k == "fixed":
            x = np.full(q.shape, a[0])
        elif k == "normal":
            x = a[0] + a[1] * ndtri(q)
        elif k == "lognormal":
            x = np.exp(a[0] + a[1] * ndtri(q))
        elif k == "uniform":
            x = a[0] + q * (a[1] - a[0])
        elif k == "loguniform":
            x = np.exp(math.log(a[0]) + q * (math.log(a[1]) - math.log(a[0])))
        elif k == "triangular":
            lo, mode, hi = a
            c = (mode - lo) / (hi - lo) if hi > lo else 0.5
            left = lo + np.sqrt(q * (hi - lo) * (mode - lo))
            right = hi - np.sqrt((1.0 - q) * (hi - lo) * (hi - mode))
            x = np.where(q < c, left, right)
        else:  # choice
            cum = np.cumsum(self.weights)
            idx = np.minimum(np.searchsorted(cum, q * cum[-1], side="left"), len(a) - 1)
            x = np.asarray(a, dtype=np.float64)[idx]
        x = np.clip(x, self.clip[0], self.clip[1])
        return float(x) if scalar else x

    def from_normal(self, z: np.ndarray) -> np.ndarray:
        """Values [canonical unit] whose normal scores are ``z``: ``ppf(Φ(z))``, clip applied.

        Normal and lognormal priors are computed from ``z`` directly (no round trip through
        probabilities); the others through :func:`~scalesim.scenario.normal.ndtr`.
        """
        k, a = self.kind, self.args
        if k == "normal":
            x = a[0] + a[1] * z
        elif k == "lognormal":
            x = np.exp(a[0] + a[1] * z)
        else:
            return self.ppf(ndtr(z))
        lo, hi = self.clip
        if lo > -math.inf or hi < math.inf:
            np.clip(x, lo, hi, out=x)
        return x

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        """Draw ``n`` values [canonical unit] from ``rng`` (float64, clip applied)."""
        k, a = self.kind, self.args
        if k == "fixed":
            x = np.full(n, a[0])
        elif k == "normal":
            x = rng.normal(a[0], a[1], n)
        elif k == "lognormal":
            x = np.exp(rng.normal(a[0], a[1], n))
        elif k == "uniform":
            x = rng.uniform(a[0], a[1], n)
        elif k == "loguniform":
            x = np.exp(rng.uniform(math.log(a[0]), math.log(a[1]), n))
        elif k == "triangular":
            x = rng.triangular(a[0], a[1], a[2], n) if a[2] > a[0] else np.full(n, a[0])
        else:
            x = rng.choice(np.asarray(a, dtype=np.float64), size=n, p=np.asarray(self.weights))
        lo, hi = self.clip
        if lo > -math.inf or hi < math.inf:
            np.clip(x, lo, hi, out=x)
        return x


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
    return _parse_prior(value, spec)


def _parse_prior(value: object, spec: ParamSpec) -> Prior:
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
            f"expected a percentage between 0 and 100 (e.g. 90), got {credibility!r}",
            key="credibility",
        )
    if not MIN_CREDIBILITY <= credibility <= MAX_CREDIBILITY:
        # near 0 the interval has no width (z -> 0); near 100 0.5 + c/200 rounds to 1
        raise InputError(
            f"expected a percentage between 0 and 100, from {MIN_CREDIBILITY:g} to "
            f"{MAX_CREDIBILITY:g} (e.g. 90), got {credibility!r}",
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
            f"got {_short(weights)}",
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
        raise InputError(f"expected [lo, hi] (either may be null), got {clip!r}", key="clip")
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


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:60] + "..." + text[-10:]


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
        raise InputError(f"expected a list {what}, got {arg!r}", key=key)
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


def stream_key(name: str) -> int:
    """Stable 32-bit identifier of a parameter's random stream (crc32 of its key path)."""
    return zlib.crc32(name.encode())


@dataclass(frozen=True)
class Copula:
    """A Gaussian copula over some priors (``correlations:`` in a scenario file).

    Attributes
    ----------
    keys : tuple of str
        Key paths of the correlated priors, in the order of the matrix.
    factor : tuple of tuple of float
        Lower Cholesky factor L of the normal-copula correlation matrix (L Lᵀ = R).
    """

    keys: tuple[str, ...]
    factor: tuple[tuple[float, ...], ...]


def draw(
    priors: dict[str, Prior], seed: int, start: int, stop: int, copula: Copula | None = None
) -> dict[str, np.ndarray]:
    """Draw samples ``start:stop`` of every prior.

    Parameters
    ----------
    priors : dict of str to Prior
        Key path -> prior.
    seed : int
        The scenario's seed.
    start, stop : int
        Sample range [samples]; ``start`` must be a multiple of :data:`BLOCK`.
    copula : Copula, optional
        Correlated priors: in each block, each of them draws standard normals from its own
        stream, the factor mixes them (z' = L z) and each prior maps its row through its
        quantile function (:meth:`Prior.from_normal`). The other priors are drawn exactly as
        without a copula.

    Returns
    -------
    dict of str to numpy.ndarray
        Key path -> float64 array of shape ``(stop - start,)``; fixed priors give shape
        ``(1,)`` so that kernels broadcast them for free.
    """
    if start % BLOCK:
        raise ValueError(f"start={start} is not a multiple of BLOCK={BLOCK}")
    correlated = set(copula.keys) if copula is not None else set()
    blocks = range(start // BLOCK, -(-stop // BLOCK))
    out: dict[str, np.ndarray] = {}
    for name, prior in priors.items():
        if prior.is_fixed:
            out[name] = np.asarray([prior.ppf(0.5)], dtype=np.float64)  # clip applied
            continue
        if name in correlated:
            out[name] = None  # filled below, in the file's order
            continue
        parts = []
        for block in blocks:
            n = min(BLOCK, stop - block * BLOCK)
            parts.append(prior.sample(_generator(seed, name, block), BLOCK)[:n])
        out[name] = parts[0] if len(parts) == 1 else np.concatenate(parts)
    if correlated:
        out.update(_draw_correlated(priors, copula, seed, blocks, stop))
    return out


def _generator(seed: int, name: str, block: int) -> np.random.Generator:
    ss = np.random.SeedSequence(seed, spawn_key=(stream_key(name), block))
    return np.random.Generator(np.random.PCG64(ss))


def _draw_correlated(priors, copula: Copula, seed: int, blocks, stop: int) -> dict:
    parts: dict[str, list] = {k: [] for k in copula.keys}
    for block in blocks:
        n = min(BLOCK, stop - block * BLOCK)
        z = [_generator(seed, k, block).standard_normal(BLOCK) for k in copula.keys]
        for i, key in enumerate(copula.keys):
            row = copula.factor[i]
            # z'_i = sum_j L_ij z_j, j <= i, added in a fixed order (no BLAS: reproducible)
            mixed = row[0] * z[0]
            for j in range(1, i + 1):
                mixed += row[j] * z[j]
            parts[key].append(priors[key].from_normal(mixed[:n]))
    return {k: v[0] if len(v) == 1 else np.concatenate(v) for k, v in parts.items()}


#: 1/φ, the golden-ratio step of the sequence that assigns pooled samples to members.
_GOLDEN = 0.6180339887498949


def pool_assignment(start: int, stop: int, weights) -> np.ndarray:
    """Member of each pooled sample ``start:stop`` of an opinion pool (int16 codes).

    Sample i goes to the member whose share of [0, 1) (cumulative weights) holds the
    golden-ratio sequence u_i = frac((i + 1/2)/φ): deterministic, a function of i alone (so
    the same for every chunking), and within a few samples of the weights over any run of
    samples (a low-discrepancy sequence; Weyl 1916).
    """
    cum = np.cumsum(np.asarray(weights, dtype=np.float64))
    cum[-1] = 1.0  # weights sum to 1 within rounding
    i = np.arange(start, stop, dtype=np.float64)
    u = np.modf((i + 0.5) * _GOLDEN)[0]
    return np.searchsorted(cum, u, side="right").astype(np.int16)


def pool_counts(samples: int, weights, step: int = 1 << 20) -> list[int]:
    """Samples each member of a pool gets out of ``samples`` (:func:`pool_assignment`)."""
    counts = np.zeros(len(weights), dtype=np.int64)
    for a in range(0, samples, step):
        counts += np.bincount(
            pool_assignment(a, min(a + step, samples), weights), minlength=len(weights)
        )
    return [int(c) for c in counts]


def member_seed(seed: int, index: int) -> int:
    """Seed of the ``index``-th member of a pool run with ``seed``: its own stream
    (``SeedSequence(seed, spawn_key=(crc32("pool"), index))``), so two members never share
    draws even when they are the same scenario."""
    ss = np.random.SeedSequence(seed, spawn_key=(stream_key("pool"), index))
    return int(ss.generate_state(1, np.uint64)[0] >> np.uint64(1))
