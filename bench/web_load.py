"""Bench: the staff workbench under 50 concurrent users on loopback, on SQLite (target: p95 under 100 ms for the
queue page and the application page).

    .venv/bin/python bench/web_load.py                       # starts gongkai serve --demo on a temporary SQLite
    .venv/bin/python bench/web_load.py --seconds 60 --users 100
    .venv/bin/python bench/web_load.py --url http://127.0.0.1:8000 --password …   # a server already running

It starts the real ``gongkai serve`` (as the end-to-end tests do: fresh SQLite file, demo ledger and demo
accounts), signs in ``--users`` virtual users through the log-in form (clerk1 and clerk2 in turn, each virtual
user with its own cookie jar), then every virtual user requests, as fast as answers come back, either its
agency's queue (``/desk/{agency}/``) or one of its agency's applications chosen at random
(``/desk/{agency}/applications/{id}``) for ``--seconds`` — a user waits ``--think`` seconds on
average between pages (default 1 s), as a person reading them would; ``--think 0`` is a stress test rather
than 50 users: 50 requests are in flight at every moment, so by Little's law p50 ≈ 50 / throughput. The server
runs ``--workers`` processes (default: one per core). Latency is measured from sending the request to the
last byte of the body. It prints count, errors, p50/p95/p99 per page kind and overall, and whether p95 < 100 ms.

The load generator (one asyncio process, httpx2) runs on the same machine as the server and takes CPU from it;
its own CPU time is printed beside the server's so the figures can be read with that in mind. Nothing here is
asserted by the tests: the bench prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx2

TARGET_P95_MS = 100.0
DEMO_PASSWORD = "bench-demo-2026"
ACCOUNTS = ("clerk1", "clerk2")
START_SECONDS = 180
CSRF_FIELD = re.compile(r'name="csrf_token"\s+value="([^"]+)"|value="([^"]+)"\s+name="csrf_token"')
DESK_LINK = re.compile(r'href="/desk/(\d+)/')


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes] | None = None
    workdir: Path | None = None

    def cpu_seconds(self) -> float | None:
        """User + system CPU time so far of the server process and its worker processes (Linux /proc), None
        when not ours."""
        if self.process is None:
            return None
        pid, ticks = self.process.pid, 0
        try:
            own = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        ticks += int(own[11]) + int(own[12])
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # a process that ended meanwhile
            if int(fields[1]) == pid:  # a worker process of uvicorn's supervisor
                ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def start_server(password: str, workers: int) -> Server:
    """``gongkai serve --demo`` on a free port with a fresh SQLite file in a temporary directory."""
    workdir = Path(tempfile.mkdtemp(prefix="gongkai-bench-"))
    port = free_port()
    command = [
        str(Path(sys.executable).with_name("gongkai")), "serve", "--host", "127.0.0.1", "--port", str(port),
        "--db", f"sqlite:///{workdir / 'desk.db'}", "--demo", "--demo-password", password,
        "--data-dir", str(workdir), "--workers", str(workers),
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_")}
    log = (workdir / "serve.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=workdir)
    server = Server(f"http://127.0.0.1:{port}", process, workdir)
    started = time.monotonic()
    with httpx2.Client(timeout=5) as client:
        while time.monotonic() - started < START_SECONDS:
            if process.poll() is not None:
                break
            try:
                if client.get(server.url + "/").status_code < 500:
                    print(f"server ready in {time.monotonic() - started:.1f} s: {server.url}")
                    return server
            except httpx2.TransportError:
                pass
            time.sleep(0.25)
    output = (workdir / "serve.log").read_text(encoding="utf-8", errors="replace")[-4000:]
    server.stop()
    raise SystemExit(f"gongkai serve did not start ({' '.join(command)}):\n{output}")


def csrf_token(html: str) -> str:
    match = CSRF_FIELD.search(html)
    if match is None:
        raise SystemExit("no csrf_token field in the log-in form")
    return match.group(1) or match.group(2)


@dataclass
class VirtualUser:
    username: str
    client: httpx2.AsyncClient
    agency_id: int = 0
    application_ids: list[int] = field(default_factory=list)


async def sign_in(base: str, username: str, password: str) -> VirtualUser:
    """Through the real log-in form: GET /login for the CSRF token, POST the form, keep the session cookie."""
    client = httpx2.AsyncClient(base_url=base, timeout=30, follow_redirects=False)
    form = await client.get("/login")
    answer = await client.post(
        "/login", data={"username": username, "password": password, "csrf_token": csrf_token(form.text)}
    )
    if answer.status_code != 303:
        await client.aclose()
        raise SystemExit(f"log-in of {username} failed: HTTP {answer.status_code}\n{answer.text[:800]}")
    home = await client.get("/", follow_redirects=True)
    agencies = [int(a) for a in DESK_LINK.findall(home.text)]
    agency_id = agencies[0] if agencies else int(username[-1])  # clerk1 → agency 1 when no link says otherwise
    return VirtualUser(username, client, agency_id)


async def application_ids(user: VirtualUser) -> list[int]:
    """The agency's applications: from the JSON API (all of them), else the links of the queue page."""
    listing = await user.client.get(f"/api/agencies/{user.agency_id}/applications")
    if listing.status_code == 200 and isinstance(listing.json(), list) and listing.json():
        return [int(line["id"]) for line in listing.json()]
    queue = await user.client.get(f"/desk/{user.agency_id}/")
    found = sorted({int(i) for i in re.findall(rf"/desk/{user.agency_id}/applications/(\d+)", queue.text)})
    if not found:
        raise SystemExit(
            f"no application of agency {user.agency_id} found (API HTTP {listing.status_code}, queue HTTP"
            f" {queue.status_code})"
        )
    return found


