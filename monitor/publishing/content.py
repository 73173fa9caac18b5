"""What a publication says: the data of a report, a country profile or a fact sheet.

Reads only, through the selectors that feed the website (treaty status, obligations, research
figures with their headline rules), and returns plain JSON-ready dicts plus the SVG graphics
drawn by the website's renderers. The Typst templates lay these out; nothing here knows about
pages or fonts.

A publication is made *as of an edition*: it reads that edition's records and those of the
editions published before it (report year not later), never a later edition's, and it says
which editions it read. When one of them is still open (not frozen), its figures can still
change, so the document is a draft and is marked as one on every page.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q

from monitor.countries.models import Country
from monitor.graphics.charts import Series as ChartSeries
from monitor.graphics.charts import format_number, line_chart_svg
from monitor.graphics.maps import MapItem, world_map_svg
from monitor.graphics.palettes import STATUS_PALETTE
from monitor.research.models import Edition
from monitor.research.selectors import PROFILE_THEMES, Figure, figure_series, theme_figures
from monitor.research.themes import THEMES
from monitor.rules.obligations import ObligationStatus
from monitor.rules.treaties import TREATIES
from monitor.treaties.models import Treaty
from monitor.treaties.selectors import country_treaty_statuses, treaty_page
from monitor.web.maplayers import render_layer
from monitor.web.templatetags.monitor_web import field_label

NO_DATA = "No data reported"

#: The treaties whose annual reports the Monitor publishes, and the report series' names.
REPORT_TREATIES = {"mbt": "Landmine Monitor", "ccm": "Cluster Munition Monitor"}

#: The chapters of an annual report after treaty status, with the themes each draws on.
CHAPTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Use", ("use",)),
    ("Production and transfer", ("production", "transfer")),
    ("Stockpiles", ("stockpiles",)),
    ("Contamination and land release", ("contamination", "land_release")),
    ("Casualties", ("casualties",)),
    ("Victim assistance", ("victim_assistance",)),
    ("Support for mine action", ("support",)),
)

#: Which records of a theme belong to a treaty's report (themes not listed: all records).
_TREATY_SCOPE: dict[str, dict[str, Q]] = {
    "mbt": {
        "contamination": ~Q(device_class="cluster_munition_remnants"),
        "land_release": ~Q(hazard="cmr"),
        "stockpiles": Q(treaty="mbt"),
        "casualties": Q(scope="mines_erw"),
        "use": ~Q(weapon="cluster_munitions"),
        "production": ~Q(weapon="cluster_munitions"),
        "transfer": ~Q(weapon="cluster_munitions"),
    },
    "ccm": {
        "contamination": Q(device_class="cluster_munition_remnants"),
        "land_release": Q(hazard="cmr"),
        "stockpiles": Q(treaty="ccm"),
        "casualties": Q(scope="cluster_munitions"),
        "use": Q(weapon="cluster_munitions"),
        "production": Q(weapon="cluster_munitions"),
        "transfer": Q(weapon="cluster_munitions"),
    },
}

_BADGES = {
    ObligationStatus.PENDING: ("on track", "due date ahead"),
    ObligationStatus.OVERDUE: (
        "overdue",
        "due date passed; known to apply, no completion recorded",
    ),
    ObligationStatus.MET: ("met", "completion recorded"),
    ObligationStatus.NOT_APPLICABLE: ("n/a", "recorded as not applying, or no longer bound"),
    ObligationStatus.UNKNOWN: ("no data", "due date passed; nothing recorded about completion"),
}


class ContentError(ValueError):
    """Something the caller can fix (unknown edition, country or treaty); one line."""


@dataclass
class Scope:
    """The edition a publication is made as of, and the editions it reads."""

    edition: Edition
    editions: list[Edition]
    left_out: list[str]  # editions without a report year (not placed in time), by name

    @property
    def edition_ids(self) -> list[int]:
        return [e.id for e in self.editions]

    @property
    def open_editions(self) -> list[str]:
        return [e.name for e in self.editions if not e.frozen]

    @property
    def draft(self) -> bool:
        return bool(self.open_editions)

    @property
    def as_of(self) -> date:
        """The date of the treaty status shown: the edition's publication date, else the day it
        was frozen, else the end of its report year (a draft), never later than the UN
        depositary record loaded."""
        depositary = [d for d in Treaty.objects.values_list("status_as_at", flat=True) if d]
        if self.edition.publication_date:
            day = self.edition.publication_date
        elif self.edition.frozen_at:
            day = self.edition.frozen_at.date()
        elif self.edition.report_year:
            day = date(self.edition.report_year, 12, 31)
        else:
            day = max(depositary) if depositary else date.today()
        return min([day, *depositary]) if depositary else day


def edition_scope(name: str | None) -> Scope:
    """The scope of a publication as of edition `name` (default: the latest edition)."""
    editions = list(Edition.objects.all())
    if not editions:
        raise ContentError("no edition loaded: run `monitor seed` or `monitor edition create`")
    if name:
        chosen = next((e for e in editions if e.name == name), None)
        if chosen is None:
            raise ContentError(f"unknown edition {name!r} (see `monitor edition list`)")
    else:
        dated = [e for e in editions if e.report_year is not None] or editions
        chosen = max(
            dated, key=lambda e: (e.report_year or 0, e.publication_date or date.min, e.id)
        )
    year = chosen.report_year
    read = [
        e
        for e in editions
        if e.id == chosen.id
        or (year is not None and e.report_year is not None and e.report_year <= year)
    ]
    left_out = sorted(e.name for e in editions if e.report_year is None and e.id != chosen.id)
    read.sort(key=lambda e: (e.report_year or 0, e.name))
    return Scope(chosen, read, left_out)


# --- Figures and citations --------------------------------------------------------------------


@dataclass
class Notes:
    """What the build collects on the way: places where no data was reported, and seconds
    spent drawing charts and maps (the build's stage timings)."""

    missing: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=lambda: {"charts": 0.0, "maps": 0.0})

    @contextmanager
    def timing(self, stage: str):
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - start


