import ast
import xml.etree.ElementTree as ET
from pathlib import Path

from monitor.graphics.maps import DISCLAIMER, LegendEntry, MapItem, geography, world_map_svg
from monitor.graphics.palettes import (
    NO_DATA,
    SEQUENTIAL_5,
    STATUS_PALETTE,
    border_for,
    contrast,
)

SVG = "{http://www.w3.org/2000/svg}"
BLUE = STATUS_PALETTE["state_party"]


def render(**kwargs):
    fills = {
        "AFG": MapItem("state_party", "State Party", BLUE),
        "TUV": MapItem("state_party", "State Party", BLUE),
        "LBN": MapItem("non_signatory", "Not party", STATUS_PALETTE["non_signatory"]),
        "RUS": MapItem("non_signatory", "Not party", STATUS_PALETTE["non_signatory"], "Russia"),
        "XKX": MapItem("other", "Other area", "#999999", detail="profiled"),
    }
    legend = [
        LegendEntry("State Party", BLUE),
        LegendEntry("Not party", STATUS_PALETTE["non_signatory"]),
        LegendEntry("A note about the data."),
    ]
    return world_map_svg(
        fills=fills, legend=legend, title="Test map", description="A test <map>", **kwargs
    )


def links(root):
    return {a.get("data-iso3"): a for a in root.iter(f"{SVG}a")}


def test_well_formed_with_title_desc_and_aria():
    svg = render()
    root = ET.fromstring(svg)
    assert root.get("role") == "group"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == "Test map"
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert root.find(f"{SVG}desc").text == "A test <map>"
    assert root.get("role") != "img"
    assert "<script" not in svg


def test_country_links_labels_and_no_data():
    root = ET.fromstring(render())
    a = links(root)
    afg = a["AFG"]
    assert afg.get("href") == "/countries/AFG/"
    assert afg.get("aria-label") == "Afghanistan: State Party"
    assert afg.find(f"{SVG}title").text == "Afghanistan: State Party"
    assert afg.find(f"{SVG}path").get("fill") == BLUE
    assert a["RUS"].get("aria-label") == "Russia: Not party"
    assert a["XKX"].get("aria-label") == "Kosovo: Other area (profiled)"
    assert a["XSL"].get("aria-label") == "Somaliland: No data"
    fra = a["FRA"]
    assert fra.get("aria-label") == "France: No data"
    assert fra.find(f"{SVG}path").get("fill") == NO_DATA
    # one link per country: Australia's two geometries are one element
    assert sum(1 for x in root.iter(f"{SVG}a") if x.get("data-iso3") == "AUS") == 1
    # unlinked geometries stay grey, without a link
    labels = [g.get("aria-label") for g in root.iter(f"{SVG}g")]
    assert "N. Cyprus: No data" in labels
    assert "Antarctica: No data" not in {x.get("aria-label") for x in a.values()}


def test_small_states_get_a_dot():
    root = ET.fromstring(render())
    a = links(root)
    tuvalu = a["TUV"]  # no polygon at all
    assert tuvalu.find(f"{SVG}path") is None
    assert tuvalu.find(f"{SVG}circle").get("class") == "dot"
    lebanon = a["LBN"]  # small: path and dot
    assert lebanon.find(f"{SVG}path") is not None
    assert lebanon.find(f"{SVG}circle") is not None
    assert a["AFG"].find(f"{SVG}circle") is None
    assert a["FRA"].find(f"{SVG}circle") is None  # no data: no dot
    small = root.find(f"{SVG}g[@class='small-states']")
    assert {x.get("data-iso3") for x in small} == {"TUV", "LBN", "XKX"}


def test_dot_threshold():
    root = ET.fromstring(render(dot_threshold_km2=1_000_000))
    assert links(root)["AFG"].find(f"{SVG}circle") is not None


def test_legend_and_disclaimer():
    root = ET.fromstring(render())
    legend = root.find(f"{SVG}g[@class='legend']")
    texts = [t.text for t in legend.iter(f"{SVG}text")]
    assert texts == ["State Party", "Not party", "No data", "A note about the data."]
    fills = [r.get("fill") for r in legend.iter(f"{SVG}rect")]
    assert fills == [BLUE, STATUS_PALETTE["non_signatory"], NO_DATA]
    assert all(float(t.get("font-size")) >= 11 for t in root.iter(f"{SVG}text"))
    disclaimer = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "disclaimer"]
    assert " ".join(disclaimer) == DISCLAIMER
    assert DISCLAIMER == (
        "Boundaries and names shown do not imply endorsement or acceptance by the Monitor."
    )


def test_no_links_and_width():
    svg = render(link_pattern=None, width=480)
    root = ET.fromstring(svg)
    assert not list(root.iter(f"{SVG}a"))
    assert root.get("viewBox").startswith("0 0 480 ")


def test_size_and_rounding():
    svg = render()
    assert len(svg.encode()) < 600_000
    path = links(ET.fromstring(svg))["AFG"].find(f"{SVG}path").get("d")
    numbers = path.replace("M", " ").replace("l", ",").replace("z", " ").replace(",", " ")
    assert all(len(n.split(".")[1]) <= 1 for n in numbers.split() if "." in n)


def test_paths_stay_inside_the_viewbox_no_antimeridian_streaks():
    geo = geography(960.0, frozenset({"ATA"}))
    for key in ("RUS", "FJI", "USA", "KIR", "NZL"):
        d = geo.shapes[key].d
        for ring in d.split("z"):
            if not ring:
                continue
            start, _, rel = ring[1:].partition("l")
            x, _y = (float(v) for v in start.split(","))
            xs = [x]
            values = [float(v) for v in rel.split(",") if v]
            for dx in values[0::2]:
                x += dx
                xs.append(x)
            assert min(xs) >= 0 and max(xs) <= 960
            # no ring spans most of the map (a streak across it)
            assert max(xs) - min(xs) < 600, key


def test_areas_are_plausible():
    geo = geography(960.0, frozenset({"ATA"}))
    assert 16e6 < geo.shapes["RUS"].area_km2 < 17.5e6
    assert 0.6e6 < geo.shapes["AFG"].area_km2 < 0.7e6
    assert geo.shapes["TUV"].area_km2 == 0


def test_palettes_have_border_contrast():
    for colour in [*STATUS_PALETTE.values(), *SEQUENTIAL_5, NO_DATA]:
        assert contrast(colour, border_for(colour)) >= 3


def test_graphics_package_does_not_import_django():
    package = Path(__file__).resolve().parents[2] / "monitor" / "graphics"
    for path in package.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                assert not any(a.name.startswith("django") for a in node.names), path
            elif isinstance(node, ast.ImportFrom):
                assert not (node.module or "").startswith("django"), path
                assert not (node.module or "").startswith("monitor.") or (
                    node.module.startswith("monitor.graphics")
                ), path
