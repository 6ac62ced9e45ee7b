"""``kill -9`` in the middle of a ledger change: a real SIGKILL to the process making it (the client; the
PostgreSQL server keeps running). Afterwards the database opens, passes SQLite's ``PRAGMA integrity_check``, and
holds the whole change or none of it — counted table by table — and the application number counters still match
the applications stored."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import Engine, func, inspect, select, text

from gongkai.ledger.demo import load_demo
from gongkai.ledger.publication import published_report
from gongkai.store import Protector, session_factory
from gongkai.store.orm import ApplicationCounterRow, ApplicationRow

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("worker.py")
KEY = Fernet.generate_key()
RUN_TIMEOUT_S = 60


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table: int(conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())
            for table in inspect(conn).get_table_names()
        }


def delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {table: after[table] - before[table] for table in after if after[table] != before[table]}


def search_path(engine: Engine) -> str:
    if engine.dialect.name != "postgresql":
        return ""
    with engine.connect() as conn:
        return str(conn.exec_driver_sql("SHOW search_path").scalar_one())


def run_worker(engine: Engine, *args: str, kill_on: str | None = None, delay: float | None = None
               ) -> tuple[bool, bool, float]:
    """Run the worker; SIGKILL it when it prints ``kill_on``, or ``delay`` seconds after it is ready.
    Returns (committed, killed, seconds from ready to the end)."""
    process = subprocess.Popen(
        [sys.executable, str(WORKER), engine.url.render_as_string(hide_password=False), search_path(engine), *args],
        cwd=ROOT, start_new_session=True, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        env={**os.environ, "GONGKAI_SECRET_KEY": KEY.decode("ascii")},
    )
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    if kill_on is None:
        process.stdin.close()  # the worker pauses at a kill point only for a test that kills it there
    lines: list[str] = []
    started = 0.0
    try:
        while True:
            line = process.stdout.readline().decode().strip()
            if not line:
                break
            lines.append(line)
            if line == "ready":
                started = time.monotonic()
                if delay is not None:
                    time.sleep(delay)
                    os.killpg(process.pid, signal.SIGKILL)
                    break
            if kill_on is not None and line == kill_on:
                os.killpg(process.pid, signal.SIGKILL)
                break
        process.wait(timeout=RUN_TIMEOUT_S)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    elapsed = time.monotonic() - started
    lines += process.stdout.read().decode().split()
    killed = process.returncode == -signal.SIGKILL
    assert started and (killed or process.returncode == 0), process.stderr.read().decode()[-2000:]
    return "committed" in lines, killed, elapsed


def assert_sound(engine: Engine) -> None:
    """The database opens and is intact; numbers given = applications stored, no gap, no double."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar_one() == "ok"
        counters = {(a, y): last for a, y, last in conn.execute(select(ApplicationCounterRow.agency_id,
                                                                          ApplicationCounterRow.year,
                                                                          ApplicationCounterRow.last))}
        stored = {(a, y): (n, top) for a, y, n, top in conn.execute(
            select(ApplicationRow.agency_id, ApplicationRow.number_year, func.count(), func.max(ApplicationRow.seq))
            .group_by(ApplicationRow.agency_id, ApplicationRow.number_year))}
    assert set(stored) <= set(counters)
    for key, last in counters.items():
        assert stored.get(key, (0, 0)) == (last, last) or (key not in stored and last == 0), (key, last, stored.get(key))


def test_kill_9_while_registering_500_applications(engine: Engine, agencies: tuple[int, int]) -> None:
    agency = str(agencies[0])
    before = counts(engine)
    committed, killed, duration = run_worker(engine, "register", agency, "500")
    assert committed and not killed
    whole = delta(counts(engine), before)
    assert whole["applications"] == 500 and whole["application_counters"] == 1 and whole["audit_log"] >= 500
    del whole["application_counters"]  # created by the first run; later runs only bump it
    assert_sound(engine)

    rng = random.Random(6)
    plans: list[tuple[str | None, float | None]] = [("flushed 250", None)]
    plans += [(None, rng.uniform(0.1, 1.1) * duration) for _ in range(2)]
    outcomes = []
    for kill_on, delay in plans:
        before = counts(engine)
        committed, killed, _ = run_worker(engine, "register", agency, "500", kill_on=kill_on, delay=delay)
        change = delta(counts(engine), before)
        assert_sound(engine)
        assert change in ({}, whole), f"half a change survived the kill (plan {kill_on or delay}): {change}"
        # A kill can land after the database committed but before the worker said so: then the change is whole
        # though unreported. What must never be: a reported commit that is not whole, or a kill before COMMIT
        # that left anything.
        assert (change == whole) if committed else (kill_on is None or change == {}), (kill_on, delay, change)
        outcomes.append((killed, committed))
    assert outcomes[0] == (True, False), "the kill at 250 flushed applications must lose all 500"


def test_kill_9_during_report_publication(engine: Engine) -> None:
    factory = session_factory(engine, protector=Protector([KEY]))
    with factory.begin() as s:
        agency_ids = load_demo(session=s, seed=5, per_year=40, proactive_per_year=5).agency_ids
    first, second = (str(a) for a in agency_ids)
    before = counts(engine)
    committed, killed, duration = run_worker(engine, "publish", first, "2025")
    assert committed and not killed
    whole = delta(counts(engine), before)
    assert whole["report_publications"] == 1 and whole["stored_reports"] == 1 and whole["audit_log"] >= 2

    rng = random.Random(49)
    free = [(second, "2025"), (first, "2024"), (second, "2024")]
    plans: list[tuple[str | None, float | None]] = [("flushed publication", None)]
    plans += [(None, rng.uniform(0.05, 1.1) * duration) for _ in range(2)]
    results = []
    for kill_on, delay in plans:
        agency, year = free[0]
        before = counts(engine)
        committed, killed, _ = run_worker(engine, "publish", agency, year, kill_on=kill_on, delay=delay)
        change = delta(counts(engine), before)
        assert_sound(engine)
        assert change in ({}, whole), f"half a publication survived the kill (plan {kill_on or delay}): {change}"
        # A kill can land after the database committed but before the worker said so: then the change is whole
        # though unreported. What must never be: a reported commit that is not whole, or a kill before COMMIT
        # that left anything.
        assert (change == whole) if committed else (kill_on is None or change == {}), (kill_on, delay, change)
        if change == whole:
            free.pop(0)
            with factory() as s:
                published = published_report(session=s, agency_id=int(agency), year=int(year))
                assert published.publication.version == 1 and published.report.cells
        results.append((killed, committed))
    assert results[0] == (True, False), "the kill after the publication was flushed must leave no publication"
