"""The editorial workflow in a real browser (issue 4's "Done means"), end to end.

An administrator signs in, creates a researcher and assigns Afghanistan on the team page; the
researcher signs in, opens the correction form for Afghanistan's 2023 casualty figure from
the dashboard, enters a corrected total with a new source and submits it; an editor signs
in, opens it from the review queue, sees the diff and approves it; the public profile then
shows the new figure with its citation, and the audit trail lists the whole path. Each
editorial page is also checked with axe-core (no serious or critical violations).
"""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ADMIN_PASSWORD = "monitor-admin-passphrase-1"
EDITOR_PASSWORD = "monitor-editor-passphrase-2"
RESEARCHER_PASSWORD = "monitor-researcher-passphrase-3"
SOURCE_TITLE = "Afghanistan casualty data review (browser test)"
SOURCE_URL = "https://example.org/afghanistan-casualty-review"
REASON = "The data review revised the 2023 total."


def _axe(page, axe_source: str) -> list[str]:
    page.add_script_tag(content=axe_source)
    return page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']}))
            .violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id} (${v.impact}): ${v.help} at `
                      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join('; '))"""
    )


def _sign_in(page, username: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/editorial/$"))


def _sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").first.click()
    page.wait_for_load_state()


def test_researcher_correction_through_review_to_public_page(page, axe_source):
    from monitor.audit.models import AuditEntry
    from monitor.editorial import services
    from monitor.editorial.models import Proposal
    from monitor.research.models import CasualtyAggregate

    record = CasualtyAggregate.objects.get(country_id="AFG", data_year=2023)
    new_total = record.total + 12
    services.user_create(
        actor=None, username="ada", email="ada@example.org", role="administrator",
        password=ADMIN_PASSWORD,
    )  # fmt: skip
    services.user_create(
        actor=None, username="eddie", email="eddie@example.org", role="editor",
        password=EDITOR_PASSWORD,
    )  # fmt: skip
    problems: list[str] = []

    # The administrator creates the researcher and assigns Afghanistan.
    _sign_in(page, "ada", ADMIN_PASSWORD)
    page.goto("/editorial/team/")
    problems += [f"team: {v}" for v in _axe(page, axe_source)]
    page.locator("#id_username").fill("rita")
    page.locator("#id_email").fill("rita@example.org")
    page.locator("#id_role").select_option("researcher")
    page.locator("#id_password").fill(RESEARCHER_PASSWORD)
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state()
    page.locator("#id_assign_user").select_option(label="rita")
    page.locator("#id_assign_country").select_option("AFG")
    page.get_by_role("button", name="Add assignment").click()
    page.wait_for_load_state()
    assert "Afghanistan (AFG): all themes" in page.content()
    _sign_out(page)

    # The researcher corrects the figure from the dashboard.
    _sign_in(page, "rita", RESEARCHER_PASSWORD)
    problems += [f"dashboard: {v}" for v in _axe(page, axe_source)]
    page.locator(f'a[href*="theme=casualties"][href*="target={record.pk}"]').click()
    page.wait_for_url(re.compile(r"/editorial/proposals/new/"))
    assert page.locator("#id_total").input_value() == str(record.total)
    problems += [f"proposal form: {v}" for v in _axe(page, axe_source)]
    page.locator("#id_total").fill(str(new_total))
    page.locator("#id_source").select_option("new")
    page.locator("#id_src_title").fill(SOURCE_TITLE)
    page.locator("#id_src_url").fill(SOURCE_URL)
    page.locator("#id_reason").fill(REASON)
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_url(re.compile(r"/editorial/proposals/\d+/$"))
    proposal = Proposal.objects.get(author__username="rita")
    assert proposal.state == "submitted"
    _sign_out(page)

    # The editor reviews the diff from the queue and approves.
    _sign_in(page, "eddie", EDITOR_PASSWORD)
    page.goto("/editorial/queue/")
    problems += [f"queue: {v}" for v in _axe(page, axe_source)]
    page.locator(f'a[href="/editorial/proposals/{proposal.pk}/"]').first.click()
    page.wait_for_url(re.compile(rf"/editorial/proposals/{proposal.pk}/$"))
    assert page.locator("del", has_text=str(record.total)).count() >= 1
    assert page.locator("ins", has_text=str(new_total)).count() >= 1
    problems += [f"review: {v}" for v in _axe(page, axe_source)]
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=ARTIFACTS / "editorial-review.png", full_page=True)
    page.get_by_role("button", name="Approve and publish").click()
    page.wait_for_load_state()
    proposal.refresh_from_db()
    assert proposal.state == "published"

    # The public profile shows the corrected figure with its citation.
    page.goto("/countries/AFG/")
    link = page.locator(f'a[href="{SOURCE_URL}"]').first
    assert link.count() == 1 and SOURCE_TITLE in link.inner_text()
    assert re.search(rf"\b{new_total}\b", page.locator("main").inner_text())

    # The audit trail shows who did what, via the proposal.
    page.goto("/editorial/audit/country/AFG/")
    trail = page.locator("main").inner_text()
    assert f"proposal #{proposal.pk}" in trail and "eddie" in trail and REASON in trail
    problems += [f"audit: {v}" for v in _axe(page, axe_source)]
    entries = AuditEntry.objects.filter(proposal_id=proposal.pk)
    assert {e.actor_name for e in entries} == {"eddie"}
    assert any(e.after and e.after.get("total") == new_total for e in entries)

    assert not problems, "\n".join(problems)
