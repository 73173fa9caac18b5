from django.utils import timezone

from monitor.commands import MonitorCommand, UsageError, iso_date
from monitor.countries.models import Country
from monitor.research.selectors import country_research
from monitor.research.themes import THEMES
from monitor.treaties.selectors import country_summary


def _d(value):
    return value.isoformat() if value else "-"


class Command(MonitorCommand):
    help = (
        "A readable summary of one country: status under each treaty, its obligations, and the "
        "cited research figures recorded for it."
    )

    def add_arguments(self, parser):
        parser.add_argument("iso3", help="ISO 3166-1 alpha-3 code, e.g. AFG")
        parser.add_argument(
            "--as-of", type=iso_date, default=None, help="date YYYY-MM-DD (default: today)"
        )

    def handle(self, *args, iso3, as_of, **options):
        try:
            summary = country_summary(iso3=iso3.strip(), as_of=as_of or timezone.localdate())
        except Country.DoesNotExist:
            raise UsageError(
                f"unknown country {iso3!r}: expected an ISO 3166-1 alpha-3 code"
            ) from None
        c = summary.country
        out = self.stdout
        region = " / ".join(x for x in (c.region, c.subregion) if x)
        out.write(f"{c.name} ({c.iso3}){' - ' + region if region else ''}")
        out.write(f"Status as of {summary.as_of.isoformat()}")
        for view in summary.treaties:
            tl = view.timeline
            out.write("")
            out.write(f"{view.treaty.short_name}: {view.status.label}")
            if tl.signature:
                out.write(f"  signature            {_d(tl.signature)}")
            if tl.deposit:
                out.write(f"  {tl.deposit_kind.label.lower():<20} {_d(tl.deposit)}")
                out.write(f"  entry into force     {_d(tl.eif.date)}  ({tl.eif.basis})")
            if tl.withdrawal_notified:
                out.write(f"  withdrawal notified  {_d(tl.withdrawal_notified)}")
                out.write(f"  withdrawal effective {_d(tl.withdrawal_effective)}")
            for o in view.obligations:
                out.write(f"  - {o.kind.label}: due {_d(o.due)} [{o.status.value}] {o.basis}")
            if view.events and view.treaty.status_source:
                out.write(f"  Source: {view.treaty.status_source}")
        self._research(c.iso3)

    def _research(self, iso3: str) -> None:
        out = self.stdout
        out.write("")
        out.write("Research data (headline value; other editions and sources in brackets)")
        for name, figures in country_research(iso3=iso3).items():
            if not figures:
                out.write(f"  {THEMES[name].label}: no data")
                continue
            out.write(f"  {THEMES[name].label}:")
            for f in figures:
                key = ", ".join(f.key_labels)
                values = "; ".join(f"{k} {v}" for k, v in f.headline.values)
                rec = f.headline.record
                line = f"    {f.data_year}{' ' + key if key else ''}: {values}"
                line += f" -- {rec.source.title} ({rec.edition.name})"
                if f.disagreement:
                    others = "; ".join(
                        f"{', '.join(f'{k} {v}' for k, v in o.values)} in {o.edition.name}"
                        for o in f.others
                    )
                    line += f" [sources disagree: {others}]"
                out.write(line)
