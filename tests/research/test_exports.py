"""Open data exports: CSV, XLSX, JSON, HXL, the data package, and export -> import -> export.

The records here are test data made in the test, not Monitor figures.
"""

import csv
import io
import json
import subprocess
import sys
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from monitor.countries.models import Country
from monitor.countries.services import country_seed
from monitor.research import exports
from monitor.research.exports import (
    datapackage_export,
    datapackage_import,
    export_columns,
    theme_rows,
)
from monitor.research.models import Edition, Source
from monitor.research.services import edition_get_or_create, record_upsert, source_get_or_create
from monitor.research.themes import THEMES

pytestmark = pytest.mark.django_db

ED_OLD = "Test Monitor 2023"
ED_NEW = "Test Monitor 2024"


def _put(theme, country, year, edition, source, **values):
    values = {
        "country": Country.objects.get(iso3=country) if country else None,
        "data_year": year,
        "edition": edition,
        "source": source,
        **values,
    }
    return record_upsert(theme=THEMES[theme], values=values).obj


@pytest.fixture
def data():
    country_seed()
    old, _ = edition_get_or_create(name=ED_OLD)
    new, _ = edition_get_or_create(name=ED_NEW)
    new.publication_date = date(2024, 11, 20)
    new.status = Edition.Status.PUBLISHED
    new.save()
    a, _ = source_get_or_create(
        key="test-a",
        title="Test source A, with a comma",
        url="https://example.org/a",
        publisher="Test publisher",
        publication_date="2024-11",
    )
    a.accessed_date = date(2025, 1, 2)
    a.page = "12"
    a.save()
    b, _ = source_get_or_create(key="test-b", title='Test source "B" – Ñ', url="")
    source_get_or_create(key="test-unused", title="Test source never cited")

    # Casualties: a figure revised between editions, two disagreeing sources in one edition
    # (one preferred, with its reason), a global figure and null breakdowns.
    _put("casualties", "AFG", 2022, old, a, scope="mines_erw", total=100, killed=40, injured=60)
    _put("casualties", "AFG", 2022, new, a, scope="mines_erw", total=110, killed=45, injured=65)
    _put(
        "casualties",
        "AFG",
        2022,
        new,
        b,
        scope="mines_erw",
        total=120,
        preferred=True,
        preferred_reason="official data",
        confidence="M",
    )
    _put("casualties", None, 2022, new, a, scope="mines_erw", total=5000)
    _put("casualties", "COL", 2021, old, b, scope="mines_erw", total=7, note="line one\nline two")
    _put(
        "contamination",
        "AFG",
        2022,
        new,
        a,
        device_class="antipersonnel_mines",
        area_km2=Decimal("12.5"),
        estimate_quality="confirmed",
        as_of_date="2022-12",
    )
    _put(
        "land_release",
        "COL",
        2021,
        old,
        b,
        hazard="mines",
        cancelled_km2=Decimal("1.10"),
        reduced_km2=Decimal("2.20"),
        cleared_km2=Decimal("3.30"),
        released_km2=Decimal("6.60"),
        ap_mines_destroyed=321,
    )
    _put(
        "support",
        None,
        2022,
        new,
        a,
        kind="international",
        amount_usd=Decimal("1234567.89"),
    )
    _put(
        "casualty_records",
        "COL",
        2021,
        old,
        b,
        record_id="R-1",
        incident_date=date(2021, 3, 4),
        place="Vereda =SUM(A1)",
        outcome="killed",
        age_group="adult",
        sex="male",
        civilian_status="military",
        device="ap_mine",
    )
    _put(
        "stockpiles",
        "AFG",
        2022,
        new,
        a,
        treaty="mbt",
        held=0,
        destroyed=81595,
        destruction_completed_on="2007",
    )
    return old, new, a, b


def _csv(text):
    return list(csv.reader(io.StringIO(text)))


# ---------------------------------------------------------------------------------------------
# theme_rows


