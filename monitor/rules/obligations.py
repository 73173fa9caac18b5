"""Time-bound treaty obligations and their due dates (DOMAIN.md section 3).

All deadlines run from the treaty's entry into force for the State. Extensions are data:
each granted extension replaces the deadline, and its length is validated against the cap
the treaty sets. Status is derived from what is recorded, never assumed: a deadline that has
passed with no completion on record is "unknown", not "overdue", unless the obligation is
known to apply.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from monitor.rules.dates import add_years, next_april_30
from monitor.rules.treaties import Status, Timeline, TreatyRules


class Kind(enum.StrEnum):
    INITIAL_REPORT = "initial_report"
    ANNUAL_REPORT = "annual_report"
    STOCKPILE_DESTRUCTION = "stockpile_destruction"
    CLEARANCE = "clearance"

    @property
    def label(self) -> str:
        return {
            Kind.INITIAL_REPORT: "Initial transparency report",
            Kind.ANNUAL_REPORT: "Annual transparency report",
            Kind.STOCKPILE_DESTRUCTION: "Stockpile destruction",
            Kind.CLEARANCE: "Clearance",
        }[self]


class ObligationStatus(enum.StrEnum):
    PENDING = "pending"  # due date still ahead, not met
    MET = "met"  # completion recorded, with its date
    OVERDUE = "overdue"  # due date passed, known to apply, no completion recorded
    NOT_APPLICABLE = "n/a"  # recorded as not applying, or the State has withdrawn
    UNKNOWN = "unknown"  # due date passed; nothing recorded about applicability or completion


@dataclass(frozen=True)
class Deadline:
    """How a treaty sets one time-bound obligation."""

    kind: Kind
    article: str
    years_after_eif: int
    max_extension_years: int | None  # None: no extension possible
    description: str


DEADLINES: dict[str, tuple[Deadline, ...]] = {
    "mbt": (
        Deadline(
            Kind.STOCKPILE_DESTRUCTION,
            "Art. 4",
            4,
            None,
            "destroy all stockpiled antipersonnel mines within 4 years of entry into force; "
            "no extension possible",
        ),
        Deadline(
            Kind.CLEARANCE,
            "Art. 5(1)",
            10,
            10,
            "destroy all antipersonnel mines in mined areas within 10 years of entry into "
            "force; extensions of up to 10 years each (Art. 5(3))",
        ),
    ),
    "ccm": (
        Deadline(
            Kind.STOCKPILE_DESTRUCTION,
            "Art. 3(2)",
            8,
            4,
            "destroy all stockpiled cluster munitions within 8 years of entry into force; "
            "extensions of up to 4 years each (Art. 3(3)-(4))",
        ),
        Deadline(
            Kind.CLEARANCE,
            "Art. 4(1)",
            10,
            5,
            "clear cluster munition remnants within 10 years of entry into force; "
            "extensions of up to 5 years each (Art. 4(5))",
        ),
    ),
}

INITIAL_REPORT_DAYS = 180


class ExtensionError(ValueError):
    """An extension that the treaty does not allow."""


@dataclass(frozen=True)
class Extension:
    """A granted (or requested) deadline.

    `cumulative`: the deadline as a source records it after one or more extensions whose
    intermediate dates are not on record, so the per-extension cap cannot be checked step by
    step; `count` is how many extensions led to it, if the source says.
    """

    new_deadline: date
    decided_on: date | None = None
    decided_by: str = ""
    granted: bool = True
    source: str = ""
    cumulative: bool = False
    count: int | None = None


@dataclass(frozen=True)
class Facts:
    """What is on record for one obligation of one State."""

    completed_on: date | None = None
    not_applicable: bool = False
    applies: bool = False
    due_override: date | None = None
    source: str = ""


@dataclass(frozen=True)
class Obligation:
    treaty: str
    kind: Kind
    due: date
    status: ObligationStatus
    basis: str
    original_due: date
    met_on: date | None = None
    extensions: tuple[Extension, ...] = field(default=())
    requested_to: date | None = None


def deadline_for(treaty: str, kind: Kind) -> Deadline:
    for d in DEADLINES.get(treaty, ()):
        if d.kind is kind:
            return d
    raise ValueError(f"{treaty} sets no {kind.value} deadline")


def validate_extension(
    treaty: str, kind: Kind, previous_deadline: date, new_deadline: date
) -> None:
    """Raise ExtensionError unless the treaty allows moving `previous_deadline` to `new_deadline`.

    MBT Art. 5: up to 10 years per request; CCM Art. 3: up to 4 years; CCM Art. 4: up to 5
    years; MBT Art. 4 allows none. Extensions need not be whole years (DOMAIN 3.2).
    """
    rule = deadline_for(treaty, kind)
    if rule.max_extension_years is None:
        raise ExtensionError(f"{treaty} {rule.article} allows no extension")
    if new_deadline <= previous_deadline:
        raise ExtensionError(
            f"extension to {new_deadline.isoformat()} is not after the current deadline "
            f"{previous_deadline.isoformat()}"
        )
    cap = add_years(previous_deadline, rule.max_extension_years)
    if new_deadline > cap:
        raise ExtensionError(
            f"extension to {new_deadline.isoformat()} exceeds the {rule.max_extension_years}-year "
            f"cap of {treaty} {rule.article} (latest allowed {cap.isoformat()})"
        )


def validate_cumulative_extension(
    treaty: str,
    kind: Kind,
    original_deadline: date,
    previous_deadline: date,
    new_deadline: date,
    count: int | None,
) -> None:
    """Raise ExtensionError unless a cumulative deadline is possible.

    A cumulative deadline replaces the original one after `count` extensions whose dates are
    not recorded. It must still be later than the deadline it replaces; with `count` known it
    may be at most count × the per-extension cap after the original deadline; with `count`
    unknown the cap cannot be checked and is skipped.
    """
    rule = deadline_for(treaty, kind)
    if rule.max_extension_years is None:
        raise ExtensionError(f"{treaty} {rule.article} allows no extension")
    if new_deadline <= previous_deadline:
        raise ExtensionError(
            f"extension to {new_deadline.isoformat()} is not after the current deadline "
            f"{previous_deadline.isoformat()}"
        )
    if count is None:
        return
    if count < 1:
        raise ExtensionError(
            f"a deadline extended to {new_deadline.isoformat()} needs at least one extension, "
            f"not {count}"
        )
    years = rule.max_extension_years * count
    cap = add_years(original_deadline, years)
    if new_deadline > cap:
        raise ExtensionError(
            f"extension to {new_deadline.isoformat()} exceeds {count} × the "
            f"{rule.max_extension_years}-year cap of {treaty} {rule.article} after the original "
            f"deadline {original_deadline.isoformat()} (latest allowed {cap.isoformat()})"
        )


def apply_extensions(
    treaty: str, kind: Kind, original_due: date, extensions: Sequence[Extension]
) -> tuple[date, tuple[Extension, ...], date | None]:
    """The deadline after every granted extension, validated in order; plus the latest request.

    Granted extensions apply in order of their new deadline, so where sources record
    different current deadlines the latest one wins. A cumulative extension is checked by
    `validate_cumulative_extension`, any other by `validate_extension`.
    """
    due = original_due
    granted = sorted((e for e in extensions if e.granted), key=lambda e: e.new_deadline)
    for ext in granted:
        if ext.cumulative:
            validate_cumulative_extension(
                treaty, kind, original_due, due, ext.new_deadline, ext.count
            )
        else:
            validate_extension(treaty, kind, due, ext.new_deadline)
        due = ext.new_deadline
    requests = [e.new_deadline for e in extensions if not e.granted and e.new_deadline > due]
    return due, tuple(granted), max(requests) if requests else None


def _status(due: date, today: date, facts: Facts, known_to_apply: bool) -> ObligationStatus:
    if facts.not_applicable:
        return ObligationStatus.NOT_APPLICABLE
    if facts.completed_on is not None:
        return ObligationStatus.MET
    if due >= today:
        return ObligationStatus.PENDING
    if known_to_apply or facts.applies:
        return ObligationStatus.OVERDUE
    return ObligationStatus.UNKNOWN


def obligations_for(
    rules: TreatyRules,
    status: Status,
    tl: Timeline,
    today: date,
    *,
    extensions: dict[Kind, Sequence[Extension]] | None = None,
    facts: dict[Kind, Facts] | None = None,
) -> list[Obligation]:
    """Every obligation of one State under one treaty, as it stands on `today`.

    Only States that have deposited an instrument have obligations. Reports are always
    known to apply; stockpile destruction and clearance apply only where the State held
    stockpiles or has contaminated areas, which must be on record for "overdue".
    """
    if not rules.has_obligations or tl.deposit is None or tl.eif is None:
        return []
    extensions = extensions or {}
    facts = facts or {}
    eif = tl.eif.date
    withdrawn = status is Status.WITHDRAWN
    result: list[Obligation] = []

    f = facts.get(Kind.INITIAL_REPORT, Facts())
    original = eif + timedelta(days=INITIAL_REPORT_DAYS)
    due = f.due_override or original
    basis = f"Art. 7(1): initial report within {INITIAL_REPORT_DAYS} days of entry into force ({eif.isoformat()})"
    if f.due_override:
        basis += f"; due date as recorded by {f.source or 'the depositary'}"
    result.append(
        # Reports always apply, but "overdue" needs a record that none was submitted.
        _obligation(
            rules.code, Kind.INITIAL_REPORT, due, original, today, f, False, basis, withdrawn, tl
        )
    )

    for rule in DEADLINES.get(rules.code, ()):
        f = facts.get(rule.kind, Facts())
        original = add_years(eif, rule.years_after_eif)
        exts = extensions.get(rule.kind, ())
        due, granted, requested = apply_extensions(rules.code, rule.kind, original, exts)
        basis = f"{rule.article}: {rule.description}"
        if granted:
            last = granted[-1]
            by = f" by {last.decided_by}" if last.decided_by else ""
            basis += f"; extended{by} to {due.isoformat()}"
            if last.cumulative:
                basis += (
                    f"; deadline as recorded by {last.source or 'its source'} "
                    f"({_times_extended(last.count)})"
                )
        if requested:
            basis += f"; extension requested to {requested.isoformat()}"
        ob = _obligation(
            rules.code, rule.kind, due, original, today, f, bool(granted), basis, withdrawn, tl
        )
        result.append(
            Obligation(**{**ob.__dict__, "extensions": granted, "requested_to": requested})
        )

    if not withdrawn:
        due = next_april_30(max(today, eif))
        result.append(
            Obligation(
                treaty=rules.code,
                kind=Kind.ANNUAL_REPORT,
                due=due,
                status=ObligationStatus.PENDING,
                basis=(
                    "Art. 7(2): annual update covering the previous calendar year, due 30 April"
                ),
                original_due=due,
            )
        )
    return result


def _times_extended(count: int | None) -> str:
    if count is None:
        return "extensions not itemised"
    return "extended once" if count == 1 else f"extended {count} times"


def late_by_days(due: date, done: date, *, grace_days: int = 0) -> int:
    """Days late (0 if on time), allowing `grace_days` for historical third-party statements.

    DOMAIN 3.3: early MBT practice counted EIF + 179 days, so comparisons against old
    statements may allow one day of grace.
    """
    return max(0, (done - due).days - grace_days)


def _obligation(
    treaty: str,
    kind: Kind,
    due: date,
    original: date,
    today: date,
    facts: Facts,
    known_to_apply: bool,
    basis: str,
    withdrawn: bool,
    tl: Timeline,
) -> Obligation:
    if withdrawn and facts.completed_on is None:
        status = ObligationStatus.NOT_APPLICABLE
        assert tl.withdrawal_effective is not None
        basis += f"; no longer bound: withdrawal effective {tl.withdrawal_effective.isoformat()}"
    else:
        status = _status(due, today, facts, known_to_apply)
        if status is ObligationStatus.UNKNOWN:
            basis += "; no record of completion (or of whether it applies)"
    return Obligation(
        treaty=treaty,
        kind=kind,
        due=due,
        status=status,
        basis=basis,
        original_due=original,
        met_on=facts.completed_on,
    )
