"""The cited facts (monitor_facts.csv and the bundled research seed made from it).

Spot checks run on the bundled seed, which a fresh clone has; the tests that read the real
file in ../shared skip on a bare clone (tests.shared).
"""

import csv
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from monitor.research import models as m
from monitor.research.importers import facts as facts_module
from monitor.research.importers.facts import (
    FACT_COLUMNS,
    SEED_FACTS,
    FactsImportError,
    facts_import,
    facts_seed_build,
    meeting_name,
    place_completion,
    place_deadline,
)
from monitor.rules.obligations import Kind, ObligationStatus
from monitor.treaties.models import ObligationExtension, ObligationFact
from monitor.treaties.selectors import obligations_for_country
from tests.shared import shared_path

D = date.fromisoformat
AS_OF = D("2026-11-23")
RESEARCH_MODELS = (
    m.CasualtyAggregate,
    m.Contamination,
    m.LandRelease,
    m.Stockpile,
    m.SupportFigure,
)


def real_facts():
    return shared_path("data", "facts", "monitor_facts.csv")


def snapshot():
    tables = [*RESEARCH_MODELS, m.Source, m.Edition, ObligationExtension, ObligationFact]
    return {model.__name__: sorted(model.objects.values_list("pk", flat=True)) for model in tables}


@pytest.fixture
def bare(db, monkeypatch):
    """Countries, treaties and treaty events only: `monitor seed` without the research seed."""
    monkeypatch.setattr(
        facts_module, "facts_seed_load", lambda **kwargs: facts_module.FactsReport(file="none")
    )
    call_command("seed", verbosity=0)


def obligation(iso3, treaty, kind):
    obs = obligations_for_country(iso3=iso3, as_of=AS_OF, treaty=treaty)
    return next(o for o in obs if o.kind is kind)


# --- the real file --------------------------------------------------------------------


@pytest.mark.shared
@pytest.mark.django_db
def test_real_file_imports_without_issues_and_again_changes_nothing(bare):
    report = facts_import(real_facts())
    assert report.facts == 162
    assert report.changed
    assert sum(c["created"] for c in report.counts.values()) > 100
    assert all(c["updated"] == 0 and c["unchanged"] == 0 for c in report.counts.values())
    # The one warning: a source giving killed/injured/unknown without a total (none computed).
    assert [w.row for w in report.warnings] == [20]
    before = snapshot()
    again = facts_import(real_facts())
    assert not again.changed
    assert all(c["created"] == c["updated"] == 0 for c in again.counts.values())
    assert snapshot() == before


@pytest.mark.shared
def test_shipped_seed_is_what_facts_seed_build_makes_from_the_real_file(tmp_path):
    out = tmp_path / "research_facts.json"
    data = facts_seed_build(real_facts(), out)
    assert out.read_text(encoding="utf-8") == SEED_FACTS.read_text(encoding="utf-8")
    with real_facts().open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(data["facts"]) == len(rows) == 162
    for fact, row in zip(data["facts"], rows, strict=True):
        # every citation is carried over
        for column in ("source_title", "source_url", "quote", "edition", "confidence", "value"):
            assert fact[column] == row[column].strip(), (fact["fact_id"], column)


@pytest.mark.shared
@pytest.mark.django_db
def test_the_seed_and_the_real_file_give_the_same_database(seeded):
    before = snapshot()
    report = facts_import(real_facts())
    assert not report.changed
    assert snapshot() == before


@pytest.mark.django_db
def test_seed_twice_changes_nothing(seeded):
    before = snapshot()
    call_command("seed", verbosity=0)
    assert snapshot() == before


# --- spot checks on the seeded database ----------------------------------------------------


def _casualties(year, scope="mines_erw"):
    return list(
        m.CasualtyAggregate.objects.filter(country=None, data_year=year, scope=scope)
        .select_related("edition", "source")
        .order_by("edition__name")
    )


@pytest.mark.django_db
def test_world_2016_casualties_as_the_file_gives_them(seeded):
    # The README mentions 8,605 (LM2017) and 9,440 (LM2024/EFE), but the only 2016 row in
    # the file is LM2018's update, with its outcome breakdown (9437 = 2472 + 6937 + 28).
    [lm2018] = _casualties(2016)
    assert lm2018.edition.name == "Landmine Monitor 2018"
    assert (lm2018.total, lm2018.killed, lm2018.injured, lm2018.outcome_unknown) == (
        9437,
        2472,
        6937,
        28,
    )
    assert lm2018.confidence == "H"
    assert "9,437" in lm2018.quote
    assert lm2018.source.url.startswith("http://the-monitor.org/")
    assert not m.CasualtyAggregate.objects.filter(total__in=[8605, 9440]).exists()
    [cm] = _casualties(2016, "cluster_munitions")
    assert (cm.total, cm.edition.name) == (971, "Cluster Munition Monitor 2019")