def test_rows_are_strings_in_column_order_with_the_edition_after_data_year(data):
    rows = theme_rows("casualties")
    columns = export_columns(THEMES["casualties"])
    assert columns[:3] == ["country", "data_year", "edition"]
    assert columns[3:] == THEMES["casualties"].column_names[2:]
    assert all(list(row) == columns for row in rows)
    assert all(isinstance(v, str) for row in rows for v in row.values())
    # Global first, then by country, data year, edition and the key (source, scope).
    assert [(r["country"], r["edition"], r["source"], r["total"]) for r in rows] == [
        ("WLD", ED_NEW, "test-a", "5000"),
        ("AFG", ED_OLD, "test-a", "100"),
        ("AFG", ED_NEW, "test-a", "110"),
        ("AFG", ED_NEW, "test-b", "120"),
        ("COL", ED_OLD, "test-b", "7"),
    ]
    preferred = rows[3]
    assert preferred["preferred"] == "yes"
    assert preferred["preferred_reason"] == "official data"
    assert preferred["killed"] == "" and preferred["quote"] == ""
    assert rows[2]["preferred"] == "no"


def test_decimals_keep_their_two_stored_decimals(data):
    [row] = theme_rows("contamination")
    assert row["area_km2"] == "12.50"
    assert row["as_of_date"] == "2022-12"
    [row] = theme_rows("support")
    assert row["amount_usd"] == "1234567.89"
    assert row["country"] == "WLD"
    assert row["donor"] == ""


def test_country_and_edition_filters(data):
    assert {r["country"] for r in theme_rows("casualties", country="afg")} == {"AFG"}
    assert [r["total"] for r in theme_rows("casualties", country="WLD")] == ["5000"]
    assert [r["total"] for r in theme_rows("casualties", country="AFG", edition=ED_OLD)] == ["100"]
    assert theme_rows("casualties", country="NOR") == []
    # Sources: every one without filters; with a filter, those its records cite.
    assert [r["key"] for r in theme_rows("sources")] == ["test-a", "test-b", "test-unused"]
    assert [r["key"] for r in theme_rows("sources", country="COL")] == ["test-b"]
    with pytest.raises(exports.ExportError, match="unknown country 'ZZZ'"):
        theme_rows("casualties", country="ZZZ")
    with pytest.raises(exports.ExportError, match="unknown edition"):
        theme_rows("casualties", edition="Test Monitor 1999")
    with pytest.raises(exports.ExportError, match="unknown theme"):
        theme_rows("nonsense")


def test_rows_are_read_in_a_fixed_number_of_queries(data):
    old, new, a, b = data
    with CaptureQueriesContext(connection) as before:
        theme_rows("casualties")
    for year in range(2000, 2010):
        _put("casualties", "AFG", year, new, a, scope="mines_erw", total=year)
    with CaptureQueriesContext(connection) as after:
        rows = theme_rows("casualties")
    assert len(rows) == 15
    assert len(after) == len(before) <= 2


# ---------------------------------------------------------------------------------------------
# The command, one format at a time


def _export(*args):
    out = io.StringIO()
    call_command("export", *args, stdout=out)
    return out.getvalue()


def test_csv_for_a_theme_and_a_country(data, tmp_path):
    path = tmp_path / "afg.csv"
    out = _export("--format", "csv", "--theme", "casualties", "--country", "AFG", str(path))
    assert "casualties: 3 rows written" in out
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    rows = _csv(raw.decode("utf-8"))
    assert rows[0] == export_columns(THEMES["casualties"])
    assert [r[0] for r in rows[1:]] == ["AFG"] * 3
    assert [r[rows[0].index("total")] for r in rows[1:]] == ["100", "110", "120"]


