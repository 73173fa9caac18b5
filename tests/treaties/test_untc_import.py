"""`monitor import-untc`: the service and the command, on fixture pages and on the real pages."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from monitor.countries.services import country_seed
from monitor.treaties.importers.untc import parse_untc, parse_untc_file
from monitor.treaties.models import Treaty, TreatyEvent
from monitor.treaties.services import (
    SEED_EVENTS,
    TreatyDataError,
    treaties_seed,
    untc_import,
    untc_page_events,
)
from tests.shared import UNTC_FILES, untc_page

FIXTURES = Path(__file__).parent / "fixtures" / "untc"

# The fixture page has invented names; give its rows real names so they match countries.
# The dates stay the fixture's own: this is test data, not depositary data.
NAMES = {
    "Alphaland": "Burkina Faso",
    "Betaland": "Estonia",
    "Gammaland": "Japan",
    "Deltaland": "Indonesia",
    "Epsilonia (Republic of)": "Moldova (Republic of)",
    "Epsilonia": "Moldova",
    "Zetaland": "Montenegro",
}


def fixture_html(drop_etaland: bool = True) -> str:
    html = (FIXTURES / "mbt_like.html").read_text(encoding="utf-8")
    for invented, real in NAMES.items():
        html = html.replace(invented, real)
    if drop_etaland:
        start = html.index("<td>Etaland")
        row_start = html.rindex("<tr", 0, start)
        row_end = html.index("</tr>", start) + len("</tr>")
        html = html[:row_start] + html[row_end:]
    return html.replace("Test Fixture Convention on Invented Mines", "Convention")


@pytest.fixture
def base(db):
    country_seed()
    treaties_seed()


def _events():
    return sorted(
        (e.country_id, e.kind, e.date.isoformat()) for e in TreatyEvent.objects.filter(treaty="mbt")
    )


def test_import_creates_dated_cited_events_and_is_idempotent(base):
    page = parse_untc(fixture_html(), source_name="fixture.html")
    report = untc_import(page=page)
    assert report.treaty == "mbt"
    assert len(report.created) == 12
    assert ("EST", "withdrawal_effective", "2025-12-27") in _events()
    assert ("JPN", "acceptance", "1998-09-30") in _events()
    assert ("MNE", "succession", "2006-10-23") in _events()
    event = TreatyEvent.objects.get(country="JPN", kind="acceptance")
    assert (
        event.source == "United Nations Treaty Collection, Chapter XXVI-5, status as at 2026-02-03"
    )
    assert event.origin == "untc"
    assert Treaty.objects.get(code="mbt").status_as_at == date(2026, 2, 3)

    again = untc_import(page=page)
    assert not again.changed
    assert again.unchanged == 12


def test_dry_run_reports_but_writes_nothing(base):
    page = parse_untc(fixture_html(), source_name="fixture.html")
    report = untc_import(page=page, dry_run=True)
    assert len(report.created) == 12
    assert TreatyEvent.objects.count() == 0


def test_reimport_of_a_changed_page_prints_what_changed(base):
    untc_import(page=parse_untc(fixture_html(), source_name="fixture.html"))
    changed = fixture_html().replace("30 Sep\t 1998 A", "1 Oct\t 1998 A")
    report = untc_import(page=parse_untc(changed, source_name="fixture.html"))
    assert [(r.iso3, r.kind, r.date) for r in report.created] == [
        ("JPN", "acceptance", "1998-10-01")
    ]
    assert [(r.iso3, r.kind, r.date) for r in report.removed] == [
        ("JPN", "acceptance", "1998-09-30")
    ]


def test_manual_events_survive_a_reimport(base):
    page = parse_untc(fixture_html(), source_name="fixture.html")
    untc_import(page=page)
    TreatyEvent.objects.create(
        treaty_id="mbt",
        country_id="MNE",
        kind="entry_into_force",
        date=date(2007, 4, 1),
        origin="manual",
        source="Landmine Monitor 2007",
    )
    report = untc_import(page=page)
    assert not report.changed
    assert TreatyEvent.objects.filter(origin="manual").count() == 1


def test_unknown_participant_is_an_error_and_nothing_is_written(base):
    html = fixture_html().replace("Japan", "Atlantis")
    with pytest.raises(TreatyDataError, match=r"unknown participant\(s\).*'Atlantis'"):
        untc_import(page=parse_untc(html, source_name="fixture.html"))
    assert TreatyEvent.objects.count() == 0


def test_rows_that_disagree_with_the_header_are_an_error(base):
    # Etaland is bracketed (withdrawn) but has no end note giving a withdrawal date.
    html = fixture_html(drop_etaland=False).replace("Etaland", "Latvia")
    with pytest.raises(TreatyDataError, match="Latvia"):
        untc_import(page=parse_untc(html, source_name="fixture.html"))
    assert TreatyEvent.objects.count() == 0


def test_header_count_mismatch_is_an_error(base):
    html = fixture_html().replace("Parties :\n      4", "Parties :\n      5")
    with pytest.raises(TreatyDataError, match="header says 5 Parties but its rows give 4"):
        untc_import(page=parse_untc(html, source_name="fixture.html"))
    assert TreatyEvent.objects.count() == 0


def test_page_of_another_treaty_is_refused(base):
    page = parse_untc(fixture_html(), source_name="fixture.html")
    with pytest.raises(TreatyDataError, match="not Convention on Cluster Munitions"):
        untc_import(page=page, treaty="ccm")


def test_command_prints_changes_and_exits_2_on_a_malformed_page(base, tmp_path, capsys):
    good = tmp_path / "page.html"
    good.write_text(fixture_html(), encoding="utf-8")
    call_command("import-untc", str(good), "--dry-run")
    out = capsys.readouterr().out
    assert "would add: JPN acceptance 1998-09-30" in out
    assert TreatyEvent.objects.count() == 0
    call_command("import-untc", str(good))
    call_command("import-untc", str(good))
    assert "nothing changed" in capsys.readouterr().out

    with pytest.raises(CommandError) as exc:
        call_command("import-untc", str(FIXTURES / "mbt_truncated.html"))
    assert exc.value.returncode == 2
    assert "mbt_truncated.html" in str(exc.value)
    with pytest.raises(CommandError) as exc:
        call_command("import-untc", str(tmp_path / "missing.html"))
    assert exc.value.returncode == 2


@pytest.mark.parametrize("code", list(UNTC_FILES))
def test_real_page_imports_and_matches_its_parties_header(base, code):
    page = parse_untc_file(untc_page(code))
    report = untc_import(page=page)
    assert report.treaty == code
    assert not untc_import(page=page).changed
    # Parties per the page header, counted by the engine on the page's own date.
    from monitor.treaties.selectors import parties_as_of

    assert parties_as_of(treaty=code, as_of=page.status_as_at).count == page.header_parties


def test_bundled_seed_is_exactly_what_the_importer_makes_from_the_real_pages(db):
    shipped = json.loads(SEED_EVENTS.read_text(encoding="utf-8"))
    for block in shipped["treaties"]:
        page = parse_untc_file(untc_page(block["treaty"]))
        records = untc_page_events(page, treaty=block["treaty"])
        assert block["status_source"] == records[0].source
        assert block["header_parties"] == page.header_parties
        assert [(e["iso3"], e["kind"], e["date"]) for e in block["events"]] == [
            (r.iso3, r.kind, r.date) for r in records
        ]


def test_cli_errors_are_one_line_with_status_2(tmp_path):
    env = {"MONITOR_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    cases = [
        ["treaty-status", "--treaty", "xyz"],
        ["treaty-status", "--treaty", "mbt", "--as-of", "2019-02-30"],
        ["treaty-status", "--treaty", "mbt", "--mode", "legal"],
        ["obligations", "--country", "ZZZ"],
        ["country", "ZZZ"],
        ["import-untc", str(tmp_path / "missing.html")],
    ]
    subprocess.run([sys.executable, "-m", "monitor", "migrate", "-v0"], env=env, check=True)
    for args in cases:
        proc = subprocess.run(
            [sys.executable, "-m", "monitor", *args], env=env, capture_output=True, text=True
        )
        assert proc.returncode == 2, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1, (args, proc.stderr)
        assert "Traceback" not in proc.stderr


def test_manual_extension_after_a_cumulative_recorded_deadline(seeded):
    """Ukraine's Art. 5 deadline is on record as 2033-12-01 (extensions not itemised); a
    further extension is checked from there, not from the original 2016 deadline."""
    from monitor.treaties.services import obligation_extension_record

    ext = obligation_extension_record(
        treaty="mbt",
        iso3="UKR",
        kind="clearance",
        new_deadline=date(2035, 12, 1),
        source="test: a further extension (not a real decision)",
    )
    assert ext.pk
    with pytest.raises(TreatyDataError, match="10-year cap"):
        obligation_extension_record(
            treaty="mbt",
            iso3="UKR",
            kind="clearance",
            new_deadline=date(2046, 1, 1),
            source="test",
        )
