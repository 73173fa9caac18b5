"""PDF builds requested from the back office and run by the background worker.

Who may request a build (editors and administrators), what a bad request says, the pages
(list, detail with progress, download) and the task end to end: a build requested through
the web UI, queued in the database, run by `monitor worker --batch` in this process, and
then downloadable, or failed with its reason on the page.

Most tests stand a small fake in for `build_document` (the documents are tested on their
own) so they check this plumbing exactly: progress, log, missing-data list, hash, failures.
One test runs the real document through the real worker.
"""

from __future__ import annotations

import logging

import pytest
from django.core.management import call_command
from django.test import Client
from django_tasks_db.models import DBTaskResult

from monitor.audit.models import AuditEntry
from monitor.countries.models import Country
from monitor.editorial import services as editorial
from monitor.editorial.services import NotAllowed
from monitor.publishing import services
from monitor.publishing.build import BuildOutput, PublishError
from monitor.publishing.models import Build
from monitor.publishing.services import BuildRequestError, build_request, build_run
from monitor.research.models import Edition

PDF = b"%PDF-1.7\n% a stand-in for the typeset document\n%%EOF\n"
LIST_URL = "/editorial/publications/"


def fake_document(kind, *, treaty=None, iso3=None, edition=None, progress=None) -> BuildOutput:
    """What `build_document` returns, without typesetting: reports progress through three
    stages (many steps in one of them), then a small PDF."""
    for stage, total in (("data", 1), ("charts", 200), ("typesetting", 1)):
        for done in range(total + 1):
            progress(stage, done, total)
    return BuildOutput(
        kind=kind,
        pdf=PDF,
        filename=f"monitor-{kind}-{(iso3 or treaty or '').lower()}.pdf",
        edition=edition or "Landmine Monitor 2024",
        draft=True,
        log=["read the data", "drew 3 charts"],
        missing=["Casualties 2023: no data reported", "Land release 2023: no data reported"],
        timings={"data": 0.01, "charts": 0.02, "typesetting": 0.5},
    )


@pytest.fixture
def world(db):
    """Two countries, two editions and one account per role."""
    Country.objects.create(iso3="AFG", name="Afghanistan")
    Country.objects.create(iso3="COL", name="Colombia")
    Edition.objects.create(name="Landmine Monitor 2023", report_year=2023)
    Edition.objects.create(name="Landmine Monitor 2024", report_year=2024)
    users = {
        role: editorial.user_create(actor=None, username=role, role=role)
        for role in ("viewer", "researcher", "editor", "administrator")
    }
    return users


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def run_worker() -> None:
    """The real `monitor worker`, in batch mode: runs what is queued, then returns."""
    call_command("worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


# --- permissions ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["viewer", "researcher"])
def test_viewers_and_researchers_cannot_request_a_build(world, role):
    with pytest.raises(NotAllowed, match="only editors and administrators"):
        build_request(world[role], kind="profile", iso3="AFG")
    assert not Build.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_anonymous_cannot_request_a_build(world):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotAllowed):
        build_request(AnonymousUser(), kind="profile", iso3="AFG")


@pytest.mark.parametrize("role", ["editor", "administrator"])
def test_editors_and_administrators_request_a_build(
    world, role, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        build = build_request(world[role], kind="factsheet", iso3="afg", edition="")
    build.refresh_from_db()
    assert (build.kind, build.iso3, build.treaty, build.edition) == ("factsheet", "AFG", "", "")
    assert build.status == Build.Status.QUEUED
    assert build.requested_by == world[role]
    # queued for the worker once the transaction committed
    task = DBTaskResult.objects.get()
    assert build.task_id == str(task.id)
    assert task.task_path == "monitor.publishing.tasks.run_build"
    assert task.args_kwargs == {"args": [build.pk], "kwargs": {}}
    entry = AuditEntry.objects.get(object_type="publishing.build")
    assert (entry.actor, entry.action, entry.country) == (world[role], "create", "AFG")


def test_nothing_is_queued_when_the_transaction_rolls_back(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        build_request(world["editor"], kind="report", treaty="ccm")
    assert len(callbacks) == 1  # the enqueue waits for the commit
    assert not DBTaskResult.objects.exists()


# --- bad requests --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"kind": "poster", "iso3": "AFG"}, "kind", "unknown document kind 'poster'"),
        ({"kind": ""}, "kind", "expected one of report, profile, factsheet"),
        ({"kind": "report"}, "treaty", "choose the treaty"),
        ({"kind": "report", "treaty": "ccw"}, "treaty", "unknown treaty 'ccw'"),
        ({"kind": "report", "treaty": "mbt", "iso3": "AFG"}, "iso3", "covers a treaty"),
        ({"kind": "profile"}, "iso3", "choose the country"),
        ({"kind": "profile", "iso3": "XYZ"}, "iso3", "unknown country 'XYZ'"),
        ({"kind": "factsheet", "iso3": "AFG", "treaty": "ccm"}, "treaty", "covers a country"),
        (
            {"kind": "profile", "iso3": "AFG", "edition": "Landmine Monitor 1999"},
            "edition",
            "unknown edition 'Landmine Monitor 1999'",
        ),
    ],
)
def test_a_bad_request_names_the_field_and_writes_nothing(world, kwargs, field, message):
    with pytest.raises(BuildRequestError, match=message) as excinfo:
        build_request(world["editor"], **kwargs)
    assert excinfo.value.field == field
    assert not Build.objects.exists()
    assert not AuditEntry.objects.filter(object_type="publishing.build").exists()


