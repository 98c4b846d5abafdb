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
import datetime

import altair as alt
from IPython.display import HTML, display

import scalesim
from scalesim.present import plots, text
from scalesim.present.report import data as rd
from scalesim.present.report import sensitivity as rs

# %% tags=["parameters"]
# Policy report on the largest feasible AI training run. `scalesim report SCENARIO [...]
# --out report.html` injects these parameters, executes the notebook headless and converts
# it to one self-contained HTML file without code cells. Run interactively from notebooks/,
# it uses the defaults below.
scenarios = [
    "../scenarios/baseline.yaml",
    "../scenarios/spending-plateau.yaml",
    "../scenarios/synthetic-data.yaml",
]
samples = None  # None: each scenario's own
seed = None  # None: each scenario's own
title = None  # None: from the first scenario's name
report_date = None  # None: today (ISO 8601)
headline_years = [2030, 2040]
sensitivity_year = 2030

# %%
alt.renderers.enable("svg")  # charts as inline SVG: the report needs no network

loaded = [scalesim.load_scenario(path) for path in scenarios]
runs = [scalesim.run(sc, samples=samples, seed=seed, keep="none", summarize="all") for sc in loaded]
summaries = [r.summary() for r in runs]
labels = {}
for r in runs:
    label = r.scenario.name
    while label in labels:
        label += " (again)"
    labels[label] = r
title = title or rd.default_title([sc.name for sc in loaded])
report_date = report_date or datetime.date.today().isoformat()
swings = [
    rs.sensitivity(sc, samples=samples, seed=seed, year=sensitivity_year)
    if sensitivity_year in sc.year_list
    else None
    for sc in loaded
]

# %%
display(HTML(rd.header(title, report_date, loaded, summaries)))

# %% [markdown]
# ## Executive summary

# %%
display(HTML(rd.executive_summary(summaries, headline_years)))

# %% [markdown]
# Medians and 90% intervals (5th to 95th percentile) over the Monte Carlo samples. The
# largest feasible run is the smallest of the compute the spending buys and the compute the
# available data supports (and of any power, chip or latency ceiling the scenario sets).
#
# ## Key figures

# %%
main = summaries[0]
display(
    HTML(
        rd.html_table(
            rd.key_figures(main),
            f"{main['scenario']['name']}: median [5th – 95th percentile] by year",
            "key-figures",
        )
    )
)
display(
    HTML(
        f"<p>Year the stock of public human text is fully used, median [5th – 95th percentile]: "
        f"{rd.exhaustion_text(main)}.</p>"
    )
)

# %% [markdown]
# ## Projections
#
# The largest feasible training run per year (median, 50% and 90% bands), with the largest
# historical training runs as points.

# %%
plots.fan_chart(runs[0], history=True, width=640)

# %% [markdown]
# The compute budget for training beside the ceiling each constraint sets; the largest run
# (dashed) follows the lowest.

# %%
plots.budget_chart(runs[0], width=640)

# %% [markdown]
# The stock of human text (with reuse over several epochs) beside the data a compute-optimal
# run on the whole budget would need. Where the demand crosses the stock, the stock is fully
# used.

# %%
plots.data_chart(runs[0], width=640)

# %%
plots.exhaustion_chart(runs[0], width=640)

# %%
plots.binding_chart(runs[0], width=640)

# %% [markdown]
# ## Assumptions
#
# Every parameter of each scenario: those the scenario file sets and the defaults it keeps.
# Intervals are the prior's 5th to 95th percentile in canonical units (FLOP, token, USD,
# year; 1 for multipliers and shares); the source is the scenario file's `sources:` entry,
# or for a default the source of the default.

# %%
for sc in loaded:
    display(HTML(rd.html_table(rd.assumptions_frame(sc), f"Assumptions: {sc.name}", "assumptions")))

# %% [markdown]
# ## Comparison across scenarios

# %%
if len(runs) > 1:
    display(
        HTML(
            rd.html_table(
                rd.comparison_frame(summaries, headline_years),
                "Median [5th – 95th percentile]; binding: the most frequent "
                "constraint (share of samples)",
                "comparison",
            )
        )
    )
    display(plots.fan_chart(labels, width=640))
    display(plots.exhaustion_chart(labels, width=640))
else:
    display(
        HTML("<p>Only one scenario was given; run the report with several to compare them.</p>")
    )

