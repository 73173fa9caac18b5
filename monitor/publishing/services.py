"""Writes of the PDF builds: an editor requests a build, the background worker runs it.

`build_request` checks who asks and what is asked (unknown kind, treaty, country or edition
is a `BuildRequestError` naming the field; a role below editor is `NotAllowed`), stores a
queued `Build` and hands it to the worker once the transaction commits. `build_run` is what
the worker runs: it calls `build_document`, writes progress as it goes (throttled), and
ends with the build succeeded (PDF, log, "no data reported" list, hash) or failed with a
one-line reason. It never leaves a build "running".
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from monitor.audit.services import AuditContext, audit_write
from monitor.countries.models import Country
from monitor.editorial.roles import Role, role_of
from monitor.editorial.services import NotAllowed
from monitor.publishing import content
from monitor.publishing.build import KINDS, PublishError, build_document
from monitor.publishing.models import Build
from monitor.research.models import Edition
from monitor.rules.treaties import TREATIES

log = logging.getLogger(__name__)

#: The treaties an annual report covers (the Landmine Monitor and the Cluster Munition
#: Monitor), with their names.
REPORT_TREATIES = {code: TREATIES[code].short_name for code in content.REPORT_TREATIES}

#: Progress is written at most this often (seconds), and whenever the stage changes.
PROGRESS_INTERVAL = 0.5


class BuildRequestError(ValueError):
    """A build request that cannot be taken; `field` names the offending field."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def can_request_build(user) -> bool:
    """Editors and administrators build publications; viewers and researchers read them."""
    return role_of(user) >= Role.EDITOR


# --- requesting ----------------------------------------------------------------------------


def _clean_target(kind: str, treaty: str | None, iso3: str | None) -> tuple[str, str]:
    treaty = (treaty or "").strip().lower()
    iso3 = (iso3 or "").strip().upper()
    if kind == "report":
        if iso3:
            raise BuildRequestError("an annual report covers a treaty, not a country", "iso3")
        if not treaty:
            raise BuildRequestError("choose the treaty the report covers (mbt or ccm)", "treaty")
        if treaty not in REPORT_TREATIES:
            raise BuildRequestError(
                f"unknown treaty {treaty!r}: expected one of {', '.join(REPORT_TREATIES)}",
                "treaty",
            )
        return treaty, ""
    if treaty:
        raise BuildRequestError(f"a {kind} covers a country, not a treaty", "treaty")
    if not iso3:
        raise BuildRequestError("choose the country", "iso3")
    if not Country.objects.filter(iso3=iso3).exists():
        raise BuildRequestError(f"unknown country {iso3!r}", "iso3")
    return "", iso3


def _clean_edition(edition: str | None) -> str:
    """An edition name, or "" for the latest edition (chosen by the build)."""
    name = " ".join(str(edition or "").split())
    if name and not Edition.objects.filter(name=name).exists():
        raise BuildRequestError(f"unknown edition {name!r}", "edition")
    return name


@transaction.atomic
def build_request(
    user,
    *,
    kind: str,
    treaty: str | None = None,
    iso3: str | None = None,
    edition: str | None = None,
) -> Build:
    """Queue a build of `kind` ("report" with `treaty`, "profile"/"factsheet" with `iso3`)
    for `edition` (empty: the latest). The worker picks it up once this transaction commits."""
    if not can_request_build(user):
        raise NotAllowed("only editors and administrators can build publications")
    kind = (kind or "").strip().lower()
    if kind not in KINDS:
        raise BuildRequestError(
            f"unknown document kind {kind!r}: expected one of {', '.join(KINDS)}", "kind"
        )
    treaty_code, country = _clean_target(kind, treaty, iso3)
    edition_name = _clean_edition(edition)
    build = Build.objects.create(
        kind=kind, treaty=treaty_code, iso3=country, edition=edition_name, requested_by=user
    )
    audit_write(
        context=AuditContext(via="publications", actor=user),
        action="create",
        obj=build,
        label=f"PDF build {build}",
        country=country,
        edition=edition_name,
        after={"kind": kind, "treaty": treaty_code, "iso3": country, "edition": edition_name},
    )
    transaction.on_commit(lambda: _enqueue(build.pk))
    return build


