"""Prior distributions of scenario parameters and their sampling.

A :class:`Prior` is one parameter's distribution in canonical units, with its quantile
function and its draws; how a scenario file writes one (``{to: [lo, hi]}``, ``choice:``,
``clip:``...) is parsed by :mod:`scalesim.scenario.prior_parse`.

Randomness lives here only. Parameters are drawn in fixed blocks of :data:`BLOCK` samples,
each block and parameter from its own stream ``SeedSequence(seed, spawn_key=(crc32(key),
block))``, so a sample's values do not depend on the chunk size, on the backend, or on which
other parameters a scenario has.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass, field

import numpy as np

from scalesim.scenario.normal import ndtr, ndtri

#: Samples per random-number block [samples]. Chunks are whole numbers of blocks; a block is
#: large enough that making its generators costs little beside drawing its numbers.
BLOCK = 16384

_Q_EPS = 1e-12  # probabilities are kept in [eps, 1 - eps] by Prior.ppf


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
