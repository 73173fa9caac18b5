"""Treaty membership rules: entry into force, status at a date, and counts.

Pure functions over plain dataclasses; no Django. The rules follow DOMAIN.md sections 1, 2
and 4 (Art. 17 entry into force, Art. 20 withdrawal) for the Mine Ban Treaty and the
Convention on Cluster Munitions, and CCW Art. 5(3)-(4) for the CCW protocols.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from monitor.rules.dates import add_months, first_of_month_after


class EventKind(enum.StrEnum):
    SIGNATURE = "signature"
    RATIFICATION = "ratification"
    ACCEPTANCE = "acceptance"
    APPROVAL = "approval"
    ACCESSION = "accession"
    SUCCESSION = "succession"
    CONSENT = "consent_to_be_bound"
    PROVISIONAL_APPLICATION = "provisional_application"
    WITHDRAWAL_NOTIFIED = "withdrawal_notified"
    WITHDRAWAL_EFFECTIVE = "withdrawal_effective"
    ENTRY_INTO_FORCE = "entry_into_force"

    @property
    def label(self) -> str:
        return _EVENT_LABELS[self]


_EVENT_LABELS = {
    EventKind.SIGNATURE: "Signature",
    EventKind.RATIFICATION: "Ratification",
    EventKind.ACCEPTANCE: "Acceptance",
    EventKind.APPROVAL: "Approval",
    EventKind.ACCESSION: "Accession",
    EventKind.SUCCESSION: "Succession",
    EventKind.CONSENT: "Consent to be bound",
    EventKind.PROVISIONAL_APPLICATION: "Provisional application",
    EventKind.WITHDRAWAL_NOTIFIED: "Withdrawal notified",
    EventKind.WITHDRAWAL_EFFECTIVE: "Withdrawal effective",
    EventKind.ENTRY_INTO_FORCE: "Entry into force (depositary record)",
}

#: Instruments by which a State becomes bound; all have the same legal effect (DOMAIN 4.2).
DEPOSIT_KINDS = frozenset(
    {
        EventKind.RATIFICATION,
        EventKind.ACCEPTANCE,
        EventKind.APPROVAL,
        EventKind.ACCESSION,
        EventKind.SUCCESSION,
        EventKind.CONSENT,
    }
)


class Status(enum.StrEnum):
    NON_SIGNATORY = "non_signatory"
    SIGNATORY = "signatory"
    JOINED_PENDING_EIF = "joined_pending_eif"
    STATE_PARTY = "state_party"
    WITHDRAWAL_PENDING = "withdrawal_pending"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    Status.NON_SIGNATORY: "Not party (non-signatory)",
    Status.SIGNATORY: "Signatory (not party)",
    Status.JOINED_PENDING_EIF: "Joined, entry into force pending",
    Status.STATE_PARTY: "State Party",
    Status.WITHDRAWAL_PENDING: "State Party, withdrawal pending",
    Status.WITHDRAWN: "Withdrawn",
}


class CountMode(enum.StrEnum):
    #: Monitor convention: a State counts from the deposit of its instrument (DOMAIN 2.5).
    DEPOSIT = "deposit"
    #: Legal convention: a State counts from the treaty's entry into force for it.
    IN_FORCE = "in-force"


COUNTED = {
    CountMode.DEPOSIT: frozenset(
        {Status.JOINED_PENDING_EIF, Status.STATE_PARTY, Status.WITHDRAWAL_PENDING}
    ),
    CountMode.IN_FORCE: frozenset({Status.STATE_PARTY, Status.WITHDRAWAL_PENDING}),
}


class EifRule(enum.StrEnum):
    #: MBT/CCM Art. 17: day 1 of the sixth month after the month of deposit.
    ART17 = "art17"
    #: CCW Art. 5(3)-(4): six months after the date of notification of consent.
    CCW = "ccw"


@dataclass(frozen=True)
class TreatyRules:
    code: str
    short_name: str
    name: str
    untc_reference: str
    adopted_on: date
    trigger_number: int
    trigger_date: date
    general_eif: date
    eif_rule: EifRule
    eif_article: str
    withdrawal_article: str
    has_obligations: bool


MBT = TreatyRules(
    code="mbt",
    short_name="Mine Ban Treaty",
    name=(
        "Convention on the Prohibition of the Use, Stockpiling, Production and Transfer of "
        "Anti-Personnel Mines and on their Destruction"
    ),
    untc_reference="XXVI-5",
    adopted_on=date(1997, 9, 18),
    trigger_number=40,
    trigger_date=date(1998, 9, 16),
    general_eif=date(1999, 3, 1),
    eif_rule=EifRule.ART17,
    eif_article="Art. 17",
    withdrawal_article="Art. 20",
    has_obligations=True,
)
CCM = TreatyRules(
    code="ccm",
    short_name="Convention on Cluster Munitions",
    name="Convention on Cluster Munitions",
    untc_reference="XXVI-6",
    adopted_on=date(2008, 5, 30),
    trigger_number=30,
    trigger_date=date(2010, 2, 16),
    general_eif=date(2010, 8, 1),
    eif_rule=EifRule.ART17,
    eif_article="Art. 17",
    withdrawal_article="Art. 20",
    has_obligations=True,
)
CCW_II = TreatyRules(
    code="ccw-ii",
    short_name="CCW Amended Protocol II",
    name=(
        "Protocol on Prohibitions or Restrictions on the Use of Mines, Booby-Traps and Other "
        "Devices as amended on 3 May 1996 (CCW Amended Protocol II)"
    ),
    untc_reference="XXVI-2-b",
    adopted_on=date(1996, 5, 3),
    trigger_number=20,
    # UNTC: entry into force 3 December 1998; CCW Art. 5(3): six months after the 20th consent.
    trigger_date=date(1998, 6, 3),
    general_eif=date(1998, 12, 3),
    eif_rule=EifRule.CCW,
    eif_article="CCW Art. 5(3)-(4)",
    withdrawal_article="CCW Art. 9",
    has_obligations=False,
)
CCW_V = TreatyRules(
    code="ccw-v",
    short_name="CCW Protocol V",
    name="Protocol on Explosive Remnants of War (CCW Protocol V)",
    untc_reference="XXVI-2-d",
    adopted_on=date(2003, 11, 28),
    trigger_number=20,
    # UNTC: entry into force 12 November 2006; CCW Art. 5(3): six months after the 20th consent.
    trigger_date=date(2006, 5, 12),
    general_eif=date(2006, 11, 12),
    eif_rule=EifRule.CCW,
    eif_article="CCW Art. 5(3)-(4)",
    withdrawal_article="CCW Art. 9",
    has_obligations=False,
)

TREATIES: dict[str, TreatyRules] = {t.code: t for t in (MBT, CCM, CCW_II, CCW_V)}


def treaty_rules(code: str) -> TreatyRules:
    try:
        return TREATIES[code]
    except KeyError:
        raise ValueError(
            f"unknown treaty {code!r}; expected one of: {', '.join(TREATIES)}"
        ) from None


@dataclass(frozen=True)
class Event:
    kind: EventKind
    date: date


@dataclass(frozen=True)
class Eif:
    date: date
    basis: str


def eif_for_deposit(rules: TreatyRules, deposit: date, kind: EventKind | None = None) -> Eif:
    """Entry into force for a State from its deposit date (DOMAIN 2.2)."""
    if deposit <= rules.trigger_date:
        return Eif(rules.general_eif, f"{rules.eif_article}(1): general entry into force")
    if rules.eif_rule is EifRule.ART17:
        computed = max(first_of_month_after(deposit, 6), rules.general_eif)
        basis = f"{rules.eif_article}(2): first day of the sixth month after the month of deposit"
    else:
        computed = max(add_months(deposit, 6)[0], rules.general_eif)
        basis = f"{rules.eif_article}: six months after the notification of consent"
    if kind is EventKind.SUCCESSION:
        basis += " (succession: computed, no depositary-recorded date held)"
    return Eif(computed, basis)


def withdrawal_effective_date(notified: date) -> tuple[date, bool]:
    """Art. 20(3): six months after receipt, same day of month; clamped dates are flagged."""
    return add_months(notified, 6)


@dataclass(frozen=True)
class Timeline:
    """One State's membership history under one treaty, reduced from its events."""

    signature: date | None = None
    provisional_application: date | None = None
    deposit: date | None = None
    deposit_kind: EventKind | None = None
    eif: Eif | None = None
    withdrawal_notified: date | None = None
    withdrawal_effective: date | None = None
    withdrawal_effective_computed: bool = False


