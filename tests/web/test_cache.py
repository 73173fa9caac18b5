"""Public pages are cached; a write of published data makes the next request see it."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest
from django.conf import settings
from django.test import RequestFactory

from monitor.web.cache import cache_public_page, data_version, data_version_bump

pytestmark = pytest.mark.django_db

AFG = "/countries/AFG/?as_of=2026-02-03"
IMPORT_FIXTURES = Path(__file__).parents[1] / "research" / "fixtures" / "import"


def _without_token(html: bytes) -> bytes:
    """The page without its CSRF token, which is new for every response."""
    return re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", html)


def test_second_request_is_served_without_queries(client, seeded, django_assert_num_queries):
    first = client.get(AFG)
    assert first.status_code == 200 and first["X-Monitor-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(AFG)
    assert second.status_code == 200 and second["X-Monitor-Cache"] == "hit"
    assert _without_token(second.content) == _without_token(first.content)
    assert second["Content-Type"] == first["Content-Type"]


@pytest.mark.parametrize("path", ["/", "/countries/"])
def test_other_public_pages_are_cached(client, seeded, django_assert_num_queries, path):
    assert client.get(path).status_code == 200
    with django_assert_num_queries(0):
        assert client.get(path)["X-Monitor-Cache"] == "hit"


def test_language_and_query_string_are_part_of_the_key(client, seeded):
    english = client.get(AFG)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = client.get(AFG)
    assert french["X-Monitor-Cache"] == "miss"
    assert '<html lang="fr">' in french.content.decode()
    assert '<html lang="en">' in english.content.decode()
    other_date = client.get("/countries/AFG/?as_of=2000-01-01")
    assert other_date["X-Monitor-Cache"] == "miss"
    assert other_date.content != french.content


def test_treaty_events_sync_bumps_the_version_and_the_page_changes(client, seeded):
    from monitor.treaties.services import SEED_EVENTS, EventRecord, treaty_events_sync

    assert "State Party" in client.get(AFG).content.decode()
    assert client.get(AFG)["X-Monitor-Cache"] == "hit"
    before = data_version()
    block = next(b for b in json.loads(SEED_EVENTS.read_text())["treaties"] if b["treaty"] == "mbt")
    records = [
        EventRecord(
            treaty="mbt", source=block["status_source"], source_url=block["status_url"], **e
        )
        for e in block["events"]
        if e["iso3"] != "AFG"
    ]
    treaty_events_sync(
        treaty="mbt",
        records=records,
        status_source=block["status_source"],
        status_url=block["status_url"],
        status_as_at=date.fromisoformat(block["status_as_at"]),
    )
    assert data_version() > before
    response = client.get(AFG)
    assert response["X-Monitor-Cache"] == "miss"
    assert "Not party (non-signatory)" in response.content.decode()


def test_theme_import_and_record_upsert_bump_the_version(seeded):
    from monitor.research.imports import theme_import

    before = data_version()
    report = theme_import(theme="sources", path=IMPORT_FIXTURES / "sources.csv")
    assert report.issues == [] and report.created == 2
    assert data_version() > before
    unchanged = data_version()
    again = theme_import(theme="sources", path=IMPORT_FIXTURES / "sources.csv")
    assert again.unchanged == 2
    assert data_version() == unchanged  # nothing changed: the cache is kept


def test_seed_bumps_the_version(seeded):
    from django.core.management import call_command

    before = data_version()
    call_command("seed", verbosity=0)
    assert data_version() > before


def test_bump_after_commit_too(transactional_db):
    """A page rendered while the write was in progress is not served after the commit."""
    from django.db import transaction

    start = data_version()
    with transaction.atomic():
        data_version_bump()
        data_version_bump()
        assert data_version() == start + 2
    assert data_version() == start + 3  # once more on commit, however many calls


def test_not_cached_for_sessions_errors_and_other_methods(rf: RequestFactory):
    calls = []

    def view(request, status=200):
        from django.http import HttpResponse

        calls.append(request.method)
        return HttpResponse("ok", status=status)

    cached = cache_public_page(view)
    with_session = rf.get("/x/")
    with_session.COOKIES[settings.SESSION_COOKIE_NAME] = "abc"
    cached(with_session)
    cached(with_session)
    assert len(calls) == 2
    cached(rf.get("/missing/"), status=404)
    cached(rf.get("/missing/"), status=404)
    assert len(calls) == 4
    cached(rf.post("/x/"))
    cached(rf.post("/x/"))
    assert len(calls) == 6
    cached(rf.get("/y/"))
    assert cached(rf.get("/y/"))["X-Monitor-Cache"] == "hit"
    assert len(calls) == 7


def test_cached_page_gets_a_fresh_csrf_token(client, seeded):
    """The language switcher's token is per visitor, even on a page served from the cache."""
    from django.test import Client

    client.get("/countries/")
    other = Client()
    html = other.get("/countries/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert "\x00" not in html and len(token) == 64
    assert settings.CSRF_COOKIE_NAME in other.cookies


def test_cache_url_schemes():
    from monitor.settings import _cache_config

    assert _cache_config("dummy://")["BACKEND"].endswith("DummyCache")
    assert _cache_config("")["BACKEND"].endswith("LocMemCache")
    assert _cache_config("locmem://")["BACKEND"].endswith("LocMemCache")
    assert _cache_config("file:///tmp/monitor-cache")["LOCATION"] == "/tmp/monitor-cache"


@pytest.mark.parametrize(
    "url",
    [
        "memcached://127.0.0.1:11211",
        "redis://",
        "redis://127.0.0.1:6379/zero",
        "redis://127.0.0.1:port/0",
        "file://relative/dir",
        "locmem://somewhere",
        "127.0.0.1:6379",
    ],
)
def test_cache_url_is_parsed_strictly(url):
    from monitor.env import ConfigError
    from monitor.settings import _cache_config

    with pytest.raises(ConfigError, match="MONITOR_CACHE_URL"):
        _cache_config(url)
