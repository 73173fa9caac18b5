"""Our read API under gunicorn against Datasette, on the same SQLite file, in one run.

    .venv/bin/python bench/api_vs_datasette.py [--requests 2000] [--clients 20]
        [--workers 1,2] [--threads 4] [--as-of 2024-01-01] [--country AFG] [--bust]
        [--no-cache-run]

Everything happens in a temporary MONITOR_VAR_DIR (deleted at the end): a SQLite database
migrated and loaded with `monitor seed` (the bundled real data: treaty events, casualty
figures from the seed facts). That one file is then served twice, on 127.0.0.1 only:

* by our API: gunicorn (gthread, `--threads` per worker) with MONITOR_ENV=production, a
  throwaway secret key, MONITOR_SSL_REDIRECT=false and MONITOR_API_RATE raised so that the
  anonymous rate limit never answers 429 during the run; once per entry of `--workers`
  (default 1 and 2 processes; the 1-process run is the fair one, Datasette being a single
  process, and is the one the target is judged on), with the API's response cache as
  deployed (the default local-memory cache), plus one 1-process run with the cache turned
  off (MONITOR_CACHE_URL=dummy://), so every request runs the view and its queries;
* by Datasette (`datasette serve -i FILE`, immutable, read-only), with two canned queries
  in a generated metadata file.

Equivalent queries (the script checks that both servers return the same rows):

* parties: `GET /api/v1/treaties/mbt/parties?as_of=D` against a canned SQL query: latest
  deposit of an instrument on or before D, minus recorded effective withdrawals on or before
  D. Ours does more work per request: it reduces every country's events to a timeline in
  Python and applies the Art. 17 entry-into-force and Art. 20 withdrawal rules (statuses,
  computed dates); the SQL gives the same set of parties for the deposit count only.
* casualties: `GET /api/v1/casualties/?country=ISO3` against a canned SQL query over
  research_casualtyaggregate joined to its edition and source (our records embed both).

`--clients` threads, each with one keep-alive HTTP/1.1 connection (http.client), share
`--requests` GETs per query and server after a warm-up. It prints req/s, p50/p95/max for each,
then ours (1 worker) / Datasette for req/s and p95, and whether the target is met: our API
>= 1.5x Datasette's throughput at equal or better p95.

Caching: our API keeps each public 200 response in its cache under the data version, the
day and the full path (monitor/api/middleware.py) until published data changes; that is how
it is deployed, and the judged run. The "no cache" run (dummy cache) shows the cost of
computing every answer. The load generator sends no If-None-Match, so there are no 304s.
Datasette has no response cache (`default_cache_ttl` only sets the Cache-Control header; set
to 0 here). `--bust` adds a distinct `_bust=N` query parameter to every request on both
sides, which defeats our cache as well (every URL is new).

The clients run in this Python process on the same machine as the servers, so the figures
include client-side overhead and CPU contention; they are an upper bound, not a lab result.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from harness import (
    BIN,
    HOST,
    free_port,
    get,
    monitor,
    pct,
    production_env,
    run_load,
    start_gunicorn,
    stop,
    wait_ready,
)

DB_NAME = "monitor"  # Datasette names a database after the file's stem
API_RATE = "100000000/minute"
TARGET_RATIO = 1.5

# Instruments by which a State becomes bound (monitor.rules.treaties.DEPOSIT_KINDS).
DEPOSIT_KINDS = (
    "ratification",
    "acceptance",
    "approval",
    "accession",
    "succession",
    "consent_to_be_bound",
)
PARTIES_SQL = f"""
with deposit as (
  select country_id, max(date) as deposit_date
  from treaties_treatyevent
  where treaty_id = :treaty and date <= :as_of
    and kind in ({", ".join(f"'{k}'" for k in DEPOSIT_KINDS)})
  group by country_id
)
select c.iso3, c.name, d.deposit_date
from deposit d join countries_country c on c.iso3 = d.country_id
where not exists (
  select 1 from treaties_treatyevent w
  where w.treaty_id = :treaty and w.country_id = d.country_id
    and w.kind = 'withdrawal_effective' and w.date >= d.deposit_date and w.date <= :as_of
)
order by c.name
"""
CASUALTIES_SQL = """
select a.*, e.name as edition, s.key as source_key, s.title as source_title,
       s.url as source_url
