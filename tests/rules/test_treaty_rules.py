"""Entry into force, status and counts: the worked examples of DOMAIN.md sections 2 and 4."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.rules.dates import add_months, first_of_month_after
from monitor.rules.treaties import (
    CCM,
    CCW_II,
    MBT,
    CountMode,
    Event,
    EventKind,
    Status,
    count_parties,
    eif_for_deposit,
    status_on,
    timeline,
    treaty_rules,
    withdrawal_effective_date,
)

D = date.fromisoformat

# DOMAIN.md 2.3: (state, deposit date, EIF for the State), all verified against sources.
MBT_EXAMPLES = [
    ("Burkina Faso", "1998-09-16", "1999-03-01"),
    ("Afghanistan", "2002-09-11", "2003-03-01"),
    ("Belarus", "2003-09-03", "2004-03-01"),
    ("Ukraine", "2005-12-27", "2006-06-01"),
    ("Montenegro", "2006-10-23", "2007-04-01"),
    ("Indonesia", "2007-02-20", "2007-08-01"),
    ("Kuwait", "2007-07-30", "2008-01-01"),
    ("Iraq", "2007-08-15", "2008-02-01"),
    ("Palau", "2007-11-18", "2008-05-01"),
    ("Poland", "2012-12-27", "2013-06-01"),
    ("Sri Lanka", "2017-12-13", "2018-06-01"),
    ("Palestine", "2017-12-29", "2018-06-01"),
    ("Marshall Islands", "2025-03-12", "2025-09-01"),
]

# DOMAIN.md 2.4 and 2.2 edge case 1 (Fiji, Comoros: after the trigger, before general EIF).
CCM_EXAMPLES = [
    ("Burkina Faso", "2010-02-16", "2010-08-01"),
    ("Moldova", "2010-02-16", "2010-08-01"),
    ("Albania", "2009-06-16", "2010-08-01"),
    ("Fiji", "2010-05-28", "2010-11-01"),
    ("Comoros", "2010-07-28", "2011-01-01"),
    ("Antigua and Barbuda", "2010-08-23", "2011-02-01"),
    ("Bosnia and Herzegovina", "2010-09-07", "2011-03-01"),
    ("Lithuania", "2011-03-24", "2011-09-01"),
    ("Afghanistan", "2011-09-08", "2012-03-01"),
    ("Australia", "2012-10-08", "2013-04-01"),
    ("Andorra", "2013-04-09", "2013-10-01"),
    ("Sri Lanka", "2018-03-01", "2018-09-01"),
    ("Niue", "2020-08-06", "2021-02-01"),
    ("Nigeria", "2023-02-28", "2023-08-01"),
    ("South Sudan", "2023-08-03", "2024-02-01"),
]


@pytest.mark.parametrize(("state", "deposit", "eif"), MBT_EXAMPLES)
def test_mbt_entry_into_force_matches_domain_examples(state, deposit, eif):
    assert eif_for_deposit(MBT, D(deposit)).date == D(eif), state


@pytest.mark.parametrize(("state", "deposit", "eif"), CCM_EXAMPLES)
def test_ccm_entry_into_force_matches_domain_examples(state, deposit, eif):
    assert eif_for_deposit(CCM, D(deposit)).date == D(eif), state


def test_trigger_cohort_gets_general_eif_and_says_why():
    eif = eif_for_deposit(MBT, MBT.trigger_date)
    assert eif.date == date(1999, 3, 1)
    assert "17(1)" in eif.basis
    assert "17(2)" in eif_for_deposit(MBT, date(1998, 9, 17)).basis


def test_deposit_on_first_of_month_still_counts_six_months_from_that_month():
    # Sri Lanka CCM: deposit 1 Mar 2018 -> 1 Sep 2018 (DOMAIN 2.1).
    assert eif_for_deposit(CCM, date(2018, 3, 1)).date == date(2018, 9, 1)


def test_succession_is_flagged_as_computed():
    eif = eif_for_deposit(MBT, date(2011, 11, 11), EventKind.SUCCESSION)
    assert eif.date == date(2012, 5, 1)
    assert "succession" in eif.basis


def test_ccw_protocols_use_six_months_after_the_date_of_consent():
    assert eif_for_deposit(CCW_II, date(1998, 1, 5)).date == date(1998, 12, 3)
    assert eif_for_deposit(CCW_II, date(2017, 8, 9)).date == date(2018, 2, 9)


def test_unknown_treaty_code_is_an_error():
    with pytest.raises(ValueError, match="unknown treaty 'xyz'"):
        treaty_rules("xyz")


@pytest.mark.parametrize(
    ("notified", "effective"),
    [
        ("2025-06-27", "2025-12-27"),  # Estonia, Latvia, Lithuania (MBT)
        ("2025-07-10", "2026-01-10"),  # Finland (MBT)
        ("2024-09-06", "2025-03-06"),  # Lithuania (CCM)
    ],
)
def test_withdrawal_takes_effect_six_months_after_receipt(notified, effective):
    assert withdrawal_effective_date(D(notified)) == (D(effective), False)


def test_withdrawal_on_31_august_is_clamped_and_flagged():
    assert withdrawal_effective_date(date(2025, 8, 31)) == (date(2026, 2, 28), True)


def _events(*pairs):
    return [Event(EventKind(kind), D(day)) for kind, day in pairs]


def test_status_lifecycle_of_a_state_that_joins_and_withdraws():
    # Estonia, MBT: accession 12 May 2004, withdrawal notified 27 Jun 2025.
    events = _events(
        ("accession", "2004-05-12"),
        ("withdrawal_notified", "2025-06-27"),
        ("withdrawal_effective", "2025-12-27"),
    )
    assert status_on(MBT, events, date(2004, 5, 11))[0] is Status.NON_SIGNATORY
    assert status_on(MBT, events, date(2004, 5, 12))[0] is Status.JOINED_PENDING_EIF
    assert status_on(MBT, events, date(2004, 11, 1))[0] is Status.STATE_PARTY
    assert status_on(MBT, events, date(2025, 6, 27))[0] is Status.WITHDRAWAL_PENDING
    assert status_on(MBT, events, date(2025, 12, 26))[0] is Status.WITHDRAWAL_PENDING
    assert status_on(MBT, events, date(2025, 12, 27))[0] is Status.WITHDRAWN


def test_signatory_until_ratification():
    events = _events(("signature", "1997-12-03"), ("ratification", "2012-12-27"))
    assert status_on(MBT, events, date(1997, 12, 2))[0] is Status.NON_SIGNATORY
    assert status_on(MBT, events, date(2005, 1, 1))[0] is Status.SIGNATORY
    assert status_on(MBT, events, date(2013, 5, 31))[0] is Status.JOINED_PENDING_EIF
    assert status_on(MBT, events, date(2013, 6, 1))[0] is Status.STATE_PARTY


def test_withdrawal_effective_date_is_computed_when_not_recorded():
    events = _events(("ratification", "2012-12-27"), ("withdrawal_notified", "2025-08-20"))
    status, tl = status_on(MBT, events, date(2026, 1, 1))
    assert status is Status.WITHDRAWAL_PENDING
    assert tl.withdrawal_effective == date(2026, 2, 20)
    assert tl.withdrawal_effective_computed
    assert status_on(MBT, events, date(2026, 2, 20))[0] is Status.WITHDRAWN


def test_depositary_recorded_entry_into_force_overrides_the_formula():
    events = _events(("succession", "2011-11-11"), ("entry_into_force", "2011-07-09"))
    # A recorded date before the deposit is ignored (it cannot belong to this instrument).
    assert timeline(MBT, events).eif.date == date(2012, 5, 1)
    events = _events(("succession", "2006-10-23"), ("entry_into_force", "2007-04-01"))
    tl = timeline(MBT, events)
    assert tl.eif.date == date(2007, 4, 1)
    assert "recorded by the depositary" in tl.eif.basis


def test_rejoining_after_withdrawal_starts_a_new_cycle():
    events = _events(
        ("ratification", "2000-01-10"),
        ("withdrawal_notified", "2010-01-10"),
        ("accession", "2015-03-03"),
    )
    assert status_on(MBT, events, date(2012, 1, 1))[0] is Status.WITHDRAWN
    status, tl = status_on(MBT, events, date(2016, 1, 1))
    assert status is Status.STATE_PARTY
    assert tl.eif.date == date(2015, 9, 1)


def test_counts_in_both_modes_net_of_withdrawals():
    by_country = {
        "AAA": _events(("ratification", "1998-06-01")),
        "BBB": _events(("accession", "2025-06-25")),  # EIF 1 Dec 2025
        "CCC": _events(("accession", "2004-05-12"), ("withdrawal_notified", "2025-06-27")),
        "DDD": _events(("signature", "1997-12-03")),
    }
    as_of = date(2025, 9, 1)
    assert count_parties(MBT, by_country, as_of, CountMode.DEPOSIT) == 3
    assert count_parties(MBT, by_country, as_of, CountMode.IN_FORCE) == 2
    as_of = date(2026, 1, 1)
    assert count_parties(MBT, by_country, as_of, CountMode.DEPOSIT) == 2
    assert count_parties(MBT, by_country, as_of, CountMode.IN_FORCE) == 2


dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


@given(dates)
def test_art17_eif_is_always_a_first_of_month_and_never_before_general_eif(deposit):
    for rules in (MBT, CCM):
        eif = eif_for_deposit(rules, deposit).date
        assert eif.day == 1
        assert eif >= rules.general_eif
        assert eif > deposit
        if deposit > rules.trigger_date:
            months = (eif.year - deposit.year) * 12 + eif.month - deposit.month
            assert months == 6


@given(dates, st.integers(min_value=-1200, max_value=1200))
def test_add_months_keeps_the_day_or_clamps_to_month_end(d, n):
    result, clamped = add_months(d, n)
    assert (result.year * 12 + result.month) - (d.year * 12 + d.month) == n
    if clamped:
        assert result.day < d.day
        assert (result + timedelta(days=1)).day == 1  # clamped to the month's last day
    else:
        assert result.day == d.day


@given(dates, st.integers(min_value=0, max_value=120))
def test_first_of_month_after_is_monotonic(d, n):
    a = first_of_month_after(d, n)
    b = first_of_month_after(d, n + 1)
    assert a.day == 1 and b.day == 1
    assert b > a


@given(dates, dates)
def test_status_never_goes_back_from_party_to_signatory(deposit, later):
    events = [Event(EventKind.RATIFICATION, deposit)]
    if later < deposit:
        return
    status, _ = status_on(MBT, events, later)
    assert status in {Status.JOINED_PENDING_EIF, Status.STATE_PARTY}
