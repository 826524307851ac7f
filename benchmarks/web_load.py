"""The web API under load on loopback: latency and errors at 50 concurrent clients.

Target (issue 7, DESIGN.md): API p99 < 100 ms at 50 concurrent clients, with zero errors.

``ditf serve`` runs in a subprocess exactly as a user starts it (uvicorn, one process, no
reload, access log on, 127.0.0.1 on a free port). 50 clients each keep one HTTP/1.1
connection open and send their next request as soon as the previous answer arrives, until
2000 requests are done; every answer must be 200 with the expected JSON. Three runs, side by
side in one process:

* ``/healthz``: the baseline, the cost of the HTTP stack and the app's middleware alone;
* ``/api/predict`` with the form's input: what most visitors send (after the first request
  the answer comes from the app's prediction cache: same input, same seed, same numbers);
* ``/api/predict`` with a different input every time: every request runs the model (1000
  posterior draws, in a worker thread, at most one per core at a time).

The clients are a minimal asyncio HTTP/1.1 client rather than httpx: on two shared cores
httpx's own work per request (a few ms) would queue 50 clients behind the client, not the
server, and the run would measure httpx.

Run: ``python benchmarks/web_load.py``.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

CLIENTS = 50
REQUESTS = 2000
WARMUP = 200
TARGET_P99_MS = 100.0
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Stats:
    """Latencies (ms) of one run and what went wrong."""

    name: str
    latencies: list[float]
    errors: int
    seconds: float

    def quantile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    @property
    def p50(self) -> float:
        return statistics.median(self.latencies)

    @property
    def p99(self) -> float:
        return self.quantile(0.99)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def start_server(port: int) -> subprocess.Popen[bytes]:
    """``ditf serve`` on a free loopback port, as a user would start it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DITF_")}
    command = [sys.executable, "-c", "from ditf.cli import main; main()", "serve"]
    return subprocess.Popen(
        [*command, "--host", HOST, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_ready(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("ditf serve exited before it was ready")
        try:
            with socket.create_connection((HOST, port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("ditf serve did not start in time")


def request_bytes(method: str, path: str, body: dict[str, object] | None) -> bytes:
    head = f"{method} {path} HTTP/1.1\r\nHost: {HOST}\r\n"
    if body is None:
        return (head + "\r\n").encode()
    payload = json.dumps(body).encode()
    head += f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
    return head.encode() + payload


async def exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, raw: bytes
) -> tuple[int, bytes]:
    """One request on a kept-alive connection; the status and body of the answer."""
    writer.write(raw)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return status, await reader.readexactly(length)


async def load(
    port: int,
    name: str,
    make: Callable[[int], bytes],
    key: str,
    count: int = REQUESTS,
    clients: int = CLIENTS,
) -> Stats:
    """``clients`` connections send ``count`` requests in all, each after the last answer."""
    numbers = iter(range(count))
    latencies: list[float] = []
    errors = 0

    async def client() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(HOST, port)
        try:
            for i in numbers:
                start = time.perf_counter()
                try:
                    status, body = await asyncio.wait_for(exchange(reader, writer, make(i)), 30)
                    ok = status == 200 and key in json.loads(body)
                except (OSError, asyncio.IncompleteReadError, TimeoutError, ValueError):
                    ok = False
                    writer.close()
                    reader, writer = await asyncio.open_connection(HOST, port)
                latencies.append(1e3 * (time.perf_counter() - start))
                errors += not ok
        finally:
            writer.close()

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return Stats(name, latencies, errors, time.perf_counter() - start)


def health(_: int) -> bytes:
    return request_bytes("GET", "/healthz", None)


def predict_form(_: int) -> bytes:
    return request_bytes("POST", "/api/predict", {"opener": 208, "target": 2, "baseline": 0.167})


def predict_distinct(i: int) -> bytes:
    # A new opener every time (warm-up used others): every request runs the model.
    body = {"opener": 300 + i / 100, "target": 2, "baseline": 0.167}
    return request_bytes("POST", "/api/predict", body)


def report(stats: Stats, baseline: Stats | None) -> None:
    rate = len(stats.latencies) / stats.seconds
    line = (
        f"{stats.name:<34} p50 {stats.p50:6.1f} ms  p99 {stats.p99:6.1f} ms  "
        f"max {max(stats.latencies):6.1f} ms  {rate:6.0f} req/s  errors {stats.errors}"
    )
    if baseline is not None:
        line += f"  (p50 {stats.p50 / baseline.p50:.1f}x, p99 {stats.p99 / baseline.p99:.1f}x)"
        met = stats.p99 < TARGET_P99_MS and stats.errors == 0
        line += f"  target p99 < {TARGET_P99_MS:.0f} ms, 0 errors: {'met' if met else 'MISSED'}"
    print(line)


async def measure(port: int) -> None:
    warm = WARMUP
    await load(port, "warm-up", health, "status", warm)
    await load(port, "warm-up", lambda i: predict_distinct(REQUESTS + i), "p_sequence", warm)
    baseline = await load(port, "GET /healthz (baseline)", health, "status")
    form = await load(port, "POST /api/predict, form input", predict_form, "p_sequence")
    fresh = await load(port, "POST /api/predict, all distinct", predict_distinct, "p_sequence")
    print(f"{CLIENTS} concurrent clients, {REQUESTS} requests per run, loopback, one uvicorn "
          f"process; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")  # fmt: skip
    report(baseline, None)
    report(form, baseline)
    report(fresh, baseline)


def main() -> None:
    """Start ``ditf serve``, load it, print the figures, stop it."""
    port = free_port()
    process = start_server(port)
    try:
        wait_ready(port, process)
        asyncio.run(measure(port))
    finally:
        process.terminate()
        process.wait(timeout=30)


if __name__ == "__main__":
    main()
