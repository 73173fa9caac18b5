"""Public strategy pages (/strategy/) on the real seed data."""

from __future__ import annotations

import re
from datetime import date

import pytest

from monitor.rules.forecast import Verdict
from monitor.strategy.forecasts import clearance_forecasts
from monitor.strategy.models import Indicator, Strategy
from monitor.strategy.selectors import progress_report

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _row(html: str, row_id: str) -> str:
    match = re.search(rf'<tr[^>]*id="{row_id}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, row_id
    return match.group(1)


def test_overview_lists_every_indicator_with_a_status_badge(client, seeded):
    strategy = Strategy.objects.get()
    response = client.get("/strategy/")
    assert response.status_code == 200
    html = response.content.decode()
    assert strategy.name in html
    report = progress_report(strategy, strategy.period_end)  # default: the last period year
    assert f"Status in {strategy.period_end}" in html
    for goal in strategy.goals.all():
        assert f"Goal {goal.code}" in html and goal.name in html
    labels = {
        "limited_progress": "limited or no progress",
        "not_enough_data": "not enough data",
        "target_achieved": "target achieved",
        "substantial_progress": "substantial progress",
        "moderate_progress": "moderate progress",
        "deterioration": "deterioration",
    }
    for ind in report["indicators"]:
        row = _row(html, f"indicator-{ind['code']}")
        assert f'href="/strategy/indicators/{ind["code"]}/"' in row
        badge = re.search(r'<span class="badge[^"]*">([^<]+)</span>', row)
        assert badge and badge.group(1) == labels[ind["status"]]  # a text label, not colour only
    # 1a on the seed data: 110 States Parties in 2021 against 130 by 2020.
    row_1a = _text(_row(html, "indicator-1a"))
    assert "110 (2021)" in row_1a and "130 (by 2020)" in row_1a
    assert "limited or no progress" in row_1a
    assert "<caption>" in html and 'scope="col"' in html and 'scope="row"' in html


def test_overview_year_parameter(client, seeded):
    html = client.get("/strategy/?year=2018").content.decode()
    assert "Status in 2018" in html
    assert "105 (2018)" in _text(_row(html, "indicator-1a"))
    assert 'href="/strategy/indicators/1a/?year=2018"' in html


@pytest.mark.parametrize("year", ["abc", "2016", "3000", "20199", "-1"])
def test_bad_year_is_400(client, seeded, year):
    response = client.get("/strategy/", {"year": year})
    assert response.status_code == 400
    assert "The year must be a year from 2017" in response.content.decode()
    assert client.get("/strategy/indicators/1a/", {"year": year}).status_code == 400


def test_indicator_1a_page_values_target_and_method(client, seeded):
    response = client.get("/strategy/indicators/1a/")
    assert response.status_code == 200
    html = response.content.decode()
    table = re.search(r'<table class="data indicator-values">(.*?)</table>', html, re.S).group(1)
    values = dict(re.findall(r'<th scope="row">(\d{4})</th>\s*<td class="num">([^<]+)</td>', table))
    assert {y: values[str(y)] for y in range(2017, 2022)} == {
        2017: "102", 2018: "105", 2019: "107", 2020: "110", 2021: "110"
    }  # fmt: skip
    assert "ccm_states_parties_end_of_year" in table  # computed values name their query
    targets = re.search(r'<table class="data indicator-targets">(.*?)</table>', html, re.S)
    assert re.search(r'<th scope="row">2020</th><td class="num">130</td>', targets.group(1))
    # The chart carries the target as a labelled dashed line, and the points.
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    assert 'class="reference" aria-label="Target 2020: 130"' in svg
    assert "2017: 102" in svg and "2021: 110" in svg
    # Method and the status calculation.
    assert "depositary (UNTC) treaty events" in html
    assert "latest 2021: 110, target 2020: 130" in html
    assert '<span class="badge badge--ob-unknown">limited or no progress</span>' in html


def test_manual_indicator_without_values(client, seeded):
    ind = Indicator.objects.get(code="1b-use")
    html = client.get(f"/strategy/indicators/{ind.code}/").content.decode()
    assert "No value is on record for this indicator yet" in html
    assert "not enough data" in html
    assert "<svg" not in html.split('id="values-heading"')[1].split("</section>")[0]


@pytest.mark.parametrize("code", ["zz", "1a%00", "x" * 300, "1a;drop"])
def test_unknown_indicator_is_404(client, seeded, code):
    assert client.get(f"/strategy/indicators/{code}/").status_code == 404


def test_no_strategy_loaded_is_404(client, db):
    assert client.get("/strategy/").status_code == 404


def test_forecasts_page_table(client, seeded):
    response = client.get("/strategy/forecasts/", {"as_of": "2026-02-03"})
    assert response.status_code == 200
    html = response.content.decode()
    rows = clearance_forecasts(as_of=date(2026, 2, 3))
    assert f"{len(rows)} forecasts" in html
    assert "<caption>Clearance forecasts as of 3 February 2026" in html
    for row in rows:
        cells = _row(html, f"forecast-{row.treaty}-{row.iso3}")
        assert row.name in cells
        assert row.forecast.verdict is Verdict.UNCLEAR  # the honest answer on the seed data
        assert '<span class="badge badge--ob-unknown">unclear</span>' in cells
        for reason in row.forecast.reasons:
            assert reason in _text(cells).replace("&#x27;", "'")
        for cited in row.remaining:
            assert cited.source.title in cells
    angola = _text(_row(html, "forecast-mbt-AGO"))
    assert "68 as of 31 December 2022" in angola and "13.81 2022" in angola
    assert "only 1 year of release data in 2020–2022 (at least 2 needed)" in angola
    croatia = _text(_row(html, "forecast-mbt-HRV"))
    assert "Not used:" in croatia and "only cleared 49.01 km² recorded" in croatia
    lao = _text(_row(html, "forecast-ccm-LAO"))
    assert "not applicable" in lao  # no 2025 aspiration under the CCM


def test_forecasts_treaty_filter_and_bad_parameters(client, seeded):
    html = client.get("/strategy/forecasts/", {"treaty": "ccm"}).content.decode()
    assert 'id="forecast-ccm-LAO"' in html and 'id="forecast-mbt-' not in html
    bad = client.get("/strategy/forecasts/", {"treaty": "ccw-ii"})
    assert bad.status_code == 400
    assert "no treaty with a clearance obligation called “ccw-ii”" in bad.content.decode()
    assert client.get("/strategy/forecasts/", {"as_of": "2026-02-30"}).status_code == 400


def test_main_navigation_links_the_strategy(client, seeded):
    html = client.get("/").content.decode()
    assert '<a href="/strategy/">Strategy</a>' in html
    page = client.get("/strategy/forecasts/").content.decode()
    assert '<a href="/strategy/" aria-current="page">Strategy</a>' in page


@pytest.mark.parametrize("language, word", [("fr", "Stratégie"), ("es", "Estrategia")])
def test_pages_are_translated(client, seeded, language, word):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for path in ("/strategy/", "/strategy/indicators/1a/", "/strategy/forecasts/"):
        html = client.get(path).content.decode()
        assert f'<html lang="{language}">' in html
        assert word in html
        assert "Skip to main content" not in html


def test_every_status_badge_can_show_on_the_overview(client, seeded):
    """Constructed manual series under the seeded strategy reach every status; each is shown
    as a badge with its text."""
    from monitor.research.models import Source
    from monitor.rules.progress import ProgressStatus
    from monitor.strategy.models import ManualValue, Objective, Target

    strategy = Strategy.objects.get()
    goal = strategy.goals.order_by("order").first()
    objective = Objective.objects.create(goal=goal, code="zz", name="Constructed")
    source = Source.objects.create(key="test-status-source", title="Constructed")
    # baseline 2017: 100, target 2021: 130, assessed in 2020 (required growth 6.8%/yr).
    cases = {
        "t-achieved": ({2017: 100, 2020: 130}, ProgressStatus.TARGET_ACHIEVED),
        "t-substantial": ({2017: 100, 2020: 125}, ProgressStatus.SUBSTANTIAL_PROGRESS),
        "t-moderate": ({2017: 100, 2020: 115}, ProgressStatus.MODERATE_PROGRESS),
        "t-limited": ({2017: 100, 2020: 103}, ProgressStatus.LIMITED_PROGRESS),
        "t-deterioration": ({2017: 100, 2020: 90}, ProgressStatus.DETERIORATION),
        "t-no-data": ({2020: 120}, ProgressStatus.NOT_ENOUGH_DATA),
    }
    for code, (series, _) in cases.items():
        ind = Indicator.objects.create(
            objective=objective, code=code, name=code, definition="Constructed.", unit="units",
            direction="increase", baseline_year=2017, computation="manual",
        )  # fmt: skip
        Target.objects.create(indicator=ind, year=2021, value=130)
        for year, value in series.items():
            ManualValue.objects.create(indicator=ind, year=year, value=value, source=source)
    html = client.get("/strategy/", {"year": 2020}).content.decode()
    for code, (_, status) in cases.items():
        badge = re.search(
            r'<span class="badge[^"]*">([^<]+)</span>', _row(html, f"indicator-{code}")
        )
        assert badge.group(1) == status.label
    assert {s for _, s in cases.values()} == set(ProgressStatus)
    # A manual value's page names its source.
    page = client.get("/strategy/indicators/t-moderate/", {"year": 2020}).content.decode()
    assert "Entered by hand from:" in page and "Constructed" in page
