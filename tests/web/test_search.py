"""The search page."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode()


def test_empty_query_shows_the_form(client, seeded):
    response = client.get("/search/")
    assert response.status_code == 200
    html = _text(response)
    assert '<label for="search-q">' in html
    assert 'id="search-q" name="q"' in html
    assert 'role="search"' in html
    assert "results-" not in html


def test_results_grouped_by_kind_with_links(client, seeded):
    response = client.get("/search/", {"q": "Ukraine"})
    assert response.status_code == 200
    html = _text(response)
    assert 'value="Ukraine"' in html
    assert '<h2 id="results-country">Countries and other areas</h2>' in html
    assert '<h2 id="results-source">Sources</h2>' in html
    assert '<a href="/countries/UKR/">Ukraine</a>' in html
    assert html.index("results-country") < html.index('id="results-source"')


def test_afghan_links_the_country(client, seeded):
    html = _text(client.get("/search/", {"q": "afghan"}))
    assert '<a href="/countries/AFG/">Afghanistan</a>' in html


def test_sources_are_found(client, seeded):
    response = client.get("/search/", {"q": "Landmine Monitor 2023"})
    groups = {g["kind"]: g["hits"] for g in response.context["groups"]}
    assert groups["source"]
    assert any("Landmine Monitor 2023" in h.title for h in groups["source"])


@pytest.mark.parametrize("q", ['"', "*", "AND(", "côte d'ivoire", "<script>", "' OR 1=1 --"])
def test_odd_queries(client, seeded, q):
    response = client.get("/search/", {"q": q})
    assert response.status_code == 200
    assert "<script>" not in _text(response)


def test_nothing_found(client, seeded):
    response = client.get("/search/", {"q": "zzzqqqxx"})
    assert response.status_code == 200
    assert "Nothing found" in _text(response)


def test_too_long_query_is_400(client, seeded):
    response = client.get("/search/", {"q": "a" * 201})
    assert response.status_code == 400
    assert "at most 200 characters" in _text(response)
    assert client.get("/search/", {"q": "a" * 200}).status_code == 200


def test_search_query_count(client, seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        assert client.get("/search/", {"q": "ukraine"}).status_code == 200
