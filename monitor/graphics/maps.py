"""World choropleth maps as SVG strings (Equal Earth, Natural Earth 1:50m boundaries).

    svg = world_map_svg(
        fills={"AFG": MapItem("state_party", "State Party", "#0072B2")},
        legend=[LegendEntry("State Party", "#0072B2")],
        title="Mine Ban Treaty status",
        description="...",
    )

Structure (no JavaScript): the root `<svg>` has `role="group"` and `aria-labelledby` pointing
to its `<title>` and `<desc>`. Every country or area is one `<a href>` (`aria-label` and a
`<title>` "Name: category label") around its `<path>`. Countries without data are grey and
labelled with `no_data_label`. Small states (below `dot_threshold_km2`) and those without a
polygon also get a dot at their centroid, so none vanish; they are drawn last, on top. A
legend and the boundaries disclaimer sit below the map.

Projected and simplified paths are computed once per (width, omit) and cached at module level;
a render is then string assembly only.
"""

from __future__ import annotations

import csv
import hashlib
import math
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from html import escape

from monitor.graphics.palettes import MUTED_TEXT, NO_DATA, TEXT, border_for
from monitor.graphics.projection import ViewBox, ring_area, split_antimeridian
from monitor.graphics.topojson import DATA_DIR, world_countries

DISCLAIMER = "Boundaries and names shown do not imply endorsement or acceptance by the Monitor."
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"

#: Geometries without an id in the vendored file that the platform links, by name.
NAMED_GEOMETRIES = {"Kosovo": "XKX", "Somaliland": "XSL"}

#: Default dot threshold: states smaller than this (e.g. Lebanon, Qatar, Luxembourg) get a dot.
DEFAULT_DOT_THRESHOLD_KM2 = 25_000.0

_MIN_STEP_PX = 0.3  # drop points closer than this (and Douglas-Peucker tolerance)
_MIN_RING_PX2 = 0.5  # drop islands smaller than this (a country keeps its largest ring)
_MARGIN = 8.0


@dataclass(frozen=True)
class MapItem:
    """How one country is drawn: its category, the category's label, and its fill colour.

    `name` overrides the built-in country name; `detail` is appended to the accessible label,
    e.g. "Afghanistan: Heavy (20-100 km²) (52.3 km², 2023)".
    """

    category: str
    label: str
    colour: str
    name: str | None = None
    detail: str | None = None


@dataclass(frozen=True)
class LegendEntry:
    """A legend swatch; with `colour=None` the label is shown as a note (text only)."""

    label: str
    colour: str | None = None


@dataclass(frozen=True)
class Shape:
    key: str  # ISO alpha-3, or "?" + name for an unlinked geometry
    iso3: str | None
    name: str
    d: str  # SVG path data ("" when the country has no polygon)
    area_km2: float
    centre: tuple[float, float] | None


@dataclass(frozen=True)
class Geography:
    width: float
    map_height: float
    shapes: dict[str, Shape]


@cache
def country_table() -> dict[str, dict[str, str]]:
    """iso3 -> row of the vendored centroids.csv (iso3, numeric, name, lat, lng)."""
    with (DATA_DIR / "centroids.csv").open(encoding="utf-8", newline="") as fh:
        return {row["iso3"]: row for row in csv.DictReader(fh)}


@cache
def _numeric_to_iso3() -> dict[str, str]:
    return {row["numeric"]: iso3 for iso3, row in country_table().items() if row["numeric"]}


def _fmt(tenths: int) -> str:
    """Tenths of a pixel as the shortest decimal: 123 -> "12.3", 120 -> "12", -5 -> "-.5"."""
    sign = "-" if tenths < 0 else ""
    whole, frac = divmod(abs(tenths), 10)
    if frac == 0:
        return f"{sign}{whole}"
    return f"{sign}{whole}.{frac}" if whole else f"{sign}.{frac}"


