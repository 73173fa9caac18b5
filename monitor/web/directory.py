"""The country directory: every country and other area, by UN M49 region, with treaty status.

A read composed only of the countries and treaties selectors, so the statuses shown here
match every other page (and the CLI). One query for the countries, and the treaty
selector's queries once per treaty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from monitor.countries.models import Country
from monitor.countries.selectors import country_list
from monitor.rules.treaties import TREATIES, Status, TreatyRules
from monitor.treaties.selectors import treaty_status_rows

#: Treaties shown as badges in the directory, in this order.
DIRECTORY_TREATIES = ("mbt", "ccm")
NO_REGION = "Other"


@dataclass(frozen=True)
class DirectoryEntry:
    country: Country
    statuses: tuple[tuple[TreatyRules, Status], ...]


@dataclass(frozen=True)
class Region:
    name: str
    entries: tuple[DirectoryEntry, ...]


def country_directory(*, as_of: date, treaties: Sequence[str] = DIRECTORY_TREATIES) -> list[Region]:
    """Countries grouped by region (alphabetical, by name within), each with its statuses."""
    status_by_treaty = {
        code: {row.iso3: row.status for row, _ in treaty_status_rows(treaty=code, as_of=as_of)}
        for code in treaties
    }
    groups: dict[str, list[DirectoryEntry]] = {}
    for country in country_list():
        statuses = tuple(
            (TREATIES[code], status_by_treaty[code].get(country.iso3, Status.NON_SIGNATORY))
            for code in treaties
        )
        groups.setdefault(country.region or NO_REGION, []).append(DirectoryEntry(country, statuses))
    ordered = sorted(groups, key=lambda name: (name == NO_REGION, name))
    return [Region(name, tuple(groups[name])) for name in ordered]
