"""The bulk loader for individual casualty records (monitor.research.bulk).

Uses SYNTHETIC rows from bench/synthetic_casualties.py: not Monitor data.
"""

from datetime import date

import pytest
from django.db import connection

from bench.synthetic_casualties import COUNTRIES, NOTE, RECORD_PREFIX, synthetic_rows
from monitor.countries.services import country_seed
from monitor.research import bulk
from monitor.research.bulk import BulkLoadError, casualty_records_bulk_load
from monitor.research.models import CasualtyRecord, CasualtyRollup
from monitor.research.services import edition_get_or_create, source_get_or_create

N = 500


@pytest.fixture
def target(db):
    country_seed()
    edition, _ = edition_get_or_create(name="Synthetic test edition (not Monitor data)")
    source, _ = source_get_or_create(key="synthetic-test", title="SYNTHETIC TEST DATA")
    return edition, source


def _rows(n=N, **kw):
    return list(synthetic_rows(n, source_key="synthetic-test", **kw))


def _stored(edition):
    fields = (
        "country_id", "data_year", "record_id", "incident_date", "place", "outcome",
        "age_group", "sex", "civilian_status", "device", "quote", "confidence", "note",
    )  # fmt: skip
    return {
        r["record_id"]: r
        for r in CasualtyRecord.objects.filter(edition=edition).values(*fields, "preferred")
    }


def test_synthetic_countries_are_real_codes(db):
    country_seed()
    from monitor.countries.models import Country

    assert set(COUNTRIES) <= set(Country.objects.values_list("iso3", flat=True))


def test_bulk_load_writes_exactly_the_rows(target):
    edition, source = target
    rows = _rows()
    assert casualty_records_bulk_load(rows=rows, edition=edition, source=source) == N
    stored = _stored(edition)
    assert len(stored) == N == CasualtyRecord.objects.count()
    for row in rows:
        got = stored[row["record_id"]]
        assert got["record_id"].startswith(RECORD_PREFIX)
        assert got["country_id"] == row["country"]
        assert got["data_year"] == int(row["data_year"])
        expected_date = date.fromisoformat(row["incident_date"]) if row["incident_date"] else None
        assert got["incident_date"] == expected_date
        for name in ("place", "outcome", "age_group", "sex", "civilian_status", "device"):
            assert got[name] == row[name]
        assert got["quote"] == "" and got["confidence"] == "L" and got["note"] == NOTE
        assert got["preferred"] is False
    obj = CasualtyRecord.objects.filter(edition=edition).first()
    assert obj.created_at is not None and obj.created_at.tzinfo is not None
    assert obj.source == source
    # Blank text cells are stored as empty strings, never NULL.
    assert not CasualtyRecord.objects.filter(place__isnull=True).exists()


def test_bulk_load_small_batches_and_global_records(target):
    edition, source = target
    rows = _rows(120)
    rows[0] |= {"country": "wld", "preferred": "yes", "preferred_reason": "synthetic"}
    assert casualty_records_bulk_load(rows=rows, edition=edition, source=source, batch_size=7)
    first = CasualtyRecord.objects.get(record_id=rows[0]["record_id"])
    assert first.country_id is None and first.preferred is True
    assert CasualtyRecord.objects.count() == 120


def test_bulk_load_runs_in_one_transaction(target):
    """Rows are written while reading; a failure after several batches leaves nothing."""
    edition, source = target
    seen_in_atomic = []

    def rows():
        for i, row in enumerate(_rows(300)):
            seen_in_atomic.append(connection.in_atomic_block)
            if i == 250:
                raise RuntimeError("reader failed")
            yield row

    with pytest.raises(RuntimeError):
        casualty_records_bulk_load(rows=rows(), edition=edition, source=source, batch_size=50)
    assert all(seen_in_atomic)
    assert CasualtyRecord.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_bulk_load_commits_once_outside_any_transaction():
    country_seed()
    edition, _ = edition_get_or_create(name="Synthetic test edition (not Monitor data)")
    source, _ = source_get_or_create(key="synthetic-test", title="SYNTHETIC TEST DATA")
    assert not connection.in_atomic_block
    states = []

    def rows():
        for row in _rows(200):
            states.append((connection.in_atomic_block, connection.get_autocommit()))
            yield row

    def bad_rows():
        yield from rows()
        yield {**_rows(1)[0], "record_id": "SYNTH-X", "sex": "x"}

    with pytest.raises(BulkLoadError):
        casualty_records_bulk_load(rows=bad_rows(), edition=edition, source=source, batch_size=20)
    assert CasualtyRecord.objects.count() == 0
    assert casualty_records_bulk_load(rows=rows(), edition=edition, source=source, batch_size=20)
    assert set(states) == {(True, False)}
    assert CasualtyRecord.objects.count() == 200


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("outcome", "dead", "expected one of killed, injured, unknown"),
        ("incident_date", "2021-02-30", "no such date"),
        ("incident_date", "30/01/2021", "expected YYYY-MM-DD"),
        ("data_year", "1850", "expected a year between 1990 and 2100"),
        ("sex", "", "is required"),
        ("country", "ZZZ", "unknown country code"),
        ("record_id", "SYNTH-" + "9" * 60, "at most 60 characters"),
        ("confidence", "X", "expected one of H, M, L"),
        ("source", "another-source", "the load's source"),
    ],
)
def test_bad_row_reports_row_and_column_and_writes_nothing(target, column, value, message):
    edition, source = target
    rows = _rows()
    rows[136][column] = value  # row 137, counting from 1
    with pytest.raises(BulkLoadError) as info:
        casualty_records_bulk_load(rows=rows, edition=edition, source=source, batch_size=50)
    (error,) = info.value.errors
    assert error[:2] == (137, column)
    assert message in error[2]
    assert "row 137" in str(info.value) and "nothing written" in str(info.value)
    assert CasualtyRecord.objects.count() == 0


