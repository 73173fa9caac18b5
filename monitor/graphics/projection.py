"""The Equal Earth projection (Šavrič, Patterson & Jenny 2018), and fitting it to a viewBox.

Equal Earth is equal-area: projected areas are proportional to areas on the globe, so a
country's size on the map (and the "small state" test in `maps`) is honest.

Reference: B. Šavrič, T. Patterson, B. Jenny, "The Equal Earth map projection",
International Journal of Geographical Information Science 33(3), 2019,
doi:10.1080/13658816.2018.1504949.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

A1 = 1.340264
A2 = -0.081106
A3 = 0.000893
A4 = 0.003796
_M = math.sqrt(3) / 2

#: Mean Earth radius (IUGG), km. On the unit sphere the projection maps area A to A, so an
#: area in projected unit coordinates times R² is an area in km².
EARTH_RADIUS_KM = 6371.0088


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """Project degrees to unit-sphere Equal Earth coordinates (y grows northwards)."""
    lam = math.radians(lon)
    theta = math.asin(_M * math.sin(math.radians(lat)))
    t2 = theta * theta
    t6 = t2 * t2 * t2
    x = (
        2
        * math.sqrt(3)
        * lam
        * math.cos(theta)
        / (3 * (9 * A4 * t6 * t2 + 7 * A3 * t6 + 3 * A2 * t2 + A1))
    )
    y = theta * (A1 + A2 * t2 + t6 * (A3 + A4 * t2))
    return x, y


#: Half-width and half-height of the whole projected world (unit sphere).
X_MAX = equal_earth(180, 0)[0]
Y_MAX = equal_earth(0, 90)[1]


def ring_area(points: Sequence[tuple[float, float]]) -> float:
    """Signed planar area (shoelace); positive when counter-clockwise with y up."""
    total = 0.0
    n = len(points)
    for i in range(n):
        x1, y1 = points[i]
        x2, y2 = points[(i + 1) % n]
        total += x1 * y2 - x2 * y1
    return total / 2


def split_antimeridian(ring: Sequence[tuple[float, float]]) -> list[list[tuple[float, float]]]:
    """Split a (lon, lat) ring that crosses ±180° into pieces that each stay within [-180, 180].

    Longitudes are unwrapped so the ring is continuous, then the ring is clipped against
    lon <= 180 and (shifted by 360°) lon >= -180. A ring that does not cross comes back as is,
    so a polygon never turns into a horizontal streak across the map.
    """
    if not ring:
        return []
    crosses = any(abs(b[0] - a[0]) > 180 for a, b in zip(ring, ring[1:], strict=False))
    if not crosses:
        return [list(ring)]
    unwrapped = [ring[0]]
    offset = 0.0
    for (lon0, _), (lon1, lat1) in zip(ring, ring[1:], strict=False):
        delta = lon1 - lon0
        if delta > 180:
            offset -= 360
        elif delta < -180:
            offset += 360
        unwrapped.append((lon1 + offset, lat1))
    if offset != 0:
        return [_close_over_pole(unwrapped)]
    pieces = []
    for shift in (0.0, 360.0, -360.0):
        shifted = [(lon + shift, lat) for lon, lat in unwrapped]
        clipped = _clip(_clip(shifted, 180.0, keep_below=True), -180.0, keep_below=False)
        if len(clipped) >= 3:
            pieces.append(clipped)
    return pieces


def _close_over_pole(unwrapped: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """A ring around a pole (e.g. Antarctica): cut it at ±180° and close it along the pole line."""
    start = unwrapped[0][0]
    pole = -90.0 if sum(lat for _, lat in unwrapped) < 0 else 90.0
    shifted = [(lon - start, lat) for lon, lat in unwrapped]  # now spans [0, ±360]
    base = -180.0 if shifted[-1][0] > 0 else 180.0
    ring = [(base + lon, lat) for lon, lat in shifted]
    end = ring[-1][0]
    return [*ring, (end, pole), (ring[0][0], pole)]


def _clip(points: list[tuple[float, float]], bound: float, *, keep_below: bool):
    """Sutherland-Hodgman clip of a closed ring against the line lon = bound."""

    def inside(p):
        return p[0] <= bound if keep_below else p[0] >= bound

    out: list[tuple[float, float]] = []
    n = len(points)
    for i in range(n):
        cur = points[i]
        prev = points[i - 1]
        if inside(cur):
            if not inside(prev):
                out.append(_cross(prev, cur, bound))
            out.append(cur)
        elif inside(prev):
            out.append(_cross(prev, cur, bound))
    return out


def _cross(a, b, bound):
    t = (bound - a[0]) / (b[0] - a[0])
    return (bound, a[1] + t * (b[1] - a[1]))


class ViewBox:
    """Equal Earth fitted to an SVG viewBox: `point(lon, lat)` gives SVG (x, y) pixels.

    The full width (±180°) fills `width - 2 * margin`; the vertical extent is the latitude
    band `lat_range` (by default the whole globe).
    """

    def __init__(
        self,
        width: float,
        *,
        margin: float = 0.0,
        lat_range: tuple[float, float] = (-90.0, 90.0),
        top: float = 0.0,
    ) -> None:
        self.width = width
        self.scale = (width - 2 * margin) / (2 * X_MAX)
        self.x0 = margin + X_MAX * self.scale
        south, north = lat_range
        self.y_north = equal_earth(0, north)[1]
        self.y_south = equal_earth(0, south)[1]
        self.top = top
        self.height = (self.y_north - self.y_south) * self.scale

    def point(self, lon: float, lat: float) -> tuple[float, float]:
        x, y = equal_earth(lon, lat)
        return self.x0 + x * self.scale, self.top + (self.y_north - y) * self.scale

    def points(self, ring: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
        return [self.point(lon, lat) for lon, lat in ring]

    def km2_per_px2(self) -> float:
        return EARTH_RADIUS_KM**2 / self.scale**2
