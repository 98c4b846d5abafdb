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

import math
from dataclasses import dataclass

LN2 = math.log(2.0)


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
class Rate:
    """Growth of ln X per year [1/year], constant or a schedule.

    Attributes
    ----------
    initial : array
        r_0, the rate in the base year [1/year].
    final : array or None
        r_∞, the long-run rate [1/year]; None for a constant rate.
    half_life : array or None
        h, years for the gap to the long-run rate to halve [year].
    """

    initial: object
    final: object = None
    half_life: object = None

    def cumulative(self, dt, *, xp):
        """Σ_{j=0}^{Δ−1} r(j) [1]: ln X(t) − ln X0; Δ · r_0 before the base year.

        For a schedule, with q = 2^(−1/h): Δ · r_∞ + (r_0 − r_∞) · (1 − q^Δ) / (1 − q).
        """
        if self.final is None:
            return dt * self.initial
        ln_q = -LN2 / self.half_life
        ahead = xp.where(dt > 0.0, dt, xp.zeros_like(dt))
        geometric = xp.expm1(ahead * ln_q) / xp.expm1(ln_q)  # (1 − q^Δ) / (1 − q)
        forward = ahead * self.final + (self.initial - self.final) * geometric
        return xp.where(dt > 0.0, forward, dt * self.initial)

    def at(self, dt, *, xp):
        """r(Δ) [1/year]: the rate in year Δ (r_0 before the base year)."""
        if self.final is None:
            return self.initial + xp.zeros_like(dt)
        ahead = xp.where(dt > 0.0, dt, xp.zeros_like(dt))
        return self.final + (self.initial - self.final) * xp.exp(-LN2 * ahead / self.half_life)


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
class Demand:
    """The dataset-size arm of data demand (Villalobos et al. 2024)."""

    dataset_size0: object  # largest training dataset in the base year [token]
    growth: Rate
    use_trend: object  # >= 0.5: this sample's demand follows the dataset-size trend [1]


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
class Paradigms:
    """Routes besides pretraining (ARCHITECTURE.md, Allocation of the budget). Defaults give
    no RL compute and gains of 1, so a scenario without these groups is unchanged."""

    post_growth: Rate  # of the post-training gain
    post_max_gain: object  # [1]
    rl_share: object  # f_rl [1]
    rl_gain_exponent: object  # b_rl [1]
    rl_max_gain: object  # [1]
    tt_compute_multiple: object  # m_tt [1]
    tt_gain_per_10x: object  # g_tt [1]
    tt_max_gain: object  # [1]
    rl: bool  # False when no sample spends compute on RL


@dataclass(frozen=True)
class Power:
    available0: object  # power one run can draw in the base year [W]
    growth: Rate
    flop_per_joule0: object  # [FLOP/J]
    efficiency_growth: Rate
    world_electricity0: object  # world average electric power in the base year [W]
    world_electricity_growth: Rate
    max_share_of_world: object  # [1]


@dataclass(frozen=True)
class Chips:
    stock0: object  # accelerators at the start of the base year [chip]
    production0: object  # chips made in the base year [chip/year]
    production_growth: Rate
    share_for_one_run: object  # [1]
    flop_per_second0: object  # per chip made in the base year [FLOP/s]
    flop_per_second_growth: Rate
    lifetime: object  # years a chip stays in service [year]


@dataclass(frozen=True)
class Latency:
    min_step_time: object  # [s]; None when the ceiling is given directly
    critical_batch: object  # [token]
    ceiling: object  # [FLOP]; None unless given directly


@dataclass(frozen=True)
class Reliability:
    mtbf: object  # per accelerator [hour]
    checkpoint_cost: object  # [minute]
    restart_time: object  # [minute]
    flop_per_second0: object  # of the accelerator that sizes the cluster [FLOP/s]
    flop_per_second_growth: Rate
    table: object = None  # the SimPy goodput grid (scalesim.model.reliability.goodput)


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
    if has("post_training") or has("rl") or has("test_time"):
        one, inf = xp.ones((1, 1), dtype=xp.float64), xp.full((1, 1), math.inf, dtype=xp.float64)
        growth = rate("post_training.growth")
        params["paradigms"] = Paradigms(
            growth if growth is not None else Rate(xp.zeros((1, 1), dtype=xp.float64)),
            v.get("post_training.max_gain", inf),
            v.get("rl.share_of_compute", 0.0 * one),
            v.get("rl.gain_exponent", one),
            v.get("rl.max_gain", inf),
            v.get("test_time.compute_multiple", one),
            v.get("test_time.gain_per_tenfold", one),
            v.get("test_time.max_gain", inf),
            has("rl"),
        )
    if has("demand"):
        params["demand"] = Demand(
            v["demand.dataset_size"], rate("demand.dataset_growth"), v["demand.use_trend"]
        )
    if has("power"):
        params["power"] = Power(
            v["power.available"],
            rate("power.growth"),
            v["power.flop_per_joule"],
            rate("power.efficiency_growth"),
            v["power.world_electricity"],
            rate("power.world_electricity_growth"),
            v["power.max_share_of_world"],
        )
    if "chips.stock" in v:
        params["chips"] = Chips(
            v["chips.stock"],
            v["chips.production"],
            rate("chips.production_growth"),
            v["chips.share_for_one_run"],
            v["chips.flop_per_second"],
            rate("chips.flop_per_second_growth"),
            v["chips.lifetime"],
        )
    if has("latency"):
        params["latency"] = Latency(
            v.get("latency.min_step_time"),
            v.get("latency.critical_batch"),
            v.get("latency.ceiling"),
        )
    if has("reliability"):
        params["reliability"] = Reliability(
            v["reliability.mtbf"],
            v["reliability.checkpoint_cost"],
            v["reliability.restart_time"],
            v["chips.flop_per_second"],
            rate("chips.flop_per_second_growth"),
        )
    return Params(**params)
