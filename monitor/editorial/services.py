"""Writes of the editorial workflow. Every permission is checked here, not only in views.

A proposal carries a figure (one row of a research theme, as text cells, checked by the same
`row_values` the importer uses) or a narrative section (Markdown citing stored sources).
Approval applies it atomically through `record_upsert` (which writes the audit log) or, for a
section, through `narrative_publish`; a correction of a frozen edition's figure becomes a
record of an open edition plus an `Erratum`.

Errors: `NotAllowed` (a PermissionDenied) when the user may not do this at all or to this
object; `EditorialError` (with the offending `field`) for input that cannot be taken;
`TransitionError` for an action the proposal's state does not allow (approving a draft).
In every case nothing has been written.
"""

from __future__ import annotations

import hashlib
import logging
import re
import secrets
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from monitor.audit.services import AuditContext, audit_write, snapshot
from monitor.countries.models import Country
from monitor.editorial import narrative as nar
from monitor.editorial.models import (
    ApiToken,
    Assignment,
    NarrativeSection,
    Proposal,
    ProposalEvent,
    Subscription,
)
from monitor.editorial.roles import ROLE_GROUPS, Role, role_of
from monitor.editorial.workflow import (
    Action,
    State,
    TransitionError,  # noqa: F401 (callers catch it from here)
    actor_kind,
    next_state,
)
from monitor.research.models import Edition, Erratum, Source
from monitor.research.services import (
    ResearchDataError,
    edition_check_open,
    edition_get_or_create,
    record_upsert,
    source_get_or_create,
)
from monitor.research.themes import THEMES

log = logging.getLogger(__name__)

#: Themes a proposal may carry (every country-year research theme; not the sources list).
PROPOSABLE_THEMES = tuple(n for n, t in THEMES.items() if t.edition_bound)
NEW_SOURCE_KEY = "new"  # the payload's source cell when the proposal brings its own source
_SOURCE_FIELDS = ("title", "url", "publisher", "publication_date", "quote")
#: Cells a correction does not carry over from the record it corrects: it brings its own.
_NOT_CARRIED_OVER = ("quote", "note", "confidence", "preferred", "preferred_reason")
_MAX_ID = 2**63 - 1


class EditorialError(ValueError):
    """Input that cannot be taken; `field` names the offending field. Nothing was written."""

    def __init__(self, message: str, field: str | None = None, problems=None):
        super().__init__(message)
        self.field = field
        self.problems: list[tuple[str | None, str]] = problems or [(field, message)]


class NotAllowed(PermissionDenied):
    """The user's role or assignments do not allow this action."""


# --- permissions ------------------------------------------------------------------------


def can_propose(user, country_id: str, theme: str = "") -> bool:
    """Editors and administrators anywhere; researchers for their assigned countries/themes.

    Without `theme`, any assignment to the country counts (the researcher works on it).
    """
    role = role_of(user)
    if role >= Role.EDITOR:
        return True
    if role != Role.RESEARCHER:
        return False
    qs = Assignment.objects.filter(user=user, country_id=country_id)
    if theme:
        return qs.filter(theme__in=["", theme]).exists()
    return qs.exists()


def can_propose_narrative(user, country_id: str) -> bool:
    """A narrative section spans every theme: a researcher needs the whole country."""
    role = role_of(user)
    if role >= Role.EDITOR:
        return True
    if role != Role.RESEARCHER:
        return False
    return Assignment.objects.filter(user=user, country_id=country_id, theme="").exists()


def _may_author(user, proposal: Proposal) -> bool:
    if proposal.kind == Proposal.Kind.NARRATIVE:
        return can_propose_narrative(user, proposal.country_id)
    return can_propose(user, proposal.country_id, proposal.theme)


def can_view_proposal(user, proposal: Proposal) -> bool:
    """Drafts: the author and editors. Otherwise also viewers and the country's researchers."""
    role = role_of(user)
    if role == Role.NONE:
        return False
    if proposal.author_id == user.pk or role >= Role.EDITOR:
        return True
    if proposal.state == State.DRAFT:
        return False
    if role == Role.VIEWER:
        return True
    return role == Role.RESEARCHER and can_propose(user, proposal.country_id)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise NotAllowed(message)


def _require_admin(actor) -> None:
    # actor None: the command line, which is trusted like the database itself.
    if actor is not None:
        _require(role_of(actor) >= Role.ADMINISTRATOR, "only administrators manage accounts")


# --- accounts and assignments -------------------------------------------------------------


def roles_ensure() -> None:
    """Create the role groups (idempotent)."""
    for name in ROLE_GROUPS:
        Group.objects.get_or_create(name=name)


