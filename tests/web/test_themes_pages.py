"""Thematic overviews: global figures by year and the latest figures per country."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_theme_index(client, seeded):
    response = client.get("/themes/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in ("contamination", "land_release", "casualties", "support"):
        assert f'href="/themes/{name}/"' in html


@pytest.mark.parametrize("name", ["contamination", "land_release", "casualties", "support"])
def test_theme_pages(client, seeded, name, django_assert_num_queries):
    with django_assert_num_queries(2):
        response = client.get(f"/themes/{name}/")
    assert response.status_code == 200
    assert "<caption>" in response.content.decode()


def test_casualties_global_by_year_with_sources(client, seeded):
    html = client.get("/themes/casualties/").content.decode()
    section = html.split('id="global-heading"', 1)[1].split("</section>", 1)[0]
    assert '<th scope="row">2023</th>' in section and "5,757" in section
    assert "as published in Landmine Monitor 2024" in section
    # By country: latest data year for each, largest first, each with its source.
    countries = html.split('id="countries-heading"', 1)[1]
    assert (
        countries.index(">Myanmar</a>")
        < countries.index(">Syria")
        < countries.index(">Afghanistan</a>")
    )
    assert "1,003" in countries


def test_contamination_by_country(client, seeded):
    html = client.get("/themes/contamination/").content.decode()
    assert ">Angola</a>" in html and "68" in html
    assert "the-monitor.org" in html


def test_unknown_theme_is_404(client, seeded):
    assert client.get("/themes/nothing/").status_code == 404
    assert client.get("/themes/use/").status_code == 404
