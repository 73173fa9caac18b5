"""UNTC status-page parser against the real pages of 2026-02-03 (skipped on a bare clone)."""

from __future__ import annotations

from datetime import date

import pytest

from monitor.rules.treaties import DEPOSIT_KINDS, EventKind
from monitor.treaties.importers.untc import UntcPage, parse_untc_file
from tests.shared import untc_page

pytestmark = pytest.mark.shared
K = EventKind

_PAGES: dict[str, UntcPage] = {}


def page(code: str) -> UntcPage:
    path = untc_page(code)
    if code not in _PAGES:
        _PAGES[code] = parse_untc_file(path)
    return _PAGES[code]


def events(code: str, name: str, *kinds: EventKind) -> list[tuple[EventKind, date, bool]]:
    """The participant's events of these kinds (all events if none given), in page order."""
    found = page(code).participant(name)
    chosen = found.events_of(*kinds) if kinds else found.events
    return [(e.kind, e.date, e.bracketed) for e in chosen]


def deposits(code: str, name: str) -> list[tuple[EventKind, date, bool]]:
    return events(code, name, *DEPOSIT_KINDS)


def is_party(events_: tuple) -> bool:
    return any(e.kind in DEPOSIT_KINDS and not e.bracketed for e in events_)


# (code, reference, signatories, parties, participant rows, entry into force)
HEADERS = [
    ("mbt", "XXVI-5", 132, 162, 166, date(1999, 3, 1)),
    ("ccm", "XXVI-6", 107, 112, 125, date(2010, 8, 1)),
    ("ccw-ii", "XXVI-2-b", None, 107, 107, date(1998, 12, 3)),
    ("ccw-v", "XXVI-2-d", None, 99, 99, date(2006, 11, 12)),
]


@pytest.mark.parametrize("code,reference,signatories,parties,rows,eif", HEADERS)
def test_header_and_counts(code, reference, signatories, parties, rows, eif) -> None:
    p = page(code)
    assert p.status_as_at == date(2026, 2, 3)
    assert p.reference == reference
    assert p.entry_into_force == eif
    assert p.header_signatories == signatories
    assert p.header_parties == parties
    assert len(p.participants) == rows
    assert [x.row for x in p.participants] == list(range(1, rows + 1))
    # every party shown without brackets is counted by the header, and vice versa
    assert sum(is_party(x.events) for x in p.participants) == parties
    if signatories is not None:
        signed = [
            x
            for x in p.participants
            if any(e.kind is K.SIGNATURE and not e.bracketed for e in x.events)
        ]
        assert len(signed) == signatories


def test_titles() -> None:
    assert page("mbt").title.startswith("Convention on the Prohibition of the Use, Stockpiling")
    assert page("ccm").title == "Convention on Cluster Munitions"
    assert page("ccw-ii").title.startswith("Protocol on Prohibitions or Restrictions on the Use of")
    assert page("ccw-v").title.startswith("Protocol on Explosive Remnants of War")


def test_mbt_withdrawn_are_the_four_bracketed() -> None:
    withdrawn = [x.name for x in page("mbt").participants if not is_party(x.events)]
    assert withdrawn == ["Estonia", "Finland", "Latvia", "Lithuania"]
    for x in page("mbt").participants:
        assert any(e.kind in DEPOSIT_KINDS for e in x.events), x.name  # no signatory-only rows


def test_mbt_deposit_kinds() -> None:
    assert deposits("mbt", "Afghanistan") == [(K.ACCESSION, date(2002, 9, 11), False)]
    assert deposits("mbt", "Japan") == [(K.ACCEPTANCE, date(1998, 9, 30), False)]
    assert deposits("mbt", "Slovakia") == [(K.APPROVAL, date(1999, 2, 25), False)]
    assert deposits("mbt", "Montenegro") == [(K.SUCCESSION, date(2006, 10, 23), False)]
    assert deposits("mbt", "South Sudan") == [(K.SUCCESSION, date(2011, 11, 11), False)]
    assert deposits("mbt", "Burkina Faso") == [(K.RATIFICATION, date(1998, 9, 16), False)]


@pytest.mark.parametrize(
    "name,footnote,notified,effective",
    [
        ("Estonia", 1, date(2025, 6, 27), date(2025, 12, 27)),
        ("Finland", 2, date(2025, 7, 10), date(2026, 1, 10)),
        ("Latvia", 3, date(2025, 6, 27), date(2025, 12, 27)),
        ("Lithuania", 4, date(2025, 6, 27), date(2025, 12, 27)),
        ("Poland", 8, date(2025, 8, 20), date(2026, 2, 20)),
    ],
)
def test_mbt_withdrawals(name, footnote, notified, effective) -> None:
    assert footnote in page("mbt").participant(name).footnotes
    assert events("mbt", name, K.WITHDRAWAL_NOTIFIED, K.WITHDRAWAL_EFFECTIVE) == [
        (K.WITHDRAWAL_NOTIFIED, notified, False),
        (K.WITHDRAWAL_EFFECTIVE, effective, False),
    ]


