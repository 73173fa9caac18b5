from monitor.commands import MonitorCommand, UsageError
from monitor.research.importers.facts import FactsImportError, facts_import

#: Tables in the order they are reported.
TABLES = (
    "casualties",
    "contamination",
    "land_release",
    "stockpiles",
    "support",
    "obligation_extensions",
    "obligation_facts",
)


class Command(MonitorCommand):
    help = (
        "Import cited facts (monitor_facts.csv: one value per row with its source title, URL, "
        "quote and confidence) into the research records and the treaty obligation data "
        "(deadlines as recorded, extension requests, completions). Every row is checked first: "
        "any problem is reported with its row and column and nothing is written. Idempotent. "
        "Needs the countries and treaty events loaded by `monitor seed`."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="facts CSV (UTF-8)")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, write nothing"
        )

    def handle(self, *args, file, dry_run, **options):
        try:
            report = facts_import(file, dry_run=dry_run)
        except FactsImportError as exc:
            raise UsageError(str(exc)) from None
        prefix = "would " if dry_run else ""
        for table in TABLES:
            c = report.counts.get(table)
            if not c:
                continue
            self.stdout.write(
                f"{table}: {prefix}create {c['created']}, {prefix}update {c['updated']}, "
                f"{c['unchanged']} unchanged"
            )
        for skipped in report.skipped:
            self.stdout.write(f"not stored: {skipped}")
        for warning in report.warnings:
            self.stdout.write(f"warning: {warning}")
        self.stdout.write(
            f"{report.file}: {report.facts} facts" + ("" if report.changed else "; nothing changed")
        )
