"""Treaty pages: counts equal the CLI's, lists, withdrawals, membership over time."""

from __future__ import annotations

import json
import re
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from monitor.rules.treaties import CountMode
from monitor.treaties.selectors import membership_by_year, parties_as_of

pytestmark = pytest.mark.django_db


def _count(html: str, which: str) -> int:
    return int(re.search(rf'id="count-{which}">(\d+)<', html).group(1))


def _cli_count(treaty: str, as_of: str, mode: str) -> int:
    out = StringIO()
    call_command(
        "treaty-status",
        f"--treaty={treaty}",
        f"--as-of={as_of}",
        f"--mode={mode}",
        "--format=json",
        stdout=out,
    )
    return json.loads(out.getvalue())["count"]


@pytest.mark.parametrize(
    "code,as_of,expected", [("mbt", "2026-02-03", 162), ("ccm", "2025-09-05", 112)]
)
def test_counts_equal_the_cli(client, seeded, code, as_of, expected):
    response = client.get(f"/treaties/{code}/", {"as_of": as_of})
    assert response.status_code == 200
    html = response.content.decode()
    assert _count(html, "deposit") == expected == _cli_count(code, as_of, "deposit")
    assert _count(html, "in-force") == _cli_count(code, as_of, "in-force")


@pytest.mark.parametrize("code", ["mbt", "ccm", "ccw-ii", "ccw-v"])
def test_every_treaty_page(client, seeded, code):
    response = client.get(f"/treaties/{code}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<caption>" in html and 'scope="row"' in html
    assert "United Nations Treaty Collection" in html
    assert 'name="as_of"' in html and '<label for="as_of">' in html
    assert html.count("<svg") >= 2  # the status map and the membership chart
    assert 'role="group"' in html  # the chart's text alternative (title and desc)


def test_treaty_page_facts_lists_and_source(client, seeded):
    html = client.get("/treaties/mbt/", {"as_of": "2026-02-03"}).content.decode()
    assert "<h1>Mine Ban Treaty</h1>" in html
    assert '<time datetime="1997-09-18">18 September 1997</time>' in html  # adopted
    assert '<time datetime="1999-03-01">1 March 1999</time>' in html  # entry into force
    assert '<time datetime="1998-09-16">16 September 1998</time>' in html  # 40th instrument
    # Afghanistan: deposit 11 September 2002, entry into force 1 March 2003, linked.
    assert 'href="/countries/AFG/?as_of=2026-02-03">Afghanistan</a>' in html
    assert '<time datetime="2002-09-11">11 September 2002</time>' in html
    assert "Chapter XXVI-5, status as at 2026-02-03" in html


def test_estonia_listed_under_withdrawals(client, seeded):
    html = client.get("/treaties/mbt/").content.decode()
    section = html.split('id="withdrawals-heading"', 1)[1].split("</section>", 1)[0]
    assert ">Estonia</a>" in section
    assert '<time datetime="2025-06-27">27 June 2025</time>' in section
    assert '<time datetime="2025-12-27">27 December 2025</time>' in section


def test_membership_by_year_matches_parties_as_of(seeded):
    series = membership_by_year(treaty="mbt", until=date(2026, 2, 3))
    assert series[0]["year"] == 1997 and series[-1]["year"] == 2026
    by_year = {p["year"]: p for p in series}
    for year in (1999, 2012, 2025):
        day = date(year, 12, 31)
        assert by_year[year]["deposit"] == parties_as_of(treaty="mbt", as_of=day).count
        assert (
            by_year[year]["in_force"]
            == parties_as_of(treaty="mbt", as_of=day, mode=CountMode.IN_FORCE).count
        )
    assert by_year[2026]["deposit"] == 162


def test_membership_table_on_page(client, seeded):
    html = client.get("/treaties/ccm/").content.decode()
    section = html.split('id="history-heading"', 1)[1].split("</section>", 1)[0]
    assert "<caption>" in section
    row = re.search(r'<th scope="row">2010</th><td class="num">(\d+)</td>', section)
    assert row and int(row.group(1)) == parties_as_of(treaty="ccm", as_of=date(2010, 12, 31)).count


def test_treaty_index(client, seeded):
    response = client.get("/treaties/")
    assert response.status_code == 200
    html = response.content.decode()
    for code in ("mbt", "ccm", "ccw-ii", "ccw-v"):
        assert f'href="/treaties/{code}/"' in html


def test_unknown_treaty_is_404(client, seeded):
    assert client.get("/treaties/xyz/").status_code == 404


def test_bad_date_is_400(client, seeded):
    assert client.get("/treaties/mbt/", {"as_of": "2025-02-30"}).status_code == 400


def test_treaty_page_query_count(client, seeded, django_assert_num_queries):
    # The treaty, its events and the countries (3), and the status map (3): independent of
    # the number of events and countries.
    with django_assert_num_queries(6):
        assert client.get("/treaties/mbt/").status_code == 200
    with django_assert_num_queries(6):
        assert client.get("/treaties/ccw-v/", {"as_of": "2010-01-01"}).status_code == 200
