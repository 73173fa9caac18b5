from pathlib import Path

from monitor.commands import MonitorCommand, UsageError
from monitor.research.imports import theme_import
from monitor.research.themes import THEMES


def _themes_help() -> str:
    width = max(len(n) for n in THEMES)
    return "\n".join(f"  {name:<{width}}  {theme.label}" for name, theme in THEMES.items())


class Command(MonitorCommand):
    help = (
        "Import a research data file (.csv in UTF-8, or .xlsx) for one theme. One row per "
        "record; the columns are those of `monitor template THEME`. Every row is checked first; "
        "any problem is reported with file, row and column and nothing is written. Re-importing "
        "the same file changes nothing.\n\n"
        "Load `sources` first: other themes name their source by its key.\n\n"
        f"Themes:\n{_themes_help()}"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "theme", metavar="THEME", choices=list(THEMES), help="one of the themes listed above"
        )
        parser.add_argument("file", metavar="FILE", help=".csv (UTF-8) or .xlsx file")
        parser.add_argument(
            "--edition",
            metavar="NAME",
            default=None,
            help='report edition the figures belong to, e.g. "Landmine Monitor 2024" '
            "(required for every theme but sources; created as a draft if new)",
        )
        parser.add_argument("--dry-run", action="store_true", help="check and count, write nothing")

    def handle(self, *args, theme, file, edition, dry_run, **options):
        report = theme_import(theme=theme, path=Path(file), edition=edition, dry_run=dry_run)
        if report.issues:
            for issue in report.issues:
                self.stderr.write(str(issue))
            n = len(report.issues)
            raise UsageError(f"{n} problem{'s' if n != 1 else ''} in {file}; nothing imported")
        if dry_run:
            counts = (
                f"{report.created} would be created, {report.updated} would be updated, "
                f"{report.unchanged} unchanged"
            )
        else:
            counts = (
                f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged"
            )
        suffix = f" (edition {report.edition})" if report.edition else ""
        dry = "; dry run, nothing written" if dry_run else ""
        if dry and suffix:
            suffix = suffix[:-1] + dry + ")"
        elif dry:
            suffix = f" ({dry[2:]})"
        self.stdout.write(f"{report.theme}: {counts}{suffix}")
