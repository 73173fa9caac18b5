import json

from django.utils import timezone

from monitor.commands import MonitorCommand, UsageError, iso_date, treaty_code
from monitor.countries.models import Country
from monitor.treaties.selectors import obligation_to_dict, obligations_for_country


class Command(MonitorCommand):
    help = (
        "Treaty obligations of one country with their due dates and status (pending, met, "
        "overdue, n/a, or unknown when nothing is on record). Annual reports: the next one due."
    )

    def add_arguments(self, parser):
        parser.add_argument("--country", required=True, help="ISO 3166-1 alpha-3 code, e.g. AFG")
        parser.add_argument(
            "--treaty", type=treaty_code, default=None, help="mbt or ccm (default: all)"
        )
        parser.add_argument(
            "--as-of",
            type=iso_date,
            default=None,
            help="reference date YYYY-MM-DD (default: today)",
        )
        parser.add_argument(
            "--format", choices=["table", "json"], default="table", help="output format"
        )

    def handle(self, *args, country, treaty, as_of, format, **options):
        iso3 = country.strip().upper()
        if not Country.objects.filter(iso3=iso3).exists():
            raise UsageError(f"unknown country {country!r}: expected an ISO 3166-1 alpha-3 code")
        obligations = obligations_for_country(
            iso3=iso3, treaty=treaty, as_of=as_of or timezone.localdate()
        )
        data = [obligation_to_dict(o) for o in obligations]
        if format == "json":
            self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
            return
        if not data:
            self.stdout.write(f"{iso3}: no treaty obligations (not party to the treaties asked).")
            return
        for o in data:
            self.stdout.write(
                f"{o['treaty']:<4} {o['kind']:<22} {o['due']}  {o['status']:<8} {o['basis']}"
            )
