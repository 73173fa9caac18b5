from monitor.commands import MonitorCommand
from monitor.treaties.services import seed_load


class Command(MonitorCommand):
    help = (
        "Load the bundled seed data: every country and other area, the four treaties, and the "
        "treaty events made by `monitor import-untc` from the UN Treaty Collection (status as at "
        "2026-02-03), and the cited research figures and treaty deadlines made by "
        "`monitor import-facts`. Idempotent: running it again changes nothing."
    )

    def handle(self, *args, **options):
        reports, facts = seed_load()
        for report in reports:
            self.stdout.write(
                f"{report.treaty}: {len(report.created)} created, {len(report.removed)} removed, "
                f"{len(report.updated)} updated, {report.unchanged} unchanged"
            )
        for table, counts in sorted(facts.counts.items()):
            self.stdout.write(
                f"{table}: {counts['created']} created, {counts['updated']} updated, "
                f"{counts['unchanged']} unchanged"
            )
