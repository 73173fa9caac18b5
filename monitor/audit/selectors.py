"""Reading the audit log (editors only: the views check)."""

from __future__ import annotations

from monitor.audit.models import AuditEntry


def audit_for_country(iso3: str, *, limit: int = 500):
    return AuditEntry.objects.filter(country=iso3.upper()).select_related("actor")[:limit]


def audit_for_object(object_type: str, object_id: str | int):
    return AuditEntry.objects.filter(object_type=object_type, object_id=str(object_id))


def audit_for_proposal(proposal_id: int):
    return AuditEntry.objects.filter(proposal_id=proposal_id).order_by("at", "id")