@dataclass
class Samples:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    error_examples: list[str] = field(default_factory=list)


async def run_user(
    user: VirtualUser, until: float, samples: Samples | None, rng: random.Random, think: float = 0.0
) -> None:
    """Closed loop: the next request leaves when the previous answer is read — at once, or after a think time
    drawn uniformly from 0.5×–1.5× ``think`` seconds (a person reading the page)."""
    while time.perf_counter() < until:
        if think > 0:
            await asyncio.sleep(think * (0.5 + rng.random()))
            if time.perf_counter() >= until:
                break
        if rng.random() < 0.5:
            kind, url = "queue", f"/desk/{user.agency_id}/"
        else:
            kind, url = "application", f"/desk/{user.agency_id}/applications/{rng.choice(user.application_ids)}"
        started = time.perf_counter()
        try:
            response = await user.client.get(url)
            ok = response.status_code == 200
            problem = f"{url} → HTTP {response.status_code}"
        except httpx2.HTTPError as exc:
            ok, problem = False, f"{url} → {type(exc).__name__}: {exc}"
        elapsed = time.perf_counter() - started
        if samples is None:
            continue
        if ok:
            samples.latencies[kind].append(elapsed)
        else:
            samples.errors[kind] += 1
            if len(samples.error_examples) < 5:
                samples.error_examples.append(problem)


