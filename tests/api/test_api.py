"""The read API /api/v1/ on the real seeded data."""

import io
import json
import re
from datetime import date

import pytest
from django.core.management import call_command

from monitor.research.models import Source
from monitor.research.themes import THEMES

pytestmark = pytest.mark.django_db


def get(client, url, **headers):
    return client.get(url, headers=headers)


def test_countries_list_paginated(client, seeded):
    r = client.get("/api/v1/countries/?page_size=10")
    assert r.status_code == 200
    body = r.json()
    assert body["count"] > 190 and len(body["results"]) == 10
    assert body["previous"] is None and "page=2" in body["next"]
    first = body["results"][0]
    assert set(first) == {"iso3", "iso2", "name", "kind", "region", "subregion", "url"}
    assert first["url"].endswith(f"/api/v1/countries/{first['iso3']}/")
    page2 = client.get(body["next"]).json()
    assert page2["results"][0]["iso3"] not in {c["iso3"] for c in body["results"]}
    assert "page=1" in page2["previous"]
    last = client.get(f"/api/v1/countries/?page_size=500&page={body['count'] // 500 + 1}").json()
    assert last["next"] is None


def test_country_detail_afg(client, seeded):
    r = client.get("/api/v1/countries/afg/?as_of=2026-02-03")
    assert r.status_code == 200
    body = r.json()
    assert body["iso3"] == "AFG" and body["as_of"] == "2026-02-03"
    statuses = {t["treaty"]: t["status"] for t in body["treaties"]}
    assert statuses["mbt"] == "state_party" and statuses["ccm"] == "state_party"
    assert all("obligations" in t for t in body["treaties"])


def test_treaties_list(client, seeded):
    body = client.get("/api/v1/treaties/?as_of=2026-02-03").json()
    mbt = next(t for t in body if t["code"] == "mbt")
    assert mbt["parties_deposit"] == 162
    assert mbt["parties_url"].endswith("/api/v1/treaties/mbt/parties")


@pytest.mark.parametrize("treaty,mode,count", [("mbt", "deposit", 162), ("ccm", "in-force", 111)])
def test_parties_identical_to_cli(client, seeded, treaty, mode, count):
    r = client.get(f"/api/v1/treaties/{treaty}/parties?as_of=2026-02-03&mode={mode}")
    assert r.status_code == 200
    out = io.StringIO()
    call_command(
        "treaty-status",
        "--treaty",
        treaty,
        "--as-of",
        "2026-02-03",
        "--mode",
        mode,
        "--format",
        "json",
        stdout=out,
    )
    assert r.json() == json.loads(out.getvalue())
    assert r.json()["count"] == count


def test_obligations_filters(client, seeded):
    body = client.get("/api/v1/obligations/?page_size=500&as_of=2026-02-03").json()
    assert body["count"] > 0
    row = body["results"][0]
    assert {"iso3", "name", "region", "treaty", "kind", "due", "status"} <= set(row)
    some = row["iso3"]
    only = client.get(f"/api/v1/obligations/?country={some}&as_of=2026-02-03").json()
    assert only["count"] >= 1 and {r["iso3"] for r in only["results"]} == {some}
    clearance = client.get(
        "/api/v1/obligations/?treaty=mbt&kind=clearance&status=overdue&as_of=2026-02-03"
        "&due_before=2026-01-01&page_size=500"
    ).json()
    for r in clearance["results"]:
        assert (r["treaty"], r["kind"], r["status"]) == ("mbt", "clearance", "overdue")
        assert r["due"] < "2026-01-01"


def test_casualties_ukr_580_with_source(client, seeded):
    body = client.get("/api/v1/casualties/?country=UKR&page_size=500").json()
    assert body["count"] >= 1
    hit = [r for r in body["results"] if r["total"] == 580]
    assert hit, body["results"]
    record = hit[0]
    assert record["country"] == "UKR" and record["edition"]
    assert record["source"]["id"] > 0 and record["source"]["key"]
    year = record["data_year"]
    same = client.get(f"/api/v1/casualties/?country=UKR&year={year}").json()
    assert all(r["data_year"] == year for r in same["results"])
    by_edition = client.get(
        "/api/v1/casualties/", {"country": "UKR", "edition": record["edition"]}
    ).json()
    assert all(r["edition"] == record["edition"] for r in by_edition["results"])


