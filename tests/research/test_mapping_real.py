"""The bundled Colombia mapping on the real data (../shared), CSV and XLSX."""

from __future__ import annotations

import csv
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

import pytest

from monitor.countries.models import Country
from monitor.research.importers.mapping import mapped_import
from monitor.research.mappings import bundled_mapping_path
from monitor.research.models import Edition, LandRelease, Source
from tests.shared import shared_path

pytestmark = [pytest.mark.shared, pytest.mark.django_db]

DIR = ("data", "raw", "colombia-desminado-2005-2014")
CSV_NAME = "anti-personnel-mines.csv"
XLSX_NAME = "Departamento_Administrativo_de_la_Presidencia.situaciondesminadohumanitario.xlsx"
MAPPING = bundled_mapping_path("colombia-desminado")
FIELDS = ("cleared_km2", "ap_mines_destroyed", "other_erw_destroyed", "improvised_destroyed")


@pytest.fixture
def colombia(db):
    return Country.objects.create(iso3="COL", name="Colombia")


@pytest.fixture
def csv_path():
    return shared_path(*DIR, CSV_NAME)


@pytest.fixture
def xlsx_path():
    return shared_path(*DIR, XLSX_NAME)


def independent_sums(path) -> dict[int, dict]:
    """Per-year sums straight from the CSV, with the csv module and exact decimals."""
    per_year: dict[int, dict] = defaultdict(
        lambda: {"area_m2": Decimal(0), "map": 0, "muse": 0, "aei": 0, "total": 0, "rows": 0}
    )
    with open(path, encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            y = per_year[int(row["ano"])]
            y["area_m2"] += Decimal(row["areadespejada"])
            y["map"] += int(row["map"])
            y["muse"] += int(row["muse"])
            y["aei"] += int(row["aei"])
            y["total"] += int(row["totalartefactosdestruidos"])
            y["rows"] += 1
    return dict(per_year)


def km2(area_m2: Decimal) -> Decimal:
    return (area_m2 / Decimal(1_000_000)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def stored(edition: str) -> dict[int, dict]:
    return {
        r.data_year: {f: getattr(r, f) for f in FIELDS} | {"hazard": r.hazard, "note": r.note}
        for r in LandRelease.objects.filter(edition__name=edition)
    }


def test_totals_match_source_md(colombia, csv_path):
    report = mapped_import(mapping_path=MAPPING, data_path=csv_path, edition="Test 2025")
    assert report.rows_read == report.rows_used == 333
    assert report.created == 10
    records = LandRelease.objects.filter(country=colombia)
    # SOURCE.md: 5,006 devices = 3,871 MAP + 494 MUSE + 641 AEI
    assert sum(r.ap_mines_destroyed for r in records) == 3871
    assert sum(r.other_erw_destroyed for r in records) == 494
    assert sum(r.improvised_destroyed for r in records) == 641
    assert (
        sum(r.ap_mines_destroyed + r.other_erw_destroyed + r.improvised_destroyed for r in records)
        == 5006
    )
    # about 2.17 km2 in all: the exact sum of the file, computed independently
    sums = independent_sums(csv_path)
    exact_m2 = sum((y["area_m2"] for y in sums.values()), Decimal(0))
    assert exact_m2 == Decimal("2170631.03")
    assert km2(exact_m2) == Decimal("2.17")
    assert sum(r.cleared_km2 for r in records) == km2(exact_m2)
    assert sum(y["total"] for y in sums.values()) == 5006


def test_one_record_per_year_equal_to_independent_sums(colombia, csv_path):
    mapped_import(mapping_path=MAPPING, data_path=csv_path, edition="Test 2025")
    sums = independent_sums(csv_path)
    assert sorted(sums) == list(range(2005, 2015))
    records = stored("Test 2025")
    assert sorted(records) == list(range(2005, 2015))
    assert LandRelease.objects.count() == 10
    for year, s in sums.items():
        r = records[year]
        assert r["cleared_km2"] == km2(s["area_m2"]), year  # rounded after summing
        assert r["ap_mines_destroyed"] == s["map"], year
        assert r["other_erw_destroyed"] == s["muse"], year
        assert r["improvised_destroyed"] == s["aei"], year
        assert r["hazard"] == "mines"
        assert f"aggregated from municipal records ({s['rows']} rows)" in r["note"]
        assert "covers operations reported in this data set only" in r["note"]
        assert "CC BY 4.0" in r["note"]
    source = Source.objects.get()
    assert source.title == "Situación desminado humanitario (2005–2014)"
    assert source.publisher == (
        "Departamento Administrativo de la Presidencia de la República (Colombia)"
    )
    assert "dsId=62235" in source.url
    assert set(LandRelease.objects.values_list("source", flat=True)) == {source.pk}


def test_csv_and_xlsx_give_identical_records(colombia, csv_path, xlsx_path):
    a = mapped_import(mapping_path=MAPPING, data_path=csv_path, edition="From CSV 2025")
    b = mapped_import(mapping_path=MAPPING, data_path=xlsx_path, edition="From XLSX 2025")
    assert a.rows_used == b.rows_used == 333
    assert [(r.data_year, r.rows, r.values) for r in a.records] == [
        (r.data_year, r.rows, r.values) for r in b.records
    ]
    assert stored("From CSV 2025") == stored("From XLSX 2025")
    # same edition: the XLSX finds every record of the CSV unchanged
    c = mapped_import(mapping_path=MAPPING, data_path=xlsx_path, edition="From CSV 2025")
    assert (c.created, c.updated, c.unchanged) == (0, 0, 10)


def test_reimport_changes_nothing(colombia, csv_path):
    mapped_import(mapping_path=MAPPING, data_path=csv_path, edition="Test 2025")
    before = list(LandRelease.objects.order_by("pk").values())
    again = mapped_import(mapping_path=MAPPING, data_path=csv_path, edition="Test 2025")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 10)
    assert not again.changed
    assert list(LandRelease.objects.order_by("pk").values()) == before
    assert Source.objects.count() == 1 and Edition.objects.count() == 1


def test_dry_run_writes_nothing(colombia, csv_path):
    report = mapped_import(
        mapping_path=MAPPING, data_path=csv_path, edition="Test 2025", dry_run=True
    )
    assert report.dry_run and report.created == 10
    assert report.source_created and report.edition_created
    assert LandRelease.objects.count() == 0
    assert Source.objects.count() == 0
    assert Edition.objects.count() == 0


def test_command_with_bundled_mapping_name(colombia, xlsx_path):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command(
        "import-mapped", "colombia-desminado", str(xlsx_path), edition="T 2025", stdout=out
    )
    text = out.getvalue()
    assert "land_release: add 10, update 0, 0 unchanged (333 of 333 rows" in text
    assert "add: COL 2014 hazard=mines" in text
    out = StringIO()
    call_command(
        "import-mapped", "colombia-desminado", str(xlsx_path), edition="T 2025", stdout=out
    )
    assert "nothing changed" in out.getvalue()
