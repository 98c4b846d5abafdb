# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %%
# Importing scalesim and the report's building blocks
import datetime

import altair as alt

import scalesim
from scalesim.present import plots
from scalesim.present.report import appendix, charts, detail, front, milestones
from scalesim.present.report import sensitivity as rs
from scalesim.present.report.page import (
    PAGE_WIDTH,
    Html,
    chart_svg,
    join_html,
    keep_together,
    paragraph,
    section,
)

# %% tags=["parameters"]
# Parameters: a policy report on the largest feasible AI training run. `scalesim report SCENARIO [...]
# --out report.html` injects these parameters, executes the notebook and converts it to one
# self-contained HTML file without code cells. Run interactively from notebooks/, it uses
# the defaults below.
scenarios = [
    "../scenarios/baseline.yaml",
    "../scenarios/spending-plateau.yaml",
    "../scenarios/synthetic-data.yaml",
]
samples = None  # None: each scenario's own
seed = None  # None: each scenario's own
title = None  # None: from the first scenario's name
report_date = None  # None: today (ISO 8601)
headline_year = 2030
later_year = 2040
sensitivity_year = 2030

# %%
# Running the scenarios
alt.renderers.enable("svg")  # charts as inline SVG: the report needs no network
loaded = [scalesim.load_scenario(path) for path in scenarios]
runs = [
    scalesim.run(sc, samples=samples, seed=seed, keep="none", summarize=charts.summarised(sc))
    for sc in loaded
]
summaries = [r.summary() for r in runs]
main = summaries[0]
title = title or front.default_title([sc.name for sc in loaded])
report_date = report_date or datetime.date.today().isoformat()

# %%
# Writing the executive summary and the key figures
join_html(
    [
        front.title_block(title, report_date, [sc.name for sc in loaded]),
        section("Executive summary"),
        front.executive_summary(summaries, loaded, headline_year, later_year),
        section(f"Key figures: {loaded[0].name}"),
        front.key_figures(main),
    ]
)

# %% [markdown]
# <h2 class="new-page">Key charts</h2>

# %%
# Chart: the largest feasible run
charts.run_chart(main, height=235)

# %%
# Chart: the milestones (where the scenario has them) or the data
(
    milestones.chart(main, height=190)
    if main.get("milestones")
    else charts.data_chart(main, height=220)
)

# %%
# Chart: the binding constraint
plots.binding_chart(
    runs[0], title="Which constraint binds: share of samples", width=PAGE_WIDTH, height=190
)

# %% [markdown]
# <h2 class="new-page">Detail</h2>
#
# ### The ceilings on the largest run
#
# The compute the spending buys, beside the ceiling each constraint sets; the largest
# feasible run (dashed) follows the lowest of them.

# %%
# Chart: the ceilings on the largest run
charts.ceilings_chart(main, height=220)

# %% [markdown]
# ### When the stock of public human text is fully used

# %%
# When the stock of public text is fully used
join_html(
    [
        paragraph(front._exhaustion_sentence(main)),
        chart_svg(charts.data_chart(main, height=190)) if main.get("milestones") else "",
    ]
)

# %%
# Chart: the year the stock is fully used
plots.exhaustion_chart(runs[0], width=PAGE_WIDTH, height=170)

# %% [markdown]
# ### Physical limits
#
# The compute figures above, held against two limits from the literature that the model does
# not impose unless the scenario asks for them.

# %%
# Physical limits
detail.limits_table(main, loaded[0])

# %%
# Comparing the scenarios
(
    keep_together(
        [
            section("Comparison across scenarios", level=3),
            paragraph(
                "Medians, and below them the 90% interval (the 80% interval for the year "
                "public text is fully used)."
            ),
            detail.comparison_table(summaries, (headline_year, later_year)),
        ]
    )
    if len(runs) > 1
    else Html("")
)

# %%
# Chart: the scenarios side by side
charts.comparison_chart(summaries, height=230) if len(runs) > 1 else None

# %%
# Sensitivity of the main scenario
(
    join_html(
        [
            section(f"What moves the {sensitivity_year} result most", level=3),
            paragraph(
                "Each uncertain assumption in turn is set to its 5th and then its 95th "
                "percentile while every other assumption is at its median; the swing is the "
                "change in the largest feasible run, in orders of magnitude (a swing of 1 is "
                "a factor of 10)."
            ),
        ]
    )
    if sensitivity_year in loaded[0].year_list
    else Html("")
)

