"""`monitor edition list|create|freeze|diff|errata` and the selectors behind them.

The diff is tested on two small CSV files imported into two test editions (test data, not
Monitor figures), where every added, removed, changed and unchanged figure is known, and on
the bundled real data (Landmine Monitor 2021 and 2024 both give the 2020 world casualties).
"""

import csv
import io
import json
import subprocess
import sys
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from monitor.countries.services import country_seed
from monitor.editorial import services as s
from monitor.research.editions import (
    EditionQueryError,
    edition_diff,
    edition_errata,
    edition_record_counts,
)
from monitor.research.imports import theme_import
from monitor.research.models import CasualtyAggregate, Edition
from monitor.research.services import ResearchDataError, source_get_or_create

A, B = "Test Monitor 2023", "Test Monitor 2024"
HEADER = "country,data_year,scope,total,killed,source,preferred\n"


def run(*args):
    out = StringIO()
    call_command("edition", *[str(a) for a in args], stdout=out, stderr=StringIO())
    return out.getvalue()


def run_failing(*args):
    with pytest.raises(CommandError) as exc:
        call_command("edition", *[str(a) for a in args], stdout=StringIO(), stderr=StringIO())
    assert exc.value.returncode == 2
    assert "\n" not in str(exc.value)
    return str(exc.value)


def _import(tmp_path, theme, edition, text):
    path = tmp_path / f"{theme}-{edition.replace(' ', '-')}.csv"
    path.write_text(text, encoding="utf-8")
    report = theme_import(theme=theme, path=path, edition=edition)
    assert report.issues == [], report.issues


@pytest.fixture
def two_editions(db, tmp_path):
    """A and B: one figure changed (and its source), one unchanged but for its source, one
    removed, one added; B holds one figure from two sources, the preferred one speaks."""
    country_seed()
    for key in ("src-a", "src-b", "src-b2"):
        source_get_or_create(key=key, title=f"Test source {key}")
    _import(
        tmp_path,
        "casualties",
        A,
        HEADER + "AFG,2022,mines_erw,10,2,src-a,\n"
        "AFG,2021,mines_erw,5,,src-a,\n"
        "IRQ,2022,mines_erw,3,,src-a,\n",
    )
    _import(
        tmp_path,
        "casualties",
        B,
        HEADER + "AFG,2022,mines_erw,12,2,src-b,yes\n"
        "AFG,2022,mines_erw,99,,src-b2,\n"
        "AFG,2021,mines_erw,5,,src-b,\n"
        "AFG,2023,mines_erw,7,,src-b,\n",
    )
    contamination = (
        "country,data_year,device_class,area_km2,source\nAFG,2022,antipersonnel_mines,1.50,{}\n"
    )
    _import(tmp_path, "contamination", A, contamination.format("src-a"))
    _import(tmp_path, "contamination", B, contamination.format("src-b"))


def test_diff_figure_by_figure(two_editions):
    diff = edition_diff(A, B)
    assert diff.summary == {"added": 1, "removed": 1, "changed": 1, "unchanged": 2}
    assert [(f.change, f.theme, f.country, f.data_year) for f in diff.figures] == [
        ("changed", "casualties", "AFG", 2022),
        ("added", "casualties", "AFG", 2023),
        ("removed", "casualties", "IRQ", 2022),
    ]


def test_diff_as_json(two_editions):
    data = json.loads(run("diff", A, B, "--format", "json"))
    assert data["a"] == A and data["b"] == B
    assert data["summary"] == {"added": 1, "removed": 1, "changed": 1, "unchanged": 2}
    figures = {(f["country"], f["data_year"]): f for f in data["figures"]}
    assert figures[("AFG", 2022)] == {
        "theme": "casualties",
        "country": "AFG",
        "data_year": 2022,
        "key": {"scope": "mines_erw"},
        "change": "changed",
        "fields": {"total": {"a": 10, "b": 12}},  # killed is 2 in both: not listed
        "source": {"a": "src-a", "b": "src-b"},  # B's preferred record, not the 99 of src-b2
    }
    assert figures[("AFG", 2023)]["change"] == "added"
    assert figures[("AFG", 2023)]["fields"] == {"total": {"a": None, "b": 7}}
    assert figures[("AFG", 2023)]["source"] == {"a": None, "b": "src-b"}
    assert figures[("IRQ", 2022)]["change"] == "removed"
    assert figures[("IRQ", 2022)]["fields"] == {"total": {"a": 3, "b": None}}


