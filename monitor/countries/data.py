"""The country table the platform seeds from: ISO 3166-1 (pycountry) plus the Monitor's other areas.

Framework-free on purpose, so it can be tested and reused (matching, scripts) without Django.

Sources, and why each:
- ISO 3166-1 codes and English names come from `pycountry`, the maintained Python copy of the
  ISO/Debian iso-codes tables, so every ISO entry (249) is present with its official codes.
- UN M49 regions come from the vendored mledoze table (`data/countries.csv`, ODbL, see
  `data/README.md`). mledoze names most sub-regions exactly as M49 does; where it uses its own
  grouping ("Central Europe", "Southeast Europe", "North America", "Antarctic") or differs from
  M49 for a country, `M49_OVERRIDES` gives the M49 sub-region, taken from the UN Statistics
  Division's "Standard country or area codes for statistical use (M49)"
  (https://unstats.un.org/unsd/methodology/m49/).
- The other areas that are not ISO entries get stable codes from the ISO user-assigned range
  (`OTHER_AREAS`); the codes must never change, because they are primary keys.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pycountry

VENDORED_CSV = Path(__file__).resolve().parent / "data" / "countries.csv"

STATE = "state"
OTHER_AREA = "other_area"


@dataclass(frozen=True)
class CountryRecord:
    iso3: str
    iso2: str
    numeric: str
    name: str
    official_name: str
    kind: str  # STATE | OTHER_AREA
    region: str
    region_code: str
    subregion: str
    subregion_code: str
    note: str


# --- UN M49 ---------------------------------------------------------------------------------

M49_REGIONS: dict[str, str] = {
    "002": "Africa",
    "019": "Americas",
    "142": "Asia",
    "150": "Europe",
    "009": "Oceania",
}

# M49 sub-region code -> (name, region code). Latin America is split at M49's "intermediate
# region" level (Caribbean, Central America, South America), which is how the Monitor groups it.
M49_SUBREGIONS: dict[str, tuple[str, str]] = {
    "015": ("Northern Africa", "002"),
    "014": ("Eastern Africa", "002"),
    "017": ("Middle Africa", "002"),
    "018": ("Southern Africa", "002"),
    "011": ("Western Africa", "002"),
    "029": ("Caribbean", "019"),
    "013": ("Central America", "019"),
    "005": ("South America", "019"),
    "021": ("Northern America", "019"),
    "143": ("Central Asia", "142"),
    "030": ("Eastern Asia", "142"),
    "035": ("South-eastern Asia", "142"),
    "034": ("Southern Asia", "142"),
    "145": ("Western Asia", "142"),
    "151": ("Eastern Europe", "150"),
    "154": ("Northern Europe", "150"),
    "039": ("Southern Europe", "150"),
    "155": ("Western Europe", "150"),
    "053": ("Australia and New Zealand", "009"),
    "054": ("Melanesia", "009"),
    "057": ("Micronesia", "009"),
    "061": ("Polynesia", "009"),
}

# mledoze sub-region names that are M49 sub-regions (spelling aside). mledoze's own groupings
# ("Central Europe", "Southeast Europe", "North America", and the blank "Antarctic" one) are
# deliberately absent: their members are split across M49 sub-regions, see M49_OVERRIDES.
MLEDOZE_SUBREGION_TO_M49: dict[str, str] = {
    "Northern Africa": "015",
    "Eastern Africa": "014",
    "Middle Africa": "017",
    "Southern Africa": "018",
    "Western Africa": "011",
    "Caribbean": "029",
    "Central America": "013",
    "South America": "005",
    "Central Asia": "143",
    "Eastern Asia": "030",
    "South-Eastern Asia": "035",
    "Southern Asia": "034",
    "Western Asia": "145",
    "Eastern Europe": "151",
    "Northern Europe": "154",
    "Southern Europe": "039",
    "Western Europe": "155",
    "Australia and New Zealand": "053",
    "Melanesia": "054",
    "Micronesia": "057",
    "Polynesia": "061",
}

# iso3 -> M49 sub-region code, or None where M49 assigns no region (Antarctica). Covers every
# member of mledoze's non-M49 groupings plus the countries where mledoze differs from M49.
M49_OVERRIDES: dict[str, str | None] = {
    # mledoze "Central Europe"
    "AUT": "155",
    "CZE": "151",
    "HUN": "151",
    "POL": "151",
    "SVK": "151",
    "SVN": "039",
    # mledoze "Southeast Europe"
    "ALB": "039",
    "BGR": "151",
    "BIH": "039",
    "HRV": "039",
    "MKD": "039",
    "MNE": "039",
    "ROU": "151",
    "SRB": "039",
    # mledoze "North America": M49 puts Mexico in Central America and the US Minor Outlying
    # Islands in Micronesia; the rest is Northern America.
    "BMU": "021",
    "CAN": "021",
    "GRL": "021",
    "MEX": "013",
    "SPM": "021",
    "UMI": "057",
    "USA": "021",
    # mledoze "Antarctic"
    "ATA": None,
    "ATF": "014",
    "BVT": "005",
    "HMD": "053",
    "SGS": "005",
    # mledoze differs from M49
    "CYP": "145",  # mledoze: Southern Europe
    "SSD": "014",  # mledoze: Middle Africa
    # not in M49 (not ISO); placed as the Monitor and neighbouring M49 entries suggest
    "XKX": "039",
    "XSL": "014",
    "XNK": "145",
}

# Our code -> mledoze's cca3 where they differ (mledoze uses "UNK" for Kosovo).
MLEDOZE_CODES: dict[str, str] = {"XKX": "UNK"}


# --- names and notes ------------------------------------------------------------------------

# Short English display names where pycountry has neither a usable `name` nor a `common_name`
# (its names of the form "X, Y of" or "X (Y)" read badly in running text).
DISPLAY_NAMES: dict[str, str] = {
    "PSE": "Palestine",
    "COD": "Democratic Republic of the Congo",
    "FSM": "Micronesia",
    "VAT": "Holy See",
    "VGB": "British Virgin Islands",
    "VIR": "United States Virgin Islands",
}

_OTHER_AREA_NOTE = "ISO 3166-1 entry that the Monitor profiles as an other area, not a state."
NOTES: dict[str, str] = {
    "PSE": (
        "The Monitor profiles other areas where not a state; Palestine is the State of Palestine"
        " at the UN depositary and a State Party to the Mine Ban Treaty and the Convention on"
        " Cluster Munitions, so it is kept as a state."
    ),
    "TWN": _OTHER_AREA_NOTE,
    "ESH": _OTHER_AREA_NOTE,
}

# ISO entries the Monitor profiles as other areas.
ISO_OTHER_AREAS: frozenset[str] = frozenset({"TWN", "ESH"})


@dataclass(frozen=True)
class OtherArea:
    """An area the Monitor profiles that has no ISO 3166-1 entry."""

    iso3: str
    iso2: str
    name: str
    note: str


# Codes are from the ISO 3166-1 user-assigned range (AAA-AAM, QMA-QZZ, XAA-XZZ, ZZA-ZZZ), which
# ISO will never allocate. XK/XKX is the code already in wide use for Kosovo (EU, World Bank).
# Somaliland and Nagorno-Karabakh have no widely used code: we use XSL and XNK and give them no
# alpha-2 rather than invent one. These codes are primary keys: never change them.
OTHER_AREAS: tuple[OtherArea, ...] = (
    OtherArea(
        "XKX",
        "XK",
        "Kosovo",
        "Not an ISO 3166-1 entry; XK/XKX is the user-assigned code in common use."
        " The Monitor profiles Kosovo as an other area.",
    ),
    OtherArea(
        "XSL",
        "",
        "Somaliland",
        "Not an ISO 3166-1 entry; XSL is a project code from the ISO user-assigned range."
        " The Monitor profiles Somaliland as an other area.",
    ),
    OtherArea(
        "XNK",
        "",
        "Nagorno-Karabakh",
        "Not an ISO 3166-1 entry; XNK is a project code from the ISO user-assigned range."
        " The Monitor profiled Nagorno-Karabakh as an other area until the de facto"
        " authorities dissolved on 1 January 2024.",
    ),
)


# --- the vendored mledoze table -------------------------------------------------------------


@cache
def load_vendored_rows() -> dict[str, dict[str, str]]:
    """The vendored mledoze rows keyed by their cca3 (cached: the file never changes at runtime)."""
    with VENDORED_CSV.open(encoding="utf-8", newline="") as fh:
        return {row["cca3"]: row for row in csv.DictReader(fh)}


def split_alt_spellings(value: str) -> list[str]:
    """Split mledoze's comma-joined altSpellings.

    The list is joined with a bare "," while spellings such as "Korea, Republic of" contain ", "
    (comma and space), so only a comma not followed by a space separates two spellings.
    """
    return [part for part in re.split(r",(?! )", value) if part.strip()]


def vendored_row(iso3: str) -> dict[str, str] | None:
    return load_vendored_rows().get(MLEDOZE_CODES.get(iso3, iso3))


def m49_subregion_code(iso3: str) -> str | None:
    """The M49 sub-region code for `iso3`, or None if M49 gives it none.

    Raises KeyError for an mledoze sub-region we do not map and no override covers: a new
    vendored table must not silently leave a country without a region.
    """
    if iso3 in M49_OVERRIDES:
        return M49_OVERRIDES[iso3]
    row = vendored_row(iso3)
    if row is None:
        return None
    return MLEDOZE_SUBREGION_TO_M49[row["subregion"]]


def m49_fields(iso3: str) -> dict[str, str]:
    """region, region_code, subregion and subregion_code for `iso3` (blank where M49 has none)."""
    code = m49_subregion_code(iso3)
    if code is None:
        return {"region": "", "region_code": "", "subregion": "", "subregion_code": ""}
    subregion, region_code = M49_SUBREGIONS[code]
    return {
        "region": M49_REGIONS[region_code],
        "region_code": region_code,
        "subregion": subregion,
        "subregion_code": code,
    }


# --- records --------------------------------------------------------------------------------


def display_name(country: Any) -> str:
    """A short English name: our override, else pycountry's common_name, else its name."""
    override = DISPLAY_NAMES.get(country.alpha_3)
    return override or getattr(country, "common_name", None) or country.name


