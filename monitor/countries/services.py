"""Write operations on countries."""

from __future__ import annotations

from dataclasses import asdict

from django.db import transaction

from monitor.countries.data import CountryRecord, load_country_records
from monitor.countries.models import Country


def _changed_fields(country: Country, values: dict[str, str]) -> list[str]:
    return [field for field, value in values.items() if getattr(country, field) != value]


@transaction.atomic
def country_seed(*, records: list[CountryRecord] | None = None) -> dict[str, int]:
    """Upsert every country record; idempotent, so re-running on a seeded database changes nothing.

    Rows are never deleted: other tables point at countries with PROTECT, and a code that leaves
    the source tables should be dealt with by a person, not by the seed.
    """
    records = load_country_records() if records is None else records
    existing = Country.objects.in_bulk([r.iso3 for r in records])
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    to_create: list[Country] = []
    for record in records:
        values = asdict(record)
        iso3 = values.pop("iso3")
        country = existing.get(iso3)
        if country is None:
            to_create.append(Country(iso3=iso3, **values))
            counts["created"] += 1
            continue
        changed = _changed_fields(country, values)
        if not changed:
            counts["unchanged"] += 1
            continue
        for field in changed:
            setattr(country, field, values[field])
        country.full_clean()
        country.save(update_fields=changed)
        counts["updated"] += 1
    for country in to_create:
        country.full_clean(validate_unique=False)
    Country.objects.bulk_create(to_create)
    return counts
