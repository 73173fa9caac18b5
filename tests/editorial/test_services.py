"""The editorial services: proposals from draft to published, atomic approval, frozen
editions and errata, notifications, reader subscriptions, API tokens and accounts.

Tests marked with the `seeded` fixture use the bundled real data (Afghanistan's 651
casualties in 2023, Landmine Monitor 2024); the others make their own test data.
"""

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.core import mail

from monitor.audit.models import AuditEntry
from monitor.audit.selectors import audit_for_proposal
from monitor.countries.models import Country
from monitor.countries.services import country_seed
from monitor.editorial import services as s
from monitor.editorial.models import ApiToken, NarrativeSection, Proposal, Subscription
from monitor.editorial.roles import Role, role_of
from monitor.editorial.services import EditorialError, NotAllowed
from monitor.editorial.workflow import TransitionError
from monitor.research.models import CasualtyAggregate, Edition, Erratum, Source
from monitor.research.selectors import theme_figures
from monitor.research.services import (
    ResearchDataError,
    edition_get_or_create,
    record_upsert,
    source_get_or_create,
)
from monitor.research.themes import THEMES

LM2024 = "Landmine Monitor 2024"
NEW_SOURCE = {
    "title": "UNMAS Afghanistan casualty update (test)",
    "url": "https://example.org/unmas-afg-2023",
    "publisher": "UNMAS",
    "publication_date": "2024-03",
}


def person(username: str, role: str, *assignments: str, active: bool = True):
    """A user with `role`; assignments "AFG" (every theme) or "AFG/contamination"."""
    user = s.user_create(actor=None, username=username, email=f"{username}@example.org", role=role)
    for assignment in assignments:
        country, _, theme = assignment.partition("/")
        s.assignment_add(actor=None, user=user, country=country, theme=theme)
    if not active:
        user.is_active = False
        user.save()
    return get_user_model().objects.get(pk=user.pk)


@pytest.fixture
def people(db):
    return {
        "researcher": person("rita", "researcher", "AFG"),
        "editor": person("eddie", "editor"),
        "editor2": person("erin", "editor"),
        "admin": person("ada", "administrator"),
        "viewer": person("vic", "viewer"),
        "inactive_editor": person("ivan", "editor", active=False),
    }


@pytest.fixture
def afg_651(seeded):
    """The real record: Afghanistan, 2023, 651 mine/ERW casualties (Landmine Monitor 2024)."""
    return CasualtyAggregate.objects.select_related("edition", "source").get(
        country_id="AFG", data_year=2023, edition__name=LM2024
    )


@pytest.fixture
def world(db):
    """Test data (not Monitor figures): an open edition, a source, one AFG record."""
    country_seed()
    edition, _ = edition_get_or_create(name="Test Monitor 2024")
    source, _ = source_get_or_create(title="Test source", url="https://example.org/test")
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
    return edition, source, record


def correction(author, record, **extra):
    return s.proposal_create(
        author=author,
        country="AFG",
        kind="record",
        theme="casualties",
        target_id=record.pk,
        reason=extra.pop("reason", "The UNMAS update gives a higher figure."),
        **extra,
    )


def with_total(proposal, total) -> dict:
    return {**proposal.payload, "total": str(total)}


def submitted(author, record, total=120, **extra):
    proposal = correction(author, record, **extra)
    proposal = s.proposal_update(
        actor=author, proposal=proposal, payload=with_total(proposal, total)
    )
    return s.proposal_submit(actor=author, proposal=proposal)


# --- the whole life cycle ---------------------------------------------------------------


