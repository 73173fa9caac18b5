"""Reads of the PDF builds, for the back-office pages. Lists never load the PDF bytes."""

from __future__ import annotations

from django.db.models import F, QuerySet

from monitor.countries.models import Country
from monitor.publishing.models import Build
from monitor.research.models import Edition

#: Columns a list of builds shows (no PDF, no log).
_LIST_FIELDS = (
    "id",
    "kind",
    "treaty",
    "iso3",
    "edition",
    "requested_by__username",
    "created_at",
    "started_at",
    "finished_at",
    "status",
    "stage",
    "done",
    "total",
    "error",
    "draft",
    "size",
)


def builds_list(limit: int = 100) -> QuerySet[Build]:
    """The most recent builds, newest first, without their PDFs or logs."""
    return Build.objects.select_related("requested_by").only(*_LIST_FIELDS)[:limit]


def build_detail(build_id: int) -> Build | None:
    """One build with its log and "no data reported" list, but not its PDF bytes."""
    return Build.objects.select_related("requested_by").defer("pdf").filter(pk=build_id).first()


def build_pdf(build_id: int) -> Build | None:
    """A succeeded build with its PDF (None if there is none to download)."""
    return (
        Build.objects.filter(pk=build_id, status=Build.Status.SUCCEEDED, pdf__isnull=False)
        .only("id", "pdf", "filename", "kind", "status")
        .first()
    )


def editions_newest_first() -> list[Edition]:
    """Every edition, the most recent first (the build form's choices)."""
    return list(
        Edition.objects.order_by(
            F("report_year").desc(nulls_last=True),
            F("publication_date").desc(nulls_last=True),
            "-id",
        )
    )


def countries_for_select() -> list[tuple[str, str]]:
    return [
        (iso3, f"{name} ({iso3})")
        for iso3, name in Country.objects.order_by("name").values_list("iso3", "name")
    ]


def active_builds_count() -> int:
    return Build.objects.filter(status__in=(Build.Status.QUEUED, Build.Status.RUNNING)).count()