def percentile(sorted_values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of ``sorted_values`` (seconds)."""
    if not sorted_values:
        return float("nan")
    rank = max(1, min(len(sorted_values), round(q / 100 * len(sorted_values) + 0.5)))
    return sorted_values[rank - 1]


def report(samples: Samples, seconds: float) -> bool:
    """Print the table; True when p95 of every page kind is under the target."""
    kinds = sorted(samples.latencies.keys() | samples.errors.keys())
    rows = [(k, sorted(samples.latencies[k]), samples.errors[k]) for k in kinds]
    everything = sorted(v for _, values, _ in rows for v in values)
    rows.append(("overall", everything, sum(samples.errors.values())))
    print(f"\n{'page':<12}{'count':>8}{'errors':>8}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    met = True
    for name, values, errors in rows:
        p50, p95, p99 = (percentile(values, q) * 1000 for q in (50, 95, 99))
        top = values[-1] * 1000 if values else float("nan")
        print(
            f"{name:<12}{len(values):>8}{errors:>8}{len(values) / seconds:>9.1f}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}"
            f"{top:>9.1f}"
        )
        if name != "overall":
            met = met and bool(values) and p95 < TARGET_P95_MS and errors == 0
    for example in samples.error_examples:
        print(f"  error: {example}")
    return met


async def bench(args: argparse.Namespace) -> int:
    server = Server(args.url) if args.url else start_server(args.password, args.workers)
    users: list[VirtualUser] = []
    try:
        started = time.perf_counter()
        for i in range(args.users):  # one after the other: each log-in hashes a password (argon2)
            users.append(await sign_in(server.url, ACCOUNTS[i % len(ACCOUNTS)], args.password))
        print(f"{len(users)} virtual users signed in in {time.perf_counter() - started:.1f} s")
        by_agency: dict[int, list[int]] = {}
        for user in users:
            if user.agency_id not in by_agency:
                by_agency[user.agency_id] = await application_ids(user)
            user.application_ids = by_agency[user.agency_id]
        print("applications per agency: " + ", ".join(f"{a}: {len(ids)}" for a, ids in sorted(by_agency.items())))

        rng = random.Random(args.seed)
        if args.warmup > 0:
            until = time.perf_counter() + args.warmup
            await asyncio.gather(*(run_user(u, until, None, random.Random(rng.random()), args.think) for u in users))
        samples = Samples()
        server_cpu0, own_cpu0 = server.cpu_seconds(), time.process_time()
        began = time.perf_counter()
        until = began + args.seconds
        await asyncio.gather(*(run_user(u, until, samples, random.Random(rng.random()), args.think) for u in users))
        wall = time.perf_counter() - began
        server_cpu1, own_cpu1 = server.cpu_seconds(), time.process_time()
    finally:
        for user in users:
            await user.client.aclose()
        server.stop()

    pacing = f"think time {args.think:g} s (0.5–1.5×)" if args.think > 0 else "no think time (closed loop)"
    workers = "server at --url" if args.url else f"{args.workers} server worker(s)"
    print(f"\n{args.users} concurrent users, {pacing}, {workers}, {wall:.1f} s, SQLite, loopback, {os.cpu_count()} CPU cores")
    met = report(samples, wall)
    own = own_cpu1 - own_cpu0
    print(
        f"\nload generator CPU: {own:.1f} s ({own / wall:.0%} of one core) — it shares the machine's cores with the"
        " server, so the server had that much less"
    )
    if server_cpu0 is not None and server_cpu1 is not None:
        used = server_cpu1 - server_cpu0
        print(f"server CPU: {used:.1f} s ({used / wall:.0%} of one core)")
    verdict = "met" if met else "NOT met"
    print(f"target p95 < {TARGET_P95_MS:.0f} ms for the queue and application pages (no errors): {verdict}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--seconds", type=float, default=30.0, help="measured duration (default 30)")
    parser.add_argument("--users", type=int, default=50, help="concurrent virtual users (default 50)")
    parser.add_argument("--warmup", type=float, default=3.0, help="unmeasured seconds of load first (default 3)")
    parser.add_argument(
        "--think", type=float, default=1.0,
        help="mean seconds a user waits between pages, as a person reading them (default 1; 0: each user sends"
        " its next request at once — a stress test, not users)",
    )
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1,
        help="server worker processes (default: the number of cores, as a production set-up would use)",
    )
    parser.add_argument("--url", help="an already running server instead of starting one")
    parser.add_argument("--password", default=DEMO_PASSWORD, help="the demo accounts' password")
    parser.add_argument("--seed", type=int, default=1)
    return asyncio.run(bench(parser.parse_args()))


if __name__ == "__main__":
    sys.exit(main())
