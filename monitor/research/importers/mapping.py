"""Mapping-driven import of external tables (CSV or XLSX) into a research theme.

A mapping file (JSON) declares everything specific to one external table, so a new data set
needs a mapping, not code:

    {
      "name": "colombia-desminado",
      "theme": "land_release",                       # a theme from monitor.research.themes
      "source": {"title": ..., "publisher": ..., "url": ..., "key": ..., "licence": ...},
      "input": {
        "sheet": "Hoja1",                            # XLSX only; default: the first sheet
        "columns": {                                 # every column the input must have
          "areadespejada": {"type": "decimal", "min": 0, "unit": "m2"},
          "ano": {"type": "integer", "min": 1990, "max": 2100},
          "tipodesminado": {"type": "text", "choices": ["Comunidades", "Bases Militares"]},
          ...                                        # "required": false allows empty cells
        },
        "filters": [{"column": "tipodesminado", "in": ["Comunidades"]}],   # keep matching rows
        "checks": [{"sum": ["map", "muse", "aei"], "equals": "totalartefactosdestruidos"}]
      },
      "country": {"fixed": "COL"},                   # or {"column": "pais", "codes": {...}}
      "year": {"column": "ano"},
      "fixed": {"hazard": "mines"},                  # constant target values
      "fields": {                                    # target field <- sum over the group
        "cleared_km2": {"sum": "areadespejada", "unit": "km2", "round": 2},
        "ap_mines_destroyed": {"sum": "map"}
      },
      "note": "... aggregated from municipal records ({rows} rows) ..."
    }

Rows are grouped by country and year; each group becomes one record of the theme, written
with `record_upsert`, so a re-import changes nothing. Sums are exact (Decimal); a unit
conversion and the rounding (half-up) are applied to the sum, never to single rows.

Every problem in the input (wrong encoding, missing column, a value of the wrong type, a
failed check, a truncated row) is collected with its file, row and column, and all of them
are reported together; if there is any, nothing is written.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.db import models, transaction

from monitor.audit.services import AuditContext
from monitor.countries.models import Country
from monitor.research.importers.issues import ImportIssue
from monitor.research.services import (
    ResearchDataError,
    edition_get_or_create,
    record_upsert,
    source_get_or_create,
)
from monitor.research.themes import CellError, Theme, theme_get

#: Unit conversions, as exact factors: value_in_target = value_in_source * factor.
UNIT_FACTORS: dict[tuple[str, str], Decimal] = {
    ("m2", "km2"): Decimal("0.000001"),
    ("ha", "km2"): Decimal("0.01"),
    ("km2", "km2"): Decimal(1),
    ("m2", "m2"): Decimal(1),
    ("ha", "ha"): Decimal(1),
}
INPUT_TYPES = ("text", "integer", "decimal")
#: Target columns the importer fills itself.
RESERVED_TARGETS = ("country", "data_year", "source", "edition", "note")

_INTEGER = re.compile(r"^-?\d+$")
_DECIMAL = re.compile(r"^-?\d+(\.\d+)?$|^-?\.\d+$")
_SURROGATES = re.compile("[\udc80-\udcff]+")


class MappingError(ResearchDataError):
    """The mapping file itself is unusable; nothing has been read or written."""


class MappedImportError(ResearchDataError):
    """The input has problems; all of them are listed and nothing has been written."""

    def __init__(self, problems: list[ImportIssue]):
        self.problems = problems
        n = len(problems)
        lines = [f"{n} problem{'s' if n != 1 else ''} in the input, nothing was written:"]
        lines += [f"  {p}" for p in problems]
        super().__init__("\n".join(lines))


# --- the mapping ------------------------------------------------------------------------


@dataclass(frozen=True)
class InputColumn:
    name: str
    type: str = "text"
    required: bool = True
    min: Decimal | None = None
    max: Decimal | None = None
    choices: tuple[str, ...] = ()
    unit: str = ""

    def parse(self, raw: str | None) -> object:
        text = "" if raw is None else raw.strip()
        if text == "":
            if self.required:
                raise CellError("is empty")
            return None
        if self.type == "text":
            value: object = text
            if self.choices and text not in self.choices:
                raise CellError(f"expected one of {', '.join(self.choices)}, got {text!r}")
            return value
        if self.type == "integer":
            if text.endswith(".0"):
                text = text[:-2]
            if not _INTEGER.match(text):
                raise CellError(f"expected a whole number, got {raw!r}")
            value = int(text)
        else:
            if not _DECIMAL.match(text):
                raise CellError(f"expected a number (digits, '.' for decimals), got {raw!r}")
            value = Decimal(text)
        if self.min is not None and value < self.min:
            what = "negative" if self.min == 0 else f"less than {self.min}"
            raise CellError(f"must not be {what}, got {value}")
        if self.max is not None and value > self.max:
            raise CellError(f"must not be more than {self.max}, got {value}")
        return value


@dataclass(frozen=True)
class Filter:
    column: str
    values: tuple[str, ...]
    keep: bool  # True: keep rows whose value is in `values`; False: drop them

    def accepts(self, raw: str | None) -> bool:
        return ((raw or "").strip() in self.values) == self.keep


@dataclass(frozen=True)
class SumCheck:
    parts: tuple[str, ...]
    equals: str
    description: str = ""


@dataclass(frozen=True)
class FieldMap:
    target: str
    sum: str
    factor: Decimal = Decimal(1)
    round: int | None = None


@dataclass(frozen=True)
class Mapping:
    path: Path
    name: str
    theme: Theme
    source: dict
    licence: str
    columns: dict[str, InputColumn]
    filters: tuple[Filter, ...]
    checks: tuple[SumCheck, ...]
    country_fixed: str | None
    country_column: str | None
    country_codes: dict[str, str]
    year_column: str
    fixed: dict[str, object]
    fields: tuple[FieldMap, ...]
    note: str
    sheet: str | None = None


def _expect(obj: object, kind: type, where: str, path: Path):
    if not isinstance(obj, kind):
        raise MappingError(f"{path}: {where} must be a {kind.__name__}")
    return obj


def _only_keys(obj: dict, allowed: set[str], where: str, path: Path) -> None:
    unknown = sorted(set(obj) - allowed)
    if unknown:
        raise MappingError(
            f"{path}: {where}: unknown key {', '.join(map(repr, unknown))}; "
            f"expected {', '.join(sorted(allowed))}"
        )


def _number(value: object, where: str, path: Path) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise MappingError(f"{path}: {where} must be a number")
    return Decimal(str(value))


def mapping_load(path: str | Path) -> Mapping:
    """Read and check a mapping file; raises MappingError with the file and the key at fault."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise MappingError(f"{path}: cannot read the mapping: {exc.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise MappingError(f"{path}: not a valid JSON mapping: {exc}") from None
    _expect(raw, dict, "the mapping", path)
    _only_keys(
        raw,
        {"name", "description", "theme", "source", "input", "country", "year", "fixed"}
        | {"fields", "note"},
        "the mapping",
        path,
    )
    for key in ("theme", "source", "input", "country", "year", "fields"):
        if key not in raw:
            raise MappingError(f"{path}: the mapping has no {key!r}")
    try:
        theme = theme_get(raw["theme"])
    except ValueError as exc:
        raise MappingError(f"{path}: theme: {exc}") from None
    if not theme.edition_bound:
        raise MappingError(f"{path}: theme {theme.name!r} is not a thematic record theme")

    # source
    source = dict(_expect(raw["source"], dict, "source", path))
    source_keys = {"key", "title", "publisher", "url", "publication_date", "quote", "licence"}
    _only_keys(source, source_keys, "source", path)
    if not str(source.get("title", "")).strip():
        raise MappingError(f"{path}: source: a title is required")
    licence = str(source.pop("licence", "")).strip()

    # input columns
    inp = _expect(raw["input"], dict, "input", path)
    _only_keys(inp, {"columns", "filters", "checks", "sheet"}, "input", path)
    columns: dict[str, InputColumn] = {}
    for name, spec in _expect(inp.get("columns"), dict, "input.columns", path).items():
        where = f"input.columns.{name}"
        _expect(spec, dict, where, path)
        _only_keys(
            spec, {"type", "required", "min", "max", "choices", "unit", "description"}, where, path
        )
        kind = spec.get("type", "text")
        if kind not in INPUT_TYPES:
            raise MappingError(f"{path}: {where}.type must be one of {', '.join(INPUT_TYPES)}")
        if kind == "text" and any(k in spec for k in ("min", "max", "unit")):
            raise MappingError(f"{path}: {where}: min, max and unit need a numeric type")
        if kind != "text" and "choices" in spec:
            raise MappingError(f"{path}: {where}: choices are for text columns")
        columns[name] = InputColumn(
            name=name,
            type=kind,
            required=bool(spec.get("required", True)),
            min=_number(spec["min"], f"{where}.min", path) if "min" in spec else None,
            max=_number(spec["max"], f"{where}.max", path) if "max" in spec else None,
            choices=tuple(_expect(spec.get("choices", []), list, f"{where}.choices", path)),
            unit=str(spec.get("unit", "")),
        )
    if not columns:
        raise MappingError(f"{path}: input.columns declares no column")

    def column_ref(name: object, where: str, numeric: bool = False) -> str:
        if not isinstance(name, str) or name not in columns:
            raise MappingError(f"{path}: {where}: {name!r} is not a column in input.columns")
        if numeric and columns[name].type == "text":
            raise MappingError(f"{path}: {where}: column {name!r} is not numeric")
        return name

    filters = []
    for i, spec in enumerate(_expect(inp.get("filters", []), list, "input.filters", path)):
        where = f"input.filters[{i}]"
        _expect(spec, dict, where, path)
        _only_keys(spec, {"column", "in", "not_in", "description"}, where, path)
        if ("in" in spec) == ("not_in" in spec):
            raise MappingError(f"{path}: {where}: give exactly one of 'in' or 'not_in'")
        values = _expect(spec.get("in", spec.get("not_in")), list, where, path)
        filters.append(
            Filter(
                column=column_ref(spec.get("column"), where),
                values=tuple(str(v) for v in values),
                keep="in" in spec,
            )
        )
    checks = []
    for i, spec in enumerate(_expect(inp.get("checks", []), list, "input.checks", path)):
        where = f"input.checks[{i}]"
        _expect(spec, dict, where, path)
        _only_keys(spec, {"sum", "equals", "description"}, where, path)
        parts = _expect(spec.get("sum"), list, f"{where}.sum", path)
        checks.append(
            SumCheck(
                parts=tuple(column_ref(p, where, numeric=True) for p in parts),
                equals=column_ref(spec.get("equals"), where, numeric=True),
                description=str(spec.get("description", "")),
            )
        )

    # country and year
    country = _expect(raw["country"], dict, "country", path)
    _only_keys(country, {"fixed", "column", "codes"}, "country", path)
    if ("fixed" in country) == ("column" in country):
        raise MappingError(f"{path}: country: give exactly one of 'fixed' or 'column'")
    country_fixed = str(country["fixed"]).strip().upper() if "fixed" in country else None
    country_column = column_ref(country["column"], "country") if "column" in country else None
    codes = _expect(country.get("codes", {}), dict, "country.codes", path)
    year = _expect(raw["year"], dict, "year", path)
    _only_keys(year, {"column"}, "year", path)
    year_column = column_ref(year.get("column"), "year")
    if columns[year_column].type != "integer":
        raise MappingError(f"{path}: year: column {year_column!r} must be of type integer")
    for name in filter(None, (country_column, year_column)):
        if not columns[name].required:
            raise MappingError(f"{path}: input.columns.{name}: a grouping column is required")

    # target values
    targets = {c.name for c in theme.columns} - set(RESERVED_TARGETS)
    fixed = dict(_expect(raw.get("fixed", {}), dict, "fixed", path))
    for name, value in fixed.items():
        if name not in targets:
            raise MappingError(f"{path}: fixed: {name!r} is not a column of theme {theme.name}")
        try:
            fixed[name] = theme.column(name).parse(str(value))
        except CellError as exc:
            raise MappingError(f"{path}: fixed.{name}: {exc}") from None
    fields = []
    for name, spec in _expect(raw["fields"], dict, "fields", path).items():
        where = f"fields.{name}"
        if name not in targets:
            raise MappingError(f"{path}: {where}: not a column of theme {theme.name}")
        if name in fixed:
            raise MappingError(f"{path}: {where}: also given in fixed")
        _expect(spec, dict, where, path)
        _only_keys(spec, {"sum", "unit", "round", "description"}, where, path)
        column = columns[column_ref(spec.get("sum"), where, numeric=True)]
        unit_to = str(spec.get("unit", ""))
        if column.unit or unit_to:
            factor = UNIT_FACTORS.get((column.unit, unit_to))
            if factor is None:
                raise MappingError(
                    f"{path}: {where}: no conversion from {column.unit or 'no unit'!r} "
                    f"to {unit_to or 'no unit'!r}; known: "
                    + ", ".join(f"{a}->{b}" for a, b in UNIT_FACTORS if a != b)
                )
        else:
            factor = Decimal(1)
        places = spec.get("round")
        model_field = theme.model._meta.get_field(name)
        if places is None and isinstance(model_field, models.DecimalField):
            places = model_field.decimal_places
        if places is not None and (isinstance(places, bool) or not isinstance(places, int)):
            raise MappingError(f"{path}: {where}.round must be a whole number of decimals")
        fields.append(FieldMap(target=name, sum=column.name, factor=factor, round=places))
    if not fields:
        raise MappingError(f"{path}: fields maps no column")
    note = str(raw.get("note", ""))
    try:
        note.format(rows=0, year=0, country="")
    except (KeyError, IndexError, ValueError) as exc:
        raise MappingError(f"{path}: note: only {{rows}}, {{year}}, {{country}} ({exc})") from None
    sheet = inp.get("sheet")
    return Mapping(
        path=path,
        name=str(raw.get("name") or path.stem),
        theme=theme,
        source=source,
        licence=licence,
        columns=columns,
        filters=tuple(filters),
        checks=tuple(checks),
        country_fixed=country_fixed,
        country_column=country_column,
        country_codes={str(k).strip(): str(v).strip().upper() for k, v in codes.items()},
        year_column=year_column,
        fixed=fixed,
        fields=tuple(fields),
        note=note,
        sheet=str(sheet) if sheet is not None else None,
    )


# --- reading the input ------------------------------------------------------------------


@dataclass
class Table:
    """The input as text cells: a header and numbered rows, plus problems met reading it."""

    file: str
    header: list[str]
    rows: list[tuple[int, list[str | None]]]
    problems: list[ImportIssue] = field(default_factory=list)
    #: In a CSV file a row with fewer fields than the header has lost some; a spreadsheet
    #: row may simply end before its empty cells.
    short_rows_truncated: bool = True


def _undecodable(file: str, row: int, column: str, cell: str) -> ImportIssue:
    bad = cell.encode("utf-8", "surrogateescape")
    invalid = b"".join(
        m.group(0).encode("utf-8", "surrogateescape") for m in _SURROGATES.finditer(cell)
    )
    shown = ", ".join(f"0x{b:02X}" for b in invalid)
    guess = bad.decode("cp1252", errors="replace").strip()
    return ImportIssue(
        file,
        row,
        column,
        f"not valid UTF-8 (byte {shown}; read as Latin-1 it would be {guess!r}); "
        "save the file as UTF-8",
    )


def _read_csv(path: Path) -> Table:
    file = str(path)
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # surrogateescape keeps undecodable bytes in place, so each one is located by row and column
    text = data.decode("utf-8", errors="surrogateescape")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    table = Table(file=file, header=[], rows=[])
    records: Iterator[list[str]] = iter(reader)
    try:
        header = next(records, None)
        if header is None:
            table.problems.append(ImportIssue(file, None, None, "the file is empty"))
            return table
        table.header = [h.strip() for h in header]
        for i, name in enumerate(table.header):
            if _SURROGATES.search(name):
                table.problems.append(_undecodable(file, 1, f"#{i + 1}", name))
        for cells in records:
            row = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            table.rows.append((row, list(cells)))
    except csv.Error as exc:
        table.problems.append(ImportIssue(file, reader.line_num, None, f"malformed CSV: {exc}"))
    return table


def _xlsx_text(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    try:
        import openpyxl
    except ImportError:  # pragma: no cover - openpyxl is a dependency
        raise MappedImportError(
            [
                ImportIssue(
                    str(path), None, None, "reading .xlsx needs openpyxl (pip install openpyxl)"
                )
            ]
        ) from None
    file = str(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises zipfile, KeyError, InvalidFileException...
        raise MappedImportError(
            [ImportIssue(file, None, None, f"not a readable .xlsx workbook ({exc})")]
        ) from None
    try:
        if sheet is None:
            ws = book.worksheets[0]
        elif sheet in book.sheetnames:
            ws = book[sheet]
        else:
            raise MappedImportError(
                [
                    ImportIssue(
                        file, None, None, f"no sheet {sheet!r}; has {', '.join(book.sheetnames)}"
                    )
                ]
            )
        file = f"{path} [{ws.title}]"
        table = Table(file=file, header=[], rows=[], short_rows_truncated=False)
        for row, values in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [_xlsx_text(v) for v in values]
            if not table.header:
                if any(c and c.strip() for c in cells):
                    while cells and (cells[-1] is None or not cells[-1].strip()):
                        cells.pop()
                    table.header = [(c or "").strip() for c in cells]
                continue
            if any(c is not None and c.strip() for c in cells):
                table.rows.append((row, cells))
        if not table.header:
            table.problems.append(ImportIssue(file, None, None, "the sheet is empty"))
        return table
    finally:
        book.close()


def table_read(path: str | Path, *, sheet: str | None = None) -> Table:
    """Read a CSV (strict UTF-8) or XLSX file as text cells; the format comes from the suffix."""
    path = Path(path)
    suffix = path.suffix.lower()
    try:
        if suffix in (".csv", ".txt"):
            return _read_csv(path)
        if suffix in (".xlsx", ".xlsm"):
            return _read_xlsx(path, sheet)
    except OSError as exc:
        raise MappedImportError(
            [ImportIssue(str(path), None, None, f"cannot read: {exc.strerror or exc}")]
        ) from None
    raise MappedImportError(
        [
            ImportIssue(
                str(path), None, None, f"unsupported file type {suffix!r}; expected .csv or .xlsx"
            )
        ]
    )


# --- validation and aggregation ---------------------------------------------------------


@dataclass
class Group:
    country: str
    year: int
    rows: int = 0
    sums: dict[str, Decimal | int | None] = field(default_factory=dict)


def _validate_and_group(
    mapping: Mapping, table: Table, countries: dict[str, Country | None]
) -> tuple[dict[tuple[str, int], Group], int, list[ImportIssue]]:
    file = table.file
    problems = list(table.problems)
    index: dict[str, int] = {}
    for i, name in enumerate(table.header):
        if name in index and name in mapping.columns:
            where = f"fields {index[name] + 1} and {i + 1}"
            problems.append(ImportIssue(file, 1, name, f"appears twice ({where})"))
        index.setdefault(name, i)
    if table.header:
        for name in mapping.columns:
            if name not in index:
                problems.append(
                    ImportIssue(file, 1, name, "missing column: the header has no such column")
                )
    width = len(table.header)
    groups: dict[tuple[str, int], Group] = {}
    used = 0
    for row, cells in table.rows:
        if len(cells) > width and any((c or "").strip() for c in cells[width:]):
            message = f"row has {len(cells)} fields, the header {width}"
            problems.append(ImportIssue(file, row, f"#{width + 1}", message))
        raw: dict[str, str | None] = {}
        for name in mapping.columns:
            if name not in index:
                continue
            i = index[name]
            if i >= len(cells) and table.short_rows_truncated:
                message = f"missing: the row has only {len(cells)} of {width} fields (truncated?)"
                problems.append(ImportIssue(file, row, name, message))
                continue
            cell = cells[i] if i < len(cells) else None
            if cell is not None and _SURROGATES.search(cell):
                problems.append(_undecodable(file, row, name, cell))
                continue
            raw[name] = cell
        if not all(f.accepts(raw.get(f.column)) for f in mapping.filters):
            continue
        used += 1
        values: dict[str, object] = {}
        for name, cell in raw.items():
            try:
                values[name] = mapping.columns[name].parse(cell)
            except CellError as exc:
                problems.append(ImportIssue(file, row, name, str(exc)))
        for check in mapping.checks:
            parts = [values.get(p) for p in check.parts]
            total = values.get(check.equals)
            if total is None or any(p is None for p in parts):
                continue  # a missing or bad cell is reported already
            s = sum(parts)  # type: ignore[arg-type]
            if s != total:
                shown = " + ".join(f"{p} {v}" for p, v in zip(check.parts, parts, strict=True))
                problems.append(
                    ImportIssue(
                        file,
                        row,
                        check.equals,
                        f"{shown} = {s}, not {check.equals} {total}"
                        + (f" (check: {check.description})" if check.description else ""),
                    )
                )
        # the group
        if mapping.country_fixed is not None:
            code = mapping.country_fixed
        else:
            name = mapping.country_column
            value = values.get(name)
            if value is None:
                continue
            code = mapping.country_codes.get(str(value), str(value).strip().upper())
            if code not in countries:
                found = Country.objects.filter(iso3=code).first()
                if found is None and code != "WLD":
                    problems.append(
                        ImportIssue(file, row, name, f"unknown country {value!r} (code {code!r})")
                    )
                    continue
                countries[code] = found
        year = values.get(mapping.year_column)
        if year is None:
            continue
        group = groups.setdefault((code, year), Group(country=code, year=year))  # type: ignore[arg-type]
        group.rows += 1
        for f in mapping.fields:
            value = values.get(f.sum)
            if value is not None:
                previous = group.sums.get(f.target)
                group.sums[f.target] = value if previous is None else previous + value
            else:
                group.sums.setdefault(f.target, None)
    if table.header and not table.rows:
        problems.append(ImportIssue(file, None, None, "no data rows"))
    elif table.rows and not used and not problems:
        problems.append(ImportIssue(file, None, None, "no row passes the mapping's filters"))
    return groups, used, problems


def _target_values(
    mapping: Mapping, group: Group, file: str
) -> tuple[dict[str, object], list[ImportIssue]]:
    """Converted target values of one group, checked by the theme's columns and checks."""
    theme = mapping.theme
    values: dict[str, object] = dict(mapping.fixed)
    problems = []
    for f in mapping.fields:
        total = group.sums.get(f.target)
        if total is None:
            values[f.target] = None
            continue
        value = Decimal(total) * f.factor
        if f.round is not None:
            value = value.quantize(Decimal(1).scaleb(-f.round), rounding=ROUND_HALF_UP)
        try:
            values[f.target] = theme.column(f.target).parse(str(value))
        except CellError as exc:
            problems.append(
                ImportIssue(file, None, f.sum, f"{group.country} {group.year}: {f.target} {exc}")
            )
    for check in theme.checks:
        for column, message in check(values):
            problems.append(
                ImportIssue(file, None, column, f"{group.country} {group.year}: {message}")
            )
    return values, problems


# --- the import -------------------------------------------------------------------------


@dataclass
class RecordOutcome:
    country: str
    data_year: int
    rows: int
    values: dict[str, object]
    status: str  # created, updated or unchanged


@dataclass
class MappedImportReport:
    mapping: str
    theme: str
    file: str
    edition: str
    source_key: str
    licence: str
    rows_read: int
    rows_used: int
    records: list[RecordOutcome] = field(default_factory=list)
    source_created: bool = False
    edition_created: bool = False
    dry_run: bool = False

    def _count(self, status: str) -> int:
        return sum(1 for r in self.records if r.status == status)

    @property
    def created(self) -> int:
        return self._count("created")

    @property
    def updated(self) -> int:
        return self._count("updated")

    @property
    def unchanged(self) -> int:
        return self._count("unchanged")

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.source_created or self.edition_created)


def mapped_import(
    *, mapping_path: str | Path, data_path: str | Path, edition: str, dry_run: bool = False
) -> MappedImportReport:
    """Import `data_path` into the mapping's theme, one record per country and year.

    Raises MappingError for an unusable mapping and MappedImportError (listing every problem
    with file, row and column) for bad input; in both cases nothing is written. With dry_run
    the report says what would change and the database is left as it was.
    """
    mapping = mapping_load(mapping_path)
    if not " ".join(edition.split()):
        raise ResearchDataError("edition name is empty")
    table = table_read(data_path, sheet=mapping.sheet)
    countries: dict[str, Country | None] = {}
    if mapping.country_fixed is not None:
        code = mapping.country_fixed
        found = Country.objects.filter(iso3=code).first()
        if found is None and code != "WLD":
            raise MappingError(
                f"{mapping.path}: country {code!r} is not in the database (run `monitor seed`?)"
            )
        countries[code] = found
    groups, used, problems = _validate_and_group(mapping, table, countries)
    targets = {}
    if not problems:
        for key in sorted(groups):
            targets[key], group_problems = _target_values(mapping, groups[key], table.file)
            problems += group_problems
    if problems:
        raise MappedImportError(problems)

    report = MappedImportReport(
        mapping=mapping.name,
        theme=mapping.theme.name,
        file=table.file,
        edition=" ".join(edition.split()),
        source_key="",
        licence=mapping.licence,
        rows_read=len(table.rows),
        rows_used=used,
        dry_run=dry_run,
    )
    with transaction.atomic():
        source, report.source_created = source_get_or_create(**mapping.source)
        report.source_key = source.key
        edition_obj, report.edition_created = edition_get_or_create(name=edition)
        for key in sorted(groups):
            group = groups[key]
            note = mapping.note.format(rows=group.rows, year=group.year, country=group.country)
            if mapping.licence:
                note = f"{note} Data licence: {mapping.licence}.".strip()
            values = {
                "country": countries[group.country],
                "data_year": group.year,
                "source": source,
                "edition": edition_obj,
                **targets[key],
                "note": note,
            }
            result = record_upsert(
                theme=mapping.theme,
                values=values,
                audit=AuditContext(via=f"import-mapped {report.file}"),
            )
            status = "created" if result.created else "updated" if result.changed else "unchanged"
            report.records.append(
                RecordOutcome(group.country, group.year, group.rows, targets[key], status)
            )
        if dry_run:
            transaction.set_rollback(True)
    return report