def _simplify(points: Sequence[tuple[float, float]]) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    lx = ly = math.inf
    step2 = _MIN_STEP_PX * _MIN_STEP_PX
    for x, y in points:
        if (x - lx) ** 2 + (y - ly) ** 2 < step2:
            continue
        q = (round(x * 10), round(y * 10))
        if kept and q == kept[-1]:
            continue
        kept.append(q)
        lx, ly = x, y
    if len(kept) > 1 and kept[0] == kept[-1]:
        kept.pop()
    return _douglas_peucker(kept, _MIN_STEP_PX * 10) if len(kept) > 4 else kept


def _douglas_peucker(points: list[tuple[int, int]], tolerance: float) -> list[tuple[int, int]]:
    """Drop points within `tolerance` (same units as the points) of the simplified outline."""
    n = len(points)
    keep = [False] * n
    keep[0] = keep[n - 1] = True
    # A closed ring: split at the point farthest from the first so both halves are open.
    x0, y0 = points[0]
    far = max(range(n), key=lambda i: (points[i][0] - x0) ** 2 + (points[i][1] - y0) ** 2)
    keep[far] = True
    stack = [(0, far), (far, n - 1)]
    tol2 = tolerance * tolerance
    while stack:
        start, end = stack.pop()
        if end - start < 2:
            continue
        ax, ay = points[start]
        bx, by = points[end]
        dx, dy = bx - ax, by - ay
        seg2 = dx * dx + dy * dy
        best, best_i = -1.0, -1
        for i in range(start + 1, end):
            px, py = points[i]
            if seg2 == 0:
                d2 = (px - ax) ** 2 + (py - ay) ** 2
            else:
                cross = dx * (py - ay) - dy * (px - ax)
                d2 = cross * cross / seg2
            if d2 > best:
                best, best_i = d2, i
        if best > tol2:
            keep[best_i] = True
            stack.append((start, best_i))
            stack.append((best_i, end))
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring_path(points: list[tuple[int, int]]) -> str:
    x0, y0 = points[0]
    parts = [f"M{_fmt(x0)},{_fmt(y0)}l"]
    coords = []
    px, py = x0, y0
    for x, y in points[1:]:
        coords.append(_fmt(x - px))
        coords.append(_fmt(y - py))
        px, py = x, y
    parts.append(",".join(coords))
    parts.append("z")
    return "".join(parts)


