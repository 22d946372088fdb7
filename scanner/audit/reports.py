"""Consolidated audit reports for people: Markdown, CSV and one self-contained HTML page.

The HTML page has no scripts and no external resources (charts are inline SVG), so it opens
offline, in a mail attachment or an air-gapped review, and has nothing to break in a browser.
"""

from __future__ import annotations

import csv
import html
import io
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from scanner.audit.run import RepoOutcome
from scanner.audit.store import component_of, ecosystem_of
from scanner.model import Level
from scanner.rules.model import Rule


@dataclass
class ComponentRow:
    """One TikTok/affiliate component in one repository, aggregated over its findings."""

    repo: str
    rule_id: str
    title: str
    category: str
    level: str
    component: str
    ecosystem: str
    versions: set[str] = field(default_factory=set)
    evidence: list[str] = field(default_factory=list)
    count: int = 0


def component_rows(outcomes: Sequence[RepoOutcome], rules: dict[str, Rule]) -> list[ComponentRow]:
    rows: dict[tuple[str, str, str], ComponentRow] = {}
    for outcome in outcomes:
        if outcome.result is None:
            continue
        for f in outcome.result.findings:
            rule = rules.get(f.rule_id)
            key = (outcome.repo.name, f.rule_id, component_of(f))
            row = rows.get(key)
            if row is None:
                row = rows[key] = ComponentRow(
                    repo=outcome.repo.name, rule_id=f.rule_id, title=rule.title if rule else f.rule_id,
                    category=rule.category if rule else "", level=f.level.value, component=key[2],
                    ecosystem=ecosystem_of(f))
            if Level(f.level).rank > Level(row.level).rank:
                row.level = f.level.value
            if f.package is not None and f.package.version:
                row.versions.add(f.package.version)
            where = f.location.display_path + (f":{f.location.start_line}" if f.location.has_lines else "")
            if len(row.evidence) < 5:
                row.evidence.append(where)
            row.count += 1
    return sorted(rows.values(), key=lambda r: (r.repo, -Level(r.level).rank, r.rule_id, r.component))


def _level_counts(outcome: RepoOutcome) -> Counter[str]:
    return Counter(f.level.value for f in outcome.result.findings) if outcome.result else Counter()


def markdown_report(outcomes: Sequence[RepoOutcome], rules: dict[str, Rule], title: str) -> str:
    out = [f"# {title}", "", "| Repository | Status | Files | Errors | Warnings | Notes |", "|---|---|---|---|---|---|"]
    for o in outcomes:
        c = _level_counts(o)
        files = o.result.stats.files_analyzed if o.result else 0
        status = "ok" if o.ok else f"failed: {o.error}"
        out.append(f"| {o.repo.name} | {status} | {files} | {c['error']} | {c['warning']} | {c['note']} |")
    rows = component_rows(outcomes, rules)
    by_repo: dict[str, list[ComponentRow]] = defaultdict(list)
    for row in rows:
        by_repo[row.repo].append(row)
    for o in outcomes:
        out += ["", f"## {o.repo.name}", "", f"`{o.repo.path}` ({o.repo.kind})", ""]
        if not o.ok:
            out.append(f"Could not be scanned: {o.error}")
            continue
        if not by_repo[o.repo.name]:
            out.append("No TikTok or ByteDance use found.")
            continue
        out += ["| Level | Rule | Category | Component | Versions | Ecosystem | Findings | Evidence |",
                "|---|---|---|---|---|---|---|---|"]
        for r in by_repo[o.repo.name]:
            out.append(f"| {r.level} | {r.rule_id} {r.title} | {r.category} | `{r.component}` | "
                       f"{', '.join(sorted(r.versions)) or '-'} | {r.ecosystem} | {r.count} | "
                       f"{'<br>'.join(r.evidence)} |")
    return "\n".join(out) + "\n"


def csv_report(outcomes: Sequence[RepoOutcome], rules: dict[str, Rule]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["repository", "rule_id", "level", "category", "component", "version", "ecosystem", "path",
                     "line", "message"])
    for o in outcomes:
        if o.result is None:
            continue
        for f in o.result.findings:
            writer.writerow([o.repo.name, f.rule_id, f.level.value, rules[f.rule_id].category if f.rule_id in rules
                             else "", component_of(f), f.package.version if f.package and f.package.version else "",
                             ecosystem_of(f), f.location.display_path, f.location.start_line, f.message])
    return buf.getvalue()


_PALETTE = ("#c0392b", "#d35400", "#2980b9", "#16a085", "#8e44ad", "#2c3e50", "#7f8c8d", "#27ae60")


def svg_bar_chart(title: str, counts: dict[str, int], chart_id: str) -> str:
    """A horizontal bar chart as inline SVG (no script, no external resource)."""
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:15]
    width, bar_h, label_w = 520, 22, 200
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
        parts.append(f'<text x="{label_w - 6}" y="{y + 15}" text-anchor="end">{html.escape(label[:32])}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{max(w, 1)}" height="{bar_h - 6}" fill="{color}"/>'
                     f'<text x="{label_w + w + 6}" y="{y + 15}">{value}</text>')
    parts.append("</svg></figure>")
    return "".join(parts)


