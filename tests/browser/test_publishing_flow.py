"""An editor builds a PDF from the browser (issue 7's "editors can do the same from the
browser"): request the CCM annual report on the publications page, the background worker runs
it, the build page shows it succeeded with its log, and the PDF downloads with the figures of
the seed. The publications pages are checked with axe-core too."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from tests.browser.test_editorial_flow import _axe, _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EDITOR_PASSWORD = "monitor-editor-passphrase-7"
EDITION = "Cluster Munition Monitor 2023"


def test_editor_builds_the_ccm_report_and_downloads_it(page, axe_source, tmp_path):
    from datetime import date

    from monitor.editorial import services
    from monitor.publishing.models import Build
    from monitor.treaties.selectors import parties_as_of

    services.user_create(
        actor=None, username="eddie", email="eddie@example.org", role="editor",
        password=EDITOR_PASSWORD,
    )  # fmt: skip
    problems: list[str] = []
    _sign_in(page, "eddie", EDITOR_PASSWORD)
    page.get_by_role("link", name="Publications").first.click()
    page.wait_for_url(re.compile(r"/editorial/publications/$"))
    problems += [f"publications: {v}" for v in _axe(page, axe_source)]

    page.locator("#id_kind").select_option("report")
    page.locator("#id_treaty").select_option("ccm")
    page.locator("#id_edition").select_option(EDITION)
    page.get_by_role("button", name="Build the PDF").click()
    page.wait_for_url(re.compile(r"/editorial/publications/\d+/"))
    build = Build.objects.get()
    assert build.status == "queued"
    assert "Waiting for the background worker" in page.locator("main").inner_text()

    # The worker (`monitor worker --batch`: run what is queued, then stop).
    call_command("worker", "--batch", verbosity=0)
    page.goto(f"/editorial/publications/{build.pk}/?refresh=0")
    main = page.locator("main").inner_text()
    assert "Succeeded" in main or "succeeded" in main
    build.refresh_from_db()
    assert build.content_hash in main
    problems += [f"build page: {v}" for v in _axe(page, axe_source)]

    with page.expect_download() as info:
        page.get_by_role("link", name="Download the PDF").click()
    download = info.value
    assert download.suggested_filename == "ccm-report-cluster-munition-monitor-2023-draft.pdf"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    parties = len(parties_as_of(treaty="ccm", as_of=date(2023, 12, 31)).parties)
    assert f"{parties} States had deposited" in text
    assert not problems, "\n".join(problems)
