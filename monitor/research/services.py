"""Writes to the research database. Importers and (later) editorial approvals call these."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction

from monitor.audit.services import SYSTEM, AuditContext
from monitor.research.models import Edition, Source
from monitor.research.themes import Theme

_YEAR = re.compile(r"\b(19|20)\d{2}\b")


class ResearchDataError(ValueError):
    """Input that cannot be stored; nothing has been written."""


def edition_get_or_create(*, name: str) -> tuple[Edition, bool]:
    """An edition by name, created as a draft if new; the report year is read from the name.

    By the Monitor's convention a report covers the previous calendar year (DOMAIN 5.1):
    "Landmine Monitor 2024" reports on data year 2023.
    """
    name = " ".join(name.split())
    if not name:
        raise ResearchDataError("edition name is empty")
    edition = Edition.objects.filter(name=name).first()
    if edition:
        return edition, False
    years = [int(m.group(0)) for m in _YEAR.finditer(name)]
    report_year = years[-1] if years else None
    edition = Edition(
        name=name,
        report_year=report_year,
        data_year=report_year - 1 if report_year else None,
    )
    edition.full_clean()
    edition.save()
    return edition, True


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def source_get_or_create(
    *,
    title: str,
    url: str = "",
    key: str = "",
    publisher: str = "",
    publication_date: str = "",
    quote: str = "",
) -> tuple[Source, bool]:
    """A source by key, else by (title, url); a new one gets a key made from its title."""
    if key:
        found = Source.objects.filter(key=key).first()
    else:
        found = Source.objects.filter(title=title, url=url).first()
    if found:
        return found, False
    base = key or _slug(title) or "source"
    candidate, n = base, 2
    while Source.objects.filter(key=candidate).exists():
        candidate, n = f"{base[:55]}-{n}", n + 1
    source = Source(
        key=candidate,
        title=title,
        url=url,
        publisher=publisher,
        publication_date=publication_date,
        quote=quote,
    )
    source.full_clean()
    source.save()
    return source, True


@dataclass
class UpsertResult:
    obj: object
    created: bool
    changed: bool


def edition_check_open(edition: Edition) -> None:
    """Refuse a write into a frozen edition: its figures never change (errata instead)."""
    if edition is not None and edition.frozen_at is not None:
        raise ResearchDataError(
            f"edition {edition.name!r} is frozen: its figures cannot change; "
            "a correction goes into an open edition as an erratum"
        )


def _audit_country(obj) -> str:
    return getattr(obj, "country_id", None) or ""


def record_upsert(*, theme: Theme, values: dict, audit: AuditContext = SYSTEM) -> UpsertResult:
    """Create or update one record of `theme`, found by the theme's natural key.

    `values` holds converted values keyed by column name, with "country" a Country or None,
    "source" a Source, and "edition" an Edition (for edition-bound themes). Re-applying the
    same values reports no change, which makes imports idempotent. Every creation or change
    is written to the audit log with `audit` (who, how, why); a frozen edition refuses both
    (`ResearchDataError`).
    """
    from monitor.audit.services import audit_write, snapshot

    model = theme.model
    data = {k: v for k, v in values.items() if k in {f.name for f in model._meta.get_fields()}}
    for name, value in list(data.items()):
        if value is None:
            field = model._meta.get_field(name)
            if not field.null and field.has_default():
                data[name] = field.get_default()
            elif not field.null and field.get_internal_type() in ("CharField", "TextField"):
                data[name] = ""
    key_fields = list(theme.key) + (["edition"] if theme.edition_bound else [])
    lookup = {k: data.get(k) for k in key_fields}
    from monitor.web.cache import data_version_bump

    edition = data.get("edition") if theme.edition_bound else None
    with transaction.atomic():
        existing = model.objects.filter(**lookup).first()
        if existing is None:
            edition_check_open(edition)
            obj = model(**data)
            obj.full_clean()
            obj.save()
            audit_write(
                context=audit,
                action="create",
                obj=obj,
                label=_record_label(theme, obj),
                country=_audit_country(obj),
                edition=edition.name if edition else "",
                after=snapshot(obj),
            )
            data_version_bump()  # published data changed: cached pages are stale
            return UpsertResult(obj, True, True)
        changed = [k for k, v in data.items() if getattr(existing, k) != v]
        if changed:
            edition_check_open(edition)
            before = snapshot(existing, changed)
            for k in changed:
                setattr(existing, k, data[k])
            existing.full_clean()
            existing.save(update_fields=changed)
            audit_write(
                context=audit,
                action="update",
                obj=existing,
                label=_record_label(theme, existing),
                country=_audit_country(existing),
                edition=edition.name if edition else "",
                before=before,
                after=snapshot(existing, changed),
            )
            data_version_bump()
        return UpsertResult(existing, False, bool(changed))


def _record_label(theme: Theme, obj) -> str:
    """e.g. "Casualties AFG 2023 (mines_erw)"."""
    parts = [theme.label]
    country = getattr(obj, "country_id", None)
    if country or hasattr(obj, "data_year"):
        parts.append(country or "WLD")
    if hasattr(obj, "data_year"):
        parts.append(str(obj.data_year))
    extra = [
        str(getattr(obj, k))
        for k in theme.key
        if k not in ("country", "data_year", "source") and getattr(obj, k, "") not in ("", None)
    ]
    if extra:
        parts.append(f"({', '.join(extra)})")
    if theme.name == "sources":
        parts.append(getattr(obj, "key", ""))
    return " ".join(parts)
