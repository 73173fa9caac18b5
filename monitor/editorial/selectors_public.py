"""Reads of editorial data for the public site and the search index.

Only what is published: narrative sections (written by `services.narrative_publish` when an
editor approves), errata of frozen editions and a reader's own subscription (by its secret
token). Nothing here reveals a draft or a proposal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import F

from monitor.editorial.models import NarrativeSection, Subscription
from monitor.editorial.narrative import SECTIONS
from monitor.research.models import Erratum
from monitor.research.themes import THEMES

_FOOTNOTE_ID = re.compile(r'(id="|href="#)fn-(ref-)?(\d+)"')
_FOOTNOTES = re.compile(r'<section class="footnotes">.*?</section>', re.S)
_TAG = re.compile(r"<[^>]+>")


@dataclass(frozen=True)
class ProfileSection:
    """One published section of a country profile, from its latest edition."""

    key: str  # narrative.SECTIONS key, also the anchor on the country page
    label: str  # English label (narrative.SECTIONS); templates translate it
    html: str  # sanitised by nh3 when published
    edition: str
    updated_at: datetime

    @property
    def updated_on(self) -> date:
        return self.updated_at.date()

    @property
    def text(self) -> str:
        """The section as plain text, without its footnotes (for the search index)."""
        return " ".join(_TAG.sub(" ", _FOOTNOTES.sub(" ", self.html)).split())


@dataclass(frozen=True)
class ErratumNote:
    """A correction to a frozen edition's figure, as shown beside the figure."""

    theme: str
    original_id: int
    corrected_id: int
    edition: str  # the frozen edition corrected
    corrected_edition: str  # where the corrected figure is published
    reason: str
    created_at: datetime

    @property
    def theme_label(self) -> str:
        """English label of the theme; templates translate it."""
        theme = THEMES.get(self.theme)
        return theme.label if theme else self.theme

    @property
    def created_on(self) -> date:
        return self.created_at.date()


def _scoped_footnotes(html: str, key: str) -> str:
    """Footnote anchors made unique per section: several sections share the country page.

    `narrative.render` numbers each section's footnotes from 1 under the prefix "fn" unless
    given another `anchor`; stored HTML with the default prefix gets the section key added
    here, so that "#fn-1" of one section does not jump to another's. Other prefixes are left
    as they are. Only the attribute values change: the HTML stays as nh3 cleaned it.
    """
    return _FOOTNOTE_ID.sub(
        lambda m: f'{m.group(1)}{key}-fn-{m.group(2) or ""}{m.group(3)}"',
        html,
    )


def _latest_sections(rows: Iterable[NarrativeSection]) -> dict[tuple[str, str], ProfileSection]:
    """The first row per (country, section) of rows ordered latest edition first."""
    labels = dict(SECTIONS)
    latest: dict[tuple[str, str], ProfileSection] = {}
    for row in rows:
        ident = (row.country_id, row.section)
        if ident in latest or row.section not in labels:
            continue
        latest[ident] = ProfileSection(
            key=row.section,
            label=labels[row.section],
            html=_scoped_footnotes(row.html, row.section),
            edition=row.edition.name,
            updated_at=row.updated_at,
        )
    return latest


_SECTION_FIELDS = (
    "country_id",
    "section",
    "html",
    "updated_at",
    "edition__name",
    "edition__report_year",
    "edition__publication_date",
)


def _sections_qs():
    return (
        NarrativeSection.objects.select_related("edition")
        .only(*_SECTION_FIELDS)
        .order_by(
            "country_id",
            F("edition__report_year").desc(nulls_last=True),
            F("edition__publication_date").desc(nulls_last=True),
            "-edition_id",
        )
    )


def country_profile(*, iso3: str) -> tuple[ProfileSection, ...]:
    """The published profile of a country: for each section (in `SECTIONS` order) the text of
    the latest edition that has one. One query; sections never published are left out."""
    latest = _latest_sections(_sections_qs().filter(country_id=iso3))
    return tuple(latest[(iso3, key)] for key, _ in SECTIONS if (iso3, key) in latest)


def country_profile_section(*, iso3: str, section: str) -> ProfileSection | None:
    """One section of `country_profile` (None if never published)."""
    rows = _sections_qs().filter(country_id=iso3, section=section)
    return _latest_sections(rows).get((iso3, section))


def profiles_all() -> Iterable[tuple[str, str, ProfileSection]]:
    """(iso3, country name, section) of every country's published profile, by country."""
    rows = _sections_qs().select_related("country").only(*_SECTION_FIELDS, "country__name")
    names: dict[str, str] = {}
    sections = []
    for row in rows:
        names.setdefault(row.country_id, row.country.name)
        sections.append(row)
    latest = _latest_sections(sections)
    order = {key: n for n, (key, _) in enumerate(SECTIONS)}
    for (iso3, _key), section in sorted(
        latest.items(), key=lambda item: (item[0][0], order[item[0][1]])
    ):
        yield iso3, names[iso3], section


def country_errata(*, iso3: str) -> tuple[ErratumNote, ...]:
    """Corrections to frozen editions' figures of a country, oldest first (one query)."""
    rows = (
        Erratum.objects.filter(country_id=iso3)
        .order_by("created_at", "id")
        .values_list(
            "theme",
            "original_id",
            "corrected_id",
            "edition__name",
            "corrected_edition__name",
            "reason",
            "created_at",
        )
    )
    return tuple(ErratumNote(*row) for row in rows)


def errata_by_record(notes: Iterable[ErratumNote]) -> dict[str, list[ErratumNote]]:
    """Errata keyed "theme:record id", for both the original and the corrected record."""
    index: dict[str, list[ErratumNote]] = {}
    for note in notes:
        for pk in (note.original_id, note.corrected_id):
            index.setdefault(f"{note.theme}:{pk}", []).append(note)
    return index


def subscription_by_token(token: str) -> Subscription | None:
    """The subscription a confirmation or cancellation link names (None if unknown)."""
    if not token or len(token) > 64:
        return None
    return Subscription.objects.select_related("country").filter(token=token).first()
