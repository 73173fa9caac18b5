import csv
import json
import sys

from django.utils import timezone

from monitor.commands import MonitorCommand, iso_date, treaty_code
from monitor.rules.treaties import CountMode
from monitor.treaties.selectors import parties_as_of


class Command(MonitorCommand):
    help = (
        "States Parties of a treaty on a date. Mode 'deposit' (default) counts a State from the "
        "deposit of its instrument, as the Monitor does; 'in-force' from entry into force for "
        "it. Both are net of withdrawals in effect on the date."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--treaty", required=True, type=treaty_code, help="mbt, ccm, ccw-ii or ccw-v"
        )
        parser.add_argument(
            "--as-of", type=iso_date, default=None, help="date YYYY-MM-DD (default: today)"
        )
        parser.add_argument(
            "--mode",
            choices=[m.value for m in CountMode],
            default=CountMode.DEPOSIT.value,
            help="deposit (Monitor convention, default) or in-force (legal convention)",
        )
        parser.add_argument(
            "--format", choices=["table", "csv", "json"], default="table", help="output format"
        )

    def handle(self, *args, treaty, as_of, mode, format, **options):
        result = parties_as_of(
            treaty=treaty, as_of=as_of or timezone.localdate(), mode=CountMode(mode)
        )
        if format == "json":
            self.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        elif format == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(["iso3", "name", "status", "deposit_date", "entry_into_force"])
            for p in result.to_dict()["parties"]:
                writer.writerow(
                    [
                        p[k] or ""
                        for k in ("iso3", "name", "status", "deposit_date", "entry_into_force")
                    ]
                )
        else:
            rows = [
                (
                    p["iso3"],
                    p["name"],
                    p["status"],
                    p["deposit_date"] or "",
                    p["entry_into_force"] or "",
                )
                for p in result.to_dict()["parties"]
            ]
            header = ("ISO3", "Name", "Status", "Deposit", "Entry into force")
            widths = [
                max(len(h), *(len(r[i]) for r in rows)) if rows else len(h)
                for i, h in enumerate(header)
            ]
            line = "  ".join(f"{{:<{w}}}" for w in widths)
            self.stdout.write(line.format(*header).rstrip())
            for r in rows:
                self.stdout.write(line.format(*r).rstrip())
            self.stdout.write(
                f"\n{result.count} States Parties to {treaty} on {result.as_of.isoformat()} "
                f"(mode: {result.mode.value})"
            )
            if result.source:
                self.stdout.write(f"Source: {result.source}")
        sys.stdout.flush()
