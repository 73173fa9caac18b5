"""Open data exports of the research database: CSV, XLSX, JSON, HXL and a Frictionless Data Package.

One reader, `theme_rows`, gives a theme's records as strings in the theme's column order (the
import template's columns, plus `edition` after `data_year`), so an export can be imported
again with `monitor import`. The writers only format those rows; JSON and XLSX turn the cells
back into typed values from the theme's declaration.

The data package (`datapackage_export`) holds every source, every edition and one CSV per
edition-bound theme, described by a Table Schema with types, required and enum constraints and
foreign keys from each record to its source and edition. `datapackage_import` loads one into a
database, so export -> empty database -> import -> export gives the same files byte for byte.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable
from decimal import Decimal
from pathlib import Path
from typing import IO

from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models.functions import Coalesce

from monitor.countries.models import Country
from monitor.research.models import Edition, Source
from monitor.research.themes import THEMES, Theme, _partial_date, theme_get

#: Code written for a global figure (a record with no country).
GLOBAL_CODE = "WLD"

#: The extra column after `data_year` in edition-bound themes, and its HXL tag.
EDITION_COLUMN = "edition"
EDITION_HXL = "#meta+edition"

PACKAGE_NAME = "landmine-cluster-munition-monitor"
PACKAGE_TITLE = "Landmine and Cluster Munition Monitor: research data"
PACKAGE_DESCRIPTION = (
    "Cited research records of the Landmine and Cluster Munition Monitor per country and data "
    "year, by report edition: every record names its edition and its source. A country of WLD "
    "is a global figure. Where sources disagree every value is kept and one may be marked "
    "preferred, with the reason."
)
# The licence of the published data is the Monitor's decision; CC BY 4.0 until it is confirmed.
PACKAGE_LICENSES = [
    {
        "name": "CC-BY-4.0",
        "title": "Creative Commons Attribution 4.0",
        "path": "https://creativecommons.org/licenses/by/4.0/",
    }
]
PACKAGE_SOURCES = [
    {"title": "Landmine and Cluster Munition Monitor", "path": "https://www.the-monitor.org/"}
]

#: Columns of editions.csv, in order.
EDITION_COLUMNS = ("name", "report_year", "data_year", "publication_date", "status")

FORMATS = ("csv", "xlsx", "json", "hxl", "datapackage")
EXTENSIONS = {"csv": "csv", "xlsx": "xlsx", "json": "json", "hxl": "hxl.csv"}

_PARTIAL_DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"


class ExportError(ValueError):
    """An export that cannot be made (unknown theme, country or edition); nothing is written."""


# --------------------------------------------------------------------------------------------
# Column types, from the model fields behind the theme's columns


def _field(theme: Theme, name: str) -> models.Field | None:
    if name in ("country", "source"):
        return None
    try:
        return theme.model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def column_type(theme: Theme, name: str) -> str:
    """Table Schema type of one export column: string, integer, number, boolean, date or year."""
    if name == "data_year":
        return "year"
    field = _field(theme, name)
    if field is None:
        return "string"
    kind = field.get_internal_type()
    if kind == "DecimalField":
        return "number"
    if kind.endswith("IntegerField"):
        return "integer"
    if kind == "BooleanField":
        return "boolean"
    if kind == "DateField":
        return "date"
    return "string"


def export_columns(theme: Theme) -> list[str]:
    """The theme's column names, with `edition` after `data_year` for edition-bound themes."""
    names = list(theme.column_names)
    if theme.edition_bound:
        names.insert(names.index("data_year") + 1, EDITION_COLUMN)
    return names


def hxl_tags(theme: Theme) -> list[str]:
    """The HXL hashtag of each export column, in order."""
    tags = {c.name: c.hxl for c in theme.columns}
    tags[EDITION_COLUMN] = EDITION_HXL
    return [tags[name] for name in export_columns(theme)]


# --------------------------------------------------------------------------------------------
# Reading


