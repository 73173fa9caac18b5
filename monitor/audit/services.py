"""Writing the audit log. Every write path of the platform calls `audit_write`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import models

from monitor.audit.models import AuditEntry


@dataclass(frozen=True)
class AuditContext:
    """Who is writing, how and why; passed down to the services that write data."""

    via: str
    actor: object | None = None  # a User, or None for the command line / system
    reason: str = ""
    proposal_id: int | None = None

    @property
    def actor_name(self) -> str:
        if self.actor is None:
            return "system"
        return self.actor.get_username()  # type: ignore[attr-defined]


SYSTEM = AuditContext(via="system")


def jsonable(value):
    """A field value as JSON: related objects by their key, decimals and dates as text."""
    if isinstance(value, models.Model):
        for attr in ("key", "iso3", "name"):
            if getattr(value, attr, None):
                return str(getattr(value, attr))
        return str(value.pk)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def snapshot(obj: models.Model, fields: list[str] | None = None) -> dict:
    """The concrete field values of `obj`, for before/after. A foreign key shows the related
    object's natural key (source key, ISO3, edition name) when that object is already loaded,
    else its stored id: a snapshot never runs a query."""
    out = {}
    for f in obj._meta.concrete_fields:
        if f.primary_key or f.name == "created_at":
            continue
        if fields is not None and f.name not in fields:
            continue
        if f.is_relation and not f.is_cached(obj):
            out[f.name] = jsonable(getattr(obj, f.attname))
        else:
            out[f.name] = jsonable(getattr(obj, f.name))
    return out


def audit_write(
    *,
    context: AuditContext,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    label: str = "",
    country: str = "",
    edition: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> AuditEntry:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        label = label or str(obj)[:300]
    return AuditEntry.objects.create(
        actor=context.actor,
        actor_name=context.actor_name,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_label=label[:300],
        country=country or "",
        edition=edition or "",
        before=before,
        after=after,
        reason=context.reason,
        via=context.via[:300],
        proposal_id=context.proposal_id,
    )
