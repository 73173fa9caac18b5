"""Country-year casualty aggregation from individual records (monitor.research.aggregates).

Uses SYNTHETIC rows from bench/synthetic_casualties.py: not Monitor data.
"""

from collections import Counter

import pytest

from bench.synthetic_casualties import synthetic_rows
from monitor.countries.services import country_seed
from monitor.research.aggregates import (
    AGGREGATE_FIELDS,
    casualty_country_year,
    casualty_country_year_scan,
    casualty_rollup_refresh,
)
from monitor.research.bulk import BulkLoadError, casualty_records_bulk_load
from monitor.research.models import CasualtyAggregate, CasualtyRecord, CasualtyRollup
from monitor.research.services import edition_get_or_create, source_get_or_create
from monitor.research.themes import CASUALTY_GROUPS, check_casualty_totals

N = 500

# Record value -> aggregate field, per record field.
_FIELD_OF = {
    "outcome": {"killed": "killed", "injured": "injured", "unknown": "outcome_unknown"},
    "civilian_status": {
        "civilian": "civilian",
        "military": "military",
        "deminer": "deminer",
        "unknown": "status_unknown",
    },
    "age_group": {"child": "child", "adult": "adult", "unknown": "age_unknown"},
    "sex": {"female": "female", "male": "male", "unknown": "sex_unknown"},
    "device": {
        "ap_mine": "ap_mine",
        "improvised_mine": "improvised_mine",
        "av_mine": "av_mine",
        "unspecified_mine": "unspecified_mine",
        "cmr": "cmr",
        "other_erw": "other_erw",
        "unknown": "device_unknown",
    },
}


def _recount(rows) -> list[dict]:
    """The aggregation done in Python, the slow obvious way."""
    groups: dict[tuple, Counter] = {}
    for row in rows:
        country = None if row["country"].upper() == "WLD" else row["country"]
        c = groups.setdefault((country, int(row["data_year"])), Counter())
        c["total"] += 1
        for field, names in _FIELD_OF.items():
            c[names[row[field]]] += 1
    return [
        {"country": k[0], "data_year": k[1], **{f: groups[k][f] for f in AGGREGATE_FIELDS}}
        for k in sorted(groups, key=lambda k: (k[0] is None, k[0] or "", k[1]))
    ]


def _sorted(result):
    return sorted(result, key=lambda r: (r["country"] is None, r["country"] or "", r["data_year"]))