_CSS = """
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:24px;color:#222}
h1{font-size:22px}h2{font-size:18px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0 16px;width:100%}th,td{border:1px solid #ddd;padding:4px 8px;
text-align:left;vertical-align:top}th{background:#f4f4f4}.error{color:#c0392b;font-weight:600}
.warning{color:#d35400;font-weight:600}.note{color:#2980b9}.charts{display:flex;flex-wrap:wrap;gap:24px}
figure{margin:0}figcaption{font-weight:600;margin-bottom:4px}svg text{font-size:12px}code{font-size:12px}
.failed{background:#fdecea}
"""


def html_report(outcomes: Sequence[RepoOutcome], rules: dict[str, Rule], title: str,
                trend: Sequence[tuple[int, str, dict[str, int]]] = ()) -> str:
    esc = html.escape
    rows = component_rows(outcomes, rules)
    by_category: Counter[str] = Counter()
    by_repo: Counter[str] = Counter()
    by_eco: Counter[str] = Counter()
    for o in outcomes:
        if o.result is None:
            continue
        for f in o.result.findings:
            by_category[rules[f.rule_id].category if f.rule_id in rules else "?"] += 1
            by_repo[o.repo.name] += 1
            by_eco[ecosystem_of(f)] += 1
    body = [f"<h1>{esc(title)}</h1>",
            "<table id=\"summary\"><thead><tr><th>Repository</th><th>Status</th><th>Files</th><th>Errors</th>"
            "<th>Warnings</th><th>Notes</th></tr></thead><tbody>"]
    for o in outcomes:
        c = _level_counts(o)
        files = o.result.stats.files_analyzed if o.result else 0
        status = "ok" if o.ok else "failed: " + (o.error or "")
        cls = ' class="failed"' if not o.ok else ""
        body.append(f'<tr data-repo="{esc(o.repo.name)}"{cls}><td>{esc(o.repo.name)}</td><td>{esc(status)}</td>'
                    f"<td>{files}</td><td>{c['error']}</td><td>{c['warning']}</td><td>{c['note']}</td></tr>")
    body.append("</tbody></table>")
    body.append('<div class="charts">' + svg_bar_chart("Findings by category", dict(by_category), "by-category")
                + svg_bar_chart("Findings by repository", dict(by_repo), "by-repository")
                + svg_bar_chart("Findings by ecosystem", dict(by_eco), "by-ecosystem") + "</div>")
    if len(trend) > 1:
        body.append('<h2 id="trend">Trend (error and warning uses per repository, by run)</h2><table><thead><tr>'
                    "<th>Repository</th>" + "".join(f"<th>run {r} ({esc(s[:10])})</th>" for r, s, _ in trend)
                    + "</tr></thead><tbody>")
        names = sorted({n for _, _, counts in trend for n in counts} | {o.repo.name for o in outcomes})
        for name in names:
            body.append(f"<tr><td>{esc(name)}</td>" + "".join(f"<td>{counts.get(name, 0)}</td>"
                                                               for _, _, counts in trend) + "</tr>")
        body.append("</tbody></table>")
    grouped: dict[str, list[ComponentRow]] = defaultdict(list)
    for row in rows:
        grouped[row.repo].append(row)
    for o in outcomes:
        body.append(f'<h2 id="repo-{esc(o.repo.name)}">{esc(o.repo.name)}</h2><p><code>{esc(o.repo.path)}</code> '
                    f"({esc(o.repo.kind)})</p>")
        if not o.ok:
            body.append(f"<p class=\"failed\">Could not be scanned: {esc(o.error or '')}</p>")
            continue
        if not grouped[o.repo.name]:
            body.append("<p>No TikTok or ByteDance use found.</p>")
            continue
        body.append(f'<table class="components" data-repo="{esc(o.repo.name)}"><thead><tr><th>Level</th>'
                    "<th>Rule</th><th>Category</th><th>Component</th><th>Versions</th><th>Ecosystem</th>"
                    "<th>Findings</th><th>Evidence</th></tr></thead><tbody>")
        for r in grouped[o.repo.name]:
            body.append(f'<tr><td class="{r.level}">{r.level}</td><td>{esc(r.rule_id)} {esc(r.title)}</td>'
                        f"<td>{esc(r.category)}</td><td><code>{esc(r.component)}</code></td>"
                        f"<td>{esc(', '.join(sorted(r.versions)) or '-')}</td><td>{esc(r.ecosystem)}</td>"
                        f"<td>{r.count}</td><td>{'<br>'.join(esc(e) for e in r.evidence)}</td></tr>")
        body.append("</tbody></table>")
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{esc(title)}</title><style>{_CSS}</style></head><body>" + "\n".join(body) + "</body></html>\n")