def test_diff_as_text(two_editions):
    out = run("diff", A, B).splitlines()
    assert out[0] == f"{A} -> {B}: 1 added, 1 removed, 1 changed, 2 unchanged"
    assert (
        "changed  casualties     AFG 2022 mines_erw  total: 10 -> 12; source: src-a -> src-b" in out
    )
    assert "added    casualties     AFG 2023 mines_erw  total: 7; source: src-b" in out
    assert "removed  casualties     IRQ 2022 mines_erw  total: 3; source: src-a" in out


def test_diff_as_csv(two_editions):
    rows = list(csv.DictReader(io.StringIO(run("diff", A, B, "--format", "csv"))))
    assert {
        (r["change"], r["country"], r["data_year"], r["field"], r["a"], r["b"]) for r in rows
    } == {
        ("changed", "AFG", "2022", "total", "10", "12"),
        ("added", "AFG", "2023", "total", "", "7"),
        ("removed", "IRQ", "2022", "total", "3", ""),
    }
    changed = next(r for r in rows if r["change"] == "changed")
    assert (changed["theme"], changed["key"], changed["source_a"], changed["source_b"]) == (
        "casualties",
        "mines_erw",
        "src-a",
        "src-b",
    )


def test_diff_filters(two_editions):
    assert edition_diff(A, B, country="afg").summary == {
        "added": 1,
        "removed": 0,
        "changed": 1,
        "unchanged": 2,
    }
    assert edition_diff(A, B, theme="contamination").summary == {
        "added": 0,
        "removed": 0,
        "changed": 0,
        "unchanged": 1,
    }
    assert edition_diff(A, B, country="WLD").figures == ()
    assert edition_diff(A, A).summary == {"added": 0, "removed": 0, "changed": 0, "unchanged": 4}
    data = json.loads(run("diff", A, B, "--format", "json", "--country", "IRQ"))
    assert [f["change"] for f in data["figures"]] == ["removed"]


