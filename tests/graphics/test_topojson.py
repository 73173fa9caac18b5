from monitor.graphics.topojson import decode, decode_arcs, world_countries


def test_decodes_every_geometry_of_the_vendored_map():
    geometries = world_countries()
    assert len(geometries) == 241
    assert {g.type for g in geometries} == {"Polygon", "MultiPolygon"}
    assert sum(1 for g in geometries if g.id is None) == 5
    names_without_id = {g.name for g in geometries if g.id is None}
    assert names_without_id == {
        "Somaliland",
        "Kosovo",
        "N. Cyprus",
        "Indian Ocean Ter.",
        "Siachen Glacier",
    }
    assert world_countries() is geometries  # cached


def test_coordinates_are_degrees_and_rings_closed():
    afghanistan = next(g for g in world_countries() if g.id == "004")
    assert afghanistan.name == "Afghanistan"
    ring = afghanistan.polygons[0][0]
    assert ring[0] == ring[-1]
    assert all(60 < lon < 75.5 and 29 < lat < 39 for lon, lat in ring)


def test_delta_decoding_reversed_arcs_and_holes():
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
        "arcs": [
            [[0, 0], [4, 0], [0, 4]],  # (10,20) (12,20) (12,22)
            [[4, 4], [-4, 0], [0, -4]],  # (12,22) (10,22) (10,20)
            [[1, 1], [1, 0], [0, 1], [-1, 0], [0, -1]],
        ],
        "objects": {
            "shapes": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "id": "001", "arcs": [[0, 1], [2]]},
                    {"type": "MultiPolygon", "arcs": [[[~1, ~0]]], "properties": {"name": "B"}},
                    {"type": "Point", "coordinates": [0, 0]},
                ],
            }
        },
    }
    assert decode_arcs(topology)[0] == [(10, 20), (12, 20), (12, 22)]
    a, b = decode(topology, "shapes")
    assert a.id == "001" and a.type == "Polygon"
    outer, hole = a.polygons[0]
    assert outer == ((10, 20), (12, 20), (12, 22), (10, 22), (10, 20))
    assert hole[0] == hole[-1] == (10.5, 20.5)
    assert b.id is None and b.name == "B"
    assert b.polygons[0][0] == ((10, 20), (10, 22), (12, 22), (12, 20), (10, 20))


def test_untransformed_topology():
    topology = {
        "arcs": [[[0, 0], [1, 0], [1, 1], [0, 0]]],
        "objects": {"x": {"type": "Polygon", "arcs": [[0]]}},
    }
    (g,) = decode(topology, "x")
    assert g.polygons[0][0] == ((0, 0), (1, 0), (1, 1), (0, 0))
