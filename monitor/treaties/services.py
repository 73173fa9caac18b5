"""Writes to treaties, treaty events and obligation data. The only code that changes them."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction

from monitor.audit.models import AuditEntry
from monitor.audit.services import AuditContext, audit_write, snapshot
from monitor.countries.matching import NameMatcher, UnknownCountryName, default_matcher
from monitor.countries.models import Country
from monitor.rules import obligations as ob_rules
from monitor.rules.dates import add_years
from monitor.rules.treaties import (
    DEPOSIT_KINDS,
    TREATIES,
    CountMode,
    Event,
    EventKind,
    is_counted,
    status_on,
)
from monitor.treaties.importers.untc import UntcPage
from monitor.treaties.models import ObligationExtension, Treaty, TreatyEvent

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"
SEED_EVENTS = SEED_DIR / "treaty_events.json"
UNTC_URL = (
    "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no={ref}&chapter=26&clang=_en"
)


class TreatyDataError(ValueError):
    """Input that cannot be imported; nothing has been written."""


@dataclass(frozen=True)
class EventRecord:
    """A treaty event as it is shipped in the seed file and compared on import."""

    treaty: str
    iso3: str
    kind: str
    date: str
    source: str
    source_url: str = ""
    note: str = ""

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.treaty, self.iso3, self.kind, self.date)


@dataclass
class SyncReport:
    treaty: str
    created: list[EventRecord] = field(default_factory=list)
    removed: list[EventRecord] = field(default_factory=list)
    updated: list[EventRecord] = field(default_factory=list)
    unchanged: int = 0
    dry_run: bool = False

    @property
    def changed(self) -> bool:
        return bool(self.created or self.removed or self.updated)


def treaties_seed() -> None:
    """Create or update the four treaties from the constants in monitor.rules.treaties."""
    for position, rules in enumerate(TREATIES.values()):
        Treaty.objects.update_or_create(
            code=rules.code,
            defaults={
                "name": rules.name,
                "short_name": rules.short_name,
                "untc_reference": rules.untc_reference,
                "adopted_on": rules.adopted_on,
                "trigger_date": rules.trigger_date,
                "general_eif": rules.general_eif,
                "position": position,
            },
        )


def untc_citation(page: UntcPage) -> str:
    return (
        f"United Nations Treaty Collection, Chapter {page.reference}, "
        f"status as at {page.status_as_at.isoformat()}"
    )


def untc_page_events(
    page: UntcPage, *, treaty: str, matcher: NameMatcher | None = None
) -> list[EventRecord]:
    """Map a parsed UNTC page to event records; every participant must match a country."""
    rules = TREATIES[treaty]
    if page.reference != rules.untc_reference:
        raise TreatyDataError(
            f"{page.source_name}: page is UNTC {page.reference}, not {rules.short_name} "
            f"({rules.untc_reference})"
        )
    matcher = matcher or default_matcher()
    unknown: list[str] = []
    problems: list[str] = []
    records: list[EventRecord] = []
    source = untc_citation(page)
    url = UNTC_URL.format(ref=page.reference)
    for participant in page.participants:
        try:
            iso3 = matcher.match(participant.name)
        except UnknownCountryName:
            unknown.append(f"row {participant.row} ({participant.name!r})")
            continue
        withdrawn = [e for e in participant.events if e.bracketed and e.kind in DEPOSIT_KINDS]
        if withdrawn and not any(
            e.kind is EventKind.WITHDRAWAL_NOTIFIED for e in participant.events
        ):
            problems.append(
                f"row {participant.row} ({participant.name!r}): deposit shown in brackets "
                "(withdrawn) but no end note gives the withdrawal date"
            )
        for event in participant.events:
            records.append(
                EventRecord(
                    treaty=treaty,
                    iso3=iso3,
                    kind=event.kind.value,
                    date=event.date.isoformat(),
                    source=source,
                    source_url=url,
                )
            )
    if unknown:
        raise TreatyDataError(
            f"{page.source_name}: unknown participant(s), nothing imported: {', '.join(unknown)}"
        )
    if problems:
        raise TreatyDataError(f"{page.source_name}: {'; '.join(problems)}; nothing imported")
    _check_against_header(page, treaty, records)
    return sorted(records, key=lambda r: (r.iso3, r.date, r.kind))


def _check_against_header(page: UntcPage, treaty: str, records: Sequence[EventRecord]) -> None:
    """The page's own "Parties: N" must equal what the rules compute on its status date."""
    by_country: dict[str, list[Event]] = {}
    for r in records:
        by_country.setdefault(r.iso3, []).append(
            Event(EventKind(r.kind), date.fromisoformat(r.date))
        )
    rules = TREATIES[treaty]
    parties = sum(
        1
        for events in by_country.values()
        if is_counted(status_on(rules, events, page.status_as_at)[0], CountMode.DEPOSIT)
    )
    if parties != page.header_parties:
        raise TreatyDataError(
            f"{page.source_name}: the page header says {page.header_parties} Parties but its "
            f"rows give {parties} on {page.status_as_at.isoformat()}; nothing imported"
        )