def test_all_errors_are_collected_with_row_numbers(target):
    edition, source = target
    rows = _rows()
    rows[9]["outcome"] = "dead"
    rows[9]["incident_date"] = "2020-13-01"
    rows[399]["device"] = "grenade"
    rows[400]["bogus"] = "1"
    with pytest.raises(BulkLoadError) as info:
        casualty_records_bulk_load(rows=rows, edition=edition, source=source, first_row=2)
    # In row order, then in the theme's column order within a row.
    assert [e[:2] for e in info.value.errors] == [
        (11, "incident_date"),
        (11, "outcome"),
        (401, "device"),
        (402, ""),
    ]
    assert "unknown column(s) 'bogus'" in info.value.errors[-1][2]
    assert CasualtyRecord.objects.count() == 0


def test_max_errors_stops_counting(target):
    edition, source = target
    rows = [dict(r, outcome="dead") for r in _rows(50)]
    with pytest.raises(BulkLoadError) as info:
        casualty_records_bulk_load(rows=rows, edition=edition, source=source, max_errors=10)
    assert len(info.value.errors) == 10 and info.value.truncated


def test_duplicate_record_ids_are_refused(target):
    edition, source = target
    rows = _rows(20)
    rows[15] = dict(rows[15], record_id=rows[3]["record_id"], country=rows[3]["country"])
    rows[15]["data_year"] = rows[3]["data_year"]
    with pytest.raises(BulkLoadError) as info:
        casualty_records_bulk_load(rows=rows, edition=edition, source=source)
    assert [e[:2] for e in info.value.errors] == [(16, "record_id")]
    # Loading the same file twice into the same edition and source is refused too.
    good = _rows(20)
    casualty_records_bulk_load(rows=good, edition=edition, source=source)
    with pytest.raises(BulkLoadError):
        casualty_records_bulk_load(rows=good, edition=edition, source=source)
    assert CasualtyRecord.objects.count() == 20


def test_empty_input_writes_nothing(target):
    edition, source = target
    assert casualty_records_bulk_load(rows=[], edition=edition, source=source) == 0


postgresql_only = pytest.mark.skipif(
    "connection.vendor != 'postgresql'", reason="PostgreSQL trigger handling"
)


def _role():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('session_replication_role')")
        return cursor.fetchone()[0]


def _spy_skip(monkeypatch):
    results = []
    real = bulk._skip_fk_triggers

    def spy(*args):
        results.append(real(*args))
        return results[-1]

    monkeypatch.setattr(bulk, "_skip_fk_triggers", spy)
    return results


def test_bulk_load_refreshes_the_rollup(target):
    edition, source = target
    casualty_records_bulk_load(rows=_rows(), edition=edition, source=source)
    rollup = CasualtyRollup.objects.filter(edition=edition, source=source)
    assert sum(rollup.values_list("total", flat=True)) == N
    assert rollup.count() == len(set(CasualtyRecord.objects.values_list("country_id", "data_year")))


@postgresql_only
def test_postgresql_skips_fk_triggers_during_copy_only(target, monkeypatch):
    edition, source = target
    results = _spy_skip(monkeypatch)
    assert _role() == "origin"
    assert casualty_records_bulk_load(rows=_rows(), edition=edition, source=source) == N
    assert results == ["origin"]  # permitted (the test server's user is a superuser)
    assert _role() == "origin"  # restored right after the COPY, inside the transaction
    assert CasualtyRecord.objects.count() == N
    # Foreign keys are enforced again for anything written afterwards.
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CasualtyRecord.objects.filter(pk=CasualtyRecord.objects.first().pk).update(
            edition_id=edition.pk + 10_000
        )
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


@postgresql_only
def test_postgresql_falls_back_to_trigger_checks_when_not_permitted(target, monkeypatch):
    """Not a superuser: the SET is refused in a savepoint and the load goes on as usual."""
    edition, source = target
    results = _spy_skip(monkeypatch)
    role = "monitor_test_bulk_nosuper"
    with connection.cursor() as cursor:  # all inside the test's transaction, rolled back
        cursor.execute(f"CREATE ROLE {role} NOSUPERUSER")
        cursor.execute(f"GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}")
        cursor.execute(f"GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO {role}")
        cursor.execute(f"SET LOCAL ROLE {role}")
    rows = _rows()
    assert casualty_records_bulk_load(rows=rows, edition=edition, source=source) == N
    assert results == [None]
    assert _role() == "origin"
    assert CasualtyRecord.objects.count() == N
    bad = _rows(20, seed=9)
    bad[-1]["sex"] = "x"
    with pytest.raises(BulkLoadError):
        casualty_records_bulk_load(rows=bad, edition=edition, source=source)
    assert CasualtyRecord.objects.count() == N
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")