def _check_role(role: str) -> None:
    if role not in ROLE_GROUPS:
        raise EditorialError(f"must be one of {', '.join(ROLE_GROUPS)}, not {role!r}", "role")


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    email: str = "",
    role: str,
    password: str | None = None,
    first_name: str = "",
    last_name: str = "",
):
    """A new account with one role; without a password it cannot sign in until one is set."""
    _require_admin(actor)
    User = get_user_model()
    username = (username or "").strip()
    email = (email or "").strip()
    if not username:
        raise EditorialError("is required", "username")
    _check_role(role)
    if User.objects.filter(username__iexact=username).exists():
        raise EditorialError(f"{username!r} is taken", "username")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise EditorialError(f"{email!r} is not an e-mail address", "email") from None
    user = User(username=username, email=email, first_name=first_name, last_name=last_name)
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise EditorialError(messages[0], field) from None
    if password:
        from django.contrib.auth.password_validation import validate_password

        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise EditorialError(" ".join(exc.messages), "password") from None
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    roles_ensure()
    user.groups.add(Group.objects.get(name=role))
    audit_write(
        context=AuditContext(via="accounts", actor=actor),
        action="create",
        obj=user,
        object_type="auth.user",
        label=f"account {username} ({role})",
        after={"username": username, "email": email, "role": role},
    )
    return user


@transaction.atomic
def user_role_set(*, actor, user, role: str) -> None:
    """Give `user` exactly one role (the groups of other roles are removed)."""
    _require_admin(actor)
    _check_role(role)
    current = role_of(user)
    before = current.group if current != Role.NONE else ""
    roles_ensure()
    user.groups.remove(*Group.objects.filter(name__in=ROLE_GROUPS))
    user.groups.add(Group.objects.get(name=role))
    user.__dict__.pop("_monitor_role", None)
    audit_write(
        context=AuditContext(via="accounts", actor=actor),
        action="update",
        obj=user,
        object_type="auth.user",
        label=f"account {user.username}",
        before={"role": before},
        after={"role": role},
    )


@transaction.atomic
def assignment_add(*, actor, user, country: str, theme: str = "") -> Assignment:
    """Assign a researcher to a country (and one theme; empty: every theme). Idempotent."""
    _require_admin(actor)
    theme = (theme or "").strip()
    country_obj = Country.objects.filter(iso3=(country or "").strip().upper()).first()
    if country_obj is None:
        raise EditorialError(f"unknown country {country!r}", "country")
    if theme and theme not in PROPOSABLE_THEMES:
        raise EditorialError(
            f"unknown theme {theme!r}: expected one of {', '.join(PROPOSABLE_THEMES)}", "theme"
        )
    if role_of(user) != Role.RESEARCHER:
        raise EditorialError(f"{user.username} is not a researcher", "user")
    assignment, created = Assignment.objects.get_or_create(
        user=user, country=country_obj, theme=theme
    )
    if created:
        audit_write(
            context=AuditContext(via="accounts", actor=actor),
            action="create",
            obj=assignment,
            country=country_obj.iso3,
            after={"user": user.username, "country": country_obj.iso3, "theme": theme},
        )
    return assignment


# --- proposals: content checks ------------------------------------------------------------


def _record(theme: str, pk: int | None):
    """The record #pk of `theme`, or None (also for an unknown theme or a bad number)."""
    if pk is None or theme not in PROPOSABLE_THEMES:
        return None
    if not isinstance(pk, int) or not 0 < pk <= _MAX_ID:
        return None
    model = THEMES[theme].model
    return model.objects.select_related("edition", "source").filter(pk=pk).first()


