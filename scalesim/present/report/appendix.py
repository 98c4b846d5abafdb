"""The report's appendix: assumptions with their sources as numbered notes, and metadata.

The main scenario lists every assumption; each other scenario lists only those that differ
from the main one. A source is a numbered note under the table (the same text once, however
many assumptions cite it), so the table stays narrow. Metadata (files, samples, seeds,
SHA-256 of the resolved scenarios) come last.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from scalesim._version import __version__
from scalesim.model.parameters import spec_for
from scalesim.present import text
from scalesim.present.report.page import Html, join_html, table
from scalesim.scenario.loader import Scenario

#: Quantile probabilities of a prior's interval.
INTERVAL = (0.05, 0.95)
NOT_GIVEN = "not given in the scenario file"


def _declared(key: str, keys) -> str | None:
    """The key path of ``keys`` that declares ``key``: itself, or for a part of a schedule
    (``spending.growth.initial``) the parameter it belongs to."""
    parts = key.split(".")
    for n in range(len(parts), 0, -1):
        path = ".".join(parts[:n])
        if path in keys:
            return path
    return None


def _spec(key: str):
    spec = spec_for(key)
    if spec is None and "." in key:
        spec = spec_for(key.rsplit(".", 1)[0])  # a part of a schedule
    return spec


def kind_of(key: str) -> str | None:
    """``share`` for a dimensionless parameter between 0 and 1, ``growth`` for a multiplier
    per year, else None (see :func:`scalesim.present.text.human`)."""
    spec = _spec(key)
    if spec is None or spec.unit not in ("dimensionless", "1"):
        return None
    if spec.rate == "growth" and not key.endswith(".half_life"):
        return "growth"
    if spec.lower == 0 and spec.upper == 1:
        return "share"
    return None


def meaning(key: str) -> str:
    """What a parameter is, in words (plus the data source or the schedule part it is)."""
    spec = _spec(key)
    words = spec.description if spec else key.rsplit(".", 1)[-1].replace("_", " ")
    parts = key.split(".")
    if len(parts) == 4 and parts[:2] == ["data", "sources"]:
        words = f"{words.rstrip('.')} ({parts[2].replace('_', ' ')})."
    if spec is not None and spec.path != key and spec_for(key) is None:
        words = f"{words.rstrip('.')} (schedule: {parts[-1].replace('_', ' ')})."
    return words


def value_text(key: str, prior) -> str:
    """A prior in human units: the value when fixed, else the median and 90% interval."""
    unit = "year" if key.endswith(".half_life") else prior.unit
    kind = kind_of(key)
    if prior.is_fixed:
        return text.human(prior.args[0], unit, style="html", kind=kind)
    median = text.human(prior.ppf(0.5), unit, style="html", kind=kind)
    span = text.human_interval(
        prior.ppf(INTERVAL[0]), prior.ppf(INTERVAL[1]), unit, style="html", kind=kind
    )
    return f'{median}<br><span class="range">90%: {span}</span>'


def source_of(scenario: Scenario, key: str) -> tuple[str, bool]:
    """``(source text, set by the scenario)`` of one prior."""
    explicit = _declared(key, scenario.explicit) is not None
    cited = _declared(key, scenario.sources)
    if cited is not None:
        return scenario.sources[cited], explicit
    if explicit:
        return NOT_GIVEN, True
    spec = _spec(key)
    return (spec.source if spec else NOT_GIVEN), False


class Notes:
    """Numbered notes, one per distinct text, numbered in order of first use."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def cite(self, note: str) -> int:
        if note not in self.texts:
            self.texts.append(note)
        return self.texts.index(note) + 1

    def html(self) -> str:
        items = "".join(f"<li>{html.escape(t)}</li>" for t in self.texts)
        return f'<ol class="notes">{items}</ol>'


def assumptions(scenarios: Sequence[Scenario]) -> Html:
    """Assumption tables: every prior of the main scenario, then each other scenario's
    differences from it; sources as numbered notes after the last table."""
    notes = Notes()
    parts = []
    main = scenarios[0]
    for n, sc in enumerate(scenarios):
        keys = [
            k for k, p in sc.priors.items() if n == 0 or k not in main.priors or main.priors[k] != p
        ]
        rows = []
        for key in keys:
            prior = sc.priors[key]
            source, explicit = source_of(sc, key)
            mark = notes.cite(source)
            rows.append(
                [
                    f'{html.escape(meaning(key))}<br><code class="key">{html.escape(key)}</code>',
                    value_text(key, prior),
                    ("scenario" if explicit else "default") + f" <sup>[{mark}]</sup>",
                ]
            )
        if n == 0:
            title = f"{html.escape(sc.name)}: every assumption"
        else:
            title = f"{html.escape(sc.name)}: assumptions that differ from the main scenario"
        if not rows:
            parts.append(f"<p><strong>{title}</strong>: none.</p>")
            continue
        parts.append(
            table(["Assumption", "Value", "Set by, source"], rows, css="assumptions", caption=title)
        )
    parts.append("<h3>Sources of the assumptions</h3>" + notes.html())
    return join_html(parts)


def metadata(scenarios: Sequence[Scenario], summaries: Sequence[dict], date: str) -> Html:
    """Files, samples, seeds and SHA-256 of each resolved scenario; versions; the date."""
    rows = [
        [
            html.escape(sc.name),
            f"<code>{html.escape(str(s['scenario']['path']))}</code>",
            text.count(s["samples"]),
            html.escape(str(s["seed"])),
            f'<code class="hash">{html.escape(s["scenario"]["sha256"])}</code>',
        ]
        for sc, s in zip(scenarios, summaries, strict=True)
    ]
    first = summaries[0]
    about = (
        f"<p>Generated {html.escape(date)} by scalesim {__version__} (model version "
        f"{html.escape(str(first.get('model_version', '')))}); quantiles by "
        f"{html.escape(str(first.get('quantile_method', '')))}. The same scenario files, "
        "samples and seeds give the same numbers on any machine.</p>"
    )
    return join_html(
        [
            about,
            table(
                ["Scenario", "File", "Samples", "Seed", "SHA-256 of the resolved scenario"],
                rows,
                css="scenarios",
            ),
        ]
    )