def test_a_researcher_corrects_afghanistan_casualties_with_a_new_source(
    afg_651, people, django_capture_on_commit_callbacks
):
    rita, eddie = people["researcher"], people["editor"]
    audit_before = AuditEntry.objects.count()

    draft = correction(rita, afg_651, new_source=NEW_SOURCE)
    assert draft.state == "draft" and draft.edition.name == LM2024
    assert draft.payload["total"] == "651" and draft.payload["source"] == "new"
    assert "quote" not in draft.payload  # the correction brings its own citation
    draft = s.proposal_update(actor=rita, proposal=draft, payload=with_total(draft, 702))

    with django_capture_on_commit_callbacks(execute=True):
        proposal = s.proposal_submit(actor=rita, proposal=draft, message="please check")
    assert proposal.state == "submitted" and proposal.submitted_at
    [to_editors] = mail.outbox
    assert to_editors.to == sorted(
        ["eddie@example.org", "erin@example.org", "ada@example.org"]
    )  # not the author, not the viewer, not the inactive editor
    assert "Afghanistan" in to_editors.subject and f"#{proposal.pk}" in to_editors.subject

    with django_capture_on_commit_callbacks(execute=True):
        proposal = s.proposal_request_changes(
            actor=eddie, proposal=proposal, message="Quote the passage, please."
        )
    assert proposal.state == "changes_requested"
    assert mail.outbox[-1].to == ["rita@example.org"]
    assert "Quote the passage" in mail.outbox[-1].body

    payload = {**proposal.payload, "quote": "702 casualties in 2023"}
    proposal = s.proposal_update(actor=rita, proposal=proposal, payload=payload)
    proposal = s.proposal_submit(actor=rita, proposal=proposal)
    assert CasualtyAggregate.objects.filter(country_id="AFG", total=702).count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        proposal = s.proposal_approve(actor=eddie, proposal=proposal, message="Thanks")
    assert proposal.state == "published"
    assert proposal.decided_by == eddie and proposal.decided_at
    assert mail.outbox[-1].to == ["rita@example.org"]
    assert "Approved and published" in mail.outbox[-1].subject

    new = CasualtyAggregate.objects.select_related("source", "edition").get(pk=proposal.applied_id)
    assert (new.total, new.edition.name, new.preferred) == (702, LM2024, True)
    assert new.source.title == NEW_SOURCE["title"] and new.quote == "702 casualties in 2023"
    assert new.preferred_reason.startswith(f"Correction (proposal #{proposal.pk})")
    afg_651.refresh_from_db()
    assert afg_651.total == 651  # the other source's figure is kept, no longer the headline
    [figure] = [f for f in theme_figures("casualties", iso3="AFG") if f.data_year == 2023]
    assert figure.headline.record.pk == new.pk

    trail = list(audit_for_proposal(proposal.pk))
    assert [(e.action, e.object_type) for e in trail] == [
        ("create", "research.source"),
        ("create", "research.casualtyaggregate"),
    ]
    assert all(e.actor == eddie and e.via == f"proposal #{proposal.pk}" for e in trail)
    assert all(e.reason == "The UNMAS update gives a higher figure." for e in trail)
    assert trail[1].after["total"] == 702 and trail[1].country == "AFG"
    assert AuditEntry.objects.count() == audit_before + 2
    assert [e.action for e in proposal.events.all()] == [
        "created",
        "edit",
        "submit",
        "request_changes",
        "edit",
        "submit",
        "approve",
        "publish",
    ]


def test_a_correction_citing_the_same_source_updates_the_record_in_place(world, people):
    edition, source, record = world
    proposal = submitted(people["researcher"], record, total=130)
    s.proposal_approve(actor=people["editor"], proposal=proposal)
    record.refresh_from_db()
    assert (record.total, record.preferred) == (130, True)
    update = AuditEntry.objects.get(proposal_id=proposal.pk)
    assert update.action == "update"
    assert update.before["total"] == 100 and update.after["total"] == 130
    assert update.before["preferred"] is False and update.after["preferred"] is True


def test_a_new_record_proposal(world, people):
    edition, source, _ = world
    payload = {"data_year": "2022", "scope": "mines_erw", "total": "90", "source": source.key}
    proposal = s.proposal_create(
        author=people["researcher"],
        country="afg",
        kind="record",
        theme="casualties",
        payload=payload,
        reason="2022 was missing",
    )
    assert proposal.edition == edition and proposal.target_id is None
    proposal = s.proposal_submit(actor=people["researcher"], proposal=proposal)
    proposal = s.proposal_approve(actor=people["editor"], proposal=proposal)
    created = CasualtyAggregate.objects.get(pk=proposal.applied_id)
    assert (created.country_id, created.data_year, created.total) == ("AFG", 2022, 90)
    assert created.preferred is False
    assert AuditEntry.objects.get(proposal_id=proposal.pk).action == "create"


def test_a_new_record_that_exists_already_must_be_a_correction(world, people):
    edition, source, record = world
    with pytest.raises(EditorialError) as exc:
        s.proposal_create(
            author=people["researcher"],
            country="AFG",
            kind="record",
            theme="casualties",
            payload={"data_year": "2023", "scope": "mines_erw", "total": "1", "source": source.key},
        )
    assert exc.value.field == "target_id"
    assert f"record #{record.pk}" in str(exc.value) and "correction" in str(exc.value)


