"""Reads of the research database for pages, the CLI and (later) the API and PDFs.

A *figure* is everything recorded for one country, theme, data year and breakdown key
(e.g. Afghanistan, casualties, 2023, mines/ERW): one record per edition and source. The
headline value is the record marked preferred, else the one from the latest edition; the
others stay visible beside it ("as published in ..."), flagged where they disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from monitor.research.models import Edition
from monitor.research.themes import COMMON_HEAD, COMMON_TAIL, THEMES, Theme

#: Themes shown on country pages, in the order of the Monitor's country profiles.
PROFILE_THEMES = (
    "contamination",
    "land_release",
    "casualties",
    "stockpiles",
    "support",
    "use",
    "production",
    "transfer",
    "victim_assistance",
)
_META = {c.name for c in COMMON_HEAD + COMMON_TAIL} | {"edition"}


@dataclass(frozen=True)
class Value:
    """One record's values as cited: edition, source and the fields it reports."""

    record: object
    values: tuple[tuple[str, object], ...]

    @property
    def edition(self) -> Edition:
        return self.record.edition  # type: ignore[attr-defined]

    @property
    def source(self):
        return self.record.source  # type: ignore[attr-defined]

    def as_dict(self) -> dict:
        return dict(self.values)


@dataclass(frozen=True)
class Figure:
    theme: Theme
    country_id: str | None
    data_year: int
    key: tuple[tuple[str, object], ...]
    headline: Value
    others: tuple[Value, ...]

    @property
    def disagreement(self) -> bool:
        """True when another edition or source gives a different value for a shared field."""
        head = self.headline.as_dict()
        for other in self.others:
            for name, value in other.values:
                if name in head and _norm(head[name]) != _norm(value):
                    return True
        return False

    @property
    def key_labels(self) -> list[str]:
        """The breakdown key as readers see it, e.g. ["Cluster munitions (...)"]."""
        labels = []
        for name, value in self.key:
            if value in ("", None):
                continue
            choices = dict(self.theme.model._meta.get_field(name).choices or ())
            labels.append(str(choices.get(value, value)))
        return labels

    @property
    def why_headline(self) -> str:
        rec = self.headline.record
        if rec.preferred:  # type: ignore[attr-defined]
            return rec.preferred_reason or "marked preferred"  # type: ignore[attr-defined]
        if self.others:
            return "latest edition"
        return ""


def _norm(value):
    return Decimal(value) if isinstance(value, (int, Decimal)) else value


def _value_fields(theme: Theme) -> list[str]:
    return [c.name for c in theme.columns if c.name not in _META and c.name not in theme.key]


def _record_values(theme: Theme, record) -> tuple[tuple[str, object], ...]:
    out = []
    for name in _value_fields(theme):
        value = getattr(record, name)
        if value is None or value == "":
            continue
        out.append((name, value))
    return tuple(out)


_CONFIDENCE_RANK = {"H": 3, "M": 2, "L": 1, "": 0}


def _rank(theme: Theme, record) -> tuple:
    """Headline order: preferred, then latest edition, then confidence, then completeness."""
    edition = record.edition
    return (
        1 if record.preferred else 0,
        edition.report_year or 0,
        edition.publication_date.toordinal() if edition.publication_date else 0,
        _CONFIDENCE_RANK.get(record.confidence, 0),
        len(_record_values(theme, record)),
        record.id,
    )


def theme_figures(
    theme_name: str,
    *,
    iso3: str | None = None,
    global_only: bool = False,
    edition: str | None = None,
) -> list[Figure]:
    """Figures of one theme for a country (or global figures), newest data year first."""
    theme = THEMES[theme_name]
    qs = theme.model.objects.select_related("edition", "source")
    if global_only:
        qs = qs.filter(country__isnull=True)
    elif iso3:
        qs = qs.filter(country_id=iso3)
    if edition:
        qs = qs.filter(edition__name=edition)
    groups: dict[tuple, list] = {}
    key_fields = [k for k in theme.key if k not in ("country", "data_year", "source")]
    for record in qs:
        key = tuple((k, getattr(record, k)) for k in key_fields)
        groups.setdefault((record.country_id, record.data_year, key), []).append(record)
    figures = []
    for (country_id, year, key), records in groups.items():
        records.sort(key=lambda r: _rank(theme, r), reverse=True)
        values = [Value(r, _record_values(theme, r)) for r in records]
        figures.append(Figure(theme, country_id, year, key, values[0], tuple(values[1:])))
    figures.sort(key=lambda f: (-f.data_year, [str(v) for _, v in f.key]))
    return figures


def country_research(*, iso3: str) -> dict[str, list[Figure]]:
    """Every theme's figures for one country, for its profile page (one query per theme)."""
    return {name: theme_figures(name, iso3=iso3) for name in PROFILE_THEMES}


def global_research() -> dict[str, list[Figure]]:
    """Global (WLD) figures per theme."""
    return {name: theme_figures(name, global_only=True) for name in PROFILE_THEMES}