@pytest.mark.parametrize("theme", [t for t in THEMES if t != "sources"])
def test_every_theme_route(client, seeded, theme):
    r = client.get(f"/api/v1/{theme}/?page_size=5")
    assert r.status_code == 200, r.content
    for record in r.json()["results"]:
        assert set(record["source"]) >= {"id", "key"} and record["edition"]


def test_sources(client, seeded):
    body = client.get("/api/v1/sources/?page_size=2").json()
    assert body["count"] == Source.objects.count() and len(body["results"]) <= 2
    source = Source.objects.order_by("id").first()
    detail = client.get(f"/api/v1/sources/{source.id}/").json()
    assert detail["key"] == source.key and detail["title"] == source.title


def test_etag_and_last_modified_give_304(client, seeded):
    url = "/api/v1/treaties/mbt/parties?as_of=2026-02-03"
    r = client.get(url)
    etag, last_modified = r["ETag"], r["Last-Modified"]
    assert etag and last_modified
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 304
    assert client.get(url, headers={"If-Modified-Since": last_modified}).status_code == 304
    assert client.get(url, headers={"If-None-Match": '"other"'}).status_code == 200
    other = client.get("/api/v1/treaties/ccm/parties?as_of=2026-02-03")
    assert other["ETag"] != etag


def test_etag_changes_with_data_version(client, seeded):
    from monitor.web.cache import data_version_bump

    url = "/api/v1/countries/?page_size=1"
    etag = client.get(url)["ETag"]
    data_version_bump()
    r = client.get(url, headers={"If-None-Match": etag})
    assert r.status_code == 200 and r["ETag"] != etag