# %% [markdown]
# ## Sensitivity
#
# One at a time: each uncertain assumption is fixed in turn at its 5th and then its 95th
# percentile while all the others keep their distributions, and the scenario is run again with
# the same samples and seed. Each parameter draws from its own random stream, so the other
# draws do not change and the swing is that assumption's own effect on the median of the
# largest run. Swings are in orders of magnitude (|log10| of the ratio); the dashed line is
# the median with every assumption uncertain.

# %%
for sc, result in zip(loaded, swings, strict=True):
    if result is None:
        display(HTML(f"<p>{sc.name}: {sensitivity_year} is not a projected year.</p>"))
        continue
    frame, base = result
    display(
        rs.tornado_chart(frame, base, title=f"{sc.name}: median largest run in {sensitivity_year}")
    )
    display(
        HTML(
            rd.html_table(
                rs.sensitivity_table(frame),
                f"{sc.name}: median largest run in {sensitivity_year} with each assumption at its "
                f"5th and 95th percentile (all uncertain: {text.quantity(base, 'FLOP')})",
                "sensitivity",
            )
        )
    )

# %% [markdown]
# ## Method
#
# scalesim draws every uncertain assumption of a scenario from its prior (a 90% credible
# interval is lognormal when both bounds are positive) and projects each sample year by year
# from the base year, Δ years later:
#
# - **Spending**: the cost of the largest run grows by a factor each year, capped at a
#   share of world GDP (which grows too): spend = min(S0 · g_s^Δ, share_max · GDP).
# - **Hardware**: training FLOP per dollar doubles every T_hw years, up to an optional
#   ceiling; the compute budget is spend × FLOP per dollar.
# - **Algorithms**: the compute needed for a fixed performance halves every T_alg years;
#   effective compute is the largest run times this multiplier.
# - **Data**: the stock of public human text (unique, quality-filtered tokens) grows slowly
#   and can be reused for a few epochs with diminishing value (Muennighoff et al. 2023);
#   optionally a share of the budget buys synthetic tokens worth less than human ones, capped
#   at a multiple of the human data.
# - **Data demand**: a compute-optimal run with k tokens per parameter and C = 6·N·D needs
#   D = sqrt(k · C / 6) tokens; the data available supports at most C_data = 6 · D² / k.
# - **Largest feasible run**: the smallest of the training compute and every ceiling (data,
#   and power, chips or latency where set); the binding constraint is the one that sets it.
#   The stock of public text is fully used in the (interpolated) year the data demand of the
#   whole budget reaches the stock with reuse.
#
# Quantiles come from mergeable log-histograms (within 0.23%); the same scenario, samples
# and seed give the same numbers on any machine. The README describes the model in full.
#
# ## Limitations
#
# - One largest run per year; no feedback from AI progress to spending, GDP or hardware.
# - Trends are smooth exponentials with caps: no shocks, cycles or regime changes beyond
#   what the priors' spread allows.
# - Data demand assumes compute-optimal training at a fixed tokens-per-parameter ratio;
#   over-training, data filtering and multimodal data are represented only by the
#   scenario's numbers.
# - Synthetic data is modelled only through its cost, a quality discount and a cap.
# - Priors are independent: correlations between, say, spending and hardware progress are
#   not represented. Sensitivities are one at a time and ignore interactions.
# - Results are only as good as the scenario's assumptions, listed above with their sources.
#
# ## References
#
# - Besiroglu, Erdil, Barnett, You 2024. Chinchilla scaling: a replication attempt.
# - Cotra 2020. Forecasting TAI with biological anchors.
# - Cottier, Rahman, Fattorini, Maslej, Owen 2024. The rising costs of training frontier AI
#   models.
# - Davidson, Denain, Villalobos, Bas 2023. AI capabilities can be significantly improved
#   without expensive retraining.
# - Ho, Besiroglu, Erdil, et al. 2024. Algorithmic progress in language models.
# - Hobbhahn, Besiroglu 2022. Trends in GPU price-performance.
# - Hoffmann et al. 2022. Training compute-optimal large language models.
# - Muennighoff et al. 2023. Scaling data-constrained language models.
# - Sevilla et al. 2024. Can AI scaling continue through 2030?
# - Shumailov et al. 2024. AI models collapse when trained on recursively generated data.
# - Villalobos et al. 2024. Will we run out of data? Limits of LLM scaling based on
#   human-generated data.
# - Epoch AI data (CC BY 4.0): notable AI models, ML hardware.
