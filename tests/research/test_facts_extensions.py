"""Cumulative deadlines: a deadline recorded after extensions whose dates are not on record."""

from datetime import date

import pytest

from monitor.countries.models import Country
from monitor.rules.obligations import (
    Extension,
    ExtensionError,
    Kind,
    apply_extensions,
    obligations_for,
    validate_cumulative_extension,
)
from monitor.rules.treaties import MBT, Event, EventKind, status_on
from monitor.treaties.models import ObligationExtension
from monitor.treaties.selectors import obligations_for_country

D = date.fromisoformat


def test_unknown_count_skips_the_cap_but_not_the_later_rule():
    # Ukraine: 1 Jun 2016 original; 1 Dec 2033 recorded after several extensions.
    ext = Extension(D("2033-12-01"), cumulative=True)
    due, granted, _ = apply_extensions("mbt", Kind.CLEARANCE, D("2016-06-01"), [ext])
    assert due == D("2033-12-01")
    assert granted == (ext,)
    with pytest.raises(ExtensionError, match="exceeds the 10-year cap"):
        apply_extensions("mbt", Kind.CLEARANCE, D("2016-06-01"), [Extension(D("2033-12-01"))])
    with pytest.raises(ExtensionError, match="not after the current deadline"):
        apply_extensions(
            "mbt", Kind.CLEARANCE, D("2016-06-01"), [Extension(D("2016-06-01"), cumulative=True)]
        )


@pytest.mark.parametrize(
    ("treaty", "kind", "original", "count", "latest"),
    [
        ("mbt", Kind.CLEARANCE, "2013-01-01", 2, "2033-01-01"),  # Art. 5: 10 years each
        ("ccm", Kind.STOCKPILE_DESTRUCTION, "2021-04-01", 1, "2025-04-01"),  # Art. 3: 4 years
        ("ccm", Kind.CLEARANCE, "2020-08-01", 2, "2030-08-01"),  # Art. 4: 5 years each
    ],
)
def test_known_count_allows_count_times_the_cap_from_the_original_deadline(
    treaty, kind, original, count, latest
):
    validate_cumulative_extension(treaty, kind, D(original), D(original), D(latest), count)
    day_after = date.fromordinal(D(latest).toordinal() + 1)
    with pytest.raises(ExtensionError, match=f"exceeds {count} ×"):
        validate_cumulative_extension(treaty, kind, D(original), D(original), day_after, count)


def test_a_count_of_zero_is_not_an_extension():
    with pytest.raises(ExtensionError, match="at least one extension"):
        validate_cumulative_extension(
            "mbt", Kind.CLEARANCE, D("2013-01-01"), D("2013-01-01"), D("2020-01-01"), 0
        )


def test_mbt_article_4_still_allows_no_extension():
    with pytest.raises(ExtensionError, match="allows no extension"):
        validate_cumulative_extension(
            "mbt",
            Kind.STOCKPILE_DESTRUCTION,
            D("2010-06-01"),
            D("2010-06-01"),
            D("2012-06-01"),
            None,
        )


def test_two_sources_two_deadlines_the_latest_wins():
    # Thailand: 31 Oct 2023 (Monitor 2020), then 31 Dec 2026 (Mine Action Review 2023).
    older = Extension(D("2023-10-31"), cumulative=True, source="older source")
    newer = Extension(D("2026-12-31"), cumulative=True, source="newer source")
    due, granted, _ = apply_extensions("mbt", Kind.CLEARANCE, D("2009-05-01"), [newer, older])
    assert due == D("2026-12-31")
    assert granted[-1] is newer


def test_a_cumulative_deadline_after_an_itemised_extension():
    # Ukraine: 17MSP extended 2016 -> 2021 (itemised), then a recorded current deadline.
    exts = [
        Extension(D("2021-06-01"), decided_by="17MSP"),
        Extension(D("2033-12-01"), cumulative=True, count=3),
    ]
    due, _, _ = apply_extensions("mbt", Kind.CLEARANCE, D("2016-06-01"), exts)
    assert due == D("2033-12-01")
    with pytest.raises(ExtensionError, match="exceeds 1 ×"):
        apply_extensions(
            "mbt",
            Kind.CLEARANCE,
            D("2016-06-01"),
            [exts[0], Extension(D("2033-12-01"), cumulative=True, count=1)],
        )


def _clearance(extensions, today="2026-01-01", deposit="1998-12-03"):
    status, tl = status_on(MBT, [Event(EventKind.RATIFICATION, D(deposit))], D(today))
    obs = obligations_for(MBT, status, tl, D(today), extensions={Kind.CLEARANCE: extensions})
    return next(o for o in obs if o.kind is Kind.CLEARANCE)


@pytest.mark.parametrize(
    ("count", "wording"),
    [(None, "(extensions not itemised)"), (1, "(extended once)"), (2, "(extended 2 times)")],
)
def test_basis_names_the_source_and_the_number_of_extensions(count, wording):
    ext = Extension(
        D("2018-12-31"), cumulative=True, count=count, source="Angola profile", decided_by="7MSP"
    )
    ob = _clearance([ext])
    assert ob.due == D("2018-12-31")
    assert ob.original_due == D("2009-06-01")
    assert "extended by 7MSP to 2018-12-31" in ob.basis
    assert f"deadline as recorded by Angola profile {wording}" in ob.basis


def test_an_itemised_extension_keeps_its_basis():
    ob = _clearance([Extension(D("2019-06-01"), decided_by="9MSP", source="9MSP report")])
    assert "extended by 9MSP to 2019-06-01" in ob.basis
    assert "deadline as recorded by" not in ob.basis


@pytest.mark.django_db
def test_the_selector_passes_cumulative_and_count(seeded):
    # Mozambique: MBT EIF 1 Mar 1999, so the original Art. 5 deadline is 1 Mar 2009.
    assert Country.objects.filter(iso3="MOZ").exists()
    ObligationExtension.objects.create(
        treaty_id="mbt",
        country_id="MOZ",
        kind="clearance",
        new_deadline=D("2026-03-01"),
        source="Test source (made for this test)",
        cumulative=True,
        extension_count=2,
    )
    [ob] = [
        o
        for o in obligations_for_country(iso3="MOZ", as_of=D("2026-01-01"), treaty="mbt")
        if o.kind is Kind.CLEARANCE
    ]
    assert ob.due == D("2026-03-01")
    assert ob.original_due == D("2009-03-01")
    assert ob.extensions[-1].cumulative and ob.extensions[-1].count == 2
    assert "deadline as recorded by Test source (made for this test) (extended 2 times)" in (
        ob.basis
    )
