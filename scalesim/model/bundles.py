"""Typed parameter bundles: what the kernels receive instead of YAML key paths.

:func:`build` turns the drawn values (key path -> array, canonical units) into a
:class:`Params` of frozen dataclasses, one per parameter group; kernels read
``params.spending.growth``, never ``"spending.growth"``. Arrays have shape (sample, 1) or
(1, 1) so that they broadcast against the (1, year) grid.

Rates. Every growth multiplier, doubling time and halving time becomes a :class:`Rate`: the
growth of ln X per year, r = ln g (or ln 2 / T). A rate may be a schedule that moves from an
initial to a long-run value, r(Δ) = r_∞ + (r_0 − r_∞) · 2^(−Δ/h) (ARCHITECTURE.md, Growth
and schedules); quantities are X(t) = X0 · exp(Σ_{j=0}^{Δ−1} r(j)), the sum taken in closed
form. A constant rate gives exactly Δ · r, as in model v1.
"""

from __future__ import annotations

from dataclasses import dataclass

from scalesim.model import optional
from scalesim.model.optional import (
    Chips,
    Demand,
    Inference,
    Latency,
    Market,
    Paradigms,
    Power,
    Reliability,
)
from scalesim.model.rates import LN2, Rate


@dataclass(frozen=True)
class Grid:
    """The years of a run.

    Attributes
    ----------
    years : array, shape (1, year)
        Calendar years [year].
    dt : array, shape (1, year)
        Years since the base year, Δ [year].
    """

    years: object
    dt: object
    steps: tuple[float, ...] = ()  # Δ of each year on the host, for loops over vintages


@dataclass(frozen=True)
class Economy:
    gdp0: object  # world GDP in the base year [USD]
    gdp_growth: Rate


@dataclass(frozen=True)
class Spending:
    spend0: object  # cost of the largest run in the base year [USD]
    growth: Rate
    max_share_of_gdp: object  # [1]


@dataclass(frozen=True)
class Hardware:
    flop_per_usd0: object  # [FLOP/USD]
    growth: Rate  # of FLOP/USD (from the doubling time)
    max_flop_per_usd: object  # physical ceiling [FLOP/USD]


@dataclass(frozen=True)
class Algorithms:
    growth: Rate  # of the algorithmic multiplier (from the halving time)
    max_multiplier: object  # [1]


@dataclass(frozen=True)
class Source:
    """One data source; ``effective`` when its stock already includes repetition."""

    name: str
    log_stock0: object  # ln tokens in the base year [ln token]
    growth: tuple[Rate, ...]  # of the stock (document count, tokens per document)
    quality: object  # [1]
    weight: object  # [1]
    effective: bool


@dataclass(frozen=True)
class Data:
    sources: tuple[Source, ...]
    epochs: object  # [1]
    reuse_decay: object  # R*_D [1]


@dataclass(frozen=True)
class Synthetic:
    share: object  # f_syn [1]
    flop_per_token: object  # [FLOP/token]
    quality: object  # [1]
    max_ratio: object  # [1]
    enabled: bool  # False when f_syn = 0 for every sample


@dataclass(frozen=True)
class Training:
    tokens_per_parameter: object  # k [1]
    post_training_gain: object  # [1]
    duration: object  # [s]
    utilisation: object  # [1]


@dataclass(frozen=True)
class ScalingLaw:
    irreducible_loss: object
    a: object
    b: object
    alpha: object
    beta: object
    reuse_decay_data: object  # R*_D [1]
    reuse_decay_parameters: object  # R*_N [1]


@dataclass(frozen=True)
class Params:
    """Every parameter of one chunk of samples, by group (optional groups may be None)."""

    grid: Grid
    economy: Economy
    spending: Spending
    hardware: Hardware
    algorithms: Algorithms
    data: Data
    synthetic: Synthetic
    training: Training
    scaling_law: ScalingLaw
    demand: Demand | None = None
    power: Power | None = None
    chips: Chips | None = None
    latency: Latency | None = None
    reliability: Reliability | None = None
    paradigms: Paradigms | None = None
    market: Market | None = None
    inference: Inference | None = None