def test_reject(world, people, django_capture_on_commit_callbacks):
    proposal = submitted(people["researcher"], world[2])
    with pytest.raises(EditorialError) as exc:
        s.proposal_reject(actor=people["editor"], proposal=proposal, message="  ")
    assert exc.value.field == "message"
    with django_capture_on_commit_callbacks(execute=True):
        proposal = s.proposal_reject(
            actor=people["editor"], proposal=proposal, message="Not supported by the source."
        )
    assert proposal.state == "rejected" and proposal.applied_id is None
    assert mail.outbox[-1].to == ["rita@example.org"]
    assert "Not supported" in mail.outbox[-1].body
    world[2].refresh_from_db()
    assert world[2].total == 100
    assert not AuditEntry.objects.filter(proposal_id=proposal.pk).exists()
    with pytest.raises(TransitionError):
        s.proposal_approve(actor=people["editor"], proposal=proposal)


def test_withdraw_and_comment(world, people):
    rita, eddie, vic = people["researcher"], people["editor"], people["viewer"]
    proposal = submitted(rita, world[2])
    s.proposal_comment(actor=eddie, proposal=proposal, message="Which page?")
    s.proposal_comment(actor=rita, proposal=proposal, message="Page 3.")
    with pytest.raises(NotAllowed):
        s.proposal_comment(actor=vic, proposal=proposal, message="me too")
    with pytest.raises(EditorialError):
        s.proposal_comment(actor=rita, proposal=proposal, message=" ")
    proposal = s.proposal_withdraw(actor=rita, proposal=proposal)
    assert proposal.state == "draft"
    assert [e.action for e in proposal.events.all()][-3:] == ["comment", "comment", "withdraw"]
    with pytest.raises(TransitionError):
        s.proposal_withdraw(actor=rita, proposal=proposal)


# --- narrative sections -----------------------------------------------------------------


def test_a_narrative_section_is_published_with_its_citations(
    afg_651, people, django_capture_on_commit_callbacks
):
    rita, eddie = people["researcher"], people["editor"]
    body = (
        "In 2023 the Monitor recorded **651** casualties in Afghanistan "
        f"[@{afg_651.source.key}]. UNMAS reported more [@new, p. 2].\n\n"
        "<script>alert(1)</script>"
    )
    proposal = s.proposal_create(
        author=rita,
        country="AFG",
        kind="narrative",
        section="impact",
        body=body,
        new_source=NEW_SOURCE,
        reason="First Impact section",
    )
    proposal = s.proposal_submit(actor=rita, proposal=proposal)
    proposal = s.proposal_approve(actor=eddie, proposal=proposal)
    section = NarrativeSection.objects.get(pk=proposal.applied_id)
    assert (section.country_id, section.edition.name, section.section) == ("AFG", LM2024, "impact")
    new_key = Source.objects.get(title=NEW_SOURCE["title"]).key
    assert f"[@{new_key}, p. 2]" in section.body and "[@new" not in section.body
    assert "<strong>651</strong>" in section.html and "<script" not in section.html
    assert (
        'id="impact-fn-2"' in section.html and "UNMAS" in section.html and ", p. 2." in section.html
    )
    assert {src.key for src in section.sources.all()} == {afg_651.source.key, new_key}
    entry = AuditEntry.objects.get(
        proposal_id=proposal.pk, object_type="editorial.narrativesection"
    )
    assert entry.action == "create" and entry.before is None

    second = s.proposal_create(
        author=rita,
        country="AFG",
        kind="narrative",
        section="impact",
        body=f"Revised: 651 casualties [@{afg_651.source.key}].",
        reason="Shorter",
    )
    second = s.proposal_approve(
        actor=eddie, proposal=s.proposal_submit(actor=rita, proposal=second)
    )
    assert second.applied_id == section.pk
    update = AuditEntry.objects.get(proposal_id=second.pk)
    assert update.action == "update" and update.before == {"body": section.body}


def test_a_source_key_starting_with_new_is_not_mistaken_for_the_new_source(world, people):
    news, _ = source_get_or_create(key="newsletter-2023", title="A newsletter")
    proposal = s.proposal_create(
        author=people["researcher"],
        country="AFG",
        kind="narrative",
        section="impact",
        body="Per the newsletter [@newsletter-2023] and a report [@new].",
        new_source={"title": "A report"},
        reason="x",
    )
    proposal = s.proposal_approve(
        actor=people["editor"],
        proposal=s.proposal_submit(actor=people["researcher"], proposal=proposal),
    )
    section = NarrativeSection.objects.get(pk=proposal.applied_id)
    assert "[@newsletter-2023]" in section.body
    assert "[@a-report]" in section.body


