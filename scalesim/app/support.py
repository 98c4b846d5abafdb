"""The web app's runs, kept free of Streamlit so it can be tested: a compact, picklable view
of a run for caching (:class:`RunView`), the variables the page summarises, the download
payloads and the headline figures.

The scenario choice (shipped scenarios, uploads, run settings) is in
:mod:`scalesim.app.scenarios`, the assumption editors in :mod:`scalesim.app.editors`, the
method page's text in :mod:`scalesim.app.method`. Numbers are formatted by
:mod:`scalesim.present.text`, constraint labels come from the ceiling registry.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from scalesim.app.scenarios import scenario_from_yaml
from scalesim.engine.results import Results, binding_frame
from scalesim.engine.run import present_variables, run
from scalesim.present import text as fmt_text
from scalesim.scenario.loader import Scenario

#: Largest run whose per-sample table the app offers as Parquet [samples] (~3.5 kB a sample).
MAX_PARQUET_SAMPLES = 50_000
#: Years of the headline figures [calendar year].
HEADLINE_YEARS = (2030, 2040)


# --- runs -------------------------------------------------------------------------------------


@dataclass
class RunView:
    """What the app shows of a run, small enough to cache and pickle (no per-sample arrays).

    Works with the builders of :mod:`scalesim.plots` like a :class:`Results`.
    """

    scenario: Scenario
    samples: int
    seed: int
    years: list[int]
    summary_dict: dict
    summary_csv: str
    exhaustion_counts: dict[int, int]
    exhaustion_never: int
    data_exhaustion_year: None = None
    constraints: tuple[str, ...] = field(default=())

    def summary(self) -> dict:
        """The summary JSON contract of the run."""
        return self.summary_dict

    def binding_shares(self) -> dict[str, list[float]]:
        """Share of samples in which each constraint binds, per year, like
        :meth:`Results.binding_shares`."""
        return dict(self.summary_dict["binding_constraint_share"])

    def quantiles(self, name: str) -> dict[str, list[float | None]]:
        """p5..p95 and mean per year of a variable (None where infinite)."""
        return self.summary_dict["variables"][name]

    def binding_frame(self) -> pd.DataFrame:
        """Tidy binding-constraint shares: year, constraint, share."""
        return binding_frame(self.binding_shares(), self.years)


#: Variables the app's charts and headline figures read, besides the ceilings' own and the
#: milestones' metrics: summarising only these (not every variable) makes a projection several
#: times faster at 20,000 samples. The downloads summarise every variable.
VIEW_VARIABLES = (
    "largest_run_flop",
    "training_flop",
    "human_effective_tokens",
    "data_demand_tokens",
)
#: Added when part of the budget goes to synthetic data or a paradigm group is present (the
#: compute split, the data chart's synthetic line, capability-equivalent compute).
SPLIT_VARIABLES = ("budget_flop", "available_tokens", "rl_flop", "capability_equivalent_flop")


def view_variables(scenario: Scenario) -> list[str]:
    """The variables the app's page reads for ``scenario``, in table order."""
    present = present_variables(scenario)
    wanted = set(VIEW_VARIABLES) | {c.variable for c in scenario.ceilings}
    wanted |= {m.metric for m in scenario.milestones}
    share = scenario.priors["synthetic.share_of_compute"]
    synthetic = not (share.is_fixed and share.args[0] == 0.0)
    if synthetic or {"rl", "test_time", "post_training"} & set(scenario.groups):
        wanted |= set(SPLIT_VARIABLES)
    return [name for name in present if name in wanted]


def simulate(
    yaml_text: str,
    path: str | None,
    samples: int,
    seed: int,
    summarize: str | list = "all",
    scenario: Scenario | None = None,
) -> RunView:
    """Run a resolved scenario given as YAML text; no per-sample array kept.

    Parameters
    ----------
    yaml_text : str
        :meth:`Scenario.to_yaml` of the scenario to run.
    path : str or None
        Where the scenario came from (reported in the summary).
    samples, seed : int
        Run settings [samples].
    summarize : "all", "view" or list of str
        Variables summarised: every one (for the downloads), or ``"view"``: those the app's
        charts read (:func:`view_variables`).
    scenario : Scenario, optional
        The scenario ``yaml_text`` was written from, when at hand: it is run as it is instead
        of being read back from the text (the same scenario, the same numbers).

    Returns
    -------
    RunView
    """
    if scenario is None:
        scenario = scenario_from_yaml(yaml_text, path)
    if summarize == "view":
        summarize = view_variables(scenario)
    results = run(scenario, samples=samples, seed=seed, keep="none", summarize=summarize)
    return view_of(results, csv=summarize == "all")


def view_of(results: Results, csv: bool = True) -> RunView:
    """The :class:`RunView` of full results (``summary_csv`` empty unless ``csv``)."""
    return RunView(
        scenario=results.scenario,
        samples=results.samples,
        seed=results.seed,
        years=list(results.years),
        summary_dict=results.summary(),
        summary_csv=results.summary_frame().to_csv(index=False) if csv else "",
        exhaustion_counts=dict(results.exhaustion_counts),
        exhaustion_never=int(results.exhaustion_never),
        constraints=tuple(results.constraints),
    )


