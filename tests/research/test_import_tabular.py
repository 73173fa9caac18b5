"""`read_table`: CSV and XLSX files as header + rows of strings, with spreadsheet row numbers."""

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from monitor.research.importers.tabular import TableError, read_table

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def test_csv_with_bom_crlf_blank_line_and_multiline_cell():
    table = read_table(FIXTURES / "contamination.csv")
    assert table.header[0] == "country"  # the byte-order mark is not part of the name
    assert [n for n, _ in table.rows] == [2, 4, 5]  # the blank row 3 is skipped
    assert table.rows[1][1]["area_km2"] == "1,234.05"
    assert table.rows[2][1]["note"] == "test fixture: invented figure\r\nover two lines"


def test_csv_without_bom(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b\n1,é\n", encoding="utf-8")
    assert read_table(path).rows == [(2, {"a": "1", "b": "é"})]


def test_not_utf8_is_an_error_with_line_and_byte():
    with pytest.raises(TableError) as exc:
        read_table(FIXTURES / "cp1252.csv")
    message = str(exc.value)
    assert message.startswith("cp1252.csv: not valid UTF-8 (line 3, byte ")
    assert "byte 159: 0xF4)" in message
    assert "save it as CSV UTF-8" in message


@pytest.mark.parametrize(
    "name, row, words",
    [
        ("truncated.csv", 3, "cut off"),
        ("unterminated.csv", 2, "never closed"),
    ],
)
def test_file_cut_off_mid_row(name, row, words):
    with pytest.raises(TableError) as exc:
        read_table(FIXTURES / name)
    assert exc.value.row == row
    assert str(exc.value).startswith(f"{name}, row {row}: ")
    assert words in str(exc.value)


def test_empty_file():
    with pytest.raises(TableError, match=r"^empty\.csv: the file is empty$"):
        read_table(FIXTURES / "empty.csv")


def test_blank_lines_only(tmp_path):
    path = tmp_path / "blank.csv"
    path.write_text("\n\n,,\n")
    with pytest.raises(TableError, match="no header row"):
        read_table(path)


def test_duplicate_header(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,b,a\n1,2,3\n")
    with pytest.raises(TableError, match=r"d\.csv, row 1: column 'a' appears twice"):
        read_table(path)


def test_header_without_name(tmp_path):
    path = tmp_path / "d.csv"
    path.write_text("a,,c\n1,2,3\n")
    with pytest.raises(TableError, match="column 2 of the header has no name"):
        read_table(path)


def test_semicolon_separated(tmp_path):
    path = tmp_path / "s.csv"
    path.write_text("a;b\n1;2\n")
    with pytest.raises(TableError, match="semicolons"):
        read_table(path)


def test_row_with_more_cells_than_header(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("a,b\n1,2\n3,4,5\n")
    with pytest.raises(TableError, match=r"m\.csv, row 3: 3 cells but the header has 2 columns"):
        read_table(path)


def test_trailing_empty_cells_are_not_data(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text("a,b,,\n1,2,,\n")
    table = read_table(path)
    assert table.header == ["a", "b"]
    assert table.rows == [(2, {"a": "1", "b": "2"})]


def test_row_with_fewer_cells(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("a,b,c\n1,2\n")
    with pytest.raises(TableError, match=r"f\.csv, row 2: only 2 of 3 cells"):
        read_table(path)


def test_other_extension(tmp_path):
    path = tmp_path / "data.xls"
    path.write_bytes(b"whatever")
    with pytest.raises(TableError, match="unsupported file type '.xls'"):
        read_table(path)


def test_missing_file(tmp_path):
    with pytest.raises(TableError, match=r"nope\.csv: cannot be read"):
        read_table(tmp_path / "nope.csv")


def test_xlsx_cells_become_strings(tmp_path):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["a", "b", "c", "d", "e"])
    sheet.append([2023, 12.0, 12.5, date(2023, 5, 1), datetime(2023, 5, 1)])
    sheet.append([])
    sheet.append(["x", None, True])
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    table = read_table(path)
    assert table.rows == [
        (2, {"a": "2023", "b": "12", "c": "12.5", "d": "2023-05-01", "e": "2023-05-01"}),
        (4, {"a": "x", "b": "", "c": "yes", "d": "", "e": ""}),
    ]


def test_xlsx_prefers_the_sheet_named_like_the_theme(tmp_path):
    workbook = Workbook()
    workbook.active.title = "notes"
    workbook.active.append(["not", "data"])
    sheet = workbook.create_sheet("Contamination")
    sheet.append(["a"])
    sheet.append(["1"])
    path = tmp_path / "t.xlsx"
    workbook.save(path)
    assert read_table(path, sheet="contamination").header == ["a"]
    assert read_table(path).header == ["not", "data"]
    assert read_table(path, sheet="support").header == ["not", "data"]


def test_xlsx_not_a_workbook(tmp_path):
    path = tmp_path / "t.xlsx"
    path.write_text("a,b\n")
    with pytest.raises(TableError, match="not a readable .xlsx workbook"):
        read_table(path)