def official_name(country: Any) -> str:
    """pycountry's official_name without the leading article it has for some ("the State of ...")."""
    name = getattr(country, "official_name", "") or ""
    return name[4:] if name.startswith("the ") else name


def iso_record(country: Any) -> CountryRecord:
    iso3: str = country.alpha_3
    return CountryRecord(
        iso3=iso3,
        iso2=country.alpha_2,
        numeric=country.numeric,
        name=display_name(country),
        official_name=official_name(country),
        kind=OTHER_AREA if iso3 in ISO_OTHER_AREAS else STATE,
        note=NOTES.get(iso3, ""),
        **m49_fields(iso3),
    )


def other_area_record(area: OtherArea) -> CountryRecord:
    return CountryRecord(
        iso3=area.iso3,
        iso2=area.iso2,
        numeric="",
        name=area.name,
        official_name="",
        kind=OTHER_AREA,
        note=area.note,
        **m49_fields(area.iso3),
    )


def build_records(iso_countries: Iterable[Any], areas: Iterable[OtherArea]) -> list[CountryRecord]:
    records = [iso_record(c) for c in iso_countries] + [other_area_record(a) for a in areas]
    return sorted(records, key=lambda r: r.iso3)


@cache
def _records() -> tuple[CountryRecord, ...]:
    return tuple(build_records(pycountry.countries, OTHER_AREAS))


def load_country_records() -> list[CountryRecord]:
    """Every ISO 3166-1 country plus the Monitor's non-ISO other areas, sorted by iso3."""
    return list(_records())
