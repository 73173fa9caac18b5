import xml.etree.ElementTree as ET
from datetime import date

from monitor.graphics.maps import DISCLAIMER
from monitor.rules.treaties import Status
from monitor.web.maplayers import (
    casualties_layer,
    casualty_class,
    contamination_layer,
    render_layer,
    treaty_status_layer,
)

SVG = "{http://www.w3.org/2000/svg}"
AS_OF = date(2026, 2, 3)
JOINED = {Status.STATE_PARTY, Status.JOINED_PENDING_EIF, Status.WITHDRAWAL_PENDING}


def test_mbt_status_layer(seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        fills, legend, title, description = treaty_status_layer("mbt", AS_OF)
    joined = [iso3 for iso3, item in fills.items() if Status(item.category) in JOINED]
    assert len(joined) == 162
    assert fills["AFG"].label == Status.STATE_PARTY.label
    assert fills["USA"].category == Status.NON_SIGNATORY
    assert "GRL" not in fills and "XKX" not in fills  # no status for territories/other areas
    assert "162 States have joined" in description
    assert legend[0].label.startswith("State Party (")


def test_mbt_map_svg(seeded):
    svg = render_layer("treaty-status", treaty="mbt", as_of=AS_OF)
    root = ET.fromstring(svg)
    links = {a.get("data-iso3"): a for a in root.iter(f"{SVG}a")}
    joined_labels = {s.label for s in JOINED}
    coloured = [a for a in links.values() if a.get("aria-label").split(": ", 1)[1] in joined_labels]
    assert len(coloured) == 162
    afg = links["AFG"]
    assert "Afghanistan" in afg.get("aria-label")
    assert afg.get("href") == "/countries/AFG/"
    assert afg.find(f"{SVG}path") is not None
    tuvalu = links["TUV"]
    assert tuvalu.find(f"{SVG}circle").get("class") == "dot"
    assert DISCLAIMER in " ".join(t.text for t in root.iter(f"{SVG}text"))
    assert (
        root.find(f"{SVG}title").text.startswith("Mine Ban Treaty")
        or "MBT" in root.find(f"{SVG}title").text
    )


def test_contamination_layer(seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        fills, legend, title, description = contamination_layer()
    assert "does not publish a global table" in description
    assert any(e.colour is None and "global table" in e.label for e in legend)
    for item in fills.values():
        assert item.category in {"massive", "heavy", "medium", "light"}
        assert "km²" in item.detail
    ET.fromstring(render_layer("contamination"))


def test_casualties_layer(seeded, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        fills, legend, title, description = casualties_layer()
    assert len([e for e in legend if e.colour]) == 5
    ET.fromstring(render_layer("casualties"))


def test_casualty_classes():
    assert [casualty_class(n) for n in (0, 9, 10, 99, 100, 499, 500, 999, 1000, 10**6)] == [
        0,
        0,
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
    ]
