"""Cache of the public pages, invalidated when data is published.

A *data version* number lives in the cache (key ``data-version``). Every cached page key
contains it, with the language, the day (pages without ``?as_of=`` show the status as of
today) and the full path and query string. A write path calls ``data_version_bump()``:
every page cached before is then unreachable and expires on its own.

The bump happens at once and, when called inside a transaction, again after the commit, so
that a page rendered from the old data while the transaction was open is not served later.

Never cached: requests other than GET/HEAD, requests carrying a session cookie (possibly a
signed-in user), responses other than 200 and streaming responses. The CSRF token of the
language switcher is replaced by a fresh one for each request served from the cache.
"""

from __future__ import annotations

import hashlib
import re
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

VERSION_KEY = "data-version"
_CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
_CSRF_PLACEHOLDER = b"\x00csrf\x00"
_KEPT_HEADERS = ("Content-Type", "Content-Disposition", "Content-Language")


def data_version() -> int:
    """The current data version (created on first use, from the clock, if the cache is cold)."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)
        version = cache.get(VERSION_KEY)
    return version


def _bump() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # missing (cold or evicted cache): any fresh value will do
        cache.add(VERSION_KEY, time.time_ns() // 1000, timeout=None)


def data_version_bump() -> None:
    """Invalidate every cached page: call after writing published data."""
    _bump()
    connection = transaction.get_connection()
    if connection.in_atomic_block and not any(
        entry[1] is _bump for entry in connection.run_on_commit
    ):
        transaction.on_commit(_bump)


def page_cache_key(request) -> str:
    raw = "\n".join(
        (
            request.get_full_path(),
            get_language() or settings.LANGUAGE_CODE,
            timezone.localdate().isoformat(),
        )
    )
    digest = hashlib.sha256(raw.encode()).hexdigest()
    return f"page:{data_version()}:{digest}"


def _cacheable_request(request) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and not getattr(getattr(request, "user", None), "is_authenticated", False)
    )


def cache_public_page(view):
    """Serve a public page from the cache; see the module docstring."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not _cacheable_request(request):
            return view(request, *args, **kwargs)
        key = page_cache_key(request)
        hit = cache.get(key)
        if hit is not None:
            content, headers = hit
            if _CSRF_PLACEHOLDER in content:
                content = content.replace(_CSRF_PLACEHOLDER, get_token(request).encode())
            response = HttpResponse(content, headers=headers)
            response["X-Monitor-Cache"] = "hit"
            return response
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            if hasattr(response, "render") and callable(response.render):
                response.render()
            content = _CSRF_INPUT.sub(
                lambda m: m.group(1) + _CSRF_PLACEHOLDER + m.group(2), response.content
            )
            headers = {h: response[h] for h in _KEPT_HEADERS if h in response}
            cache.set(key, (content, headers))
            response["X-Monitor-Cache"] = "miss"
        return response

    return wrapped
