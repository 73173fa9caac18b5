"""GET /api/v1/strategy/forecasts/ on the real seeded data: the same selector as the page."""

from datetime import date

import pytest

from monitor.strategy.forecasts import clearance_forecasts

pytestmark = pytest.mark.django_db

URL = "/api/v1/strategy/forecasts/"


def test_forecasts_are_the_selectors(client, seeded):
    r = client.get(URL, {"as_of": "2026-02-03"})
    assert r.status_code == 200
    body = r.json()
    rows = clearance_forecasts(as_of=date(2026, 2, 3))
    assert body["as_of"] == "2026-02-03" and body["window_years"] == 3
    assert body["count"] == len(rows) == len(body["forecasts"])
    assert body["forecasts"] == [row.to_dict() for row in rows]
    angola = next(f for f in body["forecasts"] if (f["treaty"], f["iso3"]) == ("mbt", "AGO"))
    assert angola["verdict"] == "unclear"
    assert angola["remaining_km2"] == 68.0 and angola["remaining_as_of"] == "2022-12-31"
    assert angola["rate_km2_per_year"] == 13.81 and angola["rate_years"] == [2022]
    assert angola["reasons"] == ["only 1 year of release data in 2020–2022 (at least 2 needed)"]
    assert angola["aspiration"]["due"] == "2025-12-31"
    assert angola["releases"][0]["basis"] == "released"
    assert angola["remaining_figures"][0]["edition"] == "Landmine Monitor 2023 country profile"


def test_treaty_filter_and_window(client, seeded):
    body = client.get(URL, {"treaty": "ccm", "as_of": "2026-02-03"}).json()
    assert {f["treaty"] for f in body["forecasts"]} == {"ccm"}
    assert all(f["aspiration"] is None for f in body["forecasts"])
    one = client.get(URL, {"window_years": 1, "as_of": "2026-02-03"}).json()
    zimbabwe = next(f for f in one["forecasts"] if f["iso3"] == "ZWE")
    assert one["window_years"] == 1 and zimbabwe["window"] == [2017, 2017]


@pytest.mark.parametrize(
    "query, field",
    [
        ({"treaty": "ccw-ii"}, "treaty"),
        ({"window_years": "0"}, "window_years"),
        ({"window_years": "many"}, "window_years"),
        ({"as_of": "2026-02-30"}, "as_of"),
    ],
)
def test_bad_parameters_are_422(client, seeded, query, field):
    r = client.get(URL, query)
    assert r.status_code == 422
    assert r.json()["field"] == field


def test_openapi_describes_the_route(client, seeded):
    schema = client.get("/api/v1/openapi.json").json()
    op = schema["paths"]["/api/v1/strategy/forecasts/"]["get"]
    assert op["operationId"] == "strategy_forecasts"
    assert {p["name"] for p in op["parameters"]} == {"treaty", "window_years", "as_of"}
    ok = op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    assert ok.endswith("ClearanceForecastsOut")