from research_casualtyaggregate a
join research_edition e on e.id = a.edition_id
join research_source s on s.id = a.source_id
where a.country_id = :country
order by a.data_year, e.report_year, e.name, a.id
"""


def start_datasette(db: Path, metadata: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    proc = subprocess.Popen(
        [
            str(BIN / "datasette"),
            "serve",
            "-i",
            str(db),
            "--metadata",
            str(metadata),
            "--host",
            HOST,
            "--port",
            str(port),
            "--setting",
            "sql_time_limit_ms",
            "30000",
            "--setting",
            "default_cache_ttl",
            "0",
        ],
        cwd=db.parent,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return proc, port


def checkpoint(db: Path) -> None:
    """Fold any WAL content into the main file: Datasette's immutable mode ignores the WAL."""
    conn = sqlite3.connect(db)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    wal = db.with_name(db.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        raise SystemExit(f"{wal} is not empty after a checkpoint")


def verify(queries: list[dict], ours_port: int, ds_port: int) -> None:
    """Both servers must return the same rows for each query; prints what was compared."""
    for q in queries:
        status, headers, body = get(ours_port, q["ours"])
        if status != 200:
            raise SystemExit(f"our API: {q['ours']} -> HTTP {status}")
        ours = q["ours_rows"](json.loads(body))
        status, _, body = get(ds_port, q["datasette"])
        if status != 200:
            raise SystemExit(f"Datasette: {q['datasette']} -> HTTP {status}: {body[:300]!r}")
        theirs = q["ds_rows"](json.loads(body))
        if ours != theirs:
            raise SystemExit(
                f"{q['name']}: the servers disagree:\n  only ours: {sorted(ours - theirs)}\n"
                f"  only Datasette: {sorted(theirs - ours)}"
            )
        print(f"  {q['name']:10} same {len(ours)} rows on both ({q['compared']})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="per query and server")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument(
        "--workers",
        default="1,2",
        help="gunicorn worker processes, comma-separated runs (default 1,2; the first is judged)",
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    parser.add_argument("--as-of", default="2024-01-01", type=date.fromisoformat)
    parser.add_argument("--country", default="AFG")
    parser.add_argument(
        "--bust", action="store_true", help="a distinct _bust=N query parameter per request"
    )
    parser.add_argument(
        "--no-cache-run",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="also run 1 worker with the response cache off (default: yes)",
    )
    args = parser.parse_args()
    worker_runs = [int(w) for w in args.workers.split(",")]
    as_of, iso3 = args.as_of.isoformat(), args.country.upper()

    var = Path(tempfile.mkdtemp(prefix="monitor-vs-datasette-"))
    db = var / "monitor.sqlite3"
    env = production_env(var, MONITOR_API_RATE=API_RATE)
    queries = [
        {
            "name": "parties",
            "ours": f"/api/v1/treaties/mbt/parties?as_of={as_of}",
            "datasette": f"/{DB_NAME}/parties.json?"
            + urlencode({"treaty": "mbt", "as_of": as_of, "_shape": "array"}),
            "ours_rows": lambda d: {(p["iso3"], p["deposit_date"]) for p in d["parties"]},
            "ds_rows": lambda rows: {(r["iso3"], r["deposit_date"]) for r in rows},
            "compared": "ISO3 and deposit date of each MBT State Party",
        },
        {
            "name": "casualties",
            "ours": f"/api/v1/casualties/?country={iso3}",
            "datasette": f"/{DB_NAME}/casualties.json?"
            + urlencode({"country": iso3, "_shape": "array"}),
            "ours_rows": lambda d: {
                (r["country"], r["data_year"], r["edition"], r["scope"], r["total"])
                + (r["source"]["key"],)
                for r in d["results"]
            },
            "ds_rows": lambda rows: {
                (r["country_id"], r["data_year"], r["edition"], r["scope"], r["total"])
                + (r["source_key"],)
                for r in rows
            },
            "compared": "country, year, edition, scope, total and source of each record",
        },
    ]
    metadata = var / "datasette-metadata.json"
    metadata.write_text(
        json.dumps(
            {
                "databases": {
                    DB_NAME: {
                        "queries": {
                            "parties": {"sql": PARTIES_SQL},
                            "casualties": {"sql": CASUALTIES_SQL},
                        }
                    }
                }
            }
        ),
        encoding="utf-8",
    )
    servers: list[subprocess.Popen] = []
    try:
        print(f"preparing {var} (migrate, seed)", flush=True)
        monitor(env, "migrate", "--noinput", "-v0")
        monitor(env, "seed", "-v0", quiet=True)
        checkpoint(db)

        ds, ds_port = start_datasette(db, metadata)
        servers.append(ds)
        variants = [(f"ours, {w} worker{'s' if w > 1 else ''}", w, env) for w in worker_runs]
        if args.no_cache_run:
            uncached = {**env, "MONITOR_CACHE_URL": "dummy://"}
            variants.append((f"ours, {worker_runs[0]}w, no cache", worker_runs[0], uncached))
        ours_ports = {}
        for label, workers, variant_env in variants:
            proc, port = start_gunicorn(variant_env, workers, args.threads)
            servers.append(proc)
            ours_ports[label] = (port, proc)
        wait_ready(ds_port, queries[1]["datasette"], ds)
        for port, proc in ours_ports.values():
            wait_ready(port, queries[1]["ours"], proc)
        print(
            f"database {db.name}: {db.stat().st_size / 1e6:.1f} MB, served by both\n"
            f"our API: gunicorn gthread x {args.threads} threads, MONITOR_ENV=production, "
            f"DATABASE_URL sqlite (persistent connections), default locmem cache\n"
            f"  rate limit raised for the run: MONITOR_API_RATE={API_RATE} "
            "(default 120/minute would answer 429)\n"
            "  response cache: as deployed (kept until the data changes), except the "
            "'no cache' run (MONITOR_CACHE_URL=dummy://); no If-None-Match sent, so no 304s\n"
            f"Datasette {datasette_version()}: one process, -i (immutable), "
            "default_cache_ttl 0, sql_time_limit_ms 30000; no response cache\n"
            + (
                "cache busting: a distinct _bust=N parameter on every request (--bust)"
                if args.bust
                else "cache busting: off (nothing to bust; --bust to add _bust=N per request)"
            )
        )
        print("verifying equivalence:")
        verify(queries, next(iter(ours_ports.values()))[0], ds_port)

        targets = [("datasette", ds_port)] + [(lb, p) for lb, (p, _) in ours_ports.items()]
        results: dict[tuple[str, str], tuple[float, list[float]]] = {}
        print(
            f"\n{args.clients} concurrent keep-alive clients, {args.requests} GETs per query "
            f"and server after a warm-up, {os.cpu_count()} CPUs shared by clients and servers\n"
        )
        print(f"{'query':11} {'server':22} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8}")
        for q in queries:
            for label, port in targets:
                base = q["datasette"] if label == "datasette" else q["ours"]

                def path_for(n: int, base: str = base) -> str:
                    return f"{base}&_bust={n}" if args.bust else base

                warm = max(50, args.clients * 4)
                run_load(port, lambda n, f=path_for: f(10_000_000 + n), warm, args.clients)
                t0 = time.perf_counter()
                latencies = run_load(port, path_for, args.requests, args.clients)
                elapsed = time.perf_counter() - t0
                rps = len(latencies) / elapsed
                results[(q["name"], label)] = (rps, latencies)
                print(
                    f"{q['name']:11} {label:22} {rps:7.0f} {pct(latencies, 50):8.1f} "
                    f"{pct(latencies, 95):8.1f} {max(latencies):8.1f}",
                    flush=True,
                )

        judged = targets[1][0]
        print(f"\nratio {judged} / datasette (target: req/s >= {TARGET_RATIO}x, p95 <= 1x)")
        all_met = True
        for q in queries:
            ds_rps, ds_lat = results[(q["name"], "datasette")]
            for label, _ in targets[1:]:
                rps, lat = results[(q["name"], label)]
                rps_ratio = rps / ds_rps
                p95_ratio = pct(lat, 95) / pct(ds_lat, 95)
                met = rps_ratio >= TARGET_RATIO and p95_ratio <= 1.0
                if label == judged:
                    all_met = all_met and met
                print(
                    f"  {q['name']:11} {label:22} req/s x{rps_ratio:5.2f}  p95 x{p95_ratio:5.2f}  "
                    + ("target met" if met else "target NOT met")
                    + ("" if label == judged else "  (informational, not judged)")
                )
        print(
            f"target (our API >= {TARGET_RATIO}x Datasette's req/s at equal or better p95, "
            f"{judged}): " + ("met for every query" if all_met else "NOT met")
        )
    finally:
        for proc in servers:
            stop(proc)
        shutil.rmtree(var, ignore_errors=True)


def datasette_version() -> str:
    try:
        out = subprocess.run(
            [str(BIN / "datasette"), "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return "(version unknown)"
    return out.strip().rsplit(" ", 1)[-1]


if __name__ == "__main__":
    main()