@pytest.mark.parametrize(
    ("body", "new_source", "field", "message"),
    [
        ("", None, "body", "is empty"),
        ("No citation at all.", None, "body", "cites no source"),
        ("Unknown [@nowhere].", None, "body", "cites unknown source [@nowhere]"),
        ("A new one [@new].", None, "new_source", "give the new source's title"),
        ("Cites [@test-source] only.", {"title": "T"}, "new_source", "is not cited"),
    ],
)
def test_narrative_problems(world, people, body, new_source, field, message):
    with pytest.raises(EditorialError) as exc:
        s.proposal_create(
            author=people["researcher"],
            country="AFG",
            kind="narrative",
            section="impact",
            body=body,
            new_source=new_source,
        )
    assert (exc.value.field, message in str(exc.value)) == (field, True)


def test_an_unknown_section_is_refused(world, people):
    with pytest.raises(EditorialError) as exc:
        s.proposal_create(
            author=people["researcher"],
            country="AFG",
            kind="narrative",
            section="gossip",
            body="x [@test-source]",
        )
    assert exc.value.field == "section"


# --- approval is atomic ---------------------------------------------------------------


def _nothing_written(proposal, record, audit_count, records_count):
    proposal.refresh_from_db()
    record.refresh_from_db()
    assert proposal.state == "submitted" and proposal.applied_id is None
    assert proposal.decided_by is None
    assert [e.action for e in proposal.events.all()][-1] == "submit"
    assert AuditEntry.objects.count() == audit_count
    assert CasualtyAggregate.objects.count() == records_count
    assert not Source.objects.filter(title=NEW_SOURCE["title"]).exists()
    assert record.total == 100


def test_approval_fails_whole_when_the_edition_was_frozen_after_submission(
    world, people, django_capture_on_commit_callbacks
):
    edition, _, record = world
    proposal = submitted(people["researcher"], record, new_source=NEW_SOURCE)
    s.edition_freeze(name=edition.name)
    audit_count, records_count = AuditEntry.objects.count(), CasualtyAggregate.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(EditorialError) as exc:
            s.proposal_approve(actor=people["editor"], proposal=proposal)
    assert exc.value.field == "edition" and "frozen" in str(exc.value)
    _nothing_written(proposal, record, audit_count, records_count)
    assert mail.outbox == []


def test_approval_fails_whole_when_writing_the_record_fails(
    world, people, monkeypatch, django_capture_on_commit_callbacks
):
    _, _, record = world
    proposal = submitted(people["researcher"], record, new_source=NEW_SOURCE)
    audit_count, records_count = AuditEntry.objects.count(), CasualtyAggregate.objects.count()
    real_upsert = s.record_upsert

    def upsert_then_fail(**kwargs):
        real_upsert(**kwargs)  # the record and its audit entry are written...
        raise ResearchDataError("disk on fire")  # ...then something goes wrong

    monkeypatch.setattr(s, "record_upsert", upsert_then_fail)
    with django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(EditorialError, match="cannot be applied: disk on fire"):
            s.proposal_approve(actor=people["editor"], proposal=proposal)
    _nothing_written(proposal, record, audit_count, records_count)
    assert mail.outbox == []


def test_approval_fails_whole_on_an_unexpected_error(world, people, monkeypatch):
    _, _, record = world
    proposal = submitted(people["researcher"], record)
    audit_count, records_count = AuditEntry.objects.count(), CasualtyAggregate.objects.count()

    def crash(proposal):  # the last step, after the record and the proposal are saved
        raise RuntimeError("crash")

    monkeypatch.setattr(s, "_notify_subscribers", crash)
    with pytest.raises(RuntimeError):
        s.proposal_approve(actor=people["editor"], proposal=proposal)
    _nothing_written(proposal, record, audit_count, records_count)


# --- frozen editions and errata ---------------------------------------------------------


def test_a_correction_of_a_frozen_figure_becomes_an_erratum(afg_651, people):
    rita, eddie = people["researcher"], people["editor"]
    s.edition_create(name="Landmine Monitor 2025")
    edition_create_other = s.edition_create(name="Cluster Munition Monitor 2025")[0]
    s.edition_freeze(name=LM2024)
    proposal = correction(rita, afg_651, new_source=NEW_SOURCE, reason="Erratum: UNMAS figure")
    # The same series' next open edition, not another series of the same year.
    assert proposal.edition.name == "Landmine Monitor 2025"
    assert proposal.edition != edition_create_other
    proposal = s.proposal_update(actor=rita, proposal=proposal, payload=with_total(proposal, 702))
    proposal = s.proposal_approve(
        actor=eddie, proposal=s.proposal_submit(actor=rita, proposal=proposal)
    )

    afg_651.refresh_from_db()
    assert afg_651.total == 651  # the frozen edition's figure never changes
    corrected = CasualtyAggregate.objects.get(pk=proposal.applied_id)
    assert (corrected.total, corrected.edition.name, corrected.data_year) == (
        702,
        "Landmine Monitor 2025",
        2023,
    )
    erratum = Erratum.objects.get()
    assert (erratum.edition.name, erratum.original_id, erratum.corrected_id) == (
        LM2024,
        afg_651.pk,
        corrected.pk,
    )
    assert (erratum.proposal_id, erratum.reason, erratum.country_id) == (
        proposal.pk,
        "Erratum: UNMAS figure",
        "AFG",
    )
    entry = AuditEntry.objects.get(action="erratum")
    assert (entry.edition, entry.proposal_id, entry.actor) == (LM2024, proposal.pk, eddie)
    assert entry.before["total"] == 651 and entry.after["total"] == 702