def _country_code(country: str | None) -> str | None:
    """The normalised --country filter, checked against the database."""
    if country is None:
        return None
    code = country.strip().upper()
    if code == GLOBAL_CODE:
        return code
    if not Country.objects.filter(iso3=code).exists():
        raise ExportError(
            f"unknown country {country!r}: expected an ISO 3166-1 alpha-3 code or {GLOBAL_CODE}"
        )
    return code


def _edition_name(edition: str | None) -> str | None:
    if edition is None:
        return None
    name = " ".join(edition.split())
    if not Edition.objects.filter(name=name).exists():
        known = ", ".join(
            Edition.objects.order_by("report_year", "name").values_list("name", flat=True)
        )
        raise ExportError(f"unknown edition {edition!r}; known editions: {known or 'none'}")
    return name


def _filtered(theme: Theme, country: str | None, edition: str | None) -> models.QuerySet:
    qs = theme.model.objects.all()
    if country == GLOBAL_CODE:
        qs = qs.filter(country__isnull=True)
    elif country:
        qs = qs.filter(country_id=country)
    if edition:
        qs = qs.filter(edition__name=edition)
    return qs


def _format_cell(theme: Theme, name: str, value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Decimal):
        field = _field(theme, name)
        places = getattr(field, "decimal_places", None)
        if places is not None:
            value = value.quantize(Decimal(1).scaleb(-places))
        return f"{value:f}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def _source_rows(country: str | None, edition: str | None) -> list[dict]:
    theme = THEMES["sources"]
    qs = Source.objects.all()
    if country or edition:
        cited: set[int] = set()
        for other in THEMES.values():
            if other.edition_bound:
                cited.update(
                    _filtered(other, country, edition)
                    .values_list("source_id", flat=True)
                    .distinct()
                )
        qs = qs.filter(id__in=cited)
    fields = theme.column_names
    rows = [
        {name: _format_cell(theme, name, value) for name, value in zip(fields, values, strict=True)}
        for values in qs.order_by().values_list(*fields)
    ]
    rows.sort(key=lambda row: row["key"])
    return rows


def theme_rows(theme: str, *, country: str | None = None, edition: str | None = None) -> list[dict]:
    """One theme's records as strings, in `export_columns` order, sorted deterministically.

    `country` is an ISO3 code, or WLD for global figures only; `edition` an edition name. For
    "sources", the filters keep the sources cited by the records they select. Records are
    ordered by country (global first), data year, edition (report year, name), the theme's
    natural key and finally id, so the order never depends on how they were loaded.
    """
    try:
        th = theme_get(theme)
    except ValueError as exc:
        raise ExportError(str(exc)) from None
    country = _country_code(country)
    edition = _edition_name(edition)
    if not th.edition_bound:
        return _source_rows(country, edition)

    lookups = _lookups(th)
    # One query: the edition and source are joined, not fetched per record.
    qs = _filtered(th, country, edition).order_by()
    values = qs.values_list("id", "edition__report_year", *lookups.values())
    columns = export_columns(th)
    key_fields = [k for k in th.key if k not in ("country", "data_year")]

    decorated = []
    for pk, report_year, *cells in values:
        raw = dict(zip(lookups, cells, strict=True))
        row = {name: _format_cell(th, name, raw[name]) for name in columns}
        if raw["country"] is None:
            row["country"] = GLOBAL_CODE
        sort_key = (
            raw["country"] is not None,
            row["country"],
            raw["data_year"],
            report_year or 0,
            row[EDITION_COLUMN],
            tuple(row[k] for k in key_fields),
            pk,
        )
        decorated.append((sort_key, row))
    decorated.sort(key=lambda pair: pair[0])
    return [row for _, row in decorated]


