"""The append-only audit log: who changed what, when, from what to what, why and how.

Rows are only ever inserted. The model refuses to save an existing row or to delete one,
its queryset refuses bulk `update()` and `delete()`, and the database itself refuses an
UPDATE (a trigger on SQLite and PostgreSQL) and, on PostgreSQL, a DELETE.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete an audit row."""


class AuditQuerySet(models.QuerySet):
    def update(self, **kwargs):  # noqa: D401
        raise AppendOnlyError("the audit log is append-only: rows are never updated")

    def bulk_update(self, objs, fields, batch_size=None):
        raise AppendOnlyError("the audit log is append-only: rows are never updated")

    def delete(self):
        raise AppendOnlyError("the audit log is append-only: rows are never deleted")

    _raw_delete = delete


class AuditEntry(models.Model):
    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        ERRATUM = "erratum", "Erratum to a frozen edition"
        FREEZE = "freeze", "Edition frozen"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for a command-line or system change (see `via`).",
    )
    actor_name = models.CharField(max_length=150, help_text="Username as it was, or 'system'.")
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=60, help_text="e.g. research.casualtyaggregate")
    object_id = models.CharField(max_length=40)
    object_label = models.CharField(max_length=300, blank=True)
    country = models.CharField(max_length=3, blank=True, db_index=True, help_text="ISO3")
    edition = models.CharField(max_length=120, blank=True)
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(blank=True)
    via = models.CharField(
        max_length=300, help_text="How: 'proposal #12', 'import casualties.csv', 'seed'."
    )
    proposal_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name} {self.action} {self.object_label}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("the audit log is append-only: rows are never updated")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("the audit log is append-only: rows are never deleted")
