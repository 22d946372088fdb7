"""text/gtm-container: TikTok Pixel tags in Google Tag Manager container exports (JSON with
`exportFormatVersion` and `containerVersion.tag[]`), reported as `ttq.track` calls at the tag, with
the pixel id (`pixel_code`) in the evidence and the template as a related location.

A tag made from a Community Template Gallery template has the type `cvt_<containerId>_<templateId>`
of an entry of `containerVersion.customTemplate[]`; that entry names its gallery source
(`galleryReference`: TikTok's own is github.com/tiktok/gtm-template-pixel) and carries the template's
code (`templateData`). A template is the TikTok Pixel when it comes from TikTok's gallery repository
or its code calls `ttq` or loads the pixel from analytics.tiktok.com. Custom HTML tags (`type` "html")
hold the pixel snippet itself: its calls are token-matched inside the tag's `html` value.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from scanner.analyzers.interface import FileInput
from scanner.analyzers.lockfile._support.json import JsonDoc, load_json
from scanner.analyzers.source.languages import JAVASCRIPT
from scanner.model import Context, Fact, FactKind, Location, Related

# Bytes every export has near its start; files without them are not parsed.
EXPORT_MARKERS = (b'"exportFormatVersion"', b'"containerVersion"')
PIXEL_GALLERY_OWNERS = ("tiktok",)  # github.com/tiktok/gtm-template-pixel
PIXEL_CODE_MARKS = ("ttq", "analytics.tiktok.com/i18n/pixel")  # in a template's code (`templateData`)
PIXEL_ID_KEYS = ("pixel_code", "pixelId", "pixel_id")  # TikTok's template, then the third-party ones'


@dataclass(frozen=True)
class PixelTemplate:
    index: int  # in containerVersion.customTemplate[]
    name: str
    source: str  # where it came from, for the message


class GtmContainerAnalyzer:
    name: ClassVar[str] = "text/gtm-container"
    version: ClassVar[str] = "1.0.0"
    priority: ClassVar[int] = 10
    needs_candidates: ClassVar[bool] = True
    handles_long_lines: ClassVar[bool] = True

    def wants(self, path: str, is_text: bool) -> bool:
        return is_text and path.lower().endswith(".json")

    def analyze(self, file: FileInput) -> Iterator[Fact]:
        head = file.data[:4096]
        if not all(marker in head for marker in EXPORT_MARKERS):
            return
        doc = load_json(file.display_path, file.text)
        version = doc.data.get("containerVersion") if isinstance(doc.data, dict) else None
        if not isinstance(version, dict):
            return
        templates = _pixel_templates(version)
        html_values: list[tuple[tuple[int, int], tuple[int, int]]] = []
        for i, tag in enumerate(_items(version.get("tag"))):
            kind = tag.get("type")
            if not isinstance(kind, str):
                continue
            if kind in templates:
                yield self._template_tag(file, doc, i, tag, templates[kind])
            elif kind == "html":
                html_values.extend(_html_values(doc, i, tag))
        if html_values:
            yield from _calls_in(file, html_values, self.name)

    def _template_tag(self, file: FileInput, doc: JsonDoc, i: int, tag: dict[str, Any],
                      template: PixelTemplate) -> Fact:
        params = _parameters(tag)
        pixel = next((params[k] for k in PIXEL_ID_KEYS if params.get(k)), "")
        event = params.get("event", "")
        details = "".join(f"; {k} {v}" for k, v in (("pixel id", pixel), ("event", event)) if v)
        evidence = f"ttq.track by GTM tag {tag.get('name', '')!r} ({template.name} template{details})"
        where = _location(file, doc, ("containerVersion", "tag", i, "type"))
        related = _location(file, doc, ("containerVersion", "customTemplate", template.index, "name"))
        return Fact(FactKind.SYMBOL, "ttq.track", where, Context.CONFIG, self.name, evidence=evidence,
                    language=JAVASCRIPT.ecosystem,
                    related=(Related(related, f"the {template.name} template ({template.source})"),))


def _html_values(doc: JsonDoc, i: int, tag: dict[str, Any]) -> Iterator[tuple[tuple[int, int], tuple[int, int]]]:
    """(line, column) where each `html` parameter value of a Custom HTML tag starts and ends."""
    for j, param in enumerate(_items(tag.get("parameter"))):
        if param.get("key") != "html" or not isinstance(param.get("value"), str):
            continue
        start = doc.string("containerVersion", "tag", i, "parameter", j, "value")
        if start is not None:
            yield doc.lines.position(start), doc.lines.position(_string_end(doc.text, start))


def _calls_in(file: FileInput, spans: list[tuple[tuple[int, int], tuple[int, int]]], analyzer: str) -> Iterator[Fact]:
    """Calls and imports token-matched in the file (as in a minified bundle), kept inside `spans`."""
    from scanner.analyzers.source.minified import token_facts

    for fact in token_facts(file, JAVASCRIPT, analyzer):
        at = (fact.location.start_line, fact.location.start_column)
        if any(lo <= at < hi for lo, hi in spans):
            yield fact


def _items(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _parameters(tag: dict[str, Any]) -> dict[str, str]:
    return {p["key"]: p["value"] for p in _items(tag.get("parameter"))
            if isinstance(p.get("key"), str) and isinstance(p.get("value"), str)}


def _pixel_templates(version: dict[str, Any]) -> dict[str, PixelTemplate]:
    """Tag type (`cvt_<containerId>_<templateId>`, `cvt_<galleryTemplateId>`) -> the TikTok Pixel template."""
    out: dict[str, PixelTemplate] = {}
    for index, template in enumerate(_items(version.get("customTemplate"))):
        reference = template.get("galleryReference")
        gallery: dict[str, Any] = reference if isinstance(reference, dict) else {}
        owner, repo = str(gallery.get("owner", "")), str(gallery.get("repository", ""))
        code = str(template.get("templateData", ""))
        if owner.lower() in PIXEL_GALLERY_OWNERS and "pixel" in repo.lower():
            source = f"Community Template Gallery: {gallery.get('host', 'github.com')}/{owner}/{repo}"
        elif any(mark in code for mark in PIXEL_CODE_MARKS):
            source = f"custom template, gallery {owner}/{repo}" if owner else "custom template"
        else:
            continue
        found = PixelTemplate(index, str(template.get("name", "TikTok Pixel")), source)
        container = template.get("containerId") or version.get("containerId")
        out[f"cvt_{container}_{template.get('templateId')}"] = found
        if gallery.get("galleryTemplateId"):
            out[f"cvt_{gallery['galleryTemplateId']}"] = found
    return out


def _location(file: FileInput, doc: JsonDoc, path: tuple[str | int, ...]) -> Location:
    start = doc.string(*path)
    if start is None:
        start = doc.key(*path) or 0
    end = _string_end(doc.text, start)
    (line, col), (end_line, end_col) = doc.lines.position(start), doc.lines.position(end)
    return Location(file.path, line, col, end_line, end_col, file.members)


def _string_end(text: str, start: int) -> int:
    """Offset just past the JSON string whose opening quote is at `start`."""
    i = start + 1
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == '"':
            return i + 1
        i += 1
    return len(text)
