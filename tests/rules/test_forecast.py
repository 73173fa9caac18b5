"""Clearance forecast (monitor/rules/forecast.py) on constructed inputs.

Year scale: the end of day d is d.year + day_of_year / days_in_year, so the end of 2023 is
2024.0, 1 Mar 2027 is 2027 + 60/365 and 1 Aug 2026 is 2026 + 213/365.
"""

import math
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.rules.forecast import (
    ASPIRATION_2025,
    Verdict,
    forecast_clearance,
    year_point,
)

D = Decimal
V = Verdict


def test_on_track_for_the_deadline_but_not_for_2025():
    # 12 km² at end-2023 (2024.0); rate (3 + 4 + 5) / 3 = 4 km²/yr → 3 years → 2027.0, i.e.
    # finished at the end of 2026. Deadline 1 Mar 2027 = 2027 + 60/365: margin +60/365 years.
    # 2025 aspiration: 31 Dec 2025 = 2026.0: margin −1 year.
    f = forecast_clearance(
        "mbt", D("12.00"), 2023, [(2021, D(3)), (2022, D(4)), (2023, D(5))], date(2027, 3, 1)
    )
    assert f.verdict is V.ON_TRACK
    assert f.article == "Art. 5(1)"
    assert f.rate_km2_per_year == 4
    assert f.rate_years == (2021, 2022, 2023)
    assert f.window == (2021, 2023)
    assert f.years_needed == 3
    assert f.projected_completion_year == 2026
    assert f.deadline.verdict is V.ON_TRACK
    assert f.deadline.margin_years.quantize(D("0.000001")) == D("0.164384")  # 60/365
    assert f.aspiration.verdict is V.NOT_ON_TRACK
    assert f.aspiration.due == ASPIRATION_2025
    assert f.aspiration.margin_years == -1
    assert f.reasons == ()
    assert f.explanation == (
        "Mine Ban Treaty Art. 5(1): 12 km² remaining as of 2023-12-31; average release "
        "4 km²/yr over 2021–2023 (3 years); 3 years needed → projected completion in 2026; "
        "Art. 5(1) deadline 2027-03-01: on track (0.16 years to spare); "
        "2025 aspiration 2025-12-31: not on track (1 year late)"
    )


def test_not_on_track_for_the_deadline():
    # CCM: 10 km² at end-2023; rate (3 + 4 + 3) / 3 = 10/3 km²/yr → exactly 3 years → 2027.0
    # (2026). Deadline 1 Aug 2026 = 2026 + 213/365: margin = 213/365 − 1 = −152/365 years.
    f = forecast_clearance(
        "ccm", D(10), 2023, [(2021, D(3)), (2022, D(4)), (2023, D(3))], date(2026, 8, 1)
    )
    assert f.verdict is V.NOT_ON_TRACK
    assert f.article == "Art. 4(1)"
    assert f.years_needed == 3
    assert f.projected_completion_year == 2026
    assert f.deadline.margin_years.quantize(D("0.000001")) == D("-0.416438")  # −152/365
    assert "Convention on Cluster Munitions Art. 4(1)" in f.explanation
    assert "average release 3.33 km²/yr" in f.explanation
    assert "Art. 4(1) deadline 2026-08-01: not on track (0.42 years late)" in f.explanation


def test_finishing_on_the_deadline_day_is_on_track():
    # 8 km² at end-2023, 4 km²/yr → 2 years → 2026.0 = end of 31 Dec 2025: margin 0.
    f = forecast_clearance("mbt", 8, 2023, [(2022, 4), (2023, 4)], date(2025, 12, 31))
    assert f.verdict is V.ON_TRACK
    assert f.deadline.margin_years == 0
    assert f.projected_completion_year == 2025
    assert f.aspiration.verdict is V.ON_TRACK
    assert "(0 years to spare)" in f.explanation
    f = forecast_clearance("mbt", 8, 2023, [(2022, 4), (2023, 4)], date(2025, 12, 30))
    assert f.verdict is V.NOT_ON_TRACK  # one day short: margin −1/365