# %%
# Chart: one assumption at a time
swings = (
    rs.sensitivity(loaded[0], year=sensitivity_year)
    if sensitivity_year in loaded[0].year_list
    else None
)
rs.tornado_chart(
    swings[0],
    swings[1],
    title=f"Largest feasible run in {sensitivity_year}: one assumption at a time",
    width=PAGE_WIDTH - 260,
    labels=True,
    rows=8,
) if swings is not None else None

# %%
# Table: one assumption at a time
rs.words_table(swings[0], loaded[0]) if swings is not None else None

# %% [markdown]
# <h2 class="new-page">Appendix</h2>
#
# ### A. Assumptions and their sources
#
# The main scenario's assumptions, then each other scenario's differences from it. An
# uncertain assumption shows its median and its 90% interval (5th to 95th percentile of its
# prior); the numbers in brackets are the sources, listed after the tables.

# %%
# Appendix: the assumptions and their sources
appendix.assumptions(loaded)

# %% [markdown]
# ### B. Method
#
# scalesim draws every uncertain assumption of a scenario from its prior (a 90% credible
# interval is lognormal when both bounds are positive) and projects each sample year by year
# from the base year:
#
# - **Spending**: the cost of the largest run grows by a factor each year, capped at a share
#   of world GDP (which grows too).
# - **Hardware**: training compute per dollar doubles at a fixed interval, up to a ceiling
#   derived from the energy-efficiency limit of CMOS; the compute budget is the spending
#   times the compute per dollar.
# - **Algorithms**: the compute needed for a fixed performance halves at a fixed interval, up
#   to a cap; effective compute is the largest run times this multiplier.
# - **Data**: the stock of public human text (unique, quality-filtered tokens) grows slowly
#   and can be reused for a few epochs with diminishing value (Muennighoff et al. 2023);
#   optionally a share of the budget buys synthetic text worth less than human text, capped
#   at a multiple of it.
# - **Data demand**: a compute-optimal run (Hoffmann et al. 2022: about 20 tokens per
#   parameter, 6 FLOP per parameter and token) needs tokens in proportion to the square root
#   of its compute; the text available therefore supports a largest run of its own.
# - **Largest feasible run**: the smallest of the compute budget and every ceiling (data,
#   and power, chips or latency where the scenario sets them); the binding constraint is the
#   one that sets it. The stock is fully used in the (interpolated) year the data demand
#   reaches it.
#
# Quantiles come from mergeable log-histograms (within 0.23%); the same scenario, samples and
# seed give the same numbers on any machine. The README and the documentation give every
# equation.
#
# ### C. Limitations
#
# - One largest run per year; no feedback from AI progress to spending, GDP or hardware.
# - Trends are smooth, with caps: no shocks, cycles or regime changes beyond what the
#   priors' spread allows.
# - Data demand assumes compute-optimal training at a fixed tokens-per-parameter ratio;
#   over-training, data filtering and multimodal data enter only through the scenario's
#   numbers.
# - Synthetic data is modelled only through its cost, a quality discount and a cap.
# - Sensitivities are one at a time and ignore interactions.
# - Results are only as good as the scenario's assumptions, listed above with their sources.
#
# ### D. References
#
# Besiroglu, Erdil, Barnett, You 2024, Chinchilla scaling: a replication attempt ·
# Cotra 2020, Forecasting TAI with biological anchors · Cottier et al. 2024, The rising costs
# of training frontier AI models · Davidson et al. 2023, AI capabilities can be significantly
# improved without expensive retraining · Erdil & Schneider-Joseph 2024, Data movement limits
# to frontier model training · Ho, Erdil & Besiroglu 2023, Limits to the energy efficiency of
# CMOS microprocessors · Ho et al. 2024, Algorithmic progress in language models · Hobbhahn &
# Besiroglu 2022, Trends in GPU price-performance · Hoffmann et al. 2022, Training
# compute-optimal large language models · Muennighoff et al. 2023, Scaling data-constrained
# language models · Sevilla et al. 2024, Can AI scaling continue through 2030? · Shumailov et
# al. 2024, AI models collapse when trained on recursively generated data · Villalobos et al.
# 2024, Will we run out of data? · Epoch AI data (CC BY 4.0): notable AI models, ML hardware.
#
# ### E. Metadata

# %%
# Appendix: metadata
appendix.metadata(loaded, summaries, report_date)
