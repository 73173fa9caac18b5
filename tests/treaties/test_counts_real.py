"""Counts from the bundled UNTC seed, checked against dated, cited milestones (DOMAIN.md).

The seed ships with the project, so these run on a bare clone too.
"""

from datetime import date

import pytest

from monitor.rules.treaties import CountMode, Status
from monitor.treaties.selectors import country_summary, parties_as_of

D = date.fromisoformat

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("treaty", "as_of", "count", "milestone"),
    [
        ("mbt", "2012-12-27", 161, "Poland, 161st State Party [S31]"),
        ("mbt", "2017-12-13", 163, "Sri Lanka, 163rd [S33]"),
        ("mbt", "2017-12-29", 164, "Palestine, 164th [S34]"),
        ("mbt", "2025-03-12", 165, "Marshall Islands, 165th [S35]"),
        ("mbt", "2026-02-03", 162, "UNTC header 'Parties: 162'"),
        ("ccm", "2011-03-24", 55, "Lithuania, 55th [S47]"),
        ("ccm", "2018-03-01", 103, "Sri Lanka, 103rd [S48]"),
        ("ccm", "2018-08-31", 104, "Namibia, 104th [S15d]"),
        ("ccm", "2020-08-06", 109, "Niue, 109th [S15a]"),
        ("ccm", "2021-09-21", 110, "'All 110 State Parties' at the 2RC [S75]"),
        ("ccm", "2023-02-28", 111, "Nigeria, State Party No. 111 [S13]"),
        ("ccm", "2023-08-03", 112, "South Sudan, State Party No. 112 [S14]"),
        ("ccm", "2025-09-05", 112, "Vanuatu, 112th after Lithuania's withdrawal [S15c]"),
        ("ccm", "2026-02-03", 112, "UNTC header 'Parties: 112'"),
        ("ccw-ii", "2026-02-03", 107, "UNTC header 'Parties: 107'"),
        ("ccw-v", "2026-02-03", 99, "UNTC header 'Parties: 99'"),
    ],
)
def test_deposit_mode_counts_match_published_milestones(seeded, treaty, as_of, count, milestone):
    assert parties_as_of(treaty=treaty, as_of=D(as_of)).count == count, milestone


def test_in_force_mode_leaves_out_states_whose_eif_is_pending(seeded):
    # Vanuatu acceded to the CCM on 5 Sep 2025; in force for it on 1 Mar 2026.
    result = parties_as_of(treaty="ccm", as_of=D("2026-02-03"), mode=CountMode.IN_FORCE)
    assert result.count == 111
    assert "VUT" not in {p.iso3 for p in result.parties}
    later = parties_as_of(treaty="ccm", as_of=D("2026-03-01"), mode=CountMode.IN_FORCE)
    assert "VUT" in {p.iso3 for p in later.parties}


def test_before_general_entry_into_force_nobody_is_bound(seeded):
    assert parties_as_of(treaty="mbt", as_of=D("1999-02-28"), mode=CountMode.IN_FORCE).count == 0
    # ...but 40 instruments had been deposited by the trigger date (Art. 17(1)).
    assert parties_as_of(treaty="mbt", as_of=D("1998-09-16")).count == 40
    assert parties_as_of(treaty="mbt", as_of=D("1998-09-15")).count < 40


def test_withdrawals_from_the_mine_ban_treaty(seeded):
    before = parties_as_of(treaty="mbt", as_of=D("2025-12-26"))
    after = parties_as_of(treaty="mbt", as_of=D("2025-12-27"))
    assert {"EST", "LVA", "LTU"} <= {p.iso3 for p in before.parties}
    assert before.count - after.count == 3
    # Poland: notified 20 Aug 2025, effective 20 Feb 2026 per the depositary's end note.
    poland = {p.iso3: p for p in before.parties}["POL"]
    assert poland.status is Status.WITHDRAWAL_PENDING
    assert "POL" not in {p.iso3 for p in parties_as_of(treaty="mbt", as_of=D("2026-02-20")).parties}


def test_json_contract_of_the_parties_list(seeded):
    data = parties_as_of(treaty="mbt", as_of=D("2019-12-31")).to_dict()
    assert set(data) == {"treaty", "as_of", "mode", "count", "parties"}
    assert data["treaty"] == "mbt" and data["as_of"] == "2019-12-31" and data["mode"] == "deposit"
    assert data["count"] == len(data["parties"]) == 164
    afg = next(p for p in data["parties"] if p["iso3"] == "AFG")
    assert afg == {
        "iso3": "AFG",
        "name": "Afghanistan",
        "status": "state_party",
        "deposit_date": "2002-09-11",
        "entry_into_force": "2003-03-01",
    }


@pytest.mark.parametrize(
    ("iso3", "treaty", "eif"),
    [
        ("AFG", "mbt", "2003-03-01"),
        ("UKR", "mbt", "2006-06-01"),
        ("MNE", "mbt", "2007-04-01"),
        ("IDN", "mbt", "2007-08-01"),
        ("KWT", "mbt", "2008-01-01"),
        ("IRQ", "mbt", "2008-02-01"),
        ("POL", "mbt", "2013-06-01"),
        ("LKA", "mbt", "2018-06-01"),
        ("PSE", "mbt", "2018-06-01"),
        ("MHL", "mbt", "2025-09-01"),
        ("BIH", "ccm", "2011-03-01"),
        ("LKA", "ccm", "2018-09-01"),
        ("NIU", "ccm", "2021-02-01"),
        ("NGA", "ccm", "2023-08-01"),
        ("SSD", "ccm", "2024-02-01"),
    ],
)
def test_entry_into_force_from_real_deposits(seeded, iso3, treaty, eif):
    summary = country_summary(iso3=iso3, as_of=D("2026-02-03"))
    view = next(v for v in summary.treaties if v.treaty.code == treaty)
    assert view.timeline.eif.date == D(eif)


def test_lithuania_is_withdrawn_from_the_ccm_and_bound_by_neither_after_2025(seeded):
    summary = country_summary(iso3="LTU", as_of=D("2026-02-03"))
    status = {v.treaty.code: v.status for v in summary.treaties}
    assert status["mbt"] is Status.WITHDRAWN
    assert status["ccm"] is Status.WITHDRAWN
    ccm = next(v for v in summary.treaties if v.treaty.code == "ccm")
    assert ccm.timeline.provisional_application == D("2011-03-24")
    assert ccm.timeline.withdrawal_effective == D("2025-03-06")


def test_a_signatory_that_never_ratified(seeded):
    summary = country_summary(iso3="IDN", as_of=D("2026-02-03"))
    ccm = next(v for v in summary.treaties if v.treaty.code == "ccm")
    assert ccm.status is Status.SIGNATORY
    assert ccm.obligations == ()


def test_a_state_that_never_joined(seeded):
    summary = country_summary(iso3="USA", as_of=D("2026-02-03"))
    status = {v.treaty.code: v.status for v in summary.treaties}
    assert status["mbt"] is Status.NON_SIGNATORY
    assert status["ccm"] is Status.NON_SIGNATORY
    assert status["ccw-ii"] is Status.STATE_PARTY
