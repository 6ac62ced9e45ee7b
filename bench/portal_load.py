"""Bench: the public portal at a fixed arrival rate on loopback (issue #6 target: 200 requests per second for
60 seconds with p99 under 300 ms, no application lost or stored twice).

    .venv/bin/python bench/portal_load.py                          # 200 req/s for 60 s, 2 server workers
    .venv/bin/python bench/portal_load.py --seconds 10             # a short run while developing

It starts the real ``gongkai serve --workers 2`` on a fresh SQLite file with the demo ledger (as
bench/web_load.py does), with the portal's per-address limits raised through ``GONGKAI_PORTAL_APPLY_PER_HOUR``
and ``GONGKAI_PORTAL_QUERIES_PER_MINUTE``: every request here comes from 127.0.0.1, which the production limits
(10 applications an hour, 20 queries a minute per address) would refuse almost at once. It then drives the
portal **open-loop**: request *i* leaves at ``start + i / rate`` whatever the earlier answers are doing, so a
slow server shows as latency (and as a falling achieved rate when the client cannot keep up), never as a
quietly lower load. The mix: the application form page (GET ``/apply/{agency}``), submitting an application
(POST, answered 303), and status queries (POST ``/status``) with real number + query-code pairs collected from
applications submitted before the measured run. Latency runs from the scheduled departure (so queueing in the
client counts too) to the last byte of the answer.

Afterwards it reads the database: every application answered 303 must be stored exactly once (each carries a
unique marker in its 所需信息), none may be stored twice, and applications stored whose answer was lost
(a time-out) are counted. It also prints the CPU time the server processes (uvicorn's supervisor and its
workers) and the load generator used during the measured run, per request: the machine's cores are shared by
both. Nothing here is asserted by the tests: the bench prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx2

TARGET_P99_MS = 300.0
START_SECONDS = 180
LIMIT_ENV = {"GONGKAI_PORTAL_APPLY_PER_HOUR": "100000000", "GONGKAI_PORTAL_QUERIES_PER_MINUTE": "100000000"}
CSRF_FIELD = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
NUMBER = re.compile(r'class="number">([^<]+)<')
CODE = re.compile(r'class="code">([^<]+)<')
AGENCY_LINK = re.compile(r'href="/apply/(\d+)"')
MIX = (("form", 0.3), ("apply", 0.2), ("status", 0.5))


@dataclass
class Server:
    url: str
    database: str
    process: subprocess.Popen[bytes]
    workdir: Path

    def cpu_seconds(self) -> float | None:
        """User + system CPU time so far of the server and its worker processes (Linux /proc)."""
        from web_load import Server as Measured  # the same /proc reading as the workbench bench

        return Measured(self.url, self.process).cpu_seconds()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.workdir, ignore_errors=True)


def start_server(workers: int) -> Server:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from web_load import free_port  # the same helper as the workbench bench

    workdir = Path(tempfile.mkdtemp(prefix="gongkai-portal-bench-"))
    port = free_port()
    database = f"sqlite:///{workdir / 'desk.db'}"
    command = [
        str(Path(sys.executable).with_name("gongkai")), "serve", "--host", "127.0.0.1", "--port", str(port),
        "--db", database, "--demo", "--data-dir", str(workdir), "--workers", str(workers),
    ]  # fmt: skip
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_")} | LIMIT_ENV
    log = (workdir / "serve.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=workdir)
    server = Server(f"http://127.0.0.1:{port}", database, process, workdir)
    started = time.monotonic()
    with httpx2.Client(timeout=5) as client:
        while time.monotonic() - started < START_SECONDS and process.poll() is None:
            try:
                if client.get(server.url + "/apply").status_code == 200:
                    print(
                        f"server ready in {time.monotonic() - started:.1f} s: {server.url}, {workers} workers"
                    )
                    return server
            except httpx2.TransportError:
                pass
            time.sleep(0.25)
    output = (workdir / "serve.log").read_text(encoding="utf-8", errors="replace")[-4000:]
    server.stop()
    raise SystemExit(f"gongkai serve did not start ({' '.join(command)}):\n{output}")


def application_form(token: str, marker: str, n: int) -> dict[str, str]:
    return {
        "csrf_token": token, "applicant_type": "natural_person", "name": f"压测申请人{n % 97}",
        "id_document_type": "resident_id", "id_document": "11010519491231002X", "phone": "13812345678",
        "email": "", "address": "青溪县吴村镇东山村12号", "information": marker, "form_wanted": "paper",
        "delivery": "post", "declaration": "yes",
    }  # fmt: skip


@dataclass
class Run:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: Counter[str] = field(default_factory=Counter)
    examples: list[str] = field(default_factory=list)
    answered_303: list[str] = field(default_factory=list)
    submitted: list[str] = field(default_factory=list)
    late_starts: int = 0
    sent: int = 0


async def seed_pairs(base: str, agencies: list[int], count: int, run_id: str) -> list[tuple[str, str]]:
    """Number + query code of ``count`` applications, read from their receipts (one browser each)."""
    pairs: list[tuple[str, str]] = []
    for n in range(count):
        async with httpx2.AsyncClient(base_url=base, timeout=30, follow_redirects=False) as browser:
            agency = agencies[n % len(agencies)]
            form = await browser.get(f"/apply/{agency}")
            token = CSRF_FIELD.search(form.text)
            assert token is not None, "no CSRF token on the application form"
            sent = await browser.post(
                f"/apply/{agency}", data=application_form(token.group(1), f"bench-{run_id}-seed-{n}", n)
            )
            if sent.status_code != 303:
                raise SystemExit(
                    f"seeding application {n} failed: HTTP {sent.status_code}\n{sent.text[:600]}"
                )
            receipt = (await browser.get("/apply/done")).text
            number, code = NUMBER.search(receipt), CODE.search(receipt)
            if number is None or code is None:
                raise SystemExit("the receipt page shows no number and code")
            pairs.append((number.group(1).strip(), code.group(1).strip()))
    return pairs


async def one(
    client: httpx2.AsyncClient,
    run: Run,
    kind: str,
    n: int,
    due: float,
    token: str,
    agency: int,
    pair: tuple[str, str],
    run_id: str,
) -> None:
    marker = f"bench-{run_id}-{n}"
    try:
        if kind == "form":
            answer = await client.get(f"/apply/{agency}")
            ok = answer.status_code == 200
        elif kind == "apply":
            run.submitted.append(marker)
            answer = await client.post(f"/apply/{agency}", data=application_form(token, marker, n))
            ok = answer.status_code == 303
            if ok:
                run.answered_303.append(marker)
        else:
            answer = await client.post(
                "/status", data={"csrf_token": token, "number": pair[0], "code": pair[1]}
            )
            ok = answer.status_code == 200
        problem = f"{kind} → HTTP {answer.status_code}"
    except httpx2.HTTPError as exc:
        ok, problem = False, f"{kind} → {type(exc).__name__}"
    if ok:
        run.latencies[kind].append(time.perf_counter() - due)
    else:
        run.errors[kind] += 1
        if len(run.examples) < 5:
            run.examples.append(problem)


@dataclass
class Usage:
    """CPU seconds used during the measured run: by the server processes (None when /proc cannot tell), by
    this process, and by the whole machine (None without /proc/stat) — the rest is other people's work."""

    server: float | None
    client: float
    machine: float | None


