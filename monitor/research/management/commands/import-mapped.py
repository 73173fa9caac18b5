from pathlib import Path

from monitor.commands import MonitorCommand, UsageError
from monitor.research.importers.mapping import mapped_import
from monitor.research.mappings import bundled_mapping_names, bundled_mapping_path
from monitor.research.services import ResearchDataError


class Command(MonitorCommand):
    help = (
        "Import an external table (CSV in UTF-8, or XLSX) through a mapping file that declares "
        "the theme, the country and year, the columns and their types, aggregation, unit "
        "conversion, checks and the source. Rows are summed into one record per country and "
        "year. Every problem in the input is listed with its file, row and column, and then "
        "nothing is written. Idempotent; prints what changed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "mapping",
            help="a bundled mapping name ("
            + (", ".join(bundled_mapping_names()) or "none")
            + ") or the path of a mapping file (.json)",
        )
        parser.add_argument("file", help="the data file, .csv (UTF-8) or .xlsx")
        parser.add_argument("--edition", required=True, help='edition name, e.g. "Monitor 2025"')
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would change, write nothing"
        )

    def handle(self, *args, mapping, file, edition, dry_run, **options):
        mapping_path = bundled_mapping_path(mapping)
        if mapping_path is None:
            mapping_path = Path(mapping)
            if not mapping_path.is_file():
                raise UsageError(
                    f"unknown mapping {mapping!r}: neither a bundled mapping ("
                    f"{', '.join(bundled_mapping_names())}) nor a file"
                )
        try:
            report = mapped_import(
                mapping_path=mapping_path, data_path=file, edition=edition, dry_run=dry_run
            )
        except ResearchDataError as exc:
            raise UsageError(str(exc)) from None
        would = "would " if dry_run else ""
        for r in report.records:
            if r.status == "unchanged":
                continue
            shown = " ".join(f"{k}={v}" for k, v in r.values.items() if v is not None)
            label = "add" if r.status == "created" else "update"
            self.stdout.write(f"{would}{label}: {r.country} {r.data_year} {shown} ({r.rows} rows)")
        if report.source_created:
            self.stdout.write(f"{would}add source: {report.source_key}")
        if report.edition_created:
            self.stdout.write(f"{would}add edition: {report.edition}")
        self.stdout.write(
            f"{report.theme}: {would}add {report.created}, {would}update {report.updated}, "
            f"{report.unchanged} unchanged ({report.rows_used} of {report.rows_read} rows from "
            f"{report.file}; mapping {report.mapping}; source {report.source_key}"
            + (f", licence {report.licence}" if report.licence else "")
            + f"; edition {report.edition})"
        )
        if not report.changed:
            self.stdout.write("nothing changed")
