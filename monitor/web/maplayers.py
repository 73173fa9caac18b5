"""Map layers for the public site: database reads -> inputs of `graphics.maps.world_map_svg`.

Each layer returns a `Layer` (unpacks as `fills, legend, title, description`) in 1-3 queries;
`render_layer(name, **kwargs)` renders one to an SVG string.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import NamedTuple

from monitor.countries.data import vendored_row
from monitor.countries.models import Country
from monitor.graphics.maps import LegendEntry, MapItem, world_map_svg
from monitor.graphics.palettes import SEQUENTIAL_5, STATUS_PALETTE
from monitor.research.models import CasualtyAggregate, Contamination
from monitor.rules.bands import DEFAULT_BANDS, Band, Bands
from monitor.rules.treaties import Status, treaty_rules
from monitor.treaties.selectors import treaty_status_rows


class Layer(NamedTuple):
    fills: dict[str, MapItem]
    legend: list[LegendEntry]
    title: str
    description: str


#: Legend order for treaty status maps.
STATUS_ORDER = (
    Status.STATE_PARTY,
    Status.JOINED_PENDING_EIF,
    Status.WITHDRAWAL_PENDING,
    Status.SIGNATORY,
    Status.WITHDRAWN,
    Status.NON_SIGNATORY,
)


def _can_be_non_signatory(iso3: str, kind: str) -> bool:
    """A State with no treaty event is a non-signatory; a dependent territory or an other area
    (e.g. Greenland, Taiwan, Kosovo) is left as "no data" rather than called one."""
    if kind != Country.Kind.STATE:
        return False
    row = vendored_row(iso3)
    return bool(row) and (row.get("independent") == "1" or row.get("unMember") == "1")


def treaty_status_layer(treaty: str, as_of: date) -> Layer:
    """Every country's status under `treaty` on `as_of` (2 queries)."""
    rules = treaty_rules(treaty)
    fills: dict[str, MapItem] = {}
    for row, _timeline in treaty_status_rows(treaty=treaty, as_of=as_of):
        fills[row.iso3] = MapItem(
            row.status.value, Status(row.status).label, STATUS_PALETTE[row.status.value], row.name
        )
    for iso3, name, kind in Country.objects.values_list("iso3", "name", "kind"):
        if iso3 not in fills and _can_be_non_signatory(iso3, kind):
            status = Status.NON_SIGNATORY
            fills[iso3] = MapItem(status.value, status.label, STATUS_PALETTE[status.value], name)
    counts = {s: 0 for s in STATUS_ORDER}
    for item in fills.values():
        counts[Status(item.category)] += 1
    legend = [
        LegendEntry(f"{s.label} ({counts[s]})", STATUS_PALETTE[s.value])
        for s in STATUS_ORDER
        if counts[s]
    ]
    joined = sum(
        counts[s]
        for s in (Status.STATE_PARTY, Status.JOINED_PENDING_EIF, Status.WITHDRAWAL_PENDING)
    )
    legend.append(
        LegendEntry(
            "States are counted from the deposit of their instrument (Monitor convention). "
            "Dependent territories and other areas are shown without a status."
        )
    )
    title = f"{rules.short_name}: status of countries as of {as_of.day} {as_of:%B %Y}"
    description = (
        f"World map of {rules.name} status on {as_of.isoformat()}: {joined} States have joined "
        f"({counts[Status.STATE_PARTY]} States Parties, {counts[Status.JOINED_PENDING_EIF]} "
        f"with entry into force pending, {counts[Status.WITHDRAWAL_PENDING]} with withdrawal "
        f"pending), {counts[Status.SIGNATORY]} signatories, {counts[Status.WITHDRAWN]} withdrawn "
        f"and {counts[Status.NON_SIGNATORY]} non-signatories."
    )
    return Layer(fills, legend, title, description)


_CONFIDENCE_RANK = {"H": 3, "M": 2, "L": 1, "": 0}

CONTAMINATION_NOTE = (
    "The Monitor does not publish a global table of contamination size: many States' "
    "estimates are far higher than the true extent. Figures are based on official sources "
    "and subject to revision."
)


def _in_editions(qs, editions: Collection[int] | None):
    return qs if editions is None else qs.filter(edition_id__in=list(editions))


