"""MkDocs hook: fill the generated parts of the docs site at build time.

Markers in a page, each alone on a line:

- ``<!-- readme: HEADING -->``: the README section under ``## HEADING`` (or ``### HEADING``),
  its headings raised one level; the README stays the one place that text is written.
- ``<!-- generated: parameters -->``: the parameter reference, from scalesim/model/parameters.py.
- ``<!-- generated: cli -->``: every command's ``--help``, from the argparse parsers.
- ``<!-- generated: packs -->``: the shipped scenarios and reproduction packs.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^<!-- (readme|generated): (.+?) -->$", re.M)
#: Links in README text that point into the repository: shown as code on the site.
REPO_LINK = re.compile(r"\[([^\]]+)\]\((?!https?:|#|mailto:)([^)]+)\)")


def readme_section(heading: str) -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"^(#{{2,3}}) {re.escape(heading)}[^\n]*\n", text, flags=re.M)
    if match is None:
        raise KeyError(f"README.md has no section {heading!r}")
    level = len(match.group(1))
    rest = text[match.end() :]
    end = re.search(rf"^#{{2,{level}}} ", rest, flags=re.M)
    body = rest[: end.start()] if end else rest
    body = re.sub(r"^(#{3,6}) ", lambda m: m.group(1)[1:] + " ", body, flags=re.M)
    body = REPO_LINK.sub(lambda m: f"{m.group(1)} (`{m.group(2)}`)", body)
    return body.strip() + "\n"


def cli_reference() -> str:
    from scalesim.cli import build_parser, command_modules

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    out = ["```text", parser.format_help().rstrip(), "```", ""]
    for name in command_modules():
        out += [f"## scalesim {name}", "", "```text", sub.choices[name].format_help().rstrip()]
        out += ["```", ""]
    return "\n".join(out)


def packs() -> str:
    from scalesim.cli.list import _header
    from scalesim.scenario import catalog

    rows = ["| name | scenario | what it asks |", "|---|---|---|"]
    for name in catalog.names():
        _, path = catalog.catalog()[name]
        title, desc = _header(path)
        rows.append(f"| `{name}` | {title} | {desc.replace('|', '/')} |")
    return "\n".join(rows) + "\n"


def generated(what: str) -> str:
    if what == "parameters":
        from scalesim.present.docs import parameter_markdown

        return parameter_markdown() + "\n"
    if what == "cli":
        return cli_reference()
    if what == "packs":
        return packs()
    raise KeyError(f"no generated part {what!r}")


def on_page_markdown(markdown: str, **kwargs) -> str:
    def fill(match: re.Match) -> str:
        kind, arg = match.group(1), match.group(2).strip()
        return readme_section(arg) if kind == "readme" else generated(arg)

    return MARKER.sub(fill, markdown)
