import csv
import json

from monitor.commands import MonitorCommand, UsageError, _OneLineParser, iso_date
from monitor.editorial.services import EditorialError, edition_create, edition_freeze
from monitor.research.editions import (
    EDITION_THEMES,
    EditionQueryError,
    edition_diff,
    edition_errata,
    edition_record_counts,
    edition_summaries,
)


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _key_text(key: dict) -> str:
    return " ".join(_text(v) for v in key.values() if v not in (None, ""))


def _counts_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{theme} {n}" for theme, n in counts.items()) or "no records"


class Command(MonitorCommand):
    help = (
        "Report editions: list them, create one, freeze one (its figures can then never "
        "change; later corrections become errata), compare two figure by figure, and list "
        "the errata to a frozen edition.\n\n"
        "  monitor edition list\n"
        '  monitor edition create "Landmine Monitor 2025" --publication-date 2025-11-20\n'
        '  monitor edition freeze "Landmine Monitor 2024"\n'
        '  monitor edition diff "Landmine Monitor 2023" "Landmine Monitor 2024" --format csv\n'
        '  monitor edition errata "Landmine Monitor 2024"'
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(
            dest="action", metavar="ACTION", required=True, parser_class=_OneLineParser
        )

        listing = sub.add_parser("list", help="every edition with its years and record counts")
        listing.add_argument(
            "--format", choices=["text", "json"], default="text", help="output format"
        )

        create = sub.add_parser("create", help="create a draft edition (nothing if it exists)")
        create.add_argument("name", metavar="NAME", help='e.g. "Landmine Monitor 2025"')
        create.add_argument(
            "--publication-date",
            type=iso_date,
            default=None,
            metavar="YYYY-MM-DD",
            help="the day the report is published",
        )

        freeze = sub.add_parser(
            "freeze", help="freeze an edition: its figures never change after this"
        )
        freeze.add_argument("name", metavar="NAME", help="the edition's name")

        diff = sub.add_parser(
            "diff",
            help="figures B adds, removes and changes relative to A",
            description="Figure by figure: records of A and B are matched by country, data "
            "year and breakdown, whatever their source. A figure with the same values is "
            "unchanged even if B cites another source.",
        )
        diff.add_argument("a", metavar="A", help="the earlier edition's name")
        diff.add_argument("b", metavar="B", help="the later edition's name")
        diff.add_argument(
            "--format", choices=["text", "csv", "json"], default="text", help="output format"
        )
        diff.add_argument(
            "--country", metavar="ISO3", default=None, help="one country, or WLD (global)"
        )
        diff.add_argument(
            "--theme", metavar="NAME", default=None, help=f"one of {', '.join(EDITION_THEMES)}"
        )

        errata = sub.add_parser("errata", help="the errata to a frozen edition")
        errata.add_argument("name", metavar="NAME", help="the edition's name")
        errata.add_argument(
            "--format", choices=["text", "json"], default="text", help="output format"
        )

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"_{action}")(**options)
        except (EditorialError, EditionQueryError) as exc:
            raise UsageError(str(exc)) from None

    # --- subcommands ----------------------------------------------------------------------

    def _list(self, *, format, **options):
        editions = edition_summaries()
        if format == "json":
            self.stdout.write(json.dumps([e.as_dict() for e in editions], indent=2))
            return
        for e in editions:
            frozen = f"frozen {e.frozen_at:%Y-%m-%d}" if e.frozen_at else "open"
            years = f"report {_text(e.report_year) or '-'}, data {_text(e.data_year) or '-'}"
            self.stdout.write(
                f"{e.name}  ({years}; {frozen}): {e.total} record{'s' if e.total != 1 else ''}"
                + (f" ({_counts_text(e.records)})" if e.records else "")
            )

    def _create(self, *, name, publication_date, **options):
        edition, created = edition_create(name=name, publication_date=publication_date)
        years = f"report year {_text(edition.report_year) or 'unknown'}"
        if edition.data_year:
            years += f", data year {edition.data_year}"
        if created:
            self.stdout.write(f"created {edition.name!r} ({years}), open for figures")
        else:
            self.stdout.write(f"{edition.name!r} exists already ({years}); nothing changed")

    def _freeze(self, *, name, **options):
        edition = edition_freeze(name=name)
        counts = edition_record_counts(edition)
        total = sum(counts.values())
        self.stdout.write(
            f"froze {edition.name!r} at {edition.frozen_at:%Y-%m-%d %H:%M %Z}: "
            f"{total} figure{'s' if total != 1 else ''} ({_counts_text(counts)}) can no longer "
            "change; corrections become errata"
        )

    def _diff(self, *, a, b, format, country, theme, **options):
        diff = edition_diff(a, b, country=country, theme=theme)
        if format == "json":
            self.stdout.write(json.dumps(diff.as_dict(), indent=2, ensure_ascii=False))
        elif format == "csv":
            self._diff_csv(diff)
        else:
            self._diff_text(diff)

    def _diff_text(self, diff):
        s = diff.summary
        self.stdout.write(
            f"{diff.a} -> {diff.b}: {s['added']} added, {s['removed']} removed, "
            f"{s['changed']} changed, {s['unchanged']} unchanged"
        )
        for f in diff.figures:
            what = " ".join(p for p in (f.country, str(f.data_year), _key_text(f.key)) if p)
            if f.change == "changed":
                parts = [f"{n}: {_text(va)} -> {_text(vb)}" for n, (va, vb) in f.fields.items()]
                if f.source_changed:
                    parts.append(f"source: {f.source_a} -> {f.source_b}")
            else:
                side = 0 if f.change == "removed" else 1
                parts = [f"{n}: {_text(v[side])}" for n, v in f.fields.items()]
                parts.append(f"source: {f.source_a if side == 0 else f.source_b}")
            self.stdout.write(f"{f.change:<8} {f.theme:<14} {what}  {'; '.join(parts)}")

    def _diff_csv(self, diff):
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(
            ["change", "theme", "country", "data_year", "key", "field", "a", "b"]
            + ["source_a", "source_b"]
        )
        for f in diff.figures:
            head = [f.change, f.theme, f.country, f.data_year, _key_text(f.key)]
            tail = [f.source_a, f.source_b]
            for name, (va, vb) in f.fields.items() or [("", (None, None))]:
                writer.writerow(head + [name, _text(va), _text(vb)] + tail)

    def _errata(self, *, name, format, **options):
        errata = edition_errata(name)
        if format == "json":
            self.stdout.write(json.dumps([e.as_dict() for e in errata], indent=2))
            return
        if not errata:
            self.stdout.write(f"no errata to {' '.join(name.split())!r}")
            return
        for e in errata:
            what = " ".join(p for p in (e.country, _text(e.data_year), _key_text(e.key)) if p)
            fields = sorted(e.original.keys() | e.corrected.keys())
            change = "; ".join(
                f"{n}: {_text(e.original.get(n))} -> {_text(e.corrected.get(n))}"
                for n in fields
                if e.original.get(n) != e.corrected.get(n)
            )
            proposal = f", proposal #{e.proposal_id}" if e.proposal_id else ""
            self.stdout.write(
                f"{e.created_at:%Y-%m-%d} {e.theme} {what}: {change or 'same values'} "
                f"(in {e.corrected_edition}{proposal}; source {e.original_source} -> "
                f"{e.corrected_source}). Reason: {e.reason}"
            )
