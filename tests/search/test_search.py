"""The search selector on the bundled seed; the same assertions on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from monitor.search.indexers import INDEXERS, Doc, indexer
from monitor.search.models import SearchDocument
from monitor.search.selectors import MAX_QUERY_LENGTH, SearchQueryError, search
from monitor.search.services import search_index_rebuild
from monitor.search.text import fold, snippet, terms, words

pytestmark = pytest.mark.django_db


def _titles(hits, kind=None):
    return [h.title for h in hits if kind is None or h.kind == kind]


def test_seed_builds_the_index(seeded):
    kinds = set(SearchDocument.objects.values_list("kind", flat=True))
    assert {"country", "source", "note"} <= kinds
    assert SearchDocument.objects.filter(kind="country", ref="AFG").exists()


def test_prefix_finds_afghanistan(seeded):
    hits = search(query="afghan")
    assert hits[0].kind == "country"
    assert hits[0].title == "Afghanistan"
    assert hits[0].url == "/countries/AFG/"


def test_case_and_accents_do_not_matter(seeded):
    for q in ("côte d'ivoire", "COTE D'IVOIRE", "cote d ivoire", "Côte"):
        assert "Côte d'Ivoire" in _titles(search(query=q), "country"), q


def test_other_spellings_and_codes(seeded):
    assert _titles(search(query="Burma"), "country")[0] == "Myanmar"
    assert _titles(search(query="ivory coast"), "country")[0] == "Côte d'Ivoire"
    assert _titles(search(query="UKR"), "country")[0] == "Ukraine"


def test_sources_by_title(seeded):
    hits = search(query="Landmine Monitor 2023")
    sources = _titles(hits, "source")
    assert sources, hits
    assert all("2023" in t for t in sources[:3])
    assert hits[0].kind == "source"
    assert all(h.rank >= hits[i + 1].rank for i, h in enumerate(hits[:-1]))


def test_country_ranks_first_for_its_name(seeded):
    hits = search(query="Ukraine")
    assert hits[0].kind == "country" and hits[0].title == "Ukraine"
    assert len({h.kind for h in hits}) > 1  # sources and notes about Ukraine follow


def test_research_notes_are_found(seeded):
    notes = [h for h in search(query="Ukraine") if h.kind == "note"]
    assert notes
    assert notes[0].url.startswith("/countries/UKR/#research-")
    assert notes[0].snippet


@pytest.mark.parametrize(
    "odd",
    [
        '"',
        "*",
        "AND(",
        "NOT",
        "OR",
        "NEAR(a b)",
        "a:b",
        "-x",
        "^",
        "'",
        "''",
        "\\",
        "%",
        "_",
        "(",
        ")",
        "a & b | !c",
        "ukr:*",
        "\x00",
        "   ",
        "",
        "🙂",
        "x" * MAX_QUERY_LENGTH,
        "col:title_terms ukraine",
        "title_terms:ukraine",
        "{title_terms}: ukraine",
        "'; DROP TABLE search_searchdocument; --",
    ],
)
def test_odd_input_never_fails(seeded, odd):
    hits = search(query=odd)
    assert isinstance(hits, list)
    assert SearchDocument.objects.exists()


def test_empty_and_symbol_only_queries_find_nothing(seeded):
    assert search(query="") == []
    assert search(query='" * ( )') == []


def test_too_long_query_is_an_error(seeded):
    with pytest.raises(SearchQueryError):
        search(query="x" * (MAX_QUERY_LENGTH + 1))


def test_limit(seeded):
    assert len(search(query="a", limit=3)) == 3


def test_all_words_must_match(seeded):
    assert search(query="Afghanistan Ukraine zzzqqq") == []


def test_rebuild_is_idempotent_and_command(seeded, capsys):
    before = SearchDocument.objects.count()
    counts = search_index_rebuild()
    assert sum(counts.values()) == before == SearchDocument.objects.count()
    call_command("search-index")
    assert "country: " in capsys.readouterr().out
    assert search(query="afghan")[0].title == "Afghanistan"


def test_new_document_kind_is_one_indexer(seeded):
    @indexer("profile", "Country profiles")
    def index_profiles():
        yield Doc(kind="profile", ref="AFG", title="Afghanistan profile", url="/p/", body="Xylo")

    try:
        search_index_rebuild()
        hits = search(query="xylo")
        assert [(h.kind, h.kind_label, h.url) for h in hits] == [
            ("profile", "Country profiles", "/p/")
        ]
    finally:
        INDEXERS.pop("profile")


def test_vendor_backend_in_use():
    assert connection.vendor in ("sqlite", "postgresql")


def test_text_helpers():
    assert fold("Côte d’Ivoire") == "côte d’ivoire".replace("ô", "o")
    assert words("Côte d'Ivoire, 2023_x") == ["cote", "d", "ivoire", "2023", "x"]
    assert terms("São Tomé", "Príncipe") == "sao tome principe"
    body = "word " * 100 + "Ukraine reported casualties. " + "word " * 100
    text = snippet(body, ["ukr"])
    assert "Ukraine" in text and text.startswith("…") and text.endswith("…")
    assert len(text) < 220
