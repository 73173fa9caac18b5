"""Reads of the research database for pages, the CLI and (later) the API and PDFs.

A *figure* is everything recorded for one country, theme, data year and breakdown key
(e.g. Afghanistan, casualties, 2023, mines/ERW): one record per edition and source. The
headline value is the record marked preferred, else the one from the latest edition; the
others stay visible beside it ("as published in ..."), flagged where they disagree.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q

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
    editions: Collection[int] | None = None,
    where: Q | None = None,
) -> list[Figure]:
    """Figures of one theme for a country (or global figures), newest data year first.

    `edition` keeps one edition's records (by name); `editions` keeps the records of the
    editions with these ids, the headline chosen among them (a publication "as of" an edition
    reads that edition and the earlier ones). `where` keeps the records matching a condition on
    the theme's fields (a breakdown such as a treaty's devices; every record of a figure shares
    its breakdown, so whole figures are kept or left out)."""
    theme = THEMES[theme_name]
    qs = theme.model.objects.select_related("edition", "source")
    if global_only:
        qs = qs.filter(country__isnull=True)
    elif iso3:
        qs = qs.filter(country_id=iso3)
    if edition:
        qs = qs.filter(edition__name=edition)
    if editions is not None:
        qs = qs.filter(edition_id__in=list(editions))
    if where is not None:
        qs = qs.filter(where)
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


# --- Thematic overviews, home headlines, charts ---------------------------------------------

#: Themes with an overview page, and how their figures become chart series: the field that
#: splits series (a breakdown key) and the value fields plotted.
OVERVIEW_THEMES: dict[str, dict] = {
    "contamination": {"split": "device_class", "values": ("area_km2",)},
    "land_release": {"split": None, "values": ("released_km2", "cleared_km2")},
    "casualties": {"split": "scope", "values": ("total",)},
    "support": {"split": "kind", "values": ("amount_usd",)},
}


@dataclass(frozen=True)
class Series:
    """One line of a chart: the breakdown's label ("" if none), the value field plotted and
    (year, value, figure) points, oldest first."""

    key: str
    label: str
    field: str
    points: tuple[tuple[int, object, Figure], ...]

    @property
    def years(self) -> list[int]:
        return [p[0] for p in self.points]


def figure_series(theme_name: str, figures: list[Figure]) -> list[Series]:
    """Chart series from already loaded figures (pure: no query). One point per year."""
    spec = OVERVIEW_THEMES.get(theme_name)
    if spec is None:
        return []
    theme = THEMES[theme_name]
    split = spec["split"]
    lines: dict[tuple, dict[int, Figure]] = {}
    labels: dict[tuple, str] = {}
    for fig in figures:
        key = dict(fig.key)
        if key.get("donor") or key.get("thematic_area"):
            continue  # support broken down by donor or area: not a total
        split_value = key.get(split) if split else ""
        values = fig.headline.as_dict()
        for name in spec["values"]:
            if values.get(name) is None:
                continue
            line = (str(split_value or ""), name)
            if split:
                choices = dict(theme.model._meta.get_field(split).choices or ())
                label = str(choices.get(split_value, split_value))
            else:
                label = ""
            labels[line] = label
            # Several breakdowns may fall on one line (e.g. estimate quality): keep the first.
            lines.setdefault(line, {}).setdefault(fig.data_year, fig)
    result = []
    for line, by_year in lines.items():
        points = tuple(
            (year, by_year[year].headline.as_dict()[line[1]], by_year[year])
            for year in sorted(by_year)
        )
        result.append(
            Series(
                key="-".join(p for p in line if p), label=labels[line], field=line[1], points=points
            )
        )
    result.sort(key=lambda s: (s.label, s.field))
    return result


@dataclass(frozen=True)
class ThemeOverview:
    theme: Theme
    global_figures: tuple[Figure, ...]
    global_series: tuple[Series, ...]
    by_country: tuple[tuple[str, str, Figure], ...]  # (iso3, name, figure), latest year each


def _sort_value(theme_name: str, fig: Figure):
    spec = OVERVIEW_THEMES.get(theme_name, {"values": ()})
    values = fig.headline.as_dict()
    for name in spec["values"]:
        if values.get(name) is not None:
            return Decimal(values[name])
    return Decimal(-1)


def theme_overview(theme_name: str) -> ThemeOverview:
    """Global figures by year and each country's latest figures for one theme (two queries).

    Raises KeyError for a theme without an overview.
    """
    from monitor.countries.models import Country

    spec = OVERVIEW_THEMES[theme_name]  # noqa: F841  (KeyError for other themes)
    figures = theme_figures(theme_name)
    global_figs = [f for f in figures if f.country_id is None]
    country_figs = [f for f in figures if f.country_id is not None]
    latest: dict[str, int] = {}
    for f in country_figs:
        latest[f.country_id] = max(latest.get(f.country_id, 0), f.data_year)
    names = (
        dict(Country.objects.filter(iso3__in=latest).values_list("iso3", "name")) if latest else {}
    )
    rows = [
        (f.country_id, names.get(f.country_id, f.country_id), f)
        for f in country_figs
        if f.data_year == latest[f.country_id]
    ]
    rows.sort(key=lambda r: (-_sort_value(theme_name, r[2]), r[1]))
    return ThemeOverview(
        theme=THEMES[theme_name],
        global_figures=tuple(global_figs),
        global_series=tuple(figure_series(theme_name, global_figs)),
        by_country=tuple(rows),
    )


@dataclass(frozen=True)
class Headline:
    """A home-page card: a value, its data year and the record it comes from."""

    name: str
    value: object
    data_year: int | None
    figure: Figure | None = None
    years: tuple[int, int] | None = None


def headline_figures() -> dict[str, Headline | None]:
    """The latest global casualties, land released and support totals, and the number of
    countries with antipersonnel mine contamination recorded (four queries)."""
    from monitor.research.models import Contamination

    def latest(theme_name: str, field: str, **key) -> Headline | None:
        for fig in theme_figures(theme_name, global_only=True):  # newest year first
            k = dict(fig.key)
            if any(k.get(n) != v for n, v in key.items()):
                continue
            value = fig.headline.as_dict().get(field)
            if value is not None:
                return Headline(theme_name, value, fig.data_year, fig)
        return None

    contaminated = list(
        Contamination.objects.filter(
            country__isnull=False,
            device_class=Contamination.DeviceClass.ANTIPERSONNEL_MINES,
            area_km2__gt=0,
        ).values_list("country_id", "data_year")
    )
    years = [y for _, y in contaminated]
    return {
        "casualties": latest("casualties", "total", scope="mines_erw"),
        "land_release": latest("land_release", "released_km2"),
        "support": latest("support", "amount_usd", kind="total", donor="", thematic_area=""),
        "contamination": Headline(
            "contamination",
            len({c for c, _ in contaminated}),
            max(years) if years else None,
            years=(min(years), max(years)) if years else None,
        ),
    }


@dataclass(frozen=True)
class CountryResearch:
    """A country's figures (optionally as published in one edition), with the editions that
    hold figures for it and when its records were last written."""

    themes: tuple[tuple[Theme, tuple[Figure, ...]], ...]
    series: tuple[tuple[Theme, tuple[Series, ...]], ...]
    editions: tuple[Edition, ...]
    edition: Edition | None
    last_updated: object  # datetime | None


class UnknownEdition(ValueError):
    """An edition name with no figures for the country."""


def _in_edition(fig: Figure, edition_id: int) -> Figure | None:
    values = [v for v in (fig.headline, *fig.others) if v.record.edition_id == edition_id]
    if not values:
        return None
    return Figure(fig.theme, fig.country_id, fig.data_year, fig.key, values[0], tuple(values[1:]))


def country_research_view(*, iso3: str, edition: str | None = None) -> CountryResearch:
    """`country_research` plus editions, charts and last update, in the same queries.

    With `edition`, every figure is shown as that edition published it (figures it did not
    publish are left out); raises UnknownEdition if it published none for this country.
    """
    research = country_research(iso3=iso3)
    editions: dict[int, Edition] = {}
    last = None
    for figures in research.values():
        for fig in figures:
            for v in (fig.headline, *fig.others):
                editions.setdefault(v.record.edition_id, v.record.edition)
                created = v.record.created_at
                if created and (last is None or created > last):
                    last = created
    chosen = None
    if edition:
        chosen = next((e for e in editions.values() if e.name == edition), None)
        if chosen is None:
            raise UnknownEdition(edition)
        research = {
            name: [f for f in (_in_edition(fig, chosen.id) for fig in figs) if f]
            for name, figs in research.items()
        }
    ordered = sorted(editions.values(), key=lambda e: (e.report_year or 0, e.name), reverse=True)
    series = []
    for name in ("land_release", "casualties", "support"):
        lines = [s for s in figure_series(name, research.get(name, [])) if len(s.points) >= 2]
        if lines:
            series.append((THEMES[name], tuple(lines)))
    return CountryResearch(
        themes=tuple((THEMES[n], tuple(f)) for n, f in research.items()),
        series=tuple(series),
        editions=tuple(ordered),
        edition=chosen,
        last_updated=last,
    )
