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
import http.client
import os
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
PAGE = "/countries/AFG/"
STATIC = "/static/web/monitor.css"
TARGET_P95_MS = 50.0


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def monitor(env: dict, *args: str, quiet: bool = False) -> None:
    output = subprocess.DEVNULL if quiet else None
    subprocess.run([str(BIN / "monitor"), *args], env=env, check=True, cwd=ROOT, stdout=output)


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"gunicorn exited with status {proc.returncode}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", STATIC)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in time")


def run_load(port: int, path: str, total: int, clients: int) -> list[float]:
    """`total` GETs of `path` by `clients` keep-alive connections; latencies in ms."""
    latencies: list[float] = []
    lock = threading.Lock()
    counter = iter(range(total))
    errors: list[str] = []
    start = threading.Barrier(clients)

    def client() -> None:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        mine = []
        start.wait()
        while True:
            with lock:
                if next(counter, None) is None:
                    break
            t0 = time.perf_counter()
            conn.request("GET", path, headers={"Host": HOST})
            response = conn.getresponse()
            response.read()
            mine.append((time.perf_counter() - t0) * 1000)
            if response.status != 200:
                errors.append(f"{path}: HTTP {response.status}")
            if response.will_close:
                conn.close()
                conn = http.client.HTTPConnection(HOST, port, timeout=30)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise SystemExit(f"{len(errors)} failed requests, e.g. {errors[0]}")
    return latencies


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000, help="per URL (default 2000)")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (gthread)")
    args = parser.parse_args()

    var = Path(tempfile.mkdtemp(prefix="monitor-latency-"))
    env = {
        **os.environ,
        "MONITOR_ENV": "production",
        "MONITOR_SECRET_KEY": secrets.token_urlsafe(64),  # throwaway
        "MONITOR_ALLOWED_HOSTS": HOST,
        "MONITOR_SSL_REDIRECT": "false",
        "MONITOR_DEBUG": "false",
        "MONITOR_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'monitor.sqlite3'}",
    }
    env.pop("MONITOR_CACHE_URL", None)  # the default: a local-memory cache per worker
    server = None
    try:
        print(f"preparing {var} (migrate, seed, collectstatic)", flush=True)
        monitor(env, "migrate", "--noinput", "-v0")
        monitor(env, "seed", "-v0", quiet=True)
        monitor(env, "collectstatic", "--noinput", "-v0")
        port = free_port()
        server = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "monitor.wsgi:application",
                "--bind",
                f"{HOST}:{port}",
                "--workers",
                str(args.workers),
                "--worker-class",
                "gthread",
                "--threads",
                str(args.threads),
                "--keep-alive",
                "30",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        wait_ready(port, server)
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
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        shutil.rmtree(var, ignore_errors=True)


if __name__ == "__main__":
    main()
