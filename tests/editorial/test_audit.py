"""The audit log: every write leaves one entry (who, how, before/after), and no code path, nor
raw SQL, can change or remove an entry.

The records here are test data made in the test, not Monitor figures.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError, connection, transaction

from monitor.audit.models import AppendOnlyError, AuditEntry
from monitor.audit.selectors import audit_for_country, audit_for_object, audit_for_proposal
from monitor.audit.services import AuditContext, audit_write, snapshot
from monitor.countries.models import Country
from monitor.countries.services import country_seed
from monitor.research.imports import theme_import
from monitor.research.models import CasualtyAggregate
from monitor.research.services import (
    ResearchDataError,
    edition_get_or_create,
    record_upsert,
    source_get_or_create,
)
from monitor.research.themes import THEMES

pytestmark = pytest.mark.django_db
CASUALTIES = THEMES["casualties"]


@pytest.fixture
def base():
    country_seed()
    edition, _ = edition_get_or_create(name="Test Edition 2024")
    source, _ = source_get_or_create(title="Test source", url="https://example.org/t")
    return edition, source


def _values(edition, source, **extra):
    return {
        "country": Country.objects.get(iso3="AFG"),
        "data_year": 2023,
        "edition": edition,
        "source": source,
        "scope": "mines_erw",
        **extra,
    }


def test_a_created_record_writes_one_entry_with_its_values(base):
    edition, source = base
    user = get_user_model().objects.create(username="writer")
    context = AuditContext(via="proposal #7", actor=user, reason="checked", proposal_id=7)
    result = record_upsert(theme=CASUALTIES, values=_values(*base, total=10), audit=context)
    [entry] = AuditEntry.objects.all()
    assert entry.action == "create"
    assert entry.object_type == "research.casualtyaggregate"
    assert entry.object_id == str(result.obj.pk)
    assert entry.object_label == "Casualties (per country and year) AFG 2023 (mines_erw)"
    assert (entry.country, entry.edition) == ("AFG", "Test Edition 2024")
    assert entry.before is None
    assert entry.after["total"] == 10 and entry.after["source"] == source.key
    assert entry.after["country"] == "AFG" and entry.after["edition"] == "Test Edition 2024"
    assert (entry.actor, entry.actor_name, entry.via) == (user, "writer", "proposal #7")
    assert (entry.reason, entry.proposal_id) == ("checked", 7)


def test_an_update_writes_the_changed_fields_before_and_after(base):
    record_upsert(theme=CASUALTIES, values=_values(*base, total=10))
    record_upsert(theme=CASUALTIES, values=_values(*base, total=12, killed=4))
    update = AuditEntry.objects.get(action="update")
    assert update.before == {"total": 10, "killed": None}
    assert update.after == {"total": 12, "killed": 4}
    assert (update.actor, update.actor_name, update.via) == (None, "system", "system")


def test_an_unchanged_upsert_writes_nothing(base):
    record_upsert(theme=CASUALTIES, values=_values(*base, total=10))
    record_upsert(theme=CASUALTIES, values=_values(*base, total=10))
    assert AuditEntry.objects.count() == 1


def test_a_refused_write_leaves_no_entry(base):
    edition, source = base
    edition.frozen_at = "2025-01-01T00:00:00Z"
    edition.save()
    with pytest.raises(ResearchDataError, match="frozen"):
        record_upsert(theme=CASUALTIES, values=_values(*base, total=10))
    assert not AuditEntry.objects.exists()
    assert not CasualtyAggregate.objects.exists()


def test_imports_write_one_entry_per_written_row_naming_the_file(base, tmp_path):
    edition, source = base
    path = tmp_path / "afg-casualties.csv"
    path.write_text(
        "country,data_year,scope,total,source\n"
        f"AFG,2023,mines_erw,10,{source.key}\n"
        f"AFG,2022,mines_erw,8,{source.key}\n",
        encoding="utf-8",
    )
    report = theme_import(theme="casualties", path=path, edition=edition.name)
    assert (report.created, report.issues) == (2, [])
    entries = list(AuditEntry.objects.order_by("id"))
    assert [(e.action, e.via, e.actor_name) for e in entries] == [
        ("create", "import afg-casualties.csv", "system"),
        ("create", "import afg-casualties.csv", "system"),
    ]
    assert [e.after["total"] for e in entries] == [10, 8]

    path.write_text(
        "country,data_year,scope,total,source\n"
        f"AFG,2023,mines_erw,11,{source.key}\n"
        f"AFG,2022,mines_erw,8,{source.key}\n",
        encoding="utf-8",
    )
    report = theme_import(theme="casualties", path=path, edition=edition.name)
    assert (report.updated, report.unchanged) == (1, 1)
    update = AuditEntry.objects.get(action="update")
    assert (update.before, update.after) == ({"total": 10}, {"total": 11})
    assert update.via == "import afg-casualties.csv"


def test_a_dry_run_or_a_failed_import_writes_no_entry(base, tmp_path):
    edition, source = base
    path = tmp_path / "c.csv"
    path.write_text(
        f"country,data_year,scope,total,source\nAFG,2023,mines_erw,10,{source.key}\n",
        encoding="utf-8",
    )
    theme_import(theme="casualties", path=path, edition=edition.name, dry_run=True)
    path.write_text(
        "country,data_year,scope,total,source\n"
        f"AFG,2023,mines_erw,10,{source.key}\n"
        f"AFG,2022,mines_erw,many,{source.key}\n",
        encoding="utf-8",
    )
    report = theme_import(theme="casualties", path=path, edition=edition.name)
    assert report.issues
    assert not AuditEntry.objects.exists()


@pytest.fixture
def entry(base):
    record_upsert(theme=CASUALTIES, values=_values(*base, total=10))
    return AuditEntry.objects.get()


def test_an_entry_cannot_be_saved_again(entry):
    entry.after = {"total": 9999}
    with pytest.raises(AppendOnlyError):
        entry.save()
    assert AuditEntry.objects.get().after["total"] == 10


def test_an_entry_cannot_be_deleted(entry):
    with pytest.raises(AppendOnlyError):
        entry.delete()
    assert AuditEntry.objects.count() == 1


def test_the_queryset_refuses_update_and_delete(entry):
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(reason="rewritten")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.bulk_update([entry], ["reason"])
    entry.refresh_from_db()
    assert entry.reason == "" and AuditEntry.objects.count() == 1


def test_raw_sql_update_is_refused_by_the_database(entry):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "UPDATE audit_auditentry SET reason = 'forged' WHERE id = %s", [entry.pk]
            )
    entry.refresh_from_db()
    assert entry.reason == ""


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger: PostgreSQL only")
def test_raw_sql_delete_is_refused_on_postgresql(entry):
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DELETE FROM audit_auditentry WHERE id = %s", [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk).exists()


def test_the_actor_of_an_entry_cannot_be_deleted(base):
    from django.db.models import ProtectedError

    user = get_user_model().objects.create(username="writer")
    record_upsert(
        theme=CASUALTIES, values=_values(*base, total=1), audit=AuditContext("x", actor=user)
    )
    with pytest.raises(ProtectedError):
        user.delete()


def test_selectors_by_country_object_and_proposal(base):
    edition, source = base
    result = record_upsert(
        theme=CASUALTIES,
        values=_values(*base, total=10),
        audit=AuditContext(via="proposal #3", proposal_id=3),
    )
    record_upsert(
        theme=CASUALTIES,
        values={**_values(*base, total=5), "country": Country.objects.get(iso3="IRQ")},
    )
    audit_write(context=AuditContext(via="test"), action="update", obj=source, label="src")
    assert [e.country for e in audit_for_country("afg")] == ["AFG"]
    assert [e.action for e in audit_for_object("research.casualtyaggregate", result.obj.pk)] == [
        "create"
    ]
    assert [e.proposal_id for e in audit_for_proposal(3)] == [3]


def test_snapshot_names_related_records_by_their_key(base):
    result = record_upsert(theme=CASUALTIES, values=_values(*base, total=10))
    snap = snapshot(result.obj)
    assert snap["country"] == "AFG"
    assert snap["source"] == base[1].key
    assert "id" not in snap and "created_at" not in snap
    assert snapshot(result.obj, ["total"]) == {"total": 10}
