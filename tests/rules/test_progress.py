"""Open SDG progress status (monitor/rules/progress.py) on constructed series.

Most series are built so the growth rates come out round: a baseline of 100 in 2020 and a
target of 146.41 = 100 × 1.1⁴ in 2024 need CAGR_r = 10%/yr; a 2022 value of 100 × g² gives
CAGR_o = g − 1. R = s · d · CAGR_o / |CAGR_r| (s = −1 for a negative baseline, d = ±1).
"""

import math
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.rules.progress import (
    DEFAULT_THRESHOLDS,
    Direction,
    Point,
    ProgressStatus,
    Thresholds,
    assess_progress,
    growth_rate,
)

S = ProgressStatus
UP = Direction.INCREASE
DOWN = Direction.DECREASE


@pytest.mark.parametrize(
    "latest,status,ratio",
    [
        # 100 → 121 = 100·1.1²: CAGR_o 10%; R = 0.10 / 0.10 = 1.00 ≥ 0.95
        (121, S.SUBSTANTIAL_PROGRESS, 1.0),
        # 100 → 116.64 = 100·1.08²: CAGR_o 8%; R = 0.08 / 0.10 = 0.80
        (116.64, S.MODERATE_PROGRESS, 0.8),
        # 100 → 113.4225 = 100·1.065²: CAGR_o 6.5%; R = 0.65
        (113.4225, S.MODERATE_PROGRESS, 0.65),
        # 100 → 104.04 = 100·1.02²: CAGR_o 2%; R = 0.20
        (104.04, S.LIMITED_PROGRESS, 0.2),
        # no change: CAGR_o 0; R = 0 → limited (or no) progress
        (100, S.LIMITED_PROGRESS, 0.0),
        # 100 → 81 = 100·0.9²: CAGR_o −10%; R = −1.00 < 0
        (81, S.DETERIORATION, -1.0),
        # the target itself: achieved (>=); CAGR_o = 1.4641^½ − 1 = 21%, R = 2.10
        (146.41, S.TARGET_ACHIEVED, 2.1),
        # beyond the target: achieved; CAGR_o = 1.5^½ − 1 = 22.47%, R = 2.247
        (150, S.TARGET_ACHIEVED, 2.2474487),
    ],
)
def test_every_status_for_an_increase(latest, status, ratio):
    r = assess_progress([(2020, 100), (2022, latest)], "increase", (2024, 146.41))
    assert r.status is status
    assert r.ratio == pytest.approx(ratio, abs=1e-6)
    assert r.required_cagr == pytest.approx(0.10)
    assert r.baseline == Point(2020, 100.0)
    assert r.latest == Point(2022, float(latest))
    assert r.reason == ""


@pytest.mark.parametrize(
    "latest,status,ratio",
    [
        # target 65.61 = 100·0.9⁴ in 2024: CAGR_r = −10%; R = −1 · CAGR_o / 0.10
        # 100 → 81 = 100·0.9²: CAGR_o −10%; R = 1.00
        (81, S.SUBSTANTIAL_PROGRESS, 1.0),
        # 100 → 84.64 = 100·0.92²: CAGR_o −8%; R = 0.80
        (84.64, S.MODERATE_PROGRESS, 0.8),
        # 100 → 90.25 = 100·0.95²: CAGR_o −5%; R = 0.50
        (90.25, S.LIMITED_PROGRESS, 0.5),
        (100, S.LIMITED_PROGRESS, 0.0),
        # 100 → 110.25 = 100·1.05²: CAGR_o +5%; R = −0.50
        (110.25, S.DETERIORATION, -0.5),
        # at the target: achieved (<=); CAGR_o = 0.6561^½ − 1 = −19%, R = 1.90
        (65.61, S.TARGET_ACHIEVED, 1.9),
        # 100 → 49 = 100·0.7²: CAGR_o −30%, R = 3.00
        (49, S.TARGET_ACHIEVED, 3.0),
    ],
)
def test_every_status_for_a_decrease(latest, status, ratio):
    r = assess_progress([(2020, 100), (2022, latest)], Direction.DECREASE, (2024, 65.61))
    assert r.status is status
    assert r.ratio == pytest.approx(ratio, abs=1e-6)
    assert r.required_cagr == pytest.approx(-0.10)


