"""Deadlines and obligation status: the worked examples of DOMAIN.md section 3."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.rules.obligations import (
    Extension,
    ExtensionError,
    Facts,
    Kind,
    ObligationStatus,
    apply_extensions,
    late_by_days,
    obligations_for,
    validate_extension,
)
from monitor.rules.treaties import CCM, CCW_V, MBT, Event, EventKind, status_on

D = date.fromisoformat


def _obligations(rules, deposit, today, **kwargs):
    events = [Event(EventKind.RATIFICATION, D(deposit))]
    status, tl = status_on(rules, events, D(today))
    return {o.kind: o for o in obligations_for(rules, status, tl, D(today), **kwargs)}


@pytest.mark.parametrize(
    ("deposit", "art4"),
    [
        ("2002-09-11", "2007-03-01"),  # Afghanistan: LM2008 says it missed 1 Mar 2007
        ("2003-09-03", "2008-03-01"),  # Belarus
        ("2005-12-27", "2010-06-01"),  # Ukraine
        ("2012-12-27", "2017-06-01"),  # Poland
    ],
)
def test_mbt_article_4_is_four_years_after_eif(deposit, art4):
    ob = _obligations(MBT, deposit, "2026-01-01")[Kind.STOCKPILE_DESTRUCTION]
    assert ob.due == D(art4)
    assert ob.basis.startswith("Art. 4")


def test_ukraine_article_5_extended_by_17msp():
    ext = Extension(D("2021-06-01"), decided_on=D("2018-11-30"), decided_by="17MSP")
    ob = _obligations(MBT, "2005-12-27", "2019-01-01", extensions={Kind.CLEARANCE: [ext]})[
        Kind.CLEARANCE
    ]
    assert ob.original_due == D("2016-06-01")
    assert ob.due == D("2021-06-01")
    assert ob.status is ObligationStatus.PENDING
    assert "extended by 17MSP to 2021-06-01" in ob.basis


def test_passed_deadline_of_an_extended_obligation_is_overdue():
    ext = Extension(D("2021-06-01"), decided_by="17MSP")
    ob = _obligations(MBT, "2005-12-27", "2022-01-01", extensions={Kind.CLEARANCE: [ext]})[
        Kind.CLEARANCE
    ]
    assert ob.status is ObligationStatus.OVERDUE


def test_passed_deadline_with_nothing_on_record_is_unknown_not_overdue():
    ob = _obligations(MBT, "1998-06-29", "2026-01-01")[Kind.STOCKPILE_DESTRUCTION]
    assert ob.due == D("2003-03-01")
    assert ob.status is ObligationStatus.UNKNOWN
    assert "no record of completion" in ob.basis


def test_completion_on_record_is_met_with_its_date():
    facts = {Kind.STOCKPILE_DESTRUCTION: Facts(completed_on=D("2007-10-31"))}
    ob = _obligations(MBT, "2002-09-11", "2026-01-01", facts=facts)[Kind.STOCKPILE_DESTRUCTION]
    assert ob.status is ObligationStatus.MET
    assert ob.met_on == D("2007-10-31")
    assert late_by_days(ob.due, ob.met_on) == 244


def test_not_applicable_on_record():
    facts = {Kind.CLEARANCE: Facts(not_applicable=True)}
    ob = _obligations(MBT, "1998-06-29", "2026-01-01", facts=facts)[Kind.CLEARANCE]
    assert ob.status is ObligationStatus.NOT_APPLICABLE


def test_ccm_first_cohort_deadlines():
    obs = _obligations(CCM, "2009-06-16", "2026-01-01")
    assert obs[Kind.STOCKPILE_DESTRUCTION].due == D("2018-08-01")
    assert obs[Kind.CLEARANCE].due == D("2020-08-01")


def test_bosnia_ccm_article_4_with_a_requested_extension():
    req = Extension(D("2022-09-01"), granted=False)
    ob = _obligations(CCM, "2010-09-07", "2020-06-01", extensions={Kind.CLEARANCE: [req]})[
        Kind.CLEARANCE
    ]
    assert ob.due == D("2021-03-01")
    assert ob.requested_to == D("2022-09-01")
    assert "extension requested to 2022-09-01" in ob.basis


@pytest.mark.parametrize(
    ("deposit", "initial_due"),
    [
        ("2023-02-28", "2024-01-28"),  # Nigeria, CCM ISU
        ("2023-08-03", "2024-07-30"),  # South Sudan, CCM ISU (leap year)
        ("2009-06-02", "2011-01-28"),  # Niger (CMC table: 28 Jan 2011)
        ("2010-05-28", "2011-04-30"),  # Fiji
        ("2010-06-30", "2011-05-30"),  # Mali
        ("2010-07-28", "2011-06-30"),  # Comoros
    ],
)
def test_initial_report_is_due_180_days_after_eif(deposit, initial_due):
    ob = _obligations(CCM, deposit, "2030-01-01")[Kind.INITIAL_REPORT]
    assert ob.due == D(initial_due)


def test_initial_report_due_date_override():
    # Niue's Monitor profile gives 28 Aug 2021 for an EIF of 1 Feb 2021 (DOMAIN 3.3).
    facts = {Kind.INITIAL_REPORT: Facts(due_override=D("2021-08-28"), source="Monitor profile")}
    events = [Event(EventKind.ACCESSION, D("2020-08-06"))]
    status, tl = status_on(CCM, events, D("2021-03-01"))
    ob = {o.kind: o for o in obligations_for(CCM, status, tl, D("2021-03-01"), facts=facts)}[
        Kind.INITIAL_REPORT
    ]
    assert ob.original_due == D("2021-07-31")
    assert ob.due == D("2021-08-28")
    assert "Monitor profile" in ob.basis


def test_next_annual_report_is_the_next_30_april():
    obs = _obligations(MBT, "1998-06-29", "2026-05-01")
    assert obs[Kind.ANNUAL_REPORT].due == D("2027-04-30")
    assert obs[Kind.ANNUAL_REPORT].status is ObligationStatus.PENDING
    assert _obligations(MBT, "1998-06-29", "2026-04-30")[Kind.ANNUAL_REPORT].due == D("2026-04-30")


def test_a_state_pending_eif_already_has_its_deadlines():
    obs = _obligations(MBT, "2025-06-25", "2025-09-01")  # Tonga: EIF 1 Dec 2025
    assert obs[Kind.INITIAL_REPORT].due == D("2025-12-01") + timedelta(days=180)
    assert obs[Kind.STOCKPILE_DESTRUCTION].due == D("2029-12-01")
    assert obs[Kind.CLEARANCE].due == D("2035-12-01")
    assert obs[Kind.ANNUAL_REPORT].due == D("2026-04-30")


def test_withdrawn_state_is_no_longer_bound():
    events = [
        Event(EventKind.ACCESSION, D("2004-05-12")),
        Event(EventKind.WITHDRAWAL_NOTIFIED, D("2025-06-27")),
    ]
    status, tl = status_on(MBT, events, D("2026-01-01"))
    obs = {o.kind: o for o in obligations_for(MBT, status, tl, D("2026-01-01"))}
    assert Kind.ANNUAL_REPORT not in obs
    assert obs[Kind.CLEARANCE].status is ObligationStatus.NOT_APPLICABLE
    assert "withdrawal effective 2025-12-27" in obs[Kind.CLEARANCE].basis


def test_non_parties_and_ccw_protocols_have_no_time_bound_obligations():
    status, tl = status_on(MBT, [Event(EventKind.SIGNATURE, D("1997-12-03"))], D("2026-01-01"))
    assert obligations_for(MBT, status, tl, D("2026-01-01")) == []
    status, tl = status_on(CCW_V, [Event(EventKind.CONSENT, D("2017-08-09"))], D("2026-01-01"))
    assert obligations_for(CCW_V, status, tl, D("2026-01-01")) == []


# DOMAIN 3.2: extended MBT Art. 5 deadlines recorded at the 12MSP, with the States' deposits.
TWELFTH_MSP = [
    ("Democratic Republic of the Congo", "2002-05-02", "2015-01-01"),
    ("Argentina", "1999-09-14", "2020-01-01"),
    ("Chad", "1999-05-06", "2014-01-01"),
    ("Mozambique", "1998-08-25", "2014-03-01"),
    ("Colombia", "2000-09-06", "2021-03-01"),
    ("United Kingdom", "1998-07-31", "2019-03-01"),
]


@pytest.mark.parametrize(("state", "deposit", "extended"), TWELFTH_MSP)
def test_twelfth_msp_extensions_are_within_the_ten_year_cap(state, deposit, extended):
    ob = _obligations(
        MBT, deposit, "2013-01-01", extensions={Kind.CLEARANCE: [Extension(D(extended))]}
    )[Kind.CLEARANCE]
    assert ob.due == D(extended), state


@pytest.mark.parametrize(
    ("treaty", "kind", "previous", "new", "message"),
    [
        ("mbt", Kind.CLEARANCE, "2016-06-01", "2026-06-02", "10-year cap"),
        ("mbt", Kind.CLEARANCE, "2016-06-01", "2016-06-01", "not after"),
        ("mbt", Kind.STOCKPILE_DESTRUCTION, "2010-06-01", "2011-06-01", "allows no extension"),
        ("ccm", Kind.STOCKPILE_DESTRUCTION, "2018-08-01", "2022-08-02", "4-year cap"),
        ("ccm", Kind.CLEARANCE, "2020-08-01", "2025-08-02", "5-year cap"),
    ],
)
def test_extensions_beyond_the_treaty_cap_are_refused(treaty, kind, previous, new, message):
    with pytest.raises(ExtensionError, match=message):
        validate_extension(treaty, kind, D(previous), D(new))


def test_successive_extensions_each_respect_the_cap():
    # Germany CCM Art. 4: 1 Aug 2020 -> 1 Aug 2025 -> 1 Aug 2030 (two 5-year extensions).
    due, granted, _ = apply_extensions(
        "ccm",
        Kind.CLEARANCE,
        D("2020-08-01"),
        [Extension(D("2030-08-01")), Extension(D("2025-08-01"))],
    )
    assert due == D("2030-08-01")
    assert [e.new_deadline for e in granted] == [D("2025-08-01"), D("2030-08-01")]
    with pytest.raises(ExtensionError):
        apply_extensions("ccm", Kind.CLEARANCE, D("2020-08-01"), [Extension(D("2030-08-01"))])


@given(st.dates(min_value=date(1999, 3, 1), max_value=date(2090, 1, 1)))
def test_deadlines_follow_eif_by_whole_years(deposit):
    for rules, years in ((MBT, (4, 10)), (CCM, (8, 10))):
        events = [Event(EventKind.RATIFICATION, deposit)]
        status, tl = status_on(rules, events, deposit)
        obs = {o.kind: o for o in obligations_for(rules, status, tl, deposit)}
        eif = tl.eif.date
        assert obs[Kind.STOCKPILE_DESTRUCTION].due == eif.replace(year=eif.year + years[0])
        assert obs[Kind.CLEARANCE].due == eif.replace(year=eif.year + years[1])
        assert obs[Kind.INITIAL_REPORT].due - eif == timedelta(days=180)
        assert all(o.status is ObligationStatus.PENDING for o in obs.values())
