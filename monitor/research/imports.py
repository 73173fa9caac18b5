"""Importing a theme's file (CSV or XLSX) into the research database.

The whole file is checked first: header, every cell, country and source codes, the theme's
checks and duplicate natural keys. Every problem is reported with file, row and column, and if
there is any, nothing is written. Otherwise all rows are written in one transaction through
`record_upsert`, so re-importing a file changes nothing and a figure revised in a later edition
goes in as that edition's record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from monitor.audit.services import AuditContext
from monitor.countries.models import Country
from monitor.research.importers.issues import ImportIssue
from monitor.research.importers.tabular import TableError, read_table
from monitor.research.models import Source
from monitor.research.services import ResearchDataError, edition_get_or_create, record_upsert
from monitor.research.themes import CellError, Theme, theme_get

GLOBAL_CODE = "WLD"
#: Resolved by the importer, not validated field by field.
_FOREIGN_KEYS = ("country", "source", "edition")


@dataclass
class ImportReport:
    theme: str
    file: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    issues: list[ImportIssue] = field(default_factory=list)
    dry_run: bool = False
    edition: str | None = None

    @property
    def ok(self) -> bool:
        return not self.issues


class _Rollback(Exception):
    pass


def _messages(exc: ValidationError) -> list[tuple[str | None, str]]:
    if hasattr(exc, "error_dict"):
        return [
            (None if name == "__all__" else name, msg.rstrip("."))
            for name, msgs in exc.message_dict.items()
            for msg in msgs
        ]
    return [(None, msg.rstrip(".")) for msg in exc.messages]


def _model_data(theme: Theme, values: dict) -> dict:
    """Values as stored: an empty cell is the field's default if it has one, else "" for text.

    The default comes first: an empty `estimate_quality` is "unspecified", not "" (which the
    field's choices refuse). These values go to `record_upsert` as they are.
    """
    model = theme.model
    names = {f.name for f in model._meta.get_fields()}
    data = {k: v for k, v in values.items() if k in names}
    for name, value in list(data.items()):
        if value is None:
            f = model._meta.get_field(name)
            if f.null:
                continue
            if f.has_default():
                data[name] = f.get_default()
            elif f.get_internal_type() in ("CharField", "TextField", "SlugField", "URLField"):
                data[name] = ""
    return data


def _key_value(value):
    if isinstance(value, Country):
        return value.iso3
    if isinstance(value, Source):
        return value.key
    return value


def row_values(
    spec: Theme,
    raw: dict[str, str],
    *,
    countries: dict[str, Country],
    sources: dict[str, Source],
    bad: set[str] | None = None,
) -> tuple[dict, list[tuple[str | None, str]]]:
    """One row of `spec` as model values, and its problems as (column, message).

    `raw` maps column names to cell text (a column not in `raw` is empty). Countries are
    looked up by ISO3 ("WLD" is a global figure) and sources by key in the given maps. The
    cells are converted, the theme's checks run and the model's field limits are checked;
    nothing is written. `bad` (updated) holds the columns already reported. The importer and
    the editorial proposals both call this, so a figure is checked the same way by both.
    """
    bad = set() if bad is None else bad
    problems: list[tuple[str | None, str]] = []
    values: dict = {}
    for column in spec.columns:
        if column.name not in raw:
            values[column.name] = None
            continue
        try:
            value = column.parse(raw[column.name] or "")
        except CellError as exc:
            problems.append((column.name, str(exc)))
            bad.add(column.name)
            continue
        if column.lookup == "country" and value is not None:
            code = str(value).strip().upper()
            if code == GLOBAL_CODE:
                value = None
            elif code in countries:
                value = countries[code]
            else:
                hint = "" if countries else " (no countries loaded: run monitor seed)"
                problems.append((column.name, f"unknown country {str(value).strip()!r}{hint}"))
                bad.add(column.name)
                continue
        elif column.lookup == "source" and value is not None:
            found = sources.get(str(value).strip())
            if found is None:
                problems.append(
                    (
                        column.name,
                        f"unknown source {str(value).strip()!r} "
                        "(load it with monitor import sources FILE)",
                    )
                )
                bad.add(column.name)
                continue
            value = found
        values[column.name] = value

    # The theme's checks, on what converted; none about a cell already reported.
    convertible = {k: v for k, v in values.items() if k not in bad}
    for check in spec.checks:
        for column_name, message in check(convertible):
            if column_name not in bad:
                problems.append((column_name, message))
                bad.add(column_name)

    data = _model_data(spec, {k: v for k, v in values.items() if k not in bad})
    # Field limits (lengths, URL and key formats) before anything is written.
    try:
        spec.model(**data).clean_fields(
            exclude=[*_FOREIGN_KEYS, *bad, *(f for f in values if f not in data)]
        )
    except ValidationError as exc:
        for column_name, message in _messages(exc):
            problems.append((column_name, message))
            bad.add(column_name or "")
    return data, problems


def theme_import(
    *, theme: str, path: Path | str, edition: str | None = None, dry_run: bool = False
) -> ImportReport:
    """Check and import one file of `theme`; see the module docstring.

    Returns a report; when `report.issues` is not empty nothing has been written.
    """
    spec = theme_get(theme)
    path = Path(path)
    fname = path.name
    edition = " ".join((edition or "").split()) or None
    report = ImportReport(
        theme=spec.name,
        file=str(path),
        dry_run=dry_run,
        edition=edition if spec.edition_bound else None,
    )
    issues = report.issues

    def issue(row, column, message):
        issues.append(ImportIssue(fname, row, column, message))

    try:
        table = read_table(path, sheet=spec.name)
    except TableError as exc:
        issue(exc.row, None, exc.detail)
        return report

    # An `edition` column (as `monitor export` writes) gives each row its edition; with
    # --edition as well, every row must name that edition.
    edition_column = next(
        (t for t in table.header if spec.edition_bound and t.strip().lower() == "edition"), None
    )
    if spec.edition_bound and not edition and edition_column is None:
        issue(
            None,
            None,
            f"an edition is needed for {spec.name} "
            '(--edition NAME, e.g. --edition "Landmine Monitor 2024", or an edition column)',
        )

    # Header: column names are matched without regard to case or surrounding spaces.
    known = {c.name: c for c in spec.columns}
    present: dict[str, str] = {}  # column name -> header text in the file
    for text in table.header:
        name = text.strip().lower()
        if text is edition_column:
            continue
        if name in known and name not in present:
            present[name] = text
        elif name in known:
            issue(table.header_row, text, f"column {name!r} appears twice in the header")
        else:
            issue(
                table.header_row,
                text,
                f"unknown column {text!r} for {spec.name} "
                f"(monitor template {spec.name} lists the columns)",
            )
    missing = {c.name for c in spec.columns if c.required and c.name not in present}
    for column in spec.columns:
        if column.name in missing:
            issue(table.header_row, column.name, "required column is missing")

    countries: dict[str, Country] = {}
    if any(c.lookup == "country" for c in spec.columns):
        countries = {c.iso3.upper(): c for c in Country.objects.all()}
    source_keys = set()
    source_columns = [c.name for c in spec.columns if c.lookup == "source" and c.name in present]
    for _, cells in table.rows:
        for name in source_columns:
            source_keys.add(cells[present[name]].strip())
    sources = Source.objects.in_bulk(list(source_keys - {""}), field_name="key")

    prepared: list[tuple[int, str | None, dict]] = []
    seen_keys: dict[tuple, int] = {}
    for number, cells in table.rows:
        bad: set[str] = set(missing)  # columns already reported: no more about them
        row_edition = edition
        if edition_column is not None:
            cell = " ".join(cells[edition_column].split())
            if not cell and not edition:
                issue(number, "edition", "is required (or give --edition)")
            elif cell and edition and cell != edition:
                issue(number, "edition", f"{cell!r} is not the edition given, {edition!r}")
            row_edition = cell or edition
        raw = {name: cells[text] for name, text in present.items()}
        data, problems = row_values(spec, raw, countries=countries, sources=sources, bad=bad)
        for column_name, message in problems:
            issue(number, column_name, message)

        if not any(k in bad for k in spec.key):
            key = (row_edition, *(_key_value(data.get(k)) for k in spec.key))
            if key in seen_keys:
                issue(
                    number,
                    None,
                    f"same {', '.join(spec.key)} as row {seen_keys[key]}: "
                    "one record per key in a file",
                )
            else:
                seen_keys[key] = number
        prepared.append((number, row_edition, data))

    if issues:
        return report

    try:
        with transaction.atomic():
            editions: dict[str, object] = {}
            if spec.edition_bound:
                for name in dict.fromkeys(e for _, e, _ in prepared if e):
                    try:
                        editions[name], _ = edition_get_or_create(name=name)
                    except (ResearchDataError, ValidationError) as exc:
                        messages = (
                            [m for _, m in _messages(exc)]
                            if isinstance(exc, ValidationError)
                            else [str(exc)]
                        )
                        for message in messages:
                            issue(None, None, f"edition {name!r}: {message}")
                if issues:
                    raise _Rollback
            prepared_written = []
            for number, row_edition, data in prepared:
                if spec.edition_bound:
                    data = {**data, "edition": editions[row_edition]}
                prepared_written.append((number, row_edition, data))
                try:
                    result = record_upsert(
                        theme=spec, values=data, audit=AuditContext(via=f"import {fname}")
                    )
                except ValidationError as exc:
                    for column_name, message in _messages(exc):
                        issue(number, column_name, message)
                    continue
                except ResearchDataError as exc:  # e.g. a figure of a frozen edition
                    issue(number, "edition", str(exc))
                    continue
                if result.created:
                    report.created += 1
                elif result.changed:
                    report.updated += 1
                else:
                    report.unchanged += 1
            if spec.name == "casualty_records" and not issues:
                # Individual records feed the maintained country-year roll-up.
                from monitor.research.aggregates import casualty_rollup_refresh

                for edition_obj, source in {
                    (data["edition"], data["source"]) for _, _, data in prepared_written
                }:
                    casualty_rollup_refresh(edition=edition_obj, source=source)
            if issues or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    if issues:
        report.created = report.updated = report.unchanged = 0
    elif not dry_run and (report.created or report.updated):
        from monitor.web.cache import data_version_bump

        data_version_bump()  # published data changed: cached pages are stale
    return report
