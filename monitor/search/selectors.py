"""Reads of the search index: `search()`, on SQLite FTS5 or PostgreSQL full-text search.

The user's text never reaches the engine's query syntax: it is reduced to folded words
(letters and digits only, see `text.words`), which are ANDed, the last one as a prefix.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection

from monitor.search.indexers import INDEXERS, kind_label
from monitor.search.models import SearchDocument
from monitor.search.services import FTS_TABLE
from monitor.search.text import snippet, words

#: Longest query accepted, in characters.
MAX_QUERY_LENGTH = 200
#: Words of a query beyond this many are ignored.
MAX_QUERY_WORDS = 12
#: Column weights: a word in the title counts ten times a word in the body.
TITLE_WEIGHT = 10.0
BODY_WEIGHT = 1.0

_PG_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, d.title_terms), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, d.body_terms), 'B'))"
)


class SearchQueryError(ValueError):
    """A query that cannot be run (too long)."""


@dataclass(frozen=True)
class SearchHit:
    kind: str
    title: str
    url: str
    snippet: str
    rank: float

    @property
    def kind_label(self) -> str:
        return kind_label(self.kind)


def query_words(query: str) -> list[str]:
    """The words searched for: folded, letters and digits only, at most MAX_QUERY_WORDS."""
    return words(query)[:MAX_QUERY_WORDS]


def search(*, query: str, limit: int = 50) -> list[SearchHit]:
    """Documents matching every word of `query` (the last as a prefix), best first.

    Rank is the engine's text rank (title words weigh more) times the document's boost.
    Raises SearchQueryError for a query longer than MAX_QUERY_LENGTH characters.
    """
    if len(query) > MAX_QUERY_LENGTH:
        raise SearchQueryError(f"a search can be at most {MAX_QUERY_LENGTH} characters long")
    tokens = query_words(query)
    limit = max(1, min(int(limit), 500))
    if not tokens:
        return []
    if connection.vendor == "sqlite":
        rows = _search_sqlite(tokens, limit)
    elif connection.vendor == "postgresql":
        rows = _search_postgresql(tokens, limit)
    else:
        rows = _search_plain(tokens, limit)
    return [
        SearchHit(kind=kind, title=title, url=url, snippet=snippet(body, tokens), rank=rank)
        for kind, title, url, body, rank in rows
    ]


def _order_key(row) -> tuple:
    kind, title, _url, _body, rank = row
    order = list(INDEXERS)
    return (-rank, order.index(kind) if kind in order else len(order), title)


def _search_sqlite(tokens: list[str], limit: int) -> list[tuple]:
    # Each word is a quoted FTS5 string (it holds only letters and digits); the last a prefix.
    match = " ".join(f'"{t}"' for t in tokens) + "*"
    sql = (
        f"SELECT d.kind, d.title, d.url, d.body, "
        f"-bm25({FTS_TABLE}, %s, %s) * d.boost AS score "
        f"FROM {FTS_TABLE} JOIN {SearchDocument._meta.db_table} d ON d.id = {FTS_TABLE}.rowid "
        f"WHERE {FTS_TABLE} MATCH %s ORDER BY score DESC, d.title LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [TITLE_WEIGHT, BODY_WEIGHT, match, limit])
        rows = cursor.fetchall()
    return sorted(rows, key=_order_key)


def _search_postgresql(tokens: list[str], limit: int) -> list[tuple]:
    # Each word is a quoted tsquery lexeme (letters and digits only); the last a prefix.
    tsquery = " & ".join(f"'{t}'" for t in tokens) + ":*"
    # ts_rank weights are {D, C, B, A}: body words are B, title words A.
    weights = f"'{{0, 0, {BODY_WEIGHT / TITLE_WEIGHT}, 1}}'::float4[]"
    sql = (
        f"SELECT d.kind, d.title, d.url, d.body, "
        f"ts_rank({weights}, {_PG_VECTOR}, q, 1) * d.boost AS score "
        f"FROM {SearchDocument._meta.db_table} d, to_tsquery('simple'::regconfig, %s) q "
        f"WHERE {_PG_VECTOR} @@ q ORDER BY score DESC, d.title LIMIT %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [tsquery, limit])
        rows = cursor.fetchall()
    return sorted(rows, key=_order_key)


def _search_plain(tokens: list[str], limit: int) -> list[tuple]:
    """Any other database: substring matching on the folded words, title matches first."""
    from django.db.models import Q

    qs = SearchDocument.objects.all()
    for t in tokens:
        qs = qs.filter(Q(title_terms__contains=t) | Q(body_terms__contains=t))
    rows = []
    for d in qs.order_by("title")[: limit * 4]:
        title_hits = sum(t in d.title_terms.split() for t in tokens)
        rank = (TITLE_WEIGHT * title_hits + 1) / (1 + len(d.title_terms.split())) * d.boost
        rows.append((d.kind, d.title, d.url, d.body, rank))
    return sorted(rows, key=_order_key)[:limit]
