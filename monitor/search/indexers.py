"""What the search index holds: one indexer function per kind of document.

An indexer yields `Doc`s; `search_index_rebuild()` runs every indexer in `INDEXERS`. A new
kind of document (reports, ...) is one more function decorated with `@indexer(kind, label)`:
the label heads its group of results on the search page (and is listed in
monitor/web/labels.py for translation). Published narrative sections are also re-indexed one
by one as they are published (`search_narrative_update`, from a signal: see apps.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Doc:
    kind: str
    ref: str
    title: str
    url: str = ""
    body: str = ""
    boost: float = 1.0


Indexer = Callable[[], Iterable[Doc]]

#: kind -> (label of its group of results, indexer), in the order groups are shown.
INDEXERS: dict[str, tuple[str, Indexer]] = {}


def indexer(kind: str, label: str) -> Callable[[Indexer], Indexer]:
    def register(func: Indexer) -> Indexer:
        INDEXERS[kind] = (label, func)
        return func

    return register


def kind_label(kind: str) -> str:
    return INDEXERS[kind][0] if kind in INDEXERS else kind.replace("_", " ").capitalize()


def _other_spellings(iso3: str, name: str) -> list[str]:
    """Alternative names from pycountry, the vendored mledoze table and the matcher's aliases."""
    import pycountry

    from monitor.countries.data import MLEDOZE_CODES, load_vendored_rows, split_alt_spellings
    from monitor.countries.matching import ALIASES

    names: list[str] = []
    country = pycountry.countries.get(alpha_3=iso3)
    if country is not None:
        names += [
            country.name,
            getattr(country, "official_name", ""),
            getattr(country, "common_name", ""),
        ]
    row = load_vendored_rows().get(MLEDOZE_CODES.get(iso3, iso3))
    if row is not None:
        names += [
            row["name.common"],
            row["name.official"],
            *split_alt_spellings(row["altSpellings"]),
        ]
    names += [alias for alias, code in ALIASES.items() if code == iso3]
    seen = {name.casefold()}
    unique = []
    for n in names:
        if n and n.casefold() not in seen:
            seen.add(n.casefold())
            unique.append(n)
    return unique


@indexer("country", "Countries and other areas")
def index_countries() -> Iterable[Doc]:
    from monitor.countries.models import Country

    for c in Country.objects.order_by("iso3"):
        parts = [c.official_name] if c.official_name and c.official_name != c.name else []
        parts.append(" ".join(code for code in (c.iso3, c.iso2, c.numeric) if code))
        others = _other_spellings(c.iso3, c.name)
        if others:
            parts.append("Also: " + "; ".join(others))
        if c.kind == Country.Kind.OTHER_AREA:
            parts.append("Other area profiled by the Monitor")
        region = ", ".join(p for p in (c.subregion, c.region) if p)
        if region:
            parts.append(region)
        if c.note:
            parts.append(c.note)
        yield Doc(
            kind="country",
            ref=c.iso3,
            title=c.name,
            url=reverse("web:country-detail", kwargs={"iso3": c.iso3}),
            body=". ".join(parts),
            boost=3.0,
        )


@indexer("source", "Sources")
def index_sources() -> Iterable[Doc]:
    from monitor.research.models import Source

    for s in Source.objects.order_by("key"):
        head = ", ".join(p for p in (s.publisher, s.publication_date) if p)
        if s.page:
            head = f"{head}, {s.page}" if head else s.page
        body = " ".join(p for p in (f"{head}." if head else "", s.quote, f"[{s.key}]") if p)
        yield Doc(kind="source", ref=s.key, title=s.title, url=s.url, body=body, boost=1.0)


@indexer("note", "Research notes and quotes")
def index_research_notes() -> Iterable[Doc]:
    """Every research record with a quote or a note of its own, under its theme and country."""
    from monitor.research.themes import THEMES

    home = reverse("web:home")
    for theme in THEMES.values():
        if not theme.edition_bound:
            continue
        qs = (
            theme.model.objects.exclude(quote="", note="")
            .select_related("country", "edition")
            .order_by("pk")
        )
        for r in qs:
            where = r.country.name if r.country_id else "Global"
            if r.country_id:
                url = reverse("web:country-detail", kwargs={"iso3": r.country_id})
            else:
                url = home
            body = " ".join(p for p in (r.quote, r.note) if p)
            yield Doc(
                kind="note",
                ref=f"{theme.name}:{r.pk}",
                title=f"{theme.label}: {where}, {r.data_year} ({r.edition.name})",
                url=f"{url}#research-{theme.name}",
                body=body,
                boost=0.5,
            )


def narrative_doc(iso3: str, country_name: str, section) -> Doc:
    """The search document of one published profile section (a `ProfileSection`)."""
    return Doc(
        kind="narrative",
        ref=f"{iso3}:{section.key}",
        title=f"{country_name}: {section.label}",
        url=reverse("web:country-detail", kwargs={"iso3": iso3}) + f"#{section.key}",
        body=f"{section.text} ({section.edition})",
        boost=1.5,
    )


@indexer("narrative", "Country profiles")
def index_narrative() -> Iterable[Doc]:
    """Each country's published profile sections (the latest edition of each section)."""
    from monitor.editorial.selectors_public import profiles_all

    for iso3, name, section in profiles_all():
        yield narrative_doc(iso3, name, section)
