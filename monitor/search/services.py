"""Writes of the search index."""

from __future__ import annotations

from collections import Counter

from django.db import connection, transaction

from monitor.search.indexers import INDEXERS, Doc, narrative_doc
from monitor.search.models import SearchDocument
from monitor.search.text import terms

#: The SQLite FTS5 table over SearchDocument (external content), made by migration 0001.
FTS_TABLE = "search_fts"


def _document(doc: Doc) -> SearchDocument:
    return SearchDocument(
        kind=doc.kind,
        ref=doc.ref[:120],
        title=doc.title[:300],
        url=doc.url[:500],
        body=doc.body,
        title_terms=terms(doc.title),
        body_terms=terms(doc.body),
        boost=doc.boost,
    )


@transaction.atomic
def search_index_rebuild() -> dict[str, int]:
    """Empty the index and fill it again from every indexer; documents written per kind."""
    SearchDocument.objects.all().delete()
    counts: Counter[str] = Counter()
    batch: list[SearchDocument] = []
    for kind, (_label, func) in INDEXERS.items():
        for doc in func():
            batch.append(_document(doc))
            counts[doc.kind] += 1
            if len(batch) >= 500:
                SearchDocument.objects.bulk_create(batch)
                batch = []
        counts.setdefault(kind, 0)
    SearchDocument.objects.bulk_create(batch)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('rebuild')")
    return dict(counts)


def _fts(sql: str, params: list) -> None:
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


@transaction.atomic
def search_document_put(*, kind: str, ref: str, doc: Doc | None) -> None:
    """Replace one document of the index (`doc` None: remove it), without a full rebuild.

    PostgreSQL's index is on the table itself; SQLite's FTS5 table has the documents as
    external content, so its entry is deleted with the old terms and added with the new.
    """
    old = SearchDocument.objects.filter(kind=kind, ref=ref[:120]).first()
    if old is not None:
        _fts(
            f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title_terms, body_terms) "
            "VALUES('delete', %s, %s, %s)",
            [old.pk, old.title_terms, old.body_terms],
        )
        old.delete()
    if doc is None:
        return
    new = _document(doc)
    new.save()
    _fts(
        f"INSERT INTO {FTS_TABLE}(rowid, title_terms, body_terms) VALUES(%s, %s, %s)",
        [new.pk, new.title_terms, new.body_terms],
    )


def search_narrative_update(*, iso3: str, section: str) -> None:
    """Index a country's profile section as now published (its latest edition's text)."""
    from monitor.countries.models import Country
    from monitor.editorial.selectors_public import country_profile_section

    published = country_profile_section(iso3=iso3, section=section)
    doc = None
    if published is not None:
        name = Country.objects.filter(iso3=iso3).values_list("name", flat=True).first() or iso3
        doc = narrative_doc(iso3, name, published)
    search_document_put(kind="narrative", ref=f"{iso3}:{section}", doc=doc)
