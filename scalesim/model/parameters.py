"""The scenario parameters of model v2: key path, unit, default, domain and source.

This table is the single description of the ``parameters:`` block of a scenario file. The
loader validates against it, the README's format reference and the reports' assumptions
table are generated from it, and the app builds its editors from it. ``*`` in a path stands
for a data-source name (``data.sources.public_text.stock``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scalesim.model.defaults import (
    A_MAX_MEDIAN,
    A_MAX_PRIOR,
    A_MAX_SOURCE,
    CHIP_LIFETIME,
    CHIP_LIFETIME_SOURCE,
    MARKET_PRICE,
    MARKET_PRICE_SOURCE,
    MARKET_STOCK,
    MARKET_STOCK_SOURCE,
    P_MAX_MEDIAN,
    P_MAX_PRIOR,
    P_MAX_SOURCE,
    S_POWER_MEDIAN,
    S_POWER_PRIOR,
    S_POWER_SOURCE,
)

INF = math.inf


@dataclass(frozen=True)
class ParamSpec:
    """One scenario parameter.

    Attributes
    ----------
    path : str
        Dotted key path under ``parameters:``; ``*`` matches a data-source name.
    unit : str
        Canonical unit; bare numbers in a scenario are read in it.
    default : float or None
        Value used when a scenario omits the key (None: required where its group is used).
    lower, upper : float
        Domain; values outside it are rejected in the file and clipped when sampled.
    lower_open : bool
        True when ``lower`` itself is excluded (``> 0`` rather than ``>= 0``).
    symbol : str
        Symbol in the model's equations (README, method page).
    description : str
        What the parameter means.
    source : str
        Where the default comes from.
    rate : {"growth", "doubling", "halving"} or None
        Set for rates: a multiplier per year, a doubling time or a halving time. A rate may
        be a schedule ``{initial, final, half_life}`` (ARCHITECTURE.md, Growth and
        schedules).
    default_prior : object
        A default that is a prior (a YAML value such as ``{"to": [...], "credibility": 90}``),
        for the physical ceilings, which are uncertain by nature; ``default`` is its median.
    inf_ok : bool
        True where ``.inf`` has a meaning ("no ceiling", "money is no constraint").
    """

    path: str
    unit: str
    default: float | None
    lower: float
    upper: float
    lower_open: bool
    symbol: str
    description: str
    source: str
    rate: str | None = None
    default_prior: object = None
    inf_ok: bool = False

    def domain_text(self) -> str:
        lo = f"> {self.lower:g}" if self.lower_open else f">= {self.lower:g}"
        if self.upper == INF:
            return f"must be {lo}"
        return f"must be {lo} and <= {self.upper:g}"

    def contains(self, value: float) -> bool:
        if self.lower_open and not value > self.lower:
            return False
        if not self.lower_open and not value >= self.lower:
            return False
        return value <= self.upper


def _p(path, unit, default, lower, upper, lower_open, symbol, description, source, rate=None,
       default_prior=None, inf_ok=None):  # fmt: skip
    if inf_ok is None:  # ceilings may be switched off with .inf
        inf_ok = default == INF or default_prior is not None
    return ParamSpec(path, unit, default, lower, upper, lower_open, symbol, description, source,
                     rate, default_prior, inf_ok)  # fmt: skip


def _g(path, default, symbol, description, source):
    """A growth: a multiplier per year, at least MIN_GROWTH."""
    return _p(path, _DL, default, MIN_GROWTH, INF, False, symbol, description, source, "growth")


_DL = "dimensionless"
#: Lowest multiplier per year a growth may take: a value below it reads as a rate (0.03 for
#: +3%/yr), which model v2 refuses with a hint (one growth convention, ARCHITECTURE.md).
MIN_GROWTH = 0.5

# fmt: off
PARAMETERS: tuple[ParamSpec, ...] = (
    # Economics
    _p("economy.world_gdp", "USD", 1.1e14, 0, INF, True, "GDP0",
       "World GDP in the base year.", "World Bank WDI / IMF WEO 2024: ~1.1e14 USD (2024)"),
    _g("economy.gdp_growth", 1.03, "g_gdp",
       "Multiplier per year of real world GDP (1.03 = +3%/yr).", "IMF WEO 2024: ~3%/yr"),
    _p("spending.largest_run", "USD", 1.0e8, 0, INF, True, "S0",
       "Cost of the largest training run in the base year (amortised hardware + energy); "
       ".inf: money is no constraint below the GDP cap.",
       "Cottier et al. 2024: GPT-4 ~4.1e7 USD (2023), Llama 3.1 405B ~5.1e7 USD (2024)",
       inf_ok=True),
    _g("spending.growth", 2.4, "g_s",
       "Multiplier per year of the cost of the largest run.",
       "Cottier et al. 2024: 2.4x/yr (90% CI 2.0-2.9) since 2016"),
    _p("spending.max_share_of_gdp", _DL, 0.01, 0, 1, True, "share_max",
       "Ceiling on the cost of one run as a share of world GDP.",
       "Cotra 2020 (bio anchors): willingness to spend capped at 1% of GDP"),
    _p("hardware.flop_per_usd", "FLOP/USD", 7.0e17, 0, INF, True, "P0",
       "Training FLOP bought per USD of run cost in the base year.",
       "Llama 3.1 405B: 3.8e25 FLOP / ~5.1e7 USD = 7.5e17 (Meta 2024; Cottier et al. 2024)"),
    _p("hardware.doubling_time", "year", 2.1, 0, INF, True, "T_hw",
       "Doubling time of training FLOP per USD.",
       "Hobbhahn & Besiroglu 2022: ~2.1 yr for ML GPUs (2.5 yr all GPUs)", "doubling"),
    _p("hardware.max_flop_per_usd", "FLOP/USD", P_MAX_MEDIAN, 0, INF, True, "P_max",
       "Physical ceiling on training FLOP per USD (inf: none).", P_MAX_SOURCE,
       default_prior=P_MAX_PRIOR),
    # Algorithms
    _p("algorithms.halving_time", "year", 8 / 12, 0, INF, True, "T_alg",
       "Time for the compute needed for a fixed performance to halve.",
       "Ho et al. 2024: ~8 months (95% CI 5-14) for language models", "halving"),
    _p("algorithms.max_multiplier", _DL, A_MAX_MEDIAN, 1, INF, False, "A_max",
       "Ceiling on the algorithmic efficiency multiplier over base-year algorithms "
       "(inf: none).", A_MAX_SOURCE, default_prior=A_MAX_PRIOR),
    # Data
    _p("data.sources.*.stock", "token", None, 0, INF, True, "stock_i",
       "Tokens of the source in the base year (or give documents x tokens_per_document).",
       "Villalobos et al. 2024: indexed web ~5e14 raw tokens"),
    _p("data.sources.*.documents", _DL, None, 0, INF, True, "docs_i",
       "Number of documents (e.g. indexed web pages) in the base year.",
       "Villalobos et al. 2024: 7.5e10-1e12 indexed pages"),
    _p("data.sources.*.tokens_per_document", "token", None, 0, INF, True, "tpd_i",
       "Mean tokens per document in the base year.",
       "Villalobos et al. 2024: 6,100-8,200 bytes per page / 2-5 bytes per token"),
    _g("data.sources.*.growth", 1.0, "g_i",
       "Multiplier per year of the stock (of the document count when documents are given).",
       "Villalobos et al. 2024: page count x1.00-1.10/yr"),
    _g("data.sources.*.tokens_per_document_growth", 1.0, "g_tpd,i",
       "Multiplier per year of the tokens per document.",
       "Villalobos et al. 2024: page size x1.02-1.04/yr"),
    _p("data.sources.*.quality", _DL, 1.0, 0, 1, True, "q_i",
       "Share of the stock kept after quality filtering.",
       "Villalobos et al. 2024: 0.1-0.4 of the web is high quality"),
    _p("data.sources.*.weight", _DL, 1.0, 0, INF, False, "w_i",
       "Text-equivalent weight of one token of the source (text = 1).",
       "1 for text; Sevilla et al. 2024 for multimodal data"),
    _p("data.epochs", _DL, 1.0, 1, INF, False, "E",
       "Epochs (passes) over the unique human data allowed (sources given as effective "
       "stocks are not reused).",
       "Muennighoff et al. 2023: ~4 epochs nearly as good as fresh data"),
    _p("data.reuse_decay", _DL, 15.4, 0, INF, True, "R*_D",
       "Decay constant of the value of repeated epochs of data.",
       "Muennighoff et al. 2023: R*_D ~ 15.4"),
    # Data bought with money (optional group `data.market:`; ARCHITECTURE.md, Data)
    _p("data.market.share_of_spend", _DL, 0.0, 0, 1, False, "s_mkt",
       "Share of the largest run's cost offered for licensed or private tokens.",
       "0 (none) by default; docs/data-market.md for the scenario's assumption"),
    _p("data.market.price_per_token", "USD/token", MARKET_PRICE, 0, INF, True, "p_mkt",
       "Price of one licensed or private token for one run.", MARKET_PRICE_SOURCE),
    _p("data.market.private_stock", "token", MARKET_STOCK, 0, INF, True, "U_mkt0",
       "Private and licensable tokens for sale in the base year.", MARKET_STOCK_SOURCE),
    _g("data.market.stock_growth", 1.0, "g_mkt",
       "Multiplier per year of the private stock for sale.", "assumption; 1 by default"),
    # Data demand from the dataset-size trend (optional group)
    _p("demand.dataset_size", "token", None, 0, INF, True, "D0",
       "Largest training dataset in the base year (dataset-size arm of demand).",
       "Villalobos et al. 2024: 3e12-1.3e13 tokens in 2024 (90% CI)"),
    _g("demand.dataset_growth", 10**0.38, "g_D",
       "Multiplier per year of the largest training dataset.",
       "Villalobos et al. 2024: 0.38 OOM/yr (95% CI 0.27-0.48)"),
    _p("demand.use_trend", _DL, 1.0, 0, 1, False, "arm",
       "Which demand a sample follows: >= 0.5 the dataset-size trend, below it the "
       "compute-based demand (a choice of 0 and 1 mixes the two arms per sample).",
       "Villalobos et al. 2024 pool the two arms 50/50"),
    # Synthetic data
    _p("synthetic.share_of_compute", _DL, 0.0, 0, 1, False, "f_syn",
       "Share of the compute budget spent generating synthetic data.",
       "0 (none) by default"),
    _p("synthetic.flop_per_token", "FLOP/token", 1.0e12, 0, INF, True, "c_gen",
       "FLOP spent per generated token (2 x generator parameters for a forward pass).",
       "Kaplan et al. 2020: 2N FLOP per token; a ~5e11-parameter generator"),
    _p("synthetic.quality", _DL, 0.5, 0, 1, False, "q",
       "Value of one synthetic token in human-token equivalents.", "assumption; 0.5 by default"),
    _p("synthetic.max_ratio", _DL, 1.0, 0, INF, False, "r_max",
       "Cap on synthetic tokens as a multiple of the human tokens with reuse.",
       "assumption; 1 by default (model collapse risk, Shumailov et al. 2024)"),
    # Training
    _p("training.tokens_per_parameter", _DL, 20.0, 0, INF, True, "k",
       "Training tokens per model parameter (20 = Chinchilla-optimal).",
       "Hoffmann et al. 2022"),
    _p("training.post_training_gain", _DL, 1.0, 1, INF, False, "G_post",
       "Compute-equivalent gain of post-training enhancements.",
       "Davidson et al. 2023: mostly > 5x, some > 20x; 1 (none) by default"),
    _p("training.duration", "s", 1.56e7, 0, INF, True, "d",
       "Wall-clock duration of the largest run (power, chips, latency, reliability).",
       "Sevilla et al. 2024: runs last 2-9 months, median 1.56e7 s (~6 months)"),
    _p("training.utilisation", _DL, 0.375, 0, 1, True, "u",
       "Model FLOP utilisation: achieved over peak FLOP/s (power, chips, reliability).",
       "Sevilla et al. 2024: 37.5% (20-60%)"),
    # Paradigms (optional groups: present only when the scenario has `post_training:`,
    # `rl:` or `test_time:`; their defaults give gains of 1 and no RL compute)
    _g("post_training.growth", 1.0, "g_post",
       "Growth of the post-training gain G_post, a multiplier per year.",
       "assumption; 1 (constant) by default"),
    _p("post_training.max_gain", _DL, INF, 1, INF, False, "G_post_max",
       "Cap on the post-training gain as it grows (inf: none).",
       "Davidson et al. 2023: gains mostly > 5x, some > 20x; none by default"),
    _p("rl.share_of_compute", _DL, 0.0, 0, 1, False, "f_rl",
       "Share of the compute budget spent on reinforcement-learning post-training.",
       "0 (none) by default"),
    _p("rl.gain_exponent", _DL, 1.0, 0, INF, False, "b_rl",
       "Exponent b of the RL gain G_rl = (1 + C_rl / C_pre)^b (b = 1: an RL FLOP is worth "
       "one pretraining FLOP).", "assumption; 1 by default"),
    _p("rl.max_gain", _DL, INF, 1, INF, False, "G_rl_max",
       "Cap on the compute-equivalent gain of RL post-training (inf: none).",
       "assumption; none by default"),
    _p("test_time.compute_multiple", _DL, 1.0, 1, INF, False, "m_tt",
       "Inference compute per task, as a multiple of a plain forward pass.",
       "1 (none) by default"),
    _p("test_time.gain_per_tenfold", _DL, 1.0, 1, INF, False, "g_tt",
       "Compute-equivalent gain per 10x of inference compute per task.",
       "Villalobos & Atkinson 2023; Snell et al. 2024; 1 (none) by default"),
    _p("test_time.max_gain", _DL, INF, 1, INF, False, "G_tt_max",
       "Cap on the compute-equivalent gain of test-time compute (inf: none).",
       "Villalobos & Atkinson 2023: 1-2 OOM of training compute can be traded; none by default"),
    # Inference-aware model size (optional group `inference:`; Sardana & Frankle 2023)
    _p("inference.tokens_ratio", _DL, 0.0, 0, INF, False, "r_inf",
       "Lifetime inference tokens of the largest model over the compute-optimal training "
       "tokens of its loss (D_inf / D_opt); sets k by minimising 6ND + 2N D_inf.",
       "Sardana & Frankle 2023; 0 (Chinchilla k) by default"),
    # Power (optional group: present only when the scenario has `power:`)
    _p("power.available", "W", 1.5e8, 0, INF, True, "P_pow0",
       "Power one training run can draw in the base year.",
       "xAI Colossus, 2024: ~100,000 H100 on ~150 MW"),
    _g("power.growth", 1.6, "g_pow",
       "Multiplier per year of the power available to one run.",
       "Sevilla et al. 2024: largest campus ~2.5 GW (0.96-5) by 2030, from ~0.15 GW in 2024"),
    _p("power.flop_per_joule", "FLOP/J", 1.18e12, 0, INF, True, "e0",
       "Peak FLOP per joule of the facility (all-in power per accelerator) in the base year.",
       "Sevilla et al. 2024: H100 2e15 FLOP/s FP8 at 1,700 W all-in"),
    _g("power.efficiency_growth", 1.28, "g_e",
       "Multiplier per year of FLOP per joule.", "Sevilla et al. 2024: x1.28/yr (1.16-1.42)"),
    _p("power.world_electricity", "W", 3.4e12, 0, INF, True, "W0",
       "World average electric power in the base year (generation / hours in a year).",
       "Ember / IEA 2024: ~30,000 TWh/yr = 3.4 TW"),
    _g("power.world_electricity_growth", 1.03, "g_W",
       "Multiplier per year of world electricity generation.",
       "IEA Electricity 2024: world demand +2.2% (2023), ~3.4%/yr forecast 2024-26"),
    _p("power.max_share_of_world", _DL, S_POWER_MEDIAN, 0, 1, True, "s_max",
       "Ceiling on the power one run draws as a share of world electricity.",
       S_POWER_SOURCE, default_prior=S_POWER_PRIOR),
    # Chips (optional group)
    _p("chips.stock", "chip", 2.2e6, 0, INF, False, "K0",
       "Accelerators in service at the start of the base year.",
       "Sevilla et al. 2024: end-2023 stock 2.2M H100e (1.4-3.5M)"),
    _p("chips.production", "chip/year", 1.85e6, 0, INF, False, "p0",
       "Accelerators produced per year in the base year.",
       "Sevilla et al. 2024: 1.85M/yr (1.0-4.6M)"),
    _g("chips.production_growth", 1.6, "g_p",
       "Multiplier per year of accelerator production.", "Sevilla et al. 2024: x1.3-2.0/yr"),
    _p("chips.share_for_one_run", _DL, 0.26, 0, 1, True, "s_run",
       "Share of the accelerators in service the largest run can use.",
       "Sevilla et al. 2024: 26% (16-40%)"),
    _p("chips.flop_per_second", "FLOP/s", 2e15, 0, INF, True, "f0",
       "Peak FLOP/s of an accelerator made in the base year.",
       "Sevilla et al. 2024: H100 ~2e15 FLOP/s FP8 (1e15-4e15)"),
    _g("chips.flop_per_second_growth", 1.44, "g_f",
       "Multiplier per year of the FLOP/s of newly made accelerators (1 when counts are "
       "already in H100-equivalents).", "Sevilla et al. 2024: x1.44/yr per chip (1.31-1.59)"),
    _p("chips.lifetime", "year", CHIP_LIFETIME, 0, INF, True, "L",
       "Years an accelerator stays in service after the year it is made.",
       CHIP_LIFETIME_SOURCE),
    # Latency wall (optional group)
    _p("latency.min_step_time", "s", 0.1, 0, INF, True, "t_min",
       "Shortest possible time per optimizer step (data movement and latency).",
       "Erdil & Schneider-Joseph 2024: ~2e31 FLOP wall for a ~6-month run at 6e7 tokens/batch"),
    _p("latency.critical_batch", "token", 6e7, 0, INF, True, "B_crit",
       "Largest useful batch (critical batch size).",
       "Sevilla et al. 2024: 6e7 tokens (1.6e7-3.6e8)"),
    _p("latency.ceiling", "FLOP", None, 0, INF, True, "C_lat",
       "Latency wall given directly (overrides step time and batch).",
       "Erdil & Schneider-Joseph 2024: ~2e31 FLOP"),
    # Reliability (optional group): goodput of the implied cluster, per sample
    _p("reliability.mtbf", "hour", 16_384 * 54 * 24 / 419, 0, INF, True, "M_acc",
       "Mean time between failures of one accelerator.",
       "Meta 2024 (Llama 3): 419 interruptions in 54 days on 16,384 GPUs -> ~50,700 h"),
    _p("reliability.checkpoint_cost", "minute", 0.5, 0, INF, False, "delta",
       "Time to write one checkpoint.",
       "with restart_time, gives the > 90% effective training time Meta reports for Llama 3"),
    _p("reliability.restart_time", "minute", 5.0, 0, INF, False, "R",
       "Time from a failure until training resumes.",
       "with checkpoint_cost, gives the > 90% effective training time Meta reports for Llama 3"),
    # Scaling law L(N, D) = E + A/N^alpha + B/D^beta, data-constrained (Muennighoff et al.)
    _p("scaling_law.irreducible_loss", _DL, 1.82, 0, INF, False, "E",
       "Irreducible loss of the scaling law.", "Besiroglu et al. 2024 (Chinchilla replication)"),
    _p("scaling_law.a", _DL, 482.01, 0, INF, True, "A",
       "Parameter-term coefficient.", "Besiroglu et al. 2024"),
    _p("scaling_law.b", _DL, 2085.43, 0, INF, True, "B",
       "Data-term coefficient.", "Besiroglu et al. 2024"),
    _p("scaling_law.alpha", _DL, 0.3478, 0, INF, True, "alpha",
       "Parameter-term exponent.", "Besiroglu et al. 2024"),
    _p("scaling_law.beta", _DL, 0.3658, 0, INF, True, "beta",
       "Data-term exponent.", "Besiroglu et al. 2024"),
    _p("scaling_law.parameter_reuse_decay", _DL, 5.3, 0, INF, True, "R*_N",
       "Decay constant of the value of parameters beyond the data's compute-optimal size.",
       "Muennighoff et al. 2023: R*_N ~ 5.3"),
)
# fmt: on

SPECS: dict[str, ParamSpec] = {p.path: p for p in PARAMETERS}
#: Groups that switch a constraint or a route on: their defaults apply only when a scenario
#: has them. A group nested in another is written with its parent's name (``data.market``).
OPTIONAL_GROUPS = (
    "power",
    "chips",
    "latency",
    "reliability",
    "demand",
    "post_training",
    "rl",
    "test_time",
    "data.market",
    "inference",
)
#: Optional groups nested in another group (a mapping under a key of that group).
NESTED_GROUPS = tuple(g for g in OPTIONAL_GROUPS if "." in g)
SOURCE_FIELDS = tuple(
    p.path.split(".")[-1] for p in PARAMETERS if p.path.startswith("data.sources.*.")
)
#: Keys of a data source that are flags, not priors.
SOURCE_FLAGS = ("effective",)
#: Sub-keys of a rate given as a schedule.
SCHEDULE_KEYS = ("initial", "final", "half_life")


def spec_for(path: str) -> ParamSpec | None:
    """The spec of a concrete key path (``data.sources.web.stock`` -> ``data.sources.*.stock``)."""
    if path in SPECS:
        return SPECS[path]
    parts = path.split(".")
    if len(parts) == 4 and parts[:2] == ["data", "sources"]:
        return SPECS.get(f"data.sources.*.{parts[3]}")
    return None


def group_of(path: str) -> str:
    """The parameter group of a key path: the nested group it is in (``data.market.price_per_token``
    -> ``data.market``), else its first part (``data.sources.web.stock`` -> ``data``)."""
    for group in NESTED_GROUPS:
        if path.startswith(group + "."):
            return group
    return path.split(".", 1)[0]


def groups() -> dict[str, list[str]]:
    """Group name -> keys directly under it (``data`` holds ``sources`` too)."""
    out: dict[str, list[str]] = {}
    for p in PARAMETERS:
        group, rest = p.path.split(".", 1)
        key = rest.split(".", 1)[0]
        if key not in out.setdefault(group, []):
            out[group].append(key)
    return out