@pytest.fixture
def loaded(db):
    country_seed()
    source, _ = source_get_or_create(key="synthetic-test", title="SYNTHETIC TEST DATA")
    e1, _ = edition_get_or_create(name="Synthetic test edition A (not Monitor data)")
    e2, _ = edition_get_or_create(name="Synthetic test edition B (not Monitor data)")
    rows1 = list(synthetic_rows(N, seed=1, source_key=source.key))
    for row in rows1[:7]:
        row["country"] = "WLD"  # global records: no country
    rows2 = list(synthetic_rows(N // 5, seed=2, source_key=source.key))
    casualty_records_bulk_load(rows=rows1, edition=e1, source=source)
    casualty_records_bulk_load(rows=rows2, edition=e2, source=source)
    return {"e1": e1, "e2": e2, "rows1": rows1, "rows2": rows2}


def test_fields_match_casualty_aggregate():
    model_fields = {f.name for f in CasualtyAggregate._meta.get_fields()}
    assert set(AGGREGATE_FIELDS) <= model_fields
    assert set(AGGREGATE_FIELDS) == {"total"} | {c for g in CASUALTY_GROUPS.values() for c in g}


def test_aggregation_equals_python_recount(loaded):
    result = casualty_country_year(edition=loaded["e1"])
    assert _sorted(result) == _recount(loaded["rows1"])
    assert sum(r["total"] for r in result) == N
    everything = casualty_country_year()
    assert _sorted(everything) != []
    assert sum(r["total"] for r in everything) == N + N // 5
    both = _recount(loaded["rows1"] + loaded["rows2"])
    assert _sorted(everything) == both


def test_every_breakdown_sums_to_total_and_passes_the_theme_check(loaded):
    for row in casualty_country_year():
        for cols in CASUALTY_GROUPS.values():
            assert sum(row[c] for c in cols) == row["total"]
        assert check_casualty_totals(row) == []


def test_filters(loaded):
    rows1 = loaded["rows1"]
    country = next(r["country"] for r in rows1 if r["country"] != "WLD")
    year = 2010
    by_country = casualty_country_year(edition=loaded["e1"], country=country)
    assert by_country == [r for r in _recount(rows1) if r["country"] == country]
    by_year = casualty_country_year(edition=loaded["e1"].pk, year=year)
    assert _sorted(by_year) == [r for r in _recount(rows1) if r["data_year"] == year]
    both = casualty_country_year(edition=loaded["e2"], country=country, year=year)
    assert both == [
        r for r in _recount(loaded["rows2"]) if (r["country"], r["data_year"]) == (country, year)
    ]


def test_one_query(loaded, django_assert_num_queries):
    with django_assert_num_queries(1):
        casualty_country_year(edition=loaded["e1"], year=2005)


def test_empty(db):
    assert casualty_country_year() == []


def _rollup_rows():
    fields = ("edition_id", "source_id", "country_id", "data_year", *AGGREGATE_FIELDS)
    return sorted(CasualtyRollup.objects.values_list(*fields), key=repr)


def _assert_rollup_equals_scan(**filters):
    rolled, scanned = casualty_country_year(**filters), casualty_country_year_scan(**filters)
    assert rolled == scanned
    return rolled


def test_rollup_equals_scan_after_bulk_loads(loaded):
    e1, e2 = loaded["e1"], loaded["e2"]
    assert _sorted(_assert_rollup_equals_scan(edition=e1)) == _recount(loaded["rows1"])
    assert _sorted(_assert_rollup_equals_scan(edition=e2.pk)) == _recount(loaded["rows2"])
    assert _sorted(_assert_rollup_equals_scan()) == _recount(loaded["rows1"] + loaded["rows2"])
    some = loaded["rows1"][100]
    _assert_rollup_equals_scan(country=some["country"])
    assert _assert_rollup_equals_scan(edition=e1, country=some["country"], year=some["data_year"])
    assert _assert_rollup_equals_scan(year=int(some["data_year"]))
    # Global records (no country) have their own roll-up rows.
    assert CasualtyRollup.objects.filter(edition=e1, country__isnull=True).exists()
    assert CasualtyRollup.objects.filter(edition=e1).count() == len(
        casualty_country_year_scan(edition=e1)
    )


def test_second_source_adds_up_and_keeps_its_own_rows(loaded):
    e1 = loaded["e1"]
    other, _ = source_get_or_create(key="synthetic-other", title="SYNTHETIC TEST DATA 2")
    before = _rollup_rows()
    rows3 = list(synthetic_rows(N // 2, seed=3, source_key=other.key))
    casualty_records_bulk_load(rows=rows3, edition=e1, source=other)
    # The first source's roll-up rows are untouched; the new source has its own.
    first = [r for r in _rollup_rows() if r[1] != other.pk]
    assert first == before
    assert CasualtyRollup.objects.filter(source=other).exists()
    summed = _assert_rollup_equals_scan(edition=e1)
    assert _sorted(summed) == _recount(loaded["rows1"] + rows3)
    assert sum(r["total"] for r in _assert_rollup_equals_scan()) == N + N // 5 + N // 2


def test_failed_load_leaves_rollup_untouched(loaded):
    e1 = loaded["e1"]
    before = _rollup_rows()
    other, _ = source_get_or_create(key="synthetic-other", title="SYNTHETIC TEST DATA 2")
    bad = list(synthetic_rows(50, seed=4, source_key=other.key))
    bad[30]["outcome"] = "dead"
    with pytest.raises(BulkLoadError):
        casualty_records_bulk_load(rows=bad, edition=e1, source=other)
    # Same source as already loaded: a failure must not delete its existing roll-up rows.
    source = CasualtyRecord.objects.filter(edition=e1).first().source
    bad = list(synthetic_rows(50, seed=5, source_key=source.key))
    bad[-1]["device"] = "grenade"
    with pytest.raises(BulkLoadError):
        casualty_records_bulk_load(rows=bad, edition=e1, source=source)
    assert _rollup_rows() == before
    _assert_rollup_equals_scan()


def test_refresh_after_other_writes(loaded):
    e1 = loaded["e1"]
    record = CasualtyRecord.objects.filter(edition=e1, country__isnull=False).first()
    CasualtyRecord.objects.filter(edition=e1, country=record.country).delete()
    assert casualty_country_year(edition=e1) != casualty_country_year_scan(edition=e1)
    written = casualty_rollup_refresh(edition=e1, source=record.source)
    assert written == CasualtyRollup.objects.filter(edition=e1).count()
    assert not CasualtyRollup.objects.filter(edition=e1, country=record.country).exists()
    _assert_rollup_equals_scan(edition=e1)
    _assert_rollup_equals_scan()
    # Refreshing is idempotent; with no records left the pair has no roll-up rows.
    CasualtyRecord.objects.filter(edition=e1).delete()
    assert casualty_rollup_refresh(edition=e1.pk, source=record.source.pk) == 0
    assert casualty_country_year(edition=e1) == []
