"""The issue's "Done means" path, walked through the web UI with Django's test client.

An administrator creates a researcher and assigns Afghanistan; the researcher signs in,
corrects Afghanistan's 2023 casualty figure with a new source and submits it; an editor
reviews the diff and approves it; the public page shows the new figure with its citation,
and the audit log shows the whole trail. Every step is a real HTTP request.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client

from monitor.editorial import services
from monitor.editorial.models import Assignment, Proposal
from monitor.research.models import CasualtyAggregate

pytestmark = pytest.mark.django_db

RESEARCHER_PASSWORD = "landmine-researcher-passphrase-7"
EDITOR_PASSWORD = "cluster-editor-passphrase-9"
NEW_SOURCE_TITLE = "Afghanistan casualty data review 2024"
NEW_SOURCE_URL = "https://example.org/afghanistan-casualties-2024"


def _form_data(form) -> dict[str, str]:
    """What a browser posts for a form as rendered (every field with its current value)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        data[name] = "" if value is None else str(value)
    return data


def _sign_in(username: str, password: str) -> Client:
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": username, "password": password, "next": "/editorial/"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert response["Location"] == "/editorial/"
    return client


def test_researcher_correction_reviewed_approved_published_and_audited(
    seeded, django_capture_on_commit_callbacks
):
    record = CasualtyAggregate.objects.select_related("source", "edition").get(
        country_id="AFG", data_year=2023
    )
    old_total = record.total
    new_total = old_total + 49

    # The public page shows the stored figure (and caches it for anonymous readers).
    public = Client()
    before = public.get("/countries/AFG/")
    assert before.status_code == 200
    assert NEW_SOURCE_TITLE not in before.content.decode()

    # 1. An administrator creates the researcher through the team page and assigns AFG.
    admin = services.user_create(
        actor=None, username="ada", email="ada@example.org", role="administrator"
    )
    services.user_create(
        actor=None,
        username="eddie",
        email="eddie@example.org",
        role="editor",
        password=EDITOR_PASSWORD,
    )
    admin_client = Client()
    admin_client.force_login(admin)
    assert admin_client.get("/editorial/team/").status_code == 200
    response = admin_client.post(
        "/editorial/team/",
        {
            "username": "rita",
            "email": "rita@example.org",
            "role": "researcher",
            "password": RESEARCHER_PASSWORD,
        },
    )
    assert response.status_code == 302
    rita = get_user_model().objects.get(username="rita")
    assert rita.password.startswith("argon2")  # argon2 is the first hasher
    response = admin_client.post(
        "/editorial/team/assignments/", {"user": rita.pk, "country": "AFG", "theme": ""}
    )
    assert response.status_code == 302
    assert Assignment.objects.filter(user=rita, country_id="AFG", theme="").exists()
    team_page = admin_client.get("/editorial/team/").content.decode()
    assert "rita" in team_page and "Afghanistan (AFG): all themes" in team_page

    # 2. The researcher signs in with the form (through django-axes and argon2).
    researcher = _sign_in("rita", RESEARCHER_PASSWORD)

    # 3. The dashboard lists Afghanistan, its checklist and a link to correct the record.
    dashboard = researcher.get("/editorial/")
    assert dashboard.status_code == 200
    html = dashboard.content.decode()
    assert "Afghanistan (AFG)" in html
    assert "Casualties (per country and year)" in html
    assert "Mine Ban Policy" in html  # the narrative sections of the checklist
    correct_url = (
        f"/editorial/proposals/new/?country=AFG&amp;theme=casualties&amp;target={record.pk}"
    )
    assert correct_url in html

    # 4. The correction form is prefilled with the stored figure.
    form_page = researcher.get(correct_url.replace("&amp;", "&"))
    assert form_page.status_code == 200
    form = form_page.context["form"]
    assert form["total"].value() == str(old_total)
    assert form["edition"].value() == record.edition.name
    assert form["quote"].value() in (None, "")  # a correction brings its own quote
    data = _form_data(form)
    data.update(
        total=str(new_total),
        source="new",
        src_title=NEW_SOURCE_TITLE,
        src_url=NEW_SOURCE_URL,
        src_quote=f"Afghanistan: {new_total} casualties in 2023",
        reason="The 2024 data review revised the 2023 total.",
        submit="1",
    )

    # 5. Save and submit: the editors get an e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        response = researcher.post(correct_url.replace("&amp;", "&"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    proposal = Proposal.objects.get(author=rita)
    assert response["Location"] == f"/editorial/proposals/{proposal.pk}/"
    assert proposal.state == "submitted"
    assert proposal.target_id == record.pk
    assert proposal.payload["total"] == str(new_total)
    to_editor = [m for m in mail.outbox if "eddie@example.org" in m.to]
    assert len(to_editor) == 1
    assert f"Proposal #{proposal.pk} submitted" in to_editor[0].subject
    assert f"/editorial/proposals/{proposal.pk}/" in to_editor[0].body

    # 6. The editor signs in, finds it in the queue and reviews the diff.
    editor = _sign_in("eddie", EDITOR_PASSWORD)
    queue = editor.get("/editorial/queue/")
    assert queue.status_code == 200
    assert f'href="/editorial/proposals/{proposal.pk}/"' in queue.content.decode()
    review = editor.get(f"/editorial/proposals/{proposal.pk}/")
    assert review.status_code == 200
    rows = {row.name: row for row in review.context["figure"].rows}
    assert rows["total"].current == str(old_total)
    assert rows["total"].proposed == str(new_total)
    assert rows["total"].changed
    assert not rows["data_year"].changed
    page = review.content.decode()
    assert f"<del>{old_total}</del>" in page and f"<ins>{new_total}</ins>" in page
    assert NEW_SOURCE_TITLE in page
    assert "The 2024 data review revised the 2023 total." in page
    assert "Approve and publish" in page

    # 7. The editor approves: it is published and the researcher gets an e-mail.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(
            f"/editorial/proposals/{proposal.pk}/approve/", {"message": "Checked, thanks."}
        )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.state == "published"
    assert proposal.decided_by.username == "eddie"
    to_researcher = [m for m in mail.outbox if "rita@example.org" in m.to]
    assert len(to_researcher) == 1
    assert "Approved and published" in to_researcher[0].subject
    assert "Checked, thanks." in to_researcher[0].body

    # 8. The public page (anonymous) shows the new figure and its citation.
    after = Client().get("/countries/AFG/")
    assert after.status_code == 200
    html = after.content.decode()
    assert NEW_SOURCE_TITLE in html
    assert f'href="{NEW_SOURCE_URL}"' in html
    casualties = html[html.index(NEW_SOURCE_TITLE) - 3000 : html.index(NEW_SOURCE_TITLE)]
    assert re.search(rf"\b{new_total}\b", casualties), "the new total is the headline figure"

    # 9. The audit log shows the trail: per country and per record.
    applied = CasualtyAggregate.objects.get(pk=proposal.applied_id)
    assert applied.total == new_total
    audit_country = editor.get("/editorial/audit/country/AFG/")
    assert audit_country.status_code == 200
    html = audit_country.content.decode()
    assert f'href="/editorial/proposals/{proposal.pk}/">proposal #{proposal.pk}</a>' in html
    assert "eddie" in html and "rita" in html  # the editor applied it; rita's assignment
    assert f"<ins>{new_total}</ins>" in html
    assert "The 2024 data review revised the 2023 total." in html
    audit_record = editor.get(f"/editorial/audit/research.casualtyaggregate/{applied.pk}/")
    assert audit_record.status_code == 200
    rows = audit_record.context["rows"]
    assert [r.entry.proposal_id for r in rows] == [proposal.pk]
    assert rows[0].entry.actor_name == "eddie"
    assert ("total", None, new_total) in rows[0].changes
    # The proposal page links the published page and the trail, and lists its audit entries.
    detail = editor.get(f"/editorial/proposals/{proposal.pk}/").content.decode()
    assert 'href="/countries/AFG/"' in detail
    assert f'href="/editorial/audit/research.casualtyaggregate/{applied.pk}/"' in detail
    assert "Changes applied on approval" in detail
