"""Mapping-driven import on files written here: bad input is reported in full, nothing written."""

from __future__ import annotations

import json
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from monitor.countries.models import Country
from monitor.research.importers.mapping import (
    MappedImportError,
    MappingError,
    mapped_import,
    mapping_load,
)
from monitor.research.mappings import bundled_mapping_names, bundled_mapping_path
from monitor.research.models import Edition, LandRelease, Source

pytestmark = pytest.mark.django_db

MAPPING = bundled_mapping_path("colombia-desminado")
HEADER = (
    "departamento,municipio,totalartefactosdestruidos,areadespejada,ano,mes,tipodesminado,"
    "map,muse,aei"
)
GOOD_ROWS = [
    '"ANTIOQUIA","SAN FRANCISCO",87,54370,2010,8,"Comunidades",0,1,86',
    '"SANTANDER","EL CARMEN",1,1521.82,2011,9,"Comunidades",0,0,1',
    '"NARIÑO","SAMANIEGO",1,2770,2010,11,"Bases Militares",1,0,0',
]


@pytest.fixture(autouse=True)
def colombia(db):
    Country.objects.create(iso3="COL", name="Colombia")
    Country.objects.create(iso3="PER", name="Peru")


def write_csv(tmp_path, rows, *, header=HEADER, name="data.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


def problems_of(path, mapping=MAPPING):
    with pytest.raises(MappedImportError) as info:
        mapped_import(mapping_path=mapping, data_path=path, edition="Test 2025")
    assert LandRelease.objects.count() == 0
    assert Source.objects.count() == 0
    assert Edition.objects.count() == 0
    return {(p.file, p.row, p.column): p.message for p in info.value.problems}


def test_bundled_mapping_is_listed_and_loads():
    assert "colombia-desminado" in bundled_mapping_names()
    mapping = mapping_load(MAPPING)
    assert mapping.theme.name == "land_release"
    assert mapping.country_fixed == "COL" and mapping.year_column == "ano"
    assert mapping.fixed == {"hazard": "mines"}
    assert {f.target: (f.sum, f.factor, f.round) for f in mapping.fields} == {
        "cleared_km2": ("areadespejada", Decimal("0.000001"), 2),
        "ap_mines_destroyed": ("map", Decimal(1), None),
        "other_erw_destroyed": ("muse", Decimal(1), None),
        "improvised_destroyed": ("aei", Decimal(1), None),
    }
    assert mapping.licence == "CC BY 4.0"
    assert bundled_mapping_path("../settings") is None


def test_good_file_aggregates_and_rounds_after_summing(tmp_path):
    # 3 rows of 4,999 m2 in one year: 0.004999 km2 each would round to 0.00 row by row,
    # the sum 14,997 m2 rounds to 0.01 km2
    rows = [f'"A","B",1,4999,2012,{m},"Comunidades",1,0,0' for m in (1, 2, 3)] + GOOD_ROWS
    path = write_csv(tmp_path, rows)
    report = mapped_import(mapping_path=MAPPING, data_path=path, edition="Test 2025")
    assert (report.rows_read, report.created) == (6, 3)
    r2010 = LandRelease.objects.get(data_year=2010)
    assert r2010.cleared_km2 == Decimal("0.06")  # 54,370 + 2,770 = 57,140 m2
    assert (r2010.ap_mines_destroyed, r2010.other_erw_destroyed, r2010.improvised_destroyed) == (
        1,
        1,
        86,
    )
    assert "(2 rows)" in r2010.note
    assert LandRelease.objects.get(data_year=2011).cleared_km2 == Decimal("0.00")
    assert LandRelease.objects.get(data_year=2012).cleared_km2 == Decimal("0.01")
    # half-up: 5,000 m2 is 0.005 km2, stored as 0.01
    path = write_csv(tmp_path, ['"A","B",0,5000,2013,1,"Comunidades",0,0,0'], name="half.csv")
    mapped_import(mapping_path=MAPPING, data_path=path, edition="Half 2025")
    assert LandRelease.objects.get(data_year=2013).cleared_km2 == Decimal("0.01")


def test_non_numeric_area(tmp_path):
    path = write_csv(tmp_path, [*GOOD_ROWS, '"A","B",1,n/d,2012,1,"Comunidades",1,0,0'])
    problems = problems_of(path)
    assert list(problems) == [(str(path), 5, "areadespejada")]
    assert "expected a number" in problems[(str(path), 5, "areadespejada")]


def test_decimal_comma_is_not_guessed(tmp_path):
    path = write_csv(tmp_path, ['"A","B",1,"1521,82",2012,1,"Comunidades",1,0,0'])
    assert list(problems_of(path)) == [(str(path), 2, "areadespejada")]


def test_missing_column(tmp_path):
    header = HEADER.removesuffix(",aei")
    rows = [r.rsplit(",", 1)[0] for r in GOOD_ROWS]
    path = write_csv(tmp_path, rows, header=header)
    problems = problems_of(path)
    assert list(problems) == [(str(path), 1, "aei")]
    assert "missing column" in problems[(str(path), 1, "aei")]


def test_negative_count(tmp_path):
    path = write_csv(tmp_path, ['"A","B",-1,100,2012,1,"Comunidades",0,0,-1'])
    problems = problems_of(path)
    assert set(problems) == {
        (str(path), 2, "totalartefactosdestruidos"),
        (str(path), 2, "aei"),
    }
    assert all("must not be negative" in m for m in problems.values())


def test_inconsistent_device_counts(tmp_path):
    path = write_csv(tmp_path, [*GOOD_ROWS, '"A","B",5,100,2012,1,"Comunidades",1,1,1'])
    problems = problems_of(path)
    assert list(problems) == [(str(path), 5, "totalartefactosdestruidos")]
    assert (
        "map 1 + muse 1 + aei 1 = 3, not totalartefactosdestruidos 5"
        in (problems[(str(path), 5, "totalartefactosdestruidos")])
    )


def test_truncated_row(tmp_path):
    path = write_csv(tmp_path, [GOOD_ROWS[0], '"A","B",1,100,2012,1,"Comunidades",1', GOOD_ROWS[1]])
    problems = problems_of(path)
    assert set(problems) == {(str(path), 3, "muse"), (str(path), 3, "aei")}
    assert "only 8 of 10 fields" in problems[(str(path), 3, "aei")]


def test_latin1_file(tmp_path):
    rows = [*GOOD_ROWS, '"BOLÍVAR","EL CARMEN DE BOLÍVAR",1,10,2012,1,"Comunidades",1,0,0']
    path = write_csv(tmp_path, rows, encoding="latin-1")
    problems = problems_of(path)
    assert set(problems) == {
        (str(path), 4, "departamento"),  # NARIÑO
        (str(path), 5, "departamento"),
        (str(path), 5, "municipio"),
    }
    message = problems[(str(path), 4, "departamento")]
    assert "not valid UTF-8" in message and "0xD1" in message and "NARIÑO" in message


def test_every_problem_is_reported_at_once(tmp_path):
    rows = [
        GOOD_ROWS[0],
        '"A","B",1,n/d,2012,1,"Comunidades",1,0,0',  # row 3: area
        '"A","B",5,100,2012,1,"Comunidades",1,1,1',  # row 4: check
        '"A","B",1,100,2012,13,"Otro",1,0,0',  # row 5: month, operation type
        '"A","B",1,100,2012',  # row 6: truncated
    ]
    path = write_csv(tmp_path, rows)
    problems = problems_of(path)
    assert set(problems) == {
        (str(path), 3, "areadespejada"),
        (str(path), 4, "totalartefactosdestruidos"),
        (str(path), 5, "mes"),
        (str(path), 5, "tipodesminado"),
        *((str(path), 6, c) for c in ("mes", "tipodesminado", "map", "muse", "aei")),
    }


def test_bad_xlsx_is_located_by_sheet_row_and_column(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Hoja1"
    ws.append(HEADER.split(","))
    ws.append(["ANTIOQUIA", "SAN FRANCISCO", 87, 54370, 2010, 8, "Comunidades", 0, 1, 86])
    ws.append(["SANTANDER", "EL CARMEN", 1, "mucho", 2011, 9, "Comunidades", 0, 0, 1])
    ws.append(["SANTANDER", "EL CARMEN", 1, 1521.82, 2011, 9, "Comunidades", 0, 0, None])
    path = tmp_path / "data.xlsx"
    book.save(path)
    problems = problems_of(path)
    file = f"{path} [Hoja1]"
    assert set(problems) == {(file, 3, "areadespejada"), (file, 4, "aei")}


def test_xlsx_equals_csv(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(HEADER.split(","))
    ws.append(["ANTIOQUIA", "SAN FRANCISCO", 87, 54370, 2010, 8, "Comunidades", 0, 1, 86])
    ws.append(["SANTANDER", "EL CARMEN", 1, 1521.82, 2011, 9, "Comunidades", 0, 0, 1])
    ws.append(["NARIÑO", "SAMANIEGO", 1, 2770, 2010, 11, "Bases Militares", 1, 0, 0])
    xlsx = tmp_path / "data.xlsx"
    book.save(xlsx)
    a = mapped_import(mapping_path=MAPPING, data_path=write_csv(tmp_path, GOOD_ROWS), edition="A")
    b = mapped_import(mapping_path=MAPPING, data_path=xlsx, edition="B")
    assert [(r.data_year, r.values) for r in a.records] == [
        (r.data_year, r.values) for r in b.records
    ]


def test_unreadable_and_unsupported_files(tmp_path):
    missing = tmp_path / "nope.csv"
    assert list(problems_of(missing)) == [(str(missing), None, None)]
    other = tmp_path / "data.ods"
    other.write_text("x")
    assert "unsupported file type" in problems_of(other)[(str(other), None, None)]
    fake = tmp_path / "fake.xlsx"
    fake.write_text("not a zip")
    assert "not a readable .xlsx" in problems_of(fake)[(str(fake), None, None)]
    empty = write_csv(tmp_path, [], name="empty.csv")
    assert problems_of(empty) == {(str(empty), None, None): "no data rows"}


def custom_mapping(tmp_path, **changes):
    mapping = {
        "theme": "land_release",
        "source": {"title": "Test survey", "url": "https://example.org/survey"},
        "input": {
            "columns": {
                "pais": {"type": "text"},
                "anio": {"type": "integer"},
                "tipo": {"type": "text"},
                "ha": {"type": "decimal", "min": 0, "unit": "ha"},
                "minas": {"type": "integer", "min": 0, "required": False},
            },
            "filters": [{"column": "tipo", "not_in": ["subtotal"]}],
        },
        "country": {"column": "pais", "codes": {"Perú": "PER"}},
        "year": {"column": "anio"},
        "fixed": {"hazard": "all", "confidence": "M"},
        "fields": {
            "released_km2": {"sum": "ha", "unit": "km2"},
            "ap_mines_destroyed": {"sum": "minas"},
        },
        "note": "{country} {year}: {rows} rows",
    }
    mapping.update(changes)
    path = tmp_path / "custom.json"
    path.write_text(json.dumps(mapping), encoding="utf-8")
    return path


def test_country_column_filters_and_hectares(tmp_path):
    mapping = custom_mapping(tmp_path)
    data = write_csv(
        tmp_path,
        [
            "Perú,2020,a,150,3",
            "COL,2020,a,50.5,",
            "col,2020,b,0.25,2",
            "Perú,2020,subtotal,999999,x",  # filtered out before it is checked
            "Perú,2021,a,1,",
        ],
        header="pais,anio,tipo,ha,minas",
    )
    report = mapped_import(mapping_path=mapping, data_path=data, edition="Custom 2025")
    assert (report.rows_read, report.rows_used, report.created) == (5, 4, 3)
    got = {
        (r.country_id, r.data_year): (r.released_km2, r.ap_mines_destroyed, r.note, r.hazard)
        for r in LandRelease.objects.all()
    }
    assert got == {
        ("COL", 2020): (Decimal("0.51"), 2, "COL 2020: 2 rows", "all"),
        ("PER", 2020): (Decimal("1.50"), 3, "PER 2020: 1 rows", "all"),
        ("PER", 2021): (Decimal("0.01"), None, "PER 2021: 1 rows", "all"),
    }
    unknown = write_csv(tmp_path, ["Narnia,2020,a,1,1"], header="pais,anio,tipo,ha,minas")
    problems = problems_of_custom(mapping, unknown)
    assert list(problems) == [(str(unknown), 2, "pais")]


def problems_of_custom(mapping, data):
    before = LandRelease.objects.count()
    with pytest.raises(MappedImportError) as info:
        mapped_import(mapping_path=mapping, data_path=data, edition="Custom 2025")
    assert LandRelease.objects.count() == before
    return {(p.file, p.row, p.column): p.message for p in info.value.problems}


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"theme": "nope"}, "unknown theme"),
        ({"fields": {"nope_km2": {"sum": "ha"}}}, "not a column of theme land_release"),
        ({"fields": {"released_km2": {"sum": "nope"}}}, "not a column in input.columns"),
        ({"fields": {"released_km2": {"sum": "ha"}}}, "no conversion from 'ha'"),
        ({"fields": {"released_km2": {"sum": "tipo"}}}, "is not numeric"),
        ({"fixed": {"hazard": "lava"}}, "fixed.hazard"),
        ({"year": {"column": "tipo"}}, "must be of type integer"),
        ({"country": {"fixed": "COL", "column": "pais"}}, "exactly one of"),
        ({"colour": "blue"}, "unknown key 'colour'"),
        ({"note": "{nope}"}, "note"),
    ],
)
def test_bad_mappings_are_refused(tmp_path, changes, message):
    with pytest.raises(MappingError, match=message):
        mapping_load(custom_mapping(tmp_path, **changes))