def test_proposing_into_a_frozen_edition_is_refused(world, people):
    edition, source, record = world
    s.edition_create(name="Test Monitor 2025")
    s.edition_freeze(name=edition.name)
    payload = {"data_year": "2022", "scope": "mines_erw", "total": "5", "source": source.key}
    with pytest.raises(EditorialError) as exc:
        s.proposal_create(
            author=people["researcher"],
            country="AFG",
            kind="record",
            theme="casualties",
            edition=edition.name,
            payload=payload,
        )
    assert exc.value.field == "edition" and "frozen: choose an open edition" in str(exc.value)
    with pytest.raises(EditorialError) as exc:
        correction(people["researcher"], record, edition=edition.name)
    assert exc.value.field == "edition" and "as an erratum" in str(exc.value)
    with pytest.raises(EditorialError) as exc:
        s.proposal_create(
            author=people["researcher"],
            country="AFG",
            kind="narrative",
            section="impact",
            edition=edition,
            body=f"x [@{source.key}]",
        )
    assert exc.value.field == "edition"


def test_an_erratum_does_not_go_into_an_older_edition(world, people):
    edition, _, record = world
    older, _ = s.edition_create(name="Test Monitor 2023")
    s.edition_freeze(name=edition.name)
    assert s.default_edition("casualties", record.pk) is None
    with pytest.raises(EditorialError) as exc:
        correction(people["researcher"], record)
    assert exc.value.field == "edition" and "no open edition" in str(exc.value)
    with pytest.raises(EditorialError) as exc:
        correction(people["researcher"], record, edition=older.name)
    assert exc.value.field == "edition" and "2024 or later" in str(exc.value)


def test_the_default_edition_is_the_newest_open_one_on_every_engine(afg_651):
    # Editions without a report year (e.g. "CCM 11MSP") never come first, whatever the
    # database's NULL ordering.
    assert s.default_edition().name == LM2024
    assert s.default_edition("casualties", afg_651.pk).name == LM2024


def test_edition_freeze(world, people):
    edition = world[0]
    with pytest.raises(NotAllowed):
        s.edition_freeze(name=edition.name, actor=people["researcher"])
    frozen = s.edition_freeze(name=f"  {edition.name} ", actor=people["editor"])
    assert frozen.frozen and frozen.status == Edition.Status.PUBLISHED
    entry = AuditEntry.objects.get(action="freeze")
    assert (entry.edition, entry.actor) == (edition.name, people["editor"])
    with pytest.raises(EditorialError, match="has been frozen since"):
        s.edition_freeze(name=edition.name)
    with pytest.raises(EditorialError, match="unknown edition"):
        s.edition_freeze(name="Nope 1999")
    with pytest.raises(EditorialError):
        s.edition_freeze(name=None)


def test_edition_create(world, people):
    from datetime import date

    edition, created = s.edition_create(
        name="Test Monitor 2026", publication_date=date(2026, 11, 20)
    )
    assert created and (edition.report_year, edition.data_year) == (2026, 2025)
    assert edition.publication_date == date(2026, 11, 20)
    assert AuditEntry.objects.filter(action="create", object_type="research.edition").count() == 1
    same, created = s.edition_create(name="Test Monitor 2026")
    assert same == edition and not created
    with pytest.raises(EditorialError) as exc:
        s.edition_create(name="Test Monitor 2026", publication_date=date(2026, 1, 1))
    assert exc.value.field == "publication_date"
    with pytest.raises(EditorialError) as exc:
        s.edition_create(name="   ")
    assert exc.value.field == "name"
    with pytest.raises(NotAllowed):
        s.edition_create(name="X 2030", actor=people["researcher"])


# --- bad input never becomes a server error ----------------------------------------------


