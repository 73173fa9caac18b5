"""The database refuses to change audit rows: an UPDATE trigger on SQLite and PostgreSQL, and
a DELETE trigger on PostgreSQL. (SQLite gets no DELETE trigger because Django's test
database flush empties tables with DELETE; on PostgreSQL it uses TRUNCATE.)"""

from django.db import migrations

SQLITE_UP = [
    """CREATE TRIGGER audit_auditentry_no_update BEFORE UPDATE ON audit_auditentry
       BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;""",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS audit_auditentry_no_update;"]
PG_UP = [
    """CREATE OR REPLACE FUNCTION audit_auditentry_append_only() RETURNS trigger AS $$
       BEGIN RAISE EXCEPTION 'the audit log is append-only'; END; $$ LANGUAGE plpgsql;""",
    """CREATE TRIGGER audit_auditentry_no_change BEFORE UPDATE OR DELETE ON audit_auditentry
       FOR EACH ROW EXECUTE FUNCTION audit_auditentry_append_only();""",
]
PG_DOWN = [
    "DROP TRIGGER IF EXISTS audit_auditentry_no_change ON audit_auditentry;",
    "DROP FUNCTION IF EXISTS audit_auditentry_append_only();",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