def test_csv_to_standard_output_keeps_text_intact(data):
    text = _export("--format", "csv", "--theme", "sources", "-")
    rows = _csv(text)
    assert rows[0] == THEMES["sources"].column_names
    assert rows[2][1] == 'Test source "B" – Ñ'
    text = _export("--format", "csv", "--theme", "casualties", "--country", "COL", "-")
    assert _csv(text)[1][-1] == "line one\nline two"


def test_hxl_has_a_hashtag_row_under_the_header(data, tmp_path):
    path = tmp_path / "casualties.hxl.csv"
    _export("--format", "hxl", "--theme", "casualties", "--country", "AFG", str(path))
    rows = _csv(path.read_text(encoding="utf-8"))
    header, tags = rows[0], rows[1]
    assert len(tags) == len(header)
    tag = dict(zip(header, tags, strict=True))
    assert tag["country"] == "#country+code"
    assert tag["data_year"] == "#date+year"
    assert tag["edition"] == "#meta+edition"
    assert tag["killed"] == "#affected+killed"
    assert tag["source"] == "#meta+source"
    assert all(t.startswith("#") for t in tags)
    assert len(rows) == 2 + 3


def test_json_values_are_typed_and_carry_their_source_and_edition(data, tmp_path):
    path = tmp_path / "casualties.json"
    _export("--format", "json", "--theme", "casualties", "--country", "AFG", str(path))
    records = json.loads(path.read_text(encoding="utf-8"))
    assert len(records) == 3
    first = records[0]
    assert first["country"] == "AFG"
    assert first["data_year"] == 2022
    assert first["edition"] == ED_OLD
    assert first["total"] == 100 and first["killed"] == 40
    assert first["outcome_unknown"] is None
    assert first["preferred"] is False
    assert first["source"] == "test-a"
    assert first["source_title"] == "Test source A, with a comma"
    assert first["source_url"] == "https://example.org/a"
    assert records[2]["preferred"] is True
    assert records[2]["source_url"] is None

    text = _export("--format", "json", "--theme", "support", "-")
    [support] = json.loads(text)
    assert support["amount_usd"] == 1234567.89
    assert support["country"] == "WLD"
    text = _export("--format", "json", "--theme", "contamination", "--edition", ED_NEW, "-")
    assert json.loads(text)[0]["area_km2"] == 12.5


