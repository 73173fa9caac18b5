"""Reads about report editions: their record counts, the figure-by-figure difference between
two editions, and the errata to a frozen edition.

A *figure* is what a record reports for one country, data year and breakdown (the theme's
natural key without the edition and without the source): a figure is the same figure whatever
source it was taken from. Where an edition holds the same figure from several sources, its
headline record speaks for it (preferred first, then the higher confidence, then the more
complete record, then the later one), as on the public pages.

One selector feeds the command line (`monitor edition diff`), and can feed the web and the API:
the results are plain dataclasses with an `as_dict()` for JSON.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count

from monitor.countries.models import Country
from monitor.research.models import Edition, Erratum
from monitor.research.themes import COMMON_HEAD, COMMON_TAIL, THEMES, Theme

GLOBAL_CODE = "WLD"
#: Themes whose records belong to an edition, in declaration order.
EDITION_THEMES = tuple(name for name, theme in THEMES.items() if theme.edition_bound)
_META = {c.name for c in COMMON_HEAD + COMMON_TAIL}
_CONFIDENCE_RANK = {"H": 3, "M": 2, "L": 1}
CHANGES = ("added", "removed", "changed")


class EditionQueryError(ValueError):
    """An unknown edition, theme or country; the message says which."""


def edition_get(name: str) -> Edition:
    """The edition named `name` (spaces normalised), or EditionQueryError."""
    clean = " ".join(str(name or "").split())
    edition = Edition.objects.filter(name=clean).first()
    if edition is None:
        raise EditionQueryError(f"unknown edition {name!r} (monitor edition list shows them)")
    return edition


# --- record counts ------------------------------------------------------------------------


@dataclass(frozen=True)
class EditionSummary:
    name: str
    report_year: int | None
    data_year: int | None
    publication_date: dt.date | None
    frozen_at: dt.datetime | None
    records: dict[str, int] = field(default_factory=dict)  # theme -> count, non-zero only

    @property
    def total(self) -> int:
        return sum(self.records.values())

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "report_year": self.report_year,
            "data_year": self.data_year,
            "publication_date": _json(self.publication_date),
            "frozen_at": _json(self.frozen_at),
            "records": dict(self.records),
            "total": self.total,
        }


def edition_summaries() -> list[EditionSummary]:
    """Every edition, oldest report year first, with its record count per theme."""
    counts: dict[int, dict[str, int]] = {}
    for name in EDITION_THEMES:
        rows = THEMES[name].model.objects.values("edition_id").annotate(n=Count("id"))
        for row in rows.order_by():
            counts.setdefault(row["edition_id"], {})[name] = row["n"]
    return [
        EditionSummary(
            name=e.name,
            report_year=e.report_year,
            data_year=e.data_year,
            publication_date=e.publication_date,
            frozen_at=e.frozen_at,
            records=counts.get(e.pk, {}),
        )
        for e in Edition.objects.order_by("report_year", "name")
    ]


def edition_record_counts(edition: Edition) -> dict[str, int]:
    """Records of `edition` per theme (themes without any are left out)."""
    counts = {}
    for name in EDITION_THEMES:
        n = THEMES[name].model.objects.filter(edition=edition).count()
        if n:
            counts[name] = n
    return counts


# --- diff ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureChange:
    """One figure added, removed or changed between edition A and edition B.

    `fields` maps a value field to its (A, B) values: for a changed figure the fields that
    differ, for an added or removed one every field it reports. Values are None where absent.
    """

    theme: str
    country: str  # ISO3, or WLD for a global figure
    data_year: int
    key: dict[str, object]  # the breakdown, e.g. {"scope": "mines_erw"}
    change: str  # added | removed | changed
    fields: dict[str, tuple[object, object]]
    source_a: str = ""  # source key of A's record ("" if added)
    source_b: str = ""

    @property
    def source_changed(self) -> bool:
        return self.change == "changed" and self.source_a != self.source_b

    def as_dict(self) -> dict:
        return {
            "theme": self.theme,
            "country": self.country,
            "data_year": self.data_year,
            "key": {k: _json(v) for k, v in self.key.items()},
            "change": self.change,
            "fields": {n: {"a": _json(a), "b": _json(b)} for n, (a, b) in self.fields.items()},
            "source": {"a": self.source_a or None, "b": self.source_b or None},
        }


@dataclass(frozen=True)
class EditionDiff:
    a: str
    b: str
    figures: tuple[FigureChange, ...]
    unchanged: int

    @property
    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys(CHANGES, 0)
        for figure in self.figures:
            counts[figure.change] += 1
        return {**counts, "unchanged": self.unchanged}

    def as_dict(self) -> dict:
        return {
            "a": self.a,
            "b": self.b,
            "summary": self.summary,
            "figures": [f.as_dict() for f in self.figures],
        }


def value_fields(theme: Theme) -> list[str]:
    """The fields a figure reports (not its key, edition, source or citation notes)."""
    return [c.name for c in theme.columns if c.name not in _META and c.name not in theme.key]


def _breakdown(theme: Theme) -> list[str]:
    return [k for k in theme.key if k not in ("country", "data_year", "source")]


def _rank(record, fields: list[str]) -> tuple:
    filled = sum(1 for name in fields if getattr(record, name) not in (None, ""))
    return (
        record.preferred,
        _CONFIDENCE_RANK.get(record.confidence, 0),
        filled,
        record.pk,
    )


def _values(record, fields: list[str]) -> dict[str, object]:
    return {n: getattr(record, n) for n in fields if getattr(record, n) not in (None, "")}


def _headlines(theme: Theme, qs, edition_id: int) -> dict[tuple, object]:
    """edition's records of `theme` by figure, one (the headline) per figure."""
    fields = value_fields(theme)
    breakdown = _breakdown(theme)
    best: dict[tuple, object] = {}
    for record in qs:
        if record.edition_id != edition_id:
            continue
        figure = (
            record.country_id or GLOBAL_CODE,
            record.data_year,
            tuple((k, getattr(record, k)) for k in breakdown),
        )
        if figure not in best or _rank(record, fields) > _rank(best[figure], fields):
            best[figure] = record
    return best


