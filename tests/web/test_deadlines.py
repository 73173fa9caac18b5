"""The deadlines tracker: every open obligation, overdue first, filterable."""

from __future__ import annotations

import re
from datetime import date

import pytest

from monitor.treaties.selectors import obligations_all, obligations_for_country

pytestmark = pytest.mark.django_db

AS_OF = "2026-02-03"


def _open_section(html: str) -> str:
    return html.split('id="open-heading"', 1)[1].split("</section>", 1)[0]


def _rows(section: str) -> list[tuple[str, str]]:
    """(status css class, due date) per row, in page order."""
    return re.findall(
        r'<tr class="ob-([a-z-]+)">.*?<td><time datetime="(\d{4}-\d{2}-\d{2})">', section, re.S
    )


def test_page_sorted_overdue_first_then_by_due_date(client, seeded):
    response = client.get("/deadlines/", {"as_of": AS_OF})
    assert response.status_code == 200
    rows = _rows(_open_section(response.content.decode()))
    statuses = [s for s, _ in rows]
    assert "overdue" in statuses and "pending" in statuses
    first_pending = statuses.index("pending")
    assert set(statuses[:first_pending]) == {"overdue"}
    assert set(statuses[first_pending:]) == {"pending"}
    overdue = [d for s, d in rows if s == "overdue"]
    pending = [d for s, d in rows if s == "pending"]
    assert overdue == sorted(overdue) and pending == sorted(pending)


def test_rows_match_the_country_selector(seeded):
    as_of = date(2026, 2, 3)
    rows = obligations_all(as_of=as_of)
    ukr = [(r.treaty.code, r.obligation) for r in rows if r.iso3 == "UKR"]
    expected = [
        (o.treaty, o)
        for o in obligations_for_country(iso3="UKR", as_of=as_of)
        if o.status.value in ("overdue", "pending", "unknown")
    ]
    assert sorted(ukr, key=lambda x: (x[0], x[1].kind)) == sorted(
        expected, key=lambda x: (x[0], x[1].kind)
    )


def test_unknown_ones_are_in_a_collapsed_section(client, seeded):
    html = client.get("/deadlines/", {"as_of": AS_OF}).content.decode()
    assert 'class="ob-unknown"' not in _open_section(html)
    unknown = html.split('id="unknown-heading"', 1)[1]
    assert "<details>" in unknown and 'class="ob-unknown"' in unknown
    assert "nothing is recorded yet" in unknown


def test_filters(client, seeded):
    html = client.get(
        "/deadlines/", {"as_of": AS_OF, "treaty": "mbt", "kind": "clearance", "region": "Europe"}
    ).content.decode()
    section = _open_section(html)
    assert "Clearance" in section
    assert "Annual transparency report" not in section
    assert "Convention on Cluster Munitions</a>" not in section
    assert ">Ukraine</a>" in section  # MBT Art. 5, extended deadline
    assert ">Afghanistan</a>" not in section  # Asia
    assert '<label for="f-treaty">' in html and '<option value="mbt" selected>' in html


@pytest.mark.parametrize(
    "params", [{"treaty": "xyz"}, {"kind": "nothing"}, {"region": "Atlantis"}, {"as_of": "x"}]
)
def test_bad_filter_is_400(client, seeded, params):
    assert client.get("/deadlines/", params).status_code == 400


def test_query_count_does_not_depend_on_data(client, seeded, django_assert_num_queries):
    # Regions, treaties, countries, events, extensions, facts.
    with django_assert_num_queries(6):
        assert client.get("/deadlines/").status_code == 200
