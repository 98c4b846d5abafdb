"""The report's stylesheet (screen and A4 print)."""

STYLE = """
:root { --ink: #1d232a; --muted: #5b6570; --rule: #d5dbe1; --accent: #2f5d8a; --box: #f3f6f9; }
html { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink);
       -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0; line-height: 1.45; font-size: 15px; background: #fff; }
main.report { max-width: 980px; margin: 0 auto; padding: 2em 1.5em 4em; }
h1 { font-size: 1.9em; line-height: 1.2; margin: 0 0 .3em; color: var(--accent); }
h2 { font-size: 1.3em; margin: 1.6em 0 .5em; padding-bottom: .15em;
     border-bottom: 2px solid var(--rule); }
h3 { font-size: 1.05em; margin: 1.1em 0 .3em; }
p { margin: .45em 0; }
p.meta { color: var(--muted); margin: 0 0 .35em; }
.nowrap, span.num { white-space: nowrap; }
span.num { font-weight: 600; }
.executive-summary { background: var(--box); border-left: 4px solid var(--accent);
                     padding: .35em 1em; margin: .6em 0 .4em; }
.executive-summary p { margin: .45em 0; }
table.report-table { border-collapse: collapse; margin: .5em 0 .9em; width: 100%;
                     font-size: .85em; }
table.report-table caption { text-align: left; font-weight: 600; padding: .3em 0;
                             caption-side: top; }
table.report-table th, table.report-table td { border-bottom: 1px solid var(--rule);
  padding: .22em .45em; text-align: left; vertical-align: top; }
table.report-table th { background: #eef2f6; }
table.key-figures { table-layout: fixed; font-size: .92em; }
table.key-figures th:first-child, table.key-figures td:first-child { width: 22%; }
table.key-figures span.num { font-weight: 600; }
table.key-figures .range span.num, .range span.num { font-weight: 400; }
.range { color: var(--muted); font-size: .86em; }
p.table-note { color: var(--muted); font-size: .82em; margin-top: -.4em; }
table.assumptions { font-size: .74em; }
table.assumptions td:first-child { width: 52%; }
table.assumptions td:nth-child(2) { width: 30%; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: .9em; }
code.key { color: var(--muted); font-size: .85em; }
code.hash { font-size: .8em; word-break: break-all; }
table.scenarios { font-size: .72em; }
table.scenarios td:last-child { width: 40%; }
ol.notes { font-size: .72em; columns: 2; column-gap: 1.6em; padding-left: 1.6em; }
ol.notes li { break-inside: avoid; margin-bottom: .15em; }
figure.chart { margin: .4em 0 .6em; }
figure.chart svg { max-width: 100%; height: auto; display: block; }
.caption { color: var(--muted); font-size: .85em; margin: -.2em 0 .6em; }
footer { margin-top: 2em; color: var(--muted); font-size: .75em; }
@media print {
  body { font-size: 11px; }
  main.report { max-width: none; padding: 0; }
  .new-page { break-before: page; }
  h2, h3 { break-after: avoid; }
  figure.chart, tr, .executive-summary, table.key-figures, .keep { break-inside: avoid; }
}
@page { size: A4; margin: 13mm 14mm 14mm; }
"""