def contamination_layer(
    bands: Bands = DEFAULT_BANDS, editions: Collection[int] | None = None
) -> Layer:
    """Antipersonnel-mine contamination per country, in size bands (1 query).

    Per country: the newest data year, then the record the country page shows as headline
    (preferred, latest edition, confidence, newest record). `editions` (ids) keeps those
    editions' records only (a publication as of an edition).
    """
    rows = (
        _in_editions(Contamination.objects, editions)
        .filter(device_class=Contamination.DeviceClass.ANTIPERSONNEL_MINES, country__isnull=False)
        .values_list(
            "id",
            "country_id",
            "country__name",
            "data_year",
            "area_km2",
            "preferred",
            "confidence",
            "edition__report_year",
            "edition__name",
        )
        .order_by()
    )
    best: dict[str, tuple] = {}
    for rid, iso3, name, year, area, preferred, confidence, report_year, edition in rows:
        rank = (year, preferred, report_year or 0, _CONFIDENCE_RANK.get(confidence, 0), rid)
        if iso3 not in best or rank > best[iso3][0]:
            best[iso3] = (rank, name, year, area, edition)
    colours = dict(zip(bands.ordered(), SEQUENTIAL_5[1:], strict=True))
    fills = {}
    for iso3, (_rank, name, year, area, edition) in best.items():
        band = bands.classify(area)
        fills[iso3] = MapItem(
            band.value,
            bands.range_label(band),
            colours[band],
            name,
            detail=f"{area:,} km² estimated, {year}, {edition}",
        )
    legend = [LegendEntry(bands.range_label(b), colours[b]) for b in reversed(bands.ordered())]
    legend.append(LegendEntry(CONTAMINATION_NOTE))
    counts = {b: sum(1 for i in fills.values() if i.category == b.value) for b in Band}
    description = (
        "World map of estimated antipersonnel mine contamination by size band, for "
        f"{len(fills)} countries and areas with a recorded estimate: "
        + ", ".join(f"{bands.label(b).lower()} {counts[b]}" for b in reversed(bands.ordered()))
        + ". "
        + CONTAMINATION_NOTE
    )
    return Layer(fills, legend, "Antipersonnel mine contamination (estimated area)", description)


#: Casualty classes: (lower bound inclusive, label), lightest to darkest colour.
CASUALTY_CLASSES = (
    (0, "0–9"),
    (10, "10–99"),
    (100, "100–499"),
    (500, "500–999"),
    (1000, "1,000 or more"),
)


def casualty_class(total: int) -> int:
    """Index into CASUALTY_CLASSES."""
    return max(i for i, (lower, _) in enumerate(CASUALTY_CLASSES) if total >= lower)


def casualties_layer(editions: Collection[int] | None = None) -> Layer:
    """Mine/ERW casualties per country in its latest data year, in 5 classes (1 query);
    `editions` as for `contamination_layer`."""
    rows = (
        _in_editions(CasualtyAggregate.objects, editions)
        .filter(scope=CasualtyAggregate.Scope.MINES_ERW, country__isnull=False, total__isnull=False)
        .values_list(
            "id",
            "country_id",
            "country__name",
            "data_year",
            "total",
            "preferred",
            "confidence",
            "edition__report_year",
        )
        .order_by()
    )
    best: dict[str, tuple] = {}
    for rid, iso3, name, year, total, preferred, confidence, report_year in rows:
        rank = (year, preferred, report_year or 0, _CONFIDENCE_RANK.get(confidence, 0), rid)
        if iso3 not in best or rank > best[iso3][0]:
            best[iso3] = (rank, name, year, total)
    fills = {}
    for iso3, (_rank, name, year, total) in best.items():
        i = casualty_class(total)
        fills[iso3] = MapItem(
            f"class_{i}",
            f"{CASUALTY_CLASSES[i][1]} casualties",
            SEQUENTIAL_5[i],
            name,
            detail=f"{total:,} in {year}",
        )
    legend = [
        LegendEntry(f"{label} casualties", SEQUENTIAL_5[i])
        for i, (_, label) in reversed(list(enumerate(CASUALTY_CLASSES)))
    ]
    legend.append(
        LegendEntry(
            "Casualties from mines, improvised mines and explosive remnants of war in each "
            "country's latest recorded data year (years differ between countries)."
        )
    )
    years = sorted({v[2] for v in best.values()})
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else (str(years[0]) if years else "none")
    description = (
        f"World map of recorded mine/ERW casualties for {len(fills)} countries and areas, "
        f"latest data year per country (data years {span})."
    )
    return Layer(fills, legend, "Mine/ERW casualties, latest data year", description)


LAYERS: dict[str, Callable[..., Layer]] = {
    "treaty-status": treaty_status_layer,
    "contamination": contamination_layer,
    "casualties": casualties_layer,
}


def render_layer(
    name: str,
    *,
    width: float = 960,
    link_pattern: str | None = "/countries/{iso3}/",
    **kwargs,
) -> str:
    """Render layer `name` ("treaty-status", "contamination", "casualties") as an SVG string;
    `kwargs` go to the layer function (e.g. treaty="mbt", as_of=date(2026, 2, 3))."""
    fills, legend, title, description = LAYERS[name](**kwargs)
    no_data = "No status (territory or other area)" if name == "treaty-status" else "No data"
    return world_map_svg(
        fills=fills,
        legend=legend,
        title=title,
        description=description,
        width=width,
        link_pattern=link_pattern,
        no_data_label=no_data,
    )
