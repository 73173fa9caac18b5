"""Reads of treaty status and obligations. The CLI, the web pages and (later) the API and
PDFs call these, so they cannot disagree."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from monitor.countries.models import Country
from monitor.rules import obligations as ob_rules
from monitor.rules.treaties import (
    TREATIES,
    CountMode,
    Event,
    EventKind,
    Status,
    Timeline,
    is_counted,
    status_on,
    timeline,
    treaty_rules,
)
from monitor.treaties.models import ObligationExtension, ObligationFact, Treaty, TreatyEvent


@dataclass(frozen=True)
class PartyRow:
    iso3: str
    name: str
    status: Status
    deposit_date: date | None
    entry_into_force: date | None

    def to_dict(self) -> dict:
        return {
            "iso3": self.iso3,
            "name": self.name,
            "status": self.status.value,
            "deposit_date": self.deposit_date.isoformat() if self.deposit_date else None,
            "entry_into_force": self.entry_into_force.isoformat()
            if self.entry_into_force
            else None,
        }


@dataclass(frozen=True)
class PartiesResult:
    treaty: str
    as_of: date
    mode: CountMode
    parties: tuple[PartyRow, ...]
    source: str

    @property
    def count(self) -> int:
        return len(self.parties)

    def to_dict(self) -> dict:
        """The JSON contract of `monitor treaty-status --format json` and the API."""
        return {
            "treaty": self.treaty,
            "as_of": self.as_of.isoformat(),
            "mode": self.mode.value,
            "count": self.count,
            "parties": [p.to_dict() for p in self.parties],
        }


def _events_by_country(treaty: str, iso3: str | None = None) -> dict[str, list[Event]]:
    qs = TreatyEvent.objects.filter(treaty_id=treaty)
    if iso3:
        qs = qs.filter(country_id=iso3)
    by_country: dict[str, list[Event]] = defaultdict(list)
    for country_id, kind, day in qs.order_by("date", "id").values_list(
        "country_id", "kind", "date"
    ):
        by_country[country_id].append(Event(EventKind(kind), day))
    return by_country


def treaty_status_rows(*, treaty: str, as_of: date) -> list[tuple[PartyRow, Timeline]]:
    """Every country with at least one event under `treaty`, with its status on `as_of`."""
    rules = treaty_rules(treaty)
    by_country = _events_by_country(treaty)
    names = dict(Country.objects.filter(iso3__in=by_country).values_list("iso3", "name"))
    rows = []
    for iso3, events in by_country.items():
        status, tl = status_on(rules, events, as_of)
        rows.append(
            (
                PartyRow(
                    iso3=iso3,
                    name=names.get(iso3, iso3),
                    status=status,
                    deposit_date=tl.deposit,
                    entry_into_force=tl.eif.date if tl.eif else None,
                ),
                tl,
            )
        )
    rows.sort(key=lambda r: r[0].name)
    return rows


def parties_as_of(
    *, treaty: str, as_of: date, mode: CountMode = CountMode.DEPOSIT
) -> PartiesResult:
    """States Parties of `treaty` on `as_of`, counted in `mode`, net of withdrawals."""
    rows = treaty_status_rows(treaty=treaty, as_of=as_of)
    source = Treaty.objects.filter(code=treaty).values_list("status_source", flat=True).first()
    return PartiesResult(
        treaty=treaty,
        as_of=as_of,
        mode=mode,
        parties=tuple(row for row, _ in rows if is_counted(row.status, mode)),
        source=source or "",
    )


def country_treaty_timeline(*, iso3: str, treaty: str) -> Timeline:
    return timeline(treaty_rules(treaty), _events_by_country(treaty, iso3).get(iso3, []))


@dataclass(frozen=True)
class EventView:
    kind: EventKind
    date: date
    source: str
    source_url: str

    @property
    def label(self) -> str:
        return self.kind.label


@dataclass(frozen=True)
class TreatyStatusView:
    """One country's position under one treaty, with every event and its source."""

    treaty: Treaty
    status: Status
    timeline: Timeline
    events: tuple[EventView, ...]
    obligations: tuple[ob_rules.Obligation, ...]

    @property
    def is_bound(self) -> bool:
        return self.status in {Status.STATE_PARTY, Status.WITHDRAWAL_PENDING}

    def to_dict(self) -> dict:
        tl = self.timeline
        return {
            "treaty": self.treaty.code,
            "status": self.status.value,
            "signature_date": _iso(tl.signature),
            "deposit_date": _iso(tl.deposit),
            "instrument": tl.deposit_kind.value if tl.deposit_kind else None,
            "entry_into_force": _iso(tl.eif.date if tl.eif else None),
            "entry_into_force_basis": tl.eif.basis if tl.eif else None,
            "withdrawal_notified": _iso(tl.withdrawal_notified),
            "withdrawal_effective": _iso(tl.withdrawal_effective),
            "source": self.treaty.status_source,
        }


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def obligation_to_dict(o: ob_rules.Obligation) -> dict:
    """The JSON contract of `monitor obligations --format json`."""
    return {
        "treaty": o.treaty,
        "kind": o.kind.value,
        "due": o.due.isoformat(),
        "status": o.status.value,
        "basis": o.basis,
        "original_due": o.original_due.isoformat(),
        "met_on": _iso(o.met_on),
    }