def test_mbt_only_withdrawal_notes_give_events() -> None:
    with_withdrawal = [
        x.name for x in page("mbt").participants if x.events_of(K.WITHDRAWAL_NOTIFIED)
    ]
    assert with_withdrawal == ["Estonia", "Finland", "Latvia", "Lithuania", "Poland"]
    assert page("mbt").participant("Ukraine").footnotes == (10, 11)
    assert sorted(page("mbt").end_notes) == list(range(1, 13))


def test_mbt_lithuania_and_poland() -> None:
    assert events("mbt", "Lithuania", K.SIGNATURE, *DEPOSIT_KINDS) == [
        (K.SIGNATURE, date(1999, 2, 26), True),
        (K.RATIFICATION, date(2003, 5, 12), True),
    ]
    # Poland's withdrawal takes effect after the status date, so it is still shown unbracketed
    assert is_party(page("mbt").participant("Poland").events)
    assert deposits("mbt", "Estonia") == [(K.ACCESSION, date(2004, 5, 12), True)]


def test_ccm_facts() -> None:
    assert events("ccm", "Belize", K.PROVISIONAL_APPLICATION, *DEPOSIT_KINDS) == [
        (K.PROVISIONAL_APPLICATION, date(2014, 9, 2), False),
        (K.ACCESSION, date(2014, 9, 2), False),
    ]
    assert events("ccm", "Lithuania") == [
        (K.SIGNATURE, date(2008, 12, 3), True),
        (K.PROVISIONAL_APPLICATION, date(2011, 3, 24), True),
        (K.RATIFICATION, date(2011, 3, 24), True),
        (K.WITHDRAWAL_NOTIFIED, date(2024, 9, 6), False),
        (K.WITHDRAWAL_EFFECTIVE, date(2025, 3, 6), False),
    ]
    assert deposits("ccm", "Vanuatu") == [(K.ACCESSION, date(2025, 9, 5), False)]
    assert deposits("ccm", "Sri Lanka") == [(K.ACCESSION, date(2018, 3, 1), False)]
    withdrawn = [x.name for x in page("ccm").participants if x.events_of(K.WITHDRAWAL_NOTIFIED)]
    assert withdrawn == ["Lithuania"]
    # 125 rows = 112 parties + Lithuania (withdrawn) + 12 signatories without a deposit
    signatory_only = [
        x for x in page("ccm").participants if not any(e.kind in DEPOSIT_KINDS for e in x.events)
    ]
    assert len(signatory_only) == 12


@pytest.mark.parametrize("code", ["ccw-ii", "ccw-v"])
def test_ccw_all_consent(code) -> None:
    for x in page(code).participants:
        kinds = [e.kind for e in x.events if e.kind in DEPOSIT_KINDS]
        assert len(kinds) == 1, x.name
        assert kinds[0] in {K.CONSENT, K.SUCCESSION}, x.name
        assert not any(e.bracketed for e in x.events)
    # on these pages no State is marked "d": every row is a consent to be bound (P)
    assert all(x.events[0].kind is K.CONSENT for x in page(code).participants)


def _nth_deposit(code: str, n: int) -> date:
    dates = sorted(
        e.date for x in page(code).participants for e in x.events if e.kind in DEPOSIT_KINDS
    )
    return dates[n - 1]


def test_threshold_deposits_match_domain_constants() -> None:
    assert _nth_deposit("mbt", 40) == date(1998, 9, 16)  # EIF 1 Mar 1999 (Art. 17(1))
    assert _nth_deposit("ccm", 30) == date(2010, 2, 16)  # EIF 1 Aug 2010 (Art. 17(1))
    assert _nth_deposit("ccw-v", 20) == date(2006, 5, 12)  # EIF 12 Nov 2006, six months later


def test_ccw_ii_twentieth_consent() -> None:
    # The protocol entered into force on 3 Dec 1998, six months after 3 Jun 1998. On today's
    # page the 20th consent by date is Norway's (20 Apr 1998); the 21st is Lithuania's of
    # 3 Jun 1998, the date the depositary counted from.
    assert _nth_deposit("ccw-ii", 20) == date(1998, 4, 20)
    assert _nth_deposit("ccw-ii", 20) <= date(1998, 6, 3)
    assert _nth_deposit("ccw-ii", 21) == date(1998, 6, 3)
    assert deposits("ccw-ii", "Lithuania") == [(K.CONSENT, date(1998, 6, 3), False)]
