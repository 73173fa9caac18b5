from pathlib import Path

from monitor.commands import MonitorCommand, UsageError, treaty_code
from monitor.treaties.importers.untc import UntcParseError, parse_untc_file
from monitor.treaties.services import TreatyDataError, untc_import


class Command(MonitorCommand):
    help = (
        "Import a UN Treaty Collection status page (participants, signatures, deposits with "
        "their instrument type, withdrawals from the end notes). Idempotent; prints what "
        "changed. Any unknown participant or malformed page is an error and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="UNTC status page saved as HTML")
        parser.add_argument(
            "--treaty", type=treaty_code, default=None, help="treaty code (default: from the page)"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, write nothing"
        )

    def handle(self, *args, file, treaty, dry_run, **options):
        try:
            page = parse_untc_file(Path(file))
            report = untc_import(page=page, treaty=treaty, dry_run=dry_run)
        except OSError as exc:
            raise UsageError(f"{file}: {exc.strerror}") from None
        except (UntcParseError, TreatyDataError) as exc:
            raise UsageError(str(exc)) from None
        prefix = "would " if dry_run else ""
        for label, records in (
            ("add", report.created),
            ("remove", report.removed),
            ("update", report.updated),
        ):
            for r in records:
                self.stdout.write(f"{prefix}{label}: {r.iso3} {r.kind} {r.date}")
        self.stdout.write(
            f"{report.treaty}: {prefix}add {len(report.created)}, {prefix}remove "
            f"{len(report.removed)}, {prefix}update {len(report.updated)}, "
            f"{report.unchanged} unchanged ({len(page.participants)} participants, "
            f"status as at {page.status_as_at.isoformat()})"
        )
        if not report.changed:
            self.stdout.write("nothing changed")
