"""`monitor template THEME`: the header-only file `monitor import` reads back."""

import csv
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import load_workbook

from monitor.research.importers.tabular import read_table
from monitor.research.imports import theme_import
from monitor.research.themes import THEMES


def template(*args) -> str:
    out = StringIO()
    call_command("template", *args, stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("theme", list(THEMES))
def test_csv_to_stdout_is_the_header_only(theme):
    text = template(theme)
    rows = list(csv.reader(StringIO(text)))
    assert rows == [THEMES[theme].column_names]
    assert text.endswith("\n") and text.count("\n") == 1


@pytest.mark.parametrize("theme", list(THEMES))
def test_csv_to_file(theme, tmp_path):
    path = tmp_path / f"{theme}.csv"
    template(theme, "--output", str(path))
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # UTF-8 mark, for Excel
    table = read_table(path)
    assert table.header == THEMES[theme].column_names and table.rows == []


@pytest.mark.parametrize("theme", list(THEMES))
def test_xlsx_with_help_sheet(theme, tmp_path):
    spec = THEMES[theme]
    path = tmp_path / f"{theme}.xlsx"
    template(theme, "--format", "xlsx", "--output", str(path))
    workbook = load_workbook(path)
    assert workbook.sheetnames == [theme, "help"]
    assert [c.value for c in workbook[theme][1]] == spec.column_names
    assert workbook[theme].max_row == 1
    help_rows = list(workbook["help"].iter_rows(values_only=True))
    assert help_rows[0] == ("column", "required", "format", "allowed values", "help")
    assert [r[0] for r in help_rows[1:]] == spec.column_names
    for row, column in zip(help_rows[1:], spec.columns, strict=True):
        assert row[1] == ("required" if column.required else "optional")
        assert (row[3] or "") == ", ".join(column.choices)
        assert (row[4] or "") == column.help
    assert read_table(path, sheet=theme).header == spec.column_names


def test_xlsx_format_from_output_suffix(tmp_path):
    path = tmp_path / "t.xlsx"
    template("stockpiles", "-o", str(path))
    assert load_workbook(path).sheetnames == ["stockpiles", "help"]


def test_help_sheet_content(tmp_path):
    path = tmp_path / "t.xlsx"
    template("contamination", "--output", str(path))
    rows = {r[0]: r for r in load_workbook(path)["help"].iter_rows(values_only=True)}
    assert rows["country"][2] == "country code (ISO 3166-1 alpha-3) or WLD"
    assert rows["area_km2"][1:3] == ("required", "km², up to 2 decimals, not negative")
    assert rows["estimate_quality"][3] == "confirmed, suspected, unspecified"


def test_xlsx_needs_output():
    with pytest.raises(CommandError) as exc:
        call_command("template", "support", "--format", "xlsx")
    assert exc.value.returncode == 2
    assert str(exc.value) == "--format xlsx needs --output PATH.xlsx"


def test_unknown_theme():
    with pytest.raises(CommandError) as exc:
        call_command("template", "nothing")
    assert exc.value.returncode == 2


@pytest.mark.django_db
def test_filled_xlsx_template_imports(tmp_path):
    """A template filled in (here by openpyxl, with invented test values) imports cleanly."""
    path = tmp_path / "sources.xlsx"
    template("sources", "--output", str(path))
    workbook = load_workbook(path)
    workbook["sources"].append(["test-src", "Test fixture source (invented)"])
    workbook.save(path)
    report = theme_import(theme="sources", path=path)
    assert report.issues == [] and report.created == 1
