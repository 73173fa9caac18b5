"""`theme_import`: every theme, idempotence, dry runs, editions and every problem at once.

All figures, source keys and titles here are invented test fixtures, not Monitor data.
"""

import csv
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook

from monitor.countries.services import country_seed
from monitor.research import models as m
from monitor.research.imports import ImportIssue, theme_import
from monitor.research.themes import THEMES

FIXTURES = Path(__file__).parent / "fixtures" / "import"
EDITION = "Landmine Monitor 2024"
NOTE = "test fixture: invented figure"

# One or two good rows per theme (invented test fixture values).
GOOD_ROWS = {
    "contamination": [
        {
            "country": "AFG",
            "data_year": "2023",
            "device_class": "antipersonnel_mines",
            "area_km2": "12.50",
            "estimate_quality": "confirmed",
            "source": "test-lm2024",
        },
        {
            "country": "WLD",
            "data_year": "2023",
            "device_class": "other_erw",
            "area_km2": "100",
            "source": "test-lm2024",
        },
    ],
    "land_release": [
        {
            "country": "KHM",
            "data_year": "2023",
            "hazard": "mines",
            "cancelled_km2": "70.38",
            "reduced_km2": "30.11",
            "cleared_km2": "46.47",
            "released_km2": "147",
            "ap_mines_destroyed": "1,200",
            "source": "test-lm2024",
        },
    ],
    "casualties": [
        {
            "country": "AFG",
            "data_year": "2023",
            "scope": "mines_erw",
            "total": "10",
            "killed": "4",
            "injured": "6",
            "outcome_unknown": "0",
            "civilian": "9",
            "source": "test-lm2024",
        },
        {
            "country": "WLD",
            "data_year": "2023",
            "scope": "cluster_munitions",
            "total": "5",
            "source": "test-cmm2024",
        },
    ],
    "casualty_records": [
        {
            "country": "AFG",
            "data_year": "2023",
            "record_id": "T-1",
            "incident_date": "2023-04-02",
            "outcome": "killed",
            "age_group": "child",
            "sex": "male",
            "civilian_status": "civilian",
            "device": "improvised_mine",
            "source": "test-lm2024",
        },
        {
            "country": "AFG",
            "data_year": "2023",
            "record_id": "T-2",
            "outcome": "injured",
            "age_group": "adult",
            "sex": "female",
            "civilian_status": "deminer",
            "device": "unknown",
            "source": "test-lm2024",
        },
    ],
    "stockpiles": [
        {
            "country": "UKR",
            "data_year": "2023",
            "treaty": "mbt",
            "held": "3364433",
            "destroyed": "0",
            "retained": "",
            "source": "test-lm2024",
        },
        {
            "country": "ALB",
            "data_year": "2023",
            "treaty": "mbt",
            "held": "0",
            "destruction_completed_on": "2002-04",
            "source": "test-lm2024",
        },
    ],
    "support": [
        {
            "country": "WLD",
            "data_year": "2023",
            "donor": "",
            "kind": "international",
            "thematic_area": "",
            "amount_usd": "$1,000,000.50",
            "source": "test-lm2024",
        },
        {
            "country": "AFG",
            "data_year": "2023",
            "donor": "Testland",
            "kind": "international",
            "thematic_area": "clearance",
            "amount_usd": "250000",
            "source": "test-lm2024",
        },
    ],
    "use": [
        {
            "country": "MMR",
            "data_year": "2023",
            "date": "2023-06",
            "place": "Test district",
            "actor_type": "state",
            "weapon": "ap_mines",
            "confirmation": "confirmed",
            "source": "test-lm2024",
        },
        {
            "country": "MMR",
            "data_year": "2023",
            "date": "2023-06",
            "place": "Test district",
            "actor_type": "non_state",
            "weapon": "ap_mines",
            "confirmation": "alleged",
            "source": "test-lm2024",
        },
    ],
    "production": [
        {
            "country": "IND",
            "data_year": "2023",
            "weapon": "ap_mines",
            "status": "producer",
            "source": "test-lm2024",
        },
    ],
    "transfer": [
        {
            "country": "IND",
            "data_year": "2023",
            "weapon": "ap_mines",
            "status": "moratorium",
            "source": "test-lm2024",
        },
    ],
    "victim_assistance": [
        {
            "country": "AFG",
            "data_year": "2023",
            "focal_point": "Test ministry",
            "national_plan": "draft",
            "crpd_status": "party",
            "services": "Test services",
            "source": "test-lm2024",
        },
        {"country": "AGO", "data_year": "2023", "source": "test-lm2024"},
    ],
}