def test_the_form_shows_the_service_error_next_to_the_field(world):
    response = client_for(world["editor"]).post(
        LIST_URL, {"kind": "profile", "iso3": "", "edition": ""}
    )
    assert response.status_code == 200
    assert b"choose the country" in response.content
    assert b"There is a problem" in response.content
    assert not Build.objects.exists()


def test_the_form_keeps_only_the_target_the_kind_uses(world):
    # a country left selected from an earlier choice does not make a report request fail
    response = client_for(world["editor"]).post(
        LIST_URL, {"kind": "report", "treaty": "mbt", "iso3": "AFG", "edition": ""}
    )
    build = Build.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/editorial/publications/{build.pk}/"
    assert (build.kind, build.treaty, build.iso3) == ("report", "mbt", "")


# --- pages and their permissions -----------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(world):
    build = Build.objects.create(kind="profile", iso3="AFG")
    for url in (LIST_URL, f"{LIST_URL}{build.pk}/", f"{LIST_URL}{build.pk}/download/"):
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert Client().post(LIST_URL, {"kind": "profile", "iso3": "AFG"}).status_code == 302
    assert Build.objects.count() == 1


@pytest.mark.parametrize("role", ["viewer", "researcher"])
def test_viewers_and_researchers_see_builds_but_may_not_request(world, role):
    client = client_for(world[role])
    page = client.get(LIST_URL)
    assert page.status_code == 200
    assert b"Only editors and administrators build publications" in page.content
    assert b"Build the PDF" not in page.content
    refused = client.post(LIST_URL, {"kind": "profile", "iso3": "AFG", "edition": ""})
    assert refused.status_code == 403
    assert b"only editors and administrators can build publications" in refused.content
    assert not Build.objects.exists()


