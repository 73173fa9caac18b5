"""`indicator_status` on constructed series: Open SDG's method (monitor.rules.progress) with
the indicator's targets, direction, baseline and configurable thresholds; every status is
reachable and the calculation is shown."""

import pytest

from monitor.research.models import Source
from monitor.rules.progress import ProgressStatus
from monitor.strategy.models import Goal, Indicator, ManualValue, Objective, Strategy, Target
from monitor.strategy.selectors import indicator_series, indicator_status, progress_report


@pytest.fixture
def make_indicator(db):
    strategy = Strategy.objects.create(code="s", name="S", period_start=2017, period_end=2021)
    goal = Goal.objects.create(strategy=strategy, code="I", name="G")
    objective = Objective.objects.create(goal=goal, code="1a", name="O")
    source = Source.objects.create(key="constructed", title="Constructed series")
    counter = iter(range(1000))

    def make(series, targets, *, direction="increase", baseline_year=2016, thresholds=None):
        ind = Indicator.objects.create(
            objective=objective,
            code=f"x{next(counter)}",
            name="Constructed",
            definition="A constructed series.",
            unit="units",
            direction=direction,
            baseline_year=baseline_year,
            computation="manual",
            thresholds=thresholds,
        )
        for year, value in series.items():
            ManualValue.objects.create(indicator=ind, year=year, value=value, source=source)
        for year, value in targets.items():
            Target.objects.create(indicator=ind, year=year, value=value)
        return ind

    return make


# baseline 2016: 100, target 2021: 130 → required growth 5.39%/yr; assessed in 2020.
CASES = [
    ({2016: 100, 2020: 130}, ProgressStatus.TARGET_ACHIEVED),
    ({2016: 100, 2020: 129}, ProgressStatus.SUBSTANTIAL_PROGRESS),  # R ≈ 1.22
    ({2016: 100, 2020: 115}, ProgressStatus.MODERATE_PROGRESS),  # R ≈ 0.66
    ({2016: 100, 2020: 105}, ProgressStatus.LIMITED_PROGRESS),  # R ≈ 0.23
    ({2016: 100, 2020: 90}, ProgressStatus.DETERIORATION),
    ({2020: 120}, ProgressStatus.NOT_ENOUGH_DATA),  # one observation
    ({}, ProgressStatus.NOT_ENOUGH_DATA),
]


@pytest.mark.parametrize("series,expected", CASES)
def test_every_status_is_reachable(make_indicator, series, expected):
    ind = make_indicator(series, {2021: 130})
    result = indicator_status(ind, 2020)
    assert result.status is expected
    assert result.explanation.endswith(expected.label) or expected.label + " (" in (
        result.explanation
    )


def test_all_statuses_covered():
    assert {expected for _, expected in CASES} == set(ProgressStatus)


def test_the_calculation_is_shown(make_indicator):
    ind = make_indicator({2016: 100, 2020: 115}, {2021: 130})
    result = indicator_status(ind, 2020)
    assert "baseline 2016: 100" in result.explanation
    assert "latest 2020: 115" in result.explanation
    assert "target 2021: 130" in result.explanation
    assert "ratio 0.66" in result.explanation
    assert result.assessment.ratio == pytest.approx(0.66, abs=0.01)


def test_decrease_direction(make_indicator):
    ind = make_indicator({2016: 100, 2020: 55}, {2021: 50}, direction="decrease")
    assert indicator_status(ind, 2020).status is ProgressStatus.SUBSTANTIAL_PROGRESS
    ind = make_indicator({2016: 100, 2020: 110}, {2021: 50}, direction="decrease")
    assert indicator_status(ind, 2020).status is ProgressStatus.DETERIORATION
    ind = make_indicator({2016: 100, 2020: 40}, {2021: 50}, direction="decrease")
    assert indicator_status(ind, 2020).status is ProgressStatus.TARGET_ACHIEVED


def test_thresholds_are_configurable_per_indicator(make_indicator):
    series = {2016: 100, 2020: 115}  # R ≈ 0.66: moderate by Open SDG's defaults
    strict = make_indicator(series, {2021: 130}, thresholds={"moderate": 0.8})
    assert indicator_status(strict, 2020).status is ProgressStatus.LIMITED_PROGRESS
    assert "0 ≤ R < 0.8" in indicator_status(strict, 2020).explanation


def test_baseline_year_is_the_indicators(make_indicator):
    # From 2018 (110) the growth to 2020 (115) is slower than needed to reach 130 by 2021.
    ind = make_indicator({2016: 100, 2018: 110, 2020: 115}, {2021: 130}, baseline_year=2018)
    result = indicator_status(ind, 2020)
    assert result.assessment.baseline == (2018, 110)
    assert result.status is ProgressStatus.LIMITED_PROGRESS


def test_target_nearest_at_or_after_the_year_else_the_last(make_indicator):
    ind = make_indicator({2016: 100, 2019: 112, 2021: 125}, {2018: 110, 2020: 120, 2025: 150})
    assert indicator_status(ind, 2019).assessment.target == (2020, 120)
    assert indicator_status(ind, 2020).assessment.target == (2020, 120)
    assert indicator_status(ind, 2021).assessment.target == (2025, 150)
    ind = make_indicator({2016: 100, 2021: 110}, {2018: 105, 2020: 120})
    assert indicator_status(ind, 2021).assessment.target == (2020, 120)


def test_no_target_is_not_enough_data(make_indicator):
    ind = make_indicator({2016: 100, 2020: 115}, {})
    result = indicator_status(ind, 2020)
    assert result.status is ProgressStatus.NOT_ENOUGH_DATA
    assert "no quantitative target" in result.explanation


def test_manual_series_carries_its_source(make_indicator):
    ind = make_indicator({2016: 100, 2020: 115}, {2021: 130})
    series = indicator_series(ind, range(2016, 2022))
    assert [(v.year, v.value, v.method, v.source) for v in series] == [
        (2016, 100, "manual", "Constructed series"),
        (2020, 115, "manual", "Constructed series"),
    ]


def test_report_values_are_the_period_years_only(make_indicator):
    ind = make_indicator({2016: 100, 2018: 104.5, 2020: 115}, {2021: 130})
    report = progress_report(ind.objective.goal.strategy, 2020)
    (row,) = report["indicators"]
    assert row["values"] == [{"year": 2018, "value": 104.5}, {"year": 2020, "value": 115}]
    assert row["status"] == "moderate_progress"
