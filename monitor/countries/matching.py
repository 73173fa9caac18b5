"""Map country names as written by sources (UN depositary, Monitor reports) to our iso3 codes.

Framework-free. A name that cannot be matched, or that could mean more than one country, is an
error: silently dropping or guessing a country would corrupt treaty status and casualty data.

Names are compared after `normalise()`. Each record is indexed under its display name, its
pycountry name / official name / common name, its alpha-2 and alpha-3 codes, and the explicit
`ALIASES`; mledoze alternative spellings are added only where they point at a single country and
do not collide with those primary keys.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from functools import cache

import pycountry

from monitor.countries.data import (
    MLEDOZE_CODES,
    CountryRecord,
    load_country_records,
    load_vendored_rows,
    split_alt_spellings,
)

# Spellings used by the UN depositary or the Monitor that no other source gives us.
ALIASES: dict[str, str] = {
    "Democratic Republic of Congo": "COD",
    "DR Congo": "COD",
    "DRC": "COD",
    "Congo-Kinshasa": "COD",
    "Republic of Congo": "COG",
    "Republic of the Congo": "COG",
    "Congo-Brazzaville": "COG",
    "Korea, North": "PRK",
    "Korea, South": "KOR",
    "Lao PDR": "LAO",
    "Burma": "MMR",
    "Swaziland": "SWZ",
    "Cape Verde": "CPV",
    "East Timor": "TLS",
    "Turkey": "TUR",
    "Ivory Coast": "CIV",
    "Vatican": "VAT",
    "Macedonia": "MKD",
    "Former Yugoslav Republic of Macedonia": "MKD",
    "Palestinian Territories": "PSE",
    "Occupied Palestinian Territory": "PSE",
    "United States of America": "USA",
    "Kosovo": "XKX",
    "Somaliland": "XSL",
    "Nagorno-Karabakh": "XNK",
    "Nagorno Karabakh": "XNK",
    "Artsakh": "XNK",
}

# Names that could mean more than one country: matching them is an error, whatever the sources.
AMBIGUOUS: dict[str, tuple[str, ...]] = {
    "Korea": ("KOR", "PRK"),
    "Virgin Islands": ("VGB", "VIR"),
}


class UnknownCountryName(ValueError):
    """A name (or several, from `match_many`) that maps to no country."""

    def __init__(self, name: str, *, names: Iterable[str] | None = None, message: str = "") -> None:
        self.name = name
        self.names: tuple[str, ...] = tuple(names) if names is not None else (name,)
        if not message:
            if len(self.names) == 1:
                message = f"unknown country name {name!r}"
            else:
                message = "unknown country names: " + ", ".join(repr(n) for n in self.names)
        super().__init__(message)


class AmbiguousCountryName(UnknownCountryName):
    """A name that could mean more than one country."""

    def __init__(self, name: str, candidates: Iterable[str]) -> None:
        self.candidates = tuple(sorted(candidates))
        super().__init__(
            name,
            message=f"ambiguous country name {name!r} (could be {', '.join(self.candidates)})",
        )


_ST = re.compile(r"\bst\b\.?\s*")
_PUNCT = re.compile(r"[^\w\s]|_")
_THE = re.compile(r"\bthe\b")
_SPACES = re.compile(r"\s+")
# "X (Y)" at the end of a name, as the depositary writes "Bolivia (Plurinational State of)".
_PAREN = re.compile(r"^(?P<head>[^()]+?)\s*\((?P<tail>[^()]+)\)$")


def strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise(name: str) -> str:
    """A comparison key: accents, case, "&", "St.", "the" and punctuation do not matter."""
    text = strip_accents(name).casefold()
    text = text.replace("&", " and ")
    text = _ST.sub("saint ", text)
    text = _PUNCT.sub(" ", text)
    text = _THE.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def _swap(head: str, tail: str) -> str:
    return f"{tail.strip()} {head.strip()}"


def variants(name: str) -> Iterator[str]:
    """Normalised keys for `name`, most specific first.

    Besides the name itself: "X (Y of)" and "X, Y of" also as "Y of X" (so "Iran (Islamic
    Republic of)" meets "Islamic Republic of Iran"), and "X (Y)" also as plain "X" (so
    "Holy See (Vatican City State)" meets "Holy See", "Bahamas (The)" meets "Bahamas").
    """
    seen: set[str] = set()

    def emit(text: str) -> Iterator[str]:
        key = normalise(text)
        if key and key not in seen:
            seen.add(key)
            yield key

    stripped = name.strip()
    yield from emit(stripped)
    paren = _PAREN.match(stripped)
    if paren:
        yield from emit(_swap(paren["head"], paren["tail"]))
        yield from emit(paren["head"])
    if ", " in stripped and "(" not in stripped:
        head, _, tail = stripped.partition(", ")
        yield from emit(_swap(head, tail))


def _record_primary_names(record: CountryRecord) -> list[str]:
    names = [record.name, record.official_name, record.iso3, record.iso2]
    country = pycountry.countries.get(alpha_3=record.iso3)
    if country is not None:
        names += [
            country.name,
            getattr(country, "official_name", ""),
            getattr(country, "common_name", ""),
        ]
    return [n for n in names if n]


def _record_secondary_names(record: CountryRecord) -> list[str]:
    row = load_vendored_rows().get(MLEDOZE_CODES.get(record.iso3, record.iso3))
    if row is None:
        return []
    return [row["name.common"], row["name.official"], *split_alt_spellings(row["altSpellings"])]


def _index(pairs: Iterable[tuple[str, str]]) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for name, iso3 in pairs:
        for key in variants(name):
            index[key].add(iso3)
    return index


class NameMatcher:
    """Resolves names to iso3 codes over a fixed set of records."""

    def __init__(
        self,
        records: Iterable[CountryRecord],
        *,
        aliases: dict[str, str] | None = None,
        ambiguous: dict[str, tuple[str, ...]] | None = None,
        secondary: bool = True,
    ) -> None:
        records = list(records)
        codes = {r.iso3 for r in records}
        primary = _index((n, r.iso3) for r in records for n in _record_primary_names(r))
        # Exact-key collisions among primary names are real ambiguities: keep them as sets.
        self._keys: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in primary.items()}
        if secondary:
            extra = _index((n, r.iso3) for r in records for n in _record_secondary_names(r))
            for key, found in extra.items():
                if key not in self._keys and len(found) == 1:
                    self._keys[key] = frozenset(found)
        for alias, iso3 in (ALIASES if aliases is None else aliases).items():
            if iso3 not in codes:
                continue
            # Only the full spelling: an alias must not reach other names through its parts.
            self._keys[normalise(alias)] = frozenset({iso3})
        for name, candidates in (AMBIGUOUS if ambiguous is None else ambiguous).items():
            self._keys[normalise(name)] = frozenset(candidates)

    def match(self, name: str) -> str:
        """The iso3 code for `name`; raises UnknownCountryName (or AmbiguousCountryName)."""
        for key in variants(name):
            found = self._keys.get(key)
            if found is None:
                continue
            if len(found) > 1:
                raise AmbiguousCountryName(name, found)
            return next(iter(found))
        raise UnknownCountryName(name)

    def match_many(self, names: Iterable[str]) -> dict[str, str]:
        """{name: iso3} for all `names`; one UnknownCountryName listing every bad name."""
        result: dict[str, str] = {}
        bad: list[str] = []
        for name in names:
            if name in result or name in bad:
                continue
            try:
                result[name] = self.match(name)
            except UnknownCountryName:
                bad.append(name)
        if bad:
            raise UnknownCountryName(bad[0], names=bad)
        return result


@cache
def default_matcher() -> NameMatcher:
    """The matcher over `load_country_records()`; built once per process."""
    return NameMatcher(load_country_records())


def match(name: str) -> str:
    return default_matcher().match(name)


def match_many(names: Iterable[str]) -> dict[str, str]:
    return default_matcher().match_many(names)
