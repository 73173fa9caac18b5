import argparse
import json
import re
from pathlib import Path

from django.template.loader import render_to_string

from monitor.commands import MonitorCommand, UsageError
from monitor.rules.progress import ProgressStatus
from monitor.strategy.models import Strategy
from monitor.strategy.selectors import (
    UnknownStrategy,
    progress_report,
    progress_report_by_goal,
    strategy_for,
)

_YEAR = re.compile(r"^\d{4}$")


def report_year(value: str) -> int:
    """argparse type: a four-digit year."""
    if not _YEAR.match(value):
        raise argparse.ArgumentTypeError(f"invalid year {value!r}: expected YYYY, e.g. 2021")
    return int(value)


class Command(MonitorCommand):
    help = (
        "Strategy tracker. `report`: the progress report of a strategy for a year: each "
        "indicator's values, targets and Open SDG progress status with its calculation. JSON "
        "goes to standard output unless --out is given; PDF (typeset with Typst) needs --out."
    )

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["report"], help="what to do")
        parser.add_argument("--year", type=report_year, required=True, help="YYYY")
        parser.add_argument(
            "--strategy",
            default=None,
            help="strategy code (default: the one whose period contains the year, else the latest)",
        )
        parser.add_argument(
            "--format", choices=["json", "html", "pdf"], default="json", help="output format"
        )
        parser.add_argument("--out", type=Path, default=None, help="write to this file")

    def handle(self, *args, action, year, strategy, format, out, **options):
        if format == "pdf" and out is None:
            raise UsageError("--format pdf needs --out FILE.pdf")
        obj = self._strategy(strategy, year)
        if format == "pdf":
            from monitor.publishing.strategy import strategy_report_pdf

            self._write(out, strategy_report_pdf(obj, year))
            return
        if format == "json":
            text = json.dumps(progress_report(obj, year), indent=2, ensure_ascii=False)
        else:
            text = render_to_string(
                "strategy/report.html",
                {
                    "strategy": obj,
                    "year": year,
                    "goals": progress_report_by_goal(obj, year),
                    "labels": {s.value: s.label for s in ProgressStatus},
                },
            )
        if out is None:
            self.stdout.write(text)
            return
        self._write(out, (text + ("" if text.endswith("\n") else "\n")).encode("utf-8"))

    def _write(self, out: Path, data: bytes) -> None:
        try:
            out.write_bytes(data)
        except OSError as exc:
            raise UsageError(f"cannot write {out}: {exc.strerror or exc}") from None
        self.stderr.write(f"wrote {out}")

    def _strategy(self, code: str | None, year: int) -> Strategy:
        try:
            return strategy_for(code=code, year=year)
        except UnknownStrategy as exc:
            raise UsageError(str(exc)) from None
