"""Writes of the search index."""

from __future__ import annotations

from collections import Counter

from django.db import connection, transaction

from monitor.search.indexers import INDEXERS
from monitor.search.models import SearchDocument
from monitor.search.text import terms

#: The SQLite FTS5 table over SearchDocument (external content), made by migration 0001.
FTS_TABLE = "search_fts"


@transaction.atomic
def search_index_rebuild() -> dict[str, int]:
    """Empty the index and fill it again from every indexer; documents written per kind."""
    SearchDocument.objects.all().delete()
    counts: Counter[str] = Counter()
    batch: list[SearchDocument] = []
    for kind, (_label, func) in INDEXERS.items():
        for doc in func():
            batch.append(
                SearchDocument(
                    kind=doc.kind,
                    ref=doc.ref[:120],
                    title=doc.title[:300],
                    url=doc.url[:500],
                    body=doc.body,
                    title_terms=terms(doc.title),
                    body_terms=terms(doc.body),
                    boost=doc.boost,
                )
            )
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
