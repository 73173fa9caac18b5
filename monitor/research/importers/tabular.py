"""Reading research data files: CSV (UTF-8) and Excel workbooks (.xlsx), framework-free.

A file is a header row and one row per record. Every cell comes back as a string, with row
numbers as a person sees them in a spreadsheet (the header is row 1). Anything doubtful (a file
that is not UTF-8, a row cut off, a cell too many) is an error naming the file and the row:
nothing is guessed.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

SUFFIXES = (".csv", ".xlsx")


class TableError(ValueError):
    """A file that cannot be read as a table; the message names the file (and the row)."""

    def __init__(self, path: Path | str, detail: str, row: int | None = None):
        self.path = Path(path)
        self.detail = detail
        self.row = row
        where = f"{self.path.name}, row {row}" if row is not None else self.path.name
        super().__init__(f"{where}: {detail}")


@dataclass
class Table:
    path: Path
    header: list[str]
    #: (row number as a spreadsheet shows it, {column name: cell text}); blank rows are left out.
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    header_row: int = 1


def read_table(path: Path | str, *, sheet: str | None = None) -> Table:
    """Read a .csv or .xlsx file; for a workbook, the sheet named `sheet` if any, else the first."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise TableError(
            path, f"unsupported file type {path.suffix or '(none)'!r}; expected .csv or .xlsx"
        )
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TableError(path, f"cannot be read: {exc.strerror or exc}") from None
    if not data.strip():
        raise TableError(path, "the file is empty")
    if suffix == ".csv":
        records = _csv_records(path, data)
        pad = False
    else:
        records = _xlsx_records(path, data, sheet)
        pad = True
    return _table(path, records, pad_short_rows=pad)


def _table(path: Path, records, *, pad_short_rows: bool) -> Table:
    header: list[str] | None = None
    header_row = 0
    rows: list[tuple[int, dict[str, str]]] = []
    for number, cells in records:
        if not any(c.strip() for c in cells):
            continue  # blank row
        if header is None:
            header, header_row = _header(path, number, cells), number
            continue
        width = len(header)
        if len(cells) > width:
            extra = cells[width:]
            if any(c.strip() for c in extra):
                raise TableError(
                    path,
                    f"{len(cells)} cells but the header has {width} columns "
                    f"(extra value {next(c for c in extra if c.strip())!r})",
                    row=number,
                )
            cells = cells[:width]
        if len(cells) < width:
            if not pad_short_rows:
                raise TableError(
                    path,
                    f"only {len(cells)} of {width} cells (after column {header[len(cells) - 1]!r})"
                    "; is the row or the file cut off?",
                    row=number,
                )
            cells = cells + [""] * (width - len(cells))
        rows.append((number, dict(zip(header, cells, strict=True))))
    if header is None:
        raise TableError(path, "no header row: the file has no cells")
    return Table(path=path, header=header, rows=rows, header_row=header_row)


def _header(path: Path, number: int, cells: list[str]) -> list[str]:
    names = [c.strip() for c in cells]
    while names and not names[-1]:
        names.pop()
    if len(names) == 1:
        for sep, label in ((";", "semicolons"), ("\t", "tabs")):
            if sep in names[0]:
                raise TableError(
                    path,
                    f"the header looks separated by {label}; save the file as comma-separated CSV",
                    row=number,
                )
    seen: set[str] = set()
    for i, name in enumerate(names, start=1):
        if not name:
            raise TableError(path, f"column {i} of the header has no name", row=number)
        if name in seen:
            raise TableError(path, f"column {name!r} appears twice in the header", row=number)
        seen.add(name)
    return names


def _csv_records(path: Path, data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise TableError(
            path,
            f"not valid UTF-8 (line {line}, byte {exc.start}: "
            f"0x{data[exc.start]:02X}); "
            "save it as CSV UTF-8 and import it again",
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    number = 0
    records = []
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            detail = str(exc)
            if "unexpected end of data" in detail or "EOF" in detail:
                detail = "a quoted cell is never closed; is the file cut off?"
            raise TableError(path, f"malformed CSV: {detail}", row=number + 1) from None
        number += 1
        records.append((number, cells))
    return records


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


def _xlsx_records(path: Path, data: bytes, sheet: str | None):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise TableError(path, f"not a readable .xlsx workbook ({exc})") from None
    try:
        names = {n.strip().lower(): n for n in workbook.sheetnames}
        chosen = names.get(sheet.strip().lower()) if sheet else None
        worksheet = workbook[chosen] if chosen else workbook.worksheets[0]
        records = []
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            records.append((number, cells))
        return records
    finally:
        workbook.close()