def _target_id(value) -> int | None:
    """A record number from a form or an API (None or "" for a new record)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise EditorialError(f"must be a record number, not {value!r}", "target_id")
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise EditorialError(f"must be a record number, not {value!r}", "target_id") from None
    if not 0 < number <= _MAX_ID:
        raise EditorialError(f"no record #{number}", "target_id")
    return number


def record_cells(theme: str, record) -> dict[str, str]:
    """A stored record as the text cells of an import row (the form's initial values)."""
    from monitor.research.exports import _format_cell

    spec = THEMES[theme]
    cells = {}
    for column in spec.columns:
        value = getattr(record, column.name, None)
        if column.lookup == "country":
            cells[column.name] = value.iso3 if value is not None else "WLD"
        elif column.lookup == "source":
            cells[column.name] = value.key if value is not None else ""
        else:
            cells[column.name] = _format_cell(spec, column.name, value)
    return cells


def _clean_new_source(data) -> dict:
    if not data:
        return {}
    if not isinstance(data, dict):
        raise EditorialError("must be an object with title and url", "new_source")
    unknown = set(data) - set(_SOURCE_FIELDS)
    if unknown:
        raise EditorialError(f"unknown field {sorted(map(str, unknown))[0]!r}", "new_source")
    for name, value in data.items():
        if value is not None and not isinstance(value, str):
            raise EditorialError("must be text", f"new_source.{name}")
    cleaned = {k: " ".join((data.get(k) or "").split()) for k in _SOURCE_FIELDS}
    cleaned["quote"] = (data.get("quote") or "").strip()
    if not any(cleaned.values()):
        return {}
    if not cleaned["title"]:
        raise EditorialError("a new source needs a title", "new_source.title")
    probe = Source(key="probe", **cleaned)
    try:
        probe.clean_fields(exclude=["key", "accessed_date"])
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise EditorialError(messages[0].rstrip("."), f"new_source.{field}") from None
    return cleaned


def _clean_payload(value) -> dict[str, str]:
    """A record proposal's cells as text; EditorialError for anything but column: value."""
    if not isinstance(value, dict):
        raise EditorialError("must be an object of column: value", "payload")
    cells = {}
    for name, cell in value.items():
        if cell is None:
            cell = ""
        if not isinstance(cell, str | int | float | Decimal):  # bool is an int
            raise EditorialError("must be text or a number", f"payload.{name}")
        cells[str(name)] = str(cell)
    return cells


def _sources_map(keys) -> dict[str, Source]:
    return Source.objects.in_bulk([k for k in keys if k], field_name="key")


def _same(a, b) -> bool:
    return (a if a not in (None, "") else None) == (b if b not in (None, "") else None)


def _family(edition: Edition) -> str:
    """The series an edition belongs to: "Landmine Monitor 2024" -> "Landmine Monitor"."""
    return " ".join(re.sub(r"\b(19|20)\d{2}\b", " ", edition.name).split())


def proposal_problems(proposal: Proposal) -> list[tuple[str | None, str]]:
    """Everything wrong with the proposal's content, as (field, message); [] when valid.

    Never raises for bad content: a payload that is not an object, an unknown theme or a
    record number of nothing are reported as problems like any other.
    """
    if proposal.edition_id is None:
        return [("edition", "is required")]
    if proposal.kind == Proposal.Kind.RECORD:
        return _record_problems(proposal)
    if proposal.kind == Proposal.Kind.NARRATIVE:
        return _narrative_problems(proposal)
    return [("kind", f"must be one of {', '.join(Proposal.Kind.values)}")]


def _record_problems(proposal: Proposal) -> list[tuple[str | None, str]]:
    from monitor.research.imports import row_values

    if proposal.theme not in PROPOSABLE_THEMES:
        return [("theme", f"must be one of {', '.join(PROPOSABLE_THEMES)}")]
    spec = THEMES[proposal.theme]
    try:
        raw = _clean_payload(proposal.payload)
    except EditorialError as exc:
        return exc.problems
    problems: list[tuple[str | None, str]] = []
    payload: dict[str, str] = {}
    for name, cell in raw.items():
        if name == "edition":
            continue  # the proposal's edition decides, as --edition does for an import
        if name not in spec.column_names:
            problems.append((f"payload.{name}", f"unknown column for {spec.name}"))
        else:
            payload[name] = cell

    country = payload.get("country", "").strip().upper() or proposal.country_id
    if country != proposal.country_id:
        problems.append(
            ("payload.country", f"must be the proposal's country, {proposal.country_id}")
        )
    payload["country"] = proposal.country_id

    sources = _payload_sources(proposal, payload, problems)
    data, row_problems = row_values(
        spec, payload, countries={proposal.country_id: proposal.country}, sources=sources
    )
    reported = {field for field, _ in problems}
    for column, message in row_problems:
        field = f"payload.{column}" if column else None
        if field is None or field not in reported:
            problems.append((field, message))
            reported.add(field)
    for column in spec.columns:
        field = f"payload.{column.name}"
        if column.required and data.get(column.name) in (None, "") and field not in reported:
            problems.append((field, "is required"))
            reported.add(field)

    target = None
    if proposal.target_id is not None:
        target = _record(spec.name, proposal.target_id)
        if target is None:
            problems.append(("target_id", f"no {spec.name} record #{proposal.target_id}"))
        elif target.country_id != proposal.country_id:
            owner = target.country_id or "a global figure"
            problems.append(("target_id", f"record #{target.pk} is {owner}, not the country"))
        else:
            problems += _correction_problems(spec, target, data, reported)
    elif not problems and data.get("source") is not None and data["source"].pk:
        # A new record: the edition must not already hold this figure from this source.
        lookup = {k: data.get(k) for k in spec.key}
        existing = spec.model.objects.filter(**lookup, edition=proposal.edition).first()
        if existing is not None:
            problems.append(
                (
                    "target_id",
                    f"{proposal.edition.name!r} already has this figure from this source "
                    f"(record #{existing.pk}): propose a correction of it instead",
                )
            )
    problems += _record_edition_problems(proposal.edition, target)
    return problems


def _payload_sources(proposal: Proposal, payload: dict, problems: list) -> dict[str, Source]:
    """The sources the payload's source cell may name; "new" (or empty, when the proposal
    brings a new source) stands for the new source, which exists only on approval."""
    new_source = proposal.new_source if isinstance(proposal.new_source, dict) else {}
    source = payload.get("source", "").strip()
    sources = _sources_map([source])
    if source in ("", NEW_SOURCE_KEY) and (new_source or source == NEW_SOURCE_KEY):
        if not new_source:
            problems.append(("new_source", "the figure cites a new source: give its title"))
        payload["source"] = NEW_SOURCE_KEY
        placeholder = Source(key=NEW_SOURCE_KEY, title=new_source.get("title") or "(new)")
        sources[NEW_SOURCE_KEY] = placeholder
    elif new_source:
        message = (
            f"cites {source!r} but a new source is given: "
            f"write {NEW_SOURCE_KEY!r} to cite the new source, or remove it"
        )
        problems.append(("payload.source", message))
    elif not source:
        problems.append(("payload.source", "a figure needs a source"))
    return sources


def _correction_problems(spec, target, data: dict, reported: set) -> list:
    """A correction is the same figure (same year and breakdown); its values and source change."""
    problems = []
    for name in spec.key:
        field = f"payload.{name}"
        if name in ("country", "source") or field in reported:
            continue
        if not _same(data.get(name), getattr(target, name)):
            was = record_cells(spec.name, target).get(name, "")
            message = (
                f"a correction keeps the figure's {name} ({was or 'empty'}); "
                "propose a new record for another one"
            )
            problems.append((field, message))
    return problems


def _record_edition_problems(edition: Edition, target) -> list:
    if edition.frozen:
        if target is not None and target.edition_id == edition.pk:
            message = (
                f"{edition.name!r} is frozen: the correction goes into an open edition, "
                "as an erratum"
            )
        else:
            message = f"{edition.name!r} is frozen: choose an open edition"
        return [("edition", message)]
    if target is not None and target.edition.frozen:
        frozen = target.edition
        if edition.report_year and frozen.report_year and edition.report_year < frozen.report_year:
            return [
                (
                    "edition",
                    f"an erratum to {frozen.name!r} goes into an edition of "
                    f"{frozen.report_year} or later, not {edition.name!r}",
                )
            ]
    return []


def _narrative_problems(proposal: Proposal) -> list[tuple[str | None, str]]:
    problems: list[tuple[str | None, str]] = []
    if proposal.section not in dict(nar.SECTIONS):
        problems.append(("section", f"must be one of {', '.join(dict(nar.SECTIONS))}"))
    body = proposal.body if isinstance(proposal.body, str) else ""
    new_source = bool(proposal.new_source)
    keys = nar.cited_keys(body)
    known = _sources_map(keys)
    if not body.strip():
        problems.append(("body", "is empty"))
    elif not keys:
        problems.append(("body", "cites no source: add at least one [@source-key]"))
    for key in keys:
        if key in known or (key == NEW_SOURCE_KEY and new_source):
            continue
        if key == NEW_SOURCE_KEY:
            problems.append(("new_source", "the text cites [@new]: give the new source's title"))
        else:
            problems.append(
                (
                    "body",
                    f"cites unknown source [@{key}]: "
                    "cite a stored source key, or [@new] with a new source",
                )
            )
    if new_source and NEW_SOURCE_KEY not in keys:
        problems.append(("new_source", "is not cited: cite it in the text as [@new]"))
    if proposal.edition.frozen:
        problems.append(("edition", f"{proposal.edition.name!r} is frozen: choose an open edition"))
    return problems


def _check(proposal: Proposal) -> None:
    problems = proposal_problems(proposal)
    if problems:
        field, message = problems[0]
        raise EditorialError(message, field, problems)


# --- proposals: life cycle ----------------------------------------------------------------


def _event(proposal: Proposal, actor, action: str, message: str = "") -> None:
    ProposalEvent.objects.create(
        proposal=proposal, actor=actor, action=action, state=proposal.state, message=message
    )


def _edition(value) -> Edition:
    """An edition by name or instance, read afresh (it may have been frozen since)."""
    if isinstance(value, Edition):
        edition, name = Edition.objects.filter(pk=value.pk).first(), value.name
    else:
        name = " ".join(str(value or "").split())
        edition = Edition.objects.filter(name=name).first()
    if edition is None:
        raise EditorialError(f"unknown edition {name!r}", "edition")
    return edition


def _newest_first(editions) -> list[Edition]:
    return list(
        editions.order_by(
            F("report_year").desc(nulls_last=True),
            F("publication_date").desc(nulls_last=True),
            "-id",
        )
    )


def default_edition(theme: str = "", target_id: int | None = None) -> Edition | None:
    """Where a proposal goes unless it says: the corrected record's edition if it is open;
    for a frozen one, the newest open edition of the same series (or any series) from the
    same year on; otherwise the newest open edition."""
    target = _record(theme, target_id) if theme and target_id else None
    if target is not None and not target.edition.frozen:
        return target.edition
    open_editions = Edition.objects.filter(frozen_at__isnull=True)
    if target is None:
        return next(iter(_newest_first(open_editions)), None)
    frozen = target.edition
    if frozen.report_year:
        open_editions = open_editions.filter(report_year__gte=frozen.report_year)
    candidates = _newest_first(open_editions)
    same_series = [e for e in candidates if _family(e) == _family(frozen)]
    return next(iter(same_series or candidates), None)


@transaction.atomic
def proposal_create(
    *,
    author,
    country: str,
    kind: str,
    edition=None,
    theme: str = "",
    target_id: int | None = None,
    payload: dict | None = None,
    section: str = "",
    body: str = "",
    new_source: dict | None = None,
    reason: str = "",
) -> Proposal:
    """A draft proposal by `author`, checked in full (a draft is already a valid change).

    A correction (`target_id` set) without a payload starts from the record's cells, less
    its quote, note, confidence and preference (the correction brings its own); with a
    `new_source` it cites that source.
    """
    _require(role_of(author) >= Role.RESEARCHER, "only researchers and editors propose changes")
    country_obj = Country.objects.filter(iso3=str(country or "").strip().upper()).first()
    if country_obj is None:
        raise EditorialError(f"unknown country {country!r}", "country")
    if kind not in Proposal.Kind.values:
        raise EditorialError(f"must be one of {', '.join(Proposal.Kind.values)}", "kind")
    is_record = kind == Proposal.Kind.RECORD
    if is_record and theme not in PROPOSABLE_THEMES:
        raise EditorialError(f"must be one of {', '.join(PROPOSABLE_THEMES)}", "theme")
    if is_record and not can_propose(author, country_obj.iso3, theme):
        raise NotAllowed(f"you are not assigned to {country_obj.iso3} ({theme})")
    if not is_record and not can_propose_narrative(author, country_obj.iso3):
        raise NotAllowed(f"narrative sections need an assignment to all of {country_obj.iso3}")
    target_id = _target_id(target_id) if is_record else None
    new_source = _clean_new_source(new_source)
    if payload is not None:
        payload = _clean_payload(payload)
    elif target_id is not None:
        target = _record(theme, target_id)
        payload = record_cells(theme, target) if target else {}
        for name in _NOT_CARRIED_OVER:
            payload.pop(name, None)
        if new_source:
            payload["source"] = NEW_SOURCE_KEY
    if edition is None or edition == "":
        edition_obj = default_edition(theme if is_record else "", target_id)
        if edition_obj is None:
            raise EditorialError("there is no open edition to propose into", "edition")
    else:
        edition_obj = _edition(edition)
    proposal = Proposal(
        author=author,
        country=country_obj,
        kind=kind,
        edition=edition_obj,
        theme=theme if is_record else "",
        target_id=target_id,
        payload=(payload or {}) if is_record else {},
        section="" if is_record else _text(section, "section"),
        body="" if is_record else _text(body, "body"),
        new_source=new_source,
        reason=_text(reason, "reason").strip(),
    )
    _check(proposal)
    proposal.save()
    _event(proposal, author, "created")
    return proposal


def _transition(proposal: Proposal, actor, action: Action) -> None:
    """Check who may take `action` and move the state (in memory).

    NotAllowed if the actor may not, TransitionError if the state does not allow it.
    """
    if not can_view_proposal(actor, proposal):
        raise NotAllowed("not your proposal")
    if actor_kind(action) == "author":
        _require(proposal.author_id == actor.pk, "only the author can do this")
        if action in (Action.EDIT, Action.SUBMIT):
            # Assignments can be withdrawn after the draft was written.
            _require(
                _may_author(actor, proposal),
                f"you are no longer assigned to {proposal.country_id} for this",
            )
    else:
        _require(role_of(actor) >= Role.EDITOR, "only editors can do this")
        _require(proposal.author_id != actor.pk, "an editor cannot decide on their own proposal")
    proposal.state = next_state(proposal.state, action).value


def _locked(proposal: Proposal) -> Proposal:
    """The proposal re-read inside the transaction (row lock on PostgreSQL)."""
    return (
        Proposal.objects.select_for_update()
        .select_related("country", "edition", "author")
        .get(pk=proposal.pk)
    )


def _text(value, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise EditorialError("must be text", field)
    return value


@transaction.atomic
def proposal_update(*, actor, proposal: Proposal, **changes) -> Proposal:
    """Edit a draft (or a proposal sent back for changes); only its author can.

    `changes`: reason, edition, new_source and, for a figure, payload; for a narrative
    section, section and body.
    """
    proposal = _locked(proposal)
    _transition(proposal, actor, Action.EDIT)
    allowed = {"reason", "edition", "new_source"}
    allowed |= {"payload"} if proposal.kind == Proposal.Kind.RECORD else {"section", "body"}
    for name, value in changes.items():
        if name not in allowed:
            raise EditorialError(f"cannot be changed on a {proposal.kind} proposal", name)
        if name == "new_source":
            value = _clean_new_source(value)
        elif name == "edition":
            value = _edition(value)
        elif name == "payload":
            value = _clean_payload(value)
        elif name == "reason":
            value = _text(value, name).strip()
        else:
            value = _text(value, name)
        setattr(proposal, name, value)
    _check(proposal)
    proposal.save()
    _event(proposal, actor, "edit")
    return proposal


@transaction.atomic
def proposal_submit(*, actor, proposal: Proposal, message: str = "") -> Proposal:
    """Send the proposal to the editors (who are notified by e-mail)."""
    proposal = _locked(proposal)
    _transition(proposal, actor, Action.SUBMIT)
    if not proposal.reason:
        raise EditorialError("say why: the editor reads this first", "reason")
    _check(proposal)
    proposal.submitted_at = timezone.now()
    proposal.save()
    _event(proposal, actor, "submit", _text(message, "message").strip())
    _notify_editors(proposal)
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor, proposal: Proposal) -> Proposal:
    """Take a submitted proposal back to draft (its author only)."""
    proposal = _locked(proposal)
    _transition(proposal, actor, Action.WITHDRAW)
    proposal.save()
    _event(proposal, actor, "withdraw")
    return proposal


@transaction.atomic
def proposal_comment(*, actor, proposal: Proposal, message: str) -> ProposalEvent:
    """A comment in the proposal's history, by its author or an editor."""
    proposal = _locked(proposal)
    if not can_view_proposal(actor, proposal):
        raise NotAllowed("not your proposal")
    _require(
        proposal.author_id == actor.pk or role_of(actor) >= Role.EDITOR,
        "only the author and editors comment",
    )
    message = _text(message, "message").strip()
    if not message:
        raise EditorialError("is empty", "message")
    return ProposalEvent.objects.create(
        proposal=proposal, actor=actor, action="comment", state=proposal.state, message=message
    )


@transaction.atomic
def proposal_request_changes(*, actor, proposal: Proposal, message: str) -> Proposal:
    """Send a submitted proposal back to its author with what to change."""
    proposal = _locked(proposal)
    _transition(proposal, actor, Action.REQUEST_CHANGES)
    message = _text(message, "message").strip()
    if not message:
        raise EditorialError("tell the researcher what to change", "message")
    proposal.save()
    _event(proposal, actor, "request_changes", message)
    _notify_author(proposal, "Changes requested", message)
    return proposal


@transaction.atomic
def proposal_reject(*, actor, proposal: Proposal, message: str) -> Proposal:
    proposal = _locked(proposal)
    _transition(proposal, actor, Action.REJECT)
    message = _text(message, "message").strip()
    if not message:
        raise EditorialError("say why it is rejected", "message")
    proposal.decided_at, proposal.decided_by = timezone.now(), actor
    proposal.save()
    _event(proposal, actor, "reject", message)
    _notify_author(proposal, "Rejected", message)
    return proposal


@transaction.atomic
def proposal_approve(*, actor, proposal: Proposal, message: str = "") -> Proposal:
    """Approve and publish: apply the change through the research services, atomically.

    Everything (the record or section, its audit entries, an erratum, the proposal's state
    and history) is written in one transaction; if any step fails, nothing is, the proposal
    stays submitted and EditorialError says why.
    """
    proposal = _locked(proposal)
    _transition(proposal, actor, Action.APPROVE)
    message = _text(message, "message").strip()
    _check(proposal)
    proposal.decided_at, proposal.decided_by = timezone.now(), actor
    _event(proposal, actor, "approve", message)
    context = AuditContext(
        via=f"proposal #{proposal.pk}",
        actor=actor,
        reason=proposal.reason,
        proposal_id=proposal.pk,
    )
    try:
        if proposal.kind == Proposal.Kind.RECORD:
            proposal.applied_id = _apply_record(proposal, context)
        else:
            proposal.applied_id = narrative_publish(proposal=proposal, context=context).pk
    except (ResearchDataError, ValidationError) as exc:
        detail = "; ".join(getattr(exc, "messages", None) or [str(exc)])
        raise EditorialError(f"cannot be applied: {detail}", None) from exc
    proposal.state = next_state(proposal.state, Action.PUBLISH).value
    proposal.save()
    _event(proposal, actor, "publish")
    _notify_author(proposal, "Approved and published", message)
    _notify_subscribers(proposal)
    return proposal


def _new_source(proposal: Proposal, context: AuditContext) -> Source | None:
    if not proposal.new_source:
        return None
    source, created = source_get_or_create(**proposal.new_source)
    if created:
        audit_write(
            context=context,
            action="create",
            obj=source,
            label=f"Source {source.key}",
            after=snapshot(source),
        )
    return source


def _apply_record(proposal: Proposal, context: AuditContext) -> int:
    """Write the proposal's figure; a correction of a frozen edition's record gets an erratum."""
    from monitor.research.imports import row_values

    spec = THEMES[proposal.theme]
    payload = {k: v for k, v in proposal.payload.items() if k in spec.column_names}
    payload["country"] = proposal.country_id
    new_source = _new_source(proposal, context)
    sources = _sources_map([payload.get("source", "")])
    if new_source is not None:
        payload["source"] = new_source.key
        sources[new_source.key] = new_source
    target = _record(proposal.theme, proposal.target_id)
    if target is not None:
        # A correction is the figure to show from now on.
        payload["preferred"] = "yes"
        reason = f"Correction (proposal #{proposal.pk}): {proposal.reason}"
        payload["preferred_reason"] = reason[:300]
    data, problems = row_values(
        spec, payload, countries={proposal.country_id: proposal.country}, sources=sources
    )
    if problems:
        raise ResearchDataError("; ".join(f"{c}: {m}" if c else m for c, m in problems))
    data["edition"] = proposal.edition
    result = record_upsert(theme=spec, values=data, audit=context)
    if target is not None and target.edition.frozen:
        erratum = Erratum.objects.create(
            edition=target.edition,
            theme=spec.name,
            original_id=target.pk,
            corrected_id=result.obj.pk,
            corrected_edition=proposal.edition,
            country=proposal.country,
            reason=proposal.reason,
            proposal_id=proposal.pk,
        )
        audit_write(
            context=context,
            action="erratum",
            obj=erratum,
            country=proposal.country_id,
            edition=target.edition.name,
            before=snapshot(target),
            after=snapshot(result.obj),
        )
    return result.obj.pk


def narrative_publish(*, proposal: Proposal, context: AuditContext) -> NarrativeSection:
    """Write an approved proposal's section (rendered and sanitised) for its country and
    edition. Called by `proposal_approve`, inside its transaction."""
    if proposal.state != State.APPROVED:
        raise ResearchDataError(f"proposal #{proposal.pk} is {proposal.state}, not approved")
    edition_check_open(proposal.edition)
    new_source = _new_source(proposal, context)
    body = proposal.body
    if new_source is not None:

        def cite_new(m: re.Match) -> str:
            if m.group(1) != NEW_SOURCE_KEY:
                return m.group(0)
            return m.group(0).replace(f"[@{NEW_SOURCE_KEY}", f"[@{new_source.key}", 1)

        body = nar.CITATION.sub(cite_new, body)
    keys = nar.cited_keys(body)
    sources = _sources_map(keys)
    rendered = narrative_render(body, sources, section=proposal.section)
    if rendered.unknown_keys:
        raise ResearchDataError(f"unknown sources: {', '.join(rendered.unknown_keys)}")
    section = NarrativeSection.objects.filter(
        country=proposal.country, edition=proposal.edition, section=proposal.section
    ).first()
    before = {"body": section.body} if section else None
    if section is None:
        section = NarrativeSection(
            country=proposal.country, edition=proposal.edition, section=proposal.section
        )
    section.body, section.html, section.proposal = body, rendered.html, proposal
    section.save()
    section.sources.set(list(sources.values()))
    audit_write(
        context=context,
        action="update" if before else "create",
        obj=section,
        country=proposal.country_id,
        edition=proposal.edition.name,
        before=before,
        after={"body": body, "sources": sorted(sources)},
    )
    from monitor.web.cache import data_version_bump

    data_version_bump()
    return section


def narrative_render(body: str, sources: dict[str, Source], *, section: str = "") -> nar.Rendered:
    """The section's HTML; footnote ids are prefixed with the section so that several
    sections can share a page."""
    refs = {k: nar.SourceRef(k, s.citation, s.url) for k, s in sources.items()}
    return nar.render(body, refs, anchor=f"{section}-fn" if section else "fn")


# --- notifications --------------------------------------------------------------------------


def _site_url(path: str) -> str:
    return settings.MONITOR_SITE_URL.rstrip("/") + path


def _send(subject: str, body: str, recipients: list[str]) -> None:
    """Send after the transaction commits: a rolled-back change announces nothing."""
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return

    def send():
        try:
            send_mail(f"[Monitor] {subject}", body, None, recipients)
        except Exception:  # a mail server outage must not undo an approval
            log.exception("could not send %r to %s", subject, recipients)

    transaction.on_commit(send)


def _notify_editors(proposal: Proposal) -> None:
    User = get_user_model()
    editors = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__name__in=["editor", "administrator"])
    )
    emails = [u.email for u in editors.distinct() if u.pk != proposal.author_id]
    url = _site_url(f"/editorial/proposals/{proposal.pk}/")
    _send(
        f"Proposal #{proposal.pk} submitted: {proposal.country.name}, {proposal.subject}",
        f"{proposal.author.get_username()} submitted a proposal for review.\n\n"
        f"Why: {proposal.reason}\n\nReview it: {url}\n",
        emails,
    )


