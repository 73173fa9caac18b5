"""UNTC status-page parser against small invented fixture pages (tests/treaties/fixtures/untc)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from monitor.rules.treaties import DEPOSIT_KINDS, EventKind
from monitor.treaties.importers.untc import (
    UntcEvent,
    UntcPage,
    UntcParseError,
    parse_untc,
    parse_untc_file,
)

FIXTURES = Path(__file__).parent / "fixtures" / "untc"
K = EventKind


def fixture_text(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def kinds(page: UntcPage, name: str) -> list[tuple[EventKind, date, bool]]:
    return [(e.kind, e.date, e.bracketed) for e in page.participant(name).events]


@pytest.fixture(scope="module")
def mbt() -> UntcPage:
    return parse_untc_file(FIXTURES / "mbt_like.html")


@pytest.fixture(scope="module")
def ccm() -> UntcPage:
    return parse_untc_file(FIXTURES / "ccm_like.html")


@pytest.fixture(scope="module")
def ccw() -> UntcPage:
    return parse_untc_file(FIXTURES / "ccw_like.html")


# --------------------------------------------------------------------------- header


def test_header(mbt: UntcPage) -> None:
    assert mbt.source_name == "mbt_like.html"
    assert mbt.reference == "XXVI-5"
    assert mbt.title == "Test Fixture Convention on Invented Mines"
    assert mbt.status_as_at == date(2026, 2, 3)  # "03-02-2026" is day-month-year
    assert mbt.entry_into_force == date(1999, 3, 1)
    assert mbt.header_signatories == 3
    assert mbt.header_parties == 4


def test_ccw_header_has_only_parties_and_letter_reference(ccw: UntcPage) -> None:
    assert ccw.reference == "XXVI-2-b"
    assert ccw.title.startswith("Test Fixture Protocol")
    assert ccw.header_signatories is None
    assert ccw.header_parties == 3
    assert ccw.entry_into_force == date(1998, 12, 3)


def test_parse_untc_default_source_name() -> None:
    page = parse_untc(fixture_text("ccw_like.html"))
    assert page.source_name == "<string>"
    with pytest.raises(UntcParseError, match=r"^<string>: no 'STATUS AS AT'"):
        parse_untc("<html><body>nothing</body></html>")


# --------------------------------------------------------------------------- rows


def test_rows_in_order_none_dropped(mbt: UntcPage) -> None:
    names = [p.name for p in mbt.participants]
    assert names == [
        "Alphaland",
        "Betaland",
        "Gammaland",  # its </tr> is missing on the page, as for one real row
        "Deltaland",
        "Epsilonia (Republic of)",
        "Zetaland",
        "Etaland",
    ]
    assert [p.row for p in mbt.participants] == list(range(1, 8))


def test_signature_and_plain_deposit_is_ratification(mbt: UntcPage) -> None:
    assert kinds(mbt, "Alphaland") == [
        (K.SIGNATURE, date(1997, 12, 3), False),
        (K.RATIFICATION, date(1998, 9, 16), False),
    ]


def test_markers(mbt: UntcPage) -> None:
    assert kinds(mbt, "Gammaland")[1] == (K.ACCEPTANCE, date(1998, 9, 30), False)
    assert kinds(mbt, "Epsilonia (Republic of)")[0] == (K.APPROVAL, date(1999, 2, 25), False)
    assert kinds(mbt, "Zetaland") == [(K.SUCCESSION, date(2006, 10, 23), False)]


def test_signatory_without_deposit(mbt: UntcPage) -> None:
    assert kinds(mbt, "Deltaland") == [(K.SIGNATURE, date(1997, 12, 5), False)]


def test_bracketed_withdrawn_entry_with_withdrawal_note(mbt: UntcPage) -> None:
    beta = mbt.participant("Betaland")
    assert beta.footnotes == (1,)
    assert kinds(mbt, "Betaland") == [
        (K.ACCESSION, date(2004, 5, 12), True),
        (K.WITHDRAWAL_NOTIFIED, date(2025, 6, 27), False),
        (K.WITHDRAWAL_EFFECTIVE, date(2025, 12, 27), False),
    ]
    # bracket with inner spaces, no note
    assert kinds(mbt, "Etaland") == [(K.ACCESSION, date(2005, 7, 1), True)]


def test_pending_withdrawal_and_multiple_footnotes(mbt: UntcPage) -> None:
    eps = mbt.participant("Epsilonia (Republic of)")
    assert eps.footnotes == (2, 3)
    assert eps.events_of(K.WITHDRAWAL_NOTIFIED, K.WITHDRAWAL_EFFECTIVE) == (
        UntcEvent(K.WITHDRAWAL_NOTIFIED, date(2025, 8, 20), False),
        UntcEvent(K.WITHDRAWAL_EFFECTIVE, date(2026, 2, 20), False),  # "will take effect"
    )


def test_end_notes_kept_as_text(mbt: UntcPage) -> None:
    assert sorted(mbt.end_notes) == [1, 2, 3, 4]
    assert mbt.end_notes[3] == "On 30 March 2016, the Government of Epsilonia made a communication."
    assert mbt.end_notes[1].startswith(
        "On 27 June 2025, the Government of the Republic of Betaland"
    )
    assert "C.N.1.2025.TREATIES-XXVI-5" in mbt.end_notes[1]


def test_header_counts_match_rows(mbt: UntcPage, ccm: UntcPage, ccw: UntcPage) -> None:
    for page in (mbt, ccm, ccw):
        parties = [
            p
            for p in page.participants
            if any(e.kind in DEPOSIT_KINDS and not e.bracketed for e in p.events)
        ]
        assert len(parties) == page.header_parties
    for page in (mbt, ccm):
        signed = [
            p
            for p in page.participants
            if any(e.kind is K.SIGNATURE and not e.bracketed for e in p.events)
        ]
        assert len(signed) == page.header_signatories


def test_ccm_provisional_application_column(ccm: UntcPage) -> None:
    assert ccm.reference == "XXVI-6"
    assert kinds(ccm, "Sigmaland") == [
        (K.PROVISIONAL_APPLICATION, date(2014, 9, 2), False),
        (K.ACCESSION, date(2014, 9, 2), False),
    ]
    assert kinds(ccm, "Kappaland")[1] == (K.ACCEPTANCE, date(2011, 2, 23), False)
    assert kinds(ccm, "Lambdaland") == [(K.SIGNATURE, date(2008, 12, 3), False)]
    # the provisional-application note is not a withdrawal note: text only
    assert "provisionally apply" in ccm.end_notes[1]


def test_ccm_all_bracketed_and_combined_note(ccm: UntcPage) -> None:
    assert kinds(ccm, "Omegaland") == [
        (K.SIGNATURE, date(2008, 12, 3), True),
        (K.PROVISIONAL_APPLICATION, date(2011, 3, 24), True),
        (K.RATIFICATION, date(2011, 3, 24), True),
        (K.WITHDRAWAL_NOTIFIED, date(2024, 9, 6), False),
        (K.WITHDRAWAL_EFFECTIVE, date(2025, 3, 6), False),
    ]


def test_ccw_consent_and_succession(ccw: UntcPage) -> None:
    assert kinds(ccw, "Alphaland") == [(K.CONSENT, date(2017, 8, 9), False)]
    assert kinds(ccw, "Betaland") == [(K.CONSENT, date(2002, 8, 28), False)]  # note: no events
    assert kinds(ccw, "Zetaland") == [(K.SUCCESSION, date(2001, 10, 12), False)]


def test_page_is_frozen(mbt: UntcPage) -> None:
    with pytest.raises(AttributeError):
        mbt.reference = "X"  # type: ignore[misc]


# --------------------------------------------------------------------------- errors


def _raises(html: str, pattern: str) -> UntcParseError:
    with pytest.raises(UntcParseError, match=pattern) as info:
        parse_untc(html, source_name="untc_x.html")
    return info.value


def test_error_no_participant_table() -> None:
    with pytest.raises(UntcParseError, match=r"^mbt_truncated\.html: no participant table$"):
        parse_untc_file(FIXTURES / "mbt_truncated.html")


def test_error_bad_date() -> None:
    with pytest.raises(UntcParseError) as info:
        parse_untc_file(FIXTURES / "mbt_bad_date.html")
    assert str(info.value) == (
        "mbt_bad_date.html: participant row 5 ('Epsilonia (Republic of)'): "
        "cannot read date '31 Foo 1999'"
    )
    assert isinstance(info.value, ValueError)


def test_error_impossible_day() -> None:
    html = fixture_text("mbt_like.html").replace("16 Sep\t 1998", "31 Sep\t 1998")
    _raises(html, r"row 1 \('Alphaland'\): cannot read date '31 Sep 1998'")


def test_error_unreadable_entry() -> None:
    html = fixture_text("mbt_like.html").replace("16 Sep\t 1998", "pending")
    _raises(html, r"row 1 \('Alphaland'\): cannot read date 'pending'")


def test_error_unknown_marker() -> None:
    with pytest.raises(
        UntcParseError,
        match=r"^mbt_unknown_marker\.html: participant row 3 "
        r"\('Gammaland'\): unknown marker 'X'",
    ):
        parse_untc_file(FIXTURES / "mbt_unknown_marker.html")


def test_error_marker_not_allowed_in_column() -> None:
    # "n" is a known marker but not one the MBT deposit column lists
    html = fixture_text("mbt_like.html").replace("30 Sep\t 1998 A<", "30 Sep\t 1998 n<")
    _raises(html, r"row 3 \('Gammaland'\): unknown marker 'n'")
    # no marker = ratification, which a CCW column does not list
    html = fixture_text("ccw_like.html").replace("9 Aug\t 2017 P", "9 Aug\t 2017")
    _raises(html, r"row 1 \('Alphaland'\): unknown marker ''")
    # a marker in the signature column
    html = fixture_text("mbt_like.html").replace("5 Dec\t 1997", "5 Dec\t 1997 a")
    _raises(html, r"row 4 \('Deltaland'\): unknown marker 'a'")


def test_error_unknown_marker_or_column_in_header() -> None:
    html = fixture_text("mbt_like.html").replace("Succession(d)", "Succession(z)")
    _raises(html, r"column .*unknown marker 'z'")
    html = fixture_text("mbt_like.html").replace(">Signature<", ">Remarks<")
    _raises(html, r"unknown column 'Remarks'")


def test_error_unbalanced_bracket() -> None:
    html = fixture_text("mbt_like.html").replace("[12 May\t 2004 a]", "[12 May\t 2004 a")
    _raises(html, r"row 2 \('Betaland'\): unbalanced brackets")


def test_error_no_status_line() -> None:
    html = fixture_text("mbt_like.html").replace("STATUS AS AT", "STATUS")
    _raises(html, r"^untc_x\.html: no 'STATUS AS AT' line$")


def test_error_bad_status_date() -> None:
    html = fixture_text("mbt_like.html").replace("03-02-2026", "33-02-2026")
    _raises(html, r"cannot read status date")


def test_error_missing_parties() -> None:
    html = fixture_text("mbt_like.html").replace("Parties :", "States :")
    _raises(html, r"^untc_x\.html: no 'Parties' count")


def test_error_missing_heading_and_entry_into_force() -> None:
    html = fixture_text("mbt_like.html").replace("CHAPTER XXVI\n", "DISARMAMENT\n")
    _raises(html, r"no 'CHAPTER' heading")
    html = fixture_text("mbt_like.html").replace("5.\n", "Five\n")
    _raises(html, r"no treaty number")
    html = fixture_text("mbt_like.html").replace("1 March 1999,", "to be announced,")
    _raises(html, r"cannot read 'Entry into force'")


def test_error_zero_participants() -> None:
    html = fixture_text("mbt_like.html")
    start = html.index('<tr class="trBWhite">')
    end = html.index("</table>", start)
    _raises(html[:start] + html[end:], r"^untc_x\.html: the participant table has no rows$")


def test_error_row_with_wrong_cell_count_or_no_name() -> None:
    html = fixture_text("mbt_like.html").replace(
        "<td>Deltaland<br></td>", "<td>Deltaland<br></td><td>1 Jan 2000</td>"
    )
    _raises(html, r"row 4 \('Deltaland'\): 4 cells, expected 3")
    html = fixture_text("mbt_like.html").replace("<td>Deltaland<br></td>", "<td>&nbsp;</td>")
    _raises(html, r"participant row 4: no participant name")


def test_error_bad_withdrawal_note() -> None:
    html = fixture_text("mbt_like.html").replace("27 December 2025", "27 Decembre 2025")
    _raises(
        html,
        r"row 2 \('Betaland'\): end note 1: cannot read date '27 Decembre 2025'",
    )
    html = fixture_text("mbt_like.html").replace("On 27 June 2025", "Recently")
    _raises(html, r"row 2 \('Betaland'\): end note 1: .*notification date")
    html = fixture_text("mbt_like.html").replace(
        "for Epsilonia on 20 February 2026", "for Epsilonia soon"
    )
    _raises(html, r"row 5 \('Epsilonia \(Republic of\)'\): end note 2: .*effective date")


def test_error_footnote_without_note() -> None:
    html = re.sub(
        r"<div[^>]*divNotesAll[^>]*><a name='1'>.*?</div>", "", fixture_text("mbt_like.html")
    )
    _raises(html, r"row 2 \('Betaland'\): footnote 1 has no end note")
