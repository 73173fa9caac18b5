from django.db import migrations, models

# SQLite: an FTS5 table with SearchDocument as its external content ('rebuild' refills it).
SQLITE_CREATE = (
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title_terms, body_terms, content='search_searchdocument', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 2')"
)
SQLITE_DROP = "DROP TABLE IF EXISTS search_fts"

# PostgreSQL: a GIN index on the weighted tsvector that monitor.search.selectors queries.
PG_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, title_terms), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, body_terms), 'B'))"
)
PG_CREATE = f"CREATE INDEX search_document_fts ON search_searchdocument USING gin ({PG_VECTOR})"
PG_DROP = "DROP INDEX IF EXISTS search_document_fts"


def create_fulltext(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_CREATE)
    elif vendor == "postgresql":
        schema_editor.execute(PG_CREATE)


def drop_fulltext(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        schema_editor.execute(SQLITE_DROP)
    elif vendor == "postgresql":
        schema_editor.execute(PG_DROP)


class Migration(migrations.Migration):
    initial = True

    dependencies = []

    operations = [
        migrations.CreateModel(
            name="SearchDocument",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(help_text="country, source, note, ...", max_length=20)),
                ("ref", models.CharField(help_text="Identifier of the document within its kind.", max_length=120)),
                ("title", models.CharField(max_length=300)),
                ("url", models.CharField(blank=True, max_length=500)),
                ("body", models.TextField(blank=True)),
                ("title_terms", models.TextField(blank=True)),
                ("body_terms", models.TextField(blank=True)),
                ("boost", models.FloatField(default=1.0, help_text="Multiplies the text rank of this document.")),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(fields=("kind", "ref"), name="search_document_kind_ref")
                ],
            },
        ),
        migrations.RunPython(create_fulltext, drop_fulltext),
    ]