def _notify_author(proposal: Proposal, decision: str, message: str) -> None:
    note = f"Editor's note: {message}\n\n" if message else ""
    _send(
        f"Proposal #{proposal.pk}: {decision}",
        f"Your proposal for {proposal.country.name} ({proposal.subject}): {decision.lower()}.\n\n"
        f"{note}{_site_url(f'/editorial/proposals/{proposal.pk}/')}\n",
        [proposal.author.email] if proposal.author.is_active else [],
    )


def _notify_subscribers(proposal: Proposal) -> None:
    subs = Subscription.objects.filter(country=proposal.country, confirmed_at__isnull=False)
    name = proposal.country.name
    for sub in subs:
        _send(
            f"{name}: profile updated",
            f"The Monitor's profile of {name} was updated ({proposal.subject}).\n\n"
            f"{_site_url(f'/countries/{proposal.country_id}/')}\n\n"
            f"Unsubscribe: {_site_url(f'/subscriptions/{sub.token}/cancel/')}\n",
            [sub.email],
        )


# --- reader subscriptions -------------------------------------------------------------------


@transaction.atomic
def subscription_request(*, email: str, country: str) -> Subscription:
    """Ask for updates about a country; an e-mail with a confirmation link is sent."""
    email = (email or "").strip() if isinstance(email, str) else ""
    max_length = Subscription._meta.get_field("email").max_length
    try:
        validate_email(email)
        if len(email) > max_length:
            raise ValidationError("too long")
    except ValidationError:
        raise EditorialError(
            f"enter a valid e-mail address (at most {max_length} characters)", "email"
        ) from None
    country_obj = Country.objects.filter(iso3=str(country or "").strip().upper()).first()
    if country_obj is None:
        raise EditorialError(f"unknown country {country!r}", "country")
    sub, _ = Subscription.objects.get_or_create(
        email=email.lower(), country=country_obj, defaults={"token": secrets.token_urlsafe(32)}
    )
    if sub.confirmed_at is None:
        _send(
            f"Confirm updates about {country_obj.name}",
            f"Someone (hopefully you) asked for e-mail when the Monitor's profile of "
            f"{country_obj.name} changes.\n\nConfirm: "
            f"{_site_url(f'/subscriptions/{sub.token}/confirm/')}\n\n"
            "If it was not you, ignore this message.\n",
            [sub.email],
        )
    return sub


