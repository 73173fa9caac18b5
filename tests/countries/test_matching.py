import pytest

from monitor.countries.data import load_country_records
from monitor.countries.matching import (
    AmbiguousCountryName,
    NameMatcher,
    UnknownCountryName,
    default_matcher,
    normalise,
)
from tests.countries.untc_names import participant_names
from tests.shared import UNTC_FILES, untc_page

EXAMPLES = {
    "Bahamas (The)": "BHS",
    "Bolivia (Plurinational State of)": "BOL",
    "Netherlands (Kingdom of the)": "NLD",
    "Türkiye": "TUR",
    "Turkey": "TUR",
    "Côte d'Ivoire": "CIV",
    "Cote d'Ivoire": "CIV",
    "State of Palestine": "PSE",
    "Palestine": "PSE",
    "Holy See": "VAT",
    "Niue": "NIU",
    "Cook Islands": "COK",
    "St. Kitts and Nevis": "KNA",
    "St Kitts & Nevis": "KNA",
    "St. Lucia": "LCA",
    "St. Vincent and the Grenadines": "VCT",
    "Czech Republic": "CZE",
    "Czechia": "CZE",
    "Cabo Verde": "CPV",
    "Eswatini": "SWZ",
    "Republic of Moldova": "MDA",
    "Republic of Korea": "KOR",
    "Korea (Republic of)": "KOR",
    "Democratic People's Republic of Korea": "PRK",
    "Lao People's Democratic Republic": "LAO",
    "United Kingdom of Great Britain and Northern Ireland": "GBR",
    "United Republic of Tanzania": "TZA",
    "Venezuela (Bolivarian Republic of)": "VEN",
    "Democratic Republic of the Congo": "COD",
    "Congo": "COG",
    "Sao Tome and Principe": "STP",
    "São Tomé and Príncipe": "STP",
    "Micronesia (Federated States of)": "FSM",
    "Iran (Islamic Republic of)": "IRN",
    "Russian Federation": "RUS",
    "Syrian Arab Republic": "SYR",
    "Viet Nam": "VNM",
    "Brunei Darussalam": "BRN",
    "North Macedonia": "MKD",
    "Timor-Leste": "TLS",
    "Kosovo": "XKX",
    "Somaliland": "XSL",
    "Nagorno-Karabakh": "XNK",
    "Taiwan": "TWN",
    "Western Sahara": "ESH",
    "Guinea": "GIN",
    "Guinea-Bissau": "GNB",
    "Equatorial Guinea": "GNQ",
    "Niger": "NER",
    "Nigeria": "NGA",
    "Dominica": "DMA",
    "Dominican Republic": "DOM",
    "Sudan": "SDN",
    "South Sudan": "SSD",
    "United States of America": "USA",
    "Gambia (Republic of The)": "GMB",
    "  afghanistan  ": "AFG",
    "AFG": "AFG",
    "af": "AFG",
}


@pytest.fixture(scope="module")
def matcher():
    return default_matcher()


@pytest.mark.parametrize(("name", "iso3"), EXAMPLES.items())
def test_examples(matcher, name, iso3):
    assert matcher.match(name) == iso3


@pytest.mark.parametrize("name", ["Korea", "Virgin Islands"])
def test_ambiguous_names_are_errors(matcher, name):
    with pytest.raises(AmbiguousCountryName) as info:
        matcher.match(name)
    assert info.value.name == name
    assert name in str(info.value)
    assert isinstance(info.value, UnknownCountryName)


@pytest.mark.parametrize(
    "name", ["Atlantis", "", "   ", "Guinea-Conakry-Bissau", "Sudan South East"]
)
def test_unknown_names_are_errors(matcher, name):
    with pytest.raises(UnknownCountryName) as info:
        matcher.match(name)
    assert info.value.name == name
    assert str(info.value) == f"unknown country name {name!r}"


def test_match_many_lists_every_unknown_name(matcher):
    with pytest.raises(UnknownCountryName) as info:
        matcher.match_many(["Chile", "Atlantis", "Korea", "Peru", "Lemuria", "Atlantis"])
    assert info.value.names == ("Atlantis", "Korea", "Lemuria")
    for name in ("Atlantis", "Korea", "Lemuria"):
        assert repr(name) in str(info.value)


def test_match_many_maps_names(matcher):
    assert matcher.match_many(["Chile", "Viet Nam"]) == {"Chile": "CHL", "Viet Nam": "VNM"}


def test_normalise():
    assert normalise("St. Vincent & the Grenadines") == "saint vincent and grenadines"
    assert normalise("Côte d’Ivoire") == normalise("Cote d'Ivoire") == "cote d ivoire"
    assert normalise("  Bahamas (The) ") == "bahamas"


def test_every_record_matches_its_own_name_and_codes(matcher):
    for record in load_country_records():
        assert matcher.match(record.name) == record.iso3
        assert matcher.match(record.iso3) == record.iso3
        if record.iso2:
            assert matcher.match(record.iso2) == record.iso3
        if record.official_name:
            assert matcher.match(record.official_name) == record.iso3


def test_matcher_over_a_subset_does_not_know_the_rest():
    records = [r for r in load_country_records() if r.iso3 in {"COG", "COD"}]
    matcher = NameMatcher(records)
    assert matcher.match("Congo") == "COG"
    assert matcher.match("DRC") == "COD"
    with pytest.raises(UnknownCountryName):
        matcher.match("Chile")


@pytest.mark.shared
@pytest.mark.parametrize("code", sorted(UNTC_FILES))
def test_every_untc_participant_maps(matcher, code):
    names = participant_names(untc_page(code))
    assert len(names) > 90
    assert len(set(names)) == len(names)
    mapping = matcher.match_many(names)
    # injective: no two participants on one page are the same country
    assert len(set(mapping.values())) == len(names)


def test_participant_parser_strips_footnotes(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        "<table><tr><td>Other</td></tr></table>"
        "<table><tr class='thead-one'><td>Participant<br></td><td>Signature</td></tr>"
        "<tr><td>Ukraine <sup><a>10</a>, <a>11</a></sup><br></td><td>x</td></tr>"
        "<tr><td><a href='#'>Australia</a><br></td><td>&nbsp;</td></tr></table>"
        "<table><tr><td>Later</td></tr></table>",
        encoding="utf-8",
    )
    assert participant_names(page) == ["Ukraine", "Australia"]
