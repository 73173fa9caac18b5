"""Aggregations computed from individual casualty records.

CasualtyRecord rows (one person each) become per-country-year figures shaped like
CasualtyAggregate: a GROUP BY with a conditional COUNT per category. Every record falls into
exactly one category of each breakdown (the fields are required choices), so each breakdown
sums to the total by construction and the rows pass `themes.check_casualty_totals`.

A GROUP BY over every record grows with the table (about 0.5 s on PostgreSQL and 3 s on
SQLite at a million records), so the counts are kept in a roll-up, `CasualtyRollup`: one row
per (edition, source, country, data year), recomputed for one (edition, source) at a time by
`casualty_rollup_refresh`, which the bulk loader runs in the same transaction as the load.
`casualty_country_year` reads the roll-up (about a thousand rows per edition and source,
whatever the number of records); `casualty_country_year_scan` is the same answer computed
from the records, kept to verify the roll-up.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count, Q

from monitor.research.models import CasualtyRecord, CasualtyRollup
from monitor.research.themes import CASUALTY_GROUPS

#: Record field and value counted by each CasualtyAggregate field (total aside).
CASUALTY_CATEGORIES: dict[str, tuple[str, str]] = {
    "killed": ("outcome", "killed"),
    "injured": ("outcome", "injured"),
    "outcome_unknown": ("outcome", "unknown"),
    "civilian": ("civilian_status", "civilian"),
    "military": ("civilian_status", "military"),
    "deminer": ("civilian_status", "deminer"),
    "status_unknown": ("civilian_status", "unknown"),
    "child": ("age_group", "child"),
    "adult": ("age_group", "adult"),
    "age_unknown": ("age_group", "unknown"),
    "female": ("sex", "female"),
    "male": ("sex", "male"),
    "sex_unknown": ("sex", "unknown"),
    "ap_mine": ("device", "ap_mine"),
    "improvised_mine": ("device", "improvised_mine"),
    "av_mine": ("device", "av_mine"),
    "unspecified_mine": ("device", "unspecified_mine"),
    "cmr": ("device", "cmr"),
    "other_erw": ("device", "other_erw"),
    "device_unknown": ("device", "unknown"),
}

# The categories above must cover CASUALTY_GROUPS exactly, or a breakdown would not sum.
assert set(CASUALTY_CATEGORIES) == {c for cols in CASUALTY_GROUPS.values() for c in cols}

AGGREGATE_FIELDS: tuple[str, ...] = ("total", *CASUALTY_CATEGORIES)


def _filtered(qs, edition, country, year):
    if edition is not None:
        qs = qs.filter(edition_id=getattr(edition, "pk", edition))
    if country is not None:
        qs = qs.filter(country_id=getattr(country, "pk", country))
    if year is not None:
        qs = qs.filter(data_year=year)
    return qs


def casualty_rollup_refresh(*, edition, source) -> int:
    """Recompute the CasualtyRollup rows of one (edition, source) from its records.

    Deletes that pair's roll-up rows, then writes them again with one
    INSERT ... SELECT ... GROUP BY (a conditional count per category), in one transaction
    (the caller's, if any). Call it after any write to that pair's CasualtyRecord rows; the
    bulk loader does. Returns the number of roll-up rows written.
    """
    edition_id = getattr(edition, "pk", edition)
    source_id = getattr(source, "pk", source)
    qn = connection.ops.quote_name
    rollup = qn(CasualtyRollup._meta.db_table)
    records = qn(CasualtyRecord._meta.db_table)
    keys = ("edition_id", "source_id", "country_id", "data_year")
    columns = ", ".join(qn(c) for c in (*keys, *AGGREGATE_FIELDS))
    group = ", ".join(qn(c) for c in keys)
    # COUNT(*) FILTER (WHERE ...): PostgreSQL 9.4+ and SQLite 3.30+, the versions Django
    # supports. Category values are bound parameters.
    counts = ", ".join(
        f"COUNT(*) FILTER (WHERE {qn(field)} = %s)" for field, _ in CASUALTY_CATEGORIES.values()
    )
    params = [value for _, value in CASUALTY_CATEGORIES.values()]
    where = f"{qn('edition_id')} = %s AND {qn('source_id')} = %s"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {rollup} WHERE {where}", [edition_id, source_id])
        cursor.execute(
            f"INSERT INTO {rollup} ({columns}) SELECT {group}, COUNT(*), {counts} "
            f"FROM {records} WHERE {where} GROUP BY {group}",
            [*params, edition_id, source_id],
        )
        return cursor.rowcount


def casualty_country_year(*, edition=None, country=None, year=None) -> list[dict]:
    """Casualty counts per (country, data year), read from the roll-up in one small query.

    `edition` is an Edition or its id (all editions if None: their counts are added up, as
    the scan does); `country` a Country or an ISO3 code; `year` a data year. Counts from
    every source are added up. Each dict has "country" (ISO3, or None for records with no
    country), "data_year", "total" and every breakdown field of CasualtyAggregate. Ordered
    by country and year. Equal to `casualty_country_year_scan` as long as every write to
    CasualtyRecord is followed by `casualty_rollup_refresh` for its (edition, source).
    """
    # Plain SQL rather than .values().annotate(): the query is the same, but about a thousand
    # rows of 23 numbers each go through no per-value converters (4x faster on SQLite).
    qn = connection.ops.quote_name
    where, params = [], []
    for column, value in (
        ("edition_id", getattr(edition, "pk", edition)),
        ("country_id", getattr(country, "pk", country)),
        ("data_year", year),
    ):
        if value is not None:
            where.append(f"{qn(column)} = %s")
            params.append(value)
    keys = f"{qn('country_id')}, {qn('data_year')}"
    sums = ", ".join(f"SUM({qn(name)})" for name in AGGREGATE_FIELDS)
    sql = f"SELECT {keys}, {sums} FROM {qn(CasualtyRollup._meta.db_table)}"
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += f" GROUP BY {keys} ORDER BY {keys}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = ("country", "data_year", *AGGREGATE_FIELDS)
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def casualty_country_year_scan(*, edition=None, country=None, year=None) -> list[dict]:
    """`casualty_country_year` computed from the individual records (reads every one).

    Same arguments and result; its cost grows with the number of records. Kept to verify
    the roll-up.
    """
    qs = _filtered(CasualtyRecord.objects.all(), edition, country, year)
    counts = {
        name: Count("id", filter=Q(**{field: value}))
        for name, (field, value) in CASUALTY_CATEGORIES.items()
    }
    rows = (
        qs.order_by()
        .values("country_id", "data_year")
        .annotate(total=Count("id"), **counts)
        .order_by("country_id", "data_year")
    )
    result = []
    for row in rows:
        out = {"country": row["country_id"], "data_year": row["data_year"]}
        out.update((name, row[name]) for name in AGGREGATE_FIELDS)
        result.append(out)
    return result
