"""HTTP behaviour of every /api/ response: rate limit, CORS, ETag/Last-Modified and 304s,
JSON bodies for errors raised outside the API's views (unknown path, method not allowed).

* Rate limit: `settings.MONITOR_API_RATE` ("N/second|minute|hour|day") requests per client IP
  (REMOTE_ADDR) in fixed windows, counted in the default cache; over it -> 429 JSON with
  Retry-After. With a cache that cannot count (dummy), requests are not limited.
* ETag: hash of the data version (monitor.web.cache), today's date (the default `as_of`) and
  the full path with query. Last-Modified: when this data version was first served. Both are
  checked *before* the view runs, so a 304 costs no query.
* CORS: `Access-Control-Allow-Origin: *` on GET/HEAD/OPTIONS responses; preflights answered
  (for GET and HEAD only: the write side is for scripts, not for other sites' pages).
* Response cache: a public 200 GET response is kept in the default cache under its ETag (so
  under the data version, the day and the full path) and served from there, without running
  the view or the middleware after this one, until published data changes. Bodies over
  `_CACHE_MAX_BYTES` are not kept. With `MONITOR_CACHE_URL=dummy://` nothing is kept.
* Private responses (the write side, /api/v1/proposals/, token authenticated) get no ETag,
  no 304, no CORS header and `Cache-Control: private, no-store`: they depend on who asks,
  not only on the published data.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

from monitor.api.errors import error_response
from monitor.web.cache import data_version

PREFIX = "/api/"
PRIVATE_PREFIXES = ("/api/v1/proposals/",)
SAFE = ("GET", "HEAD", "OPTIONS")
_PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_CACHE_MAX_BYTES = 2_000_000
_CACHED_HEADERS = ("Content-Type", "Content-Language", "Link")
_EXPOSED = "ETag, Last-Modified, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining"


def parse_rate(rate: str) -> tuple[int, int]:
    """Parse "120/minute" into (120, 60)."""
    count, _, period = rate.partition("/")
    period = period.strip().lower().rstrip("s") or "minute"
    if period not in _PERIODS or not count.strip().isdigit():
        raise ValueError(f"MONITOR_API_RATE {rate!r}: expected N/second|minute|hour|day")
    return int(count), _PERIODS[period]


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _rate_limited(request):
    """None, or the 429 response when the client is over its limit."""
    rate = getattr(settings, "MONITOR_API_RATE", "120/minute")
    if not rate:
        return None, None
    limit, period = parse_rate(rate)
    now = time.time()
    window = int(now // period)
    key = f"api-rate:{_client_ip(request)}:{period}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # a cache that cannot count (dummy) or an evicted key
        return None, None
    remaining = max(0, limit - used)
    if used > limit:
        retry = max(1, int((window + 1) * period - now + 0.999))
        response = error_response(
            429,
            f"rate limit of {rate} exceeded; retry after {retry} seconds",
            None,
            Retry_After=str(retry),
        )
        return response, (limit, remaining)
    return None, (limit, remaining)


def _etag(request) -> str:
    raw = "\n".join(
        (str(data_version()), timezone.localdate().isoformat(), request.get_full_path())
    )
    return '"' + hashlib.sha256(raw.encode()).hexdigest()[:32] + '"'


def _last_modified() -> float:
    """When the current data version was first served by the API (a stable timestamp)."""
    key = f"api-last-modified:{data_version()}"
    cache.add(key, int(time.time()), timeout=None)
    return cache.get(key) or int(time.time())


def _private(request) -> bool:
    return request.path_info.startswith(PRIVATE_PREFIXES)


def _cors(request, response):
    if request.method in SAFE and not _private(request):
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = _EXPOSED
    return response


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META:
            response = error_response(200, "ok")
            response.content = b""
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "If-None-Match, If-Modified-Since"
            response["Access-Control-Max-Age"] = "86400"
            return _cors(request, response)
        limited, quota = _rate_limited(request)
        if limited is not None:
            return _cors(request, limited)
        etag = last_modified = None
        private = _private(request)
        if request.method in ("GET", "HEAD") and not private:
            etag = _etag(request)
            last_modified = _last_modified()
            not_modified = get_conditional_response(request, etag=etag, last_modified=last_modified)
            if not_modified is not None:
                not_modified["Last-Modified"] = http_date(last_modified)
                if quota:
                    not_modified["X-RateLimit-Limit"] = str(quota[0])
                    not_modified["X-RateLimit-Remaining"] = str(quota[1])
                return _cors(request, not_modified)
        body_key = f"api-body:{etag}:{request.method}" if etag else None
        cached = cache.get(body_key) if body_key else None
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content, status=200)
            for name, value in headers:
                response[name] = value
            response["X-Monitor-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if (
                body_key
                and response.status_code == 200
                and not response.streaming
                and len(response.content) <= _CACHE_MAX_BYTES
                and not response.has_header("Set-Cookie")
                and not response.cookies
            ):
                headers = [(h, response[h]) for h in _CACHED_HEADERS if response.has_header(h)]
                cache.set(body_key, (response.content, headers))
        content_type = response.get("Content-Type", "")
        if response.status_code >= 400 and not content_type.startswith("application/json"):
            detail = {404: "not found", 405: "method not allowed"}.get(
                response.status_code, response.reason_phrase or "error"
            )
            replacement = error_response(response.status_code, detail)
            if "Allow" in response:
                replacement["Allow"] = response["Allow"]
            response = replacement
        if etag and response.status_code == 200:
            response["ETag"] = etag
            response["Last-Modified"] = http_date(last_modified)
            response["Cache-Control"] = "public, max-age=0, must-revalidate"
        elif private:
            response["Cache-Control"] = "private, no-store"
        if quota:
            response["X-RateLimit-Limit"] = str(quota[0])
            response["X-RateLimit-Remaining"] = str(quota[1])
        return _cors(request, response)


__all__ = ["ApiMiddleware", "parse_rate"]
