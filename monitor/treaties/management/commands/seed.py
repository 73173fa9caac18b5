from monitor.commands import MonitorCommand
from monitor.treaties.services import seed_load


class Command(MonitorCommand):
    help = (
        "Load the bundled seed data: every country and other area, the four treaties, and the "
        "treaty events made by `monitor import-untc` from the UN Treaty Collection (status as at "
        "2026-02-03). Idempotent: running it again changes nothing."
    )

    def handle(self, *args, **options):
        for report in seed_load():
            self.stdout.write(
                f"{report.treaty}: {len(report.created)} created, {len(report.removed)} removed, "
                f"{len(report.updated)} updated, {report.unchanged} unchanged"
            )
