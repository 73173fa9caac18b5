"""Import templates per theme: a CSV header, or an Excel workbook with a help sheet.

Used by `monitor template` and by the site's download links.
"""

import csv
import io
from pathlib import Path
from typing import BinaryIO

from monitor.research.themes import Column, Theme

#: What each converter accepts, for the help sheet.
_FORMATS = {
    "_text": "text",
    "_int": "whole number",
    "_nonneg_int": "whole number, not negative",
    "_decimal": "number",
    "_area": "km², up to 2 decimals, not negative",
    "_money": "US dollars, not negative",
    "_year": "year, YYYY",
    "_partial_date": "YYYY, YYYY-MM or YYYY-MM-DD",
    "_date": "YYYY-MM-DD",
    "_bool": "yes or no",
}
_NUMERIC = {"_int", "_nonneg_int", "_decimal", "_area", "_money", "_year"}


def column_format(column: Column) -> str:
    if column.lookup == "country":
        return "country code (ISO 3166-1 alpha-3) or WLD"
    if column.lookup == "source":
        return "source key"
    return _FORMATS.get(getattr(column.convert, "__name__", ""), "text")


def template_csv(theme: Theme) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(theme.column_names)
    return out.getvalue()


def template_xlsx(theme: Theme, path: Path | BinaryIO) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = theme.name[:31]
    sheet.append(theme.column_names)
    bold = Font(bold=True)
    for i, column in enumerate(theme.columns, start=1):
        letter = get_column_letter(i)
        sheet.cell(row=1, column=i).font = bold
        dim = sheet.column_dimensions[letter]
        dim.width = max(12, len(column.name) + 2)
        if getattr(column.convert, "__name__", "") not in _NUMERIC:
            # Text format: Excel keeps "2023-05" or "0012" as typed instead of converting them.
            dim.number_format = "@"
        if column.choices and len(",".join(column.choices)) < 250:
            rule = DataValidation(
                type="list", formula1=f'"{",".join(column.choices)}"', allow_blank=True
            )
            rule.add(f"{letter}2:{letter}10000")
            sheet.add_data_validation(rule)
    sheet.freeze_panes = "A2"

    help_sheet = workbook.create_sheet("help")
    help_sheet.append(["column", "required", "format", "allowed values", "help"])
    for cell in help_sheet[1]:
        cell.font = bold
    for column in theme.columns:
        help_sheet.append(
            [
                column.name,
                "required" if column.required else "optional",
                column_format(column),
                ", ".join(column.choices),
                column.help,
            ]
        )
    for letter, width in zip("ABCDE", (24, 10, 40, 50, 70), strict=True):
        help_sheet.column_dimensions[letter].width = width
    workbook.save(path)
