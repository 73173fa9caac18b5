"""The editorial back office and the accounts pages (English only, never cached).

Views parse input, call a service (writes, with every permission check) or a selector
(reads) and render. A service's `EditorialError` is shown next to the offending field;
`NotAllowed` becomes a 403 page; a proposal the user may not see is a 404.
"""

from __future__ import annotations

from base64 import b32encode
from functools import wraps

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.cache import add_never_cache_headers
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django_otp.plugins.otp_totp.models import TOTPDevice

from monitor.audit.selectors import audit_for_country, audit_for_object, audit_for_proposal
from monitor.countries.models import Country
from monitor.editorial import narrative as nar
from monitor.editorial import selectors as sel
from monitor.editorial import services
from monitor.editorial.forms import (
    AssignmentForm,
    LoginForm,
    MessageForm,
    NarrativeProposalForm,
    RecordProposalForm,
    RoleForm,
    TokenCreateForm,
    TotpConfirmForm,
    TotpDisableForm,
    UserCreateForm,
    record_initial,
    source_choices,
)
from monitor.editorial.models import ApiToken, Assignment, Proposal
from monitor.editorial.roles import Role, role_of
from monitor.editorial.services import EditorialError, TransitionError
from monitor.research.themes import THEMES

# --- helpers -------------------------------------------------------------------------------


def _role_context(user) -> dict:
    """What the editorial navigation needs to know about the user."""
    role = role_of(user)
    return {
        "role": role.group if role != Role.NONE else "",
        "is_editor": role >= Role.EDITOR,
        "is_admin": role >= Role.ADMINISTRATOR,
    }


def _render(request, template: str, context: dict | None = None, status: int = 200):
    response = render(
        request, template, {**_role_context(request.user), **(context or {})}, status=status
    )
    add_never_cache_headers(response)
    return response


def _forbidden(request, message: str):
    return _render(request, "editorial/forbidden.html", {"message": message}, status=403)


def editorial_view(min_role: Role = Role.VIEWER, methods: tuple[str, ...] = ("GET", "POST")):
    """Sign-in required (else a redirect to the sign-in page), a minimum role (else 403),
    the allowed methods, and a 403 page for the services' `NotAllowed`."""

    def decorate(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if request.method not in methods:
                return HttpResponseNotAllowed(methods)
            if role_of(request.user) < min_role:
                return _forbidden(
                    request, f"This page is for {min_role.group}s and above; ask an administrator."
                )
            try:
                return view(request, *args, **kwargs)
            except PermissionDenied as exc:
                return _forbidden(request, str(exc) or "You may not do this.")

        return wrapped

    return decorate


def _int_or_404(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise Http404("Not a number.") from None


# --- accounts ------------------------------------------------------------------------------


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return settings.LOGIN_REDIRECT_URL


@sensitive_post_parameters("password", "otp_token")
@csrf_protect
@never_cache
def login_view(request):
    """Username and password through `authenticate(request=...)`, so django-axes counts
    failures and locks out; plus the TOTP code for accounts with two-factor sign-in."""
    next_url = _safe_next(request)
    if request.method == "GET" and request.user.is_authenticated:
        return redirect(next_url)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        username = form.cleaned_data["username"]
        user = authenticate(request, username=username, password=form.cleaned_data["password"])
        if user is None:
            form.add_error(None, "Wrong username or password (both are case-sensitive).")
        else:
            token = form.cleaned_data["otp_token"].strip().replace(" ", "")
            with transaction.atomic():
                devices = list(django_otp.devices_for_user(user, confirmed=True, for_verify=True))
                device = next((d for d in devices if token and d.verify_token(token)), None)
            if devices and device is None:
                form.require_code()
                if token:
                    # A wrong code counts as a failed sign-in, like a wrong password.
                    user_login_failed.send(
                        sender=__name__, credentials={"username": username}, request=request
                    )
                    form.add_error("otp_token", "This code is not valid; use the current one.")
                else:
                    form.add_error(
                        "otp_token", "This account uses two-factor sign-in: enter the code."
                    )
            else:
                auth_login(request, user)
                if device is not None:
                    django_otp.login(request, device)
                return redirect(next_url)
    return _render(request, "editorial/login.html", {"form": form, "next": next_url})


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]
    next_page = reverse_lazy("web:home")


class _RoleContextMixin:
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), **_role_context(self.request.user)}


