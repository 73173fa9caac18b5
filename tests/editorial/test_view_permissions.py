"""Who may open which editorial page and take which action, through the web UI.

Every role × every draft-revealing page and every write action, with the status expected:
302 to the sign-in page for anonymous visitors, 403 for a role that may not, 404 for a
proposal the user may not even see (a draft is never revealed), 200/302 when allowed. A
refused write changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from monitor.audit.models import AuditEntry
from monitor.countries.models import Country
from monitor.editorial import services
from monitor.editorial.models import Assignment, Proposal, ProposalEvent
from monitor.research.models import Edition, Source

pytestmark = pytest.mark.django_db

#: The columns of the tables below, in this order.
PERSONAS = (
    "anonymous",
    "viewer",
    "researcher_afg",  # assigned to Afghanistan, not the author of the proposals
    "researcher_other",  # assigned to Colombia only
    "editor",
    "administrator",
    "author",  # the researcher (assigned to Afghanistan) who wrote both proposals
)
LOGIN = "login"  # a 302 to the sign-in page

# --- pages (GET) ---------------------------------------------------------------------------
# (name, url, expected status for: anonymous, viewer, researcher_afg, researcher_other, editor,
#  administrator, author)
PAGES = [
    ("dashboard", "/editorial/", (LOGIN, 200, 200, 200, 200, 200, 200)),
    ("queue", "/editorial/queue/", (LOGIN, 403, 403, 403, 200, 200, 403)),
    ("team", "/editorial/team/", (LOGIN, 403, 403, 403, 403, 200, 403)),
    ("draft", "/editorial/proposals/{draft}/", (LOGIN, 404, 404, 404, 200, 200, 200)),
    ("draft-edit", "/editorial/proposals/{draft}/edit/", (LOGIN, 404, 404, 404, 403, 403, 200)),
    ("submitted", "/editorial/proposals/{submitted}/", (LOGIN, 200, 200, 404, 200, 200, 200)),
    (
        "submitted-edit",
        "/editorial/proposals/{submitted}/edit/",
        (LOGIN, 403, 403, 404, 403, 403, 403),
    ),
    ("audit-country", "/editorial/audit/country/AFG/", (LOGIN, 403, 403, 403, 200, 200, 403)),
    (
        "audit-record",
        "/editorial/audit/research.casualtyaggregate/1/",
        (LOGIN, 403, 403, 403, 200, 200, 403),
    ),
    (
        "new-figure-AFG",
        "/editorial/proposals/new/?country=AFG&theme=casualties",
        (LOGIN, 403, 200, 403, 200, 200, 200),
    ),
    (
        "new-section-AFG",
        "/editorial/proposals/new/?country=AFG&section=impact",
        (LOGIN, 403, 200, 403, 200, 200, 200),
    ),
    (
        "new-chooser-AFG",
        "/editorial/proposals/new/?country=AFG",
        (LOGIN, 403, 200, 403, 200, 200, 200),
    ),
    ("profile", "/accounts/profile/", (LOGIN, 200, 200, 200, 200, 200, 200)),
]

# --- write actions (POST) ------------------------------------------------------------------
FIGURE = {
    "data_year": "2022",
    "scope": "mines_erw",
    "total": "10",
    "source": "lm2024",
    "edition": "Landmine Monitor 2024",
    "reason": "A new figure from the 2024 report.",
}
# (name, url, posted data, expected status for: anonymous, viewer, researcher_afg,
#  researcher_other, editor, administrator, author)
WRITES = [
    (
        "create",
        "/editorial/proposals/new/?country=AFG&theme=casualties",
        FIGURE,
        (LOGIN, 403, 302, 403, 302, 302, 302),
    ),
    (
        "submit-draft",
        "/editorial/proposals/{draft}/submit/",
        {},
        (LOGIN, 404, 404, 404, 403, 403, 302),
    ),
    (
        "edit-draft",
        "/editorial/proposals/{draft}/edit/",
        {**FIGURE, "total": "12"},
        (LOGIN, 404, 404, 404, 403, 403, 302),
    ),
    (
        "withdraw",
        "/editorial/proposals/{submitted}/withdraw/",
        {},
        (LOGIN, 403, 403, 404, 403, 403, 302),
    ),
    (
        "approve",
        "/editorial/proposals/{submitted}/approve/",
        {"message": "Fine."},
        (LOGIN, 403, 403, 404, 302, 302, 403),
    ),
    (
        "approve-draft",
        "/editorial/proposals/{draft}/approve/",
        {"message": "Fine."},
        (LOGIN, 404, 404, 404, 302, 302, 403),  # editors: refused by the state (see below)
    ),
    (
        "reject",
        "/editorial/proposals/{submitted}/reject/",
        {"message": "No source for this."},
        (LOGIN, 403, 403, 404, 302, 302, 403),
    ),
    (
        "request-changes",
        "/editorial/proposals/{submitted}/request-changes/",
        {"message": "Give the page."},
        (LOGIN, 403, 403, 404, 302, 302, 403),
    ),
    (
        "comment-submitted",
        "/editorial/proposals/{submitted}/comment/",
        {"message": "A comment."},
        (LOGIN, 403, 403, 404, 302, 302, 302),
    ),
    (
        "comment-draft",
        "/editorial/proposals/{draft}/comment/",
        {"message": "A comment."},
        (LOGIN, 404, 404, 404, 302, 302, 302),
    ),
    (
        "team-create-user",
        "/editorial/team/",
        {"username": "newcomer", "role": "viewer"},
        (LOGIN, 403, 403, 403, 403, 302, 403),
    ),
    (
        "assignment-add",
        "/editorial/team/assignments/",
        {"user": "{researcher_other}", "country": "AFG", "theme": ""},
        (LOGIN, 403, 403, 403, 403, 302, 403),
    ),
    (
        "assignment-remove",
        "/editorial/team/assignments/{other_assignment}/remove/",
        {},
        (LOGIN, 403, 403, 403, 403, 302, 403),
    ),
    (
        "role-set",
        "/editorial/team/{viewer}/role/",
        {"role": "researcher"},
        (LOGIN, 403, 403, 403, 403, 302, 403),
    ),
    (
        "token-create",
        "/accounts/profile/tokens/",
        {"name": "script"},
        (LOGIN, 403, 200, 200, 200, 200, 200),
    ),
]

#: What an allowed write did (checked after a 2xx/3xx that is not a sign-in redirect).
EFFECTS = {
    "create": lambda w: Proposal.objects.count() == 3,
    "submit-draft": lambda w: w.state("draft") == "submitted",
    "edit-draft": lambda w: Proposal.objects.get(pk=w.ids["draft"]).payload["total"] == "12",
    "withdraw": lambda w: w.state("submitted") == "draft",
    "approve": lambda w: w.state("submitted") == "published",
    "approve-draft": lambda w: w.state("draft") == "draft",  # a draft cannot be approved
    "reject": lambda w: w.state("submitted") == "rejected",
    "request-changes": lambda w: w.state("submitted") == "changes_requested",
    "comment-submitted": lambda w: ProposalEvent.objects.filter(action="comment").count() == 1,
    "comment-draft": lambda w: ProposalEvent.objects.filter(action="comment").count() == 1,
    "team-create-user": lambda w: get_user_model().objects.filter(username="newcomer").exists(),
    "assignment-add": lambda w: Assignment.objects.filter(
        user__username="researcher_other", country_id="AFG"
    ).exists(),
    "assignment-remove": lambda w: (
        not Assignment.objects.filter(pk=w.ids["other_assignment"]).exists()
    ),
    "role-set": lambda w: (
        get_user_model().objects.get(username="viewer").groups.get().name == "researcher"
    ),
    "token-create": lambda w: True,
}


@dataclass
class World:
    users: dict
    ids: dict

    def state(self, name: str) -> str:
        return Proposal.objects.get(pk=self.ids[name]).state

    def client(self, persona: str) -> Client:
        client = Client()
        if persona != "anonymous":
            client.force_login(self.users[persona])
        return client

    def fill(self, text: str) -> str:
        return text.format(**self.ids)


def _snapshot():
    return (
        sorted(Proposal.objects.values_list("pk", "state")),
        sorted(Proposal.objects.values_list("pk", "payload")),
        ProposalEvent.objects.count(),
        get_user_model().objects.count(),
        sorted(Assignment.objects.values_list("user_id", "country_id", "theme")),
        sorted(
            (u.username, [g.name for g in u.groups.all()]) for u in get_user_model().objects.all()
        ),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def world(db) -> World:
    """Two countries, an open edition, a source, the personas and two proposals by `author`:
    a draft and a submitted one, both new casualty figures for Afghanistan."""
    Country.objects.create(iso3="AFG", name="Afghanistan")
    Country.objects.create(iso3="COL", name="Colombia")
    Edition.objects.create(name="Landmine Monitor 2024", report_year=2024)
    Source.objects.create(key="lm2024", title="Landmine Monitor 2024", url="https://example.org/lm")
    users = {}
    for name, role in [
        ("viewer", "viewer"),
        ("researcher_afg", "researcher"),
        ("researcher_other", "researcher"),
        ("editor", "editor"),
        ("administrator", "administrator"),
        ("author", "researcher"),
    ]:
        users[name] = services.user_create(
            actor=None, username=name, email=f"{name}@example.org", role=role
        )
    services.assignment_add(actor=None, user=users["researcher_afg"], country="AFG")
    services.assignment_add(actor=None, user=users["author"], country="AFG")
    other = services.assignment_add(actor=None, user=users["researcher_other"], country="COL")

    def figure(year: str):
        return services.proposal_create(
            author=users["author"],
            country="AFG",
            kind="record",
            theme="casualties",
            payload={"data_year": year, "scope": "mines_erw", "total": "5", "source": "lm2024"},
            reason="From the 2024 report.",
        )

    draft = figure("2020")
    submitted = services.proposal_submit(actor=users["author"], proposal=figure("2021"))
    ids = {
        "draft": draft.pk,
        "submitted": submitted.pk,
        "other_assignment": other.pk,
        "viewer": users["viewer"].pk,
        "researcher_other": users["researcher_other"].pk,
    }
    return World(users, ids)


def _cases(table):
    for row in table:
        name, expected = row[0], row[-1]
        assert len(expected) == len(PERSONAS), name
        for persona, status in zip(PERSONAS, expected, strict=True):
            yield pytest.param(row, persona, status, id=f"{name}-{persona}")


def _check_status(response, status, url):
    if status == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/?next=")
    else:
        assert response.status_code == status, response.content.decode()[:1500]
        if status == 302:
            assert not response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(("row", "persona", "status"), list(_cases(PAGES)))
def test_page_access(world, row, persona, status):
    _name, url, _expected = row
    url = world.fill(url)
    response = world.client(persona).get(url)
    _check_status(response, status, url)
    if status == 404:
        # Nothing about the proposal leaks into the answer.
        assert b"From the 2024 report" not in response.content


@pytest.mark.parametrize(("row", "persona", "status"), list(_cases(WRITES)))
def test_write_action(world, row, persona, status):
    name, url, data, _expected = row
    url = world.fill(url)
    data = {k: world.fill(v) for k, v in data.items()}
    before = _snapshot()
    response = world.client(persona).post(url, data)
    _check_status(response, status, url)
    if status in (LOGIN, 403, 404):
        assert _snapshot() == before, "a refused action must not write anything"
    else:
        assert EFFECTS[name](world), f"{name} by {persona} had no effect"


def test_write_actions_answer_405_to_get(world):
    client = world.client("editor")
    for action in ("approve", "reject", "request-changes", "comment", "submit", "withdraw"):
        response = client.get(f"/editorial/proposals/{world.ids['submitted']}/{action}/")
        assert response.status_code == 405


def test_anonymous_never_sees_drafts_in_lists(world):
    """A draft does not show up in the queue or on another researcher's dashboard."""
    editor = world.client("editor").get("/editorial/queue/").content.decode()
    assert f"/editorial/proposals/{world.ids['draft']}/" not in editor
    assert f"/editorial/proposals/{world.ids['submitted']}/" in editor
    other = world.client("researcher_afg").get("/editorial/").content.decode()
    assert f"/editorial/proposals/{world.ids['draft']}/" not in other
    mine = world.client("author").get("/editorial/").content.decode()
    assert f"/editorial/proposals/{world.ids['draft']}/" in mine