@transaction.atomic
def treaty_events_sync(
    *,
    treaty: str,
    records: Iterable[EventRecord],
    status_source: str,
    status_url: str,
    status_as_at: date,
    dry_run: bool = False,
) -> SyncReport:
    """Make the depositary-sourced events of one treaty equal `records`.

    Idempotent: a second run with the same records changes nothing. Events entered by
    editors (origin "manual") are never touched. With dry_run the report is computed and
    the transaction is rolled back.
    """
    report = SyncReport(treaty=treaty, dry_run=dry_run)
    wanted = {r.key: r for r in records}
    missing_countries = sorted(
        {k[1] for k in wanted}
        - set(
            Country.objects.filter(iso3__in={k[1] for k in wanted}).values_list("iso3", flat=True)
        )
    )
    if missing_countries:
        raise TreatyDataError(
            f"countries not in the database: {', '.join(missing_countries)} (run `monitor seed`)"
        )
    treaty_obj = Treaty.objects.select_for_update().get(code=treaty)
    existing = {
        (e.treaty_id, e.country_id, e.kind, e.date.isoformat()): e
        for e in TreatyEvent.objects.filter(treaty=treaty, origin=TreatyEvent.Origin.UNTC)
    }
    audit = []  # one audit entry per event created, changed or removed
    via = f"UNTC status {status_source}"[:300]

    def log(action: str, event, before=None, after=None):
        audit.append(
            AuditEntry(
                actor_name="system",
                action=action,
                object_type="treaties.treatyevent",
                object_id=str(event.pk or ""),
                object_label=f"{treaty} {event.country_id} {event.kind} {event.date}"[:300],
                country=event.country_id,
                before=before,
                after=after,
                via=via,
                reason="depositary status page",
            )
        )

    for key, event in existing.items():
        if key not in wanted:
            log("delete", event, before=snapshot(event))
            report.removed.append(
                EventRecord(
                    treaty, event.country_id, event.kind, key[3], event.source, event.source_url
                )
            )
            event.delete()
    to_create = []
    for key, record in wanted.items():
        event = existing.get(key)
        if event is None:
            report.created.append(record)
            to_create.append(
                TreatyEvent(
                    treaty_id=treaty,
                    country_id=record.iso3,
                    kind=record.kind,
                    date=date.fromisoformat(record.date),
                    origin=TreatyEvent.Origin.UNTC,
                    source=record.source,
                    source_url=record.source_url,
                    note=record.note,
                )
            )
        elif (event.source, event.source_url, event.note) != (
            record.source,
            record.source_url,
            record.note,
        ):
            event.source, event.source_url, event.note = (
                record.source,
                record.source_url,
                record.note,
            )
            before = snapshot(event, ["source", "source_url", "note"])
            event.full_clean()
            event.save(update_fields=["source", "source_url", "note"])
            log("update", event, before, snapshot(event, ["source", "source_url", "note"]))
            report.updated.append(record)
        else:
            report.unchanged += 1
    for event in to_create:
        # Countries were checked above in one query and the treaty is locked: skip the
        # per-row foreign-key queries of full_clean.
        event.full_clean(
            exclude=["treaty", "country"], validate_unique=False, validate_constraints=False
        )
    TreatyEvent.objects.bulk_create(to_create)
    for event in to_create:
        log("create", event, after=snapshot(event))
    AuditEntry.objects.bulk_create(audit)
    treaty_obj.status_source = status_source
    treaty_obj.status_url = status_url
    treaty_obj.status_as_at = status_as_at
    treaty_obj.save(update_fields=["status_source", "status_url", "status_as_at"])
    if dry_run:
        transaction.set_rollback(True)
    else:
        from monitor.web.cache import data_version_bump

        data_version_bump()  # published data changed: cached pages are stale
    return report


def untc_import(*, page: UntcPage, treaty: str | None = None, dry_run: bool = False) -> SyncReport:
    """Import one parsed UNTC status page; the treaty is recognised from the page reference."""
    if treaty is None:
        treaty = next(
            (t.code for t in TREATIES.values() if t.untc_reference == page.reference), None
        )
        if treaty is None:
            raise TreatyDataError(
                f"{page.source_name}: UNTC {page.reference} is not a treaty the Monitor tracks"
            )
    records = untc_page_events(page, treaty=treaty)
    return treaty_events_sync(
        treaty=treaty,
        records=records,
        status_source=untc_citation(page),
        status_url=UNTC_URL.format(ref=page.reference),
        status_as_at=page.status_as_at,
        dry_run=dry_run,
    )


