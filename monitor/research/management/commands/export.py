from pathlib import Path

from monitor.commands import MonitorCommand, UsageError
from monitor.research.exports import (
    EXTENSIONS,
    FORMATS,
    ExportError,
    datapackage_export,
    theme_export,
    themes_export,
)
from monitor.research.themes import THEMES


class Command(MonitorCommand):
    help = (
        "Export the research database as open data.\n\n"
        "  csv, hxl   CSV (UTF-8) with a header row in the theme's column order, `edition` after\n"
        "             `data_year`; hxl adds a row of HXL hashtags under the header\n"
        "  xlsx       a workbook with one sheet named after the theme\n"
        "  json       a list of records with typed values, each with its source's key, title\n"
        "             and URL and its edition\n"
        "  datapackage  a Frictionless Data Package in the directory OUTPUT: sources.csv,\n"
        "             editions.csv, one CSV per theme and datapackage.json (Table Schema);\n"
        "             --theme does not apply\n\n"
        "With --theme, OUTPUT is a file (csv, hxl and json: - writes to standard output).\n"
        "Without --theme, OUTPUT is a directory and every theme is written into it as\n"
        "THEME.csv, THEME.hxl.csv, THEME.xlsx or THEME.json (sources included).\n\n"
        "--country ISO3 keeps one country's records (WLD: global figures only), --edition NAME\n"
        "one edition's; sources are then those the kept records cite.\n\n"
        "Examples:\n"
        "  monitor export --format csv --theme casualties --country AFG afg-casualties.csv\n"
        "  monitor export --format datapackage var/open-data\n\n"
        f"Themes: {', '.join(THEMES)}"
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", required=True, choices=FORMATS, dest="fmt")
        parser.add_argument(
            "--theme", metavar="THEME", choices=list(THEMES), help="one of the themes below"
        )
        parser.add_argument("--country", metavar="ISO3", help="ISO3 code, or WLD for global")
        parser.add_argument("--edition", metavar="NAME", help='e.g. "Landmine Monitor 2024"')
        parser.add_argument("output", metavar="OUTPUT", help="file or directory (see above)")

    def handle(self, *args, fmt, theme, country, edition, output, **options):
        quiet = options.get("verbosity", 1) == 0
        to_stdout = output == "-"
        if to_stdout and (fmt in ("xlsx", "datapackage") or not theme):
            raise UsageError(f"--format {fmt} needs an OUTPUT path, not -")
        if fmt == "datapackage" and theme:
            raise UsageError("--theme does not apply to --format datapackage (it holds them all)")
        path = Path(output)
        is_directory = fmt == "datapackage" or not theme
        if is_directory and path.exists() and not path.is_dir():
            raise UsageError(f"{output} is a file; this export writes a directory")
        if not is_directory and not to_stdout and path.is_dir():
            raise UsageError(f"{output} is a directory; with --theme OUTPUT is a file")
        try:
            if fmt == "datapackage":
                counts = datapackage_export(path, country=country, edition=edition)
            elif not theme:
                counts = themes_export(fmt, path, country=country, edition=edition)
            else:
                target = self.stdout._out if to_stdout else path
                counts = {theme: theme_export(fmt, theme, target, country=country, edition=edition)}
        except ExportError as exc:
            raise UsageError(str(exc)) from None
        except OSError as exc:
            raise UsageError(f"cannot write {output}: {exc.strerror or exc}") from None
        if quiet or to_stdout:
            return
        if is_directory:
            total = sum(counts.values())
            ext = "csv" if fmt == "datapackage" else EXTENSIONS[fmt]
            self.stdout.write(f"{total} rows in {len(counts)} .{ext} files written to {path}")
            for name, n in counts.items():
                self.stdout.write(f"  {name}: {n}")
        else:
            self.stdout.write(f"{theme}: {counts[theme]} rows written to {path}")