@pytest.mark.django_db
def test_conflicting_editions_are_kept_side_by_side(seeded):
    # 2020: 7,073 (LM2021 via HI) and 7,093 (LM2024 via a news item, L).
    got = [(r.edition.name, r.total, r.confidence) for r in _casualties(2020)]
    assert got == [("Landmine Monitor 2021", 7073, "M"), ("Landmine Monitor 2024", 7093, "L")]


@pytest.mark.django_db
def test_a_breakdown_without_a_total_keeps_the_total_empty(seeded):
    [hi] = [r for r in _casualties(2022) if r.source.title.startswith("HI press release")]
    assert (hi.total, hi.killed, hi.injured, hi.outcome_unknown) == (None, 1661, 3015, 34)
    [lm] = [r for r in _casualties(2022) if r.source.title.startswith("Landmine Monitor 2023")]
    assert lm.total == 4710


@pytest.mark.django_db
def test_world_2022_land_release(seeded):
    [lr] = m.LandRelease.objects.filter(country=None, data_year=2022)
    assert lr.hazard == "mines"
    assert lr.released_km2 == Decimal("497.34")
    assert lr.cleared_km2 + lr.reduced_km2 + lr.cancelled_km2 == Decimal("497.34")
    assert (lr.cleared_km2, lr.reduced_km2, lr.cancelled_km2) == (
        Decimal("219.31"),
        Decimal("121.11"),
        Decimal("156.92"),
    )
    assert lr.ap_mines_destroyed == 169276
    assert lr.edition.name == "Landmine Monitor 2023"
    assert "497.34" in lr.quote and "219.31" in lr.quote


@pytest.mark.django_db
def test_released_is_checked_at_the_printed_precision(seeded):
    [khm] = m.LandRelease.objects.filter(country="KHM", data_year=2015)
    assert khm.released_km2 == Decimal("147")  # 70.38 + 30.11 + 46.47 = 146.96


@pytest.mark.django_db
def test_other_themes(seeded):
    [lao] = m.Contamination.objects.filter(country="LAO")
    assert (lao.device_class, lao.estimate_quality, lao.area_km2) == (
        "cluster_munition_remnants",
        "confirmed",
        Decimal("1371.10"),
    )
    # No data year in the row: the edition's data year (Clearing the Mines 2019 -> 2018).
    [bih_2018] = m.Contamination.objects.filter(country="BIH", data_year=2018)
    assert bih_2018.area_km2 == Decimal("50") and bih_2018.confidence == "L"
    assert "no data year" in bih_2018.note
    [ukr] = m.SupportFigure.objects.filter(country="UKR")
    assert (ukr.kind, ukr.donor, ukr.amount_usd) == ("international", "", Decimal("162300000"))
    [hrv] = m.Stockpile.objects.filter(country="HRV")
    assert (hrv.treaty, hrv.destroyed, hrv.destruction_completed_on) == ("ccm", 7235, "2018-07")


@pytest.mark.django_db
def test_ukraine_article_5_deadline_as_recorded(seeded):
    ob = obligation("UKR", "mbt", Kind.CLEARANCE)
    assert ob.original_due == D("2016-06-01")
    assert ob.due == D("2033-12-01")
    assert ob.status is ObligationStatus.PENDING
    assert "extended by 21MSP to 2033-12-01" in ob.basis
    assert "deadline as recorded by Ucrania obtiene plazo adicional" in ob.basis
    assert "(extensions not itemised)" in ob.basis
    [ext] = ObligationExtension.objects.filter(country="UKR")
    assert ext.cumulative and ext.extension_count is None
    assert ext.decided_on == D("2023-11-24")
    assert "confidence L" in ext.source


@pytest.mark.django_db
def test_peru_ccm_stockpile_destruction_is_met(seeded):
    ob = obligation("PER", "ccm", Kind.STOCKPILE_DESTRUCTION)
    assert ob.status is ObligationStatus.MET
    assert ob.due == D("2024-04-01")  # recorded deadline (original 2021-04-01)
    assert ob.met_on == D("2023-01-01")
    [fact] = ObligationFact.objects.filter(country="PER", treaty="ccm")
    assert "only the year is known (2023)" in fact.source
    assert fact.source_url.startswith("https://")


