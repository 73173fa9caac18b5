"""Time the SVG world map and charts (monitor.graphics). No database: synthetic fills.

    .venv/bin/python bench/graphics_render.py [--width 960] [--out /tmp/map.svg]

Prints the first render (decode + project + simplify, then cached), the mean of later renders
and the SVG size. The category assignment is arbitrary (every third country): NOT Monitor data.
"""

from __future__ import annotations

import argparse
import time

from monitor.graphics.charts import Series, bar_chart_svg, line_chart_svg
from monitor.graphics.maps import LegendEntry, MapItem, country_table, world_map_svg
from monitor.graphics.palettes import STATUS_PALETTE


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--width", type=float, default=960)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--out")
    args = parser.parse_args()
    keys = list(STATUS_PALETTE)
    fills = {
        iso3: MapItem(keys[i % 3], keys[i % 3], STATUS_PALETTE[keys[i % 3]])
        for i, iso3 in enumerate(country_table())
    }
    legend = [LegendEntry(k, STATUS_PALETTE[k]) for k in keys[:3]]
    kwargs = dict(
        fills=fills, legend=legend, title="Bench", description="Synthetic", width=args.width
    )

    t0 = time.perf_counter()
    svg = world_map_svg(**kwargs)
    first = time.perf_counter() - t0
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        svg = world_map_svg(**kwargs)
    later = (time.perf_counter() - t0) / args.repeat
    print(
        f"world map: first render {first * 1000:.0f} ms, cached {later * 1000:.1f} ms, "
        f"{len(svg.encode()) / 1024:.0f} KiB"
    )
    series = [
        Series(f"S{i}", {y: (y - 1999) * 100 * (i + 1) for y in range(2000, 2025)})
        for i in range(3)
    ]
    t0 = time.perf_counter()
    for _ in range(args.repeat):
        line = line_chart_svg(series, title="t", description="d")
        bars = bar_chart_svg(series, title="t", description="d", mode="stacked")
    both = (time.perf_counter() - t0) / args.repeat
    print(
        f"line + stacked bar chart (3 x 25 points): {both * 1000:.2f} ms, "
        f"{len(line) / 1024:.1f} + {len(bars) / 1024:.1f} KiB"
    )
    if args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            fh.write(svg)


if __name__ == "__main__":
    main()