def _obligation_inputs_by_country(**scope) -> tuple[dict, dict]:
    """Extensions and facts for the obligations engine, keyed country -> treaty -> kind.

    Two queries whatever the number of countries. Several sources may record different
    current deadlines for one obligation (an older report, then a newer one): all are kept
    and the rules take the latest deadline.
    """
    extensions: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for e in ObligationExtension.objects.filter(**scope).order_by("new_deadline", "id"):
        extensions[e.country_id][e.treaty_id][ob_rules.Kind(e.kind)].append(
            ob_rules.Extension(
                new_deadline=e.new_deadline,
                decided_on=e.decided_on,
                decided_by=e.decided_by,
                granted=e.status == ObligationExtension.Status.GRANTED,
                source=e.source,
                cumulative=e.cumulative,
                count=e.extension_count,
            )
        )
    raw: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(dict)))
    for f in ObligationFact.objects.filter(**scope):
        slot = raw[f.country_id][f.treaty_id][ob_rules.Kind(f.kind)]
        slot.setdefault("source", f.source)
        if f.fact == ObligationFact.Fact.COMPLETED:
            slot["completed_on"] = f.date
        elif f.fact == ObligationFact.Fact.NOT_APPLICABLE:
            slot["not_applicable"] = True
        elif f.fact == ObligationFact.Fact.APPLIES:
            slot["applies"] = True
        elif f.fact == ObligationFact.Fact.DUE_DATE_OVERRIDE:
            slot["due_override"] = f.date
    facts = {
        iso3: {
            t: {k: ob_rules.Facts(**v) for k, v in kinds.items()} for t, kinds in treaties.items()
        }
        for iso3, treaties in raw.items()
    }
    return extensions, facts


def _obligation_inputs(iso3: str, treaties: Sequence[str]) -> tuple[dict, dict]:
    extensions, facts = _obligation_inputs_by_country(country_id=iso3, treaty_id__in=treaties)
    return extensions.get(iso3, {}), facts.get(iso3, {})


def country_treaty_statuses(
    *, iso3: str, as_of: date, treaties: Sequence[str] | None = None
) -> list[TreatyStatusView]:
    """Status and obligations of one country under each treaty, as of `as_of`."""
    codes = list(treaties or TREATIES)
    treaty_objs = {t.code: t for t in Treaty.objects.filter(code__in=codes)}
    events = defaultdict(list)
    for e in TreatyEvent.objects.filter(country_id=iso3, treaty_id__in=codes).order_by(
        "date", "id"
    ):
        events[e.treaty_id].append(EventView(EventKind(e.kind), e.date, e.source, e.source_url))
    extensions, facts = _obligation_inputs(iso3, codes)
    views = []
    for code in codes:
        if code not in treaty_objs:
            continue
        rules = TREATIES[code]
        evs = events.get(code, [])
        status, tl = status_on(rules, [Event(e.kind, e.date) for e in evs], as_of)
        obligations = ob_rules.obligations_for(
            rules, status, tl, as_of, extensions=extensions.get(code), facts=facts.get(code)
        )
        views.append(
            TreatyStatusView(treaty_objs[code], status, tl, tuple(evs), tuple(obligations))
        )
    return views


