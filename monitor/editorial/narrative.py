"""Narrative profile sections: Markdown with citations of stored sources, rendered safely.

A citation is written ``[@source-key]`` or ``[@source-key, p. 12]``; each becomes a numbered
footnote mark, and the section ends with its footnotes (the source's citation and link). The
same source cited twice keeps one number. Markdown is CommonMark with raw HTML disabled,
and the HTML is then cleaned with nh3 (an allow-list), so nothing a writer types can inject
script or markup. Pure functions: no database access; the caller passes the sources.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import nh3
from markdown_it import MarkdownIt

#: The sections of a Monitor country profile, in print order.
SECTIONS = (
    ("mine_ban_policy", "Mine Ban Policy"),
    ("cluster_munition_ban_policy", "Cluster Munition Ban Policy"),
    ("impact", "Impact"),
    ("addressing_the_impact", "Addressing the Impact"),
    ("support_for_mine_action", "Support for Mine Action"),
)

CITATION = re.compile(r"\[@([a-z0-9][a-z0-9_-]{0,79})(?:\s*,\s*([^\]\n]{1,100}))?\]")
_MARK = "\u2063FN{}\u2063"  # invisible separator: survives Markdown untouched
_MARK_RE = re.compile("\u2063FN(\\d+)\u2063")

ALLOWED_TAGS = {
    "p", "br", "hr", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li",
    "h3", "h4", "h5", "a", "sup", "section", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "sup": {"id", "class"},
    "li": {"id"},
    "ol": {"class"},
    "section": {"class"},
}
_md = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


@dataclass(frozen=True)
class SourceRef:
    key: str
    citation: str
    url: str = ""


@dataclass(frozen=True)
class Footnote:
    number: int
    key: str
    locator: str
    source: SourceRef | None


@dataclass(frozen=True)
class Rendered:
    html: str
    footnotes: tuple[Footnote, ...] = field(default=())

    @property
    def unknown_keys(self) -> list[str]:
        return sorted({f.key for f in self.footnotes if f.source is None})


def cited_keys(text: str) -> list[str]:
    """The source keys cited in `text`, in order of first citation."""
    return list(dict.fromkeys(m.group(1) for m in CITATION.finditer(text)))


def render(text: str, sources: Mapping[str, SourceRef], *, anchor: str = "fn") -> Rendered:
    """Markdown `text` as sanitised HTML with numbered footnotes for its citations.

    `sources` maps keys to what the footnote shows; a key missing from it still gets a
    footnote (marked unknown) and is listed in `Rendered.unknown_keys`, which a caller
    validating input reports as an error. `anchor` prefixes the footnote ids, so several
    sections can share a page.
    """
    numbers: dict[tuple[str, str], int] = {}
    notes: list[Footnote] = []

    def mark(m: re.Match) -> str:
        key, locator = m.group(1), (m.group(2) or "").strip()
        ident = (key, locator)
        if ident not in numbers:
            numbers[ident] = len(numbers) + 1
            notes.append(Footnote(numbers[ident], key, locator, sources.get(key)))
        return _MARK.format(numbers[ident])

    # The writer's text cannot contain a footnote mark of its own.
    text = (text or "").replace("\u2063", "")
    body = _md.render(CITATION.sub(mark, text))
    body = _MARK_RE.sub(
        lambda m: (
            f'<sup class="fnref" id="{anchor}-ref-{m.group(1)}">'
            f'<a href="#{anchor}-{m.group(1)}">{m.group(1)}</a></sup>'
        ),
        body,
    )
    if notes:
        items = []
        for note in notes:
            if note.source is None:
                text_html = f"Unknown source “{html.escape(note.key)}”"
            else:
                cite = html.escape(note.source.citation)
                if note.source.url:
                    url = html.escape(note.source.url, quote=True)
                    text_html = f'<a href="{url}">{cite}</a>'
                else:
                    text_html = cite
            if note.locator:
                text_html += f", {html.escape(note.locator)}"
            back = f' <a href="#{anchor}-ref-{note.number}" class="fnback">↩</a>'
            items.append(f'<li id="{anchor}-{note.number}">{text_html}.{back}</li>')
        body += f'<section class="footnotes"><ol class="footnotes">{"".join(items)}</ol></section>'
    clean = nh3.clean(
        body,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return Rendered(clean, tuple(notes))
