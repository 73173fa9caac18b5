"""Every role × every write service, with the outcome expected of each pair.

The checks live in the services, so a view, the API or a script that forgets one cannot
open a hole. Where a write is refused (NotAllowed) or its input is (EditorialError), nothing
at all is written. Permission comes before content: a user who may not write never learns
what would have been wrong with the input.

The records here are test data made in the test, not Monitor figures.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from monitor.audit.models import AuditEntry
from monitor.countries.models import Country
from monitor.countries.services import country_seed
from monitor.editorial import services as s
from monitor.editorial.models import ApiToken, Assignment, Proposal, ProposalEvent
from monitor.editorial.services import EditorialError, NotAllowed
from monitor.research.models import Edition
from monitor.research.services import edition_get_or_create, record_upsert, source_get_or_create
from monitor.research.themes import THEMES

pytestmark = pytest.mark.django_db

#: Personas. "reader" holds the viewer role (named so that `pytest -k "not view"`, which
#: skips the web views' tests, keeps these).
ROLES = (
    "reader",
    "researcher_afg",  # assigned Afghanistan, every theme (the author of the proposals below)
    "researcher_afg_contamination",  # assigned Afghanistan, contamination only
    "researcher_irq",  # assigned another country
    "editor",
    "administrator",
    "inactive",  # an administrator whose account was deactivated
)
OK, NO, BAD = "allowed", "NotAllowed", "EditorialError"

#: action -> expected outcome for each role, in ROLES order.
EXPECTED = {
    # proposals: creating (Afghanistan)
    "create_record_casualties": (NO, OK, NO, NO, OK, OK, NO),
    "create_record_contamination_invalid": (NO, BAD, BAD, NO, BAD, BAD, NO),
    "create_narrative": (NO, OK, NO, NO, OK, OK, NO),
    # proposals by researcher_afg: the author's actions
    "update_draft": (NO, OK, NO, NO, NO, NO, NO),
    "update_draft_invalid": (NO, BAD, NO, NO, NO, NO, NO),
    "submit_draft": (NO, OK, NO, NO, NO, NO, NO),
    "withdraw_submitted": (NO, OK, NO, NO, NO, NO, NO),
    "comment_submitted": (NO, OK, NO, NO, OK, OK, NO),
    "comment_draft": (NO, OK, NO, NO, OK, OK, NO),
    # proposals by researcher_afg: the editors' decisions
    "request_changes": (NO, NO, NO, NO, OK, OK, NO),
    "approve": (NO, NO, NO, NO, OK, OK, NO),
    "reject": (NO, NO, NO, NO, OK, OK, NO),
    # accounts, tokens, editions
    "user_create": (NO, NO, NO, NO, NO, OK, NO),
    "user_role_set": (NO, NO, NO, NO, NO, OK, NO),
    "assignment_add": (NO, NO, NO, NO, NO, OK, NO),
    "api_token_create": (NO, OK, OK, OK, OK, OK, NO),
    "edition_freeze": (NO, NO, NO, NO, OK, OK, NO),
}


@dataclass
class World:
    people: dict
    record: object
    draft: Proposal
    submitted: Proposal
    edition: Edition


def _person(username, role, *assignments, active=True):
    user = s.user_create(actor=None, username=username, email=f"{username}@x.org", role=role)
    for assignment in assignments:
        country, _, theme = assignment.partition("/")
        s.assignment_add(actor=None, user=user, country=country, theme=theme)
    if not active:
        user.is_active = False
        user.save()
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def world(db) -> World:
    country_seed()
    edition, _ = edition_get_or_create(name="Test Monitor 2024")
    source, _ = source_get_or_create(key="test-source", title="Test source")
    record = record_upsert(
        theme=THEMES["casualties"],
        values={
            "country": Country.objects.get(iso3="AFG"),
            "data_year": 2023,
            "edition": edition,
            "source": source,
            "scope": "mines_erw",
            "total": 100,
        },
    ).obj
    people = {
        "reader": _person("reader", "viewer"),
        "researcher_afg": _person("r_afg", "researcher", "AFG"),
        "researcher_afg_contamination": _person("r_afg_c", "researcher", "AFG/contamination"),
        "researcher_irq": _person("r_irq", "researcher", "IRQ"),
        "editor": _person("editor", "editor"),
        "administrator": _person("admin", "administrator"),
        "inactive": _person("gone", "administrator", active=False),
    }
    author = people["researcher_afg"]

    def draft(total):
        proposal = s.proposal_create(
            author=author,
            country="AFG",
            kind="record",
            theme="casualties",
            target_id=record.pk,
            reason="a better figure",
        )
        payload = {**proposal.payload, "total": str(total)}
        return s.proposal_update(actor=author, proposal=proposal, payload=payload)

    submitted = s.proposal_submit(actor=author, proposal=draft(120))
    return World(people, record, draft(110), submitted, edition)


def _create_record(actor, w, theme="casualties", **extra):
    return s.proposal_create(
        author=actor,
        country="AFG",
        kind="record",
        theme=theme,
        target_id=w.record.pk if theme == "casualties" else None,
        reason="r",
        **extra,
    )


CALLS = {
    "create_record_casualties": lambda a, w: _create_record(a, w),
    "create_record_contamination_invalid": lambda a, w: _create_record(
        a, w, theme="contamination", payload={"area_km2": "lots"}
    ),
    "create_narrative": lambda a, w: s.proposal_create(
        author=a,
        country="AFG",
        kind="narrative",
        section="impact",
        body="Text [@test-source].",
        reason="r",
    ),
    "update_draft": lambda a, w: s.proposal_update(actor=a, proposal=w.draft, reason="new"),
    "update_draft_invalid": lambda a, w: s.proposal_update(
        actor=a, proposal=w.draft, payload={**w.draft.payload, "total": "-5"}
    ),
    "submit_draft": lambda a, w: s.proposal_submit(actor=a, proposal=w.draft),
    "withdraw_submitted": lambda a, w: s.proposal_withdraw(actor=a, proposal=w.submitted),
    "comment_submitted": lambda a, w: s.proposal_comment(
        actor=a, proposal=w.submitted, message="?"
    ),
    "comment_draft": lambda a, w: s.proposal_comment(actor=a, proposal=w.draft, message="?"),
    "request_changes": lambda a, w: s.proposal_request_changes(
        actor=a, proposal=w.submitted, message="more"
    ),
    "approve": lambda a, w: s.proposal_approve(actor=a, proposal=w.submitted),
    "reject": lambda a, w: s.proposal_reject(actor=a, proposal=w.submitted, message="no"),
    "user_create": lambda a, w: s.user_create(actor=a, username="newcomer", role="viewer"),
    "user_role_set": lambda a, w: s.user_role_set(
        actor=a, user=w.people["reader"], role="administrator"
    ),
    "assignment_add": lambda a, w: s.assignment_add(
        actor=a, user=w.people["researcher_irq"], country="AFG"
    ),
    "api_token_create": lambda a, w: s.api_token_create(user=a, name="script"),
    "edition_freeze": lambda a, w: s.edition_freeze(name=w.edition.name, actor=a),
}


def _fingerprint():
    """Everything a write service can change."""
    User = get_user_model()
    return (
        tuple(Proposal.objects.order_by("pk").values_list("pk", "state", "reason", "payload")),
        ProposalEvent.objects.count(),
        AuditEntry.objects.count(),
        User.objects.count(),
        tuple(User.groups.through.objects.order_by("pk").values_list("user_id", "group_id")),
        Assignment.objects.count(),
        ApiToken.objects.count(),
        Edition.objects.filter(frozen_at__isnull=False).count(),
        THEMES["casualties"].model.objects.get().total,
    )


MATRIX = [
    (action, role, expected[i])
    for action, expected in EXPECTED.items()
    for i, role in enumerate(ROLES)
]


def test_the_table_covers_every_action():
    assert set(EXPECTED) == set(CALLS)
    assert all(len(row) == len(ROLES) for row in EXPECTED.values())


@pytest.mark.parametrize(
    ("action", "role", "expected"), MATRIX, ids=[f"{a}-{r}" for a, r, _ in MATRIX]
)
def test_role_action(world, action, role, expected):
    actor = world.people[role]
    before = _fingerprint()
    if expected == OK:
        CALLS[action](actor, world)
        assert _fingerprint() != before, "an allowed write changed nothing"
        return
    error = NotAllowed if expected == NO else EditorialError
    with pytest.raises(error):
        CALLS[action](actor, world)
    assert _fingerprint() == before, "a refused write left something behind"


@pytest.mark.parametrize("action", ["request_changes", "approve", "reject"])
def test_an_editor_cannot_decide_on_their_own_proposal(world, action):
    editor, admin = world.people["editor"], world.people["administrator"]
    own = _create_record(editor, world)
    own = s.proposal_update(actor=editor, proposal=own, payload={**own.payload, "total": "130"})
    own = s.proposal_submit(actor=editor, proposal=own)
    before = _fingerprint()
    with pytest.raises(NotAllowed, match="own proposal"):
        CALLS[action](editor, world.__class__(**{**world.__dict__, "submitted": own}))
    assert _fingerprint() == before
    CALLS[action](admin, world.__class__(**{**world.__dict__, "submitted": own}))


def test_anonymous_users_write_nothing(world):
    anonymous = AnonymousUser()
    for action in ("create_record_casualties", "create_narrative", "approve", "comment_submitted"):
        with pytest.raises(NotAllowed):
            CALLS[action](anonymous, world)
    with pytest.raises(NotAllowed):
        s.api_token_create(user=anonymous, name="x")
    with pytest.raises(NotAllowed):
        s.user_create(actor=anonymous, username="x", role="viewer")


VIEW = {
    # role: (may see the draft, may see the submitted proposal)
    "reader": (False, True),
    "researcher_afg": (True, True),  # the author
    "researcher_afg_contamination": (False, True),  # works on Afghanistan
    "researcher_irq": (False, False),
    "editor": (True, True),
    "administrator": (True, True),
    "inactive": (False, False),
}


@pytest.mark.parametrize("role", ROLES)
def test_who_sees_drafts_and_submitted_proposals(world, role):
    user = world.people[role]
    assert s.can_view_proposal(user, world.draft) is VIEW[role][0]
    assert s.can_view_proposal(user, world.submitted) is VIEW[role][1]


def test_anonymous_users_see_no_proposal(world):
    for proposal in (world.draft, world.submitted):
        assert s.can_view_proposal(AnonymousUser(), proposal) is False
        assert s.can_view_proposal(None, proposal) is False


def test_a_withdrawn_proposal_is_a_draft_again_and_hidden_again(world):
    author, reader = world.people["researcher_afg"], world.people["reader"]
    assert s.can_view_proposal(reader, world.submitted)
    s.proposal_withdraw(actor=author, proposal=world.submitted)
    world.submitted.refresh_from_db()
    assert not s.can_view_proposal(reader, world.submitted)


def test_can_propose_by_assignment(world):
    p = world.people
    assert s.can_propose(p["researcher_afg"], "AFG", "casualties")
    assert s.can_propose(p["researcher_afg_contamination"], "AFG", "contamination")
    assert not s.can_propose(p["researcher_afg_contamination"], "AFG", "casualties")
    assert s.can_propose(p["researcher_afg_contamination"], "AFG")  # works on the country
    assert not s.can_propose_narrative(p["researcher_afg_contamination"], "AFG")
    assert s.can_propose_narrative(p["researcher_afg"], "AFG")
    assert not s.can_propose(p["researcher_irq"], "AFG")
    assert s.can_propose(p["editor"], "IRQ", "casualties")
    assert not s.can_propose(p["reader"], "AFG")
    assert not s.can_propose(p["inactive"], "AFG")
