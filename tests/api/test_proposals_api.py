"""The write side of the API: POST /api/v1/proposals/ with a personal bearer token."""

from __future__ import annotations

import pytest

from monitor.audit.models import AuditEntry
from monitor.editorial import services
from monitor.editorial.models import Proposal
from monitor.research.models import CasualtyAggregate, Source

pytestmark = pytest.mark.django_db

URL = "/api/v1/proposals/"
NEW_SOURCE = {
    "title": "Afghanistan casualty update",
    "url": "https://example.org/afg-casualties-2023",
    "publisher": "Example Mine Action Centre",
    "publication_date": "2025-03",
    "quote": "In 2023, 700 casualties were recorded.",
}


@pytest.fixture
def afg(seeded):
    """AFG's 2023 casualty figure (651, Landmine Monitor 2024)."""
    return CasualtyAggregate.objects.get(country_id="AFG", data_year=2023, scope="mines_erw")


@pytest.fixture
def researcher(seeded):
    user = services.user_create(
        actor=None, username="rita", email="rita@example.org", role="researcher"
    )
    services.assignment_add(actor=None, user=user, country="AFG")
    return user


@pytest.fixture
def token(researcher):
    _, secret = services.api_token_create(user=researcher, name="laptop")
    return secret


def post(client, data, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(URL, data, content_type="application/json", headers=headers)


def get(client, url, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.get(url, headers=headers)


def correction(afg, **extra):
    data = {
        "country": "AFG",
        "kind": "record",
        "theme": "casualties",
        "target_id": afg.pk,
        "payload": {"total": "700", "source": "new"},
        "new_source": NEW_SOURCE,
        "reason": "The mine action centre's final figure for 2023 is 700.",
        "submit": True,
    }
    data.update(extra)
    return data


def test_it_creates_and_submits_a_correction_without_touching_published_data(client, afg, token):
    before = CasualtyAggregate.objects.values().get(pk=afg.pk)
    audit_count = AuditEntry.objects.count()
    sources = Source.objects.count()
    r = post(client, correction(afg), token)
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == "submitted"
    assert body["country"] == "AFG" and body["kind"] == "record"
    assert body["theme"] == "casualties" and body["target_id"] == afg.pk
    assert body["edition"] == "Landmine Monitor 2024"
    # The unchanged columns carry over from the record corrected; its citation does not.
    assert body["payload"]["total"] == "700" and body["payload"]["data_year"] == "2023"
    assert body["payload"]["scope"] == "mines_erw" and body["payload"]["source"] == "new"
    assert "quote" not in body["payload"]
    assert body["new_source"]["title"] == NEW_SOURCE["title"]
    assert body["created_at"] and body["submitted_at"]
    assert body["url"] == f"http://testserver/editorial/proposals/{body['id']}/"
    assert body["api_url"] == f"http://testserver/api/v1/proposals/{body['id']}/"
    assert r["Cache-Control"] == "private, no-store"
    assert "ETag" not in r and "Access-Control-Allow-Origin" not in r
    # Nothing published changed: same figure, no audit entry, no new source.
    assert CasualtyAggregate.objects.values().get(pk=afg.pk) == before
    assert AuditEntry.objects.count() == audit_count
    assert Source.objects.count() == sources
    proposal = Proposal.objects.get(pk=body["id"])
    assert proposal.author.username == "rita" and proposal.state == "submitted"
    assert [e.action for e in proposal.events.all()] == ["created", "submit"]


def test_without_submit_it_is_a_draft(client, afg, token):
    r = post(client, correction(afg, submit=False, reason=""), token)
    assert r.status_code == 201, r.content
    assert r.json()["state"] == "draft" and r.json()["submitted_at"] is None


def test_a_narrative_section(client, seeded, token):
    key = Source.objects.order_by("key").values_list("key", flat=True).first()
    data = {
        "country": "afg",
        "kind": "narrative",
        "section": "impact",
        "edition": "Landmine Monitor 2024",
        "body": f"Casualties continued in 2023 [@{key}].",
        "reason": "New profile text.",
        "submit": True,
    }
    r = post(client, data, token)
    assert r.status_code == 201, r.content
    assert r.json()["kind"] == "narrative" and r.json()["section"] == "impact"
    assert r.json()["country"] == "AFG"


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer mon_not-a-token", "Bearer ", "Token abc", "Basic cml0YTpwdw=="],
)
def test_it_requires_a_valid_token(client, afg, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    count = Proposal.objects.count()
    r = client.post(URL, correction(afg), content_type="application/json", headers=headers)
    assert r.status_code == 401
    assert r["Content-Type"].startswith("application/json")
    assert r["WWW-Authenticate"].startswith("Bearer")
    assert set(r.json()) == {"detail", "field"}
    assert Proposal.objects.count() == count


def test_a_revoked_token_is_401(client, afg, researcher, token):
    assert get(client, URL, token).status_code == 200
    api_token = researcher.api_tokens.get()
    services.api_token_revoke(user=researcher, token_id=api_token.pk)
    r = post(client, correction(afg), token)
    assert r.status_code == 401
    assert 'error="invalid_token"' in r["WWW-Authenticate"]
    assert get(client, URL, token).status_code == 401


def test_an_inactive_users_token_is_401(client, afg, researcher, token):
    researcher.is_active = False
    researcher.save()
    assert post(client, correction(afg), token).status_code == 401


def test_another_country_is_403(client, seeded, token):
    target = CasualtyAggregate.objects.exclude(country_id="AFG").exclude(country=None).first()
    r = post(
        client,
        {
            "country": target.country_id,
            "kind": "record",
            "theme": "casualties",
            "target_id": target.pk,
            "payload": {"total": "1"},
            "reason": "x",
        },
        token,
    )
    assert r.status_code == 403
    assert r.json()["detail"].startswith("you are not assigned to")
    assert not Proposal.objects.exists()


def test_a_viewer_cannot_write(client, afg, researcher, token):
    # The token outlives a change of role: the services' checks still apply.
    services.user_role_set(actor=None, user=researcher, role="viewer")
    assert post(client, correction(afg), token).status_code == 403


@pytest.mark.parametrize(
    "change, field",
    [
        ({"payload": {"total": "many", "source": "new"}}, "payload.total"),
        ({"payload": {"total": "700", "source": "new", "victims": "3"}}, "payload.victims"),
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"country": "ZZZ"}, "country"),
        ({"edition": "Landmine Monitor 1900"}, "edition"),
        ({"target_id": 999999999}, "target_id"),
        ({"new_source": {"url": "https://example.org/x"}}, "new_source.title"),
        ({"new_source": None}, "new_source"),
    ],
)
def test_bad_input_is_422_naming_the_field(client, afg, token, change, field):
    audit_count = AuditEntry.objects.count()
    r = post(client, correction(afg, **change), token)
    assert r.status_code == 422, r.content
    body = r.json()
    assert body["detail"] and body["problems"], body
    assert all(set(p) == {"field", "message"} for p in body["problems"])
    # `field` and `detail` are the first problem; the field asked about is among them.
    assert (body["field"], body["detail"]) == tuple(body["problems"][0].values())
    assert field in [p["field"] for p in body["problems"]], body
    # Nothing is kept: not even a draft when submitting fails.
    assert not Proposal.objects.exists()
    assert AuditEntry.objects.count() == audit_count