@pytest.mark.parametrize(
    "series,direction,target,status,ratio",
    [
        # s = −1. −100 → −81: CAGR_o = 0.81^½ − 1 = −10%; CAGR_r = 0.6561^¼ − 1 = −10%;
        # R = −1 · +1 · −0.10 / 0.10 = 1.00
        ([(2020, -100), (2022, -81)], UP, (2024, -65.61), S.SUBSTANTIAL_PROGRESS, 1.0),
        # −100 → −121 (more negative, an increase was wanted): CAGR_o +10%; R = −1.00
        ([(2020, -100), (2022, -121)], UP, (2024, -65.61), S.DETERIORATION, -1.0),
        # decrease toward −146.41: CAGR_o +10%, CAGR_r +10%; R = −1 · −1 · 0.10 / 0.10 = 1.00
        ([(2020, -100), (2022, -121)], DOWN, (2024, -146.41), S.SUBSTANTIAL_PROGRESS, 1.0),
    ],
)
def test_negative_series_flip_the_direction(series, direction, target, status, ratio):
    r = assess_progress(series, direction, target)
    assert r.status is status
    assert r.ratio == pytest.approx(ratio)
    assert "negative series" in r.explanation


def test_explanation_shows_the_calculation():
    r = assess_progress([(2020, 100), (2022, 116.64)], "increase", (2024, 146.41))
    assert r.explanation == (
        "baseline 2020: 100, latest 2022: 116.64, target 2024: 146.41 (increase); "
        "observed growth 8.0%/yr vs 10.0%/yr needed: ratio 0.80 → moderate progress "
        "(0.6 ≤ R < 0.95)"
    )
    assert r.observed_cagr == pytest.approx(0.08)
    assert r.thresholds is DEFAULT_THRESHOLDS


def test_explanation_for_an_achieved_target():
    r = assess_progress([(2020, 100), (2022, 49)], "decrease", (2024, 65.61))
    assert r.explanation.endswith(
        "latest value 49 is at or below the target 65.61 "
        "(observed growth -30.0%/yr vs -10.0%/yr needed) → target achieved"
    )


def test_default_thresholds_are_open_sdgs():
    t = Thresholds()
    assert (t.substantial, t.moderate, t.limited, t.zero_substitute) == (0.95, 0.6, 0.0, 0.001)


@pytest.mark.parametrize(
    "thresholds,status",
    [
        # the same series, R = 0.80 (100 → 116.64, 10%/yr needed)
        (Thresholds(), S.MODERATE_PROGRESS),
        (Thresholds(substantial=0.75), S.SUBSTANTIAL_PROGRESS),
        (Thresholds(substantial=0.9, moderate=0.85), S.LIMITED_PROGRESS),
        (Thresholds(substantial=0.95, moderate=0.9, limited=0.85), S.DETERIORATION),
        (Thresholds(substantial=2, moderate=1, limited=-1), S.LIMITED_PROGRESS),
    ],
)
def test_thresholds_are_configurable(thresholds, status):
    r = assess_progress([(2020, 100), (2022, 116.64)], UP, (2024, 146.41), thresholds=thresholds)
    assert r.status is status
    assert r.thresholds is thresholds


