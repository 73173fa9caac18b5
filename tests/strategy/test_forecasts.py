"""Clearance forecasts (monitor.strategy.forecasts) on the real seed data, and on a small
constructed fixture for the on-track and not-on-track verdicts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from monitor.research.models import Contamination, Edition, LandRelease, Source
from monitor.rules.forecast import Verdict
from monitor.strategy.forecasts import (
    RELEASED,
    SUM_OF_PARTS,
    UnknownForecastTreaty,
    clearance_forecasts,
)
from monitor.treaties.selectors import obligations_all

pytestmark = pytest.mark.django_db

AS_OF = date(2026, 2, 3)
AP = Contamination.DeviceClass.ANTIPERSONNEL_MINES
CMR = Contamination.DeviceClass.CLUSTER_MUNITION_REMNANTS


def _rows(**kwargs):
    return {(r.treaty, r.iso3): r for r in clearance_forecasts(as_of=AS_OF, **kwargs)}


def _open_clearance(treaty: str) -> dict:
    return {
        r.iso3: r.obligation for r in obligations_all(as_of=AS_OF, treaty=treaty, kind="clearance")
    }


def test_forecast_for_every_open_obligation_with_a_contamination_figure(seeded):
    rows = _rows()
    for treaty, device in (("mbt", AP), ("ccm", CMR)):
        with_figure = set(
            Contamination.objects.filter(device_class=device, country__isnull=False).values_list(
                "country_id", flat=True
            )
        )
        expected = with_figure & set(_open_clearance(treaty))
        assert {iso3 for t, iso3 in rows if t == treaty} == expected
    # On the bundled seed data, concretely:
    assert {iso3 for t, iso3 in rows if t == "mbt"} == {
        "AGO", "BIH", "ECU", "HRV", "KHM", "LKA", "PSE", "YEM", "ZWE"
    }  # fmt: skip
    assert {iso3 for t, iso3 in rows if t == "ccm"} == {"BIH", "HRV", "LAO"}
    # MBT first, then by country name; the deadline is the obligation's (after extensions).
    ordered = clearance_forecasts(as_of=AS_OF)
    assert [r.treaty for r in ordered] == sorted((r.treaty for r in ordered), key="mbt ccm".index)
    for row in ordered:
        assert row.forecast.deadline.due == _open_clearance(row.treaty)[row.iso3].due
        assert (row.forecast.aspiration is not None) == (row.treaty == "mbt")


def test_treaty_filter_and_bad_input(seeded):
    assert {r.treaty for r in clearance_forecasts(treaty="ccm", as_of=AS_OF)} == {"ccm"}
    with pytest.raises(UnknownForecastTreaty, match="ccw"):
        clearance_forecasts(treaty="ccw-ii")
    with pytest.raises(ValueError, match="window_years"):
        clearance_forecasts(window_years=0)


def test_angola_one_year_of_release_is_unclear(seeded):
    row = _rows()[("mbt", "AGO")]
    contamination = Contamination.objects.filter(country_id="AGO", device_class=AP).latest(
        "data_year"
    )
    release = LandRelease.objects.get(country_id="AGO", hazard="mines")
    f = row.forecast
    assert f.verdict is Verdict.UNCLEAR
    assert f.remaining_km2 == contamination.area_km2
    assert f.remaining_as_of == date(contamination.data_year, 12, 31)
    assert f.rate_km2_per_year == release.released_km2
    assert f.rate_years == (release.data_year,)
    assert [(c.data_year, c.label) for c in row.releases] == [(release.data_year, RELEASED)]
    first = release.data_year - 2
    assert f.reasons == (
        f"only 1 year of release data in {first}–{release.data_year} (at least 2 needed)",
    )
    assert f.deadline.due == _open_clearance("mbt")["AGO"].due
    assert f.aspiration.verdict is Verdict.UNCLEAR
    assert row.remaining[0].source.key == contamination.source.key
    assert row.remaining[0].edition.name == contamination.edition.name


def test_zimbabwe_release_is_the_sum_of_its_parts(seeded):
    row = _rows()[("mbt", "ZWE")]
    release = LandRelease.objects.get(country_id="ZWE", hazard="mines")
    assert release.released_km2 is None
    total = release.cancelled_km2 + release.reduced_km2 + release.cleared_km2
    assert [(c.data_year, c.km2, c.label) for c in row.releases] == [
        (release.data_year, total, SUM_OF_PARTS)
    ]
    assert row.forecast.rate_km2_per_year == total
    assert row.forecast.verdict is Verdict.UNCLEAR
    assert row.to_dict()["releases"][0]["basis"] == SUM_OF_PARTS


def test_croatia_clearance_alone_is_not_a_release(seeded):
    row = _rows()[("mbt", "HRV")]
    cleared_only = LandRelease.objects.filter(country_id="HRV", hazard="mines")
    assert cleared_only and all(
        r.released_km2 is None and r.cancelled_km2 is None and r.cleared_km2 is not None
        for r in cleared_only
    )
    assert row.releases == ()
    assert [c.data_year for c in row.releases_not_used] == sorted(r.data_year for r in cleared_only)
    assert all("only cleared" in c.label for c in row.releases_not_used)
    assert row.forecast.verdict is Verdict.UNCLEAR
    assert row.forecast.reasons == ("no land release recorded",)
    assert row.forecast.rate_km2_per_year is None


def test_cambodia_figures_years_apart_are_unclear(seeded):
    row = _rows()[("mbt", "KHM")]
    contamination_year = (
        Contamination.objects.filter(country_id="KHM", device_class=AP)
        .latest("data_year")
        .data_year
    )
    release_year = (
        LandRelease.objects.filter(country_id="KHM", released_km2__isnull=False)
        .latest("data_year")
        .data_year
    )
    assert contamination_year - release_year > 1
    reasons = row.forecast.reasons
    assert any(
        f"the latest release figure ({release_year}) is older than the contamination figure "
        f"(as of {contamination_year}-12-31)" in r
        for r in reasons
    )


def test_lao_ccm_uses_cluster_munition_remnant_figures(seeded):
    row = _rows()[("ccm", "LAO")]
    cmr = Contamination.objects.get(country_id="LAO", device_class=CMR)
    assert row.forecast.remaining_km2 == cmr.area_km2
    assert row.forecast.article == "Art. 4(1)"
    assert row.forecast.aspiration is None
    assert row.forecast.verdict is Verdict.UNCLEAR
    assert {c.data_year for c in row.releases_not_used} == set(
        LandRelease.objects.filter(country_id="LAO", hazard="cmr").values_list(
            "data_year", flat=True
        )
    )


# --- constructed figures: every verdict through the selector ---------------------------------


@pytest.fixture
def constructed(seeded):
    """Test-only figures for three real States Parties with an open clearance obligation."""
    edition = Edition.objects.create(name="Test edition 2025", report_year=2025, data_year=2024)
    source = Source.objects.create(key="test-forecast-source", title="Constructed test figures")

    def contamination(iso3, device, km2):
        Contamination.objects.create(
            country_id=iso3, data_year=2024, edition=edition, source=source,
            device_class=device, area_km2=Decimal(km2),
        )  # fmt: skip

    def releases(iso3, hazard, per_year):
        for year, km2 in per_year.items():
            LandRelease.objects.create(
                country_id=iso3, data_year=year, edition=edition, source=source,
                hazard=hazard, released_km2=Decimal(km2),
            )  # fmt: skip

    contamination("UKR", AP, "30")  # 3 years at 10 km²/yr: done by end-2027
    releases("UKR", "mines", {2022: "10", 2023: "10", 2024: "10"})
    contamination("IRQ", AP, "100")  # 10 years at 10 km²/yr: end-2034
    releases("IRQ", "mines", {2022: "5", 2023: "10", 2024: "15"})
    contamination("CHL", CMR, "0")
    return edition


def test_constructed_on_track_and_not_on_track(constructed):
    rows = _rows()
    ukraine = rows[("mbt", "UKR")].forecast
    assert ukraine.deadline.due == _open_clearance("mbt")["UKR"].due
    assert ukraine.deadline.due > date(2027, 12, 31)
    assert ukraine.rate_km2_per_year == 10 and ukraine.rate_years == (2022, 2023, 2024)
    assert ukraine.years_needed == 3 and ukraine.projected_completion_year == 2027
    assert ukraine.verdict is Verdict.ON_TRACK
    assert ukraine.aspiration.verdict is Verdict.NOT_ON_TRACK  # 2027 is after 2025
    assert ukraine.aspiration.margin_years == -2

    iraq = rows[("mbt", "IRQ")].forecast
    assert iraq.deadline.due == _open_clearance("mbt")["IRQ"].due < date(2034, 12, 31)
    assert iraq.years_needed == 10 and iraq.projected_completion_year == 2034
    assert iraq.verdict is Verdict.NOT_ON_TRACK
    assert iraq.reasons == ()

    chile = rows[("ccm", "CHL")].forecast
    assert chile.verdict is Verdict.COMPLETED

    # The window is a parameter: the last year alone gives Iraq 15 km²/yr, 100/15 years.
    narrow = _rows(window_years=1)[("mbt", "IRQ")].forecast
    assert narrow.rate_km2_per_year == 15 and narrow.rate_years == (2024,)


def test_to_dict_carries_numbers_and_sources(constructed):
    out = _rows()[("mbt", "UKR")].to_dict()
    assert out["verdict"] == "on_track" and out["projected_completion_year"] == 2027
    assert out["remaining_km2"] == 30.0 and out["remaining_as_of"] == "2024-12-31"
    assert out["deadline"]["verdict"] == "on_track" and out["deadline"]["margin_years"] > 0
    assert out["aspiration"] == {
        "label": "2025 aspiration",
        "due": "2025-12-31",
        "verdict": "not_on_track",
        "margin_years": -2.0,
    }
    assert out["remaining_figures"][0]["source"]["key"] == "test-forecast-source"
    assert out["remaining_figures"][0]["edition"] == constructed.name
    assert [r["data_year"] for r in out["releases"]] == [2022, 2023, 2024]