def subscription_confirm(*, token: str) -> Subscription | None:
    """Confirm a subscription by the token mailed to it; None for an unknown token."""
    if not token or not isinstance(token, str):
        return None
    sub = Subscription.objects.filter(token=token).select_related("country").first()
    if sub is not None and sub.confirmed_at is None:
        sub.confirmed_at = timezone.now()
        sub.save(update_fields=["confirmed_at"])
    return sub


def subscription_cancel(*, token: str) -> bool:
    """Delete the subscription with this token; False if there was none."""
    if not token or not isinstance(token, str):
        return False
    deleted, _ = Subscription.objects.filter(token=token).delete()
    return bool(deleted)


# --- API tokens ---------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new personal token; the secret is returned once and only its digest is kept."""
    _require(role_of(user) >= Role.RESEARCHER, "only researchers and editors use the write API")
    name = " ".join(_text(name, "name").split())
    if not name:
        raise EditorialError("give the token a name", "name")
    secret = "mon_" + secrets.token_urlsafe(30)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=secret[:10], digest=_digest(secret)
    )
    return token, secret


def api_token_revoke(*, user, token_id: int) -> None:
    """Revoke one of `user`'s own active tokens."""
    try:
        token_id = int(token_id)
    except (TypeError, ValueError):
        raise EditorialError("no such active token", "token") from None
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise EditorialError("no such active token", "token")


