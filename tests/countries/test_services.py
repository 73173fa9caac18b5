import dataclasses

import pytest

from monitor.countries.data import load_country_records
from monitor.countries.models import Country
from monitor.countries.selectors import country_get, country_list
from monitor.countries.services import country_seed

pytestmark = pytest.mark.django_db


def test_country_seed_is_idempotent():
    total = len(load_country_records())
    assert country_seed() == {"created": total, "updated": 0, "unchanged": 0}
    assert Country.objects.count() == total
    assert country_seed() == {"created": 0, "updated": 0, "unchanged": total}


def test_country_seed_updates_changed_fields():
    country_seed()
    Country.objects.filter(iso3="AFG").update(name="Wrong", region="")
    Country.objects.filter(iso3="XKX").delete()
    counts = country_seed()
    assert (counts["created"], counts["updated"]) == (1, 1)
    afg = Country.objects.get(iso3="AFG")
    assert (afg.name, afg.region) == ("Afghanistan", "Asia")


def test_country_seed_with_given_records():
    record = next(r for r in load_country_records() if r.iso3 == "CHL")
    assert country_seed(records=[record])["created"] == 1
    renamed = dataclasses.replace(record, note="test")
    assert country_seed(records=[renamed]) == {"created": 0, "updated": 1, "unchanged": 0}
    assert Country.objects.get(iso3="CHL").note == "test"


def test_selectors():
    country_seed()
    assert country_get(iso3="afg").name == "Afghanistan"
    assert country_get(iso3="XKX").kind == Country.Kind.OTHER_AREA
    with pytest.raises(Country.DoesNotExist):
        country_get(iso3="ZZZ")
    other = set(country_list(kind="other_area").values_list("iso3", flat=True))
    assert other == {"TWN", "ESH", "XKX", "XSL", "XNK"}
    assert country_list().count() == len(load_country_records())
    assert country_list().query.order_by == ("name",)
    with pytest.raises(ValueError):
        country_list(kind="planet")