def write_csv(path: Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    columns = columns or list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def theme_file(tmp_path: Path, theme: str, rows=None) -> Path:
    rows = rows if rows is not None else GOOD_ROWS[theme]
    rows = [{**row, "note": NOTE} for row in rows]
    return write_csv(tmp_path / f"{theme}.csv", rows)


@pytest.fixture
def loaded(db):
    country_seed()
    report = theme_import(theme="sources", path=FIXTURES / "sources.csv")
    assert report.issues == []
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)


def messages(report) -> list[str]:
    return [str(i) for i in report.issues]


def test_every_theme_has_a_good_file_here():
    assert set(GOOD_ROWS) | {"sources"} == set(THEMES)


@pytest.mark.django_db
def test_sources(loaded):
    source = m.Source.objects.get(key="test-lm2024")
    assert source.publication_date == "2024-11"
    assert source.accessed_date == date(2025, 1, 15)
    assert source.page == "12"
    assert m.Source.objects.get(key="test-cmm2024").accessed_date is None
    again = theme_import(theme="sources", path=FIXTURES / "sources.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert m.Edition.objects.count() == 0  # sources need no edition


@pytest.mark.django_db
def test_contamination_fixture(loaded):
    report = theme_import(
        theme="contamination", path=FIXTURES / "contamination.csv", edition=EDITION
    )
    assert report.issues == []
    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    edition = m.Edition.objects.get()
    assert (edition.name, edition.report_year, edition.data_year) == (EDITION, 2024, 2023)
    afg = m.Contamination.objects.get(country_id="AFG")
    assert afg.area_km2 == Decimal("12.50")
    assert afg.preferred is True and afg.confidence == "H"
    ago = m.Contamination.objects.get(country_id="AGO")  # written "ago" in the file
    assert ago.area_km2 == Decimal("1234.05")
    assert ago.estimate_quality == "unspecified"
    world = m.Contamination.objects.get(country=None)
    assert world.source.key == "test-cmm2024"
    assert world.quote == "Quote, with comma"


@pytest.mark.django_db
@pytest.mark.parametrize("theme", sorted(GOOD_ROWS))
def test_good_file_per_theme_and_idempotent(loaded, tmp_path, theme):
    path = theme_file(tmp_path, theme)
    report = theme_import(theme=theme, path=path, edition=EDITION)
    assert messages(report) == []
    n = len(GOOD_ROWS[theme])
    assert (report.created, report.updated, report.unchanged) == (n, 0, 0)
    model = THEMES[theme].model
    assert model.objects.count() == n
    assert all(r.note == NOTE and r.edition.name == EDITION for r in model.objects.all())
    again = theme_import(theme=theme, path=path, edition=EDITION)
    assert (again.created, again.updated, again.unchanged) == (0, 0, n)
    assert model.objects.count() == n


@pytest.mark.django_db
def test_converted_values(loaded, tmp_path):
    for theme in ("land_release", "support", "casualty_records", "stockpiles"):
        report = theme_import(theme=theme, path=theme_file(tmp_path, theme), edition=EDITION)
        assert report.issues == []
    release = m.LandRelease.objects.get()
    assert release.released_km2 == Decimal("147") and release.ap_mines_destroyed == 1200
    assert m.SupportFigure.objects.get(country=None).amount_usd == Decimal("1000000.50")
    assert m.SupportFigure.objects.get(country=None).donor == ""
    assert m.CasualtyRecord.objects.get(record_id="T-1").incident_date == date(2023, 4, 2)
    assert m.CasualtyRecord.objects.get(record_id="T-2").incident_date is None
    assert m.Stockpile.objects.get(country_id="UKR").retained is None


@pytest.mark.django_db
def test_changed_value_updates_the_record_of_the_same_edition(loaded, tmp_path):
    theme_import(theme="contamination", path=theme_file(tmp_path, "contamination"), edition=EDITION)
    rows = [dict(GOOD_ROWS["contamination"][0], area_km2="13.00"), GOOD_ROWS["contamination"][1]]
    report = theme_import(
        theme="contamination", path=theme_file(tmp_path, "contamination", rows), edition=EDITION
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    assert m.Contamination.objects.get(country_id="AFG").area_km2 == Decimal("13.00")


@pytest.mark.django_db
def test_revised_figure_in_a_later_edition_is_a_new_record(loaded, tmp_path):
    first = theme_import(
        theme="contamination", path=theme_file(tmp_path, "contamination"), edition=EDITION
    )
    assert first.created == 2
    rows = [dict(GOOD_ROWS["contamination"][0], area_km2="11.75")]
    later = theme_import(
        theme="contamination",
        path=theme_file(tmp_path, "contamination", rows),
        edition="Landmine Monitor 2025",
    )
    assert (later.created, later.updated, later.unchanged) == (1, 0, 0)
    records = m.Contamination.objects.filter(country_id="AFG", data_year=2023)
    by_edition = {r.edition.name: r.area_km2 for r in records}
    assert by_edition == {EDITION: Decimal("12.50"), "Landmine Monitor 2025": Decimal("11.75")}


@pytest.mark.django_db
def test_dry_run_writes_nothing(loaded, tmp_path):
    path = theme_file(tmp_path, "casualties")
    report = theme_import(theme="casualties", path=path, edition=EDITION, dry_run=True)
    assert report.issues == [] and report.dry_run
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert m.CasualtyAggregate.objects.count() == 0
    assert m.Edition.objects.count() == 0


@pytest.mark.django_db
def test_dry_run_of_sources_writes_nothing(db):
    report = theme_import(theme="sources", path=FIXTURES / "sources.csv", dry_run=True)
    assert report.created == 2
    assert m.Source.objects.count() == 0


@pytest.mark.django_db
def test_xlsx_import(loaded, tmp_path):
    workbook = Workbook()
    workbook.active.title = "read me"
    workbook.active.append(["test fixture workbook: invented figures"])
    sheet = workbook.create_sheet("casualties")
    sheet.append(["country", "data_year", "scope", "total", "killed", "injured", "source"])
    sheet.append(["AFG", 2023, "mines_erw", 10, 4, 6, "test-lm2024"])
    sheet.append([])
    sheet.append(["WLD", 2023.0, None, 7, None, None, "test-lm2024"])
    path = tmp_path / "casualties.xlsx"
    workbook.save(path)
    report = theme_import(theme="casualties", path=path, edition=EDITION)
    assert messages(report) == []
    assert report.created == 2
    afg = m.CasualtyAggregate.objects.get(country_id="AFG")
    assert (afg.total, afg.killed, afg.injured, afg.outcome_unknown) == (10, 4, 6, None)
    assert m.CasualtyAggregate.objects.get(country=None).scope == "mines_erw"
    again = theme_import(theme="casualties", path=path, edition=EDITION)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


@pytest.mark.django_db
def test_xlsx_row_numbers_in_issues(loaded, tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["country", "data_year", "scope", "total", "source"])
    sheet.append(["AFG", 2023, "mines_erw", 10, "test-lm2024"])
    sheet.append([])
    sheet.append(["AGO", 2023, "mines_erw", -1, "test-lm2024"])
    path = tmp_path / "c.xlsx"
    workbook.save(path)
    report = theme_import(theme="casualties", path=path, edition=EDITION)
    assert messages(report) == ["c.xlsx, row 4, column total: must not be negative, got -1"]


@pytest.mark.django_db
def test_bad_rows_are_all_reported_and_nothing_is_written(loaded):
    report = theme_import(
        theme="contamination", path=FIXTURES / "contamination_bad.csv", edition=EDITION
    )
    assert messages(report) == [
        "contamination_bad.csv, row 3, column country: unknown country 'XYZ'",
        "contamination_bad.csv, row 4, column area_km2: area must not be negative, got -3",
        "contamination_bad.csv, row 5, column source: unknown source 'no-such-source' "
        "(load it with monitor import sources FILE)",
        "contamination_bad.csv, row 6, column as_of_date: no such date: '2023-02-30'",
        "contamination_bad.csv, row 7, column device_class: expected one of "
        "antipersonnel_mines, improvised_mines, antivehicle_mines, cluster_munition_remnants, "
        "other_erw, got 'landmines'",
    ]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    assert m.Contamination.objects.count() == 0
    assert m.Edition.objects.count() == 0


@pytest.mark.django_db
def test_casualty_totals_that_do_not_add_up(loaded):
    report = theme_import(theme="casualties", path=FIXTURES / "casualties_bad.csv", edition=EDITION)
    assert messages(report) == [
        "casualties_bad.csv, row 2, column killed: outcome breakdown "
        "killed + injured + outcome_unknown = 9, not the total 10"
    ]
    assert m.CasualtyAggregate.objects.count() == 0


@pytest.mark.django_db
def test_released_is_not_the_sum(loaded):
    report = theme_import(
        theme="land_release", path=FIXTURES / "land_release_bad.csv", edition=EDITION
    )
    assert messages(report) == [
        "land_release_bad.csv, row 3, column released_km2: released 7.00 is not "
        "cancelled + reduced + cleared = 6.00"
    ]
    assert m.LandRelease.objects.count() == 0


@pytest.mark.django_db
def test_several_problems_in_one_row_and_many_rows(loaded, tmp_path):
    rows = [
        {
            "country": "XYZ",
            "data_year": "1800",
            "scope": "mines_erw",
            "total": "abc",
            "killed": "2",
            "injured": "1",
            "outcome_unknown": "0",
            "source": "nope",
        },
        {
            "country": "AFG",
            "data_year": "2023",
            "scope": "everything",
            "total": "3",
            "killed": "2",
            "injured": "2",
            "outcome_unknown": "0",
            "source": "test-lm2024",
        },
    ]
    report = theme_import(
        theme="casualties", path=write_csv(tmp_path / "c.csv", rows), edition=EDITION
    )
    assert messages(report) == [
        "c.csv, row 2, column country: unknown country 'XYZ'",
        "c.csv, row 2, column data_year: expected a year between 1990 and 2100, got 1800",
        "c.csv, row 2, column total: expected a whole number, got 'abc'",
        "c.csv, row 2, column source: unknown source 'nope' "
        "(load it with monitor import sources FILE)",
        "c.csv, row 3, column scope: expected one of mines_erw, cluster_munitions, "
        "got 'everything'",
        "c.csv, row 3, column killed: outcome breakdown killed + injured + outcome_unknown "
        "= 4, not the total 3",
    ]


@pytest.mark.django_db
def test_issue_str():
    issue = ImportIssue("file.csv", 7, "area_km2", "must not be negative, got -3")
    assert str(issue) == "file.csv, row 7, column area_km2: must not be negative, got -3"
    assert str(ImportIssue("file.csv", None, None, "the file is empty")) == (
        "file.csv: the file is empty"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, expected",
    [
        ("cp1252.csv", "cp1252.csv: not valid UTF-8 (line 3, byte "),
        ("truncated.csv", "truncated.csv, row 3: only 3 of 5 cells"),
        ("unterminated.csv", "unterminated.csv, row 2: malformed CSV: a quoted cell"),
        ("empty.csv", "empty.csv: the file is empty"),
    ],
)
def test_unreadable_files(loaded, name, expected):
    report = theme_import(theme="contamination", path=FIXTURES / name, edition=EDITION)
    assert len(report.issues) == 1
    assert str(report.issues[0]).startswith(expected)
    assert m.Contamination.objects.count() == 0


@pytest.mark.django_db
def test_unknown_and_missing_columns(loaded, tmp_path):
    rows = [
        {
            "country": "AFG",
            "data_year": "2023",
            "device_class": "antipersonnel_mines",
            "areas": "1.00",
            "source": "test-lm2024",
        }
    ]
    report = theme_import(
        theme="contamination", path=write_csv(tmp_path / "c.csv", rows), edition=EDITION
    )
    assert messages(report) == [
        "c.csv, row 1, column areas: unknown column 'areas' for contamination "
        "(monitor template contamination lists the columns)",
        "c.csv, row 1, column area_km2: required column is missing",
    ]
    assert m.Contamination.objects.count() == 0


@pytest.mark.django_db
def test_header_names_ignore_case_and_spaces(loaded, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text(
        "Country , DATA_YEAR,device_class,Area_km2,source\n"
        "AFG,2023,antipersonnel_mines,1.00,test-lm2024\n"
    )
    report = theme_import(theme="contamination", path=path, edition=EDITION)
    assert messages(report) == [] and report.created == 1


@pytest.mark.django_db
def test_required_cell_empty(loaded, tmp_path):
    rows = [
        {
            "country": "",
            "data_year": "2023",
            "device_class": "antipersonnel_mines",
            "area_km2": "1.00",
            "source": "test-lm2024",
        }
    ]
    report = theme_import(
        theme="contamination", path=write_csv(tmp_path / "c.csv", rows), edition=EDITION
    )
    assert messages(report) == ["c.csv, row 2, column country: is required"]


@pytest.mark.django_db
def test_duplicate_keys_in_one_file(loaded, tmp_path):
    row = GOOD_ROWS["contamination"][0]
    rows = [row, GOOD_ROWS["contamination"][1], dict(row, area_km2="99.00")]
    report = theme_import(
        theme="contamination", path=write_csv(tmp_path / "c.csv", rows), edition=EDITION
    )
    assert messages(report) == [
        "c.csv, row 4: same country, data_year, source, device_class, estimate_quality "
        "as row 2: one record per key in a file"
    ]
    assert m.Contamination.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_keys_compare_stored_values(loaded, tmp_path):
    # An empty estimate_quality is stored as "unspecified", so these two rows are one record.
    base = GOOD_ROWS["contamination"][1]
    rows = [base, dict(base, estimate_quality="unspecified", country="wld")]
    report = theme_import(
        theme="contamination", path=write_csv(tmp_path / "c.csv", rows), edition=EDITION
    )
    assert [i.row for i in report.issues] == [3]


@pytest.mark.django_db
def test_duplicate_source_keys(db, tmp_path):
    rows = [{"key": "test-a", "title": "Test A"}, {"key": "test-a", "title": "Test A again"}]
    report = theme_import(theme="sources", path=write_csv(tmp_path / "s.csv", rows))
    assert messages(report) == ["s.csv, row 3: same key as row 2: one record per key in a file"]


@pytest.mark.django_db
def test_field_limits_are_checked_before_writing(db, tmp_path):
    rows = [
        {"key": "test-ok", "title": "Test OK"},
        {"key": "not a slug", "title": "T" * 301, "url": "not-a-url"},
    ]
    report = theme_import(theme="sources", path=write_csv(tmp_path / "s.csv", rows))
    assert [(i.row, i.column) for i in report.issues] == [(3, "key"), (3, "title"), (3, "url")]
    assert m.Source.objects.count() == 0


@pytest.mark.django_db
def test_edition_is_required_for_edition_bound_themes(loaded, tmp_path):
    report = theme_import(theme="contamination", path=theme_file(tmp_path, "contamination"))
    assert messages(report) == [
        "contamination.csv: an edition is needed for contamination "
        '(--edition NAME, e.g. --edition "Landmine Monitor 2024", or an edition column)'
    ]
    assert m.Contamination.objects.count() == 0


@pytest.mark.django_db
def test_edition_too_long(loaded, tmp_path):
    report = theme_import(
        theme="production",
        path=theme_file(tmp_path, "production"),
        edition="Landmine Monitor " + "x" * 200,
    )
    assert len(report.issues) == 1 and "at most 120 characters" in str(report.issues[0])
    assert m.ProductionStatus.objects.count() == 0 and m.Edition.objects.count() == 0


@pytest.mark.django_db
def test_no_countries_loaded_says_so(db, tmp_path):
    theme_import(theme="sources", path=FIXTURES / "sources.csv")
    report = theme_import(
        theme="production", path=theme_file(tmp_path, "production"), edition=EDITION
    )
    assert messages(report) == [
        "production.csv, row 2, column country: unknown country 'IND' "
        "(no countries loaded: run monitor seed)"
    ]


@pytest.mark.django_db
def test_frozen_edition_refuses_changes_but_accepts_an_identical_reimport(loaded, tmp_path):
    from django.utils import timezone

    from monitor.audit.models import AuditEntry

    path = theme_file(tmp_path, "contamination")
    assert theme_import(theme="contamination", path=path, edition=EDITION).ok
    m.Edition.objects.filter(name=EDITION).update(frozen_at=timezone.now())
    again = theme_import(theme="contamination", path=path, edition=EDITION)
    assert again.ok and again.unchanged == len(GOOD_ROWS["contamination"])

    changed = [dict(GOOD_ROWS["contamination"][0], area_km2="13.00")]
    audit_before = AuditEntry.objects.count()
    report = theme_import(
        theme="contamination", path=write_csv(tmp_path / "c2.csv", changed), edition=EDITION
    )
    assert not report.ok
    assert [(i.file, i.row, i.column) for i in report.issues] == [("c2.csv", 2, "edition")]
    assert "frozen" in report.issues[0].message
    assert m.Contamination.objects.get(country_id="AFG").area_km2 == Decimal("12.50")
    assert AuditEntry.objects.count() == audit_before