@method_decorator(sensitive_post_parameters(), name="dispatch")
class PasswordChangeView(_RoleContextMixin, auth_views.PasswordChangeView):
    template_name = "editorial/password_change.html"
    success_url = reverse_lazy("accounts:password-changed")


class PasswordChangeDoneView(_RoleContextMixin, auth_views.PasswordChangeDoneView):
    template_name = "editorial/password_changed.html"


def _profile(request, *, token_form=None, new_secret: str = "", status: int = 200):
    user = request.user
    role = role_of(user)
    return _render(
        request,
        "editorial/profile.html",
        {
            "account": user,
            "assignments": Assignment.objects.filter(user=user).select_related("country"),
            "can_use_tokens": role >= Role.RESEARCHER,
            "tokens": ApiToken.objects.filter(user=user),
            "token_form": token_form or TokenCreateForm(),
            "new_secret": new_secret,
            "two_factor_offered": role >= Role.EDITOR,
            "two_factor_on": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        },
        status=status,
    )


@editorial_view(Role.NONE, methods=("GET",))
def profile(request):
    return _profile(request)


@editorial_view(Role.NONE, methods=("POST",))
def token_create(request):
    form = TokenCreateForm(request.POST)
    if form.is_valid():
        try:
            _token, secret = services.api_token_create(
                user=request.user, name=form.cleaned_data["name"]
            )
        except EditorialError as exc:
            form.add_error("name", str(exc))
        else:
            # Shown in this response only: the database keeps its digest.
            return _profile(request, new_secret=secret)
    return _profile(request, token_form=form)


@editorial_view(Role.NONE, methods=("POST",))
def token_revoke(request, token_id: int):
    try:
        services.api_token_revoke(user=request.user, token_id=token_id)
    except EditorialError as exc:
        messages.error(request, str(exc).capitalize())
    else:
        messages.success(request, "The token is revoked: it no longer works.")
    return redirect("accounts:profile")


@editorial_view(Role.EDITOR)
def two_factor(request):
    """Set up TOTP: an unconfirmed device, its otpauth URI as a QR code, then a code."""
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return _render(
            request, "editorial/two_factor.html", {"enabled": True, "form": TotpDisableForm()}
        )
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    form = TotpConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"].strip().replace(" ", "")):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            django_otp.login(request, device)
            messages.success(request, "Two-factor sign-in is on: you will be asked for a code.")
            return redirect("accounts:profile")
        form.add_error("token", "This code is not valid; check the time on your phone.")
    uri = device.config_url
    return _render(
        request,
        "editorial/two_factor.html",
        {
            "enabled": False,
            "form": form,
            "uri": uri,
            "secret": b32encode(device.bin_key).decode(),
            # segno writes the SVG itself (no user input reaches it but the URI, escaped).
            "qr_svg": mark_safe(
                segno.make(uri, error="m").svg_inline(scale=4, title="Set-up QR code")
            ),
        },
    )


@editorial_view(Role.EDITOR, methods=("POST",))
def two_factor_disable(request):
    form = TotpDisableForm(request.POST)
    if form.is_valid() and request.user.check_password(form.cleaned_data["password"]):
        TOTPDevice.objects.filter(user=request.user).delete()
        messages.success(request, "Two-factor sign-in is off.")
        return redirect("accounts:profile")
    if form.is_valid():
        form.add_error("password", "Wrong password.")
    return _render(request, "editorial/two_factor.html", {"enabled": True, "form": form})


# --- dashboard and queue -------------------------------------------------------------------


