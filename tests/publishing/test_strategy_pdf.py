"""`monitor strategy report --format pdf`: the progress report typeset with Typst."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from monitor.strategy.selectors import progress_report, strategy_for


def test_strategy_report_pdf_has_the_same_figures_as_the_json(seeded, tmp_path):
    out = tmp_path / "progress-2021.pdf"
    call_command("strategy", "report", "--year", "2021", "--format", "pdf", "--out", str(out))
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    report = progress_report(strategy_for(year=2021), 2021)
    assert report["strategy"] in text
    for indicator in report["indicators"]:
        assert f"{indicator['code']}: {indicator['name']}" in text
        label = indicator["status"].replace("_", " ")
        assert label.split()[0].upper() in text  # the badge, in capitals
    one_a = next(i for i in report["indicators"] if i["code"] == "1a")
    values = "; ".join(f"{v['year']}: {v['value']}" for v in one_a["values"])
    assert values in text
    assert "2020: 130" in text


def test_strategy_report_pdf_needs_out(seeded):
    with pytest.raises(CommandError) as err:
        call_command("strategy", "report", "--year", "2021", "--format", "pdf")
    assert err.value.returncode == 2 and "--out" in str(err.value)
