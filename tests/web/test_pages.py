"""The public pages, on the bundled seed (real UNTC status as at 2026-02-03)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

STATUS_DATE = "2026-02-03"


def _text(response) -> str:
    return response.content.decode()


def test_home_shows_counts_and_source(client, seeded):
    response = client.get("/", {"as_of": STATUS_DATE})
    assert response.status_code == 200
    html = _text(response)
    mbt = re.search(r"Mine Ban Treaty</abbr></th>\s*<td class=\"num\">(\d+)</td>", html)
    ccm = re.search(
        r"Convention on Cluster Munitions</abbr></th>\s*<td class=\"num\">(\d+)</td>", html
    )
    assert mbt and mbt.group(1) == "162"
    assert ccm and ccm.group(1) == "112"
    assert "United Nations Treaty Collection, Chapter XXVI-5, status as at 2026-02-03" in html
    assert 'href="https://treaties.un.org/' in html
    assert '<time datetime="2026-02-03">3 February 2026</time>' in html
    assert reverse("web:country-list") in html
    assert "<caption>" in html and 'scope="col"' in html


def test_home_defaults_to_today(client, seeded):
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["as_of"].explicit is False


@pytest.mark.parametrize("bad", ["2019-13-45", "2019-02-30", "yesterday", "20190101"])
def test_bad_date_is_400_with_explanation(client, seeded, bad):
    response = client.get("/", {"as_of": bad})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in _text(response) or "does not exist" in _text(response)


def test_bad_date_on_country_page_is_400(client, seeded):
    assert client.get("/countries/AFG/", {"as_of": "2019-13-45"}).status_code == 400


def test_country_list_groups_by_region(client, seeded):
    response = client.get(reverse("web:country-list"), {"as_of": STATUS_DATE})
    assert response.status_code == 200
    html = _text(response)
    assert ">Afghanistan</a>" in html
    assert ">Kosovo</a>" in html
    assert 'href="/countries/AFG/?as_of=2026-02-03"' in html
    for region in ("Africa", "Americas", "Asia", "Europe", "Oceania"):
        assert f'<h2 id="region-{region.lower()}">{region}</h2>' in html
    assert "badge--state-party" in html and "badge--non-signatory" in html


def test_country_list_query_count(client, seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client.get("/countries/").status_code == 200


def test_country_page(client, seeded):
    response = client.get("/countries/AFG/", {"as_of": STATUS_DATE})
    assert response.status_code == 200
    html = _text(response)
    assert "<h1>Afghanistan</h1>" in html
    assert "State Party" in html
    assert '<time datetime="2002-09-11">11 September 2002</time>' in html
    assert "(accession)" in html
    assert '<time datetime="2003-03-01">1 March 2003</time>' in html
    assert "Art. 17(2)" in html  # the basis of entry into force, shown next to it
    assert '<table class="data obligations">' in html
    assert "Stockpile destruction" in html and "badge--ob-" in html
    assert "United Nations Treaty Collection, Chapter XXVI-5" in html


def test_country_page_query_count(client, seeded, django_assert_num_queries):
    # Country, treaties, events, extensions and facts (5), plus one query per research theme
    # shown on the profile (9), plus the published narrative sections (1) and the errata of
    # frozen editions (1): the count does not grow with the number of records or sections
    # (tests/web/test_narrative.py pins it with sections and errata).
    with django_assert_num_queries(16):
        assert client.get("/countries/AFG/").status_code == 200
    with django_assert_num_queries(16):
        assert client.get("/countries/UKR/").status_code == 200


def test_lower_case_code_redirects_permanently(client, seeded):
    response = client.get("/countries/afg/")
    assert response.status_code == 301
    assert response["Location"] == "/countries/AFG/"
    response = client.get("/countries/afg/", {"as_of": STATUS_DATE})
    assert response["Location"] == "/countries/AFG/?as_of=2026-02-03"


@pytest.mark.parametrize("path", ["/countries/ZZZ/", "/countries/zzz1/", "/nowhere/"])
def test_unknown_is_404_page(client, seeded, path):
    response = client.get(path, follow=True)
    assert response.status_code == 404
    assert "Page not found" in _text(response)


def test_withdrawn_state(client, seeded):
    response = client.get("/countries/EST/", {"as_of": STATUS_DATE})
    assert response.status_code == 200
    mbt = _text(response).split('id="treaty-mbt"', 1)[1].split("</section>", 1)[0]
    assert "badge--withdrawn" in mbt
    assert ">Withdrawn</span>" in mbt
    assert "Withdrawal effective" in mbt


def test_other_area_page(client, seeded):
    response = client.get("/countries/XKX/")
    assert response.status_code == 200
    assert "Kosovo" in _text(response)


def test_static_css_is_linked(client, seeded):
    assert "/static/web/monitor.css" in _text(client.get("/"))


def test_country_page_as_of_earlier_date(client, seeded):
    response = client.get("/countries/EST/", {"as_of": "2020-01-01"})
    mbt = _text(response).split('id="treaty-mbt"', 1)[1].split("</section>", 1)[0]
    assert ">State Party</span>" in mbt
    assert 'class="later"' in mbt  # the 2025 withdrawal is listed, marked as after the date


def test_server_error_page_renders_without_context(rf):
    from django.views.defaults import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_import_templates_download(client, db):
    from monitor.research.themes import THEMES

    response = client.get("/data/templates/casualties.csv")
    assert response.status_code == 200
    assert (
        response["Content-Disposition"] == 'attachment; filename="monitor-casualties-template.csv"'
    )
    assert response.content.decode().strip().split(",") == THEMES["casualties"].column_names
    response = client.get("/data/templates/support.xlsx")
    assert response.status_code == 200
    assert response.content[:2] == b"PK"
    assert client.get("/data/templates/nothing.csv").status_code == 404
    assert client.get("/data/templates/casualties.pdf").status_code == 404


def test_country_page_shows_cited_research_figures(client, seeded):
    html = client.get("/countries/UKR/").content.decode()
    assert "Research data" in html
    # Ukraine 2023 casualties from the bundled facts seed, with its citation and edition.
    assert "580" in html and "as published in Landmine Monitor 2024" in html
    assert "No data recorded." in html  # e.g. contamination: shown as no data, never estimated


def test_home_shows_global_figures_and_their_disagreements(client, seeded):
    html = client.get("/").content.decode()
    assert "Global figures" in html
    # 2020 casualties: 7,093 (Landmine Monitor 2024) and 7,073 (Landmine Monitor 2021).
    assert "7,093" in html and "7,073" in html
    assert "Sources disagree" in html