@editorial_view(Role.VIEWER, methods=("GET",))
def dashboard(request):
    name = request.GET.get("edition", "").strip()
    edition = sel.open_edition_get(name) if name else services.default_edition()
    scope = sel.dashboard_scope(request.user)
    return _render(
        request,
        "editorial/dashboard.html",
        {
            "edition": edition,
            "editions": sel.open_editions(),
            "checklists": sel.completeness(scope, edition) if edition else [],
            "scope_empty": not scope,
            "my_proposals": sel.proposals_by_state(request.user),
            "can_propose": role_of(request.user) >= Role.RESEARCHER,
            "queue_count": sel.queue().count() if role_of(request.user) >= Role.EDITOR else 0,
        },
    )


@editorial_view(Role.EDITOR, methods=("GET",))
def queue(request):
    return _render(
        request,
        "editorial/queue.html",
        {"proposals": sel.queue(), "counts": sel.queue_counts()},
    )


# --- team ----------------------------------------------------------------------------------


def _team(request, *, create_form=None, assignment_form=None, status: int = 200):
    assignment_form = assignment_form or AssignmentForm(
        countries=sel.countries_for_select(), researchers=sel.researchers_for_select()
    )
    return _render(
        request,
        "editorial/team.html",
        {
            "members": sel.team(),
            "create_form": create_form or UserCreateForm(),
            "assignment_form": assignment_form,
            "role_choices": RoleForm.base_fields["role"].choices,
        },
        status=status,
    )


@editorial_view(Role.ADMINISTRATOR)
def team(request):
    if request.method == "GET":
        return _team(request)
    form = UserCreateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                actor=request.user,
                username=data["username"],
                email=data["email"],
                role=data["role"],
                password=data["password"] or None,
            )
        except EditorialError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"Account {user.username} created ({data['role']}).")
            return redirect("editorial:team")
    return _team(request, create_form=form)


@editorial_view(Role.ADMINISTRATOR, methods=("POST",))
def team_role(request, user_id: int):
    member = get_object_or_404(get_user_model(), pk=user_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose a role.")
    else:
        try:
            services.user_role_set(actor=request.user, user=member, role=form.cleaned_data["role"])
        except EditorialError as exc:
            messages.error(request, f"{exc.field or 'Role'}: {exc}")
        else:
            messages.success(request, f"{member.username} is now {form.cleaned_data['role']}.")
    return redirect("editorial:team")


@editorial_view(Role.ADMINISTRATOR, methods=("POST",))
def team_assignment_add(request):
    form = AssignmentForm(
        request.POST,
        countries=sel.countries_for_select(),
        researchers=sel.researchers_for_select(),
    )
    if form.is_valid():
        member = get_user_model().objects.get(pk=form.cleaned_data["user"])
        try:
            assignment = services.assignment_add(
                actor=request.user,
                user=member,
                country=form.cleaned_data["country"],
                theme=form.cleaned_data["theme"],
            )
        except EditorialError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, str(exc))
        else:
            messages.success(request, f"{member.username} is assigned to {assignment.country}.")
            return redirect("editorial:team")
    return _team(request, assignment_form=form)


@editorial_view(Role.ADMINISTRATOR, methods=("POST",))
def team_assignment_remove(request, assignment_id: int):
    assignment = get_object_or_404(
        Assignment.objects.select_related("user", "country"), pk=assignment_id
    )
    services.assignment_remove(actor=request.user, assignment=assignment)
    messages.success(request, f"Assignment removed: {assignment}.")
    return redirect("editorial:team")


# --- proposals: the forms ------------------------------------------------------------------


def _editions() -> list[str]:
    return [e.name for e in sel.open_editions()]


def _record_form(request, *, theme: str, initial: dict, data=None) -> RecordProposalForm:
    return RecordProposalForm(
        data,
        initial=initial,
        theme=THEMES[theme],
        editions=_editions(),
        sources=source_choices(),
    )


def _save(request, write, form):
    """Run `write()` (create or update, then submit if asked) atomically; on a problem the
    form shows it and nothing is kept. Returns the proposal or None."""
    try:
        with transaction.atomic():
            proposal = write()
            if "submit" in request.POST:
                proposal = services.proposal_submit(actor=request.user, proposal=proposal)
    except EditorialError as exc:
        form.add_problems(exc.problems)
        return None
    except TransitionError as exc:
        form.add_error(None, str(exc))
        return None
    messages.success(
        request,
        f"Proposal #{proposal.pk} "
        + ("submitted for review." if "submit" in request.POST else "saved as a draft."),
    )
    return proposal


