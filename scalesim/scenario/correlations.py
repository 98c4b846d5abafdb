"""The ``correlations:`` block of a scenario file: rank correlations between priors.

Each entry names a pair of parameters (key paths under ``parameters:``, as in
``Scenario.priors``) and their Spearman rank correlation::

    correlations:
      invest_hardware:
        between: [spending.growth, hardware.doubling_time]
        rho: -0.3

They are drawn through a Gaussian copula (scalesim.scenario.priors.Copula): a Spearman ρ_s
becomes the normal-copula Pearson ρ = 2 sin(π ρ_s / 6), exact for continuous marginals
(Kruskal 1958; Pearson 1907), and the matrix of these ρ must be positive definite (its
Cholesky factor mixes the normal scores). Pairs left out are independent.

References
----------
Kruskal, W. H. (1958). Ordinal measures of association. JASA 53(284), 814-861.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from scalesim.errors import InputError, did_you_mean, shown
from scalesim.scenario.params import key_text
from scalesim.scenario.priors import Copula, Prior

ENTRY_KEYS = ("between", "rho")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,63}")


@dataclass(frozen=True)
class Correlation:
    """One entry of ``correlations:``.

    Attributes
    ----------
    name : str
        The entry's name (``sources:`` cites it as ``correlations.NAME``).
    between : (str, str)
        Key paths of the two priors.
    rho : float
        Spearman rank correlation [1], in [-1, 1].
    """

    name: str
    between: tuple[str, str]
    rho: float

    @property
    def pearson(self) -> float:
        """The normal-copula correlation that gives this rank correlation [1]."""
        return spearman_to_pearson(self.rho)


def spearman_to_pearson(rho_s: float) -> float:
    """Pearson correlation of a bivariate normal whose Spearman correlation is ``rho_s`` [1]:
    2 sin(π ρ_s / 6)."""
    return 2.0 * math.sin(math.pi * rho_s / 6.0)


def parse_correlations(block, priors: dict[str, Prior], errors: list, skip=frozenset()):
    """Parse and check ``correlations:``.

    Parameters
    ----------
    block : object
        What the YAML gave for ``correlations:`` (None: no correlations).
    priors : dict of str to Prior
        The scenario's priors by key path.
    errors : list
        Problems are appended here as :class:`InputError` (key paths from
        ``correlations``), one per entry at most, so that ``validate`` shows them all.
    skip : collection of str
        Key paths whose parameter had an error of its own (not reported again).

    Returns
    -------
    (tuple of Correlation, Copula or None)
    """
    if block is None:
        return (), None
    if not isinstance(block, dict) or not block:
        errors.append(
            InputError(
                f"expected a mapping of named correlations, got {shown(block)}", key="correlations"
            )
        )
        return (), None
    entries: list[Correlation] = []
    seen: dict[frozenset, str] = {}
    ok = True
    for name, body in block.items():
        try:
            entry = _entry(name, body, priors, skip)
        except InputError as exc:
            errors.append(exc)
            ok = False
            continue
        if entry is None:
            ok = False
            continue
        pair = frozenset(entry.between)
        if pair in seen:
            errors.append(
                InputError(
                    f"the pair {entry.between[0]}, {entry.between[1]} is already correlated by "
                    f"{seen[pair]!r}",
                    key=f"correlations.{name}.between",
                )
            )
            ok = False
            continue
        seen[pair] = entry.name
        entries.append(entry)
    if not ok or not entries:
        return tuple(entries), None
    try:
        copula = build_copula(entries)
    except InputError as exc:
        errors.append(exc)
        return tuple(entries), None
    return tuple(entries), copula


def _entry(name, body, priors: dict[str, Prior], skip) -> Correlation | None:
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise InputError(
            f"a correlation's name is letters, digits and _ (no dots), got {shown(name, 60)}",
            key=f"correlations.{key_text(name)}",
        )
    where = f"correlations.{name}"
    if not isinstance(body, dict):
        raise InputError(f"expected a mapping with between and rho, got {shown(body)}", key=where)
    for key in body:
        if key not in ENTRY_KEYS:
            raise InputError(
                f"unknown key{did_you_mean(str(key), ENTRY_KEYS)}", key=f"{where}.{key}"
            )
    for key in ENTRY_KEYS:
        if key not in body:
            raise InputError("required key is missing", key=f"{where}.{key}")
    between = body["between"]
    if (
        not isinstance(between, list)
        or len(between) != 2
        or not all(isinstance(k, str) for k in between)
    ):
        raise InputError(
            f"expected two parameter key paths [a, b], got {shown(between)}", key=f"{where}.between"
        )
    if between[0] == between[1]:
        raise InputError(
            f"a parameter cannot be correlated with itself ({between[0]})", key=f"{where}.between"
        )
    rho = body["rho"]
    if isinstance(rho, bool) or not isinstance(rho, (int, float)):
        raise InputError(
            f"expected a number between -1 and 1, got {shown(rho)}", key=f"{where}.rho"
        )
    rho = float(rho)
    if not -1.0 <= rho <= 1.0:  # NaN fails too
        raise InputError(f"must be between -1 and 1, got {rho:g}", key=f"{where}.rho")
    for i, key in enumerate(between):
        if key in skip:
            return None
        if key not in priors:
            raise InputError(
                f"not a parameter of this scenario: {key!r}{did_you_mean(key, list(priors))}",
                key=f"{where}.between[{i}]",
            )
        if priors[key].is_fixed:
            raise InputError(
                f"{key} has a fixed value; only uncertain parameters can be correlated",
                key=f"{where}.between[{i}]",
            )
    return Correlation(name, (between[0], between[1]), rho)


def build_copula(entries) -> Copula:
    """The Gaussian copula of some correlations: their keys (in order of appearance) and the
    Cholesky factor of the normal-copula matrix.

    Raises
    ------
    InputError
        Key ``correlations`` when the matrix is not positive definite.
    """
    keys: list[str] = []
    for e in entries:
        for k in e.between:
            if k not in keys:
                keys.append(k)
    index = {k: i for i, k in enumerate(keys)}
    matrix = np.eye(len(keys))
    for e in entries:
        i, j = index[e.between[0]], index[e.between[1]]
        matrix[i, j] = matrix[j, i] = e.pearson
    try:
        factor = np.linalg.cholesky(matrix)
        definite = bool(np.all(np.diag(factor) > 1e-6))
    except np.linalg.LinAlgError:
        definite = False
    if not definite:
        names = ", ".join(e.name for e in entries)
        smallest = float(np.linalg.eigvalsh(matrix)[0])
        raise InputError(
            f"the correlations {names} do not form a positive-definite matrix (smallest "
            f"eigenvalue {smallest:.3g} after ρ = 2 sin(π ρ_s / 6)); weaken some of them"
            + (
                " (|rho| = 1 is singular; use e.g. 0.99)"
                if any(abs(e.rho) == 1 for e in entries)
                else ""
            ),
            key="correlations",
        )
    return Copula(tuple(keys), tuple(tuple(float(x) for x in row) for row in factor))


def spearman(x: np.ndarray, y: np.ndarray, weights: np.ndarray | None = None) -> float:
    """Spearman rank correlation of two samples [1], optionally weighted.

    The weighted version (for an importance-sampled posterior) is the weighted Pearson
    correlation of each sample's weighted mid-distribution value F(x) = P(X < x) + P(X = x)/2
    under the weights; with equal weights it is the ordinary Spearman ρ (ties at mid-ranks).

    Parameters
    ----------
    x, y : numpy.ndarray
        Samples, shape (n,).
    weights : numpy.ndarray, optional
        Non-negative weights with a positive sum, shape (n,).
    """
    x, y = np.asarray(x, float), np.asarray(y, float)
    w = np.ones(x.size) if weights is None else np.asarray(weights, float)
    w = w / w.sum()
    fx, fy = _mid_cdf(x, w), _mid_cdf(y, w)
    dx, dy = fx - float(w @ fx), fy - float(w @ fy)
    vx, vy = float(w @ (dx * dx)), float(w @ (dy * dy))
    if not vx > 0 or not vy > 0:
        return 0.0
    return float(w @ (dx * dy)) / math.sqrt(vx * vy)


def _mid_cdf(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """P(X < x_i) + P(X = x_i) / 2 under weights ``w`` (summing to 1)."""
    order = np.argsort(x, kind="stable")
    values, start, counts = np.unique(x[order], return_index=True, return_counts=True)
    group = np.add.reduceat(w[order], start)
    below = np.cumsum(group) - group
    out = np.empty(x.size)
    out[order] = np.repeat(below + group / 2.0, counts)
    return out
