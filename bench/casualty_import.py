"""Benchmark: bulk import of individual casualty records and the country-year aggregation.

SYNTHETIC data only (bench/synthetic_casualties.py): nothing here is Monitor data.

    .venv/bin/python bench/casualty_import.py --sizes 10000,100000,1000000
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/casualty_import.py

SQLite (no DATABASE_URL): a fresh database in a temporary MONITOR_VAR_DIR, deleted at the
end; the demo database var/monitor.sqlite3 is never opened. PostgreSQL: the server of
DATABASE_URL, in a dedicated database `monitor_bench`, created (dropped first if left over)
and dropped at the end; the database named in the URL is only used to issue those commands.

For each size N: write N synthetic rows to a CSV file (not timed), empty the records and
roll-up tables, time csv.DictReader + casualty_records_bulk_load (validation and write, one
transaction), including the CasualtyRollup refresh the loader runs in the same transaction (on
PostgreSQL, also a first timed load of the same file with the per-row foreign-key triggers
kept, skip_fk_triggers=False, then emptied again). Refresh planner statistics (ANALYZE;
VACUUM ANALYZE on PostgreSQL, as autovacuum would after a bulk load), check that the roll-up
equals the raw scan, then time casualty_country_year_scan() (a GROUP BY over every record)
and casualty_country_year() (reads the roll-up): median of 5 runs after one warm-up run.
Optionally (--covering-index) the scan is timed again with an index on (edition, country,
data_year, outcome, civilian_status, age_group, sex, device), which this script creates in
its own database only.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.synthetic_casualties import (  # noqa: E402
    COLUMNS,
    EDITION_NAME,
    SOURCE_KEY,
    SOURCE_TITLE,
    synthetic_rows,
)

BENCH_DB = "monitor_bench"
TARGET_ROWS_PER_S = 50_000
TARGET_AGG_MS = 200
TARGET_AGG_SIZE = 1_000_000
COVER_INDEX = "bench_casualty_cover_idx"


def _sizes(text: str) -> list[int]:
    sizes = [int(s.replace("_", "")) for s in text.split(",") if s.strip()]
    if not sizes or any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError("sizes are positive whole numbers, e.g. 10000,100000")
    return sizes


def _setup_environment(tmp: Path) -> tuple[str, str | None]:
    """Point settings at a throwaway database; return (label, admin URL for PostgreSQL)."""
    os.environ["MONITOR_VAR_DIR"] = str(tmp)
    os.environ.pop("MONITOR_ENV", None)
    os.environ["MONITOR_DEBUG"] = "false"  # no query log growing during the runs
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return "SQLite (temporary file)", None
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit(f"DATABASE_URL must be empty (SQLite) or postgres://...; got {parts.scheme}://")
    if parts.path.lstrip("/") == BENCH_DB:
        sys.exit(f"give DATABASE_URL an existing database other than {BENCH_DB}")
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {BENCH_DB}")
        version = conn.execute("SHOW server_version").fetchone()[0]
    os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{BENCH_DB}"))
    return f"PostgreSQL {version} (database {BENCH_DB})", url


def _drop_pg(admin_url: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")


def _write_csv(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(synthetic_rows(n))


def _median_ms(fn, runs: int = 5) -> float:
    fn()  # warm-up: caches, plan
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _run(sizes: list[int], tmp: Path, covering_index: bool) -> list[dict]:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from monitor.countries.services import country_seed
    from monitor.research.aggregates import casualty_country_year, casualty_country_year_scan
    from monitor.research.bulk import casualty_records_bulk_load
    from monitor.research.models import CasualtyRecord, CasualtyRollup
    from monitor.research.services import edition_get_or_create, source_get_or_create

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):  # never the demo database
        assert Path(db["NAME"]).resolve().is_relative_to(tmp.resolve()), db["NAME"]
    else:
        assert db["NAME"] == BENCH_DB, db["NAME"]

    call_command("migrate", verbosity=0, interactive=False)
    country_seed()
    edition, _ = edition_get_or_create(name=EDITION_NAME)
    source, _ = source_get_or_create(key=SOURCE_KEY, title=SOURCE_TITLE)
    table = connection.ops.quote_name(CasualtyRecord._meta.db_table)
    rollup = connection.ops.quote_name(CasualtyRollup._meta.db_table)
    pg = connection.vendor == "postgresql"

    def sql(statement: str):
        with connection.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchone() if cursor.description else None

    if pg:
        superuser = sql("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")[0]
        print(f"  superuser: {superuser} (FK triggers skipped during COPY: {superuser})")

    def empty() -> None:
        sql(f"DELETE FROM {rollup}")
        sql(f"TRUNCATE {table}" if pg else f"DELETE FROM {table}")
        if pg:
            sql(f"VACUUM {table}")  # VACUUM cannot run in a transaction; autocommit here

    def load(path: Path, n: int, **kw) -> float:
        start = time.perf_counter()
        with path.open(newline="", encoding="utf-8") as fh:
            written = casualty_records_bulk_load(
                rows=csv.DictReader(fh), edition=edition, source=source, first_row=2, **kw
            )
        seconds = time.perf_counter() - start
        assert written == n, (written, n)
        return seconds

    results = []
    for n in sizes:
        path = tmp / f"synthetic_{n}.csv"
        _write_csv(path, n)
        sql(f"DROP INDEX IF EXISTS {COVER_INDEX}")
        row = {"n": n}
        if pg:  # the same load with the per-row foreign-key triggers, for comparison
            empty()
            row["import_fk_s"] = load(path, n, skip_fk_triggers=False)
            row["rows_per_s_fk"] = n / row["import_fk_s"]
        empty()
        row["import_s"] = load(path, n)  # as shipped: includes the roll-up refresh
        row["rows_per_s"] = n / row["import_s"]
        sql(f"VACUUM ANALYZE {table}" if pg else "ANALYZE")

        scan = casualty_country_year_scan(edition=edition)
        assert sum(r["total"] for r in scan) == n
        assert casualty_country_year(edition=edition) == scan, "roll-up differs from scan"
        assert casualty_country_year() == casualty_country_year_scan()
        row["groups"] = len(scan)
        row["scan_ms"] = _median_ms(lambda: casualty_country_year_scan(edition=edition))
        if covering_index:
            cols = "edition_id, country_id, data_year, outcome, civilian_status, age_group, sex"
            sql(f"CREATE INDEX {COVER_INDEX} ON {table} ({cols}, device)")
            sql(f"VACUUM ANALYZE {table}" if pg else "ANALYZE")
            row["scan_index_ms"] = _median_ms(lambda: casualty_country_year_scan(edition=edition))
            sql(f"DROP INDEX {COVER_INDEX}")
        row["rollup_ms"] = _median_ms(lambda: casualty_country_year(edition=edition))
        results.append(row)
        path.unlink()
        fk = f", with FK triggers {row['rows_per_s_fk']:>9,.0f} rows/s" if pg else ""
        print(
            f"  {n:>9,} rows: import {row['import_s']:6.2f} s ({row['rows_per_s']:>9,.0f} "
            f"rows/s{fk}), scan {row['scan_ms']:8.1f} ms, roll-up {row['rollup_ms']:6.2f} ms",
            flush=True,
        )
    connection.close()
    return results


def _report(label: str, results: list[dict], covering_index: bool) -> None:
    print()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Database: {label}; {os.cpu_count()} CPU(s), load average now {load}")
    print("SYNTHETIC data, not Monitor data. Import includes the roll-up refresh.")
    pg = "rows_per_s_fk" in results[0]
    head = f"{'rows':>10} {'import s':>9} {'rows/s':>10}"
    if pg:
        head += f" {'rows/s FK trig':>15}"
    head += f" {'groups':>7} {'scan ms':>9}"
    if covering_index:
        head += f" {'+index ms':>10}"
    head += f" {'roll-up ms':>11}"
    print(head)
    for r in results:
        line = f"{r['n']:>10,} {r['import_s']:>9.2f} {r['rows_per_s']:>10,.0f}"
        if pg:
            line += f" {r['rows_per_s_fk']:>15,.0f}"
        line += f" {r['groups']:>7} {r['scan_ms']:>9.1f}"
        if covering_index:
            line += f" {r['scan_index_ms']:>10.1f}"
        line += f" {r['rollup_ms']:>11.2f}"
        print(line)
    first, last = results[0], results[-1]
    if len(results) > 1:
        scale = last["n"] / first["n"]
        print(
            f"Growth {first['n']:,} -> {last['n']:,} rows (x{scale:,.0f}): "
            f"import time x{last['import_s'] / first['import_s']:,.1f}, "
            f"rows/s x{last['rows_per_s'] / first['rows_per_s']:.2f}, "
            f"scan time x{last['scan_ms'] / first['scan_ms']:,.1f}, "
            f"roll-up read time x{last['rollup_ms'] / first['rollup_ms']:,.2f}"
        )
    slowest = min(results, key=lambda r: r["rows_per_s"])
    met = slowest["rows_per_s"] >= TARGET_ROWS_PER_S
    print(
        f"Target import >= {TARGET_ROWS_PER_S:,} rows/s: {'met' if met else 'NOT MET'} "
        f"(slowest {slowest['rows_per_s']:,.0f} rows/s at {slowest['n']:,} rows)"
    )
    at_target = [r for r in results if r["n"] >= TARGET_AGG_SIZE]
    if at_target:
        r = at_target[0]
        met = r["rollup_ms"] <= TARGET_AGG_MS
        scan_met = "met" if r["scan_ms"] <= TARGET_AGG_MS else "NOT MET"
        extra = ""
        if covering_index:
            ok = r["scan_index_ms"] <= TARGET_AGG_MS
            extra = f"; with the covering index {r['scan_index_ms']:.1f} ms: "
            extra += "met" if ok else "NOT MET"
        print(
            f"Target aggregation <= {TARGET_AGG_MS} ms at {r['n']:,} rows: "
            f"{'met' if met else 'NOT MET'} by casualty_country_year (roll-up read "
            f"{r['rollup_ms']:.2f} ms); raw scan {r['scan_ms']:.1f} ms: {scan_met}{extra}"
        )
    else:
        print(f"Target aggregation <= {TARGET_AGG_MS} ms: not measured (needs a 1,000,000 size)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=_sizes, default=_sizes("10000,100000,1000000"))
    parser.add_argument(
        "--covering-index",
        action="store_true",
        help="also time the aggregation with a covering index (created in the bench DB only)",
    )
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "monitor.settings")
    tmp = Path(tempfile.mkdtemp(prefix="monitor-bench-"))
    admin_url = None
    try:
        label, admin_url = _setup_environment(tmp)
        print(f"Benchmark on {label}; sizes {', '.join(f'{n:,}' for n in args.sizes)}")
        print(f"  load average at start: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        results = _run(args.sizes, tmp, args.covering_index)
        _report(label, results, args.covering_index)
    finally:
        try:
            if admin_url:
                _drop_pg(admin_url)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