def _sort_key(theme_index: int, figure: tuple) -> tuple:
    country, year, key = figure
    return (theme_index, country != GLOBAL_CODE, country, year, [str(v) for _, v in key])


def edition_diff(
    a: str, b: str, *, country: str | None = None, theme: str | None = None
) -> EditionDiff:
    """Figure by figure, what edition `b` adds, removes and changes relative to edition `a`.

    `country` (ISO3, or WLD for global figures) and `theme` narrow the comparison. A figure
    whose values are equal is unchanged even if its source differs (each edition usually
    cites itself); a changed figure shows its source in both editions.
    """
    edition_a, edition_b = edition_get(a), edition_get(b)
    themes = EDITION_THEMES
    if theme:
        if theme not in EDITION_THEMES:
            raise EditionQueryError(
                f"unknown theme {theme!r}: expected one of {', '.join(EDITION_THEMES)}"
            )
        themes = (theme,)
    iso3 = (country or "").strip().upper()
    if iso3 and iso3 != GLOBAL_CODE and not Country.objects.filter(iso3=iso3).exists():
        raise EditionQueryError(f"unknown country {country!r}: expected ISO3 or WLD")

    figures: list[tuple[tuple, FigureChange]] = []
    unchanged = 0
    for name in themes:
        spec = THEMES[name]
        fields = value_fields(spec)
        qs = spec.model.objects.filter(edition__in=[edition_a, edition_b]).select_related("source")
        if iso3 == GLOBAL_CODE:
            qs = qs.filter(country__isnull=True)
        elif iso3:
            qs = qs.filter(country_id=iso3)
        records = list(qs.order_by())
        in_a = _headlines(spec, records, edition_a.pk)
        in_b = _headlines(spec, records, edition_b.pk)
        for figure in in_a.keys() | in_b.keys():
            rec_a, rec_b = in_a.get(figure), in_b.get(figure)
            values_a = _values(rec_a, fields) if rec_a else {}
            values_b = _values(rec_b, fields) if rec_b else {}
            if rec_a is None:
                change = "added"
            elif rec_b is None:
                change = "removed"
            elif values_a != values_b:
                change = "changed"
            else:
                unchanged += 1
                continue
            names = [n for n in fields if n in values_a or n in values_b]
            if change == "changed":
                names = [n for n in names if values_a.get(n) != values_b.get(n)]
            country_code, year, key = figure
            figures.append(
                (
                    _sort_key(EDITION_THEMES.index(name), figure),
                    FigureChange(
                        theme=name,
                        country=country_code,
                        data_year=year,
                        key=dict(key),
                        change=change,
                        fields={n: (values_a.get(n), values_b.get(n)) for n in names},
                        source_a=rec_a.source.key if rec_a else "",
                        source_b=rec_b.source.key if rec_b else "",
                    ),
                )
            )
    figures.sort(key=lambda pair: pair[0])
    return EditionDiff(
        a=edition_a.name,
        b=edition_b.name,
        figures=tuple(f for _, f in figures),
        unchanged=unchanged,
    )