def test_a_fractional_number_of_years():
    # 10 km², 4 km²/yr → 2.5 years from 2024.0 → 2026.5: projected 2026.
    # Deadline 1 Mar 2026 = 2026 + 60/365: margin = 60/365 − 0.5 = −0.335616...
    f = forecast_clearance("mbt", 10, 2023, [(2022, 4), (2023, 4)], date(2026, 3, 1))
    assert f.years_needed == D("2.5")
    assert f.projected_completion_year == 2026
    assert f.verdict is V.NOT_ON_TRACK
    assert f.deadline.margin_years.quantize(D("0.0001")) == D("-0.3356")
    assert "2.5 years needed → projected completion in 2026" in f.explanation


def test_a_mid_year_contamination_date():
    # 30 Jun 2024 is day 182 of 366: 2024 + 182/366. 5 km² at 2 km²/yr → 2.5 years →
    # 2026 + 182/366 + 0.5 = 2026.997...: projected 2026. Deadline 31 Dec 2026 = 2027.0:
    # margin = 0.5 − 182/366 = 1/366 years.
    f = forecast_clearance("mbt", 5, date(2024, 6, 30), [(2023, 2), (2024, 2)], date(2026, 12, 31))
    assert f.remaining_as_of == date(2024, 6, 30)
    assert f.projected_completion_year == 2026
    assert f.verdict is V.ON_TRACK
    assert f.deadline.margin_years.quantize(D("0.000001")) == (D(1) / D(366)).quantize(
        D("0.000001")
    )


def test_an_already_passed_deadline_is_not_on_track():
    # 10 km², 5 km²/yr → 2 years → 2026.0. Deadline 1 Mar 2020 = 2020 + 61/366 (leap year):
    # margin = 2020 + 61/366 − 2026 = −5.8333... years.
    f = forecast_clearance("mbt", 10, 2023, [(2022, 5), (2023, 5)], date(2020, 3, 1))
    assert f.verdict is V.NOT_ON_TRACK
    assert f.deadline.margin_years.quantize(D("0.0001")) == D("-5.8333")
    assert "5.83 years late" in f.explanation


def test_the_rate_uses_the_last_n_calendar_years():
    releases = [(2018, 100), (2019, 100), (2021, 2), (2022, 4), (2023, 6)]
    # N = 3: 2021–2023 → (2 + 4 + 6) / 3 = 4; 12 km² → 3 years → 2027.0 → 2026
    f = forecast_clearance("mbt", 12, 2023, releases, date(2030, 1, 1))
    assert (f.rate_km2_per_year, f.rate_years, f.window) == (4, (2021, 2022, 2023), (2021, 2023))
    assert f.projected_completion_year == 2026
    # N = 5: 2019–2023, 2020 missing (left out, not zero) → (100 + 2 + 4 + 6) / 4 = 28
    f = forecast_clearance("mbt", 12, 2023, releases, date(2030, 1, 1), window_years=5)
    assert f.rate_km2_per_year == 28
    assert f.rate_years == (2019, 2021, 2022, 2023)
    assert "over 2019, 2021, 2022, 2023 (4 years)" in f.explanation


def test_a_missing_year_in_the_window_is_left_out():
    # window 2020–2022; 2020 has no figure: (3 + 5) / 2 = 4
    f = forecast_clearance("mbt", 8, 2022, [(2019, 1), (2021, 3), (2022, 5)], date(2030, 1, 1))
    assert f.rate_km2_per_year == 4
    assert f.rate_years == (2021, 2022)
    assert f.years_needed == 2
    assert f.projected_completion_year == 2024


def test_later_releases_count_in_the_rate_but_are_not_subtracted():
    # contamination at end-2023; releases to 2024 (1 year later, allowed by K = 1).
    # window 2022–2024: rate 4; 8 km² → 2 years from 2024.0 → 2026.0 → 2025
    f = forecast_clearance("mbt", 8, 2023, [(2022, 4), (2023, 4), (2024, 4)], date(2030, 1, 1))
    assert f.verdict is V.ON_TRACK
    assert f.window == (2022, 2024)
    assert f.projected_completion_year == 2025


def test_unsorted_releases_are_sorted():
    a = forecast_clearance("mbt", 12, 2023, [(2023, 5), (2021, 3), (2022, 4)], date(2027, 3, 1))
    b = forecast_clearance("mbt", 12, 2023, [(2021, 3), (2022, 4), (2023, 5)], date(2027, 3, 1))
    assert a == b