def seed_build(pages: Sequence[UntcPage], *, output: Path = SEED_EVENTS) -> dict:
    """Write the bundled seed file from parsed UNTC pages (the same mapping as the importer)."""
    treaties = []
    for page in sorted(pages, key=lambda p: p.reference):
        code = next(t.code for t in TREATIES.values() if t.untc_reference == page.reference)
        records = untc_page_events(page, treaty=code)
        treaties.append(
            {
                "treaty": code,
                "status_source": untc_citation(page),
                "status_url": UNTC_URL.format(ref=page.reference),
                "status_as_at": page.status_as_at.isoformat(),
                "header_parties": page.header_parties,
                "events": [
                    {
                        k: v
                        for k, v in asdict(r).items()
                        if k not in ("treaty", "source", "source_url")
                    }
                    for r in records
                ],
            }
        )
    data = {
        "generated_by": "monitor seed-build (parsed with monitor.treaties.importers.untc)",
        "treaties": treaties,
    }
    output.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return data


def seed_load(*, path: Path = SEED_EVENTS) -> tuple[list[SyncReport], object]:
    """Load the bundled seed: countries, treaties, depositary events, then the cited research
    facts (monitor/seed/research_facts.json), all in one transaction. Idempotent."""
    from monitor.countries.services import country_seed
    from monitor.research.importers.facts import facts_seed_load

    data = json.loads(path.read_text(encoding="utf-8"))
    with transaction.atomic():
        country_seed()
        treaties_seed()
        reports = []
        for block in data["treaties"]:
            records = [
                EventRecord(
                    treaty=block["treaty"],
                    source=block["status_source"],
                    source_url=block["status_url"],
                    **event,
                )
                for event in block["events"]
            ]
            reports.append(
                treaty_events_sync(
                    treaty=block["treaty"],
                    records=records,
                    status_source=block["status_source"],
                    status_url=block["status_url"],
                    status_as_at=date.fromisoformat(block["status_as_at"]),
                )
            )
        facts = facts_seed_load()
        from monitor.strategy.services import strategy_default_load

        strategy_default_load()
        from monitor.search.services import search_index_rebuild

        search_index_rebuild()
    from monitor.web.cache import data_version_bump

    data_version_bump()  # published data changed: cached pages are stale
    return reports, facts


@transaction.atomic
def obligation_extension_record(
    *,
    treaty: str,
    iso3: str,
    kind: str,
    new_deadline: date,
    source: str,
    source_url: str = "",
    decided_on: date | None = None,
    decided_by: str = "",
    granted: bool = True,
) -> ObligationExtension:
    """Store an extension after checking it against the treaty's cap and earlier extensions."""
    from monitor.treaties.selectors import country_treaty_timeline

    kind_enum = ob_rules.Kind(kind)
    tl = country_treaty_timeline(iso3=iso3, treaty=treaty)
    if tl.eif is None:
        raise TreatyDataError(
            f"{iso3} has no instrument deposited for {treaty}; no deadline to extend"
        )
    rule = ob_rules.deadline_for(treaty, kind_enum)
    original = add_years(tl.eif.date, rule.years_after_eif)
    earlier = [
        ob_rules.Extension(
            e.new_deadline, granted=True, cumulative=e.cumulative, count=e.extension_count
        )
        for e in ObligationExtension.objects.filter(
            treaty=treaty, country=iso3, kind=kind, status=ObligationExtension.Status.GRANTED
        )
    ]
    if granted:
        try:
            ob_rules.apply_extensions(
                treaty, kind_enum, original, [*earlier, ob_rules.Extension(new_deadline)]
            )
        except ob_rules.ExtensionError as exc:
            raise TreatyDataError(f"{iso3} {treaty} {kind}: {exc}") from exc
    ext, created = ObligationExtension.objects.update_or_create(
        treaty_id=treaty,
        country_id=iso3,
        kind=kind,
        new_deadline=new_deadline,
        status=ObligationExtension.Status.GRANTED
        if granted
        else ObligationExtension.Status.REQUESTED,
        defaults={
            "decided_on": decided_on,
            "decided_by": decided_by,
            "source": source,
            "source_url": source_url,
        },
    )
    audit_write(
        context=AuditContext(via="obligation extension", reason=decided_by or source),
        action="create" if created else "update",
        obj=ext,
        country=iso3,
        after=snapshot(ext),
    )
    return ext
