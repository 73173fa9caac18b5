"""Site search: one index table (`SearchDocument`) over countries, sources and research notes.

`search()` (selectors) queries it with SQLite FTS5 or PostgreSQL full-text search;
`search_index_rebuild()` (services) refills it from the indexers in `indexers.py`.
"""
