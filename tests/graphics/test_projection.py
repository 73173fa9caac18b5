import math

import pytest

from monitor.graphics.projection import (
    EARTH_RADIUS_KM,
    X_MAX,
    Y_MAX,
    ViewBox,
    equal_earth,
    ring_area,
    split_antimeridian,
)


def test_origin_equator_and_poles():
    assert equal_earth(0, 0) == (0, 0)
    assert equal_earth(0, 90)[0] == pytest.approx(0)
    # theta = asin(sqrt(3)/2) = pi/3 at the pole
    t = math.pi / 3
    expected = 0.003796 * t**9 + 0.000893 * t**7 - 0.081106 * t**3 + 1.340264 * t
    assert Y_MAX == pytest.approx(expected)
    assert X_MAX == pytest.approx(2 * math.sqrt(3) * math.pi / (3 * 1.340264))
    assert equal_earth(180, 0)[1] == 0
    # the poles are lines, not points: x at the pole still varies with longitude
    assert equal_earth(180, 90)[0] > 0


@pytest.mark.parametrize("lon,lat", [(10, 20), (-120, 45), (179, -60), (33.3, 0)])
def test_symmetry(lon, lat):
    x, y = equal_earth(lon, lat)
    assert equal_earth(-lon, lat) == pytest.approx((-x, y))
    assert equal_earth(lon, -lat) == pytest.approx((x, -y))


def test_y_monotonic_in_latitude_and_independent_of_longitude():
    ys = [equal_earth(0, lat)[1] for lat in range(-90, 91)]
    assert all(b > a for a, b in zip(ys, ys[1:], strict=False))
    assert equal_earth(100, 37)[1] == pytest.approx(equal_earth(-3, 37)[1])


def test_x_shrinks_towards_the_poles():
    xs = [equal_earth(180, lat)[0] for lat in range(0, 91, 10)]
    assert all(b < a for a, b in zip(xs, xs[1:], strict=False))


def test_equal_area():
    # Two 10°x10° cells at the same latitude band have equal projected area, and the whole
    # sphere maps to 4*pi on the unit sphere.
    def cell(lon, lat):
        return abs(
            ring_area(
                [
                    equal_earth(lo, la)
                    for lo, la in [
                        (lon, lat),
                        (lon + 10, lat),
                        (lon + 10, lat + 10),
                        (lon, lat + 10),
                    ]
                ]
            )
        )

    assert cell(0, 40) == pytest.approx(cell(150, 40), rel=1e-9)
    outline = [(180, lat) for lat in range(-90, 91)] + [(-180, lat) for lat in range(90, -91, -1)]
    area = abs(ring_area([equal_earth(lon, lat) for lon, lat in outline]))
    assert area == pytest.approx(4 * math.pi, rel=1e-3)
    assert area * EARTH_RADIUS_KM**2 == pytest.approx(510.07e6, rel=2e-3)


def test_viewbox_fits_width():
    view = ViewBox(960, margin=10)
    assert view.point(-180, 0)[0] == pytest.approx(10)
    assert view.point(180, 0)[0] == pytest.approx(950)
    assert view.point(0, 90)[1] == pytest.approx(0)
    assert view.point(0, -90)[1] == pytest.approx(view.height)
    assert view.height == pytest.approx(940 * Y_MAX / X_MAX)


def test_antimeridian_split_has_no_streaks():
    # An island from 175°E to 175°W, stored as it is in the data (jumping from 180 to -180).
    ring = [(175, -10), (180, -10), (-175, -10), (-175, -15), (180, -15), (175, -15), (175, -10)]
    pieces = split_antimeridian(ring)
    assert len(pieces) == 2
    for piece in pieces:
        lons = [lon for lon, _ in piece]
        assert max(lons) - min(lons) <= 5 + 1e-9
        assert all(-180 <= lon <= 180 for lon in lons)
    plain = [(10, 10), (20, 10), (20, 20), (10, 10)]
    assert split_antimeridian(plain) == [plain]


def test_pole_ring_is_closed_along_the_pole():
    ring = [(-180, -80), (-90, -75), (0, -70), (90, -75), (180, -80), (-180, -80)]
    (piece,) = split_antimeridian(ring)
    assert all(-180 <= lon <= 180 for lon, _ in piece)
    assert piece[-1][1] == -90
