"""Consolidated audit reports for people: Markdown, CSV and one self-contained HTML page.

All three are written from one AuditSummary (scanner.audit.summary), as are the SQLite history,
the CycloneDX inventory and the per-repository SARIF: the verdict first ("2 of 3 repositories use
TikTok"), then a repository x product matrix, a summary table with the same counts everywhere
(components, findings by level, accepted findings), and one section per repository listing its
components, those found only in tests, fixtures or examples apart.

The HTML page has no scripts and no external resources (charts are inline SVG), so it opens
offline, in a mail attachment or an air-gapped review, and has nothing to break in a browser.
"""

from __future__ import annotations

import csv
import html
import io
from collections import Counter
from collections.abc import Sequence

from scanner.audit.summary import VERDICT_TEXT, AuditComponent, AuditSummary, RepoSummary, locations, repo_anchor
from scanner.findings.components import product_title
from scanner.model import Finding
from scanner.rules.model import Rule

Trend = Sequence[tuple[int, str, dict[str, tuple[int | None, int]]]]  # run, started, repo -> (components, findings)

SUMMARY_COLUMNS = ("Repository", "Status", "Verdict", "Components", "In tests", "Findings", "Errors", "Warnings",
                   "Notes", "Accepted", "Files")
COMPONENT_COLUMNS = ("Product", "Place", "Evidence", "Level", "Findings", "Accepted", "Where", "Remarks")
CSV_COLUMNS = ("repository", "product", "place_kind", "place", "package", "tests", "evidence", "rule_id", "level",
               "category", "path", "line", "version", "accepted", "message")


def _status(repo: RepoSummary) -> str:
    return "ok" if repo.outcome.ok else f"failed: {repo.outcome.error or ''}"


def summary_cells(repo: RepoSummary) -> tuple[str, ...]:
    """The summary table's cells after the repository's name (Markdown and HTML show the same)."""
    levels = repo.levels()
    files = repo.result.stats.files_analyzed if repo.result else 0
    return (_status(repo), VERDICT_TEXT[repo.verdict], str(len(repo.components)), str(len(repo.in_tests)),
            str(len(repo.findings)), str(levels["error"]), str(levels["warning"]), str(levels["note"]),
            str(len(repo.accepted)), str(files))


def evidence_text(c: AuditComponent) -> str:
    """`declared (TT101), called (TT201)`: each evidence kind with the rules behind it."""
    by_kind: dict[str, set[str]] = {}
    shown = set(c.kinds)  # once: a package's component may hold thousands of entries
    for kind, f in c.entries:
        if kind in shown:
            by_kind.setdefault(kind, set()).add(f.rule_id)
    return ", ".join(f"{kind} ({', '.join(sorted(ids))})" for kind, ids in sorted(by_kind.items()))


def remarks(c: AuditComponent) -> str:
    notes = []
    if c.component.declared_unused:
        notes.append("declared, never used: remove it from the manifest")
    if c.component.used_undeclared:
        notes.append("used without a declaration (vendored or copied code)")
    if c.accepted and not c.findings:
        notes.append("accepted: " + "; ".join(sorted({f.suppressed or "" for f in c.accepted})))
    return "; ".join(notes)


def _where(c: AuditComponent) -> tuple[list[str], int]:
    return locations(c.findings or c.accepted)


def matrix_cell(repo: RepoSummary, product: str) -> str:
    """The evidence kinds of `product` in `repo` (`-` when absent), how many places when more than
    one; `(tests)` when only in tests, `(accepted)` when every finding was accepted."""
    mine = [c for c in repo.components if c.product == product]
    if not mine:
        return "-"
    kinds = sorted({k for c in mine for k in c.kinds})
    text = ", ".join(kinds) + (f" in {len(mine)} places" if len(mine) > 1 else "")
    if all(c.tests for c in mine):
        text += " (tests)"
    elif not any(c.findings for c in mine):
        text += " (accepted)"
    return text


# --- Markdown


