"""A fast path for loading many individual casualty records at once.

`record_upsert` (services.py) looks every row up by its natural key and runs `full_clean`:
right for curated tables, far too slow for casualty data sets with hundreds of thousands of
rows. This path appends instead:

* every cell is validated with the theme's own `Column.parse` (the same rules as the
  template and the importer), plus the model's max lengths and a check that no natural key
  (country, data year, record id) repeats within the load or the edition's existing records
  from the same source;
* rows are streamed: validated rows are written while reading, with PostgreSQL's
  ``COPY ... FROM STDIN`` (psycopg 3) or SQLite ``executemany`` in large batches, all inside
  one transaction. If any row is invalid, reading continues to collect every error (up to
  `max_errors`), then the transaction is rolled back: nothing is written.

COPY and executemany bypass Django's field defaults, so `created_at` is set explicitly (one
timestamp for the whole load), `preferred` is false unless the row says yes, and blank text
columns are stored as empty strings, as the ORM would.

After the rows, the loader recomputes the CasualtyRollup rows of the (edition, source) it
loaded (`aggregates.casualty_rollup_refresh`), in the same transaction.

Foreign-key checks on PostgreSQL. Most of the time of a COPY goes to the server's
foreign-key triggers, run once per row for country, edition and source. The loader has
already checked every one of those values itself: the edition and source are existing rows
passed in, and every country code is looked up in the countries table read inside the same
transaction. So, like ``pg_restore --disable-triggers``, it asks for
``SET LOCAL session_replication_role = replica`` for the duration of the COPY, which skips
those triggers (and would skip any other trigger: Django creates none on this table). That
is safe because (1) every value written was checked against existing rows in this
transaction, and (2) those rows cannot disappear before the commit: they are locked with
``SELECT ... FOR KEY SHARE`` first (the lock the FK trigger itself would take), so a
concurrent delete waits and then fails on the committed records; the models also PROTECT
countries, editions and sources from deletion while records refer to them. NOT NULL, CHECK
and unique constraints are not triggers and are still enforced. The setting is restored
right after the COPY. It needs a superuser: the SET runs in a savepoint, and if the server
refuses it the loader rolls back to the savepoint and loads with the normal per-row checks,
which is slower but gives the same result.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from monitor.audit.services import AuditContext, audit_write
from monitor.countries.models import Country
from monitor.research.aggregates import casualty_rollup_refresh
from monitor.research.models import CasualtyRecord, Edition, Source
from monitor.research.services import ResearchDataError, edition_check_open
from monitor.research.themes import THEMES, CellError

THEME = THEMES["casualty_records"]

#: Code written for a global figure (no country).
GLOBAL_CODE = "WLD"

#: Database columns written, in order.
DB_COLUMNS = (
    "country_id",
    "data_year",
    "edition_id",
    "source_id",
    "record_id",
    "incident_date",
    "place",
    "outcome",
    "age_group",
    "sex",
    "civilian_status",
    "device",
    "quote",
    "confidence",
    "preferred",
    "preferred_reason",
    "note",
    "created_at",
)

# Columns read from each row: the theme's, except "source", which is given to the loader.
_ROW_COLUMNS = tuple(c for c in THEME.columns if c.name != "source")
_ALLOWED_KEYS = frozenset(THEME.column_names)
_MAX_LENGTHS = {
    f.name: f.max_length
    for f in CasualtyRecord._meta.concrete_fields
    if f.get_internal_type() == "CharField" and f.name in _ALLOWED_KEYS
}
# Parsed values are cached per raw cell value for every column but record_id (unique by
# definition): Column.parse is a pure function, so this changes only the speed, never the
# result. Invalid cells are not cached and are reported every time. Caches are bounded.
_UNCACHED = frozenset({"record_id"})
_CACHE_LIMIT = 20_000


class BulkLoadError(ResearchDataError):
    """Rows that cannot be stored; nothing has been written.

    `errors` lists (row number, column, message); row numbers count from `first_row`.
    """

    def __init__(self, errors: list[tuple[int, str, str]], truncated: bool = False):
        self.errors = errors
        self.truncated = truncated
        head = "; ".join(f"row {r}, {c}: {msg}" for r, c, msg in errors[:5])
        more = len(errors) - 5
        suffix = f"; and {more} more" if more > 0 else ""
        if truncated:
            suffix += " (stopped counting)"
        super().__init__(f"{len(errors)} invalid cell(s), nothing written: {head}{suffix}")


class _Validator:
    """Converts one raw row (a dict of cells) into the tuple of DB_COLUMNS values."""

    def __init__(self, *, edition: Edition, source: Source, created_at):
        self.edition_id = edition.pk
        self.source_id = source.pk
        self.source_key = source.key
        self.created_at = created_at
        self.countries = set(Country.objects.values_list("iso3", flat=True))
        self.plan = [
            (c.name, c, None if c.name in _UNCACHED else {}, _MAX_LENGTHS.get(c.name))
            for c in _ROW_COLUMNS
        ]
        self.checked_keys: tuple | None = None
        # Natural keys already taken: this edition's records from this source.
        self.seen: set[tuple] = set(
            CasualtyRecord.objects.filter(edition=edition, source=source).values_list(
                "country_id", "data_year", "record_id"
            )
        )

    @staticmethod
    def _parse(column, raw, limit):
        value = column.parse(raw)
        if limit and value is not None and len(value) > limit:
            raise CellError(f"at most {limit} characters, got {len(value)}")
        return value

    def convert(self, n: int, row: dict, errors: list) -> tuple | None:
        keys = tuple(row)
        if keys != self.checked_keys:
            unknown = [k for k in keys if k not in _ALLOWED_KEYS]
            if unknown:
                names = ", ".join(repr(k) for k in unknown)
                errors.append((n, "", f"unknown column(s) {names}"))
                return None
            self.checked_keys = keys
        values = {}
        ok = True
        get = row.get
        for name, column, cache, limit in self.plan:
            raw = get(name)
            try:
                # Only text cells are cached: 1, 1.0 and True are equal keys but not equal text.
                if cache is None or type(raw) is not str:
                    values[name] = self._parse(column, raw, limit)
                    continue
                try:
                    values[name] = cache[raw]
                    continue
                except KeyError:
                    value = self._parse(column, raw, limit)
            except CellError as exc:
                errors.append((n, name, str(exc)))
                ok = False
                continue
            if len(cache) >= _CACHE_LIMIT:
                cache.clear()
            cache[raw] = values[name] = value
        raw_source = row.get("source")
        if raw_source is not None and str(raw_source).strip() not in ("", self.source_key):
            errors.append(
                (
                    n,
                    "source",
                    f"expected {self.source_key!r} (the load's source), got {raw_source!r}",
                )
            )
            ok = False
        if not ok:
            return None
        code = values["country"].upper()
        if code == GLOBAL_CODE:
            country_id = None
        elif code in self.countries:
            country_id = code
        else:
            errors.append((n, "country", f"unknown country code {values['country']!r}"))
            return None
        key = (country_id, values["data_year"], values["record_id"])
        if key in self.seen:
            errors.append(
                (
                    n,
                    "record_id",
                    f"record {values['record_id']!r} for {code} {values['data_year']} "
                    "already exists in this edition and source",
                )
            )
            return None
        self.seen.add(key)
        return (
            country_id,
            values["data_year"],
            self.edition_id,
            self.source_id,
            values["record_id"],
            values["incident_date"],
            values["place"] or "",
            values["outcome"],
            values["age_group"],
            values["sex"],
            values["civilian_status"],
            values["device"],
            values["quote"] or "",
            values["confidence"] or "",
            bool(values["preferred"]),
            values["preferred_reason"] or "",
            values["note"] or "",
            self.created_at,
        )


def _rows_checked(rows, validator, errors, first_row, max_errors):
    """Yield converted rows; once an error is found keep validating but yield nothing."""
    for n, row in enumerate(rows, start=first_row):
        converted = validator.convert(n, row, errors)
        if errors:
            if len(errors) >= max_errors:
                return
            continue
        yield converted


def _skip_fk_triggers(edition: Edition, source: Source) -> str | None:
    """On PostgreSQL, stop per-row trigger checks for this transaction if permitted.

    Returns the previous session_replication_role to restore after the COPY, or None if the
    server refused (not a superuser): then nothing has changed and the normal per-row
    foreign-key checks apply. On success, locks the rows the new records may refer to (all
    countries, the edition and the source) FOR KEY SHARE until the end of the transaction,
    as the foreign-key triggers would have. See the module docstring.
    """
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('session_replication_role')")
        (previous,) = cursor.fetchone()
        try:
            with transaction.atomic():  # a savepoint: a refusal must not abort the load
                cursor.execute("SET LOCAL session_replication_role = replica")
        except DatabaseError:
            return None
        for model, where, params in (
            (Country, "", []),
            (Edition, f" WHERE {qn('id')} = %s", [edition.pk]),
            (Source, f" WHERE {qn('id')} = %s", [source.pk]),
        ):
            table = qn(model._meta.db_table)
            cursor.execute(f"SELECT 1 FROM {table}{where} FOR KEY SHARE", params)
    return previous


def _restore_replication_role(previous: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('session_replication_role', %s, true)", [previous])


def _write_postgresql(table: str, rows) -> int:
    columns = ", ".join(connection.ops.quote_name(c) for c in DB_COLUMNS)
    sql = f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def _write_sqlite(table: str, rows, batch_size: int) -> int:
    # Dates and datetimes converted as Django's SQLite backend stores them (ISO text, UTC).
    date_i, created_i = DB_COLUMNS.index("incident_date"), DB_COLUMNS.index("created_at")
    columns = ", ".join(connection.ops.quote_name(c) for c in DB_COLUMNS)
    marks = ", ".join("?" * len(DB_COLUMNS))
    sql = f"INSERT INTO {connection.ops.quote_name(table)} ({columns}) VALUES ({marks})"
    count = 0
    created = None
    batch: list[tuple] = []
    with connection.cursor() as cursor:
        raw = cursor.cursor  # the sqlite3 cursor: "?" placeholders, no per-row wrapping
        for row in rows:
            if created is None:
                created = connection.ops.adapt_datetimefield_value(row[created_i])
            incident = row[date_i]
            row = list(row)
            row[date_i] = incident.isoformat() if incident is not None else None
            row[created_i] = created
            batch.append(row)
            if len(batch) >= batch_size:
                raw.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            raw.executemany(sql, batch)
            count += len(batch)
    return count


def casualty_records_bulk_load(
    *,
    rows: Iterable[dict],
    edition: Edition,
    source: Source,
    batch_size: int = 10_000,
    first_row: int = 1,
    max_errors: int = 1000,
    skip_fk_triggers: bool = True,
    audit: AuditContext | None = None,
) -> int:
    """Validate and append individual casualty records; return the number written.

    `rows` are dicts keyed by the "casualty_records" theme's column names (cells as text,
    as read from a file; "source", if present, must be `source.key`). Country codes are
    ISO3 codes of loaded countries, or "WLD" for a global record. Row numbers in errors
    count from `first_row` (pass 2 for a CSV file with a header line).

    All or nothing: on any invalid row, BulkLoadError lists every error found (at most
    `max_errors`) and the database is unchanged. The CasualtyRollup rows of (edition,
    source) are refreshed in the same transaction.

    On PostgreSQL the server's per-row foreign-key triggers are skipped during the COPY when
    the connection may do so (superuser), since the loader checks those values itself; see
    the module docstring. `skip_fk_triggers=False` keeps the per-row checks.

    The audit log gets one entry for the whole load (rows appended, edition, source, `audit`'s
    who/how/why), not one per row. A frozen edition refuses the load.
    """
    edition_check_open(edition)
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    table = CasualtyRecord._meta.db_table
    errors: list[tuple[int, str, str]] = []
    with transaction.atomic():
        previous_role = None
        if connection.vendor == "postgresql" and skip_fk_triggers:
            previous_role = _skip_fk_triggers(edition, source)
        validator = _Validator(edition=edition, source=source, created_at=timezone.now())
        checked = _rows_checked(rows, validator, errors, first_row, max_errors)
        if connection.vendor == "postgresql":
            count = _write_postgresql(table, checked)
            if previous_role is not None:
                _restore_replication_role(previous_role)
        elif connection.vendor == "sqlite":
            count = _write_sqlite(table, checked, batch_size)
        else:  # pragma: no cover - the project supports SQLite and PostgreSQL only
            raise NotImplementedError(f"bulk load is not implemented for {connection.vendor}")
        if errors:
            raise BulkLoadError(errors, truncated=len(errors) >= max_errors)
        casualty_rollup_refresh(edition=edition, source=source)
        audit_write(
            context=audit or AuditContext(via="bulk load"),
            action="create",
            object_type=CasualtyRecord._meta.label_lower,
            object_id=f"bulk:{source.key}",
            label=f"{count} individual casualty records from {source.key}",
            edition=edition.name,
            after={"records_appended": count, "source": source.key},
        )
    return count