def test_fixed_country_missing_from_database(tmp_path):
    Country.objects.filter(iso3="COL").delete()
    path = write_csv(tmp_path, GOOD_ROWS)
    with pytest.raises(MappingError, match="'COL' is not in the database"):
        mapped_import(mapping_path=MAPPING, data_path=path, edition="Test 2025")


def test_command_reports_problems_with_exit_status_2(tmp_path):
    path = write_csv(tmp_path, [*GOOD_ROWS, '"A","B",5,n/d,2012,1,"Comunidades",1,1,1'])
    with pytest.raises(CommandError) as info:
        call_command("import-mapped", "colombia-desminado", str(path), edition="Test 2025")
    assert info.value.returncode == 2
    text = str(info.value)
    assert "2 problems in the input, nothing was written" in text
    assert f"{path}, row 5, column areadespejada: expected a number" in text
    assert f"{path}, row 5, column totalartefactosdestruidos: map 1 + muse 1" in text
    assert LandRelease.objects.count() == 0


def test_command_dry_run_and_mapping_path(tmp_path):
    path = write_csv(tmp_path, GOOD_ROWS)
    out = StringIO()
    call_command(
        "import-mapped", str(MAPPING), str(path), edition="T 2025", dry_run=True, stdout=out
    )
    assert "land_release: would add 2, would update 0, 0 unchanged" in out.getvalue()
    assert LandRelease.objects.count() == 0
    with pytest.raises(CommandError, match="unknown mapping 'nope'") as info:
        call_command("import-mapped", "nope", str(path), edition="T 2025")
    assert info.value.returncode == 2