def _record_proposal(world, **fields):
    edition, source, record = world
    defaults = {
        "author": get_user_model().objects.get(username="rita"),
        "country": Country.objects.get(iso3="AFG"),
        "kind": "record",
        "edition": edition,
        "theme": "casualties",
        "payload": {"data_year": "2022", "scope": "mines_erw", "total": "5", "source": source.key},
    }
    return Proposal(**(defaults | fields))


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"payload": ["not", "a", "dict"]}, "payload", "must be an object"),
        ({"payload": "total=5"}, "payload", "must be an object"),
        ({"payload": {"total": {"nested": 1}, "data_year": "2022"}}, "payload.total", "text"),
        ({"theme": "astrology"}, "theme", "must be one of"),
        ({"theme": ""}, "theme", "must be one of"),
        ({"kind": "poem"}, "kind", "must be one of"),
        ({"target_id": 987654321}, "target_id", "no casualties record #987654321"),
        ({"payload": {"data_year": "2022", "total": "5", "source": "new"}}, "new_source", "title"),
    ],
)
def test_proposal_problems_report_bad_content_instead_of_crashing(
    world, people, fields, field, message
):
    problems = s.proposal_problems(_record_proposal(world, **fields))
    assert problems, problems
    assert any(f == field and message in m for f, m in problems), problems


def test_proposal_problems_name_each_bad_cell(world, people):
    proposal = _record_proposal(
        world,
        payload={
            "country": "IRQ",
            "data_year": "1800",
            "total": "-3",
            "killed": "many",
            "colour": "red",
            "source": "no-such-source",
        },
    )
    problems = dict(s.proposal_problems(proposal))
    assert problems["payload.country"] == "must be the proposal's country, AFG"
    assert "1990" in problems["payload.data_year"]
    assert "negative" in problems["payload.total"]
    assert "whole number" in problems["payload.killed"]
    assert problems["payload.colour"] == "unknown column for casualties"
    assert "unknown source 'no-such-source'" in problems["payload.source"]


def test_a_correction_keeps_its_figure_and_its_country(world, people):
    edition, source, record = world
    irq = record_upsert(
        theme=THEMES["casualties"],
        values={
            "country": Country.objects.get(iso3="IRQ"),
            "data_year": 2023,
            "edition": edition,
            "source": source,
            "scope": "mines_erw",
            "total": 7,
        },
    ).obj
    problems = dict(s.proposal_problems(_record_proposal(world, target_id=irq.pk)))
    assert "IRQ" in problems["target_id"]
    payload = {**s.record_cells("casualties", record), "data_year": "2021"}
    problems = dict(
        s.proposal_problems(_record_proposal(world, target_id=record.pk, payload=payload))
    )
    assert problems["payload.data_year"].startswith("a correction keeps the figure's data_year")


def test_a_target_of_another_theme_is_not_found(world, people):
    # Record numbers belong to a theme: a casualties record's number means nothing for
    # contamination (or names an unrelated record, which must then be the same figure).
    problems = dict(
        s.proposal_problems(_record_proposal(world, theme="contamination", target_id=world[2].pk))
    )
    assert problems["target_id"] == f"no contamination record #{world[2].pk}"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"country": "ATLANTIS"}, "country"),
        ({"country": None}, "country"),
        ({"kind": "poem"}, "kind"),
        ({"theme": "astrology"}, "theme"),
        ({"target_id": "abc"}, "target_id"),
        ({"target_id": -4}, "target_id"),
        ({"target_id": 10**30}, "target_id"),
        ({"payload": ["x"]}, "payload"),
        ({"payload": {"total": ["x"]}}, "payload.total"),
        ({"new_source": "a string"}, "new_source"),
        ({"new_source": {"title": "T", "colour": "red"}}, "new_source"),
        ({"new_source": {"url": "https://x.org"}}, "new_source.title"),
        ({"new_source": {"title": "T", "url": "not a url"}}, "new_source.url"),
        ({"new_source": {"title": ["T"]}}, "new_source.title"),
        ({"edition": "Nope 1999"}, "edition"),
        ({"reason": ["why"]}, "reason"),
    ],
)
def test_proposal_create_refuses_bad_input_by_field(world, people, kwargs, field):
    args = {
        "author": people["researcher"],
        "country": "AFG",
        "kind": "record",
        "theme": "casualties",
        "target_id": world[2].pk,
    } | kwargs
    with pytest.raises(EditorialError) as exc:
        s.proposal_create(**args)
    assert exc.value.field == field, exc.value.problems
    assert not Proposal.objects.exists()


