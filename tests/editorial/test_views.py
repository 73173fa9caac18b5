"""The back office's forms: bad input is shown next to its field and nothing is written;
sign-in with django-axes lockout and TOTP; personal API tokens; narrative previews escape
what writers type."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from monitor.countries.models import Country
from monitor.editorial import services
from monitor.editorial.models import ApiToken, Proposal
from monitor.research.models import Edition, Source

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-enough-passphrase-31"
NEW_FIGURE_URL = "/editorial/proposals/new/?country=AFG&theme=casualties"
NEW_SECTION_URL = "/editorial/proposals/new/?country=AFG&section=impact"
FIGURE = {
    "data_year": "2023",
    "scope": "mines_erw",
    "total": "10",
    "source": "lm2024",
    "edition": "Landmine Monitor 2024",
    "reason": "From the 2024 report.",
}
SECTION = {
    "section": "impact",
    "body": "Casualties fell in 2023 [@lm2024, p. 12].",
    "edition": "Landmine Monitor 2024",
    "reason": "New text for the 2024 profile.",
}


@pytest.fixture
def base(db):
    Country.objects.create(iso3="AFG", name="Afghanistan")
    Country.objects.create(iso3="COL", name="Colombia")
    Edition.objects.create(name="Landmine Monitor 2024", report_year=2024)
    Source.objects.create(key="lm2024", title="Landmine Monitor 2024", url="https://example.org/lm")


@pytest.fixture
def researcher(base):
    user = services.user_create(
        actor=None, username="rita", email="rita@example.org", role="researcher"
    )
    services.assignment_add(actor=None, user=user, country="AFG")
    return user


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _editor(username="eddie", password=None):
    return services.user_create(
        actor=None,
        username=username,
        email=f"{username}@example.org",
        role="editor",
        password=password,
    )


def _error_next_to(html: str, field: str, message: str) -> bool:
    """The message is in the error list Django renders beside the field (id_<field>_error)."""
    start = html.find(f'id="id_{field}_error"')
    if start < 0:
        return False
    end = html.find("</ul>", start)
    return message in html[start:end]


# --- bad input: nothing written, the error beside its field ---------------------------------

BAD_FIGURES = [
    ("missing-reason", {"reason": ""}, "reason", "Say why"),
    ("unknown-source-key", {"source": "no-such-source"}, "source", "Select a valid choice"),
    ("non-numeric-total", {"total": "many"}, "total", "expected a whole number"),
    ("negative-number", {"total": "-3"}, "total", "must not be negative"),
    ("text-in-a-year", {"data_year": "last year"}, "data_year", "expected a whole number"),
    ("year-out-of-range", {"data_year": "1850"}, "data_year", "between 1990 and 2100"),
    ("bad-choice", {"scope": "everything"}, "scope", "Select a valid choice"),
    (
        "new-source-without-title",
        {"source": "new", "src_url": "https://x.org"},
        "src_title",
        "title",
    ),
    (
        "new-source-bad-url",
        {"source": "new", "src_title": "A report", "src_url": "not a link"},
        "src_url",
        "valid URL",
    ),
    ("killed-more-than-total", {"killed": "20"}, None, ""),
]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [pytest.param(c, f, m, id=name) for name, c, f, m in BAD_FIGURES],
)
@pytest.mark.parametrize("button", ["save", "submit"])
def test_bad_figure_is_shown_next_to_its_field_and_nothing_is_written(
    researcher, change, field, message, button
):
    client = _client(researcher)
    response = client.post(NEW_FIGURE_URL, {**FIGURE, **change, button: "1"})
    assert response.status_code == 200
    html = response.content.decode()
    if field is None:  # a check across fields: reported, on one of them or above the form
        assert "There is a problem" in html
    else:
        assert _error_next_to(html, field, message), html[html.find("<main") :][:4000]
        assert 'aria-invalid="true"' in html
    assert Proposal.objects.count() == 0
    if field in ("total", "data_year"):  # what was typed is kept, for correction
        assert f'value="{change[field]}"' in html


def test_a_valid_figure_is_saved_as_a_draft(researcher):
    response = _client(researcher).post(NEW_FIGURE_URL, {**FIGURE, "save": "1"})
    proposal = Proposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/editorial/proposals/{proposal.pk}/"
    assert proposal.state == "draft"
    assert proposal.payload["total"] == "10" and proposal.payload["source"] == "lm2024"


def test_submit_that_fails_keeps_no_draft(researcher):
    """Save-and-submit is one step: when submission fails the draft is not kept either."""
    response = _client(researcher).post(NEW_FIGURE_URL, {**FIGURE, "reason": "   ", "submit": "1"})
    assert response.status_code == 200
    assert Proposal.objects.count() == 0


BAD_SECTIONS = [
    ("unknown-source", {"body": "Text [@no-such-source]."}, "body", "cites unknown source"),
    ("no-citation", {"body": "Text without a source."}, "body", "cites no source"),
    ("empty", {"body": ""}, "body", "required"),
    ("missing-reason", {"reason": ""}, "reason", "Say why"),
    ("cites-new-without-source", {"body": "Text [@new]."}, "src_title", "new source"),
    ("frozen-or-unknown-edition", {"edition": "Landmine Monitor 1999"}, "edition", "valid choice"),
]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [pytest.param(c, f, m, id=name) for name, c, f, m in BAD_SECTIONS],
)
def test_bad_section_is_shown_next_to_its_field_and_nothing_is_written(
    researcher, change, field, message
):
    response = _client(researcher).post(NEW_SECTION_URL, {**SECTION, **change, "save": "1"})
    assert response.status_code == 200
    assert _error_next_to(response.content.decode(), field, message)
    assert Proposal.objects.count() == 0


XSS = (
    "<script>alert('x')</script> <img src=x onerror=alert(1)> "
    "[click](javascript:alert(1)) Casualties fell [@lm2024]."
)


def test_xss_in_a_rejected_section_is_escaped_in_the_form(researcher):
    body = XSS.replace("[@lm2024]", "[@unknown-key]")
    response = _client(researcher).post(NEW_SECTION_URL, {**SECTION, "body": body, "save": "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert Proposal.objects.count() == 0


def test_xss_in_a_section_is_escaped_in_the_preview_and_the_diff(researcher):
    response = _client(researcher).post(NEW_SECTION_URL, {**SECTION, "body": XSS, "save": "1"})
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    page = _client(researcher).get(f"/editorial/proposals/{proposal.pk}/")
    html = page.content.decode()
    assert "<script>alert" not in html
    assert "<img src=x" not in html
    assert 'href="javascript:' not in html
    preview = str(page.context["rendered_html"])
    assert "&lt;script&gt;" in preview  # shown as text, not run
    assert '<sup class="fnref"' in preview and "Landmine Monitor 2024" in preview
    assert "&lt;script&gt;" in str(page.context["diff_html"])


def test_a_section_is_prefilled_from_the_published_text(researcher):
    editor = _editor()
    proposal = services.proposal_create(
        author=researcher,
        country="AFG",
        kind="narrative",
        **{k: v for k, v in SECTION.items() if k != "edition"},
    )
    services.proposal_submit(actor=researcher, proposal=proposal)
    services.proposal_approve(actor=editor, proposal=proposal)
    response = _client(researcher).get(NEW_SECTION_URL)
    assert response.context["form"]["body"].value() == SECTION["body"]
    assert "lm2024" in response.content.decode()  # the country's cited sources are listed


# --- review actions ----------------------------------------------------------------------


@pytest.fixture
def submitted(researcher):
    proposal = services.proposal_create(
        author=researcher,
        country="AFG",
        kind="record",
        theme="casualties",
        payload={k: v for k, v in FIGURE.items() if k not in ("edition", "reason")},
        reason=FIGURE["reason"],
    )
    return services.proposal_submit(actor=researcher, proposal=proposal)


@pytest.mark.parametrize("action", ["request-changes", "reject"])
def test_a_decision_without_its_message_is_refused_beside_the_message(submitted, action):
    client = _client(_editor())
    response = client.post(f"/editorial/proposals/{submitted.pk}/{action}/", {"message": " "})
    assert response.status_code == 200
    field = action.replace("-", "_") + "_message"
    assert 'id="id_' + field + '_error"' in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_changes_requested_then_edited_and_resubmitted(submitted, researcher):
    editor = _client(_editor())
    editor.post(
        f"/editorial/proposals/{submitted.pk}/request-changes/", {"message": "Give the page."}
    )
    author = _client(researcher)
    page = author.get(f"/editorial/proposals/{submitted.pk}/")
    assert "Give the page." in page.content.decode()
    assert "edit" in page.context["actions"]
    form = author.get(f"/editorial/proposals/{submitted.pk}/edit/")
    assert form.status_code == 200
    assert form.context["form"]["total"].value() == "10"
    response = author.post(
        f"/editorial/proposals/{submitted.pk}/edit/",
        {**FIGURE, "total": "11", "reason": "Page 12 of the report.", "submit": "1"},
    )
    assert response.status_code == 302
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    assert submitted.payload["total"] == "11"
    assert [e.action for e in submitted.events.all()] == [
        "created",
        "submit",
        "request_changes",
        "edit",
        "submit",
    ]


def test_approving_twice_says_why_and_changes_nothing(submitted):
    client = _client(_editor())
    assert client.post(f"/editorial/proposals/{submitted.pk}/approve/").status_code == 302
    response = client.post(f"/editorial/proposals/{submitted.pk}/approve/", follow=True)
    assert "cannot approve a proposal that is published" in response.content.decode().lower()


def test_an_editor_cannot_approve_their_own_proposal(base):
    editor = _editor()
    proposal = services.proposal_create(
        author=editor,
        country="AFG",
        kind="record",
        theme="casualties",
        payload={k: v for k, v in FIGURE.items() if k not in ("edition", "reason")},
        reason="Mine.",
    )
    services.proposal_submit(actor=editor, proposal=proposal)
    page = _client(editor).get(f"/editorial/proposals/{proposal.pk}/")
    assert "approve" not in page.context["actions"]
    response = _client(editor).post(f"/editorial/proposals/{proposal.pk}/approve/")
    assert response.status_code == 403
    assert "own proposal" in response.content.decode()


# --- the dashboard --------------------------------------------------------------------------


def test_dashboard_queries_do_not_grow_with_countries(base, researcher):
    client = _client(researcher)
    client.get("/editorial/")  # warm up (session, content types)
    with CaptureQueriesContext(connection) as one:
        assert client.get("/editorial/").status_code == 200
    for iso3 in ("COL", "AGO", "BIH"):
        Country.objects.get_or_create(iso3=iso3, defaults={"name": iso3})
        services.assignment_add(actor=None, user=researcher, country=iso3)
    with CaptureQueriesContext(connection) as four:
        response = client.get("/editorial/")
    assert len(response.context["checklists"]) == 4
    assert len(four.captured_queries) == len(one.captured_queries)


def test_dashboard_checklist_marks_what_is_missing(researcher, submitted):
    response = _client(researcher).get("/editorial/")
    [checklist] = response.context["checklists"]
    assert checklist.country.iso3 == "AFG"
    assert not any(t.done for t in checklist.themes)  # nothing published yet
    assert len(checklist.sections) == 5 and checklist.writes_sections
    groups = dict(response.context["my_proposals"])
    assert [p.pk for p in groups["Submitted"]] == [submitted.pk]


def test_dashboard_rejects_an_unknown_edition(researcher):
    assert _client(researcher).get("/editorial/?edition=Nope").status_code == 404


def test_a_theme_assignment_does_not_cover_narrative_sections(base):
    user = services.user_create(actor=None, username="tess", role="researcher")
    services.assignment_add(actor=None, user=user, country="AFG", theme="casualties")
    client = _client(user)
    assert client.get(NEW_FIGURE_URL).status_code == 200
    assert client.get(NEW_SECTION_URL).status_code == 403
    assert client.get("/editorial/proposals/new/?country=AFG&theme=stockpiles").status_code == 403


# --- team page ------------------------------------------------------------------------------


def test_team_create_user_errors_beside_fields(base):
    admin = services.user_create(actor=None, username="ada", role="administrator")
    client = _client(admin)
    response = client.post("/editorial/team/", {"username": "ADA", "role": "viewer"})
    assert response.status_code == 200
    assert _error_next_to(response.content.decode(), "username", "is taken")
    response = client.post(
        "/editorial/team/", {"username": "bob", "role": "viewer", "password": "123"}
    )
    assert _error_next_to(response.content.decode(), "password", "too short")
    assert not get_user_model().objects.filter(username="bob").exists()


def test_team_assignment_only_for_researchers_and_removal_is_audited(base):
    admin = services.user_create(actor=None, username="ada", role="administrator")
    viewer = services.user_create(actor=None, username="vic", role="viewer")
    client = _client(admin)
    response = client.post(
        "/editorial/team/assignments/", {"user": viewer.pk, "country": "AFG", "theme": ""}
    )
    assert response.status_code == 200  # vic is not offered: only researchers are
    assert _error_next_to(response.content.decode(), "assign_user", "valid choice")
    rita = services.user_create(actor=None, username="rita", role="researcher")
    client.post("/editorial/team/assignments/", {"user": rita.pk, "country": "AFG", "theme": ""})
    assignment = rita.assignments.get()
    response = client.post(f"/editorial/team/assignments/{assignment.pk}/remove/")
    assert response.status_code == 302
    assert not rita.assignments.exists()
    from monitor.audit.models import AuditEntry

    entry = AuditEntry.objects.filter(object_type="editorial.assignment").first()
    assert entry.action == "delete" and entry.before["user"] == "rita"


# --- sign-in ------------------------------------------------------------------------------


def _login(client, username, password, otp_token=""):
    return client.post(
        "/accounts/login/", {"username": username, "password": password, "otp_token": otp_token}
    )


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_sign_in_with_a_wrong_password_says_so(base):
    _editor(password=PASSWORD)
    client = Client()
    response = _login(client, "eddie", "wrong")
    assert response.status_code == 200
    assert "Wrong username or password" in response.content.decode()
    assert not _signed_in(client)


def test_axes_locks_out_after_five_bad_passwords(base):
    _editor(password=PASSWORD)
    client = Client()
    statuses = [_login(client, "eddie", f"wrong-{n}").status_code for n in range(5)]
    assert statuses[:4] == [200] * 4
    assert statuses[4] == 429  # the fifth failure locks
    response = _login(client, "eddie", PASSWORD)  # even the right password now
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.content.decode()
    assert not _signed_in(client)


def test_sign_in_redirects_only_to_this_site(base):
    _editor(password=PASSWORD)
    client = Client()
    response = client.post(
        "/accounts/login/",
        {"username": "eddie", "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response.status_code == 302 and response["Location"] == "/editorial/"


def test_sign_out_is_post_only(base):
    client = _client(_editor())
    assert client.get("/accounts/logout/").status_code == 405
    assert _signed_in(client)
    assert client.post("/accounts/logout/").status_code == 302
    assert not _signed_in(client)


@pytest.fixture
def totp_editor(base):
    editor = _editor(password=PASSWORD)
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    return editor, device


def _token(device) -> str:
    return str(totp(device.bin_key, device.step, device.t0, device.digits, device.drift)).zfill(
        device.digits
    )


def test_totp_account_cannot_sign_in_without_the_code(totp_editor):
    client = Client()
    response = _login(client, "eddie", PASSWORD)
    assert response.status_code == 200
    assert _error_next_to(response.content.decode(), "otp_token", "enter the code")
    assert not _signed_in(client)
    response = _login(client, "eddie", PASSWORD, "000000")
    assert _error_next_to(response.content.decode(), "otp_token", "not valid")
    assert not _signed_in(client)


def test_totp_account_signs_in_with_the_code(totp_editor):
    _editor, device = totp_editor
    client = Client()
    response = _login(client, "eddie", PASSWORD, _token(device))
    assert response.status_code == 302
    assert _signed_in(client)
    assert client.session["otp_device_id"] == device.persistent_id


def test_wrong_totp_codes_count_towards_the_lockout(totp_editor):
    client = Client()
    statuses = [_login(client, "eddie", PASSWORD, f"00000{n}").status_code for n in range(5)]
    assert statuses[-1] == 429


def test_two_factor_setup_shows_a_qr_code_and_confirms_with_a_code(base):
    editor = _editor(password=PASSWORD)
    client = _client(editor)
    page = client.get("/accounts/two-factor/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "otpauth://totp/Monitor%3Aeddie" in html
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    response = client.post("/accounts/two-factor/", {"token": "123456"})
    assert _error_next_to(response.content.decode(), "token", "not valid")
    device.refresh_from_db()
    assert not device.confirmed
    device.throttle_reset()  # django-otp slows down retries after a failure
    response = client.post("/accounts/two-factor/", {"token": _token(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert "On: signing in asks for a code" in client.get("/accounts/profile/").content.decode()
    # Turning it off needs the password.
    client.post("/accounts/two-factor/disable/", {"password": "wrong"})
    assert TOTPDevice.objects.filter(user=editor).exists()
    client.post("/accounts/two-factor/disable/", {"password": PASSWORD})
    assert not TOTPDevice.objects.filter(user=editor).exists()


def test_two_factor_setup_is_for_editors_and_administrators(researcher):
    assert _client(researcher).get("/accounts/two-factor/").status_code == 403


# --- personal API tokens ------------------------------------------------------------------


def test_api_token_secret_is_shown_once(researcher):
    client = _client(researcher)
    response = client.post("/accounts/profile/tokens/", {"name": "import script"})
    assert response.status_code == 200
    secret = response.context["new_secret"]
    assert secret.startswith("mon_") and secret in response.content.decode()
    token = ApiToken.objects.get(user=researcher)
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert services.api_token_user(secret) == researcher
    profile = client.get("/accounts/profile/").content.decode()
    assert secret not in profile
    assert token.prefix in profile and "import script" in profile


def test_api_token_needs_a_name_and_can_be_revoked(researcher):
    client = _client(researcher)
    response = client.post("/accounts/profile/tokens/", {"name": ""})
    assert _error_next_to(response.content.decode(), "name", "required")
    _token, secret = services.api_token_create(user=researcher, name="old")
    response = client.post(f"/accounts/profile/tokens/{_token.pk}/revoke/")
    assert response.status_code == 302
    assert services.api_token_user(secret) is None


def test_someone_elses_token_cannot_be_revoked(researcher):
    other = _editor()
    token, secret = services.api_token_create(user=other, name="theirs")
    _client(researcher).post(f"/accounts/profile/tokens/{token.pk}/revoke/")
    assert services.api_token_user(secret) == other


# --- admin ---------------------------------------------------------------------------------


def test_admin_shows_the_audit_log_read_only(base):
    staff = get_user_model().objects.create_superuser("root", "root@example.org", PASSWORD)
    client = _client(staff)
    assert client.get("/admin/audit/auditentry/").status_code == 200
    assert client.get("/admin/audit/auditentry/add/").status_code == 403
    assert client.get("/admin/editorial/proposal/").status_code == 200
    assert client.get("/admin/editorial/apitoken/").status_code == 200
    assert (
        _client(services.user_create(actor=None, username="v", role="viewer"))
        .get("/admin/")
        .status_code
        == 302
    )