def _form_page(request, form, *, country, title: str, proposal=None, target=None, extra=None):
    return _render(
        request,
        "editorial/proposal_form.html",
        {
            "form": form,
            "country": country,
            "title": title,
            "proposal": proposal,
            "target": target,
            "cited_sources": sel.country_source_keys(country.iso3)
            if form.kind == "narrative"
            else [],
            **(extra or {}),
        },
    )


@editorial_view(Role.VIEWER)
def proposal_new(request):
    """A figure (?country=AFG&theme=casualties[&target=ID]) or a narrative section
    (?country=AFG&section=impact) proposal; without theme or section, a chooser."""
    country = get_object_or_404(Country, iso3=request.GET.get("country", "").strip().upper())
    theme = request.GET.get("theme", "").strip()
    section = request.GET.get("section", "").strip()
    user = request.user
    if theme:
        if theme not in services.PROPOSABLE_THEMES:
            raise Http404("No such theme.")
        return _new_record(request, country, theme)
    if section:
        if section not in dict(nar.SECTIONS):
            raise Http404("No such section.")
        return _new_narrative(request, country, section)
    if not services.can_propose(user, country.iso3):
        raise PermissionDenied(f"You are not assigned to {country.name}.")
    return _render(
        request,
        "editorial/proposal_choose.html",
        {
            "country": country,
            "themes": [
                (n, THEMES[n].label)
                for n in services.PROPOSABLE_THEMES
                if services.can_propose(user, country.iso3, n)
            ],
            "sections": nar.SECTIONS if services.can_propose_narrative(user, country.iso3) else (),
        },
    )


