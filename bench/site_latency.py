"""Latency of a public page against a static file, served by gunicorn in production mode.

    .venv/bin/python bench/site_latency.py [--requests 2000] [--clients 50] [--workers 2]

Everything happens in a temporary MONITOR_VAR_DIR (deleted at the end): a SQLite database
migrated and loaded with `monitor seed`, `collectstatic`, then gunicorn on 127.0.0.1 (a free
port; loopback only) with MONITOR_ENV=production, a throwaway secret key and
MONITOR_SSL_REDIRECT=false. `--clients` threads, each with one keep-alive HTTP/1.1
connection (http.client), share `--requests` GETs of /countries/AFG/, then the same number
of /static/web/monitor.css. It prints p50/p95/max for both and the ratio of the page's p95
to the static file's. Target: page p95 <= 50 ms.

The clients run in this Python process on the same machine as the server, so the figures
include client-side overhead and CPU contention; they are an upper bound, not a lab result.
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from pathlib import Path

from harness import (
    monitor,
    pct,
    production_env,
    run_load,
    start_gunicorn,
    stop,
    wait_ready,
)

PAGE = "/countries/AFG/"
STATIC = "/static/web/monitor.css"
TARGET_P95_MS = 50.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="per URL (default 2000)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="monitor-latency-"))
    env = production_env(var)
    server = None
    try:
        print(f"preparing {var} (migrate, seed, collectstatic)", flush=True)
        monitor(env, "migrate", "--noinput", "-v0")
        monitor(env, "seed", "-v0", quiet=True)
        monitor(env, "collectstatic", "--noinput", "-v0")
        server, port = start_gunicorn(env, args.workers, args.threads)
        wait_ready(port, STATIC, server)
        # Warm up every worker (first render, then the page cache of each process).
        run_load(port, PAGE, args.workers * args.threads * 4, min(args.clients, 16))
        results = {}
        for path in (PAGE, STATIC):
            t0 = time.perf_counter()
            latencies = run_load(port, path, args.requests, args.clients)
            elapsed = time.perf_counter() - t0
            results[path] = latencies
            print(
                f"{path:28} n={len(latencies):5}  p50 {pct(latencies, 50):6.1f} ms  "
                f"p95 {pct(latencies, 95):6.1f} ms  max {max(latencies):6.1f} ms  "
                f"{len(latencies) / elapsed:6.0f} req/s"
            )
        page95, static95 = pct(results[PAGE], 95), pct(results[STATIC], 95)
        print(f"p95 ratio page/static: {page95 / static95:.2f}")
        print(
            f"target p95 <= {TARGET_P95_MS:.0f} ms for {PAGE}: "
            + ("met" if page95 <= TARGET_P95_MS else "NOT met")
        )
        print(
            f"({args.clients} concurrent keep-alive clients, gunicorn gthread "
            f"{args.workers} workers x {args.threads} threads, {os.cpu_count()} CPUs)"
        )
    finally:
        if server is not None:
            stop(server)
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