@pytest.mark.parametrize(
    "change, field",
    [
        ({"kind": "figure"}, "kind"),
        ({"theme": "weather"}, "theme"),
        ({"country": "Afghanistan"}, "country"),
        ({"section": "history"}, "section"),
        ({"payload": {"total": [700]}}, "payload.total"),
        ({"new_source": {"title": 5}}, "new_source.title"),
        ({"target_id": "twelve"}, "target_id"),
        ({"target_id": 0}, "target_id"),
        ({"submit": "perhaps"}, "submit"),
        ({"payload": ["total", "700"]}, "payload"),
        ({"unknown": 1}, "unknown"),
        ({"reason": "nul \x00 character"}, "reason"),
        ({"new_source": {"title": "x", "doi": "10.1/x"}}, "new_source.doi"),
    ],
)
def test_bad_types_are_422_naming_the_field(client, afg, token, change, field):
    r = post(client, correction(afg, **change), token)
    assert r.status_code == 422, r.content
    assert r.json()["field"] == field, r.json()
    assert r.json()["detail"].startswith(f"{field}: ")
    assert not Proposal.objects.exists()


def test_an_empty_body_is_422(client, seeded, token):
    r = client.post(
        URL, content_type="application/json", headers={"Authorization": f"Bearer {token}"}
    )
    assert r.status_code == 422
    assert r.json() == {"detail": "country: Field required", "field": "country"}