@pytest.mark.parametrize(
    "remaining",
    [D(0), D("0.00"), 0],
)
def test_nothing_remaining_is_completed(remaining):
    f = forecast_clearance("mbt", remaining, 2020, [], date(2009, 3, 1))
    assert f.verdict is V.COMPLETED
    assert f.deadline.verdict is V.COMPLETED and f.deadline.margin_years is None
    assert f.aspiration.verdict is V.COMPLETED
    assert f.years_needed is None and f.projected_completion_year is None
    assert f.reasons == ()
    assert f.explanation == (
        "Mine Ban Treaty Art. 5(1): no contamination remaining as of 2020-12-31 → completed"
    )


def test_completed_whatever_the_release_data():
    f = forecast_clearance("ccm", 0, 2015, [(2023, 0)], date(2020, 8, 1))
    assert f.verdict is V.COMPLETED


def test_no_release_data_is_unclear():
    f = forecast_clearance("mbt", 12, 2023, [], date(2027, 3, 1))
    assert f.verdict is V.UNCLEAR
    assert f.reasons == ("no land release recorded",)
    assert f.rate_km2_per_year is None and f.window is None
    assert f.deadline.verdict is V.UNCLEAR and f.deadline.margin_years is None
    assert f.aspiration.verdict is V.UNCLEAR
    assert f.explanation == (
        "Mine Ban Treaty Art. 5(1): 12 km² remaining as of 2023-12-31 → unclear: "
        "no land release recorded"
    )


def test_fewer_than_min_years_in_the_window_is_unclear():
    # 2019 is outside the window 2021–2023, so only 2023 counts
    f = forecast_clearance("mbt", 12, 2023, [(2019, 3), (2023, 4)], date(2027, 3, 1))
    assert f.verdict is V.UNCLEAR
    assert f.reasons == ("only 1 year of release data in 2021–2023 (at least 2 needed)",)
    assert f.rate_km2_per_year == 4  # shown, but nothing projected from it
    assert f.years_needed is None and f.projected_completion_year is None
    # min_years = 1: 12 / 4 = 3 years → 2026
    f = forecast_clearance("mbt", 12, 2023, [(2019, 3), (2023, 4)], date(2027, 3, 1), min_years=1)
    assert f.verdict is V.ON_TRACK
    assert f.projected_completion_year == 2026


def test_contamination_older_than_the_releases_is_unclear():
    # end-2020 figure, releases to 2023: 3 years apart > K = 1
    releases = [(2021, 3), (2022, 4), (2023, 5)]
    f = forecast_clearance("mbt", 12, 2020, releases, date(2027, 3, 1))
    assert f.verdict is V.UNCLEAR
    assert f.reasons == (
        "the contamination figure (as of 2020-12-31) is older than the latest release figure "
        "(2023) by more than 1 year",
    )
    # K = 3 accepts it: 12 / 4 = 3 years from 2021.0 → 2024.0 → 2023
    f = forecast_clearance("mbt", 12, 2020, releases, date(2027, 3, 1), max_gap_years=3)
    assert f.verdict is V.ON_TRACK
    assert f.projected_completion_year == 2023


def test_releases_older_than_the_contamination_are_unclear():
    f = forecast_clearance("mbt", 12, 2024, [(2021, 3), (2022, 4)], date(2027, 3, 1))
    assert f.verdict is V.UNCLEAR
    assert (
        "the latest release figure (2022) is older than the contamination figure" in (f.reasons[0])
    )
    f = forecast_clearance("mbt", 12, 2023, [(2021, 3), (2022, 4)], date(2027, 3, 1))
    assert f.verdict is not V.UNCLEAR  # 1 year apart is allowed


def test_a_zero_rate_with_contamination_left_is_unclear():
    f = forecast_clearance("mbt", D("12.5"), 2023, [(2022, 0), (2023, D("0.00"))], date(2027, 3, 1))
    assert f.verdict is V.UNCLEAR
    assert f.rate_km2_per_year == 0
    assert f.reasons == (
        "no land released in 2022–2023: completion cannot be projected at a rate of zero",
    )


def test_every_reason_is_listed():
    f = forecast_clearance("mbt", 12, 2020, [(2023, 0)], date(2027, 3, 1))
    assert f.verdict is V.UNCLEAR
    assert len(f.reasons) == 3
    assert f.explanation.count("; ") >= 2