def test_proposal_update_refuses_fields_of_the_other_kind_and_bad_values(world, people):
    rita = people["researcher"]
    proposal = correction(rita, world[2])
    for changes, field in [
        ({"body": "text"}, "body"),
        ({"state": "published"}, "state"),
        ({"author": people["editor"]}, "author"),
        ({"payload": "total=5"}, "payload"),
        ({"payload": {**proposal.payload, "total": "-1"}}, "payload.total"),
        ({"edition": "Nope"}, "edition"),
    ]:
        with pytest.raises(EditorialError) as exc:
            s.proposal_update(actor=rita, proposal=proposal, **changes)
        assert exc.value.field == field
    proposal.refresh_from_db()
    assert proposal.state == "draft" and proposal.payload["total"] == "100"
    assert [e.action for e in proposal.events.all()] == ["created"]


def test_submitting_needs_a_reason(world, people):
    rita = people["researcher"]
    proposal = correction(rita, world[2], reason="")
    with pytest.raises(EditorialError) as exc:
        s.proposal_submit(actor=rita, proposal=proposal)
    assert exc.value.field == "reason"
    proposal.refresh_from_db()
    assert proposal.state == "draft"


def test_a_new_source_must_be_the_one_cited(world, people):
    rita = people["researcher"]
    with pytest.raises(EditorialError) as exc:
        s.proposal_create(
            author=rita,
            country="AFG",
            kind="record",
            theme="casualties",
            payload={"data_year": "2022", "total": "5", "source": world[1].key},
            new_source=NEW_SOURCE,
        )
    assert exc.value.field == "payload.source" and "'new'" in str(exc.value)


# --- subscriptions ----------------------------------------------------------------------


def test_subscriptions(world, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        sub = s.subscription_request(email=" Reader@Example.org ", country="afg")
        other = s.subscription_request(email="lazy@example.org", country="AFG")
    assert sub.email == "reader@example.org" and sub.confirmed_at is None
    assert [m.to for m in mail.outbox] == [["reader@example.org"], ["lazy@example.org"]]
    assert f"/subscriptions/{sub.token}/confirm/" in mail.outbox[0].body
    assert s.subscription_confirm(token=sub.token).confirmed_at is not None
    with django_capture_on_commit_callbacks(execute=True):
        again = s.subscription_request(email="reader@example.org", country="AFG")
    assert again.pk == sub.pk and len(mail.outbox) == 2  # confirmed: no second confirmation

    mail.outbox.clear()
    proposal = submitted(people["researcher"], world[2])
    with django_capture_on_commit_callbacks(execute=True):
        s.proposal_approve(actor=people["editor"], proposal=proposal)
    updates = [m for m in mail.outbox if "profile updated" in m.subject]
    assert [m.to for m in updates] == [["reader@example.org"]]  # not the unconfirmed one
    assert f"/subscriptions/{sub.token}/cancel/" in updates[0].body

    assert s.subscription_cancel(token=sub.token) is True
    assert s.subscription_cancel(token=sub.token) is False
    assert not Subscription.objects.filter(pk=sub.pk).exists()
    assert Subscription.objects.filter(pk=other.pk).exists()
    assert s.subscription_confirm(token="nope") is None
    assert s.subscription_confirm(token="") is None

    mail.outbox.clear()
    proposal = submitted(people["researcher"], world[2], total=140)
    with django_capture_on_commit_callbacks(execute=True):
        s.proposal_approve(actor=people["editor"], proposal=proposal)
    assert not [m for m in mail.outbox if "profile updated" in m.subject]


@pytest.mark.parametrize(
    ("email", "country", "field"),
    [("not-an-address", "AFG", "email"), ("", "AFG", "email"), (None, "AFG", "email"),
     ("a@example.org", "XXX", "country"), ("a@example.org", None, "country")],
)  # fmt: skip
def test_subscription_bad_input(world, email, country, field):
    with pytest.raises(EditorialError) as exc:
        s.subscription_request(email=email, country=country)
    assert exc.value.field == field
    assert not Subscription.objects.exists()


# --- API tokens -------------------------------------------------------------------------


def test_api_tokens(world, people):
    rita = people["researcher"]
    token, secret = s.api_token_create(user=rita, name="  my   script ")
    assert secret.startswith("mon_") and len(secret) > 30
    assert token.name == "my script" and token.prefix == secret[:10]
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {stored.digest, stored.prefix, stored.name}
    assert s.api_token_user(secret) == rita
    stored.refresh_from_db()
    assert stored.last_used_at is not None
    assert s.api_token_user(secret + "x") is None
    assert s.api_token_user("") is None

    s.api_token_revoke(user=rita, token_id=token.pk)
    assert s.api_token_user(secret) is None
    with pytest.raises(EditorialError):
        s.api_token_revoke(user=rita, token_id=token.pk)  # already revoked
    with pytest.raises(EditorialError):
        s.api_token_revoke(user=rita, token_id="abc")


def test_a_token_is_revoked_only_by_its_owner_and_dies_with_the_account(world, people):
    rita, eddie = people["researcher"], people["editor"]
    token, secret = s.api_token_create(user=rita, name="t")
    with pytest.raises(EditorialError):
        s.api_token_revoke(user=eddie, token_id=token.pk)
    assert s.api_token_user(secret) == rita
    rita.is_active = False
    rita.save()
    assert s.api_token_user(secret) is None
    with pytest.raises(EditorialError) as exc:
        s.api_token_create(user=eddie, name="   ")
    assert exc.value.field == "name"


# --- accounts ---------------------------------------------------------------------------


def test_user_create_hashes_with_argon2_and_audits(db):
    user = s.user_create(
        actor=None,
        username="newbie",
        email="newbie@example.org",
        role="researcher",
        password="a long enough passphrase",
    )
    assert user.password.startswith("argon2")
    assert user.check_password("a long enough passphrase")
    assert role_of(user) == Role.RESEARCHER
    entry = AuditEntry.objects.get(object_type="auth.user")
    assert entry.after == {
        "username": "newbie",
        "email": "newbie@example.org",
        "role": "researcher",
    }
    assert "password" not in str(entry.after)
    nopass = s.user_create(actor=None, username="nopass", role="viewer")
    assert not nopass.has_usable_password()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"username": ""}, "username"),
        ({"username": "NEWBIE"}, "username"),  # taken, whatever the case
        ({"username": "bad name!"}, "username"),
        ({"role": "wizard"}, "role"),
        ({"email": "nope"}, "email"),
        ({"password": "short"}, "password"),
    ],
)
def test_user_create_bad_input(db, kwargs, field):
    s.user_create(actor=None, username="newbie", role="viewer")
    with pytest.raises(EditorialError) as exc:
        s.user_create(**({"actor": None, "username": "other", "role": "viewer"} | kwargs))
    assert exc.value.field == field