def _new_record(request, country, theme: str):
    user = request.user
    if not services.can_propose(user, country.iso3, theme):
        raise PermissionDenied(f"You are not assigned to {country.name} ({THEMES[theme].label}).")
    target = None
    if request.GET.get("target"):
        target = (
            THEMES[theme]
            .model.objects.select_related("edition", "source")
            .filter(pk=_int_or_404(request.GET["target"]), country=country)
            .first()
        )
        if target is None:
            raise Http404("No such record for this country.")
    edition = services.default_edition(theme, target.pk if target else None)
    initial = {"edition": edition.name if edition else ""}
    if target is not None:
        initial |= record_initial(services.record_cells(theme, target), correction=True)
    form = _record_form(request, theme=theme, initial=initial, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proposal = _save(
            request,
            lambda: services.proposal_create(
                author=user,
                country=country.iso3,
                kind=Proposal.Kind.RECORD,
                edition=data["edition"],
                theme=theme,
                target_id=target.pk if target else None,
                payload=form.payload(country.iso3),
                new_source=form.submitted_new_source(),
                reason=data["reason"],
            ),
            form,
        )
        if proposal is not None:
            return redirect("editorial:proposal-detail", pk=proposal.pk)
    title = (
        f"Correct a figure: {THEMES[theme].label}, {country.name}"
        if target
        else f"Propose a new figure: {THEMES[theme].label}, {country.name}"
    )
    return _form_page(request, form, country=country, title=title, target=target)


def _new_narrative(request, country, section: str):
    user = request.user
    if not services.can_propose_narrative(user, country.iso3):
        raise PermissionDenied(
            f"Profile sections need an assignment to all of {country.name}, every theme."
        )
    edition = services.default_edition()
    current = sel.current_narrative(country.iso3, edition, section)
    initial = {
        "section": section,
        "edition": edition.name if edition else "",
        "body": current.body if current else "",
    }
    form = NarrativeProposalForm(request.POST or None, initial=initial, editions=_editions())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        proposal = _save(
            request,
            lambda: services.proposal_create(
                author=user,
                country=country.iso3,
                kind=Proposal.Kind.NARRATIVE,
                edition=data["edition"],
                section=data["section"],
                body=data["body"],
                new_source=form.new_source(),
                reason=data["reason"],
            ),
            form,
        )
        if proposal is not None:
            return redirect("editorial:proposal-detail", pk=proposal.pk)
    title = f"Propose a text: {dict(nar.SECTIONS)[section]}, {country.name}"
    return _form_page(request, form, country=country, title=title)


def _proposal_initial(proposal: Proposal) -> dict:
    initial = {
        "edition": proposal.edition.name,
        "reason": proposal.reason,
        **{f"src_{k}": v for k, v in (proposal.new_source or {}).items()},
    }
    if proposal.kind == Proposal.Kind.RECORD:
        initial |= record_initial(dict(proposal.payload or {}), correction=False)
        if proposal.new_source and not initial.get("source"):
            initial["source"] = services.NEW_SOURCE_KEY
    else:
        initial |= {"section": proposal.section, "body": proposal.body}
    return initial


@editorial_view(Role.VIEWER)
def proposal_edit(request, pk: int):
    proposal = sel.proposal_get_for_user(request.user, pk)
    if "edit" not in sel.proposal_actions(request.user, proposal):
        raise PermissionDenied(
            "Only its author can edit a proposal, while it is a draft or sent back for changes."
        )
    initial = _proposal_initial(proposal)
    data = request.POST or None
    if proposal.kind == Proposal.Kind.RECORD:
        form = _record_form(request, theme=proposal.theme, initial=initial, data=data)
    else:
        form = NarrativeProposalForm(data, initial=initial, editions=_editions())
    if request.method == "POST" and form.is_valid():
        cleaned = form.cleaned_data
        changes = {"edition": cleaned["edition"], "reason": cleaned["reason"]}
        if proposal.kind == Proposal.Kind.RECORD:
            changes |= {
                "payload": form.payload(proposal.country_id),
                "new_source": form.submitted_new_source(),
            }
        else:
            changes |= {
                "section": cleaned["section"],
                "body": cleaned["body"],
                "new_source": form.new_source(),
            }
        saved = _save(
            request,
            lambda: services.proposal_update(actor=request.user, proposal=proposal, **changes),
            form,
        )
        if saved is not None:
            return redirect("editorial:proposal-detail", pk=saved.pk)
    target = (
        THEMES[proposal.theme].model.objects.filter(pk=proposal.target_id).first()
        if proposal.target_id
        else None
    )
    return _form_page(
        request,
        form,
        country=proposal.country,
        title=f"Edit proposal #{proposal.pk}: {proposal.subject}, {proposal.country.name}",
        proposal=proposal,
        target=target,
    )


# --- proposals: review ---------------------------------------------------------------------

#: Workflow actions posted from the proposal page: url name -> (service, form label, help).
_ACTIONS = {
    "submit": ("submit", "Note for the editor (optional)", ""),
    "withdraw": ("withdraw", "", ""),
    "comment": ("comment", "Comment", ""),
    "request-changes": (
        "request_changes",
        "What should change (required)",
        "Sent to the author by e-mail.",
    ),
    "approve": ("approve", "Note (optional)", "Approving publishes the change at once."),
    "reject": ("reject", "Why it is rejected (required)", "Sent to the author by e-mail."),
}


def _message_forms(bound: MessageForm | None = None) -> dict[str, MessageForm]:
    forms = {}
    for action, label, help_text in _ACTIONS.values():
        if bound is not None and bound.action == action:
            forms[action] = bound
        else:
            forms[action] = MessageForm(action=action, label=label, help_text=help_text)
    return forms


def _detail(request, proposal: Proposal, *, bound=None, errors=(), status: int = 200):
    actions = sel.proposal_actions(request.user, proposal)
    context = {
        "proposal": proposal,
        "state_label": sel.state_label(proposal.state),
        "actions": actions,
        "forms": _message_forms(bound),
        "errors": list(errors),
        "events": sel.proposal_events(proposal),
        "sources": sel.proposal_sources(proposal),
        "audit": sel.audit_rows(audit_for_proposal(proposal.pk).select_related("actor")),
        "published": proposal.state == "published",
    }
    if proposal.kind == Proposal.Kind.RECORD:
        context["figure"] = sel.figure_diff(proposal)
        context["theme"] = THEMES[proposal.theme]
        if proposal.applied_id:
            context["applied_audit_url"] = reverse(
                "editorial:audit-object",
                args=[THEMES[proposal.theme].model._meta.label_lower, proposal.applied_id],
            )
    else:
        diff = sel.narrative_diff(proposal)
        context["narrative"] = diff
        # Both are safe by construction: the diff escapes every word, and the rendering
        # is Markdown without raw HTML, cleaned by nh3 (monitor.editorial.narrative).
        context["diff_html"] = mark_safe(diff.diff_html)
        context["rendered_html"] = mark_safe(diff.rendered_html)
        if proposal.applied_id:
            context["applied_audit_url"] = reverse(
                "editorial:audit-object", args=["editorial.narrativesection", proposal.applied_id]
            )
    return _render(request, "editorial/proposal_detail.html", context, status=status)


@editorial_view(Role.VIEWER, methods=("GET",))
def proposal_detail(request, pk: int):
    return _detail(request, sel.proposal_get_for_user(request.user, pk))


@editorial_view(Role.VIEWER, methods=("POST",))
def proposal_action(request, pk: int, action: str):
    if action not in _ACTIONS:
        raise Http404("No such action.")
    proposal = sel.proposal_get_for_user(request.user, pk)
    name, label, help_text = _ACTIONS[action]
    form = MessageForm(request.POST, action=name, label=label, help_text=help_text)
    form.is_valid()
    message = form.cleaned_data.get("message", "")
    actor = request.user
    calls = {
        "submit": lambda: services.proposal_submit(actor=actor, proposal=proposal, message=message),
        "withdraw": lambda: services.proposal_withdraw(actor=actor, proposal=proposal),
        "comment": lambda: services.proposal_comment(
            actor=actor, proposal=proposal, message=message
        ),
        "request_changes": lambda: services.proposal_request_changes(
            actor=actor, proposal=proposal, message=message
        ),
        "approve": lambda: services.proposal_approve(
            actor=actor, proposal=proposal, message=message
        ),
        "reject": lambda: services.proposal_reject(actor=actor, proposal=proposal, message=message),
    }
    try:
        calls[name]()
    except EditorialError as exc:
        errors = []
        for field, text in exc.problems:
            if field == "message":
                form.add_error("message", text)
            else:
                errors.append(f"{field}: {text}" if field else text)
        return _detail(request, proposal, bound=form, errors=errors)
    except TransitionError as exc:
        messages.error(request, str(exc).capitalize() + ".")
        return redirect("editorial:proposal-detail", pk=proposal.pk)
    done = {
        "submit": "Submitted for review: the editors are notified.",
        "withdraw": "Withdrawn: it is a draft again.",
        "comment": "Comment added.",
        "request_changes": "Sent back to the author for changes.",
        "approve": "Approved and published.",
        "reject": "Rejected.",
    }
    messages.success(request, done[name])
    return redirect("editorial:proposal-detail", pk=proposal.pk)


# --- audit ---------------------------------------------------------------------------------


@editorial_view(Role.EDITOR, methods=("GET",))
def audit_country(request, iso3: str):
    country = get_object_or_404(Country, iso3=iso3.upper())
    return _render(
        request,
        "editorial/audit.html",
        {
            "heading": f"Audit trail: {country.name}",
            "country": country,
            "rows": sel.audit_rows(audit_for_country(country.iso3)),
        },
    )


@editorial_view(Role.EDITOR, methods=("GET",))
def audit_object(request, object_type: str, object_id: str):
    entries = list(audit_for_object(object_type, object_id).select_related("actor"))
    label = entries[0].object_label if entries else f"{object_type} #{object_id}"
    return _render(
        request,
        "editorial/audit.html",
        {
            "heading": f"Audit trail: {label}",
            "object_type": object_type,
            "object_id": object_id,
            "rows": sel.audit_rows(entries),
        },
    )