@pytest.mark.django_db
def test_two_sources_two_deadlines_the_latest_wins(seeded):
    thai = ObligationExtension.objects.filter(country="THA", status="granted")
    assert sorted(e.new_deadline for e in thai) == [D("2023-10-31"), D("2026-12-31")]
    assert thai.get(new_deadline=D("2023-10-31")).decided_on == D("2021-04-20")
    assert thai.get(new_deadline=D("2026-12-31")).decided_on is None  # as_of_date is "2023"
    assert obligation("THA", "mbt", Kind.CLEARANCE).due == D("2026-12-31")


@pytest.mark.django_db
def test_partial_deadline_values(seeded):
    tjk = ObligationExtension.objects.get(country="TJK")
    assert tjk.new_deadline == D("2025-12-31")
    assert tjk.extension_count == 2
    assert 'the source says "end of 2025"' in tjk.source
    # Angola's request "until 2030" cannot be placed on a day: not stored.
    ago = ObligationExtension.objects.filter(country="AGO")
    assert [(e.status, e.new_deadline, e.extension_count) for e in ago] == [
        ("granted", D("2025-12-31"), 2)
    ]
    # Sri Lanka: the recorded deadline is the original one; nothing to store.
    assert not ObligationExtension.objects.filter(country="LKA").exists()
    assert obligation("LKA", "mbt", Kind.CLEARANCE).due == D("2028-06-01")
    gbr = obligation("GBR", "mbt", Kind.CLEARANCE)
    assert (gbr.status, gbr.met_on) == (ObligationStatus.MET, D("2020-11-01"))
    assert obligation("DEU", "ccm", Kind.CLEARANCE).requested_to == D("2030-08-01")


# --- placing dates ---------------------------------------------------------------------


def test_place_deadline():
    assert place_deadline("2025-12-31", "") == (D("2025-12-31"), "")
    day, note = place_deadline("2025-12", "through to the end of 2025")
    assert day == D("2025-12-31") and "end of 2025" in note
    assert place_deadline("2026", "to the end of December 2026")[0] == D("2026-12-31")
    assert place_deadline("2024-02", "by the end of February 2024")[0] == D("2024-02-29")
    for value, quote in [
        ("2030", "until 2030"),
        ("2025-06", "the end of 2025"),  # end of the year is not end of June
        ("2025", "the end of 2024"),
    ]:
        with pytest.raises(ValueError, match="no day can be placed"):
            place_deadline(value, quote)


def test_place_completion_and_meetings():
    assert place_completion("2023")[0] == D("2023-01-01")
    assert place_completion("2018-07") == (
        D("2018-07-01"),
        "only the month is known (2018-07), stored as 2018-07-01",
    )
    assert meeting_name("18th Meeting of States Parties (2020)") == "18MSP"
    assert meeting_name("Twenty-First Meeting of States Parties (2023), as reported") == "21MSP"
    assert meeting_name("22MSP (Dec 2025)") == "22MSP"
    assert meeting_name("Clearing the Mines 2023") == ""


# --- bad files -------------------------------------------------------------------------

GOOD = {
    "fact_id": "T0001",
    "country_iso3": "AFG",
    "theme": "contamination",
    "indicator": "ap_mine_contamination_km2",
    "value": "12.5",
    "unit": "km2",
    "data_year": "2022",
    "as_of_date": "2023-11",
    "edition": "Test Edition 2023",
    "source_title": "Test source (made for this test)",
    "source_url": "https://example.org/test",
    "quote": "12.5km2 (test)",
    "confidence": "H",
}


def write_facts(path, *rows):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=FACT_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({**GOOD, **row})
    return path


