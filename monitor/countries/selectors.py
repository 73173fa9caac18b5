"""Read queries on countries."""

from __future__ import annotations

from django.db.models import QuerySet

from monitor.countries.models import Country


def country_list(*, kind: str | None = None) -> QuerySet[Country]:
    """All countries ordered by name, optionally only one kind ("state" or "other_area")."""
    qs = Country.objects.all()
    if kind is not None:
        if kind not in Country.Kind.values:
            raise ValueError(f"unknown country kind {kind!r}")
        qs = qs.filter(kind=kind)
    return qs.order_by("name")


def country_get(*, iso3: str) -> Country:
    """The country with code `iso3` (any case); raises Country.DoesNotExist."""
    return Country.objects.get(iso3=iso3.strip().upper())