def test_diff_in_reverse(two_editions):
    assert edition_diff(B, A).summary == {"added": 1, "removed": 1, "changed": 1, "unchanged": 2}
    [added] = [f for f in edition_diff(B, A).figures if f.change == "added"]
    assert (added.country, added.data_year) == ("IRQ", 2022)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("diff", "Nope 1999", B), "unknown edition 'Nope 1999'"),
        (("diff", A, "Nope 1999"), "unknown edition 'Nope 1999'"),
        (("diff", A, B, "--theme", "astrology"), "unknown theme 'astrology'"),
        (("diff", A, B, "--theme", "sources"), "unknown theme 'sources'"),
        (("diff", A, B, "--country", "ZZZ"), "unknown country 'ZZZ'"),
        (("diff", A, B, "--format", "xml"), "invalid choice: 'xml'"),
        (("diff", A), "required: B"),
        (("freeze", "Nope 1999"), "unknown edition 'Nope 1999'"),
        (("errata", "Nope 1999"), "unknown edition 'Nope 1999'"),
        (("create", "X 2030", "--publication-date", "2030-02-30"), "no such day"),
        (("create", "X 2030", "--publication-date", "20 May 2030"), "expected YYYY-MM-DD"),
        (("create", "   "), "edition name is empty"),
        (("explode",), "invalid choice: 'explode'"),
        ((), "required: ACTION"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(two_editions, args, message):
    assert message in run_failing(*args)


def test_diff_of_real_editions(seeded):
    """Landmine Monitor 2021 gave 7,073 world casualties for 2020; Landmine Monitor 2024
    gives 7,093, citing another source."""
    diff = edition_diff("Landmine Monitor 2021", "Landmine Monitor 2024", theme="casualties")
    world_2020 = next(f for f in diff.figures if (f.country, f.data_year) == ("WLD", 2020))
    assert world_2020.change == "changed"
    assert world_2020.fields == {"total": (7073, 7093)}
    assert world_2020.source_changed
    afg = next(f for f in diff.figures if (f.country, f.data_year) == ("AFG", 2023))
    assert (afg.change, afg.fields) == ("added", {"total": (None, 651)})
    world_2019 = next(f for f in diff.figures if (f.country, f.data_year) == ("WLD", 2019))
    assert world_2019.change == "removed"


def test_list(two_editions):
    s.edition_freeze(name=A)
    lines = run("list").splitlines()
    [line_a] = [line for line in lines if line.startswith(A)]
    frozen = Edition.objects.get(name=A).frozen_at
    assert line_a == (
        f"{A}  (report 2023, data 2022; frozen {frozen:%Y-%m-%d}): "
        "4 records (contamination 1, casualties 3)"
    )
    [line_b] = [line for line in lines if line.startswith(B)]
    assert "(report 2024, data 2023; open): 5 records" in line_b
    data = {e["name"]: e for e in json.loads(run("list", "--format", "json"))}
    assert data[B]["records"] == {"contamination": 1, "casualties": 4}
    assert data[B]["frozen_at"] is None and data[A]["frozen_at"]


def test_create(db):
    out = run("create", "Landmine Monitor 2031", "--publication-date", "2031-11-20")
    assert (
        out
        == "created 'Landmine Monitor 2031' (report year 2031, data year 2030), open for figures\n"
    )
    edition = Edition.objects.get(name="Landmine Monitor 2031")
    assert str(edition.publication_date) == "2031-11-20" and not edition.frozen
    out = run("create", "  Landmine   Monitor 2031 ")
    assert out.endswith("exists already (report year 2031, data year 2030); nothing changed\n")
    assert "exists already" in run_failing(
        "create", "Landmine Monitor 2031", "--publication-date", "2031-01-01"
    )


def test_freeze(two_editions, tmp_path):
    out = run("freeze", B)
    assert out.startswith(f"froze '{B}' at ")
    assert out.endswith(
        ": 5 figures (contamination 1, casualties 4) can no longer change; "
        "corrections become errata\n"
    )
    edition = Edition.objects.get(name=B)
    assert edition.frozen and edition_record_counts(edition) == {
        "contamination": 1,
        "casualties": 4,
    }
    assert "has been frozen since" in run_failing("freeze", B)
    # Its figures cannot change any more, not even through an import.
    path = tmp_path / "again.csv"
    path.write_text(HEADER + "AFG,2023,mines_erw,8,,src-b,\n", encoding="utf-8")
    try:
        report = theme_import(theme="casualties", path=path, edition=B)
    except ResearchDataError as exc:  # today the importer lets the refusal through
        assert "frozen" in str(exc)
    else:
        assert any("frozen" in issue.message for issue in report.issues)
    assert CasualtyAggregate.objects.get(country_id="AFG", data_year=2023).total == 7


def test_errata(two_editions):
    User = get_user_model()
    researcher = s.user_create(actor=None, username="rita", role="researcher")
    s.assignment_add(actor=None, user=researcher, country="AFG")
    editor = s.user_create(actor=None, username="eddie", role="editor")
    researcher, editor = User.objects.get(pk=researcher.pk), User.objects.get(pk=editor.pk)
    assert run("errata", B) == f"no errata to '{B}'\n"

    s.edition_create(name="Test Monitor 2025")
    s.edition_freeze(name=B)
    original = CasualtyAggregate.objects.get(country_id="AFG", data_year=2023)
    proposal = s.proposal_create(
        author=researcher,
        country="AFG",
        kind="record",
        theme="casualties",
        target_id=original.pk,
        reason="Typo in the report",
    )
    payload = {**proposal.payload, "total": "8"}
    proposal = s.proposal_update(actor=researcher, proposal=proposal, payload=payload)
    proposal = s.proposal_submit(actor=researcher, proposal=proposal)
    proposal = s.proposal_approve(actor=editor, proposal=proposal)

    [erratum] = edition_errata(B)
    assert (erratum.theme, erratum.country, erratum.data_year) == ("casualties", "AFG", 2023)
    assert erratum.original["total"] == 7 and erratum.corrected["total"] == 8
    assert (erratum.corrected_edition, erratum.reason, erratum.proposal_id) == (
        "Test Monitor 2025",
        "Typo in the report",
        proposal.pk,
    )
    [line] = run("errata", B).splitlines()
    assert "casualties AFG 2023 mines_erw: total: 7 -> 8" in line
    assert f"(in Test Monitor 2025, proposal #{proposal.pk}; source src-b -> src-b)" in line
    assert line.endswith("Reason: Typo in the report")
    [data] = json.loads(run("errata", B, "--format", "json"))
    assert data["original"] == {"total": 7} and data["corrected"]["total"] == 8
    assert data["proposal"] == proposal.pk
    assert edition_errata("Test Monitor 2025") == []


def test_selector_errors_name_what_is_unknown(db):
    with pytest.raises(EditionQueryError, match="unknown edition 'Nope'"):
        edition_diff("Nope", "Nope")


def test_console_script_errors_are_one_line_with_status_2(tmp_path):
    env = {"MONITOR_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "monitor", "migrate", "-v0"], env=env, check=True)
    for args in (
        ["diff", "Nope 1999", "Nope 2000"],
        ["freeze", "Nope 1999"],
        ["diff", "only-one"],
        ["frobnicate"],
        [],
    ):
        proc = subprocess.run(
            [sys.executable, "-m", "monitor", "edition", *args],
            env=env,
            capture_output=True,
            text=True,
            cwd=tmp_path,
        )
        assert proc.returncode == 2, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