def obligations_for_country(
    *, iso3: str, as_of: date, treaty: str | None = None
) -> list[ob_rules.Obligation]:
    views = country_treaty_statuses(iso3=iso3, as_of=as_of, treaties=[treaty] if treaty else None)
    obligations = [o for v in views for o in v.obligations]
    return sorted(obligations, key=lambda o: (o.due, o.treaty, o.kind.value))


@dataclass(frozen=True)
class CountrySummary:
    country: Country
    as_of: date
    treaties: tuple[TreatyStatusView, ...]

    def to_dict(self) -> dict:
        c = self.country
        return {
            "iso3": c.iso3,
            "iso2": c.iso2,
            "name": c.name,
            "kind": c.kind,
            "region": c.region,
            "subregion": c.subregion,
            "as_of": self.as_of.isoformat(),
            "treaties": [
                {**v.to_dict(), "obligations": [obligation_to_dict(o) for o in v.obligations]}
                for v in self.treaties
            ],
        }


def country_summary(*, iso3: str, as_of: date) -> CountrySummary:
    """Everything the country page and `monitor country` show. Raises Country.DoesNotExist."""
    country = Country.objects.get(iso3=iso3.upper())
    return CountrySummary(
        country=country,
        as_of=as_of,
        treaties=tuple(country_treaty_statuses(iso3=country.iso3, as_of=as_of)),
    )


def treaty_overview(*, as_of: date) -> list[dict]:
    """Counts per treaty in both modes, with the source of the depositary record."""
    result = []
    for treaty in Treaty.objects.all():
        rows = treaty_status_rows(treaty=treaty.code, as_of=as_of)
        result.append(
            {
                "treaty": treaty,
                "deposit": sum(1 for r, _ in rows if is_counted(r.status, CountMode.DEPOSIT)),
                "in_force": sum(1 for r, _ in rows if is_counted(r.status, CountMode.IN_FORCE)),
                "signatories": sum(1 for r, _ in rows if r.status is Status.SIGNATORY),
                "withdrawn": sum(1 for r, _ in rows if r.status is Status.WITHDRAWN),
            }
        )
    return result


# --- Treaty pages and the deadlines tracker -------------------------------------------------


def _membership_series(rules, by_country: dict[str, list[Event]], until: date) -> list[dict]:
    """Counts in both modes at the end of each year from adoption to `until` (pure)."""
    series = []
    for year in range(rules.adopted_on.year, until.year + 1):
        day = min(date(year, 12, 31), until)
        deposit = in_force = 0
        for events in by_country.values():
            status, _ = status_on(rules, events, day)
            deposit += is_counted(status, CountMode.DEPOSIT)
            in_force += is_counted(status, CountMode.IN_FORCE)
        series.append({"year": year, "date": day, "deposit": deposit, "in_force": in_force})
    return series


def membership_by_year(*, treaty: str, until: date | None = None) -> list[dict]:
    """States Parties at the end of each year, in the Monitor's and the legal convention.

    One dict per year from the treaty's adoption to `until` (default: the date of the
    depositary record, else today): `year`, `date` (31 December, or `until` in its last
    year), `deposit` and `in_force`. One query for the events (plus one for the default
    date); the statuses come from the same rules as `parties_as_of`.
    """
    rules = treaty_rules(treaty)
    if until is None:
        until = (
            Treaty.objects.filter(code=treaty).values_list("status_as_at", flat=True).first()
            or date.today()
        )
    return _membership_series(rules, _events_by_country(treaty), until)


@dataclass(frozen=True)
class TreatyMember:
    iso3: str
    name: str
    status: Status
    timeline: Timeline


@dataclass(frozen=True)
class TreatyPage:
    treaty: Treaty
    rules: object
    as_of: date
    status_date: date
    parties: tuple[TreatyMember, ...]
    signatories: tuple[TreatyMember, ...]
    not_party: tuple[TreatyMember, ...]
    withdrawals: tuple[TreatyMember, ...]
    membership: tuple[dict, ...]

    @property
    def deposit_count(self) -> int:
        return sum(1 for m in self.parties if is_counted(m.status, CountMode.DEPOSIT))

    @property
    def in_force_count(self) -> int:
        return sum(1 for m in self.parties if is_counted(m.status, CountMode.IN_FORCE))

    @property
    def pending_count(self) -> int:
        return sum(1 for m in self.parties if m.status is Status.JOINED_PENDING_EIF)


