"""The progress report on the real seed data (the default strategy is loaded by `monitor
seed`), its JSON shape, the HTML document and the command's errors."""

import json
import subprocess
import sys
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from monitor.rules.progress import ProgressStatus
from monitor.strategy.models import Indicator, Strategy
from monitor.strategy.selectors import indicator_series, progress_report
from monitor.treaties.selectors import parties_as_of


def report_json(capsys, *args):
    call_command("strategy", "report", *args)
    return json.loads(capsys.readouterr().out)


def test_seed_loads_the_default_strategy(seeded):
    strategy = Strategy.objects.get(code="icbl-cmc-2017-2021")
    assert (strategy.period_start, strategy.period_end) == (2017, 2021)
    call_command("seed", verbosity=0)  # idempotent
    assert Strategy.objects.count() == 1
    assert Indicator.objects.filter(code="1a").count() == 1


def test_1a_on_seed_data_is_the_ccm_states_parties_at_year_end(seeded, capsys):
    expected = [
        {"year": y, "value": parties_as_of(treaty="ccm", as_of=date(y, 12, 31)).count}
        for y in range(2017, 2022)
    ]
    assert all(v["value"] > 0 for v in expected)
    report = report_json(capsys, "--year", "2021")
    row = next(i for i in report["indicators"] if i["code"] == "1a")
    assert row["values"] == expected
    assert row["targets"] == [{"year": 2020, "value": 130}]
    assert row["unit"] == "States Parties"
    assert row["status"] in {s.value for s in ProgressStatus if s.rank is not None}
    baseline = parties_as_of(treaty="ccm", as_of=date(2016, 12, 31)).count
    assert f"baseline 2016: {baseline}" in row["method"]
    assert f"latest 2021: {expected[-1]['value']}" in row["method"]
    assert "target 2020: 130" in row["method"]
    assert "31 December" in row["method"]


def test_1b_is_the_yearly_change_in_1a(seeded):
    ind = Indicator.objects.get(code="1b")
    years = range(2017, 2022)
    counts = {
        y: parties_as_of(treaty="ccm", as_of=date(y, 12, 31)).count for y in range(2016, 2022)
    }
    assert [(v.year, v.value) for v in indicator_series(ind, years)] == [
        (y, counts[y] - counts[y - 1]) for y in years
    ]


def test_indicators_without_supporting_data_have_no_values(seeded):
    report = progress_report(Strategy.objects.get(), 2021)
    rows = {i["code"]: i for i in report["indicators"]}
    for code in ("1b-use", "2a", "2b", "2c", "3a", "3b", "3c"):
        assert rows[code]["values"] == [], code
        assert rows[code]["status"] == "not_enough_data", code
    assert rows["2b"]["targets"] == [{"year": 2025, "value": 0}]


def test_report_json_shape(seeded, capsys):
    report = report_json(capsys, "--year", "2019")
    assert list(report) == ["strategy", "year", "indicators"]
    assert report["strategy"] == "ICBL-CMC Strategy 2017-2021"
    assert report["year"] == 2019
    assert [i["code"] for i in report["indicators"]][:2] == ["1a", "1b"]
    for row in report["indicators"]:
        assert list(row) == ["code", "name", "unit", "values", "targets", "status", "method"]
        assert all(list(v) == ["year", "value"] for v in row["values"] + row["targets"])
        assert all(2017 <= v["year"] <= 2019 for v in row["values"])
        assert row["status"] in {s.value for s in ProgressStatus}
        assert row["method"]
    row = report["indicators"][0]
    assert [v["year"] for v in row["values"]] == [2017, 2018, 2019]


def test_report_to_file_and_html(seeded, tmp_path, capsys):
    out = tmp_path / "report.json"
    call_command("strategy", "report", "--year", "2021", "--out", str(out))
    assert capsys.readouterr().out == ""
    assert json.loads(out.read_text(encoding="utf-8"))["year"] == 2021
    html = tmp_path / "report.html"
    call_command("strategy", "report", "--year", "2021", "--format", "html", "--out", str(html))
    text = html.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>")
    assert text.count("<table>") == 3
    assert "Goal I:" in text and "1a: States Parties to the Convention on Cluster Munitions" in text


def test_command_usage_errors(db):
    for args, message in [
        (["--year", "2021", "--format", "pdf"], "--format pdf needs --out"),
        (["--year", "2021", "--strategy", "nope"], "unknown strategy 'nope'"),
        (["--year", "2021"], "no strategy loaded"),
    ]:
        with pytest.raises(CommandError) as exc:
            call_command("strategy", "report", *args)
        assert exc.value.returncode == 2
        assert message in str(exc.value)


def test_cli_errors_are_one_line_with_status_2(tmp_path):
    env = {"MONITOR_VAR_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    cases = [
        (["--year", "21"], "invalid year '21': expected YYYY"),
        (["--year", "last"], "invalid year 'last': expected YYYY"),
        ([], "the following arguments are required: --year"),
        (
            ["--year", "2021", "--format", "pdf"],
            "--format pdf needs --out FILE.pdf",
        ),
        (["--year", "2021", "--format", "docx"], "invalid choice: 'docx'"),
    ]
    for args, message in cases:
        proc = subprocess.run(
            [sys.executable, "-m", "monitor", "strategy", "report", *args],
            env=env,
            capture_output=True,
            text=True,
        )
        assert proc.returncode == 2, (args, proc.stderr)
        assert len(proc.stderr.strip().splitlines()) == 1, (args, proc.stderr)
        assert message in proc.stderr, (args, proc.stderr)
        assert "Traceback" not in proc.stderr