def test_a_ratio_on_a_threshold_falls_in_the_better_band():
    series, target = [(2020, 100), (2022, 116.64)], (2024, 146.41)
    ratio = assess_progress(series, UP, target).ratio
    above = math.nextafter(ratio, math.inf)
    cases = [
        (Thresholds(substantial=ratio), S.SUBSTANTIAL_PROGRESS),
        (Thresholds(substantial=above), S.MODERATE_PROGRESS),
        (Thresholds(substantial=1, moderate=ratio), S.MODERATE_PROGRESS),
        (Thresholds(substantial=1, moderate=above), S.LIMITED_PROGRESS),
        (Thresholds(substantial=1, moderate=1, limited=ratio), S.LIMITED_PROGRESS),
        (Thresholds(substantial=1, moderate=1, limited=above), S.DETERIORATION),
    ]
    for thresholds, status in cases:
        assert assess_progress(series, UP, target, thresholds=thresholds).status is status


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"substantial": 0.5, "moderate": 0.6}, "limited <= moderate <= substantial"),
        ({"moderate": -0.1}, "limited <= moderate <= substantial"),
        ({"zero_substitute": 0}, "zero_substitute"),
        ({"substantial": math.nan}, "thresholds.substantial"),
        ({"limited": -math.inf}, "thresholds.limited"),
        ({"moderate": "0.6"}, "thresholds.moderate"),
    ],
)
def test_bad_thresholds_are_refused(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Thresholds(**kwargs)


def test_thresholds_accept_decimal():
    assert Thresholds(substantial=Decimal("0.9")).substantial == 0.9


def test_zero_baseline_is_replaced_by_0_001():
    # 0 → 0.001; 0.001 → 0.004 over 2 years: CAGR_o = 4^½ − 1 = 100%;
    # target 0.016 in 2024: CAGR_r = 16^¼ − 1 = 100%; R = 1.00
    r = assess_progress([(2020, 0), (2022, 0.004)], UP, (2024, 0.016))
    assert r.status is S.SUBSTANTIAL_PROGRESS
    assert r.ratio == pytest.approx(1.0)
    assert r.baseline == Point(2020, 0.0)  # as observed
    assert r.substitutions == ("baseline value 0 replaced by 0.001",)
    assert "baseline value 0 replaced by 0.001" in r.explanation


def test_zero_target_is_replaced_by_0_001():
    # 10 → 0.1 over 2 years: CAGR_o = 0.01^½ − 1 = −90%;
    # 10 → 0.001 over 4 years: CAGR_r = 0.0001^¼ − 1 = −90%; R = −1 · −0.9 / 0.9 = 1.00
    r = assess_progress([(2020, 10), (2022, 0.1)], DOWN, (2024, 0))
    assert r.status is S.SUBSTANTIAL_PROGRESS
    assert r.ratio == pytest.approx(1.0)
    assert r.target == Point(2024, 0.0)
    assert r.substitutions == ("target value 0 replaced by 0.001",)


def test_zero_substitute_is_configurable():
    # 10 → 1: CAGR_o = 0.1^½ − 1 = −0.683772.
    # default: CAGR_r = (0.001/10)^¼ − 1 = −0.9, R = 0.683772 / 0.9 = 0.759747
    # 0.01: CAGR_r = (0.01/10)^¼ − 1 = −0.822172, R = 0.683772 / 0.822172 = 0.831665
    series = [(2020, 10), (2022, 1)]
    assert assess_progress(series, DOWN, (2024, 0)).ratio == pytest.approx(0.759747, abs=1e-6)
    r = assess_progress(series, DOWN, (2024, 0), thresholds=Thresholds(zero_substitute=0.01))
    assert r.ratio == pytest.approx(0.831665, abs=1e-6)
    assert r.substitutions == ("target value 0 replaced by 0.01",)


def test_achievement_is_judged_against_the_target_as_given():
    # 0.0005 is below the 0.001 stand-in but not at the target 0.
    # CAGR_o = 0.00005^½ − 1 = −0.992929; CAGR_r = −0.9; R = 1.103255
    r = assess_progress([(2020, 10), (2022, 0.0005)], DOWN, (2024, 0))
    assert r.status is S.SUBSTANTIAL_PROGRESS
    assert r.ratio == pytest.approx(1.103255, abs=1e-6)
    assert assess_progress([(2020, 10), (2022, 0)], DOWN, (2024, 0)).status is S.TARGET_ACHIEVED


def test_a_latest_value_of_zero_gives_minus_100_percent():
    # 100 → 0: CAGR_o = −100%; R = 1 / 0.1 = 10 for a decrease toward 65.61
    r = assess_progress([(2020, 100), (2022, 0)], DOWN, (2024, 65.61))
    assert r.status is S.TARGET_ACHIEVED
    assert r.observed_cagr == -1.0
    r = assess_progress([(2020, 100), (2022, 0)], UP, (2024, 146.41))
    assert r.status is S.DETERIORATION
    assert r.ratio == pytest.approx(-10.0)


@pytest.mark.parametrize(
    "series",
    [
        [(2020, 10), (2022, -5)],
        [(2020, -10), (2022, 5)],
        [(2020, 0), (2022, -5)],  # 0 becomes +0.001
    ],
)
def test_baseline_and_latest_of_opposite_signs_give_no_assessment(series):
    r = assess_progress(series, UP, (2024, 100))
    assert r.status is S.NOT_ENOUGH_DATA
    assert r.ratio is None and r.observed_cagr is None
    assert "opposite signs" in r.reason
    assert r.explanation.endswith("→ not enough data")


def test_baseline_and_target_of_opposite_signs_give_no_assessment():
    r = assess_progress([(2020, 10), (2022, 8)], DOWN, (2024, -5))
    assert r.status is S.NOT_ENOUGH_DATA
    assert "baseline (10) and target (-5)" in r.reason
    assert r.observed_cagr == pytest.approx(0.8**0.5 - 1)
    assert r.ratio is None


def test_an_achieved_target_wins_over_missing_growth_rates():
    # Open SDG: "target_achieved" is returned before the ratio is looked at.
    r = assess_progress([(2022, 150)], UP, (2030, 146.41))
    assert r.status is S.TARGET_ACHIEVED
    assert r.ratio is None and r.baseline == r.latest == Point(2022, 150.0)
    r = assess_progress([(2020, 10), (2022, -6)], DOWN, (2024, -5))
    assert r.status is S.TARGET_ACHIEVED


@pytest.mark.parametrize(
    "series,reason",
    [
        ([], "no observations"),
        ([(2022, 100)], "at least two years of data"),
    ],
)
def test_fewer_than_two_observations(series, reason):
    r = assess_progress(series, UP, (2030, 146.41))
    assert r.status is S.NOT_ENOUGH_DATA
    assert reason in r.reason
    assert r.ratio is None


def test_target_year_not_after_the_baseline_gives_no_assessment():
    r = assess_progress([(2020, 100), (2022, 110)], UP, (2020, 146.41))
    assert r.status is S.NOT_ENOUGH_DATA
    assert "target year 2020 is not after the baseline year 2020" in r.reason
    assert r.observed_cagr is not None


def test_a_target_equal_to_the_baseline_and_no_longer_met_is_deterioration():
    r = assess_progress([(2020, 10), (2022, 9)], UP, (2024, 10))
    assert r.status is S.DETERIORATION
    assert r.required_cagr == 0 and r.ratio is None
    assert "target equalled the baseline value" in r.explanation
    assert assess_progress([(2020, 10), (2022, 10)], UP, (2024, 10)).status is S.TARGET_ACHIEVED


def test_a_passed_target_year_is_assessed_and_flagged():
    # 10 → 11 over 6 years: CAGR_o = 1.1^(1/6) − 1 = 1.6012%;
    # 10 → 20 over 4 years: CAGR_r = 2^¼ − 1 = 18.9207%; R = 0.084626
    r = assess_progress([(2020, 10), (2026, 11)], UP, (2024, 20))
    assert r.status is S.LIMITED_PROGRESS
    assert r.ratio == pytest.approx(0.084626, abs=1e-6)
    assert r.target_year_passed
    assert r.explanation.endswith("the target year 2024 has passed without the target being met")
    assert not assess_progress([(2020, 10), (2026, 21)], UP, (2024, 20)).target_year_passed
    assert not assess_progress([(2020, 10), (2024, 11)], UP, (2024, 20)).target_year_passed


SERIES = [(2015, 50), (2018, 80), (2020, 100), (2021, 90), (2022, 121)]


def test_baseline_defaults_to_the_first_observation():
    r = assess_progress(SERIES, UP, (2030, 200))
    assert r.baseline == Point(2015, 50.0)
    assert r.latest == Point(2022, 121.0)


def test_a_baseline_year_without_data_moves_to_the_next_year_with_data():
    r = assess_progress(SERIES, UP, (2024, 146.41), baseline_year=2019)
    assert r.baseline == Point(2020, 100.0)
    assert r.status is S.SUBSTANTIAL_PROGRESS  # 100 → 121 vs 146.41: R = 1.00
    assert r.ratio == pytest.approx(1.0)


def test_a_baseline_after_the_data_gives_no_assessment():
    r = assess_progress(SERIES, UP, (2030, 200), baseline_year=2023)
    assert r.status is S.NOT_ENOUGH_DATA
    assert "baseline year 2023 is after the latest observation (2022)" in r.reason
    r = assess_progress(SERIES, UP, (2030, 100), baseline_year=2023)
    assert r.status is S.TARGET_ACHIEVED


def test_assessment_year_ignores_later_observations():
    # 2021 is the latest at or before 2021; 100 (2020) → 90: CAGR_o −10%
    r = assess_progress(SERIES, UP, (2024, 146.41), baseline_year=2020, assessment_year=2021)
    assert r.latest == Point(2021, 90.0)
    assert r.status is S.DETERIORATION
    r = assess_progress(SERIES, UP, (2030, 200), assessment_year=2019)
    assert r.latest == Point(2018, 80.0)


def test_assessment_year_before_the_data_gives_no_assessment():
    r = assess_progress(SERIES, UP, (2030, 200), assessment_year=2010)
    assert r.status is S.NOT_ENOUGH_DATA
    assert r.reason == "no observation in or before 2010"
    r = assess_progress(SERIES, UP, (2030, 200), baseline_year=2020, assessment_year=2019)
    assert r.status is S.NOT_ENOUGH_DATA


def test_unsorted_input_is_sorted():
    shuffled = [SERIES[3], SERIES[0], SERIES[4], SERIES[2], SERIES[1]]
    assert assess_progress(shuffled, UP, (2030, 200)) == assess_progress(SERIES, UP, (2030, 200))


def test_duplicate_years_are_refused():
    with pytest.raises(ValueError, match="observations: duplicate year 2020"):
        assess_progress([(2020, 1), (2021, 2), (2020, 3)], UP, (2030, 5))


def test_decimal_and_int_values_are_accepted():
    r = assess_progress([(2020, Decimal("100")), (2022, Decimal("116.64"))], UP, (2024, 146.41))
    assert r.ratio == pytest.approx(0.8)
    assert isinstance(r.latest.value, float)


@pytest.mark.parametrize(
    "observations,target,message",
    [
        ([(2020, math.nan), (2022, 1)], (2030, 5), r"observations\[0\] value"),
        ([(2020, 1), (2022, math.inf)], (2030, 5), r"observations\[1\] value"),
        ([(2020, 1), (2022, Decimal("NaN"))], (2030, 5), r"observations\[1\] value"),
        ([(2020, 1), (2022, 2)], (2030, math.nan), "target value"),
        ([(2020, 1), (2022, 2)], (2030, -math.inf), "target value"),
        ([(2020, 1), (2022, 2)], (2030, Decimal("Infinity")), "target value"),
        ([(2020, 1), (2022, None)], (2030, 5), r"observations\[1\] value"),
        ([(2020, 1), (2022, True)], (2030, 5), r"observations\[1\] value"),
        ([(2020.0, 1), (2022, 2)], (2030, 5), r"observations\[0\] year"),
        ([(2020, 1), (2022, 2)], (2030.5, 5), "target year"),
        ([(2020, 1), 2022], (2030, 5), r"observations\[1\]"),
        ([(2020, 1), (2022, 2)], 5, "target"),
    ],
)
def test_bad_numbers_are_refused_naming_the_argument(observations, target, message):
    with pytest.raises(ValueError, match=message):
        assess_progress(observations, UP, target)


def test_bad_arguments_are_refused():
    series = [(2020, 1), (2022, 2)]
    with pytest.raises(ValueError, match="direction"):
        assess_progress(series, "up", (2030, 5))
    with pytest.raises(ValueError, match="baseline_year"):
        assess_progress(series, UP, (2030, 5), baseline_year="2020")
    with pytest.raises(ValueError, match="assessment_year"):
        assess_progress(series, UP, (2030, 5), assessment_year=2021.0)
    with pytest.raises(ValueError, match="thresholds"):
        assess_progress(series, UP, (2030, 5), thresholds={"substantial": 1})


def test_values_too_far_apart_give_no_assessment():
    r = assess_progress([(2020, 1e-300), (2021, 1e300)], UP, (2022, 1e308))
    assert r.status is S.NOT_ENOUGH_DATA
    assert "too far apart" in r.reason


def test_growth_rate():
    assert growth_rate(100, 121, 2) == pytest.approx(0.1)
    assert growth_rate(-100, -81, 2) == pytest.approx(-0.1)
    assert growth_rate(100, 0, 3) == -1.0
    with pytest.raises(ValueError, match="base_value"):
        growth_rate(0, 1, 1)
    with pytest.raises(ValueError, match="years"):
        growth_rate(1, 2, 0)
    with pytest.raises(ValueError, match="same sign"):
        growth_rate(1, -2, 1)


def test_status_labels_and_ranks():
    assert S.LIMITED_PROGRESS.label == "limited or no progress"
    assert S.NOT_ENOUGH_DATA.rank is None
    ranked = sorted((s for s in S if s.rank is not None), key=lambda s: s.rank)
    assert ranked == [
        S.DETERIORATION,
        S.LIMITED_PROGRESS,
        S.MODERATE_PROGRESS,
        S.SUBSTANTIAL_PROGRESS,
        S.TARGET_ACHIEVED,
    ]


positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)