def test_xlsx_has_one_sheet_named_after_the_theme_with_a_bold_header(data, tmp_path):
    from openpyxl import load_workbook

    path = tmp_path / "casualty_records.xlsx"
    _export("--format", "xlsx", "--theme", "casualty_records", "--country", "COL", str(path))
    book = load_workbook(path)
    assert book.sheetnames == ["casualty_records"]
    sheet = book["casualty_records"]
    header = [c.value for c in sheet[1]]
    assert header == export_columns(THEMES["casualty_records"])
    assert all(c.font.bold for c in sheet[1])
    row = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert row["country"] == "COL"
    assert row["data_year"] == 2021
    assert row["incident_date"] == "2021-03-04"
    assert row["place"] == "Vereda =SUM(A1)"  # text, not a formula
    assert sheet.max_row == 2

    path = tmp_path / "land_release.xlsx"
    _export("--format", "xlsx", "--theme", "land_release", str(path))
    sheet = load_workbook(path)["land_release"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(2, header.index("cleared_km2") + 1)
    assert cell.value == 3.3 and cell.number_format == "0.00"
    assert sheet.cell(2, header.index("av_mines_destroyed") + 1).value is None


@pytest.mark.parametrize("fmt,ext", [("csv", "csv"), ("hxl", "hxl.csv"), ("json", "json")])
def test_without_a_theme_every_theme_goes_into_the_directory(data, tmp_path, fmt, ext):
    out = _export("--format", fmt, "--country", "AFG", str(tmp_path / "all"))
    names = sorted(p.name for p in (tmp_path / "all").iterdir())
    assert names == sorted(f"{name}.{ext}" for name in THEMES)
    assert "rows in" in out
    if fmt == "csv":
        rows = _csv((tmp_path / "all" / "sources.csv").read_text(encoding="utf-8"))
        assert [r[0] for r in rows[1:]] == ["test-a", "test-b"]


def test_the_imported_file_format_reads_the_exported_xlsx(data, tmp_path):
    from monitor.research.importers.tabular import read_table

    path = tmp_path / "casualties.xlsx"
    _export("--format", "xlsx", "--theme", "casualties", str(path))
    table = read_table(path, sheet="casualties")
    assert table.header == export_columns(THEMES["casualties"])
    assert len(table.rows) == 5


# ---------------------------------------------------------------------------------------------
# Data package


def test_datapackage_is_valid_frictionless(data, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    out = _export("--format", "datapackage", str(tmp_path / "pkg"))
    assert "written to" in out
    pkg = tmp_path / "pkg"
    descriptor = json.loads((pkg / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["name"] == "landmine-cluster-munition-monitor"
    assert descriptor["licenses"] and descriptor["sources"] and descriptor["title"]
    names = [r["name"] for r in descriptor["resources"]]
    assert names[:2] == ["sources", "editions"]
    assert set(names[2:]) == {n for n, t in THEMES.items() if t.edition_bound}
    for resource in descriptor["resources"]:
        assert (pkg / resource["path"]).exists()
        assert resource["format"] == "csv"
        assert resource["mediatype"] == "text/csv"
        assert resource["encoding"] == "utf-8"
    casualties = next(r for r in descriptor["resources"] if r["name"] == "casualties")
    fields = {f["name"]: f for f in casualties["schema"]["fields"]}
    assert [f["name"] for f in casualties["schema"]["fields"]] == export_columns(
        THEMES["casualties"]
    )
    assert fields["data_year"]["type"] == "year"
    assert fields["total"]["type"] == "integer"
    assert fields["preferred"]["type"] == "boolean"
    assert fields["country"]["constraints"]["required"] is True
    assert fields["scope"]["constraints"]["enum"] == ["mines_erw", "cluster_munitions"]
    assert casualties["schema"]["foreignKeys"] == [
        {"fields": "source", "reference": {"resource": "sources", "fields": "key"}},
        {"fields": "edition", "reference": {"resource": "editions", "fields": "name"}},
    ]
    support = next(r for r in descriptor["resources"] if r["name"] == "support")
    assert {f["name"]: f["type"] for f in support["schema"]["fields"]}["amount_usd"] == "number"
    records = next(r for r in descriptor["resources"] if r["name"] == "casualty_records")
    assert {f["name"]: f["type"] for f in records["schema"]["fields"]}["incident_date"] == "date"
    editions = (pkg / "editions.csv").read_text(encoding="utf-8").splitlines()
    assert editions == [
        "name,report_year,data_year,publication_date,status",
        f"{ED_OLD},2023,2022,,draft",
        f"{ED_NEW},2024,2023,2024-11-20,published",
    ]

    report = frictionless.validate(pkg / "datapackage.json")
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_datapackage_validation_catches_a_dangling_source(data, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    pkg = tmp_path / "pkg"
    datapackage_export(pkg)
    text = (pkg / "casualties.csv").read_text(encoding="utf-8")
    (pkg / "casualties.csv").write_text(text.replace("test-b", "test-zzz"), encoding="utf-8")
    report = frictionless.validate(pkg / "datapackage.json")
    assert not report.valid
    assert "foreign-key" in {e[0] for e in report.flatten(["type"])}


def test_datapackage_of_one_country_is_valid(data, tmp_path):
    frictionless = pytest.importorskip("frictionless")
    counts = datapackage_export(tmp_path / "col", country="COL")
    assert counts["casualties"] == 1 and counts["sources"] == 1 and counts["editions"] == 2
    assert frictionless.validate(tmp_path / "col" / "datapackage.json").valid


RESEARCH_MODELS = [t.model for t in THEMES.values() if t.edition_bound] + [Edition, Source]


def _counts():
    return {m.__name__: m.objects.count() for m in RESEARCH_MODELS}


def _files(directory):
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def test_export_then_import_into_an_empty_database_gives_the_same_files(data, tmp_path):
    first = tmp_path / "first"
    datapackage_export(first)
    before = _counts()
    assert before["CasualtyAggregate"] == 5 and before["Source"] == 3

    for model in RESEARCH_MODELS:  # records first, then what they refer to
        model.objects.all().delete()
    assert sum(_counts().values()) == 0

    counts = datapackage_import(first)
    assert counts["casualties"] == 5
    assert _counts() == before
    second = tmp_path / "second"
    datapackage_export(second)
    assert _files(second) == _files(first)

    # The details survived: preferred value and reason, decimals, nulls, the global figure.
    preferred = THEMES["casualties"].model.objects.get(preferred=True)
    assert (preferred.total, preferred.preferred_reason) == (120, "official data")
    assert preferred.killed is None
    support = THEMES["support"].model.objects.get()
    assert support.country is None and support.amount_usd == Decimal("1234567.89")
    edition = Edition.objects.get(name=ED_NEW)
    assert edition.status == "published" and edition.publication_date == date(2024, 11, 20)
    assert Source.objects.get(key="test-a").accessed_date == date(2025, 1, 2)

    # Importing again changes nothing.
    datapackage_import(first)
    assert _counts() == before


def test_a_package_with_an_error_imports_nothing(data, tmp_path):
    from monitor.research.services import ResearchDataError

    pkg = tmp_path / "pkg"
    datapackage_export(pkg)
    for model in RESEARCH_MODELS:
        model.objects.all().delete()
    text = (pkg / "support.csv").read_text(encoding="utf-8")
    (pkg / "support.csv").write_text(text.replace("international", "bogus"), encoding="utf-8")
    with pytest.raises(ResearchDataError, match="support.csv"):
        datapackage_import(pkg)
    assert sum(_counts().values()) == 0


# ---------------------------------------------------------------------------------------------
# Bad arguments


@pytest.mark.parametrize(
    "args",
    [
        ["--format", "csv", "--theme", "nonsense", "out.csv"],
        ["--format", "pdf", "--theme", "casualties", "out.csv"],
        ["--format", "csv", "--theme", "casualties", "--country", "ZZZ", "out.csv"],
        ["--format", "csv", "--theme", "casualties", "--edition", "No Such Edition", "out.csv"],
        ["--format", "xlsx", "--theme", "casualties", "-"],
        ["--format", "datapackage", "--theme", "casualties", "pkg"],
        ["--format", "csv", "-"],
        ["--theme", "casualties", "out.csv"],
    ],
)
def test_bad_arguments_exit_2(data, tmp_path, monkeypatch, args):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CommandError) as exc:
        call_command("export", *args)
    assert exc.value.returncode == 2
    assert "\n" not in str(exc.value).strip()
    assert not (tmp_path / "out.csv").exists()


def test_output_of_the_wrong_kind_exits_2(data, tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(CommandError) as exc:
        call_command("export", "--format", "datapackage", str(tmp_path / "file"))
    assert exc.value.returncode == 2
    with pytest.raises(CommandError) as exc:
        call_command("export", "--format", "csv", "--theme", "casualties", str(tmp_path))
    assert exc.value.returncode == 2


def test_cli_errors_are_one_line_with_status_2(tmp_path):
    env = {"MONITOR_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "monitor", "migrate", "-v0"], env=env, check=True)
    for args in (
        ["--format", "csv", "--theme", "nonsense", "out.csv"],
        ["--format", "csv", "--theme", "casualties", "--country", "ZZZ", "out.csv"],
        ["--format", "json", "--theme", "casualties", "--edition", "Nope", "out.json"],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "monitor", "export", *args],
            env=env,
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert proc.returncode == 2, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
