from pathlib import Path

from monitor.commands import MonitorCommand, UsageError
from monitor.research.template_files import template_csv, template_xlsx
from monitor.research.themes import THEMES


class Command(MonitorCommand):
    help = (
        "Write an empty import file for a theme: the header row of `monitor import THEME FILE`. "
        "CSV goes to standard output unless --output is given; an .xlsx workbook (--output "
        "required) also has a 'help' sheet listing each column, whether it is required, its "
        "format, allowed values and help.\n\n"
        f"Themes: {', '.join(THEMES)}"
    )

    def add_arguments(self, parser):
        parser.add_argument("theme", metavar="THEME", choices=list(THEMES), help="theme name")
        parser.add_argument(
            "--format",
            choices=["csv", "xlsx"],
            default=None,
            help="csv or xlsx (default: from the --output suffix, else csv)",
        )
        parser.add_argument("--output", "-o", metavar="PATH", default=None, help="file to write")

    def handle(self, *args, theme, format, output, **options):
        spec = THEMES[theme]
        if format is None:
            format = "xlsx" if output and output.lower().endswith(".xlsx") else "csv"
        if format == "xlsx":
            if not output:
                raise UsageError("--format xlsx needs --output PATH.xlsx")
            try:
                template_xlsx(spec, Path(output))
            except OSError as exc:
                raise UsageError(f"{output}: {exc.strerror or exc}") from None
            return
        text = template_csv(spec)
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            # With a byte-order mark, so that Excel opens (and saves) the file as UTF-8.
            Path(output).write_text(text, encoding="utf-8-sig", newline="")
        except OSError as exc:
            raise UsageError(f"{output}: {exc.strerror or exc}") from None
