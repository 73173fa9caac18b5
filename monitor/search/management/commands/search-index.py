from monitor.commands import MonitorCommand
from monitor.search.services import search_index_rebuild


class Command(MonitorCommand):
    help = (
        "Rebuild the site search index from the database: countries and other areas, sources "
        "and research notes and quotes. `monitor seed` does this too."
    )

    def handle(self, *args, **options):
        counts = search_index_rebuild()
        for kind, n in counts.items():
            self.stdout.write(f"{kind}: {n} documents")