def test_cors_on_api_only(client, seeded):
    r = client.get("/api/v1/treaties/")
    assert r["Access-Control-Allow-Origin"] == "*"
    pre = client.options(
        "/api/v1/treaties/",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert pre.status_code == 200 and pre["Access-Control-Allow-Origin"] == "*"
    assert "GET" in pre["Access-Control-Allow-Methods"]
    assert "Access-Control-Allow-Origin" not in client.get("/")


def test_rate_limit_429(client, seeded, settings):
    settings.MONITOR_API_RATE = "3/minute"
    codes = [client.get("/api/v1/treaties/").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    r = client.get("/api/v1/treaties/")
    assert r.status_code == 429 and int(r["Retry-After"]) >= 1
    assert r.json()["detail"].startswith("rate limit")
    other_ip = client.get("/api/v1/treaties/", REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 200


@pytest.mark.parametrize(
    "url,status,field",
    [
        ("/api/v1/treaties/mbt/parties?as_of=2026-02-30", 422, "as_of"),
        ("/api/v1/obligations/?due_before=2026-13-01", 422, "due_before"),
        ("/api/v1/casualties/?country=ZZZ", 404, "country"),
        ("/api/v1/treaties/mbt/parties?as_of=yesterday", 422, "as_of"),
        ("/api/v1/treaties/xyz/parties", 422, "code"),
        ("/api/v1/treaties/mbt/parties?mode=legal", 422, "mode"),
        ("/api/v1/obligations/?kind=nope", 422, "kind"),
        ("/api/v1/obligations/?status=met", 422, "status"),
        ("/api/v1/obligations/?country=ZZZ", 404, "country"),
        ("/api/v1/countries/ZZZ/", 404, "iso3"),
        ("/api/v1/countries/%00x/", 404, "iso3"),
        ("/api/v1/sources/999999/", 404, "source_id"),
        ("/api/v1/sources/abc/", 422, "source_id"),
        ("/api/v1/casualties/?year=abc", 422, "year"),
        ("/api/v1/casualties/?edition=No%20such", 404, "edition"),
        ("/api/v1/countries/?page_size=501", 422, "page_size"),
        ("/api/v1/countries/?page=0", 422, "page"),
    ],
)
def test_errors_are_json_with_field(client, seeded, url, status, field):
    r = client.get(url)
    assert r.status_code == status, r.content
    assert r["Content-Type"].startswith("application/json")
    body = r.json()
    assert body["field"] == field and body["detail"]


def test_unknown_api_path_is_json_404(client, seeded):
    r = client.get("/api/v1/nothing-here/")
    assert r.status_code == 404 and r.json() == {"detail": "not found", "field": None}


def test_openapi_lists_every_path(client, seeded):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "Landmine and Cluster Munition Monitor API"
    expected = {
        "/api/v1/countries/",
        "/api/v1/countries/{iso3}/",
        "/api/v1/treaties/",
        "/api/v1/treaties/{code}/parties",
        "/api/v1/obligations/",
        "/api/v1/sources/",
        "/api/v1/sources/{source_id}/",
        "/api/v1/proposals/",
        "/api/v1/proposals/{proposal_id}/",
        "/api/v1/strategy/indicators/",
        "/api/v1/strategy/forecasts/",
    } | {f"/api/v1/{t}/" for t in THEMES if t != "sources"}
    assert set(schema["paths"]) == expected
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids))
    casualties = schema["paths"]["/api/v1/casualties/"]["get"]["responses"]["200"]
    assert casualties["content"]["application/json"]["schema"]["$ref"].endswith("CasualtiesPage")


def test_docs_page_has_no_external_assets(client, seeded):
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "swagger" in html.lower()
    external = re.findall(r"""(?:src|href)=["'](?:https?:)?//[^"']+""", html)
    assert external == [], external
    assert "cdn" not in html.lower()


def test_public_responses_are_served_from_cache_until_data_changes(client, seeded):
    from monitor.research.models import CasualtyAggregate
    from monitor.web.cache import data_version_bump

    url = "/api/v1/casualties/?country=AFG"
    first = client.get(url)
    assert first.status_code == 200 and "X-Monitor-Cache" not in first
    second = client.get(url)
    assert second["X-Monitor-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"] and second["ETag"] == first["ETag"]
    # Published data changes: the next answer is computed again, with the new figure.
    record = CasualtyAggregate.objects.get(country_id="AFG", data_year=2023)
    CasualtyAggregate.objects.filter(pk=record.pk).update(total=record.total + 1)
    data_version_bump()
    third = client.get(url)
    assert "X-Monitor-Cache" not in third
    totals = [r["total"] for r in third.json()["results"] if r["data_year"] == 2023]
    assert totals == [record.total + 1]
    # Errors and private responses are never kept.
    assert "X-Monitor-Cache" not in client.get("/api/v1/countries/XXX/")
    assert "X-Monitor-Cache" not in client.get("/api/v1/countries/XXX/")


def test_theme_pages_are_sliced_in_the_database_in_a_stable_order(
    client, seeded, django_assert_max_num_queries
):
    from monitor.research.models import Contamination

    whole = client.get("/api/v1/contamination/?page_size=500").json()
    assert whole["count"] == Contamination.objects.count() > 7
    pieces, page = [], 1
    while True:
        with django_assert_max_num_queries(6):  # count, one page of rows, their sources
            body = client.get(f"/api/v1/contamination/?page_size=7&page={page}").json()
        pieces += body["results"]
        if not body["next"]:
            break
        page += 1
    assert pieces == whole["results"]
    keys = [(r["country"] != "WLD", r["country"], r["data_year"]) for r in pieces]
    assert keys == sorted(keys)
    year = pieces[0]["data_year"]
    same_year = client.get(f"/api/v1/contamination/?year={year}&page_size=500").json()
    assert same_year["count"] == Contamination.objects.filter(data_year=year).count()


def test_records_carry_their_id_for_corrections(client, seeded):
    from monitor.research.models import CasualtyAggregate

    body = client.get("/api/v1/casualties/?country=AFG&year=2023").json()
    stored = CasualtyAggregate.objects.get(country_id="AFG", data_year=2023)
    assert [(r["id"], r["total"]) for r in body["results"]] == [(stored.pk, stored.total)]


def test_strategy_indicators_is_the_report_of_the_cli(client, seeded):
    from monitor.strategy.selectors import progress_report, strategy_for

    body = client.get("/api/v1/strategy/indicators/?year=2021").json()
    assert body == progress_report(strategy_for(year=2021), 2021)
    first = body["indicators"][0]
    assert first["code"] == "1a" and {"year": 2020, "value": 130} in first["targets"]
    assert client.get("/api/v1/strategy/indicators/?strategy=nope").status_code == 404
    assert client.get("/api/v1/strategy/indicators/?year=abc").status_code in (400, 422)
    default = client.get("/api/v1/strategy/indicators/").json()
    assert default["year"] == min(date.today().year, strategy_for(year=2021).period_end)