def api_token_user(secret: str):
    """The active user owning `secret`, or None."""
    if not secret or not isinstance(secret, str):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(digest=_digest(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    return token.user


# --- editions -------------------------------------------------------------------------------


@transaction.atomic
def edition_freeze(*, name: str, actor=None) -> Edition:
    """Freeze an edition: from now on its figures never change (corrections become errata).

    `actor` None is the command line; a user must be an editor or administrator.
    """
    if actor is not None:
        _require(role_of(actor) >= Role.EDITOR, "only editors freeze editions")
    name = " ".join(str(name or "").split())
    edition = Edition.objects.select_for_update().filter(name=name).first()
    if edition is None:
        raise EditorialError(f"unknown edition {name!r}", "edition")
    if edition.frozen:
        raise EditorialError(
            f"{edition.name!r} has been frozen since {edition.frozen_at:%Y-%m-%d}", "edition"
        )
    edition.frozen_at = timezone.now()
    edition.status = Edition.Status.PUBLISHED
    edition.save(update_fields=["frozen_at", "status"])
    audit_write(
        context=AuditContext(via="monitor edition freeze", actor=actor),
        action="freeze",
        obj=edition,
        edition=edition.name,
        after={"frozen_at": edition.frozen_at.isoformat()},
    )
    return edition


@transaction.atomic
def edition_create(
    *, name: str, publication_date: date | None = None, actor=None
) -> tuple[Edition, bool]:
    """An edition by name, created as a draft if new (report year read from the name).

    An existing edition is returned unchanged; a different `publication_date` for it is an
    error. `actor` None is the command line; a user must be an editor or administrator.
    """
    if actor is not None:
        _require(role_of(actor) >= Role.EDITOR, "only editors create editions")
    try:
        edition, created = edition_get_or_create(name=str(name or ""))
    except ResearchDataError as exc:
        raise EditorialError(str(exc), "name") from None
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise EditorialError(messages[0].rstrip("."), field) from None
    if not created:
        if publication_date and edition.publication_date != publication_date:
            was = edition.publication_date or "none"
            raise EditorialError(
                f"{edition.name!r} exists already, with publication date {was}",
                "publication_date",
            )
        return edition, False
    if publication_date:
        edition.publication_date = publication_date
        edition.save(update_fields=["publication_date"])
    audit_write(
        context=AuditContext(
            via="monitor edition create" if actor is None else "editions", actor=actor
        ),
        action="create",
        obj=edition,
        edition=edition.name,
        after=snapshot(edition),
    )
    return edition, True


@transaction.atomic
def assignment_remove(*, actor, assignment: Assignment) -> None:
    """End a researcher's assignment (administrators only); the audit log keeps it."""
    _require_admin(actor)
    before = {
        "user": assignment.user.username,
        "country": assignment.country_id,
        "theme": assignment.theme,
    }
    audit_write(
        context=AuditContext(via="accounts", actor=actor),
        action="delete",
        obj=assignment,
        country=assignment.country_id,
        before=before,
    )
    assignment.delete()