def summary_json(view: RunView) -> str:
    """The summary JSON contract as text (what ``scalesim run --summary-json`` writes)."""
    return json.dumps(view.summary(), indent=2, allow_nan=False, ensure_ascii=False) + "\n"


def per_sample_parquet(yaml_text: str, path: str | None, samples: int, seed: int) -> bytes:
    """The per-sample table (``scalesim run --out x.parquet``) of a run, as Parquet bytes.

    Runs the scenario again with every variable kept; same scenario, samples and seed give the
    same numbers as the summarised run.
    """
    scenario = scenario_from_yaml(yaml_text, path)
    results = run(scenario, samples=samples, seed=seed, keep="all", summarize=[])
    buffer = io.BytesIO()
    results.to_frame().to_parquet(buffer, index=False)
    return buffer.getvalue()


def download_name(scenario: Scenario, suffix: str) -> str:
    """File name for a download: the scenario file's stem (``-edited`` when edited) + suffix."""
    stem = Path(scenario.path or "scenario").stem or "scenario"
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "-", stem)
    if scenario.name.endswith("(edited)"):
        stem += "-edited"
    return stem + suffix


# --- headline figures ---------------------------------------------------------------------------


def headline(view: RunView | Results) -> dict[str, dict]:
    """The headline figures of a run.

    Returns
    -------
    dict
        ``largest_<year>`` for each of :data:`HEADLINE_YEARS` (``p50``, ``p5``, ``p95`` [FLOP],
        None when the year is not projected); ``exhaustion`` (``p5``, ``p50``, ``p95``
        [calendar year, None when after the last year] and ``share_never``); ``binding``
        (``year``, ``constraint``, ``share``: the constraint binding in most samples in the
        first headline year, or the last projected year before it; the first in registry
        order on ties).
    """
    summary = view.summary()
    years = summary["years"]
    q = summary["variables"]["largest_run_flop"]
    out: dict[str, dict] = {}
    for year in HEADLINE_YEARS:
        if year in years:
            i = years.index(year)
            out[f"largest_{year}"] = {k: q[k][i] for k in ("p5", "p50", "p95")} | {"year": year}
        else:
            out[f"largest_{year}"] = {"p5": None, "p50": None, "p95": None, "year": year}
    ex = summary["data_exhaustion_year"]
    out["exhaustion"] = {k: ex.get(k) for k in ("p5", "p50", "p95", "share_never")}
    out["exhaustion"]["last"] = years[-1]
    year = HEADLINE_YEARS[0] if HEADLINE_YEARS[0] in years else years[-1]
    i = years.index(year)
    shares = {c: s[i] for c, s in summary["binding_constraint_share"].items()}
    name = max(fmt_text.constraint_order(shares), key=shares.__getitem__)
    out["binding"] = {"year": year, "constraint": name, "share": shares[name]}
    return out


def headline_texts(view: RunView | Results) -> list[tuple[str, str, str]]:
    """The four headline figures as ``(label, value, interval text)`` for display.

    The largest run as :func:`scalesim.present.text.quantity` writes it (``2.14e27 FLOP``),
    the exhaustion year as :func:`~scalesim.present.text.year` (``2028.7``, ``after 2050``),
    the binding constraint by its registry label.
    """
    h = headline(view)
    texts = []
    for year in HEADLINE_YEARS:
        d = h[f"largest_{year}"]
        if d["p50"] is None:
            texts.append((f"Largest run in {year}", fmt_text.MISSING, f"{year} is not projected"))
        else:
            texts.append(
                (
                    f"Largest run in {year}",
                    fmt_text.quantity(d["p50"], "FLOP"),
                    f"90% interval {fmt_text.interval(d['p5'], d['p95'], 'FLOP')}",
                )
            )
    ex = h["exhaustion"]
    last = ex["last"]
    years = fmt_text.interval(ex["p5"], ex["p95"], fmt=lambda y: fmt_text.year(y, last))
    texts.append(
        (
            "Human text stock used up",
            fmt_text.year(ex["p50"], last),
            f"90% interval {years}; never by {last}: {fmt_text.share(ex['share_never'], 1)}",
        )
    )
    b = h["binding"]
    texts.append(
        (
            f"Binding constraint in {b['year']}",
            fmt_text.constraint_label(b["constraint"]),
            f"in {fmt_text.share(b['share'])} of samples",
        )
    )
    return texts


def compare_frame(views: dict[str, RunView | Results]) -> pd.DataFrame:
    """Headline figures of several runs side by side: one row per figure, a column per run;
    each cell the figure, then its interval on a line of its own (so that three runs fit)."""
    columns = {}
    for label, view in views.items():
        columns[label] = {
            name: f"{value}\n{detail}" for name, value, detail in headline_texts(view)
        }
    return pd.DataFrame(columns)
