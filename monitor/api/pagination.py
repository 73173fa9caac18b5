"""Page-number pagination: `?page=&page_size=` -> {"count", "next", "previous", "results"}."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated
from urllib.parse import urlencode

from django.db.models import QuerySet
from ninja import Query

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
#: Pages beyond this are refused by validation (keeps offsets within database integers).
MAX_PAGE = 1_000_000

#: The query parameters of every paginated route.
Page = Annotated[int, Query(1, ge=1, le=MAX_PAGE, description="Page number, from 1.")]
PageSize = Annotated[
    int,
    Query(
        DEFAULT_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Results per page (max {MAX_PAGE_SIZE}).",
    ),
]


def _page_url(request, page: int, page_size: int) -> str:
    params = request.GET.copy()
    params["page"] = str(page)
    params["page_size"] = str(page_size)
    query = urlencode(sorted(params.lists()), doseq=True)
    return request.build_absolute_uri(f"{request.path}?{query}")


def paginate(request, items: Sequence | QuerySet, page: int, page_size: int) -> dict:
    """One page of `items` (already in a stable order). A page past the end is empty."""
    count = items.count() if isinstance(items, QuerySet) else len(items)
    start = (page - 1) * page_size
    results = list(items[start : start + page_size]) if start < count else []
    last = max(1, -(-count // page_size))
    return {
        "count": count,
        "next": _page_url(request, page + 1, page_size) if page < last else None,
        "previous": _page_url(request, min(page - 1, last), page_size) if page > 1 else None,
        "results": results,
    }
