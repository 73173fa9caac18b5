"""Writes of the editorial workflow. Every permission is checked here, not only in views.

A proposal carries a figure (one row of a research theme, as text cells, checked by the same
`row_values` the importer uses) or a narrative section (Markdown citing stored sources).
Approval applies it atomically through `record_upsert` (which writes the audit log) or, for a
section, through `narrative_publish`; a correction of a frozen edition's figure becomes a
record of an open edition plus an `Erratum`.
"""

from __future__ import annotations

import hashlib
import logging
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
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
from monitor.editorial.workflow import Action, State, TransitionError, next_state
from monitor.research.models import Edition, Erratum, Source
from monitor.research.services import (
    ResearchDataError,
    edition_check_open,
    record_upsert,
    source_get_or_create,
)
from monitor.research.themes import THEMES

log = logging.getLogger(__name__)

#: Themes a proposal may carry (every country-year research theme; not the sources list).
PROPOSABLE_THEMES = tuple(n for n, t in THEMES.items() if t.edition_bound)
NEW_SOURCE_KEY = "new"  # the payload's source cell when the proposal brings its own source
_SOURCE_FIELDS = ("title", "url", "publisher", "publication_date", "quote")


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
    """Editors and administrators anywhere; researchers for their assigned countries/themes."""
    role = role_of(user)
    if role >= Role.EDITOR:
        return True
    if role != Role.RESEARCHER:
        return False
    qs = Assignment.objects.filter(user=user, country_id=country_id)
    if theme:
        return qs.filter(theme__in=["", theme]).exists()
    return qs.exists()


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
    if not username:
        raise EditorialError("is required", "username")
    if role not in ROLE_GROUPS:
        raise EditorialError(f"must be one of {', '.join(ROLE_GROUPS)}", "role")
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
    _require_admin(actor)
    if role not in ROLE_GROUPS:
        raise EditorialError(f"must be one of {', '.join(ROLE_GROUPS)}", "role")
    before = role_of(user).group if role_of(user) != Role.NONE else ""
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
    _require_admin(actor)
    country_obj = Country.objects.filter(iso3=(country or "").strip().upper()).first()
    if country_obj is None:
        raise EditorialError(f"unknown country {country!r}", "country")
    if theme and theme not in PROPOSABLE_THEMES:
        raise EditorialError(f"unknown theme {theme!r}", "theme")
    if role_of(user) != Role.RESEARCHER:
        raise EditorialError(f"{user.username} is not a researcher", "user")
    assignment, created = Assignment.objects.get_or_create(
        user=user, country=country_obj, theme=theme or ""
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


# --- proposals ----------------------------------------------------------------------------


def _record(theme: str, pk: int | None):
    if pk is None:
        return None
    return THEMES[theme].model.objects.select_related("edition", "source").filter(pk=pk).first()


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
        raise EditorialError(f"unknown field {sorted(unknown)[0]!r}", "new_source")
    cleaned = {k: " ".join(str(data.get(k) or "").split()) for k in _SOURCE_FIELDS}
    cleaned["quote"] = str(data.get("quote") or "").strip()
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


def _sources_map(keys) -> dict[str, Source]:
    return Source.objects.in_bulk([k for k in keys if k], field_name="key")


def proposal_problems(proposal: Proposal) -> list[tuple[str | None, str]]:
    """Everything wrong with the proposal's content, as (field, message); [] when valid."""
    from monitor.research.imports import row_values

    problems: list[tuple[str | None, str]] = []
    if proposal.kind == Proposal.Kind.RECORD:
        spec = THEMES[proposal.theme]
        payload = {k: ("" if v is None else str(v)) for k, v in (proposal.payload or {}).items()}
        unknown = [k for k in payload if k not in spec.column_names and k != "edition"]
        for name in unknown:
            problems.append((f"payload.{name}", f"unknown column for {spec.name}"))
        payload.pop("edition", None)
        payload["country"] = payload.get("country") or proposal.country_id
        if payload["country"].strip().upper() != proposal.country_id:
            problems.append(
                ("payload.country", f"must be the proposal's country, {proposal.country_id}")
            )
        sources = _sources_map([payload.get("source", "").strip()])
        if payload.get("source", "").strip() == NEW_SOURCE_KEY or (
            not payload.get("source", "").strip() and proposal.new_source
        ):
            if not proposal.new_source:
                problems.append(("new_source", "the figure cites a new source: give its title"))
            payload["source"] = NEW_SOURCE_KEY
            sources[NEW_SOURCE_KEY] = Source(key=NEW_SOURCE_KEY, title="(new source)")
        elif not payload.get("source", "").strip():
            problems.append(("payload.source", "a figure needs a source"))
        data, row_problems = row_values(
            spec,
            {k: v for k, v in payload.items() if k in spec.column_names},
            countries={proposal.country_id: proposal.country},
            sources=sources,
        )
        problems += [(f"payload.{c}" if c else None, m) for c, m in row_problems]
        for column in spec.columns:
            if (
                column.required
                and data.get(column.name) in (None, "")
                and not any(c == f"payload.{column.name}" for c, _ in problems)
            ):
                problems.append((f"payload.{column.name}", "is required"))
        target = _record(proposal.theme, proposal.target_id)
        if proposal.target_id is not None and target is None:
            problems.append(("target_id", f"no {spec.name} record #{proposal.target_id}"))
        elif target is not None and target.country_id != proposal.country_id:
            problems.append(("target_id", "the record corrected is another country's"))
        if proposal.edition.frozen and (target is None or target.edition_id != proposal.edition_id):
            problems.append(
                ("edition", f"{proposal.edition.name!r} is frozen: choose an open edition")
            )
        elif proposal.edition.frozen:
            problems.append(
                (
                    "edition",
                    f"{proposal.edition.name!r} is frozen: the correction goes into an open edition as an erratum",
                )  # noqa: E501
            )
    else:
        if proposal.section not in dict(nar.SECTIONS):
            problems.append(("section", f"must be one of {', '.join(dict(nar.SECTIONS))}"))
        if not proposal.body.strip():
            problems.append(("body", "is empty"))
        keys = nar.cited_keys(proposal.body)
        known = _sources_map(keys)
        missing = [
            k for k in keys if k not in known and not (k == NEW_SOURCE_KEY and proposal.new_source)
        ]
        for key in missing:
            problems.append(
                (
                    "body",
                    f"cites unknown source [@{key}] (cite a stored source key, or [@new] with a new source)",
                )
            )  # noqa: E501
        if not keys:
            problems.append(("body", "cites no source: add at least one [@source-key]"))
        if proposal.edition.frozen:
            problems.append(
                ("edition", f"{proposal.edition.name!r} is frozen: choose an open edition")
            )
    return problems


def _check(proposal: Proposal) -> None:
    problems = proposal_problems(proposal)
    if problems:
        field, message = problems[0]
        raise EditorialError(message, field, problems)


def _event(proposal: Proposal, actor, action: str, message: str = "") -> None:
    ProposalEvent.objects.create(
        proposal=proposal, actor=actor, action=action, state=proposal.state, message=message
    )


def _edition(value) -> Edition:
    if isinstance(value, Edition):
        return value
    name = " ".join(str(value or "").split())
    edition = Edition.objects.filter(name=name).first()
    if edition is None:
        raise EditorialError(f"unknown edition {name!r}", "edition")
    return edition


def default_edition(theme: str = "", target_id: int | None = None) -> Edition | None:
    """The target's edition if open, else the open edition with the latest report year."""
    target = _record(theme, target_id) if theme and target_id else None
    if target is not None and not target.edition.frozen:
        return target.edition
    return (
        Edition.objects.filter(frozen_at__isnull=True)
        .order_by("-report_year", "-publication_date", "-id")
        .first()
    )


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
    """A draft proposal by `author`, checked in full (a draft is already a valid change)."""
    country_obj = Country.objects.filter(iso3=(country or "").strip().upper()).first()
    if country_obj is None:
        raise EditorialError(f"unknown country {country!r}", "country")
    if kind not in Proposal.Kind.values:
        raise EditorialError(f"must be one of {', '.join(Proposal.Kind.values)}", "kind")
    if kind == Proposal.Kind.RECORD and theme not in PROPOSABLE_THEMES:
        raise EditorialError(f"must be one of {', '.join(PROPOSABLE_THEMES)}", "theme")
    if not can_propose(author, country_obj.iso3, theme if kind == "record" else ""):
        raise NotAllowed(
            f"you are not assigned to {country_obj.iso3}" + (f" ({theme})" if theme else "")
        )
    if payload is not None and not isinstance(payload, dict):
        raise EditorialError("must be an object of column: value", "payload")
    if kind == Proposal.Kind.RECORD and target_id is not None and payload is None:
        target = _record(theme, target_id)
        payload = record_cells(theme, target) if target else {}
        # The correction brings its own citation and notes; the figure's values carry over.
        for name in ("quote", "note", "confidence", "preferred", "preferred_reason"):
            payload.pop(name, None)
    if edition is None or edition == "":
        edition_obj = default_edition(theme, target_id)
        if edition_obj is None:
            raise EditorialError("there is no open edition", "edition")
    else:
        edition_obj = _edition(edition)
    proposal = Proposal(
        author=author,
        country=country_obj,
        kind=kind,
        edition=edition_obj,
        theme=theme if kind == Proposal.Kind.RECORD else "",
        target_id=target_id if kind == Proposal.Kind.RECORD else None,
        payload={k: ("" if v is None else str(v)) for k, v in (payload or {}).items()},
        section=section if kind == Proposal.Kind.NARRATIVE else "",
        body=body if kind == Proposal.Kind.NARRATIVE else "",
        new_source=_clean_new_source(new_source),
        reason=(reason or "").strip(),
    )
    _check(proposal)
    proposal.save()
    _event(proposal, author, "created")
    return proposal


def _transition(proposal: Proposal, actor, action: Action) -> None:
    """Check who may take `action` and move the state; TransitionError if not allowed."""
    from monitor.editorial.workflow import actor_kind

    if not can_view_proposal(actor, proposal):
        raise NotAllowed("not your proposal")
    if actor_kind(action) == "author":
        _require(proposal.author_id == actor.pk, "only the author can do this")
    else:
        _require(role_of(actor) >= Role.EDITOR, "only editors can do this")
        _require(proposal.author_id != actor.pk, "an editor cannot decide on their own proposal")
    proposal.state = next_state(proposal.state, action).value


def _locked(proposal: Proposal) -> Proposal:
    """The proposal re-read inside the transaction (row lock on PostgreSQL)."""
    return (
        Proposal.objects.select_for_update()
        .select_related("country", "edition")
        .get(pk=proposal.pk)
    )


@transaction.atomic
def proposal_update(*, actor, proposal: Proposal, **changes) -> Proposal:
    """Edit a draft (or a proposal sent back for changes); only its author can."""
    proposal = _locked(proposal)
    _transition(proposal, actor, Action.EDIT)
    allowed = {"payload", "section", "body", "new_source", "reason", "edition"}
    for name, value in changes.items():
        if name not in allowed:
            raise EditorialError("cannot be changed", name)
        if name == "new_source":
            value = _clean_new_source(value)
        elif name == "edition":
            value = _edition(value)
        elif name == "payload":
            if not isinstance(value, dict):
                raise EditorialError("must be an object of column: value", "payload")
            value = {k: ("" if v is None else str(v)) for k, v in value.items()}
        elif name == "reason":
            value = (value or "").strip()
        setattr(proposal, name, value)
    _check(proposal)
    proposal.save()
    _event(proposal, actor, "edit")
    return proposal


@transaction.atomic
def proposal_submit(*, actor, proposal: Proposal, message: str = "") -> Proposal:
    proposal = _locked(proposal)
    _transition(proposal, actor, Action.SUBMIT)
    if not proposal.reason:
        raise EditorialError("say why: the editor reads this first", "reason")
    _check(proposal)
    proposal.submitted_at = timezone.now()
    proposal.save()
    _event(proposal, actor, "submit", message)
    _notify_editors(proposal)
    return proposal


@transaction.atomic
def proposal_withdraw(*, actor, proposal: Proposal) -> Proposal:
    proposal = _locked(proposal)
    _transition(proposal, actor, Action.WITHDRAW)
    proposal.save()
    _event(proposal, actor, "withdraw")
    return proposal


@transaction.atomic
def proposal_comment(*, actor, proposal: Proposal, message: str) -> ProposalEvent:
    proposal = _locked(proposal)
    if not can_view_proposal(actor, proposal):
        raise NotAllowed("not your proposal")
    _require(
        proposal.author_id == actor.pk or role_of(actor) >= Role.EDITOR,
        "only the author and editors comment",
    )
    message = (message or "").strip()
    if not message:
        raise EditorialError("is empty", "message")
    return ProposalEvent.objects.create(
        proposal=proposal, actor=actor, action="comment", state=proposal.state, message=message
    )


@transaction.atomic
def proposal_request_changes(*, actor, proposal: Proposal, message: str) -> Proposal:
    proposal = _locked(proposal)
    _transition(proposal, actor, Action.REQUEST_CHANGES)
    if not (message or "").strip():
        raise EditorialError("tell the researcher what to change", "message")
    proposal.save()
    _event(proposal, actor, "request_changes", message.strip())
    _notify_author(proposal, "Changes requested", message.strip())
    return proposal


@transaction.atomic
def proposal_reject(*, actor, proposal: Proposal, message: str) -> Proposal:
    proposal = _locked(proposal)
    _transition(proposal, actor, Action.REJECT)
    if not (message or "").strip():
        raise EditorialError("say why it is rejected", "message")
    proposal.decided_at, proposal.decided_by = timezone.now(), actor
    proposal.save()
    _event(proposal, actor, "reject", message.strip())
    _notify_author(proposal, "Rejected", message.strip())
    return proposal


@transaction.atomic
def proposal_approve(*, actor, proposal: Proposal, message: str = "") -> Proposal:
    """Approve and publish: apply the change through the research services, atomically."""
    proposal = _locked(proposal)
    _transition(proposal, actor, Action.APPROVE)
    _check(proposal)
    proposal.decided_at, proposal.decided_by = timezone.now(), actor
    _event(proposal, actor, "approve", (message or "").strip())
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
    from monitor.research.imports import row_values

    spec = THEMES[proposal.theme]
    payload = {k: v for k, v in proposal.payload.items() if k in spec.column_names}
    payload["country"] = proposal.country_id
    new_source = _new_source(proposal, context)
    sources = _sources_map([payload.get("source", "")])
    if new_source is not None and payload.get("source", "").strip() in ("", NEW_SOURCE_KEY):
        payload["source"] = new_source.key
        sources[new_source.key] = new_source
    target = _record(proposal.theme, proposal.target_id)
    if target is not None:
        # A correction is the figure to show from now on.
        payload["preferred"] = "yes"
        payload["preferred_reason"] = f"Correction (proposal #{proposal.pk}): {proposal.reason}"[
            :300
        ]
    data, problems = row_values(
        spec, payload, countries={proposal.country_id: proposal.country}, sources=sources
    )
    if problems:
        raise ResearchDataError("; ".join(f"{c}: {m}" if c else m for c, m in problems))
    edition = proposal.edition
    if target is not None and target.edition.frozen:
        edition_check_open(edition)
    data["edition"] = edition
    result = record_upsert(theme=spec, values=data, audit=context)
    if target is not None and target.edition.frozen:
        erratum = Erratum.objects.create(
            edition=target.edition,
            theme=spec.name,
            original_id=target.pk,
            corrected_id=result.obj.pk,
            corrected_edition=edition,
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
    """Write the proposal's section (rendered and sanitised) for its country and edition."""
    edition_check_open(proposal.edition)
    new_source = _new_source(proposal, context)
    body = proposal.body
    if new_source is not None:
        body = body.replace(f"[@{NEW_SOURCE_KEY}", f"[@{new_source.key}")
    keys = nar.cited_keys(body)
    sources = _sources_map(keys)
    rendered = narrative_render(body, sources)
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


def narrative_render(body: str, sources: dict[str, Source]) -> nar.Rendered:
    refs = {k: nar.SourceRef(k, s.citation, s.url) for k, s in sources.items()}
    return nar.render(body, refs)


# --- notifications --------------------------------------------------------------------------


def _site_url(path: str) -> str:
    return settings.MONITOR_SITE_URL.rstrip("/") + path


def _send(subject: str, body: str, recipients: list[str]) -> None:
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
    from django.db.models import Q

    User = get_user_model()
    editors = User.objects.filter(is_active=True).filter(
        Q(is_superuser=True) | Q(groups__name__in=["editor", "administrator"])
    )
    emails = [u.email for u in editors.distinct() if u.pk != proposal.author_id]
    _send(
        f"Proposal #{proposal.pk} submitted: {proposal.country.name}, {proposal.subject}",
        f"{proposal.author.get_username()} submitted a proposal for review.\n\n"
        f"Why: {proposal.reason}\n\nReview it: {_site_url(f'/editorial/proposals/{proposal.pk}/')}\n",
        emails,
    )


def _notify_author(proposal: Proposal, decision: str, message: str) -> None:
    _send(
        f"Proposal #{proposal.pk}: {decision}",
        f"Your proposal for {proposal.country.name} ({proposal.subject}): {decision.lower()}.\n\n"
        + (f"Editor's note: {message}\n\n" if message else "")
        + f"{_site_url(f'/editorial/proposals/{proposal.pk}/')}\n",
        [proposal.author.email],
    )


def _notify_subscribers(proposal: Proposal) -> None:
    subs = Subscription.objects.filter(country=proposal.country, confirmed_at__isnull=False)
    for sub in subs:
        _send(
            f"{proposal.country.name}: profile updated",
            f"The Monitor's profile of {proposal.country.name} was updated "
            f"({proposal.subject}).\n\n{_site_url(f'/countries/{proposal.country_id}/')}\n\n"
            f"Unsubscribe: {_site_url(f'/subscriptions/{sub.token}/cancel/')}\n",
            [sub.email],
        )


@transaction.atomic
def subscription_request(*, email: str, country: str) -> Subscription:
    """Ask for updates about a country; an e-mail with a confirmation link is sent."""
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError:
        raise EditorialError("enter a valid e-mail address", "email") from None
    country_obj = Country.objects.filter(iso3=(country or "").upper()).first()
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
    sub = Subscription.objects.filter(token=token).select_related("country").first()
    if sub is not None and sub.confirmed_at is None:
        sub.confirmed_at = timezone.now()
        sub.save(update_fields=["confirmed_at"])
    return sub


def subscription_cancel(*, token: str) -> bool:
    deleted, _ = Subscription.objects.filter(token=token).delete()
    return bool(deleted)


# --- API tokens ---------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str) -> tuple[ApiToken, str]:
    """A new personal token; the secret is returned once and only its digest is kept."""
    _require(role_of(user) >= Role.RESEARCHER, "only researchers and editors use the write API")
    name = " ".join((name or "").split())
    if not name:
        raise EditorialError("give the token a name", "name")
    secret = "mon_" + secrets.token_urlsafe(30)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=secret[:10], digest=_digest(secret)
    )
    return token, secret


def api_token_revoke(*, user, token_id: int) -> None:
    updated = ApiToken.objects.filter(pk=token_id, user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    if not updated:
        raise EditorialError("no such active token", "token")


def api_token_user(secret: str):
    """The active user owning `secret`, or None."""
    if not secret:
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
    """Freeze an edition: from now on its figures never change (corrections become errata)."""
    edition = Edition.objects.select_for_update().filter(name=" ".join(name.split())).first()
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


__all__ = [
    "EditorialError",
    "NotAllowed",
    "TransitionError",
]
