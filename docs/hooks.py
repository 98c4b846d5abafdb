"""MkDocs hook: fill the generated parts of the docs site at build time.

The pages hold their own text; markers in a page, each alone on a line, are replaced by
what the code generates:

- ``<!-- generated: parameters -->``: the parameter reference, from scalesim/model/parameters.py.
- ``<!-- generated: cli -->``: every command's ``--help``, from the argparse parsers.
- ``<!-- generated: packs -->``: the shipped scenarios and reproduction packs.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"^<!-- generated: (.+?) -->$", re.M)


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
    return MARKER.sub(lambda match: generated(match.group(1).strip()), markdown)