def test_a_body_that_is_not_json_is_400(client, afg, token):
    r = client.post(
        URL,
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 400
    assert r.json()["detail"]


def test_it_lists_only_the_callers_proposals(client, afg, researcher, token):
    assert post(client, correction(afg), token).status_code == 201
    other = services.user_create(actor=None, username="omar", role="researcher")
    services.assignment_add(actor=None, user=other, country="AFG")
    services.proposal_create(
        author=other,
        country="AFG",
        kind="record",
        theme="casualties",
        target_id=afg.pk,
        reason="mine",
    )
    r = get(client, URL, token)
    assert r.status_code == 200
    body = r.json()
    assert body["count"] == 1 and body["next"] is None
    assert body["results"][0]["state"] == "submitted"
    assert r["Cache-Control"] == "private, no-store" and "ETag" not in r


def test_detail_of_own_and_others_proposals(client, afg, researcher, token):
    mine = post(client, correction(afg), token).json()
    r = get(client, f"{URL}{mine['id']}/", token)
    assert r.status_code == 200 and r.json()["id"] == mine["id"]
    other = services.user_create(actor=None, username="omar", role="researcher")
    services.assignment_add(actor=None, user=other, country="AFG")
    draft = services.proposal_create(
        author=other, country="AFG", kind="record", theme="casualties", target_id=afg.pk
    )
    # Someone else's draft is not there for me.
    r = get(client, f"{URL}{draft.pk}/", token)
    assert r.status_code == 404 and r.json()["field"] == "proposal_id"
    # Once submitted, a researcher of the same country may see it (services.can_view_proposal).
    services.proposal_update(actor=other, proposal=draft, reason="A better source.")
    services.proposal_submit(actor=other, proposal=draft)
    assert get(client, f"{URL}{draft.pk}/", token).status_code == 200
    assert get(client, f"{URL}999999/", token).status_code == 404
    assert get(client, f"{URL}{draft.pk}/").status_code == 401


def test_an_editor_token_sees_every_proposal(client, afg, token):
    mine = post(client, correction(afg, submit=False, reason=""), token).json()
    editor = services.user_create(actor=None, username="edna", role="editor")
    _, secret = services.api_token_create(user=editor, name="ci")
    assert get(client, f"{URL}{mine['id']}/", secret).status_code == 200
    assert get(client, URL, secret).json()["count"] == 0  # the list is one's own


def test_post_is_not_blocked_by_csrf(afg, token):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    assert post(client, correction(afg), token).status_code == 201


def test_reads_keep_cors_and_etag(client, seeded):
    r = client.get("/api/v1/treaties/")
    assert r["Access-Control-Allow-Origin"] == "*" and r["ETag"]
    preflight = client.options(
        URL, headers={"Origin": "https://example.org", "Access-Control-Request-Method": "POST"}
    )
    assert "Access-Control-Allow-Origin" not in preflight


def test_openapi_documents_the_write_side(client, seeded):
    schema = client.get("/api/v1/openapi.json").json()
    schemes = schema["components"]["securitySchemes"]
    (name,) = [k for k, v in schemes.items() if v == {"type": "http", "scheme": "bearer"}]
    create = schema["paths"]["/api/v1/proposals/"]["post"]
    assert create["operationId"] == "proposals_create"
    assert create["security"] == [{name: []}]
    assert {"201", "401", "403", "422"} <= set(create["responses"])
    listing = schema["paths"]["/api/v1/proposals/"]["get"]
    detail = schema["paths"]["/api/v1/proposals/{proposal_id}/"]["get"]
    assert listing["security"] == detail["security"] == [{name: []}]
    # The read API stays open.
    assert "security" not in schema["paths"]["/api/v1/treaties/"]["get"]