def timeline(rules: TreatyRules, events: Iterable[Event], as_of: date | None = None) -> Timeline:
    """Reduce events (optionally only those on or before `as_of`) to a timeline.

    Only the latest membership cycle counts: a deposit after a withdrawal starts a new one.
    Dates that lie in the future of `as_of` but follow from known events (entry into force,
    effective withdrawal) are still computed so callers can say "pending until ...".
    """
    ordered = sorted(events, key=lambda e: (e.date, e.kind))
    known = [e for e in ordered if as_of is None or e.date <= as_of]
    signature = next((e.date for e in known if e.kind is EventKind.SIGNATURE), None)
    provisional = next((e.date for e in known if e.kind is EventKind.PROVISIONAL_APPLICATION), None)
    deposits = [e for e in known if e.kind in DEPOSIT_KINDS]
    if not deposits:
        return Timeline(signature=signature, provisional_application=provisional)
    last = deposits[-1]
    recorded_eif = [
        e for e in ordered if e.kind is EventKind.ENTRY_INTO_FORCE and e.date >= last.date
    ]
    if recorded_eif:
        eif = Eif(recorded_eif[0].date, "entry into force recorded by the depositary")
    else:
        eif = eif_for_deposit(rules, last.date, last.kind)
    notified = next(
        (e.date for e in known if e.kind is EventKind.WITHDRAWAL_NOTIFIED and e.date >= last.date),
        None,
    )
    effective = None
    computed = False
    if notified is not None:
        recorded = [
            e.date
            for e in ordered
            if e.kind is EventKind.WITHDRAWAL_EFFECTIVE and e.date >= notified
        ]
        if recorded:
            effective = recorded[0]
        else:
            effective, _ = withdrawal_effective_date(notified)
            computed = True
    return Timeline(
        signature=signature,
        provisional_application=provisional,
        deposit=last.date,
        deposit_kind=last.kind,
        eif=eif,
        withdrawal_notified=notified,
        withdrawal_effective=effective,
        withdrawal_effective_computed=computed,
    )


def status_on(rules: TreatyRules, events: Iterable[Event], as_of: date) -> tuple[Status, Timeline]:
    """Status of one State under one treaty on `as_of` (DOMAIN 4.1), with its timeline."""
    t = timeline(rules, events, as_of)
    if t.deposit is None:
        status = Status.SIGNATORY if t.signature else Status.NON_SIGNATORY
    elif t.withdrawal_notified is not None:
        assert t.withdrawal_effective is not None
        status = Status.WITHDRAWN if t.withdrawal_effective <= as_of else Status.WITHDRAWAL_PENDING
    else:
        assert t.eif is not None
        status = Status.STATE_PARTY if t.eif.date <= as_of else Status.JOINED_PENDING_EIF
    return status, t


def is_counted(status: Status, mode: CountMode) -> bool:
    return status in COUNTED[mode]


def count_parties(
    rules: TreatyRules, events_by_country: dict[str, Sequence[Event]], as_of: date, mode: CountMode
) -> int:
    """Number of States Parties on `as_of` in the given mode, net of effective withdrawals."""
    return sum(
        1
        for events in events_by_country.values()
        if is_counted(status_on(rules, events, as_of)[0], mode)
    )