def treaty_page(*, treaty: str, as_of: date) -> TreatyPage:
    """Everything a treaty page shows, in three queries whatever the number of events.

    Raises Treaty.DoesNotExist for a treaty that is not loaded (ValueError if unknown).
    """
    rules = treaty_rules(treaty)
    treaty_obj = Treaty.objects.get(code=treaty)
    by_country = _events_by_country(treaty)
    countries = list(Country.objects.order_by("name").values_list("iso3", "name"))
    parties, signatories, not_party, withdrawals = [], [], [], []
    for iso3, name in countries:
        status, tl = status_on(rules, by_country.get(iso3, []), as_of)
        member = TreatyMember(iso3, name, status, tl)
        if is_counted(status, CountMode.DEPOSIT):
            parties.append(member)
        elif status is Status.SIGNATORY:
            signatories.append(member)
        else:
            not_party.append(member)
        if tl.withdrawal_notified is not None:
            withdrawals.append(member)
    status_date = treaty_obj.status_as_at or as_of
    return TreatyPage(
        treaty=treaty_obj,
        rules=rules,
        as_of=as_of,
        status_date=status_date,
        parties=tuple(parties),
        signatories=tuple(signatories),
        not_party=tuple(not_party),
        withdrawals=tuple(withdrawals),
        membership=tuple(_membership_series(rules, by_country, status_date)),
    )


#: Obligation statuses the deadlines tracker lists.
OPEN_STATUSES = (
    ob_rules.ObligationStatus.OVERDUE,
    ob_rules.ObligationStatus.PENDING,
    ob_rules.ObligationStatus.UNKNOWN,
)


@dataclass(frozen=True)
class DeadlineRow:
    iso3: str
    name: str
    region: str
    treaty: Treaty
    obligation: ob_rules.Obligation


def deadline_regions() -> list[str]:
    """The UN M49 regions countries are filed under, alphabetically (one query)."""
    return sorted(r for r in Country.objects.values_list("region", flat=True).distinct() if r)


def obligations_all(
    *,
    as_of: date,
    treaty: str | None = None,
    kind: str | None = None,
    region: str | None = None,
) -> list[DeadlineRow]:
    """Open obligations (overdue, pending, unknown) of every country, as of `as_of`.

    Overdue first, then pending, then unknown, each by due date. Five queries whatever the
    number of countries: treaties, countries, events, extensions and facts; the rules are
    those of `obligations_for_country`.
    """
    codes = [c for c, r in TREATIES.items() if r.has_obligations and (treaty in (None, c))]
    wanted_kind = ob_rules.Kind(kind) if kind else None
    treaty_objs = {t.code: t for t in Treaty.objects.filter(code__in=codes)}
    countries = Country.objects.order_by("name")
    if region:
        countries = countries.filter(region=region)
    country_rows = {
        iso3: (name, reg) for iso3, name, reg in countries.values_list("iso3", "name", "region")
    }
    scope = {"treaty_id__in": codes}
    if region:
        scope["country__region"] = region
    events: dict = defaultdict(lambda: defaultdict(list))
    for tid, cid, k, day in (
        TreatyEvent.objects.filter(**scope)
        .order_by("date", "id")
        .values_list("treaty_id", "country_id", "kind", "date")
    ):
        events[cid][tid].append(Event(EventKind(k), day))
    extensions, facts_by_country = _obligation_inputs_by_country(**scope)
    rows = []
    for iso3, by_treaty in events.items():
        if iso3 not in country_rows:
            continue
        name, reg = country_rows[iso3]
        for code, evs in by_treaty.items():
            if code not in treaty_objs:
                continue
            rules = TREATIES[code]
            status, tl = status_on(rules, evs, as_of)
            facts = facts_by_country.get(iso3, {}).get(code)
            for o in ob_rules.obligations_for(
                rules,
                status,
                tl,
                as_of,
                extensions=extensions.get(iso3, {}).get(code),
                facts=facts,
            ):
                if o.status not in OPEN_STATUSES:
                    continue
                if wanted_kind is not None and o.kind is not wanted_kind:
                    continue
                rows.append(DeadlineRow(iso3, name, reg, treaty_objs[code], o))
    order = {s: i for i, s in enumerate(OPEN_STATUSES)}
    rows.sort(
        key=lambda r: (order[r.obligation.status], r.obligation.due, r.name, r.treaty.position)
    )
    return rows
