"""Figures: every edition's and source's value kept, one headline, disagreements shown.

The records here are test data made in the test, not Monitor figures.
"""

from decimal import Decimal

import pytest

from monitor.countries.models import Country
from monitor.countries.services import country_seed
from monitor.research.selectors import country_research, global_research, theme_figures
from monitor.research.services import edition_get_or_create, record_upsert, source_get_or_create
from monitor.research.themes import THEMES

pytestmark = pytest.mark.django_db


@pytest.fixture
def data():
    country_seed()
    older, _ = edition_get_or_create(name="Test Edition 2017")
    newer, _ = edition_get_or_create(name="Test Edition 2018")
    src_a, _ = source_get_or_create(title="Test source A", url="https://example.org/a")
    src_b, _ = source_get_or_create(title="Test source B", url="https://example.org/b")
    return older, newer, src_a, src_b


def _casualties(country, year, edition, source, total, **extra):
    country = Country.objects.get(iso3=country) if country else None
    values = {
        "country": country,
        "data_year": year,
        "edition": edition,
        "source": source,
        "scope": "mines_erw",
        "total": total,
        **extra,
    }
    return record_upsert(theme=THEMES["casualties"], values=values)


def test_a_revised_figure_keeps_the_earlier_edition_and_headlines_the_latest(data):
    older, newer, src_a, _ = data
    _casualties(None, 2016, older, src_a, 100)
    _casualties(None, 2016, newer, src_a, 110)
    [figure] = theme_figures("casualties", global_only=True)
    assert figure.headline.as_dict()["total"] == 110
    assert figure.headline.edition == newer
    assert [o.as_dict()["total"] for o in figure.others] == [100]
    assert figure.disagreement
    assert figure.why_headline == "latest edition"


def test_preferred_value_wins_with_its_reason(data):
    older, newer, src_a, src_b = data
    _casualties(None, 2016, newer, src_a, 110)
    _casualties(None, 2016, newer, src_b, 120, preferred=True, preferred_reason="official data")
    [figure] = theme_figures("casualties", global_only=True)
    assert figure.headline.as_dict()["total"] == 120
    assert figure.why_headline == "official data"


def test_agreeing_values_are_not_flagged(data):
    older, newer, src_a, src_b = data
    _casualties(None, 2017, newer, src_a, 50)
    _casualties(None, 2017, newer, src_b, 50)
    [figure] = theme_figures("casualties", global_only=True)
    assert not figure.disagreement


def test_country_and_global_figures_are_kept_apart(data):
    older, newer, src_a, _ = data
    _casualties("AFG", 2016, newer, src_a, 7)
    _casualties(None, 2016, newer, src_a, 9)
    afg = country_research(iso3="AFG")
    assert [f.headline.as_dict()["total"] for f in afg["casualties"]] == [7]
    assert afg["contamination"] == []
    assert [f.headline.as_dict()["total"] for f in global_research()["casualties"]] == [9]


def test_figures_by_key_and_year(data):
    older, newer, src_a, _ = data
    for device, area in (("antipersonnel_mines", "12.50"), ("cluster_munition_remnants", "3.00")):
        record_upsert(
            theme=THEMES["contamination"],
            values={
                "country": Country.objects.get(iso3="AFG"),
                "data_year": 2020,
                "edition": newer,
                "source": src_a,
                "device_class": device,
                "area_km2": Decimal(area),
                "estimate_quality": "unspecified",
            },
        )
    figures = theme_figures("contamination", iso3="AFG")
    assert {dict(f.key)["device_class"]: f.headline.as_dict()["area_km2"] for f in figures} == {
        "antipersonnel_mines": Decimal("12.50"),
        "cluster_munition_remnants": Decimal("3.00"),
    }
