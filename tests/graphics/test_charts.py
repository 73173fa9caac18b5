import xml.etree.ElementTree as ET

import pytest

from monitor.graphics.charts import (
    ReferenceLine,
    Series,
    bar_chart_svg,
    format_number,
    line_chart_svg,
    nice_ticks,
)
from monitor.graphics.palettes import CATEGORICAL

SVG = "{http://www.w3.org/2000/svg}"

CASUALTIES = Series("Casualties", {2019: 5853, 2020: 7073, 2021: 5544, 2022: 4710})
KILLED = Series("Killed", {2020: 2492, 2021: 2182, 2022: 1661})
INJURED = Series("Injured", {2020: 4561, 2021: 3355, 2022: 3015})


def check_root(svg, title):
    root = ET.fromstring(svg)
    assert root.get("role") == "group"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{SVG}title").get("id") == title_id
    assert root.find(f"{SVG}title").text == title
    assert root.find(f"{SVG}desc").get("id") == desc_id
    assert "<script" not in svg
    return root


def titles(root, tag):
    return [
        el.find(f"{SVG}title").text
        for el in root.iter(f"{SVG}{tag}")
        if el.find(f"{SVG}title") is not None
    ]


@pytest.mark.parametrize(
    "low,high,expected",
    [
        (0, 7073, [0, 2000, 4000, 6000, 8000]),
        (0, 1, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (0, 0, [0, 0.2, 0.4, 0.6, 0.8, 1]),
        (0, 95, [0, 20, 40, 60, 80, 100]),
        (-30, 45, [-40, -20, 0, 20, 40, 60]),
    ],
)
def test_nice_ticks(low, high, expected):
    assert nice_ticks(low, high) == pytest.approx(expected)


def test_format_number():
    assert format_number(7073) == "7,073"
    assert format_number(1234567.0) == "1,234,567"
    assert format_number(12345.5) == "12,345.5"
    assert format_number(0.125) == "0.12" or format_number(0.125) == "0.13"


def test_line_chart():
    svg = line_chart_svg(
        [CASUALTIES], title="Casualties", description="d", x_label="Year", y_label="People"
    )
    root = check_root(svg, "Casualties")
    assert titles(root, "circle") == ["2019: 5,853", "2020: 7,073", "2021: 5,544", "2022: 4,710"]
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert "8,000" in texts and "Year" in texts and "People" in texts and "2019" in texts
    assert root.find(f".//{SVG}polyline").get("stroke") == CATEGORICAL[0]


def top_tick(root) -> float:
    axis = root.find(f"{SVG}g[@class='y-axis']")
    return max(float(t.text.replace(",", "")) for t in axis.iter(f"{SVG}text") if t.text)


def test_line_chart_reference_line_is_drawn_labelled_and_in_scale():
    states = Series("States Parties", {2017: 102, 2018: 105, 2019: 107})
    plain = ET.fromstring(line_chart_svg([states], title="t", description="d"))
    assert plain.find(f".//{SVG}g[@class='reference']") is None  # optional, off by default
    assert top_tick(plain) < 130

    svg = line_chart_svg(
        [states], title="t", description="d", references=[ReferenceLine("Target 2020", 130)]
    )
    root = check_root(svg, "t")
    ref = root.find(f".//{SVG}g[@class='reference']")
    assert ref.get("aria-label") == "Target 2020: 130"
    assert ref.find(f"{SVG}title").text == "Target 2020: 130"
    assert ref.find(f"{SVG}text").text == "Target 2020: 130"  # labelled, not colour only
    line = ref.find(f"{SVG}line")
    assert line.get("stroke-dasharray")
    # The y scale reaches the target, and the line sits above every point.
    assert top_tick(root) == 150
    point_ys = [float(c.get("cy")) for c in root.iter(f"{SVG}circle")]
    assert float(line.get("y1")) < min(point_ys)


def test_line_chart_gaps_and_series_names():
    gappy = Series("Gappy", {2019: 1, 2020: None, 2021: 3, 2022: 4})
    root = ET.fromstring(
        line_chart_svg([gappy, KILLED], title="t", description="d", x_label="", y_label="")
    )
    assert len(list(root.iter(f"{SVG}polyline"))) == 2  # gappy's 2021-2022, killed's line
    assert "Killed, 2021: 2,182" in titles(root, "circle")
    legend = root.find(f"{SVG}g[@class='legend']")
    assert [t.text for t in legend.iter(f"{SVG}text")] == ["Gappy", "Killed"]


@pytest.mark.parametrize("mode", ["grouped", "stacked"])
def test_bar_chart(mode):
    svg = bar_chart_svg(
        [KILLED, INJURED],
        title="By outcome",
        description="d",
        x_label="Year",
        y_label="Casualties",
        mode=mode,
        width=500,
        height=300,
    )
    root = check_root(svg, "By outcome")
    assert root.get("viewBox") == "0 0 500 300"
    bar_titles = titles(root, "rect")
    assert "Killed, 2020: 2,492" in bar_titles and "Injured, 2022: 3,015" in bar_titles
    assert len(bar_titles) == 6
    ticks = [t.text for t in root.find(f"{SVG}g[@class='y-axis']").iter(f"{SVG}text")]
    assert ("8,000" in ticks) if mode == "stacked" else ("5,000" in ticks)


def test_single_series_bars_and_unit():
    root = ET.fromstring(bar_chart_svg([CASUALTIES], title="t", description="d", unit=" people"))
    assert titles(root, "rect")[0] == "2019: 5,853 people"
    assert root.find(f"{SVG}g[@class='legend']") is None


def test_empty_data_says_no_data():
    for svg in (
        line_chart_svg([], title="Empty", description="d"),
        bar_chart_svg([Series("x", {2020: None})], title="Empty", description="d"),
    ):
        root = check_root(svg, "Empty")
        assert [t.text for t in root.iter(f"{SVG}text")] == ["No data"]


def test_bad_mode():
    with pytest.raises(ValueError):
        bar_chart_svg([CASUALTIES], title="t", description="d", mode="pie")