def _fmt(value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (int, Decimal, float)):
        return format_number(value if not isinstance(value, Decimal) else _dec(value))
    return str(value)


def _dec(value: Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def _display(theme, name: str, value) -> str:
    choices = dict(theme.model._meta.get_field(name).choices or ())
    if choices and value in choices:
        return str(choices[value])
    return _fmt(value)


def cite(figure_value) -> dict:
    """A footnote for a figure: the source's title, its edition and address."""
    source = figure_value.source
    return {
        "key": f"{source.pk}-{figure_value.edition.pk}",
        "text": source.citation,
        "edition": figure_value.edition.name,
        "url": source.url or "",
        "quote": source.quote or "",
    }


def mark_citations(items: Iterable[dict], scope_label: str) -> None:
    """Give each citation of one part of a document (a country profile, a chapter section) a
    label, and mark the first of each source and edition: it becomes the footnote, the
    others point to it. `items` are dicts with a "cite" (or None), in the order they are
    printed. One footnote per source per part keeps the report readable and fast to set
    (thousands of footnotes make Typst's layout converge slowly)."""
    seen: set[str] = set()
    for item in items:
        c = item.get("cite")
        if not c:
            continue
        c["label"] = f"fn-{scope_label}-{c['key']}"
        c["first"] = c["label"] not in seen
        seen.add(c["label"])


def figure_dict(fig: Figure) -> dict:
    theme = fig.theme
    values = [
        {"label": field_label(n), "value": _display(theme, n, v)} for n, v in fig.headline.values
    ]
    return {
        "year": fig.data_year,
        "key": ", ".join(fig.key_labels),
        "values": values,
        "cite": cite(fig.headline),
        "others": [
            {
                "edition": o.edition.name,
                "values": ", ".join(f"{field_label(n)}: {_fmt(v)}" for n, v in o.values),
            }
            for o in fig.others
        ],
        "disagreement": fig.disagreement,
    }


def scoped_figures(theme_name: str, scope: Scope, treaty: str | None, **kwargs) -> list[Figure]:
    """`theme_figures` restricted to the scope's editions and, for a report, to the treaty."""
    return theme_figures(
        theme_name,
        editions=scope.edition_ids,
        where=_TREATY_SCOPE.get(treaty or "", {}).get(theme_name),
        **kwargs,
    )


def _series_chart(
    theme_name: str, figures: list[Figure], *, title: str, width: float
) -> str | None:
    lines = [s for s in figure_series(theme_name, figures) if len(s.points) >= 2]
    if not lines:
        return None
    theme = THEMES[theme_name]
    return line_chart_svg(
        [
            ChartSeries(
                f"{s.label}: {field_label(s.field)}" if s.label else field_label(s.field),
                {p[0]: float(p[1]) for p in s.points},
            )
            for s in lines
        ],
        title=title,
        description=f"{theme.label} by data year, as cited; the table gives each value's source.",
        x_label="Data year",
        y_label=", ".join(dict.fromkeys(field_label(s.field) for s in lines)),
        width=width,
        height=width / 2,
    )


# --- Treaty status and obligations -----------------------------------------------------------


def _d(value: date | None) -> str:
    return f"{value.day} {value:%B %Y}" if value else ""


def country_status(iso3: str, as_of: date, *, treaties=("mbt", "ccm")) -> tuple[list, list]:
    """A country's status under each treaty and its obligations with badges (rows of text)."""
    statuses, obligations = [], []
    for view in country_treaty_statuses(iso3=iso3, as_of=as_of, treaties=list(treaties)):
        tl = view.timeline
        lines = []
        if tl.signature:
            lines.append(f"Signed {_d(tl.signature)}")
        if tl.deposit:
            kind = tl.deposit_kind.value if tl.deposit_kind else "instrument"
            lines.append(f"{kind.capitalize()} deposited {_d(tl.deposit)}")
        if tl.eif:
            lines.append(f"Entry into force {_d(tl.eif.date)}")
        if tl.withdrawal_notified:
            lines.append(f"Withdrawal notified {_d(tl.withdrawal_notified)}")
        if tl.withdrawal_effective:
            lines.append(f"Withdrawal effective {_d(tl.withdrawal_effective)}")
        statuses.append(
            {
                "treaty": view.treaty.code,
                "treaty_name": TREATIES[view.treaty.code].short_name,
                "status": view.status.label,
                "status_code": view.status.value,
                "lines": lines,
                "source": view.treaty.status_source,
            }
        )
        for ob in view.obligations:
            badge, reason = _BADGES[ob.status]
            if ob.status is ObligationStatus.MET and ob.met_on:
                reason = f"completion recorded on {_d(ob.met_on)}"
            elif ob.status is ObligationStatus.PENDING:
                reason = f"due date ahead ({_d(ob.due)})"
            obligations.append(
                {
                    "treaty": TREATIES[ob.treaty].short_name,
                    "kind": ob.kind.label,
                    "due": _d(ob.due),
                    "original_due": _d(ob.original_due) if ob.original_due != ob.due else "",
                    "extensions": len(ob.extensions),
                    "badge": badge,
                    "status": ob.status.value,
                    "reason": reason,
                    "basis": ob.basis,
                }
            )
    return statuses, obligations


# --- Country profiles --------------------------------------------------------------------------


def country_block(
    country: Country,
    scope: Scope,
    notes: Notes,
    *,
    figures: dict[str, list[Figure]] | None = None,
    treaty: str | None = None,
    charts: dict[str, str] | None = None,
    chart_width: float = 480,
) -> dict:
    """One country's profile: status, obligations, and every theme's figures (or "no data").

    `figures` (theme -> that country's figures) saves the queries when the caller loaded every
    country at once; `charts` receives the SVGs drawn, keyed by file name.
    """
    if figures is None:
        figures = {t: scoped_figures(t, scope, treaty, iso3=country.iso3) for t in PROFILE_THEMES}
    statuses, obligations = country_status(
        country.iso3, scope.as_of, treaties=(treaty,) if treaty else ("mbt", "ccm")
    )
    themes = []
    for name in PROFILE_THEMES:
        figs = figures.get(name, [])
        theme = THEMES[name]
        entry = {"name": name, "title": theme.label, "figures": [figure_dict(f) for f in figs]}
        if not figs:
            notes.missing.append(f"{country.name} ({country.iso3}): {theme.label}: {NO_DATA}")
        if charts is not None and figs:
            with notes.timing("charts"):
                svg = _series_chart(
                    name, figs, title=f"{theme.label} in {country.name} by year", width=chart_width
                )
            if svg:
                file = f"chart-{country.iso3.lower()}-{name}.svg"
                charts[file] = svg
                entry["chart"] = file
        themes.append(entry)
    mark_citations((f for t in themes for f in t["figures"]), country.iso3.lower())
    return {
        "iso3": country.iso3,
        "name": country.name,
        "region": country.region,
        "subregion": country.subregion,
        "statuses": statuses,
        "obligations": obligations,
        "themes": themes,
    }


def _country(iso3: str) -> Country:
    country = Country.objects.filter(iso3=(iso3 or "").upper()).first()
    if country is None:
        raise ContentError(f"unknown country code {iso3!r}: expected an ISO 3166-1 alpha-3 code")
    return country


def _head(scope: Scope) -> dict:
    return {
        "edition": scope.edition.name,
        "draft": scope.draft,
        "open_editions": scope.open_editions,
        "editions_read": [e.name for e in scope.editions],
        "left_out": scope.left_out,
        "as_of": _d(scope.as_of),
    }


def profile_content(iso3: str, scope: Scope, notes: Notes) -> tuple[dict, dict[str, str]]:
    """The country profile PDF: the same block as in the annual report, standing alone."""
    country = _country(iso3)
    charts: dict[str, str] = {}
    block = country_block(country, scope, notes, charts=charts)
    return {"kind": "profile", **_head(scope), "country": block}, charts


def _locator_map(iso3: str, name: str) -> str:
    """A small world map with the country marked (the website's map renderer)."""
    return world_map_svg(
        fills={iso3: MapItem("selected", name, STATUS_PALETTE["state_party"], name)},
        legend=[],
        title=f"Location of {name}",
        description=f"World map with {name} highlighted.",
        width=480,
        link_pattern=None,
        no_data_label="Other countries and areas",
    )


def _key_figures(block: dict) -> list[dict]:
    """The newest figure of each theme that has one, for the fact sheet's first page."""
    out = []
    for theme in block["themes"]:
        if not theme["figures"]:
            out.append({"title": theme["title"], "year": "", "text": NO_DATA, "cite": None})
            continue
        fig = theme["figures"][0]
        text = "; ".join(f"{v['label']}: {v['value']}" for v in fig["values"][:3])
        if fig["key"]:
            text = f"{fig['key']} — {text}"
        out.append(
            {"title": theme["title"], "year": fig["year"], "text": text, "cite": dict(fig["cite"])}
        )
    mark_citations(out, "key")
    return out


def factsheet_content(iso3: str, scope: Scope, notes: Notes) -> tuple[dict, dict[str, str]]:
    """The two-page fact sheet: key figures, treaty status, obligations, a small map."""
    country = _country(iso3)
    block = country_block(country, scope, notes)
    with notes.timing("maps"):
        charts = {"locator.svg": _locator_map(country.iso3, country.name)}
    data = {
        "kind": "factsheet",
        **_head(scope),
        "country": block,
        "key_figures": _key_figures(block),
        "map": "locator.svg",
    }
    return data, charts


# --- The annual report ---------------------------------------------------------------------------


def _status_chapter(treaty: str, scope: Scope, charts: dict[str, str], notes: Notes) -> dict:
    page = treaty_page(treaty=treaty, as_of=scope.as_of)
    with notes.timing("maps"):
        charts[f"map-{treaty}-status.svg"] = render_layer(
            "treaty-status", treaty=treaty, as_of=scope.as_of, link_pattern=None
        )
    membership = [m for m in page.membership if m["date"] <= scope.as_of]
    with notes.timing("charts"):
        charts[f"chart-{treaty}-membership.svg"] = membership_chart(treaty, membership)
    return _status_data(treaty, page, scope)


def membership_chart(treaty: str, membership: list[dict]) -> str:
    """States Parties at the end of each year, both conventions (also an infographic)."""
    return line_chart_svg(
        [
            ChartSeries(
                "States Parties (instrument deposited)",
                {m["year"]: m["deposit"] for m in membership},
            ),
            ChartSeries("In force for the State", {m["year"]: m["in_force"] for m in membership}),
        ],
        title=f"{TREATIES[treaty].short_name}: States Parties at the end of each year",
        description="Counts from the UN depositary records, in both conventions.",
        x_label="Year",
        y_label="States",
        width=640,
        height=300,
    )


def _status_data(treaty: str, page, scope: Scope) -> dict:
    def member(m) -> dict:
        tl = m.timeline
        return {
            "name": m.name,
            "signed": _d(tl.signature),
            "deposit": _d(tl.deposit),
            "eif": _d(tl.eif.date) if tl.eif else "",
            "status": m.status.label,
        }

    return {
        "treaty": treaty,
        "name": TREATIES[treaty].short_name,
        "source": page.treaty.status_source,
        "status_date": _d(scope.as_of),
        "deposit_count": page.deposit_count,
        "in_force_count": page.in_force_count,
        "pending_count": page.pending_count,
        "signatory_count": len(page.signatories),
        "parties": [member(m) for m in page.parties],
        "signatories": [member(m) for m in page.signatories],
        "withdrawals": [member(m) for m in page.withdrawals],
        "map": f"map-{treaty}-status.svg",
        "chart": f"chart-{treaty}-membership.svg",
    }


def report_countries(treaty: str, scope: Scope, by_theme: dict[str, list[Figure]]) -> list[Country]:
    """The countries with data in the report: a figure in scope, or a State Party of the treaty
    with a clearance or stockpile obligation recorded."""
    isos = {f.country_id for figs in by_theme.values() for f in figs if f.country_id}
    return list(Country.objects.filter(iso3__in=isos).order_by("name"))


def report_content(
    treaty: str, scope: Scope, notes: Notes, progress=None
) -> tuple[dict, dict[str, str]]:
    """The annual report: status chapter, thematic chapters, then every country with data."""
    if treaty not in REPORT_TREATIES:
        raise ContentError(f"unknown treaty {treaty!r}: expected one of mbt, ccm")
    charts: dict[str, str] = {}
    by_theme = {t: scoped_figures(t, scope, treaty) for t in PROFILE_THEMES}
    status = _status_chapter(treaty, scope, charts, notes)
    chapters = []
    for title, themes in CHAPTERS:
        sections = []
        for name in themes:
            theme = THEMES[name]
            figs = by_theme[name]
            global_figs = [f for f in figs if f.country_id is None]
            country_figs = [f for f in figs if f.country_id is not None]
            latest: dict[str, Figure] = {}
            for f in country_figs:  # newest data year first
                latest.setdefault(f.country_id, f)
            names = dict(Country.objects.filter(iso3__in=latest).values_list("iso3", "name"))
            section = {
                "title": theme.label,
                "global": [figure_dict(f) for f in global_figs],
                "countries": [
                    {"name": names.get(iso, iso), **figure_dict(f)}
                    for iso, f in sorted(latest.items(), key=lambda kv: names.get(kv[0], kv[0]))
                ],
            }
            mark_citations([*section["global"], *section["countries"]], f"theme-{name}")
            with notes.timing("charts"):
                svg = _series_chart(
                    name, global_figs, title=f"{theme.label}: global figures by year", width=640
                )
            if svg:
                charts[f"chart-global-{name}.svg"] = svg
                section["chart"] = f"chart-global-{name}.svg"
            if treaty == "mbt" and name in ("contamination", "casualties") and country_figs:
                with notes.timing("maps"):
                    charts[f"map-{name}.svg"] = render_layer(
                        name, link_pattern=None, editions=scope.edition_ids
                    )
                section["map"] = f"map-{name}.svg"
            if not figs:
                notes.missing.append(f"Global: {theme.label}: {NO_DATA}")
            sections.append(section)
        chapters.append({"title": title, "sections": sections})
    per_country: dict[str, dict[str, list[Figure]]] = defaultdict(lambda: defaultdict(list))
    for name, figs in by_theme.items():
        for f in figs:
            if f.country_id:
                per_country[f.country_id][name].append(f)
    countries = report_countries(treaty, scope, by_theme)
    blocks = []
    for i, country in enumerate(countries):
        blocks.append(
            country_block(
                country,
                scope,
                notes,
                figures=per_country.get(country.iso3, {}),
                treaty=treaty,
                charts=charts,
            )
        )
        if progress:
            progress("country profiles", i + 1, len(countries))
    data = {
        "kind": "report",
        **_head(scope),
        "title": f"{REPORT_TREATIES[treaty]} {scope.edition.report_year or ''}".strip(),
        "treaty": {
            "code": treaty,
            "name": TREATIES[treaty].name,
            "short": TREATIES[treaty].short_name,
        },
        "status": status,
        "chapters": chapters,
        "countries": blocks,
    }
    return data, charts


# --- Infographics ----------------------------------------------------------------------------


def infographics(scope: Scope, notes: Notes) -> dict[str, str]:
    """The key maps and charts of the annual reports, as SVG (file name -> SVG text).

    The same renderers and scope as the reports: treaty status maps and membership charts for
    both treaties, the contamination and casualty maps, and the global charts of each theme.
    """
    out: dict[str, str] = {}
    for treaty in REPORT_TREATIES:
        with notes.timing("maps"):
            out[f"{treaty}-status-map.svg"] = render_layer(
                "treaty-status", treaty=treaty, as_of=scope.as_of, link_pattern=None
            )
        page = treaty_page(treaty=treaty, as_of=scope.as_of)
        membership = [m for m in page.membership if m["date"] <= scope.as_of]
        with notes.timing("charts"):
            out[f"{treaty}-membership-chart.svg"] = membership_chart(treaty, membership)
    for layer in ("contamination", "casualties"):
        with notes.timing("maps"):
            out[f"{layer}-map.svg"] = render_layer(
                layer, link_pattern=None, editions=scope.edition_ids
            )
    for name in ("contamination", "land_release", "casualties", "support"):
        figures = scoped_figures(name, scope, None, global_only=True)
        with notes.timing("charts"):
            svg = _series_chart(
                name,
                figures,
                title=f"{THEMES[name].label}: global figures by year",
                width=640,
            )
        if svg:
            out[f"global-{name.replace('_', '-')}-chart.svg"] = svg
        else:
            notes.missing.append(f"Global: {THEMES[name].label}: fewer than two years of data")
    return out