def _one_line(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ").replace("\r", " ")


def _md(text: str) -> str:
    """Text in a Markdown table cell: pipes escaped, no HTML, one line."""
    return _one_line(text.replace("\\", "\\\\").replace("<", "&lt;"))


def _md_code(text: str) -> str:
    """A code span in a Markdown table cell (GFM unescapes `\\|` inside it), one line."""
    fence = "``" if "`" in text else "`"
    return f"{fence} {_one_line(text)} {fence}" if len(fence) == 2 else f"`{_one_line(text)}`"


def _md_row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _md_components(title: str, comps: Sequence[AuditComponent]) -> list[str]:
    out = [f"**{title}**", "", _md_row(COMPONENT_COLUMNS), _md_row(["---"] * len(COMPONENT_COLUMNS))]
    for c in comps:
        shown, more = _where(c)
        where = "<br>".join(_md_code(w) for w in shown) + (f"<br>and {more} more" if more else "")
        place = _md_code(c.component.place.label) if c.component.place.root else c.component.place.label
        out.append(_md_row([_md(product_title(c.product)), f"{place} ({c.place_kind})", _md(evidence_text(c)),
                            c.level.value, str(len(c.findings)), str(len(c.accepted)), where, _md(remarks(c))]))
    return [*out, ""]


def markdown_report(summary: AuditSummary, trend: Trend = ()) -> str:
    out = [f"# {_md(summary.title)}", "", f"**{summary.verdict_line()}**", "",
           f"Run {summary.run_id}, started {summary.started_utc} (UTC), tiktok-scan {summary.tool_version}, "
           f"signature packs: {', '.join(summary.packs) or '-'}.", "",
           "## Summary", "", _md_row(SUMMARY_COLUMNS), _md_row(["---"] * len(SUMMARY_COLUMNS))]
    for repo in summary.repos:
        out.append(_md_row([f"[{_md(repo.name)}](#{repo_anchor(repo.name)})",
                            *(_md(cell) for cell in summary_cells(repo))]))
    products = summary.products
    if products:
        out += ["", "## Repositories and TikTok components", "",
                _md_row(["Repository", *(_md(product_title(p)) for p in products)]),
                _md_row(["---"] * (len(products) + 1))]
        for repo in summary.repos:
            out.append(_md_row([f"[{_md(repo.name)}](#{repo_anchor(repo.name)})",
                                *(matrix_cell(repo, p) for p in products)]))
    if len(trend) > 1:
        out += ["", "## Trend (components / findings per repository, by run)", "",
                _md_row(["Repository", *(f"run {r} ({s[:10]})" for r, s, _ in trend)]),
                _md_row(["---"] * (len(trend) + 1))]
        for name, cells in _trend_rows(summary, trend):
            out.append(_md_row([_md(name), *cells]))
    for repo in summary.repos:
        out += ["", f'<a id="{repo_anchor(repo.name)}"></a>', "", f"## {_md(repo.name)}", "",
                f"{_md_code(repo.outcome.repo.path)} ({repo.outcome.repo.kind}): {VERDICT_TEXT[repo.verdict]}.", ""]
        if not repo.outcome.ok:
            out.append(f"Could not be scanned: {_md(repo.outcome.error or '')}")
            continue
        if repo.code:
            out += _md_components("Components", repo.code)
        if repo.in_tests:
            out += _md_components("In tests, fixtures and examples", repo.in_tests)
        if repo.accepted:
            out.append(f"{len(repo.accepted)} accepted finding(s): matched by the audit's allowlist, not counted as "
                       "findings.")
    return "\n".join(out) + "\n"


def _trend_rows(summary: AuditSummary, trend: Trend) -> list[tuple[str, list[str]]]:
    names = sorted({n for _, _, counts in trend for n in counts} | {r.name for r in summary.repos})
    rows = []
    for name in names:
        cells = []
        for _, _, counts in trend:
            comps, found = counts.get(name, (0, 0))
            cells.append(f"{'-' if comps is None else comps} / {found}")
        rows.append((name, cells))
    return rows


# --- CSV


def csv_report(summary: AuditSummary, rules: dict[str, Rule]) -> str:
    """One row per finding (accepted ones with the allowlist's reason in `accepted`), with its component."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for repo in summary.repos:
        for c in repo.components:
            for kind, f in c.entries:
                writer.writerow(_csv_row(repo.name, f, rules, c.product, c.place_kind, c.place, c.package,
                                         "yes" if c.tests else "no", kind))
        for f in repo.loose:
            writer.writerow(_csv_row(repo.name, f, rules, "", "", "", "", "no", ""))
    return buf.getvalue()


def _csv_row(repo: str, f: Finding, rules: dict[str, Rule], *component: str) -> list[object]:
    rule = rules.get(f.rule_id)
    return [repo, *component, f.rule_id, f.level.value, rule.category if rule else "", f.location.display_path,
            f.location.start_line, f.package.version if f.package and f.package.version else "", f.suppressed or "",
            f.message]


# --- HTML

_PALETTE = ("#c0392b", "#d35400", "#2980b9", "#16a085", "#8e44ad", "#2c3e50", "#7f8c8d", "#27ae60")


def svg_bar_chart(title: str, counts: dict[str, int], chart_id: str) -> str:
    """A horizontal bar chart as inline SVG (no script, no external resource)."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
    width, bar_h, label_w = 600, 22, 260
    height = 30 + bar_h * max(len(items), 1)
    peak = max((v for _, v in items), default=1) or 1
    parts = [f'<figure class="chart" id="{chart_id}"><figcaption>{html.escape(title)}</figcaption>',
             f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img" '
             f'aria-label="{html.escape(title)}">']
    if not items:
        parts.append('<text x="4" y="20">nothing found</text>')
    for i, (label, value) in enumerate(items):
        y = 10 + i * bar_h
        w = int((width - label_w - 60) * value / peak)
        color = _PALETTE[i % len(_PALETTE)]
        short = label if len(label) <= 36 else label[:35] + "\u2026"
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end"><title>{html.escape(label)}</title>'
                     f'{html.escape(short)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{max(w, 1)}" height="{bar_h - 6}" fill="{color}"/>'
                     f'<text x="{label_w + w + 6}" y="{y + 15}">{value}</text>')
    parts.append("</svg></figure>")
    return "".join(parts)