class RowPage:
    """A theme's records ordered in the database, formatted as `theme_rows` formats them (plus
    the record's "id") only when sliced: `page[a:b]` runs one query for those rows;
    `count()` one COUNT."""

    def __init__(self, theme: Theme, qs: models.QuerySet):
        self._theme = theme
        self._lookups = _lookups(theme)
        key_fields = [k for k in theme.key if k not in ("country", "data_year")]
        order = [
            models.F("country_id").asc(nulls_first=True),
            "data_year",
            Coalesce("edition__report_year", 0).asc(),
            "edition__name",
            *(self._lookups[k] for k in key_fields),
            "id",
        ]
        self._values = qs.order_by(*order).values_list("id", *self._lookups.values())

    def count(self) -> int:
        return self._values.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[dict]:
        columns = export_columns(self._theme)
        rows = []
        for pk, *cells in self._values[item]:
            raw = dict(zip(self._lookups, cells, strict=True))
            row = {"id": pk} | {
                name: _format_cell(self._theme, name, raw[name]) for name in columns
            }
            if raw["country"] is None:
                row["country"] = GLOBAL_CODE
            rows.append(row)
        return rows


def _lookups(th: Theme) -> dict[str, str]:
    """Export column -> the database lookup that reads it (foreign keys by natural key)."""
    lookups = {}
    for name in th.column_names:
        if name == "country":
            lookups[name] = "country_id"
        elif name == "source":
            lookups[name] = "source__key"
        else:
            lookups[name] = name
    lookups[EDITION_COLUMN] = "edition__name"
    return lookups


def theme_rows_paged(
    theme: str,
    *,
    country: str | None = None,
    edition: str | None = None,
    year: int | None = None,
) -> RowPage:
    """Like `theme_rows` for an edition-bound theme, but ordered and sliced in the database
    (country with global first, data year, edition, natural key, id), so a page of a large
    table costs one small query; for the API."""
    th = theme_get(theme)
    country = _country_code(country)
    edition = _edition_name(edition)
    qs = _filtered(th, country, edition)
    if year is not None:
        qs = qs.filter(data_year=year)
    return RowPage(th, qs)


def edition_rows(*, edition: str | None = None) -> list[dict]:
    """Editions as strings (EDITION_COLUMNS), ordered by report year and name."""
    edition = _edition_name(edition)
    qs = Edition.objects.all()
    if edition:
        qs = qs.filter(name=edition)
    rows = []
    for values in qs.order_by().values_list(*EDITION_COLUMNS):
        row = dict(zip(EDITION_COLUMNS, values, strict=True))
        rows.append((row["report_year"] or 0, row["name"], row))
    rows.sort(key=lambda t: (t[0], t[1]))
    return [
        {
            k: "" if v is None else v.isoformat() if hasattr(v, "isoformat") else str(v)
            for k, v in row.items()
        }
        for *_, row in rows
    ]


# --------------------------------------------------------------------------------------------
# Typed values (JSON, XLSX)


def typed_value(theme: Theme, name: str, text: str):
    """A cell of `theme_rows` as a typed value: int, float, bool, str or None when empty.

    Dates stay ISO strings (YYYY-MM-DD); decimals become numbers.
    """
    if text == "":
        return None
    kind = column_type(theme, name)
    if kind in ("integer", "year"):
        return int(text)
    if kind == "number":
        return float(Decimal(text))
    if kind == "boolean":
        return text == "yes"
    return text


def _json_records(theme: Theme, rows: list[dict]) -> list[dict]:
    sources = {}
    if theme.edition_bound:
        keys = {row["source"] for row in rows}
        sources = {
            key: (title, url)
            for key, title, url in Source.objects.filter(key__in=keys).values_list(
                "key", "title", "url"
            )
        }
    records = []
    for row in rows:
        record = {}
        for name, text in row.items():
            record[name] = typed_value(theme, name, text)
            if name == "source" and theme.edition_bound:
                title, url = sources.get(text, ("", ""))
                record["source_title"] = title or None
                record["source_url"] = url or None
        records.append(record)
    return records