def test_the_aspiration_is_a_parameter():
    releases = [(2022, 4), (2023, 4)]
    f = forecast_clearance("ccm", 8, 2023, releases, date(2026, 8, 1), aspiration=None)
    assert f.aspiration is None
    assert "aspiration" not in f.explanation
    f = forecast_clearance("ccm", 8, 2023, releases, date(2026, 8, 1), aspiration=date(2024, 6, 30))
    # 2026.0 against 30 Jun 2024 = 2024 + 182/366: not on track
    assert f.aspiration.label == "2024 aspiration"
    assert f.aspiration.verdict is V.NOT_ON_TRACK


def test_the_overall_verdict_is_the_legal_deadlines():
    # on track for 2025 (2026.0 ≤ 2026.0) but the deadline passed in 2020
    f = forecast_clearance("mbt", 8, 2023, [(2022, 4), (2023, 4)], date(2020, 6, 1))
    assert f.aspiration.verdict is V.ON_TRACK
    assert f.verdict is f.deadline.verdict is V.NOT_ON_TRACK


def test_year_point():
    assert year_point(date(2023, 12, 31)) == 2024
    assert year_point(date(2024, 3, 1)) == 2024 + D(61) / D(366)
    assert year_point(date(2023, 1, 1)) == 2023 + D(1) / D(365)


@pytest.mark.parametrize(
    "kwargs,message",
    [
        ({"treaty": "ccw"}, "treaty"),
        ({"remaining_km2": D(-1)}, "remaining_km2: negative"),
        ({"remaining_km2": D("NaN")}, "remaining_km2"),
        ({"remaining_km2": D("Infinity")}, "remaining_km2"),
        ({"remaining_km2": 12.5}, "remaining_km2: expected a Decimal"),
        ({"remaining_km2": "12"}, "remaining_km2"),
        ({"remaining_km2": True}, "remaining_km2"),
        ({"remaining_as_of": "2023"}, "remaining_as_of"),
        ({"remaining_as_of": 0}, "remaining_as_of"),
        ({"releases": [(2022, D(-1))]}, r"releases\[0\]: negative"),
        ({"releases": [(2022, 4), (2023, D("NaN"))]}, r"releases\[1\]"),
        ({"releases": [(2022, 4.0)]}, r"releases\[0\]"),
        ({"releases": [(2022.0, 4)]}, r"releases\[0\]: expected a year"),
        ({"releases": [2022]}, r"releases\[0\]: expected a \(year, km²\) pair"),
        ({"releases": [(2022, 4), (2022, 5)]}, "releases: duplicate year 2022"),
        ({"deadline": "2027-03-01"}, "deadline"),
        ({"aspiration": 2025}, "aspiration"),
        ({"window_years": 0}, "window_years"),
        ({"min_years": 0}, "min_years"),
        ({"min_years": 4}, "min_years"),
        ({"max_gap_years": -1}, "max_gap_years"),
        ({"max_gap_years": True}, "max_gap_years"),
    ],
)
def test_bad_arguments_are_refused_naming_them(kwargs, message):
    args = {
        "treaty": "mbt",
        "remaining_km2": D(12),
        "remaining_as_of": 2023,
        "releases": [(2022, 4), (2023, 4)],
        "deadline": date(2027, 3, 1),
        **kwargs,
    }
    with pytest.raises(ValueError, match=message):
        forecast_clearance(**args)


km2 = st.decimals(min_value=D("0.01"), max_value=D("100000"), places=2)


@given(km2, km2, st.lists(km2, min_size=2, max_size=5))
def test_more_contamination_never_finishes_sooner(a, b, rates):
    releases = [(2023 - i, r) for i, r in enumerate(rates)]
    low, high = sorted([a, b])
    f_low = forecast_clearance("mbt", low, 2023, releases, date(2030, 1, 1))
    f_high = forecast_clearance("mbt", high, 2023, releases, date(2030, 1, 1))
    assert f_low.projected_completion_year <= f_high.projected_completion_year
    assert f_low.deadline.margin_years >= f_high.deadline.margin_years
    # the verdict agrees with the margin and the projected year with the years needed
    for f in (f_low, f_high):
        assert (f.verdict is V.ON_TRACK) == (f.deadline.margin_years >= 0)
        assert f.projected_completion_year == 2024 + math.ceil(f.years_needed) - 1