def _rate(values, key, kind, *, xp):
    """The Rate of a growth (``growth``), doubling or halving time from drawn values."""

    def to_rate(x):
        if kind == "growth":
            return xp.log(x)
        return LN2 / x  # doubling or halving time [year]

    if key in values:
        return Rate(to_rate(values[key]))
    if f"{key}.initial" in values:
        return Rate(
            to_rate(values[f"{key}.initial"]),
            to_rate(values[f"{key}.final"]),
            values[f"{key}.half_life"],
        )
    return None


def build(
    values: dict,
    grid: Grid,
    sources: list[str],
    effective: frozenset[str],
    *,
    xp,
    synthetic: bool = True,
) -> Params:
    """The :class:`Params` bundle of drawn values.

    Parameters
    ----------
    values : dict of str to array
        Key path -> array of shape (sample, 1) or (1, 1), canonical units; a scheduled rate
        ``k`` appears as ``k.initial``, ``k.final`` and ``k.half_life``.
    grid : Grid
        The years of the run.
    sources : list of str
        Data-source names.
    effective : frozenset of str
        Sources whose stock already includes repetition (no epoch reuse on top).
    xp : namespace
        Array API namespace of the arrays.
    synthetic : bool
        False when no sample spends compute on synthetic data.
    goodput_table : GoodputGrid, optional
        The simulated goodput grid the reliability derate interpolates.

    Returns
    -------
    Params
    """
    v = values

    def rate(key, kind="growth"):
        return _rate(v, key, kind, xp=xp)

    def has(group):
        return any(k.startswith(group + ".") for k in v)

    data_sources = []
    for name in sources:
        q = f"data.sources.{name}."
        if q + "stock" in v:
            log_stock = xp.log(v[q + "stock"])
        else:
            log_stock = xp.log(v[q + "documents"]) + xp.log(v[q + "tokens_per_document"])
        data_sources.append(
            Source(
                name=name,
                log_stock0=log_stock,
                growth=tuple(
                    r
                    for r in (rate(q + "growth"), rate(q + "tokens_per_document_growth"))
                    if r is not None
                ),
                quality=v[q + "quality"],
                weight=v[q + "weight"],
                effective=name in effective,
            )
        )
    params = dict(
        grid=grid,
        economy=Economy(v["economy.world_gdp"], rate("economy.gdp_growth")),
        spending=Spending(
            v["spending.largest_run"], rate("spending.growth"), v["spending.max_share_of_gdp"]
        ),
        hardware=Hardware(
            v["hardware.flop_per_usd"],
            rate("hardware.doubling_time", "doubling"),
            v["hardware.max_flop_per_usd"],
        ),
        algorithms=Algorithms(
            rate("algorithms.halving_time", "halving"), v["algorithms.max_multiplier"]
        ),
        data=Data(tuple(data_sources), v["data.epochs"], v["data.reuse_decay"]),
        synthetic=Synthetic(
            v["synthetic.share_of_compute"],
            v["synthetic.flop_per_token"],
            v["synthetic.quality"],
            v["synthetic.max_ratio"],
            synthetic,
        ),
        training=Training(
            v["training.tokens_per_parameter"],
            v["training.post_training_gain"],
            v["training.duration"],
            v["training.utilisation"],
        ),
        scaling_law=ScalingLaw(
            v["scaling_law.irreducible_loss"],
            v["scaling_law.a"],
            v["scaling_law.b"],
            v["scaling_law.alpha"],
            v["scaling_law.beta"],
            v["data.reuse_decay"],
            v["scaling_law.parameter_reuse_decay"],
        ),
    )
    params.update(optional.build(v, rate, has, xp=xp))
    return Params(**params)


__all__ = [
    "Algorithms",
    "Chips",
    "Data",
    "Demand",
    "Economy",
    "Grid",
    "Hardware",
    "Inference",
    "Latency",
    "Market",
    "Paradigms",
    "Params",
    "Power",
    "Rate",
    "Reliability",
    "ScalingLaw",
    "Source",
    "Spending",
    "Synthetic",
    "Training",
    "build",
]
