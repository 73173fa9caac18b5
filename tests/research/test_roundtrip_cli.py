"""A single-theme export goes straight back in with `monitor import` (its edition column).

Values here are test data written by the test, not Monitor figures.
"""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from monitor.countries.models import Country
from monitor.countries.services import country_seed
from monitor.research.models import LandRelease
from monitor.research.services import edition_get_or_create, record_upsert, source_get_or_create
from monitor.research.themes import THEMES, check_released_is_sum

pytestmark = pytest.mark.django_db


def test_released_printed_with_fewer_decimals_survives_storage():
    parts = {
        "cancelled_km2": Decimal("70.38"),
        "reduced_km2": Decimal("30.11"),
        "cleared_km2": Decimal("46.47"),
    }
    assert check_released_is_sum({**parts, "released_km2": Decimal("147")}) == []
    # As stored with 2 decimals and read back:
    assert check_released_is_sum({**parts, "released_km2": Decimal("147.00")}) == []
    assert check_released_is_sum({**parts, "released_km2": Decimal("146.90")}) != []
    assert check_released_is_sum({**parts, "released_km2": Decimal("146")}) != []


def test_exported_theme_file_reimports_with_its_edition_column(tmp_path):
    country_seed()
    src, _ = source_get_or_create(title="Test source", url="https://example.org/t", key="test-src")
    for name, released in (("Test Edition 2016", "147"), ("Test Edition 2017", "147.5")):
        edition, _ = edition_get_or_create(name=name)
        record_upsert(
            theme=THEMES["land_release"],
            values={
                "country": Country.objects.get(iso3="KHM"),
                "data_year": 2015,
                "edition": edition,
                "source": src,
                "hazard": "mines",
                "cancelled_km2": Decimal("70.38"),
                "reduced_km2": Decimal("30.11"),
                "cleared_km2": Decimal("46.47") if released == "147" else Decimal("47.01"),
                "released_km2": Decimal(released),
            },
        )
    out = tmp_path / "land_release.csv"
    call_command("export", "--format", "csv", "--theme", "land_release", str(out))
    first = out.read_text(encoding="utf-8")
    assert "edition" in first.splitlines()[0]
    LandRelease.objects.all().delete()
    call_command("import", "land_release", str(out))
    assert LandRelease.objects.count() == 2
    call_command("export", "--format", "csv", "--theme", "land_release", str(out))
    assert out.read_text(encoding="utf-8") == first
    # --edition must agree with the column.
    with pytest.raises(CommandError) as exc:
        call_command("import", "land_release", str(out), "--edition", "Another edition")
    assert exc.value.returncode == 2
