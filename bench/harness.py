"""What the HTTP benchmarks share: a production-style environment in a temporary directory,
gunicorn on a free loopback port, readiness checks and a keep-alive load generator.

`--clients` threads each hold one keep-alive HTTP/1.1 connection (http.client) and share the
requests; latencies are measured per request in milliseconds. The clients run in the same
process and on the same machine as the servers, so figures are an upper bound.
"""

from __future__ import annotations

import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"


def production_env(var: Path, **extra: str) -> dict:
    """MONITOR_ENV=production on a fresh SQLite file in `var`, a throwaway secret key, no SSL
    redirect (loopback), and the default per-process local-memory cache."""
    env = {
        **os.environ,
        "MONITOR_ENV": "production",
        "MONITOR_SECRET_KEY": secrets.token_urlsafe(64),  # throwaway
        "MONITOR_ALLOWED_HOSTS": HOST,
        "MONITOR_SSL_REDIRECT": "false",
        "MONITOR_DEBUG": "false",
        "MONITOR_VAR_DIR": str(var),
        "DATABASE_URL": f"sqlite:///{var / 'monitor.sqlite3'}",
        **extra,
    }
    if "MONITOR_CACHE_URL" not in extra:
        env.pop("MONITOR_CACHE_URL", None)
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def monitor(env: dict, *args: str, quiet: bool = False) -> None:
    """Run the `monitor` console script of this virtualenv."""
    output = subprocess.DEVNULL if quiet else None
    subprocess.run([str(BIN / "monitor"), *args], env=env, check=True, cwd=ROOT, stdout=output)


def start_gunicorn(env: dict, workers: int, threads: int) -> tuple[subprocess.Popen, int]:
    """gunicorn (gthread, keep-alive 30 s) serving the project on a free loopback port."""
    port = free_port()
    proc = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "monitor.wsgi:application",
            "--bind",
            f"{HOST}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=ROOT,
    )
    return proc, port


def get(port: int, path: str) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        conn.request("GET", path, headers={"Host": HOST})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def wait_ready(port: int, path: str, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server on port {port} exited with status {proc.returncode}")
        try:
            if get(port, path)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise SystemExit(f"server on port {port} did not answer in time")


def run_load(
    port: int, path_for: Callable[[int], str] | str, total: int, clients: int
) -> list[float]:
    """`total` GETs by `clients` keep-alive connections; latencies in ms. `path_for` is a
    path, or a function of the request number giving it."""
    if isinstance(path_for, str):
        fixed = path_for
        path_for = lambda n: fixed  # noqa: E731
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
                n = next(counter, None)
            if n is None:
                break
            path = path_for(n)
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


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
