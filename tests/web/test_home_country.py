"""Home headline figures and the country page additions."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db


def _cards(html: str) -> str:
    return html.split('id="headlines-heading"', 1)[1].split("</section>", 1)[0]


def test_home_headline_cards(client, seeded):
    response = client.get("/", {"as_of": "2026-02-03"})
    assert response.status_code == 200
    cards = _cards(response.content.decode())
    assert re.search(
        r"States Parties to the Mine Ban Treaty</a></h3>\s*<p class=\"card-value\">162<", cards
    )
    assert re.search(
        r"States Parties to the Convention on Cluster Munitions</a></h3>\s*"
        r"<p class=\"card-value\">112<",
        cards,
    )
    assert "5,757" in cards and "in 2023, worldwide" in cards  # casualties, LM2024
    assert "497.34" in cards and "in 2022" in cards  # land released, LM2023
    assert "913,500,000" in cards  # support total 2022
    assert 'href="https://www.the-monitor.org/en-gb/reports/2023/' in cards
    assert 'href="/themes/contamination/"' in cards
    # Kept: the treaty table, global figures and import templates.
    html = response.content.decode()
    assert "Global figures" in html and "Import templates" in html


def test_home_contamination_count(client, seeded):
    from monitor.research.models import Contamination

    expected = (
        Contamination.objects.filter(
            country__isnull=False, device_class="antipersonnel_mines", area_km2__gt=0
        )
        .values("country")
        .distinct()
        .count()
    )
    cards = _cards(client.get("/").content.decode())
    block = cards.split("antipersonnel mine contamination recorded", 1)[1]
    assert re.search(rf'<p class="card-value">{expected}<', block)


def test_home_query_count(client, seeded, django_assert_num_queries):
    # Treaty overview (9), global figures (9), headline figures (4), two status maps (3 each).
    with django_assert_num_queries(28):
        assert client.get("/").status_code == 200


def test_country_obligation_badges(client, seeded):
    html = client.get("/countries/AFG/", {"as_of": "2026-02-03"}).content.decode()
    mbt = html.split('id="treaty-mbt"', 1)[1].split("</section>", 1)[0]
    # MBT Art. 5 clearance, extended to 1 March 2025, not completed: overdue, with the reason.
    assert "badge--ob-overdue" in mbt and ">overdue</span>" in mbt
    assert "known to apply and no completion recorded" in mbt
    assert ">on track</span>" in mbt  # the next annual report
    assert ">no data</span>" in mbt  # the initial report: nothing on record


def test_country_charts_with_tables(client, seeded):
    html = client.get("/countries/KHM/").content.decode()
    assert 'class="data chart-table"' not in html or "<caption>" in html
    html = client.get("/countries/HRV/").content.decode()
    # Croatia: land release cleared in 2018 and 2019 -> a chart with its data table.
    assert 'aria-labelledby="chart-land_release-title"' in html
    table = html.split('aria-labelledby="chart-land_release-title"', 1)[1].split("</figure>", 1)[0]
    assert '<th scope="row">2018</th>' in table and "49.01" in table and "39.16" in table
    assert "Clearing the Mines 2020" in table


def test_country_editions_and_downloads(client, seeded):
    html = client.get("/countries/KHM/").content.decode()
    assert '<label for="edition">' in html
    assert '<option value="Landmine Monitor 2016 country profile">' in html
    assert 'href="/countries/KHM/data.csv"' in html
    assert 'href="/countries/KHM/data.xlsx"' in html and 'href="/countries/KHM/data.json"' in html
    assert "last updated" in html and "as at <time" in html
    older = client.get("/countries/KHM/", {"edition": "Clearing the Mines 2019"})
    assert older.status_code == 200
    text = older.content.decode()
    assert "as published in Clearing the Mines 2019" in text
    assert "as published in Landmine Monitor 2016 country profile" not in text


def test_country_unknown_edition_is_400(client, seeded):
    assert client.get("/countries/KHM/", {"edition": "Landmine Monitor 1900"}).status_code == 400


def test_country_page_query_count(client, seeded, django_assert_num_queries):
    # 14, plus the narrative profile sections (1) and the errata of frozen editions (1).
    for path in ("/countries/AFG/", "/countries/KHM/?edition=Clearing+the+Mines+2019"):
        with django_assert_num_queries(16):
            assert client.get(path).status_code == 200
