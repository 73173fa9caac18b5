"""Narrative sections: numbered citations of stored sources, and HTML nobody can inject into."""

import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.editorial.narrative import SECTIONS, SourceRef, cited_keys, render

SOURCES = {
    "lm2024": SourceRef("lm2024", "Landmine Monitor 2024, ICBL-CMC, 2024-11", "https://x.org/lm"),
    "unmas": SourceRef("unmas", "UNMAS Afghanistan", ""),
}


def test_the_five_profile_sections_in_print_order():
    assert [label for _, label in SECTIONS] == [
        "Mine Ban Policy",
        "Cluster Munition Ban Policy",
        "Impact",
        "Addressing the Impact",
        "Support for Mine Action",
    ]


def test_citations_are_numbered_in_order_of_first_citation():
    out = render("Casualties rose [@unmas]. The Monitor agrees [@lm2024].", SOURCES)
    assert [(f.number, f.key) for f in out.footnotes] == [(1, "unmas"), (2, "lm2024")]
    assert out.html.index('href="#fn-1"') < out.html.index('href="#fn-2"')
    assert '<li id="fn-1">UNMAS Afghanistan.' in out.html
    assert '<a href="https://x.org/lm" rel="noopener noreferrer">Landmine Monitor 2024' in out.html


def test_the_same_source_cited_again_keeps_its_number():
    out = render("A [@lm2024]. B [@unmas]. C [@lm2024].", SOURCES)
    assert [f.key for f in out.footnotes] == ["lm2024", "unmas"]
    assert out.html.count('href="#fn-1"') == 2
    assert out.html.count("<li ") == 2


def test_a_locator_is_shown_and_makes_its_own_footnote():
    out = render("See [@lm2024, p. 12] and [@lm2024, p. 40] and [@lm2024].", SOURCES)
    assert [(f.number, f.locator) for f in out.footnotes] == [(1, "p. 12"), (2, "p. 40"), (3, "")]
    assert "Landmine Monitor 2024, ICBL-CMC, 2024-11</a>, p. 12." in out.html


def test_an_unknown_key_is_reported_and_marked():
    out = render("Figure [@nowhere] and [@lm2024].", SOURCES)
    assert out.unknown_keys == ["nowhere"]
    assert "Unknown source “nowhere”" in out.html


def test_cited_keys_in_order_without_repeats():
    assert cited_keys("[@b] [@a, p. 3] [@b] [not a citation] [@c]") == ["b", "a", "c"]


def test_footnote_anchors_can_be_prefixed_for_several_sections_on_a_page():
    out = render("X [@lm2024].", SOURCES, anchor="impact")
    assert 'id="impact-1"' in out.html and 'href="#impact-ref-1"' in out.html


def test_markdown_is_rendered():
    out = render("## Use\n\n**Bold** and *em*, a [link](https://example.org).\n\n- one\n- two", {})
    assert "<strong>Bold</strong>" in out.html
    assert '<a href="https://example.org" rel="noopener noreferrer">link</a>' in out.html
    assert "<li>one</li>" in out.html
    assert "<h2>" not in out.html  # only h3-h5 are allowed inside a section


def test_raw_html_is_escaped_not_rendered():
    out = render('<script>alert(1)</script> <img src=x onerror="alert(1)"> <b>b</b>', {})
    assert "<script" not in out.html
    assert "<img" not in out.html and "<b>" not in out.html
    assert "&lt;script&gt;" in out.html
    assert _unsafe(out.html) == []


def test_javascript_links_are_dropped():
    out = render("[click](javascript:alert(1)) [x](JaVaScRiPt:alert(1)) [d](data:text/html,hi)", {})
    assert _unsafe(out.html) == []
    assert "href" not in out.html


def test_a_source_url_cannot_inject_either():
    evil = {"k": SourceRef("k", 'Title"><script>x</script>', "javascript:alert(1)")}
    out = render("X [@k].", evil)
    assert "<script" not in out.html
    assert _unsafe(out.html) == []


def test_a_locator_cannot_inject():
    out = render("X [@lm2024, <img src=x onerror=alert(1)>].", SOURCES)
    assert "<img" not in out.html
    assert _unsafe(out.html) == []


def test_a_writer_cannot_forge_a_footnote_mark():
    out = render("fake \u2063FN7\u2063 mark", {})
    assert "fnref" not in out.html


class _Attributes(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "iframe", "object", "embed", "img", "svg", "form"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.found.append(f"{tag} {name}=")
            compact = re.sub(r"[\s\x00-\x1f]", "", value or "").lower()
            if compact.startswith(("javascript:", "vbscript:", "data:")):
                self.found.append(f"{tag} {name}={value}")

    handle_startendtag = handle_starttag


def _unsafe(html: str) -> list[str]:
    """Script tags, on* event attributes and script URLs in attributes."""
    parser = _Attributes()
    parser.feed(html)
    parser.close()
    return parser.found


_pieces = st.sampled_from(
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//x.js>",
        "<img src=x onerror=alert(1)>",
        '<a href="javascript:alert(1)">x</a>',
        "[x](javascript:alert(1))",
        "[x](java\tscript:alert(1))",
        "[x](&#106;avascript:alert(1))",
        "![i](javascript:alert(1))",
        "<svg onload=alert(1)>",
        '" onmouseover="alert(1)',
        "[@lm2024]",
        "[@unmas, p. 3]",
        "[@ghost]",
        "[@lm2024, <b onclick=x>]",
        "`code <script>`",
        "\n\n",
        "**bold**",
        "<!-- comment -->",
        "<iframe src=javascript:alert(1)>",
        "\u2063FN1\u2063",
    ]
)
_text = st.lists(st.one_of(_pieces, st.text(max_size=20)), max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(_text)
def test_no_text_produces_script_event_handlers_or_script_urls(text):
    out = render(text, SOURCES)
    assert "<script" not in out.html.lower()
    assert _unsafe(out.html) == []
    for note in out.footnotes:
        assert note.number >= 1


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_unicode_text_renders_safely(text):
    out = render(text, SOURCES)
    assert "<script" not in out.html.lower()
    assert _unsafe(out.html) == []