def machine_busy() -> float | None:
    """CPU seconds the whole machine has spent busy since boot, all cores (Linux /proc/stat)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")  # guest time is already counted in user


async def drive(
    server: Server, rate: float, seconds: float, seed: int, seed_count: int
) -> tuple[Run, float, str, Usage]:
    base = server.url
    run_id = uuid.uuid4().hex[:8]
    rng = random.Random(seed)
    limits = httpx2.Limits(max_connections=400, max_keepalive_connections=400)
    async with httpx2.AsyncClient(base_url=base, timeout=30, follow_redirects=False, limits=limits) as client:
        agencies = sorted({int(a) for a in AGENCY_LINK.findall((await client.get("/apply")).text)})
        if not agencies:
            raise SystemExit("the portal lists no agency")
        form = await client.get(f"/apply/{agencies[0]}")
        token_match = CSRF_FIELD.search(form.text)
        assert token_match is not None
        token = token_match.group(1)  # the anonymous token of this client's cookie: valid for all its forms
        pairs = await seed_pairs(base, agencies, seed_count, run_id)
        print(f"{len(pairs)} number + code pairs from applications submitted before the run")
        run = Run()
        tasks: list[asyncio.Task[None]] = []
        kinds = [k for k, _ in MIX]
        weights = [w for _, w in MIX]
        total = int(rate * seconds)
        # What the generator has built so far (modules, the client) out of the collector's sight: a full
        # collection walking it pauses this process for tens of milliseconds, which would count as latency of
        # every request in flight.
        gc.collect()
        gc.freeze()
        server_cpu, client_cpu, machine_cpu = server.cpu_seconds(), time.process_time(), machine_busy()
        began = time.perf_counter()
        for n in range(total):
            due = began + n / rate
            wait = due - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            elif wait < -0.005:
                run.late_starts += 1  # the client itself fell behind its schedule
            kind = rng.choices(kinds, weights)[0]
            tasks.append(
                asyncio.create_task(
                    one(client, run, kind, n, due, token, rng.choice(agencies), rng.choice(pairs), run_id)
                )
            )
        await asyncio.gather(*tasks)
        wall = time.perf_counter() - began
        run.sent = len(tasks)
        server_after, machine_after = server.cpu_seconds(), machine_busy()
        usage = Usage(
            None if server_cpu is None or server_after is None else server_after - server_cpu,
            time.process_time() - client_cpu,
            None if machine_cpu is None or machine_after is None else machine_after - machine_cpu,
        )
    return run, wall, run_id, usage


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return float("nan")
    rank = max(1, min(len(values), round(q / 100 * len(values) + 0.5)))
    return values[rank - 1]


def verify(database: str, run: Run, run_id: str) -> bool:
    """Every application answered 303 stored exactly once; none stored twice."""
    from sqlalchemy import func, select

    from gongkai.store import make_engine
    from gongkai.store.orm import ApplicationRow

    engine = make_engine(database)
    try:
        with engine.connect() as conn:
            stored = dict(conn.execute(
                select(ApplicationRow.information, func.count())
                .where(ApplicationRow.information.startswith(f"bench-{run_id}-"))
                .group_by(ApplicationRow.information)
            ).all())  # fmt: skip
    finally:
        engine.dispose()
    measured = {m: c for m, c in stored.items() if "-seed-" not in m}
    lost = [m for m in run.answered_303 if measured.get(m, 0) == 0]
    twice = {m: c for m, c in measured.items() if c > 1}
    unanswered = [m for m in measured if m not in set(run.answered_303)]
    print(
        f"\napplications answered 303: {len(run.answered_303)}; stored: {len(measured)}; lost: {len(lost)};"
        f" stored more than once: {len(twice)}; stored though the answer was not a 303 (e.g. a time-out):"
        f" {len(unanswered)}"
    )
    return not lost and not twice


def report(run: Run, wall: float, rate: float) -> bool:
    kinds = [k for k, _ in MIX]
    everything = sorted(v for k in kinds for v in run.latencies[k])
    total = len(everything) + sum(run.errors.values())
    print(
        f"\noffered {rate:.0f} req/s open-loop; achieved {total / wall:.1f} req/s answered over {wall:.1f} s"
        f" ({len(everything)} ok, {sum(run.errors.values())} errors; {run.late_starts} requests left the client"
        " more than 5 ms late)"
    )
    print(f"\n{'request':<10}{'count':>8}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, values, errors in [
        *((k, sorted(run.latencies[k]), run.errors[k]) for k in kinds),
        ("overall", everything, sum(run.errors.values())),
    ]:
        p50, p95, p99 = (percentile(values, q) * 1000 for q in (50, 95, 99))
        top = values[-1] * 1000 if values else float("nan")
        print(f"{name:<10}{len(values):>8}{errors:>8}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{top:>9.1f}")
    for example in run.examples:
        print(f"  error: {example}")
    p99 = percentile(everything, 99) * 1000
    return bool(everything) and p99 < TARGET_P99_MS and not run.errors


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--rate", type=float, default=200.0, help="arrivals per second (default 200)")
    parser.add_argument("--seconds", type=float, default=60.0, help="measured duration (default 60)")
    parser.add_argument("--workers", type=int, default=2, help="server worker processes (default 2)")
    parser.add_argument(
        "--pairs", type=int, default=20, help="applications submitted first for status queries"
    )
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    load_before = os.getloadavg()[0]  # what else the machine was doing
    print(
        "portal rate limits raised for the bench (all requests come from 127.0.0.1): "
        + ", ".join(f"{k}={v}" for k, v in LIMIT_ENV.items())
    )
    server = start_server(args.workers)
    try:
        run, wall, run_id, usage = asyncio.run(drive(server, args.rate, args.seconds, args.seed, args.pairs))
        met = report(run, wall, args.rate)
        sent = max(1, run.sent)
        if usage.server is not None:
            print(
                f"\nserver CPU: {usage.server:.1f} s ({usage.server / wall:.0%} of one core,"
                f" {usage.server / sent * 1000:.2f} ms per request, {args.workers} workers)"
            )
        print(
            f"load generator CPU: {usage.client:.1f} s ({usage.client / wall:.0%} of one core,"
            f" {usage.client / sent * 1000:.2f} ms per request), on the same machine as the server"
            f" ({os.cpu_count()} cores; 1-minute load average before the bench started: {load_before:.2f})"
        )
        if usage.machine is not None and usage.server is not None:
            others = max(0.0, usage.machine - usage.server - usage.client)
            print(
                f"everything else on the machine during the run: {others:.1f} s ({others / wall:.0%} of one core)"
            )
        kept = verify(server.database, run, run_id)
    finally:
        server.stop()
    print(
        f"\ntarget p99 < {TARGET_P99_MS:.0f} ms with no errors: {'met' if met else 'NOT met'};"
        f" no application lost or duplicated: {'yes' if kept else 'NO'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