@pytest.mark.django_db
def test_a_bad_file_reports_every_issue_and_writes_nothing(seeded, tmp_path):
    path = write_facts(
        tmp_path / "facts.csv",
        {},
        {"fact_id": "T0002", "country_iso3": "XXX"},
        {"fact_id": "T0003", "value": "12,3.4x"},
        {"fact_id": "T0004", "indicator": "mystery_km2"},
        {"fact_id": "T0005", "value": "1.234"},
        {"fact_id": "T0001", "confidence": "Z", "source_url": "not a url"},
    )
    before = snapshot()
    with pytest.raises(FactsImportError) as exc:
        facts_import(path)
    where = [(i.row, i.column) for i in exc.value.issues]
    assert where == [
        (3, "country_iso3"),
        (4, "value"),
        (5, "indicator"),
        (6, "value"),
        (7, "fact_id"),
        (7, "source_url"),
        (7, "confidence"),
    ]
    assert all(i.file == "facts.csv" for i in exc.value.issues)
    assert "unknown country 'XXX'" in str(exc.value)
    assert "unknown indicator 'mystery_km2'" in str(exc.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_mapping_problems_are_issues_too(seeded, tmp_path):
    deadline = {
        "theme": "treaty_deadline",
        "unit": "date",
        "data_year": "",
        "edition": "Test Edition 2024",
    }
    path = write_facts(
        tmp_path / "facts.csv",
        # a granted deadline with no day and no "end of"
        {**deadline, "indicator": "mbt_art5_deadline", "value": "2027-06"},
        # beyond 1 × 10 years after Angola's original 1 Jan 2013
        {
            **deadline,
            "fact_id": "T0002",
            "country_iso3": "AGO",
            "indicator": "mbt_art5_deadline",
            "value": "2024-01-01",
        },
        {
            **deadline,
            "fact_id": "T0003",
            "country_iso3": "AGO",
            "indicator": "mbt_art5_extensions_granted",
            "value": "1",
            "unit": "count",
        },
        # the original deadline that the engine computes differently (Ukraine: 2016-06-01)
        {
            **deadline,
            "fact_id": "T0004",
            "country_iso3": "UKR",
            "indicator": "mbt_art5_deadline_original",
            "value": "2016-01-01",
        },
        # casualties whose breakdown exceeds the total
        {
            "fact_id": "T0005",
            "theme": "casualties",
            "indicator": "casualties_total",
            "value": "10",
            "unit": "people",
        },
        {
            "fact_id": "T0006",
            "theme": "casualties",
            "indicator": "casualties_killed",
            "value": "11",
            "unit": "people",
        },
    )
    before = snapshot()
    with pytest.raises(FactsImportError) as exc:
        facts_import(path)
    text = [str(i) for i in exc.value.issues]
    assert len(text) == 4, text
    assert "row 2, column value: T0001: 2027-06 gives only the month" in text[0]
    assert (
        "row 3, column value: T0002: AGO mbt clearance: extension to 2024-01-01 exceeds 1 ×"
        in (text[1])
    )
    assert "row 5, column value: T0004: MBT Art. 5(1) original deadline 2016-01-01" in text[2]
    assert "row 7, column value: T0006" in text[3] and "more than the total 10" in text[3]
    assert snapshot() == before


@pytest.mark.django_db
def test_a_request_without_a_day_is_skipped_not_an_error(seeded, tmp_path):
    path = write_facts(
        tmp_path / "facts.csv",
        {
            "country_iso3": "MOZ",
            "theme": "treaty_deadline",
            "indicator": "mbt_art5_extension_requested_to",
            "value": "2031",
            "unit": "year",
            "data_year": "",
        },
    )
    report = facts_import(path)
    assert not report.changed
    [skipped] = report.skipped
    assert skipped.fact_id == "T0001" and "no day can be placed" in skipped.reason


# --- the command -----------------------------------------------------------------------


@pytest.mark.django_db
def test_command_dry_run_and_errors(seeded, tmp_path):
    path = write_facts(tmp_path / "facts.csv", {})
    out = StringIO()
    call_command("import-facts", str(path), "--dry-run", stdout=out)
    assert out.getvalue().splitlines() == [
        "contamination: would create 1, would update 0, 0 unchanged",
        "facts.csv: 1 facts",
    ]
    assert not m.Contamination.objects.filter(country="AFG").exists()
    out = StringIO()
    call_command("import-facts", str(path), stdout=out)
    assert out.getvalue().startswith("contamination: create 1, update 0, 0 unchanged")
    out = StringIO()
    call_command("import-facts", str(path), stdout=out)
    assert out.getvalue().splitlines()[-1] == "facts.csv: 1 facts; nothing changed"

    bad = write_facts(tmp_path / "bad.csv", {"country_iso3": "XXX"}, {"fact_id": "T2", "unit": ""})
    with pytest.raises(CommandError) as exc:
        call_command("import-facts", str(bad))
    assert exc.value.returncode == 2
    assert "2 problem(s), nothing written" in str(exc.value)
    assert "bad.csv, row 2, column country_iso3" in str(exc.value)
    assert "bad.csv, row 3, column unit" in str(exc.value)
    with pytest.raises(CommandError) as exc:
        call_command("import-facts", str(tmp_path / "missing.csv"))
    assert exc.value.returncode == 2
