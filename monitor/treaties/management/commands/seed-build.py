from pathlib import Path

from monitor.commands import MonitorCommand, UsageError
from monitor.treaties.importers.untc import UntcParseError, parse_untc_file
from monitor.treaties.services import SEED_EVENTS, TreatyDataError, seed_build


class Command(MonitorCommand):
    help = (
        "Regenerate the bundled seed file (monitor/seed/treaty_events.json) from UN Treaty "
        "Collection status pages, with the same parser and name matching as import-untc. "
        "Writes no database rows."
    )

    def add_arguments(self, parser):
        parser.add_argument("pages", nargs="+", help="UNTC status page HTML files")
        parser.add_argument("--output", default=str(SEED_EVENTS), help="file to write")

    def handle(self, *args, pages, output, **options):
        try:
            parsed = [parse_untc_file(Path(p)) for p in pages]
            data = seed_build(parsed, output=Path(output))
        except (OSError, UntcParseError, TreatyDataError) as exc:
            raise UsageError(str(exc)) from None
        for block in data["treaties"]:
            self.stdout.write(
                f"{block['treaty']}: {len(block['events'])} events ({block['status_source']})"
            )
        self.stdout.write(f"wrote {output}")