def _enqueue(build_id: int) -> None:
    """Hand the build to the background worker; if the queue refuses it, the build fails
    at once (it would otherwise wait for ever)."""
    from monitor.publishing.tasks import run_build

    try:
        result = run_build.enqueue(build_id)
    except Exception as exc:
        log.exception("PDF build #%s could not be queued", build_id)
        _finish_failed(build_id, f"could not be queued for the worker: {_one_line(exc)}")
        return
    Build.objects.filter(pk=build_id).update(task_id=str(result.id))


# --- running (the worker) ------------------------------------------------------------------


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:500] or type(exc).__name__


def _finish_failed(build_id: int, reason: str) -> None:
    Build.objects.filter(pk=build_id).update(
        status=Build.Status.FAILED, error=reason, finished_at=timezone.now()
    )


def progress_writer(
    build_id: int, interval: float = PROGRESS_INTERVAL, clock: Callable[[], float] = time.monotonic
) -> Callable[[str, int, int], None]:
    """A `progress(stage, done, total)` callback that writes to the build at most every
    `interval` seconds, and at once whenever the stage changes (a build can report
    thousands of steps; each write is one UPDATE)."""
    last = {"stage": None, "at": float("-inf")}

    def progress(stage: str, done: int, total: int) -> None:
        now = clock()
        if stage == last["stage"] and now - last["at"] < interval and done != total:
            return
        last["stage"], last["at"] = stage, now
        Build.objects.filter(pk=build_id).update(
            stage=str(stage)[:40], done=max(0, int(done)), total=max(0, int(total))
        )

    return progress


def _claim(build_id: int) -> Build | None:
    """Mark a queued build running; None if it is not queued (already run, or unknown)."""
    claimed = Build.objects.filter(pk=build_id, status=Build.Status.QUEUED).update(
        status=Build.Status.RUNNING, started_at=timezone.now(), stage="starting"
    )
    if not claimed:
        return None
    return Build.objects.defer("pdf").get(pk=build_id)


def build_run(build_id: int) -> str:
    """Run a queued build to the end; returns its final status ("succeeded" or "failed";
    "skipped" when the build is not queued, e.g. a task run twice)."""
    build = _claim(build_id)
    if build is None:
        log.warning("PDF build #%s is not queued: nothing to do", build_id)
        return "skipped"
    try:
        output = build_document(
            build.kind,
            treaty=build.treaty or None,
            iso3=build.iso3 or None,
            edition=build.edition or None,
            progress=progress_writer(build_id),
        )
    except PublishError as exc:
        _finish_failed(build_id, _one_line(exc))
        return Build.Status.FAILED.value
    except Exception as exc:
        log.exception("PDF build #%s failed unexpectedly", build_id)
        _finish_failed(
            build_id,
            f"unexpected error ({type(exc).__name__}: {_one_line(exc)[:200]}); "
            "the full traceback is in the worker's log",
        )
        return Build.Status.FAILED.value
    except BaseException:
        # The worker was stopped (a second Ctrl+C, SIGTERM while busy): say so, then stop.
        _finish_failed(build_id, "interrupted: the worker was stopped during the build")
        raise
    if not output.pdf.startswith(b"%PDF"):
        _finish_failed(build_id, "the build did not produce a PDF")
        return Build.Status.FAILED.value
    Build.objects.filter(pk=build_id).update(
        status=Build.Status.SUCCEEDED,
        finished_at=timezone.now(),
        edition=output.edition or build.edition,
        pdf=output.pdf,
        size=len(output.pdf),
        filename=output.filename,
        draft=output.draft,
        log="\n".join(output.log),
        missing="\n".join(output.missing),
        timings={k: round(float(v), 3) for k, v in output.timings.items()},
        content_hash=output.content_hash,
        stage="done",
        done=F("total"),
    )
    return Build.Status.SUCCEEDED.value
