"""Defaults of model v2 that are derivations or priors, each with its source.

The parameter table (:mod:`scalesim.model.parameters`) reads them; they live here so that
the derivations can be written out in full beside the numbers.
"""

from __future__ import annotations

import math

# --- Physical ceilings, on by default (ARCHITECTURE.md, Economics) -------------------------
#: P_max: the CMOS limit, ~4.7e15 FLOP/J at 4 bit, 50-1000x today's chips (Ho, Erdil &
#: Besiroglu 2023), at 0.05-0.10 USD/kWh buys 1.7e23-3.4e23 FLOP of energy per USD. At FP8,
#: ~40% utilisation, facility overhead, and energy 10-50% of run cost once efficiency stops
#: improving (hardware cost per FLOP then falls with it; 2-6% today, Cottier et al. 2024),
#: the derivation gives a median ~7.6e21 and a 90% interval of ~1e21-6e22 FLOP/USD.
P_MAX_PRIOR = {"to": ["1e21 FLOP/USD", "6e22 FLOP/USD"], "credibility": 90}
P_MAX_MEDIAN = math.sqrt(1e21 * 6e22)
P_MAX_SOURCE = (
    "Ho, Erdil & Besiroglu 2023 (CMOS limit ~4.7e15 FLOP/J at 4 bit) x electricity at "
    "0.05-0.10 USD/kWh, FP8, ~40% utilisation, energy 10-50% of cost at the limit (2-6% today, "
    "Cottier et al. 2024): 90% CI 1e21-6e22 (derivation, low credibility)"
)
#: A_max: finite software ceilings. Cotra 2020 caps algorithmic progress at 2-5 OOM over
#: 2020 algorithms by anchor (bound(2 + (f - 32)/4, 2, 5) in Rethink Priorities' port); the
#: takeoff model's (Davidson 2023) 1e12 suits a world where AI automates research, not a
#: trends-continue baseline. A wide lognormal over 2-5 OOM beyond base-year algorithms.
A_MAX_PRIOR = {"to": [1e2, 1e5], "credibility": 90}
A_MAX_MEDIAN = math.sqrt(1e2 * 1e5)
A_MAX_SOURCE = (
    "Cotra 2020 (Rethink Priorities' port): algorithmic progress capped at 2-5 OOM by anchor; "
    "assumption: 90% CI 1e2-1e5 over base-year algorithms (low credibility)"
)
#: s_max: one run may not draw more than a share of world electricity. Epoch/EPRI 2025: the
#: largest 2030 run draws 4-16 GW (0.1-0.4% of ~4.1 TW); Sevilla et al. 2024: up to 45 GW
#: distributed in 2030 (~1.1%); IEA 2025: all data centres 1.5% of world electricity (2024).
S_POWER_PRIOR = {"to": [0.002, 0.03], "credibility": 90}
S_POWER_MEDIAN = math.sqrt(0.002 * 0.03)
S_POWER_SOURCE = (
    "Epoch/EPRI 2025 (largest 2030 run 4-16 GW, 0.1-0.4% of world power); Sevilla et al. 2024 "
    "(up to 45 GW distributed, ~1.1%); assumption: 90% CI 0.2%-3% of world electric power"
)
#: Chip lifetime: servers are depreciated over 5-6 years by the largest cloud providers.
CHIP_LIFETIME = 5.0
CHIP_LIFETIME_SOURCE = (
    "assumption: 5 years in service (Microsoft and Alphabet depreciate servers over 6 years "
    "since 2022, Meta over 5.5; frontier runs favour newer chips)"
)

#: Data market defaults (docs/data-market.md): licensing deals put text at ~6e-5 USD/token
#: (Reddit-Google, $60M/yr for ~1e12 tokens) to ~1e-3 (News Corp-OpenAI, $50M/yr for
#: ~5e10); the default is their geometric middle. Private stock: Educating Silicon 2024's
#: licensable private text (books 2.1e13, private code 2e13, social media 1.1e13 ...) below
#: its stored email and messages (1.85e15, mostly out of reach): assumption, median 1e14.
MARKET_PRICE = math.sqrt(6e-5 * 1e-3)
MARKET_PRICE_SOURCE = (
    "Reddit-Google 2024 ($60M/yr, ~1e12 tokens: 6e-5 USD/token) to News Corp-OpenAI 2024 "
    "($250M/5 yr, ~5e10 tokens: 1e-3); assumption: their geometric mean"
)
MARKET_STOCK = 1e14
MARKET_STOCK_SOURCE = (
    "assumption: licensable private text ~1e14 tokens (Educating Silicon 2024: books 2.1e13, "
    "private code 2e13, X 1.1e13; stored email and messages 1.85e15, mostly out of reach)"
)
