"""A PDF build requested from the back office: what was asked, how far it got, what came out.

The background worker (`monitor worker`) runs the build and writes its progress, log,
"no data reported" list and the PDF itself here, so the page can show them and the PDF can
be downloaded later. The PDF bytes are large: list queries leave them out (see selectors).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

KIND_LABELS = {
    "report": "Annual report",
    "profile": "Country profile",
    "factsheet": "Fact sheet",
}


class Build(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", KIND_LABELS["report"]
        PROFILE = "profile", KIND_LABELS["profile"]
        FACTSHEET = "factsheet", KIND_LABELS["factsheet"]

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SUCCEEDED = "succeeded", "Succeeded"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    treaty = models.CharField(max_length=10, blank=True, help_text="Reports: mbt or ccm.")
    iso3 = models.CharField(max_length=3, blank=True, help_text="Profiles and fact sheets.")
    edition = models.CharField(
        max_length=120,
        blank=True,
        help_text="The edition asked for (empty: the latest); after the build, the one used.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True
    )
    stage = models.CharField(max_length=40, blank=True, help_text="e.g. data, charts, typesetting")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    log = models.TextField(blank=True)
    missing = models.TextField(blank=True, help_text='"No data reported" places, one per line.')
    timings = models.JSONField(default=dict, blank=True, help_text="Seconds per stage.")
    error = models.TextField(blank=True, help_text="Why a failed build failed (one line).")
    draft = models.BooleanField(
        default=False, help_text="An edition read was still open: every page is marked DRAFT."
    )
    content_hash = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the PDF.")
    filename = models.CharField(max_length=200, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    size = models.PositiveIntegerField(default=0, help_text="PDF size in bytes.")
    task_id = models.CharField(
        max_length=64, blank=True, help_text="The django-tasks result id of the background task."
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def subject(self) -> str:
        """What is built, in words: "Annual report (ccm), Cluster Munition Monitor 2023"."""
        what = KIND_LABELS.get(self.kind, self.kind)
        target = self.treaty.upper() if self.kind == "report" else self.iso3
        edition = self.edition or "latest edition"
        return f"{what} {target}, {edition}"

    @property
    def active(self) -> bool:
        """Queued or running: the page refreshes itself until it is not."""
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int | None:
        if not self.total:
            return None
        return max(0, min(100, round(100 * self.done / self.total)))

    @property
    def missing_lines(self) -> list[str]:
        return [line for line in self.missing.splitlines() if line.strip()]

    @property
    def duration(self) -> float | None:
        """Seconds from start to finish (None while it has not finished)."""
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None
