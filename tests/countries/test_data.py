from collections import Counter

import pycountry
import pytest

from monitor.countries import data
from monitor.countries.data import (
    M49_OVERRIDES,
    M49_REGIONS,
    M49_SUBREGIONS,
    OTHER_AREA,
    STATE,
    load_country_records,
    load_vendored_rows,
    split_alt_spellings,
)
from monitor.countries.models import Country
from monitor.countries.vendor import COLUMNS


@pytest.fixture(scope="module")
def records():
    return {r.iso3: r for r in load_country_records()}


def test_every_iso_entry_and_the_other_areas(records):
    assert len(records) == len(pycountry.countries) + 3 >= 252
    for country in pycountry.countries:
        record = records[country.alpha_3]
        assert (record.iso2, record.numeric) == (country.alpha_2, country.numeric)


@pytest.mark.parametrize("field", ["iso3", "iso2", "numeric"])
def test_codes_are_unique(records, field):
    values = [getattr(r, field) for r in records.values() if getattr(r, field)]
    assert [v for v, n in Counter(values).items() if n > 1] == []


def test_other_areas():
    by_code = {r.iso3: r for r in load_country_records()}
    kosovo, somaliland, nk = by_code["XKX"], by_code["XSL"], by_code["XNK"]
    assert (kosovo.name, kosovo.iso2, kosovo.kind) == ("Kosovo", "XK", OTHER_AREA)
    assert (somaliland.name, somaliland.kind) == ("Somaliland", OTHER_AREA)
    assert (nk.name, nk.kind) == ("Nagorno-Karabakh", OTHER_AREA)
    assert "1 January 2024" in nk.note
    assert (kosovo.subregion, somaliland.subregion, nk.subregion) == (
        "Southern Europe",
        "Eastern Africa",
        "Western Asia",
    )
    for code in ("XKX", "XSL", "XNK"):
        assert code.startswith("X") and pycountry.countries.get(alpha_3=code) is None


def test_iso_areas_with_notes(records):
    assert (records["PSE"].name, records["PSE"].kind) == ("Palestine", STATE)
    assert "State Party" in records["PSE"].note
    assert (records["TWN"].name, records["TWN"].kind) == ("Taiwan", OTHER_AREA)
    assert (records["ESH"].name, records["ESH"].kind) == ("Western Sahara", OTHER_AREA)
    assert records["TWN"].note and records["ESH"].note


def test_display_names_prefer_common_names(records):
    assert records["BOL"].name == "Bolivia"
    assert records["IRN"].name == "Iran"
    assert records["KOR"].name == "South Korea"
    assert records["COD"].name == "Democratic Republic of the Congo"
    assert records["COG"].name == "Congo"
    assert records["VAT"].name == "Holy See"
    assert records["TUR"].name == "Türkiye"
    # no inverted ISO forms such as "Korea, Republic of" or "Virgin Islands, British"
    inverted = [r.iso3 for r in records.values() if ", " in r.name and r.iso3 not in {"BES", "SHN"}]
    assert inverted == []


@pytest.mark.parametrize(
    ("iso3", "region", "region_code", "subregion", "subregion_code"),
    [
        ("AFG", "Asia", "142", "Southern Asia", "034"),
        ("MEX", "Americas", "019", "Central America", "013"),
        ("USA", "Americas", "019", "Northern America", "021"),
        ("GRL", "Americas", "019", "Northern America", "021"),
        ("CUB", "Americas", "019", "Caribbean", "029"),
        ("COL", "Americas", "019", "South America", "005"),
        ("FJI", "Oceania", "009", "Melanesia", "054"),
        ("NRU", "Oceania", "009", "Micronesia", "057"),
        ("CYP", "Asia", "142", "Western Asia", "145"),
        ("SSD", "Africa", "002", "Eastern Africa", "014"),
        ("SDN", "Africa", "002", "Northern Africa", "015"),
        ("POL", "Europe", "150", "Eastern Europe", "151"),
        ("AUT", "Europe", "150", "Western Europe", "155"),
        ("SVN", "Europe", "150", "Southern Europe", "039"),
        ("BIH", "Europe", "150", "Southern Europe", "039"),
        ("UKR", "Europe", "150", "Eastern Europe", "151"),
        ("LTU", "Europe", "150", "Northern Europe", "154"),
        ("IRN", "Asia", "142", "Southern Asia", "034"),
        ("VNM", "Asia", "142", "South-eastern Asia", "035"),
        ("TJK", "Asia", "142", "Central Asia", "143"),
        ("AUS", "Oceania", "009", "Australia and New Zealand", "053"),
        ("WSM", "Oceania", "009", "Polynesia", "061"),
        ("AGO", "Africa", "002", "Middle Africa", "017"),
        ("ZAF", "Africa", "002", "Southern Africa", "018"),
        ("SEN", "Africa", "002", "Western Africa", "011"),
    ],
)
def test_m49_facts(records, iso3, region, region_code, subregion, subregion_code):
    record = records[iso3]
    assert (record.region, record.region_code, record.subregion, record.subregion_code) == (
        region,
        region_code,
        subregion,
        subregion_code,
    )


def test_every_vendored_country_has_a_region(records):
    """Antarctica is the one entry M49 gives no region."""
    vendored = set(load_vendored_rows()) - {"UNK"} | {"XKX"}
    without = sorted(c for c in vendored if not records[c].region)
    assert without == ["ATA"]


def test_every_record_except_antarctica_has_a_region(records):
    assert sorted(r.iso3 for r in records.values() if not r.subregion_code) == ["ATA"]
    for record in records.values():
        if record.subregion_code:
            name, region_code = M49_SUBREGIONS[record.subregion_code]
            assert (record.subregion, record.region_code) == (name, region_code)
            assert record.region == M49_REGIONS[region_code]


def test_overrides_point_at_known_codes():
    assert {c for c in M49_OVERRIDES.values() if c} <= set(M49_SUBREGIONS)


def test_an_unmapped_mledoze_subregion_fails_loudly(monkeypatch):
    monkeypatch.delitem(data.M49_OVERRIDES, "AUT")
    with pytest.raises(KeyError, match="Central Europe"):
        data.m49_fields("AUT")


def test_split_alt_spellings_keeps_inverted_names():
    assert split_alt_spellings("KR,Korea, Republic of,Republic of Korea") == [
        "KR",
        "Korea, Republic of",
        "Republic of Korea",
    ]


def test_records_fit_the_model(records):
    for field in Country._meta.concrete_fields:
        limit = field.max_length
        for record in records.values():
            assert len(getattr(record, field.name)) <= limit, (record.iso3, field.name)
    assert {r.kind for r in records.values()} <= set(Country.Kind.values)


def test_vendored_csv_is_the_trimmed_package_table():
    rows = load_vendored_rows()
    assert len(rows) == 250
    assert tuple(next(iter(rows.values()))) == COLUMNS