# --- errata -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ErratumView:
    """An erratum to a frozen edition: the figure as published, and as corrected."""

    theme: str
    country: str
    data_year: int | None
    key: dict[str, object]
    original: dict[str, object]
    corrected: dict[str, object]
    original_source: str
    corrected_source: str
    corrected_edition: str
    reason: str
    proposal_id: int | None
    created_at: dt.datetime

    def as_dict(self) -> dict:
        return {
            "theme": self.theme,
            "country": self.country,
            "data_year": self.data_year,
            "key": {k: _json(v) for k, v in self.key.items()},
            "original": {k: _json(v) for k, v in self.original.items()},
            "corrected": {k: _json(v) for k, v in self.corrected.items()},
            "source": {"original": self.original_source, "corrected": self.corrected_source},
            "corrected_edition": self.corrected_edition,
            "reason": self.reason,
            "proposal": self.proposal_id,
            "created_at": _json(self.created_at),
        }


def edition_errata(name: str) -> list[ErratumView]:
    """The errata to edition `name`, oldest first (an open edition has none)."""
    edition = edition_get(name)
    errata = list(
        Erratum.objects.filter(edition=edition).select_related("corrected_edition").order_by()
    )
    errata.sort(key=lambda e: (e.created_at, e.pk))
    records: dict[str, dict[int, object]] = {}
    for theme in {e.theme for e in errata}:
        ids = [i for e in errata if e.theme == theme for i in (e.original_id, e.corrected_id)]
        spec = THEMES.get(theme)
        if spec is not None:
            records[theme] = spec.model.objects.select_related("source").in_bulk(ids)
    views = []
    for erratum in errata:
        spec = THEMES.get(erratum.theme)
        found = records.get(erratum.theme, {})
        original, corrected = found.get(erratum.original_id), found.get(erratum.corrected_id)
        fields = value_fields(spec) if spec else []
        either = original or corrected
        views.append(
            ErratumView(
                theme=erratum.theme,
                country=erratum.country_id or GLOBAL_CODE,
                data_year=getattr(either, "data_year", None),
                key={k: getattr(either, k) for k in _breakdown(spec)} if spec and either else {},
                original=_values(original, fields) if original else {},
                corrected=_values(corrected, fields) if corrected else {},
                original_source=original.source.key if original else "",
                corrected_source=corrected.source.key if corrected else "",
                corrected_edition=erratum.corrected_edition.name,
                reason=erratum.reason,
                proposal_id=erratum.proposal_id,
                created_at=erratum.created_at,
            )
        )
    return views


def _json(value):
    """A value for JSON: numbers stay numbers, decimals and dates become text."""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value