def test_the_editor_sees_the_form_with_the_editions_newest_first(world):
    page = client_for(world["editor"]).get(LIST_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Build the PDF" in html
    assert html.index("Latest edition") < html.index("Landmine Monitor 2024")
    assert html.index("Landmine Monitor 2024") < html.index("Landmine Monitor 2023")
    assert 'href="/editorial/publications/"' in html  # the navigation link


def test_unknown_builds_and_builds_without_a_pdf_are_404(world):
    client = client_for(world["viewer"])
    queued = Build.objects.create(kind="profile", iso3="AFG")
    failed = Build.objects.create(kind="profile", iso3="AFG", status="failed", error="no")
    assert client.get(f"{LIST_URL}999999/").status_code == 404
    assert client.get(f"{LIST_URL}999999/download/").status_code == 404
    assert client.get(f"{LIST_URL}{queued.pk}/download/").status_code == 404
    assert client.get(f"{LIST_URL}{failed.pk}/download/").status_code == 404
    assert client.post(f"{LIST_URL}{queued.pk}/").status_code == 405


def test_a_queued_build_page_reloads_itself_until_asked_not_to(world):
    client = client_for(world["viewer"])
    build = Build.objects.create(kind="profile", iso3="AFG")
    page = client.get(f"{LIST_URL}{build.pk}/")
    assert page.status_code == 200
    assert page["Refresh"] == "3"
    assert b"Waiting for the background worker" in page.content
    assert "Refresh" not in client.get(f"{LIST_URL}{build.pk}/?refresh=0")
    Build.objects.filter(pk=build.pk).update(status="running", stage="charts", done=50, total=200)
    page = client.get(f"{LIST_URL}{build.pk}/")
    assert page["Refresh"] == "3"
    assert b'max="200" value="50"' in page.content
    assert b"<strong>charts</strong> \xe2\x80\x94 50 of 200" in page.content
    Build.objects.filter(pk=build.pk).update(status="failed", error="no such thing")
    assert "Refresh" not in client.get(f"{LIST_URL}{build.pk}/")


# --- running a build -----------------------------------------------------------------------


def test_progress_is_written_on_stage_changes_and_at_most_twice_a_second(world):
    build = Build.objects.create(kind="profile", iso3="AFG")
    now = [100.0]
    progress = services.progress_writer(build.pk, interval=0.5, clock=lambda: now[0])

    def stored():
        build.refresh_from_db()
        return build.stage, build.done, build.total

    progress("charts", 0, 10)
    assert stored() == ("charts", 0, 10)
    now[0] += 0.1
    progress("charts", 3, 10)  # too soon: not written
    assert stored() == ("charts", 0, 10)
    now[0] += 0.5
    progress("charts", 4, 10)
    assert stored() == ("charts", 4, 10)
    progress("charts", 10, 10)  # the last step of a stage is always written
    assert stored() == ("charts", 10, 10)
    progress("typesetting", 0, 1)  # a new stage at once
    assert stored() == ("typesetting", 0, 1)


def test_a_throttled_build_writes_a_handful_of_updates_not_one_per_step(
    world, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(services, "build_document", fake_document)
    build = Build.objects.create(kind="profile", iso3="AFG")
    # 204 progress calls; a fast build writes about one per stage change or stage end
    with django_assert_max_num_queries(20):
        assert build_run(build.pk) == "succeeded"


def test_a_build_runs_once(world, monkeypatch):
    monkeypatch.setattr(services, "build_document", fake_document)
    build = Build.objects.create(kind="profile", iso3="AFG")
    assert build_run(build.pk) == "succeeded"
    assert build_run(build.pk) == "skipped"
    assert build_run(999999) == "skipped"


def test_a_publish_error_fails_the_build_with_its_reason(world, monkeypatch):
    def refuse(kind, **kwargs):
        kwargs["progress"]("data", 0, 1)
        raise PublishError("Afghanistan has no profile text in Landmine Monitor 2024")

    monkeypatch.setattr(services, "build_document", refuse)
    build = Build.objects.create(kind="profile", iso3="AFG")
    assert build_run(build.pk) == "failed"
    build.refresh_from_db()
    assert build.status == "failed"
    assert build.error == "Afghanistan has no profile text in Landmine Monitor 2024"
    assert build.stage == "data"  # where it stopped
    assert build.finished_at is not None and build.pdf is None


def test_an_unexpected_error_fails_the_build_and_logs_the_traceback(world, monkeypatch, caplog):
    def crash(kind, **kwargs):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(services, "build_document", crash)
    build = Build.objects.create(kind="profile", iso3="AFG")
    with caplog.at_level(logging.ERROR, logger="monitor.publishing.services"):
        assert build_run(build.pk) == "failed"
    build.refresh_from_db()
    assert build.status == "failed"
    assert build.error.startswith("unexpected error (ZeroDivisionError: division by zero)")
    assert "\n" not in build.error
    record = next(r for r in caplog.records if r.name == "monitor.publishing.services")
    assert f"#{build.pk} failed unexpectedly" in record.getMessage()
    assert record.exc_info and record.exc_info[0] is ZeroDivisionError


def test_a_stopped_worker_does_not_leave_the_build_running(world, monkeypatch):
    def stopped(kind, **kwargs):
        raise SystemExit(1)  # what the worker's second Ctrl+C raises inside a task

    monkeypatch.setattr(services, "build_document", stopped)
    build = Build.objects.create(kind="profile", iso3="AFG")
    with pytest.raises(SystemExit):
        build_run(build.pk)
    build.refresh_from_db()
    assert build.status == "failed"
    assert build.error == "interrupted: the worker was stopped during the build"


def test_a_build_the_queue_refuses_fails_at_once(
    world, monkeypatch, django_capture_on_commit_callbacks
):
    class BrokenQueue:
        def enqueue(self, *args):
            raise RuntimeError("database is locked")

    monkeypatch.setattr("monitor.publishing.tasks.run_build", BrokenQueue())
    with django_capture_on_commit_callbacks(execute=True):
        build = build_request(world["editor"], kind="profile", iso3="COL")
    build.refresh_from_db()
    assert build.status == "failed"
    assert build.error == "could not be queued for the worker: database is locked"


# --- end to end: web UI -> database queue -> `monitor worker` -> download ------------------


@pytest.mark.django_db(transaction=True)
def test_a_build_requested_on_the_page_is_run_by_the_worker_and_downloaded(world, monkeypatch):
    monkeypatch.setattr(services, "build_document", fake_document)
    editor = client_for(world["editor"])
    response = editor.post(
        LIST_URL, {"kind": "profile", "iso3": "AFG", "edition": "Landmine Monitor 2024"}
    )
    build = Build.objects.get()
    assert response.status_code == 302
    assert build.status == "queued"
    assert DBTaskResult.objects.get().status == "READY"

    run_worker()

    build.refresh_from_db()
    assert build.status == "succeeded", build.error
    assert (build.stage, build.done, build.total) == ("done", 1, 1)
    assert build.started_at <= build.finished_at
    assert build.draft is True
    assert build.log == "read the data\ndrew 3 charts"
    assert build.missing_lines == [
        "Casualties 2023: no data reported",
        "Land release 2023: no data reported",
    ]
    assert build.timings == {"data": 0.01, "charts": 0.02, "typesetting": 0.5}
    assert build.size == len(PDF)
    task = DBTaskResult.objects.get()
    assert (task.status, task.return_value) == ("SUCCESSFUL", "succeeded")

    page = editor.get(f"{LIST_URL}{build.pk}/")
    html = page.content.decode()
    assert "Refresh" not in page
    assert "Succeeded" in html and "DRAFT" in html
    assert "No data reported (2)" in html and "Land release 2023: no data reported" in html
    assert build.content_hash in html and "drew 3 charts" in html
    assert f'href="/editorial/publications/{build.pk}/download/"' in html

    # any team member downloads it
    download = client_for(world["viewer"]).get(f"{LIST_URL}{build.pk}/download/")
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="monitor-profile-afg.pdf"'
    assert download.content == PDF and download.content.startswith(b"%PDF")

    listing = editor.get(LIST_URL).content.decode()
    assert "Country profile AFG, Landmine Monitor 2024" in listing
    assert "Succeeded" in listing


@pytest.mark.django_db(transaction=True)
def test_a_failed_build_shows_why_on_its_page(world, monkeypatch):
    def refuse(kind, **kwargs):
        raise PublishError("no edition of the Cluster Munition Monitor has data for 2024")

    monkeypatch.setattr(services, "build_document", refuse)
    editor = client_for(world["editor"])
    editor.post(LIST_URL, {"kind": "report", "treaty": "ccm", "edition": ""})
    build = Build.objects.get()
    run_worker()

    def crash(kind, **kwargs):
        raise KeyError("svg")

    monkeypatch.setattr(services, "build_document", crash)
    editor.post(LIST_URL, {"kind": "factsheet", "iso3": "COL", "edition": ""})
    crash_build = Build.objects.exclude(pk=build.pk).get()
    run_worker()

    build.refresh_from_db()
    crash_build.refresh_from_db()
    assert build.status == crash_build.status == "failed"
    # the build failed, the task did its job: it is not retried or reported as crashed
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {"SUCCESSFUL"}

    page = editor.get(f"{LIST_URL}{build.pk}/").content.decode()
    assert "The build failed" in page
    assert "no edition of the Cluster Munition Monitor has data for 2024" in page
    assert "Build it again" in page
    page = editor.get(f"{LIST_URL}{crash_build.pk}/").content.decode()
    assert "unexpected error (KeyError: &#x27;svg&#x27;)" in page
    assert editor.get(f"{LIST_URL}{build.pk}/download/").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_the_real_fact_sheet_is_built_by_the_worker(seeded):
    """No stand-in: the fact sheet of a seeded country through the real `build_document`."""
    editor = editorial.user_create(actor=None, username="editor", role="editor")
    editor_client = client_for(editor)
    response = editor_client.post(LIST_URL, {"kind": "factsheet", "iso3": "AFG", "edition": ""})
    assert response.status_code == 302
    run_worker()
    build = Build.objects.get()
    assert build.status == "succeeded", build.error
    assert build.content_hash and build.filename.endswith(".pdf")
    download = editor_client.get(f"{LIST_URL}{build.pk}/download/")
    assert download["Content-Type"] == "application/pdf"
    assert download.content.startswith(b"%PDF")
