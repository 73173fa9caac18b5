"""Individual casualty records imported with `monitor import` feed the country-year roll-up.

The rows are test data written by the test, not Monitor figures.
"""

import pytest

from monitor.countries.services import country_seed
from monitor.research.aggregates import casualty_country_year, casualty_country_year_scan
from monitor.research.imports import theme_import
from monitor.research.services import source_get_or_create

pytestmark = pytest.mark.django_db

HEADER = "country,data_year,record_id,incident_date,place,outcome,age_group,sex,civilian_status,device,source\n"


def test_imported_records_are_rolled_up(tmp_path):
    country_seed()
    source_get_or_create(title="Test casualty register", key="test-register")
    path = tmp_path / "records.csv"
    path.write_text(
        HEADER
        + "AFG,2023,T-1,2023-01-05,test place,killed,child,male,civilian,improvised_mine,test-register\n"
        + "AFG,2023,T-2,2023-02-05,test place,injured,adult,female,civilian,other_erw,test-register\n"
        + "COL,2022,T-3,2022-03-05,test place,injured,adult,male,military,ap_mine,test-register\n",
        encoding="utf-8",
    )
    report = theme_import(theme="casualty_records", path=path, edition="Test Edition 2024")
    assert not report.issues and report.created == 3
    rows = {(r["country"], r["data_year"]): r for r in casualty_country_year()}
    assert rows[("AFG", 2023)]["total"] == 2
    assert rows[("AFG", 2023)]["killed"] == 1 and rows[("AFG", 2023)]["child"] == 1
    assert rows[("COL", 2022)]["military"] == 1
    assert sorted(casualty_country_year(), key=str) == sorted(casualty_country_year_scan(), key=str)
