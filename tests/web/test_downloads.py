"""The data downloads page and every download route."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.utils import timezone

from monitor.research.exports import EDITION_COLUMN, export_columns, hxl_tags
from monitor.research.themes import THEMES

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
JSON = "application/json; charset=utf-8"


def _csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8"))))


def _xlsx(response):
    from openpyxl import load_workbook

    return load_workbook(io.BytesIO(response.content), read_only=True)


def _filename(response) -> str:
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename=")
    return disposition.split("filename=", 1)[1].strip('"')


def test_downloads_page(client, seeded):
    response = client.get("/data/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'href="/data/monitor-datapackage.zip"' in html
    for name in THEMES:
        for ext in ("csv", "xlsx", "json", "hxl.csv"):
            assert f'href="/data/{name}.{ext}"' in html
        assert f'href="/data/templates/{name}.csv"' in html
        assert f'href="/data/templates/{name}.xlsx"' in html
    assert 'href="/countries/AFG/data.csv"' in html
    assert "Creative Commons Attribution 4.0" in html
    assert "https://creativecommons.org/licenses/by/4.0/" in html
    assert "sources cited" in html
    assert "HXL" in html and "hashtags" in html


def test_datapackage_zip(client, seeded, tmp_path):
    response = client.get("/data/monitor-datapackage.zip")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    today = timezone.localdate().isoformat()
    assert _filename(response) == f"monitor-datapackage-{today}.zip"
    with zipfile.ZipFile(io.BytesIO(response.content)) as zf:
        names = set(zf.namelist())
        assert {"datapackage.json", "sources.csv", "editions.csv", "casualties.csv"} <= names
        descriptor = json.loads(zf.read("datapackage.json"))
        assert descriptor["licenses"][0]["name"] == "CC-BY-4.0"
        assert {r["path"] for r in descriptor["resources"]} <= names
        rows = list(csv.DictReader(io.StringIO(zf.read("casualties.csv").decode())))
        assert rows and rows[0]["source"]
        zf.extractall(tmp_path)
    frictionless = pytest.importorskip("frictionless")
    report = frictionless.validate(str(tmp_path / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])[:5]


@pytest.mark.parametrize("theme", list(THEMES))
def test_theme_csv_and_hxl(client, seeded, theme):
    response = client.get(f"/data/{theme}.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == CSV
    assert _filename(response).endswith(".csv")
    assert _filename(response).startswith(f"monitor-{theme.replace('_', '-')}-")
    rows = _csv(response)
    assert rows[0] == export_columns(THEMES[theme])
    assert len(rows) - 1 == THEMES[theme].model.objects.count()

    response = client.get(f"/data/{theme}.hxl.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == CSV
    assert _filename(response).endswith(".hxl.csv")
    hxl = _csv(response)
    assert hxl[0] == rows[0]
    assert hxl[1] == hxl_tags(THEMES[theme])
    assert hxl[2:] == rows[1:]


@pytest.mark.parametrize("theme", ["casualties", "sources", "support"])
def test_theme_json_and_xlsx(client, seeded, theme):
    response = client.get(f"/data/{theme}.json")
    assert response.status_code == 200
    assert response["Content-Type"] == JSON
    records = json.loads(response.content)
    assert isinstance(records, list) and records
    assert len(records) == THEMES[theme].model.objects.count()

    response = client.get(f"/data/{theme}.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert _filename(response).endswith(".xlsx")
    sheet = _xlsx(response).active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    assert header == export_columns(THEMES[theme])
    assert sheet.max_row - 1 == len(records)


def test_country_csv(client, seeded):
    response = client.get("/countries/AFG/data.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == CSV
    today = timezone.localdate().isoformat()
    assert _filename(response) == f"monitor-AFG-{today}.csv"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows
    assert {r["country"] for r in rows} == {"AFG"}
    assert {"theme", "data_year", EDITION_COLUMN, "source", "source_title"} <= set(rows[0])
    assert {r["theme"] for r in rows} <= set(THEMES) - {"sources"}
    assert all(r["source_title"] for r in rows)
    casualties = [r for r in rows if r["theme"] == "casualties"]
    assert casualties and all(r["total"] or r["killed"] for r in casualties)


def test_country_json(client, seeded):
    response = client.get("/countries/UKR/data.json")
    assert response.status_code == 200
    assert response["Content-Type"] == JSON
    assert _filename(response).startswith("monitor-UKR-")
    records = json.loads(response.content)
    assert records and {r["country"] for r in records} == {"UKR"}
    assert all(r["theme"] in THEMES for r in records)
    assert all(isinstance(r["data_year"], int) for r in records)


def test_country_xlsx(client, seeded):
    response = client.get("/countries/AFG/data.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert _filename(response).startswith("monitor-AFG-")
    book = _xlsx(response)
    assert book.sheetnames == [t for t in THEMES]
    sheet = book["casualties"]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == export_columns(THEMES["casualties"])
    assert len(rows) > 1 and all(row[0] == "AFG" for row in rows[1:])
    assert isinstance(rows[1][1], int)  # data_year stays a number


def test_country_without_records(client, seeded):
    response = client.get("/countries/XKX/data.csv")
    assert response.status_code == 200
    assert _csv(response)[0][0] == "theme"


def test_lower_case_country_redirects(client, seeded):
    response = client.get("/countries/afg/data.json")
    assert response.status_code == 301
    assert response["Location"] == "/countries/AFG/data.json"


@pytest.mark.parametrize(
    "path",
    [
        "/data/nothing.csv",
        "/data/casualties.pdf",
        "/data/casualties.hxl",
        "/data/casualties.xls",
        "/data/editions.csv",
        "/data/monitor-datapackage.tar",
        "/countries/ZZZ/data.csv",
        "/countries/AFG/data.pdf",
        "/countries/AFG/data.hxl.csv",
        "/countries/AFGX/data.csv",
        "/countries/WLD/data.json",
        "/data/templates/nothing.csv",
    ],
)
def test_unknown_is_404(client, seeded, path):
    assert client.get(path).status_code == 404
