"""A small TopoJSON decoder: quantized, delta-encoded arcs -> polygons per geometry.

Only what the vendored world map needs: Polygon and MultiPolygon geometries (other types
are skipped), with or without a `transform`. Coordinates come back as (longitude, latitude)
tuples in degrees. The vendored countries file is decoded once per process and cached.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
COUNTRIES_50M = DATA_DIR / "countries-50m.json"

Point = tuple[float, float]
Ring = tuple[Point, ...]
#: A polygon is its exterior ring followed by any holes.
Polygon = tuple[Ring, ...]


@dataclass(frozen=True)
class Geometry:
    id: str | None
    name: str
    type: str
    polygons: tuple[Polygon, ...]


def decode_arcs(topology: dict[str, Any]) -> list[list[Point]]:
    """Absolute coordinates of every arc (undoing delta encoding and quantization)."""
    transform = topology.get("transform")
    arcs: list[list[Point]] = []
    if transform:
        sx, sy = transform["scale"]
        tx, ty = transform["translate"]
        for arc in topology["arcs"]:
            x = y = 0
            points = []
            for position in arc:
                x += position[0]
                y += position[1]
                points.append((x * sx + tx, y * sy + ty))
            arcs.append(points)
    else:
        for arc in topology["arcs"]:
            arcs.append([(float(p[0]), float(p[1])) for p in arc])
    return arcs


def _ring(indexes: list[int], arcs: list[list[Point]]) -> Ring:
    points: list[Point] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        # Consecutive arcs share their joining point: keep it once.
        points.extend(arc[1:] if points else arc)
    return tuple(points)


def decode(topology: dict[str, Any], object_name: str) -> list[Geometry]:
    """The Polygon and MultiPolygon geometries of `topology["objects"][object_name]`."""
    arcs = decode_arcs(topology)
    obj = topology["objects"][object_name]
    geometries = obj["geometries"] if obj["type"] == "GeometryCollection" else [obj]
    result = []
    for geometry in geometries:
        kind = geometry.get("type")
        if kind == "Polygon":
            parts = [geometry["arcs"]]
        elif kind == "MultiPolygon":
            parts = geometry["arcs"]
        else:
            continue
        polygons = tuple(tuple(_ring(ring, arcs) for ring in polygon) for polygon in parts)
        raw_id = geometry.get("id")
        result.append(
            Geometry(
                id=str(raw_id) if raw_id is not None else None,
                name=(geometry.get("properties") or {}).get("name", ""),
                type=kind,
                polygons=polygons,
            )
        )
    return result


@cache
def world_countries() -> tuple[Geometry, ...]:
    """The vendored Natural Earth 1:50m countries (decoded once per process)."""
    with COUNTRIES_50M.open(encoding="utf-8") as fh:
        topology = json.load(fh)
    return tuple(decode(topology, "countries"))