def test_user_role_set_replaces_the_role(world, people):
    rita = people["researcher"]
    s.user_role_set(actor=people["admin"], user=rita, role="editor")
    assert role_of(rita) == Role.EDITOR
    assert list(rita.groups.values_list("name", flat=True)) == ["editor"]
    entry = AuditEntry.objects.filter(object_type="auth.user", action="update").get()
    assert (entry.before, entry.after) == ({"role": "researcher"}, {"role": "editor"})
    with pytest.raises(EditorialError) as exc:
        s.user_role_set(actor=None, user=rita, role="boss")
    assert exc.value.field == "role"


def test_assignments(world, people):
    rita, vic = people["researcher"], people["viewer"]
    first = s.assignment_add(actor=None, user=rita, country="irq", theme="contamination")
    again = s.assignment_add(actor=None, user=rita, country="IRQ", theme="contamination")
    assert first == again
    assert AuditEntry.objects.filter(object_type="editorial.assignment", country="IRQ").count() == 1
    for kwargs, field in [
        ({"user": rita, "country": "XXX"}, "country"),
        ({"user": rita, "country": "IRQ", "theme": "astrology"}, "theme"),
        ({"user": rita, "country": "IRQ", "theme": "sources"}, "theme"),
        ({"user": vic, "country": "IRQ"}, "user"),
    ]:
        with pytest.raises(EditorialError) as exc:
            s.assignment_add(actor=None, **kwargs)
        assert exc.value.field == field


def test_losing_an_assignment_stops_editing_and_submitting_a_draft(world, people):
    rita = people["researcher"]
    proposal = correction(rita, world[2])
    rita.assignments.all().delete()
    with pytest.raises(NotAllowed, match="no longer assigned"):
        s.proposal_update(actor=rita, proposal=proposal, reason="x")
    with pytest.raises(NotAllowed, match="no longer assigned"):
        s.proposal_submit(actor=rita, proposal=proposal)


def test_subscription_refuses_an_address_longer_than_the_column(seeded):
    long_address = "a" * 64 + "@" + ".".join(["b" * 60] * 4) + ".org"  # valid, 313 chars
    with pytest.raises(s.EditorialError) as err:
        s.subscription_request(email=long_address, country="AFG")
    assert err.value.field == "email"
    assert not Subscription.objects.exists()


def test_narrative_footnote_ids_carry_the_section():
    rendered = s.narrative_render("Text.[@k]", {}, section="impact")
    assert 'id="impact-fn-1"' in rendered.html and 'href="#impact-fn-1"' in rendered.html
