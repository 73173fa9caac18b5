"""`monitor import THEME FILE`: output lines, exit status 2 with every problem on stderr."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from monitor.countries.services import country_seed
from monitor.research import models as m

FIXTURES = Path(__file__).parent / "fixtures" / "import"
EDITION = "Landmine Monitor 2024"


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import", *[str(a) for a in args], stdout=out, stderr=err)
    return exc.value, out.getvalue(), err.getvalue()


@pytest.fixture
def countries(db):
    country_seed()


@pytest.mark.django_db
def test_import_sources_then_contamination(countries):
    out, err = run("sources", FIXTURES / "sources.csv")
    assert out == "sources: 2 created, 0 updated, 0 unchanged\n"
    out, err = run("contamination", FIXTURES / "contamination.csv", "--edition", EDITION)
    assert out == f"contamination: 3 created, 0 updated, 0 unchanged (edition {EDITION})\n"
    assert err == ""
    out, _ = run("contamination", FIXTURES / "contamination.csv", "--edition", EDITION)
    assert out == f"contamination: 0 created, 0 updated, 3 unchanged (edition {EDITION})\n"


@pytest.mark.django_db
def test_dry_run(countries):
    run("sources", FIXTURES / "sources.csv")
    out, _ = run("contamination", FIXTURES / "contamination.csv", "--edition", EDITION, "--dry-run")
    assert out == (
        "contamination: 3 would be created, 0 would be updated, 0 unchanged "
        f"(edition {EDITION}; dry run, nothing written)\n"
    )
    assert m.Contamination.objects.count() == 0
    out, _ = run("sources", FIXTURES / "sources.csv", "--dry-run")
    assert (
        out == "sources: 0 would be created, 0 would be updated, 2 unchanged "
        "(dry run, nothing written)\n"
    )


@pytest.mark.django_db
def test_problems_exit_2_one_per_line(countries):
    run("sources", FIXTURES / "sources.csv")
    path = FIXTURES / "contamination_bad.csv"
    exc, out, err = run_failing("contamination", path, "--edition", EDITION)
    assert exc.returncode == 2
    assert str(exc) == f"5 problems in {path}; nothing imported"
    lines = err.splitlines()
    assert len(lines) == 5
    assert lines[0] == "contamination_bad.csv, row 3, column country: unknown country 'XYZ'"
    assert all(line.startswith("contamination_bad.csv, row ") for line in lines)
    assert out == ""
    assert m.Contamination.objects.count() == 0


@pytest.mark.django_db
def test_unreadable_file_exit_2(countries):
    path = FIXTURES / "cp1252.csv"
    exc, _, err = run_failing("contamination", path, "--edition", EDITION)
    assert exc.returncode == 2
    assert str(exc) == f"1 problem in {path}; nothing imported"
    assert err.startswith("cp1252.csv: not valid UTF-8 (line 3, byte ")


@pytest.mark.django_db
def test_missing_edition_exit_2(countries):
    exc, _, err = run_failing("contamination", FIXTURES / "contamination.csv")
    assert exc.returncode == 2
    assert "an edition is needed for contamination" in err


@pytest.mark.django_db
def test_missing_file_exit_2(db, tmp_path):
    exc, _, err = run_failing("sources", tmp_path / "nope.csv")
    assert exc.returncode == 2
    assert err == "nope.csv: cannot be read: No such file or directory\n"


@pytest.mark.django_db
def test_unknown_theme_exit_2(db):
    exc, _, _ = run_failing("mines", FIXTURES / "sources.csv")
    assert exc.returncode == 2
    assert "invalid choice: 'mines'" in str(exc)

    import importlib

    from monitor.research.themes import THEMES

    command = importlib.import_module("monitor.research.management.commands.import").Command()
    text = command.create_parser("monitor", "import").format_help()
    assert "Load `sources` first" in text
    for name in THEMES:
        assert f"  {name}  " in text