@st.composite
def _cases(draw):
    base_year = draw(st.integers(2000, 2020))
    latest_year = base_year + draw(st.integers(1, 15))
    target_year = base_year + draw(st.integers(1, 30))
    base, target = draw(positive), draw(positive)
    a, b = sorted([draw(st.floats(0, 1e6)), draw(st.floats(0, 1e6))])
    return base_year, latest_year, target_year, base, target, a, b


@given(_cases())
def test_a_better_latest_value_never_worsens_the_status(case):
    base_year, latest_year, target_year, base, target, low, high = case

    def rank(direction, value):
        r = assess_progress(
            [(base_year, base), (latest_year, value)], direction, (target_year, target)
        )
        assert r.status is not S.NOT_ENOUGH_DATA
        return r.status.rank

    # increase: the higher latest value is the better one; decrease: the lower.
    assert rank(UP, low) <= rank(UP, high)
    assert rank(DOWN, high) <= rank(DOWN, low)


@given(_cases())
def test_the_status_follows_the_ratio_and_thresholds(case):
    base_year, latest_year, target_year, base, target, value, _ = case
    r = assess_progress([(base_year, base), (latest_year, value)], UP, (target_year, target))
    if value >= target:
        assert r.status is S.TARGET_ACHIEVED
    elif r.ratio is not None:
        assert r.status is DEFAULT_THRESHOLDS.classify(r.ratio)
        assert f"ratio {r.ratio:.2f}" in r.explanation
    else:
        # Deviation 7: the baseline met the target (equal to it, or so close that the
        # required growth rate rounds to 0, e.g. 0.010000000000000002 vs 0.01) and the
        # latest value no longer does.
        assert base >= target and r.status is S.DETERIORATION
        assert r.required_cagr == 0