def _centroid(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    a = cx = cy = 0.0
    n = len(points)
    for i in range(n):
        x1, y1 = points[i]
        x2, y2 = points[(i + 1) % n]
        cross = x1 * y2 - x2 * y1
        a += cross
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    if abs(a) < 1e-12:
        return (sum(p[0] for p in points) / n, sum(p[1] for p in points) / n)
    return cx / (3 * a), cy / (3 * a)


def _geometry_key(geometry) -> tuple[str, str | None]:
    if geometry.id is not None:
        iso3 = _numeric_to_iso3().get(geometry.id)
        if iso3:
            return iso3, iso3
    iso3 = NAMED_GEOMETRIES.get(geometry.name)
    if iso3:
        return iso3, iso3
    return "?" + geometry.name, None


@lru_cache(maxsize=8)
def geography(width: float = 960, omit: frozenset[str] = frozenset({"ATA"})) -> Geography:
    """Projected, simplified paths of every country at `width` pixels (cached)."""
    grouped: dict[str, list] = {}
    for geometry in world_countries():
        key, iso3 = _geometry_key(geometry)
        if iso3 in omit:
            continue
        grouped.setdefault(key, []).append(geometry)

    south = min(
        lat
        for geometries in grouped.values()
        for g in geometries
        for polygon in g.polygons
        for _, lat in polygon[0]
    )
    north = max(
        lat
        for geometries in grouped.values()
        for g in geometries
        for polygon in g.polygons
        for _, lat in polygon[0]
    )
    view = ViewBox(width, margin=_MARGIN, lat_range=(south - 1, north + 1), top=_MARGIN)
    km2 = view.km2_per_px2()
    table = country_table()

    shapes: dict[str, Shape] = {}
    for key, geometries in grouped.items():
        iso3 = _geometry_key(geometries[0])[1]
        rings: list[tuple[float, list[tuple[float, float]]]] = []
        signed_total = 0.0
        for g in geometries:
            for polygon in g.polygons:
                for ring in polygon:
                    for piece in split_antimeridian(ring):
                        projected = view.points(piece)
                        area = ring_area(projected)
                        signed_total += area
                        rings.append((area, projected))
        largest = max(rings, key=lambda r: abs(r[0]))
        paths = []
        for area, projected in rings:
            if abs(area) < _MIN_RING_PX2 and projected is not largest[1]:
                continue
            simplified = _simplify(projected)
            if len(simplified) < 3:
                if projected is not largest[1]:
                    continue
                simplified = _simplify_min(projected)
            paths.append(_ring_path(simplified))
        row = table.get(iso3 or "")
        centre = (
            view.point(float(row["lng"]), float(row["lat"]))
            if row and row["lat"]
            else _centroid(largest[1])
        )
        shapes[key] = Shape(
            key=key,
            iso3=iso3,
            name=(row["name"] if row else geometries[0].name),
            d="".join(paths),
            area_km2=abs(signed_total) * km2,
            centre=centre,
        )
    # States with no polygon at all (Tuvalu): a dot only.
    for iso3, row in table.items():
        if iso3 in shapes or iso3 in omit or not row["lat"]:
            continue
        shapes[iso3] = Shape(
            key=iso3,
            iso3=iso3,
            name=row["name"],
            d="",
            area_km2=0.0,
            centre=view.point(float(row["lng"]), float(row["lat"])),
        )
    return Geography(width=width, map_height=view.height + 2 * _MARGIN, shapes=shapes)


def _simplify_min(points: Sequence[tuple[float, float]]) -> list[tuple[int, int]]:
    """A tiny ring kept anyway: its distinct rounded points (at least a triangle's worth)."""
    seen: list[tuple[int, int]] = []
    for x, y in points:
        q = (round(x * 10), round(y * 10))
        if not seen or q != seen[-1]:
            seen.append(q)
    while len(seen) < 3:
        x, y = seen[-1]
        seen.append((x + 1, y + (len(seen) % 2)))
    return seen


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _id_prefix(title: str, description: str) -> str:
    return "map-" + hashlib.sha1(f"{title}\n{description}".encode()).hexdigest()[:8]


def _wrap(text: str, width_px: float, font_px: float) -> list[str]:
    chars = max(20, int(width_px / (font_px * 0.55)))
    return textwrap.wrap(text, chars) or [""]


def _legend_svg(
    entries: Sequence[LegendEntry], *, top: float, width: float
) -> tuple[list[str], float]:
    """Swatches flowed left to right (wrapping), then notes; returns (elements, height)."""
    font = 12.0
    sw = 14.0
    row_h = 22.0
    out = ['<g class="legend">']
    x = _MARGIN
    y = top
    right = width - _MARGIN
    swatches = [e for e in entries if e.colour]
    notes = [e for e in entries if not e.colour]
    for entry in swatches:
        item_w = sw + 6 + len(entry.label) * font * 0.56 + 18
        if x > _MARGIN and x + item_w > right:
            x = _MARGIN
            y += row_h
        colour = entry.colour or NO_DATA
        out.append(
            f'<rect x="{x:g}" y="{y:g}" width="{sw:g}" height="{sw:g}" fill="{_attr(colour)}"'
            f' stroke="{border_for(colour)}" stroke-width="0.75"/>'
            f'<text x="{x + sw + 6:g}" y="{y + sw - 2:g}" font-size="{font:g}"'
            f' fill="{TEXT}">{escape(entry.label)}</text>'
        )
        x += item_w
    if swatches:
        y += row_h
    for note in notes:
        for line in _wrap(note.label, right - _MARGIN, font):
            y += font + 3
            out.append(
                f'<text x="{_MARGIN:g}" y="{y - 3:g}" font-size="{font:g}"'
                f' fill="{MUTED_TEXT}">{escape(line)}</text>'
            )
        y += 4
    out.append("</g>")
    return out, y - top


def world_map_svg(
    *,
    fills: Mapping[str, MapItem],
    legend: Sequence[LegendEntry],
    title: str,
    description: str,
    width: float = 960,
    link_pattern: str | None = "/countries/{iso3}/",
    dot_threshold_km2: float = DEFAULT_DOT_THRESHOLD_KM2,
    no_data_label: str = "No data",
    omit: Iterable[str] = ("ATA",),
    id_prefix: str | None = None,
) -> str:
    """A world choropleth map: `fills` maps ISO alpha-3 codes to how each country is drawn.

    Countries not in `fills` are grey and labelled `no_data_label` (added to the legend when
    any appear). `link_pattern` (formatted with `iso3`) makes each country a link; None draws
    no links. `omit` leaves countries off the map (Antarctica by default).
    """
    geo = geography(float(width), frozenset(omit))
    prefix = id_prefix or _id_prefix(title, description)
    parts: list[str] = []
    dots: list[str] = []
    used_no_data = False

    for shape in geo.shapes.values():
        item = fills.get(shape.iso3) if shape.iso3 else None
        if item is None and not shape.d:
            continue  # no polygon and nothing to say: nothing to draw
        if item is None:
            used_no_data = True
            colour, label, name = NO_DATA, no_data_label, shape.name
        else:
            colour, label, name = item.colour, item.label, item.name or shape.name
        text = f"{name}: {label}"
        if item is not None and item.detail:
            text += f" ({item.detail})"
        stroke = border_for(colour)
        inner = [f"<title>{escape(text)}</title>"]
        if shape.d:
            inner.append(f'<path d="{shape.d}" fill="{_attr(colour)}" stroke="{stroke}"/>')
        small = item is not None and (not shape.d or shape.area_km2 < dot_threshold_km2)
        if small and shape.centre:
            cx, cy = shape.centre
            r = max(2.5, 3.2 * width / 960)
            inner.append(
                f'<circle class="dot" cx="{cx:.1f}" cy="{cy:.1f}" r="{r:.1f}"'
                f' fill="{_attr(colour)}" stroke="{stroke}" stroke-width="0.8"/>'
            )
        body = "".join(inner)
        attrs = f'aria-label="{_attr(text)}"'
        if shape.iso3:
            attrs += f' data-iso3="{shape.iso3}"'
        if link_pattern and shape.iso3:
            element = f'<a href="{_attr(link_pattern.format(iso3=shape.iso3))}" {attrs}>{body}</a>'
        else:
            element = f"<g {attrs}>{body}</g>"
        (dots if small else parts).append(element)

    entries = list(legend)
    if used_no_data and not any(e.label == no_data_label for e in entries):
        swatch_end = next((i for i, e in enumerate(entries) if not e.colour), len(entries))
        entries.insert(swatch_end, LegendEntry(no_data_label, NO_DATA))
    legend_top = geo.map_height + 6
    legend_parts, legend_h = _legend_svg(entries, top=legend_top, width=width)
    disclaimer_lines = _wrap(DISCLAIMER, width - 2 * _MARGIN, 11)
    disclaimer_y = legend_top + legend_h + 8
    height = disclaimer_y + 14 * len(disclaimer_lines) + _MARGIN

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width:g} {height:.0f}"'
        f' width="{width:g}" height="{height:.0f}" role="group"'
        f' aria-labelledby="{prefix}-title {prefix}-desc" font-family="{_attr(FONT_FAMILY)}"'
        f' class="world-map">',
        f'<title id="{prefix}-title">{escape(title)}</title>',
        f'<desc id="{prefix}-desc">{escape(description)}</desc>',
        '<g class="countries" stroke-width="0.4" stroke-linejoin="round">',
        *parts,
        "</g>",
        '<g class="small-states">',
        *dots,
        "</g>",
        *legend_parts,
    ]
    for i, line in enumerate(disclaimer_lines):
        out.append(
            f'<text class="disclaimer" x="{_MARGIN:g}" y="{disclaimer_y + 11 + 14 * i:.0f}"'
            f' font-size="11" fill="{MUTED_TEXT}">{escape(line)}</text>'
        )
    out.append("</svg>")
    return "\n".join(out)