# Long identifiers (paths in node_modules, purls, minified hosts) wrap anywhere instead of widening
# the page: `overflow-wrap: anywhere` on them also lowers their cell's min-content width, so tables
# shrink to the window; words elsewhere wrap between words only.
_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}h3{font-size:15px}
.verdict{font-size:17px;font-weight:600;margin:8px 0}.meta{color:#555}
table{border-collapse:collapse;margin:8px 0 16px;width:100%}th,td{border:1px solid #ddd;padding:4px 8px;
text-align:left;vertical-align:top;overflow-wrap:break-word}th{background:#f4f4f4}
code,.id{overflow-wrap:anywhere;word-break:normal}
.error{color:#c0392b;font-weight:600}.warning{color:#d35400;font-weight:600}.note{color:#2980b9}
.charts{display:flex;flex-wrap:wrap;gap:24px}figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}
svg text{font-size:12px}code{font-size:12px}.failed{background:#fdecea}.absent{color:#aaa}
.tests{color:#666;font-style:italic}.uses{font-weight:600}
"""


def _place_html(c: AuditComponent) -> str:
    """A directory or file as code (it may wrap anywhere); the repository itself as words."""
    label = html.escape(c.component.place.label)
    return f"<code>{label}</code>" if c.component.place.root else label


def _html_components(table_class: str, repo: RepoSummary, comps: Sequence[AuditComponent]) -> str:
    esc = html.escape
    rows = [f'<table class="{table_class}" data-repo="{esc(repo.name)}"><thead><tr>'
            + "".join(f"<th>{c}</th>" for c in COMPONENT_COLUMNS) + "</tr></thead><tbody>"]
    for c in comps:
        shown, more = _where(c)
        where = "<br>".join(f"<code>{esc(w)}</code>" for w in shown) + (f"<br>and {more} more" if more else "")
        rows.append(f'<tr data-product="{esc(c.product)}"><td>{esc(product_title(c.product))}</td>'
                    f"<td>{_place_html(c)} ({esc(c.place_kind)})</td><td>{esc(evidence_text(c))}</td>"
                    f'<td class="{c.level.value}">{c.level.value}</td><td>{len(c.findings)}</td>'
                    f"<td>{len(c.accepted)}</td><td>{where}</td><td>{esc(remarks(c))}</td></tr>")
    rows.append("</tbody></table>")
    return "".join(rows)


def html_report(summary: AuditSummary, trend: Trend = ()) -> str:
    esc = html.escape
    by_product: Counter[str] = Counter()
    by_repo: Counter[str] = Counter()
    by_kind: Counter[str] = Counter()
    for repo in summary.repos:
        by_repo[repo.name] = len(repo.findings)
        for c in repo.components:
            by_product[product_title(c.product)] += 1
            for kind in c.kinds:
                by_kind[kind] += 1
    body = [f"<h1>{esc(summary.title)}</h1>", f'<p class="verdict" id="verdict">{esc(summary.verdict_line())}</p>',
            f'<p class="meta" id="run">Run {summary.run_id}, started <time datetime="{esc(summary.started_utc)}">'
            f"{esc(summary.started_utc)}</time> (UTC), "
            f"tiktok-scan {esc(summary.tool_version)}, signature packs: {esc(', '.join(summary.packs) or '-')}.</p>",
            '<table id="summary"><thead><tr>' + "".join(f"<th>{c}</th>" for c in SUMMARY_COLUMNS)
            + "</tr></thead><tbody>"]
    for repo in summary.repos:
        cls = ' class="failed"' if not repo.outcome.ok else ""
        body.append(f'<tr data-repo="{esc(repo.name)}"{cls}><td><a href="#{repo_anchor(repo.name)}">'
                    f"{esc(repo.name)}</a></td>" + "".join(f"<td>{esc(cell)}</td>" for cell in summary_cells(repo))
                    + "</tr>")
    body.append("</tbody></table>")
    products = summary.products
    if products:
        body.append('<h2 id="matrix">Repositories and TikTok components</h2><table id="components-matrix"><thead>'
                    "<tr><th>Repository</th>" + "".join(f'<th data-product="{esc(p)}">{esc(product_title(p))}</th>'
                                                        for p in products) + "</tr></thead><tbody>")
        for repo in summary.repos:
            cells = []
            for p in products:
                text = matrix_cell(repo, p)
                cls = "absent" if text == "-" else "tests" if text.endswith("(tests)") else "uses"
                cells.append(f'<td class="{cls}" data-product="{esc(p)}">{esc(text)}</td>')
            body.append(f'<tr data-repo="{esc(repo.name)}"><td><a href="#{repo_anchor(repo.name)}">{esc(repo.name)}'
                        "</a></td>" + "".join(cells) + "</tr>")
        body.append("</tbody></table>")
    body.append('<div class="charts">' + svg_bar_chart("Components by product", dict(by_product), "by-product")
                + svg_bar_chart("Findings by repository", dict(by_repo), "by-repository")
                + svg_bar_chart("Components by evidence", dict(by_kind), "by-evidence") + "</div>")
    if len(trend) > 1:
        body.append('<h2>Trend (components / findings per repository, by run)</h2><table id="trend"><thead><tr>'
                    "<th>Repository</th>" + "".join(f"<th>run {r} ({esc(s[:10])})</th>" for r, s, _ in trend)
                    + "</tr></thead><tbody>")
        for name, cells in _trend_rows(summary, trend):
            body.append(f'<tr data-repo="{esc(name)}"><td>{esc(name)}</td>'
                        + "".join(f"<td>{esc(c)}</td>" for c in cells) + "</tr>")
        body.append("</tbody></table>")
    for repo in summary.repos:
        outcome = repo.outcome
        body.append(f'<section id="{repo_anchor(repo.name)}"><h2>{esc(repo.name)}</h2><p><code>'
                    f"{esc(outcome.repo.path)}</code> ({esc(outcome.repo.kind)}): {esc(VERDICT_TEXT[repo.verdict])}."
                    "</p>")
        if not outcome.ok:
            body.append(f"<p class=\"failed\">Could not be scanned: {esc(outcome.error or '')}</p></section>")
            continue
        if repo.code:
            body.append("<h3>Components</h3>" + _html_components("components", repo, repo.code))
        if repo.in_tests:
            body.append("<h3>In tests, fixtures and examples</h3>" + _html_components("tests", repo, repo.in_tests))
        if repo.accepted:
            body.append(f"<p>{len(repo.accepted)} accepted finding(s): matched by the audit's allowlist, not counted "
                        "as findings.</p>")
        body.append("</section>")
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{esc(summary.title)}</title><style>{_CSS}</style></head><body>" + "\n".join(body)
            + "</body></html>\n")