# --------------------------------------------------------------------------------------------
# Writers


def write_csv(
    rows: Iterable[dict], columns: list[str], out: IO[str], *, hxl: list[str] | None = None
):
    """CSV with a header row (and, for HXL, a hashtag row under it)."""
    writer = csv.writer(out)
    writer.writerow(columns)
    if hxl is not None:
        writer.writerow(hxl)
    for row in rows:
        writer.writerow([row[c] for c in columns])


def write_json(records: list[dict], out: IO[str]) -> None:
    json.dump(records, out, ensure_ascii=False, indent=1)
    out.write("\n")


def write_xlsx(theme: Theme, rows: list[dict], path: Path | str) -> None:
    """One sheet named after the theme; bold header; numbers as numbers, the rest as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    columns = export_columns(theme)
    book = Workbook()
    sheet = book.active
    sheet.title = theme.name[:31]
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    kinds = {name: column_type(theme, name) for name in columns}
    for r, row in enumerate(rows, start=2):
        for c, name in enumerate(columns, start=1):
            text = row[name]
            if text == "":
                continue
            kind = kinds[name]
            if kind in ("integer", "year"):
                sheet.cell(r, c, int(text))
            elif kind == "number":
                cell = sheet.cell(r, c, float(Decimal(text)))
                cell.number_format = "0.00"
            else:
                cell = sheet.cell(r, c, text)
                cell.data_type = "s"  # text, even if it starts with "=": never a formula
    book.save(path)


def _open_text(path: Path | str | IO[str]):
    if hasattr(path, "write"):
        return _NoClose(path)
    return open(path, "w", encoding="utf-8", newline="")


class _NoClose:
    def __init__(self, stream: IO[str]):
        self.stream = stream

    def __enter__(self):
        return self.stream

    def __exit__(self, *exc):
        return False


def theme_export(
    fmt: str,
    theme: str,
    output: Path | str | IO[str],
    *,
    country: str | None = None,
    edition: str | None = None,
) -> int:
    """Write one theme in `fmt` (csv, xlsx, json or hxl) to a path or text stream; rows written.

    xlsx needs a path.
    """
    rows = theme_rows(theme, country=country, edition=edition)
    th = THEMES[theme]
    columns = export_columns(th)
    if fmt == "xlsx":
        write_xlsx(th, rows, output)  # type: ignore[arg-type]
        return len(rows)
    if fmt not in ("csv", "hxl", "json"):
        raise ExportError(f"unknown format {fmt!r}; expected one of: {', '.join(FORMATS)}")
    with _open_text(output) as out:
        if fmt == "json":
            write_json(_json_records(th, rows), out)
        else:
            write_csv(rows, columns, out, hxl=hxl_tags(th) if fmt == "hxl" else None)
    return len(rows)


def themes_export(
    fmt: str, directory: Path | str, *, country: str | None = None, edition: str | None = None
) -> dict[str, int]:
    """Every theme (sources included) as `<theme>.<ext>` in `directory`; rows per theme."""
    directory = Path(directory)
    _country_code(country)
    _edition_name(edition)
    directory.mkdir(parents=True, exist_ok=True)
    ext = EXTENSIONS[fmt]
    return {
        name: theme_export(fmt, name, directory / f"{name}.{ext}", country=country, edition=edition)
        for name in THEMES
    }


# --------------------------------------------------------------------------------------------
# Data package


def _schema_field(theme: Theme, name: str) -> dict:
    if name == EDITION_COLUMN:
        return {
            "name": name,
            "type": "string",
            "description": "name of the report edition the record was published in",
            "hxl": EDITION_HXL,
            "constraints": {"required": True},
        }
    column = theme.column(name)
    kind = column_type(theme, name)
    field: dict = {"name": name, "type": kind}
    if column.help:
        field["description"] = column.help
    if column.hxl:
        field["hxl"] = column.hxl  # the column's HXL hashtag, as in the hxl export
    if kind == "boolean":
        field["trueValues"] = ["yes"]
        field["falseValues"] = ["no"]
    constraints: dict = {}
    if column.required:
        constraints["required"] = True
    if column.choices:
        constraints["enum"] = list(column.choices)
    if column.convert is _partial_date:
        constraints["pattern"] = _PARTIAL_DATE_PATTERN
    field_obj = _field(theme, name)
    if name == "country":
        constraints["pattern"] = "^[A-Z]{3}$"
    if kind in ("integer", "number") and field_obj is not None:
        if field_obj.get_internal_type().startswith("Positive") or kind == "number":
            constraints["minimum"] = 0
    if constraints:
        field["constraints"] = constraints
    return field


def _never_empty(theme: Theme, name: str) -> bool:
    """True for a required column, or one the database always fills (not blank, a default)."""
    if theme.column(name).required:
        return True
    field = _field(theme, name)
    return bool(field and not field.null and not field.blank and field.has_default())


def _theme_schema(theme: Theme) -> dict:
    schema: dict = {
        "fields": [_schema_field(theme, name) for name in export_columns(theme)],
        "missingValues": [""],
    }
    if theme.edition_bound:
        key = [*theme.key, EDITION_COLUMN]
        if all(_never_empty(theme, k) for k in theme.key):
            schema["primaryKey"] = key
        schema["foreignKeys"] = [
            {"fields": "source", "reference": {"resource": "sources", "fields": "key"}},
            {"fields": EDITION_COLUMN, "reference": {"resource": "editions", "fields": "name"}},
        ]
    else:
        schema["primaryKey"] = list(theme.key)
    return schema


def _editions_schema() -> dict:
    return {
        "fields": [
            {"name": "name", "type": "string", "constraints": {"required": True}},
            {
                "name": "report_year",
                "type": "year",
                "description": "year the edition was published",
            },
            {
                "name": "data_year",
                "type": "year",
                "description": "calendar year the edition covers",
            },
            {"name": "publication_date", "type": "date"},
            {
                "name": "status",
                "type": "string",
                "constraints": {
                    "required": True,
                    "enum": [value for value, _ in Edition.Status.choices],
                },
            },
        ],
        "missingValues": [""],
        "primaryKey": ["name"],
    }


def _resource(name: str, title: str, schema: dict, description: str = "") -> dict:
    resource = {
        "name": name,
        "path": f"{name}.csv",
        "title": title,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": schema,
    }
    if description:
        resource["description"] = description
    return resource


def datapackage_descriptor() -> dict:
    """The datapackage.json of `datapackage_export` (no dates in it, so exports are repeatable)."""
    resources = [
        _resource(
            "sources",
            "Sources",
            _theme_schema(THEMES["sources"]),
            "documents the figures were taken from; records cite them by key",
        ),
        _resource("editions", "Editions", _editions_schema(), "report editions"),
    ]
    for theme in THEMES.values():
        if theme.edition_bound:
            resources.append(_resource(theme.name, theme.label, _theme_schema(theme)))
    return {
        "profile": "tabular-data-package",
        "name": PACKAGE_NAME,
        "title": PACKAGE_TITLE,
        "description": PACKAGE_DESCRIPTION,
        "homepage": "https://www.the-monitor.org/",
        "licenses": PACKAGE_LICENSES,
        "sources": PACKAGE_SOURCES,
        "keywords": ["landmines", "cluster munitions", "mine action", "HXL"],
        "resources": resources,
    }


def datapackage_export(
    directory: Path | str, *, country: str | None = None, edition: str | None = None
) -> dict[str, int]:
    """Write sources.csv, editions.csv, one CSV per edition-bound theme and datapackage.json.

    With `country` or `edition`, records are filtered, sources.csv keeps the cited sources and
    (for an edition) editions.csv that edition. Returns the rows written per resource.
    """
    directory = Path(directory)
    country = _country_code(country)
    edition = _edition_name(edition)
    directory.mkdir(parents=True, exist_ok=True)
    counts = {}
    sources = THEMES["sources"]
    rows = theme_rows("sources", country=country, edition=edition)
    with open(directory / "sources.csv", "w", encoding="utf-8", newline="") as out:
        write_csv(rows, export_columns(sources), out)
    counts["sources"] = len(rows)
    rows = edition_rows(edition=edition)
    with open(directory / "editions.csv", "w", encoding="utf-8", newline="") as out:
        write_csv(rows, list(EDITION_COLUMNS), out)
    counts["editions"] = len(rows)
    for theme in THEMES.values():
        if theme.edition_bound:
            counts[theme.name] = theme_export(
                "csv", theme.name, directory / f"{theme.name}.csv", country=country, edition=edition
            )
    with open(directory / "datapackage.json", "w", encoding="utf-8", newline="\n") as out:
        json.dump(datapackage_descriptor(), out, ensure_ascii=False, indent=2)
        out.write("\n")
    return counts


def _read_csv(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def datapackage_import(directory: Path | str) -> dict[str, int]:
    """Load a data package written by `datapackage_export`; rows read per resource.

    Sources first, then editions (created or updated with their years, date and status), then
    each theme file, one `theme_import` per edition. All in one transaction: if any file has
    an error, nothing is written and ResearchDataError says where.
    """
    from monitor.research.imports import theme_import
    from monitor.research.services import ResearchDataError, edition_get_or_create

    directory = Path(directory)
    try:
        descriptor = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ResearchDataError(f"{directory}: cannot read datapackage.json: {exc}") from None
    paths = {r["name"]: directory / r["path"] for r in descriptor.get("resources", [])}
    for required in ("sources", "editions"):
        if required not in paths:
            raise ResearchDataError(f"{directory}: datapackage.json has no {required} resource")
    unknown = [n for n in paths if n not in ("sources", "editions") and n not in THEMES]
    if unknown:
        raise ResearchDataError(f"{directory}: unknown resources {', '.join(unknown)}")

    def check(report, what):
        if report.issues:
            n = len(report.issues)
            raise ResearchDataError(
                f"{what}: {n} problem{'s' if n > 1 else ''}, first: {report.issues[0]}"
            )

    counts: dict[str, int] = {}
    with transaction.atomic(), tempfile.TemporaryDirectory() as tmp:
        check(theme_import(theme="sources", path=paths["sources"], edition=None), "sources.csv")
        counts["sources"] = len(_read_csv(paths["sources"])[1])

        _, editions = _read_csv(paths["editions"])
        for row in editions:
            obj, _ = edition_get_or_create(name=row["name"])
            obj.report_year = int(row["report_year"]) if row.get("report_year") else None
            obj.data_year = int(row["data_year"]) if row.get("data_year") else None
            obj.publication_date = row.get("publication_date") or None
            obj.status = row.get("status") or Edition.Status.DRAFT
            obj.full_clean()
            obj.save()
        counts["editions"] = len(editions)

        for name, path in paths.items():
            theme = THEMES.get(name)
            if theme is None or not theme.edition_bound:
                continue
            header, rows = _read_csv(path)
            if header != export_columns(theme):
                raise ResearchDataError(
                    f"{path.name}: expected the columns {', '.join(export_columns(theme))}"
                )
            by_edition: dict[str, list[dict]] = {}
            for row in rows:
                by_edition.setdefault(row[EDITION_COLUMN], []).append(row)
            for i, (edition_name, edition_rows_) in enumerate(by_edition.items()):
                part = Path(tmp) / f"{name}-{i}.csv"
                with open(part, "w", encoding="utf-8", newline="") as out:
                    write_csv(edition_rows_, theme.column_names, out)
                check(
                    theme_import(theme=name, path=part, edition=edition_name),
                    f"{path.name} ({edition_name})",
                )
            counts[name] = len(rows)
    return counts
