"""The publications built from the bundled real seed data: text, citations, pages, bytes."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from datetime import UTC, date, datetime

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from monitor.graphics.charts import format_number
from monitor.publishing.build import PublishError, build_document
from monitor.research.models import CasualtyAggregate, Contamination, Edition, Source
from monitor.rules.treaties import CountMode
from monitor.treaties.selectors import parties_as_of

CMM_2023 = "Cluster Munition Monitor 2023"


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    # pypdf may break a line anywhere: compare on single spaces.
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def _pages(pdf: bytes) -> int:
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _outline_titles(pdf: bytes) -> list[str]:
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(item.title)

    walk(PdfReader(io.BytesIO(pdf)).outline)
    return titles


@pytest.fixture
def ccm_report(seeded):
    return build_document("report", treaty="ccm", edition=CMM_2023)


def test_ccm_report_states_parties_count_is_the_treaty_engines(ccm_report):
    # CMM 2023 has no publication date and is open: status as of the end of its report year.
    expected = len(parties_as_of(treaty="ccm", as_of=date(2023, 12, 31)).parties)
    text = _text(ccm_report.pdf)
    assert f"As of 31 December 2023, {expected} States had deposited" in text
    # Nigeria (February 2023) and South Sudan (August 2023) took the CCM to 112.
    assert expected == 112
    in_force = len(
        parties_as_of(treaty="ccm", as_of=date(2023, 12, 31), mode=CountMode.IN_FORCE).parties
    )
    assert f"the treaty was in force for {in_force} of them" in text


def test_ccm_report_cites_every_cluster_munition_contamination_source(ccm_report):
    text = _text(ccm_report.pdf)
    in_scope = Edition.objects.filter(report_year__lte=2023)
    records = Contamination.objects.filter(
        device_class="cluster_munition_remnants", edition__in=in_scope, country__isnull=False
    ).select_related("source", "country")
    assert records, "the seed has cluster munition contamination figures"
    for record in records:
        assert record.country.name in text
        assert record.source.title in text
        assert format_number(float(record.area_km2)) in text


def test_a_report_reads_its_edition_and_the_earlier_ones_only(seeded):
    def sources(**edition_filter) -> set[str]:
        return set(
            CasualtyAggregate.objects.filter(
                scope="mines_erw", **{f"edition__{k}": v for k, v in edition_filter.items()}
            ).values_list("source__title", flat=True)
        )

    only_2024 = sources(report_year__gt=2023) - sources(report_year__lte=2023)
    assert only_2024, "the seed has Landmine Monitor 2024 casualty figures"
    text_2023 = _text(build_document("report", treaty="mbt", edition="Landmine Monitor 2023").pdf)
    text_2024 = _text(build_document("report", treaty="mbt", edition="Landmine Monitor 2024").pdf)
    for title in only_2024:
        assert title in text_2024
        assert title not in text_2023


def test_ccm_report_structure_pages_bookmarks_and_missing_data(ccm_report):
    pages = _pages(ccm_report.pdf)
    assert 8 <= pages <= 120
    titles = _outline_titles(ccm_report.pdf)
    for heading in ("Treaty status", "Contamination and land release", "Country profiles"):
        assert heading in titles
    text = _text(ccm_report.pdf)
    assert "No data reported" in text
    assert "Data as of 31 December 2023" in text
    assert any(m.startswith("Global: Use") for m in ccm_report.missing)
    assert ccm_report.draft and "DRAFT" in text
    assert ccm_report.filename == "ccm-report-cluster-munition-monitor-2023-draft.pdf"
    assert set(ccm_report.timings) == {"data", "charts", "maps", "typesetting"}


def test_same_inputs_same_bytes_and_frozen_editions_are_final(seeded):
    first = build_document("report", treaty="ccm", edition=CMM_2023)
    assert build_document("report", treaty="ccm", edition=CMM_2023).pdf == first.pdf

    frozen = datetime(2024, 1, 15, tzinfo=UTC)
    Edition.objects.filter(report_year__lte=2023).update(frozen_at=frozen)
    final = build_document("report", treaty="ccm", edition=CMM_2023)
    assert not final.draft
    assert final.filename == "ccm-report-cluster-munition-monitor-2023.pdf"
    text = _text(final.pdf)
    assert "DRAFT" not in text
    assert "Data as of 15 January 2024" in text  # the day the edition was frozen

    # A later edition's new figures do not change the 2023 report.
    later = Edition.objects.create(name="Cluster Munition Monitor 2099", report_year=2099)
    source = Source.objects.create(key="test-later", title="A later source (test)")
    Contamination.objects.create(
        edition=later,
        source=source,
        country_id="LAO",
        data_year=2098,
        device_class="cluster_munition_remnants",
        area_km2="1.00",
    )
    assert build_document("report", treaty="ccm", edition=CMM_2023).pdf == final.pdf


def test_factsheet_two_pages_with_status_obligations_and_latest_figures(seeded):
    out = build_document("factsheet", iso3="KHM")
    assert _pages(out.pdf) == 2
    text = _text(out.pdf)
    assert "Cambodia" in text and "Mine Ban Treaty" in text and "State Party" in text
    newest = (
        Contamination.objects.filter(country_id="KHM")
        .select_related("source", "edition")
        .order_by("-data_year", "-edition__report_year")
        .first()
    )
    assert newest.source.title in text
    assert format_number(float(newest.area_km2)) in text
    assert "No data reported" in text
    assert "Location of Cambodia" in text


def test_profile_shows_every_theme_and_says_where_there_is_no_data(seeded):
    out = build_document("profile", iso3="bih")
    text = _text(out.pdf)
    ap = Contamination.objects.get(
        country_id="BIH", device_class="antipersonnel_mines", data_year=2017
    )
    assert format_number(float(ap.area_km2)) in text
    assert ap.source.title in text
    assert any("Bosnia and Herzegovina (BIH): Casualties" in m for m in out.missing)
    for heading in ("Treaty status", "Obligations", "Contamination", "Land release"):
        assert heading in text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"kind": "report", "treaty": "ccw"}, "unknown treaty"),
        ({"kind": "report"}, "needs a treaty"),
        ({"kind": "factsheet"}, "needs a country code"),
        ({"kind": "profile", "iso3": "XXX"}, "unknown country code 'XXX'"),
        ({"kind": "profile", "iso3": "KHM", "edition": "Nope 1999"}, "unknown edition"),
        ({"kind": "poster", "iso3": "KHM"}, "unknown document kind"),
    ],
)
def test_bad_requests_are_clear_errors(seeded, kwargs, message):
    kind = kwargs.pop("kind")
    with pytest.raises(PublishError, match=message):
        build_document(kind, **kwargs)


def test_cli_writes_the_pdf_and_reports(seeded, tmp_path, capsys):
    out = tmp_path / "ccm.pdf"
    call_command("publish", "report", "--treaty", "ccm", "--edition", CMM_2023, "--out", str(out))
    printed = capsys.readouterr().out
    pdf = out.read_bytes()
    assert pdf.startswith(b"%PDF")
    assert f"{_pages(pdf)} pages" in printed
    import hashlib

    assert hashlib.sha256(pdf).hexdigest() in printed
    assert "no data reported in" in printed


def test_cli_bad_input_exits_2(seeded, tmp_path):
    with pytest.raises(CommandError) as err:
        call_command("publish", "factsheet", "ZZZ", "--out", str(tmp_path / "x.pdf"))
    assert err.value.returncode == 2
    with pytest.raises(CommandError) as err:
        call_command("publish", "profile", "KHM", "--out", str(tmp_path / "no" / "x.pdf"))
    assert err.value.returncode == 2 and "does not exist" in str(err.value)
    assert not (tmp_path / "x.pdf").exists()


def test_infographics_svg_and_print_png(seeded, tmp_path):
    call_command("publish", "infographics", str(tmp_path / "info"), verbosity=0)
    index = json.loads((tmp_path / "info" / "index.json").read_text())
    names = {f["svg"] for f in index["files"]}
    assert {"mbt-status-map.svg", "ccm-status-map.svg", "ccm-membership-chart.svg"} <= names
    assert index["png_ppi"] == 300
    for f in index["files"]:
        svg = (tmp_path / "info" / f["svg"]).read_text()
        assert svg.startswith("<svg") and f["title"]
        png = (tmp_path / "info" / f["png"]).read_bytes()
        assert png.startswith(b"\x89PNG")
        width = int.from_bytes(png[16:20], "big")
        assert width >= 1500  # print resolution: several inches at 300 ppi


def _pdftoppm() -> str:
    tool = shutil.which("pdftoppm")
    if tool is None:
        reason = "pdftoppm (Debian poppler-utils) is not installed: `make pdf-tools`"
        if os.environ.get("MONITOR_REQUIRE_POPPLER") == "1":
            pytest.fail(f"{reason} (MONITOR_REQUIRE_POPPLER=1 makes this a failure)")
        pytest.skip(reason)
    return tool


def _ink(ppm: bytes) -> tuple[int, int, float]:
    """Width, height and share of non-white pixels of a binary PPM (P6) image."""
    parts = ppm.split(maxsplit=4)
    assert parts[0] == b"P6"
    width, height = int(parts[1]), int(parts[2])
    pixels = parts[4][: width * height * 3]
    dark = sum(1 for i in range(0, len(pixels), 3) if min(pixels[i : i + 3]) < 200)
    return width, height, dark / (width * height)


def test_first_pages_render_to_images(ccm_report, tmp_path):
    tool = _pdftoppm()
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(ccm_report.pdf)
    subprocess.run(
        [tool, "-r", "30", "-f", "1", "-l", "4", str(pdf), str(tmp_path / "p")], check=True
    )
    images = sorted(tmp_path.glob("p-*.ppm"))
    assert len(images) == 4
    for image in images:
        width, height, ink = _ink(image.read_bytes())
        assert abs(height / width - 297 / 210) < 0.02  # A4 portrait
        assert 0.002 < ink < 0.6, (image.name, ink)
