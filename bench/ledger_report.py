"""Bench: one year's annual report built from a ledger of 1,000,000 applications (target: at most 5 s on SQLite).

    .venv/bin/python bench/ledger_report.py                      # 1,000,000 applications, temporary SQLite file
    .venv/bin/python bench/ledger_report.py --applications 200000 --url postgresql+psycopg://…

The rows are bulk-inserted with Core ``insert()`` executemany (personal fields carry one pre-encrypted token:
the bench measures the report, not Fernet). Then ``build_report`` is timed: table 三 is one aggregated pass in
SQL (GROUP BY over the covering index ``ix_applications_report``), never ORM objects. Prints the figures.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert

from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import build_report, create_agency
from gongkai.ledger.schemas import AgencyIn
from gongkai.rules import check
from gongkai.store import Protector, make_engine, session_factory, session_scope, upgrade
from gongkai.store.orm import ApplicationRow, utcnow
from gongkai.store.vocab import OUTCOME_KEYS, AgencyKind, ApplicantType, DeadlineState

YEAR = 2025
CHUNK = 50_000


def rows(agency_id: int, count: int, token: str, seed: int = 7) -> list[dict[str, object]]:
    """``count`` applications in order of receipt: 90 % received in the report year, 10 % the year before;
    most closed within 60 days, some still open at the end of the year."""
    rng = random.Random(seed)
    days = [date(YEAR - 1, 1, 1) + timedelta(n) for n in range(365 * 2 + 60)]
    first_of_year = (date(YEAR, 1, 1) - days[0]).days
    received_at = sorted(
        rng.randrange(first_of_year, first_of_year + 365) if i % 10 else rng.randrange(0, first_of_year)
        for i in range(count)
    )
    kinds = rng.choices(list(ApplicantType), weights=(70, 12, 2, 3, 8, 5), k=count)
    outcomes = rng.choices(OUTCOME_KEYS, k=count)
    delays = rng.choices(range(60), k=count)
    year_end = (date(YEAR, 12, 31) - days[0]).days
    seq = {YEAR - 1: 0, YEAR: 0}
    closed_state, open_state = DeadlineState.CLOSED, DeadlineState.DUE
    now = utcnow()
    out: list[dict[str, object]] = []
    for i, r in enumerate(received_at):
        received = days[r]
        seq[received.year] += 1
        c = r + delays[i]
        still_open = c > year_end and i % 2 == 0
        out.append(
            {
                "agency_id": agency_id,
                "number_year": received.year,
                "seq": seq[received.year],
                "applicant_type": kinds[i],
                "applicant_name": token,
                "applicant_digest": "0" * 64,
                "channel": None,
                "given_received": received,
                "received_on": received,
                "information": "申请公开某项目的审批材料",
                "deadline_state": open_state if still_open else closed_state,
                "due_on": days[r + 28],
                "closed_on": None if still_open else days[c],
                "outcome": None if still_open else outcomes[i],
                "created_by": "bench",
                "created_at": now,
                "updated_at": now,
                "version": 1,
            }
        )
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--applications", type=int, default=1_000_000)
    parser.add_argument("--url", default=None, help="database URL (default: a temporary SQLite file)")
    parser.add_argument("--limit", type=float, default=5.0, help="seconds allowed for build_report")
    args = parser.parse_args(argv)
    tmp = tempfile.TemporaryDirectory(prefix="gongkai-bench-")
    url = args.url or f"sqlite:///{Path(tmp.name) / 'ledger.db'}"
    engine = make_engine(url)
    upgrade(engine)
    protector = Protector.generate()
    factory = session_factory(engine, protector=protector)
    calendar = WorkCalendar.load()
    with session_scope(factory) as session:
        agency = create_agency(session=session, data=AgencyIn(name=f"基准测试县某局{time.time_ns()}", kind=AgencyKind.COUNTY_DEPARTMENT))

    t0 = time.perf_counter()
    data = rows(agency.id, args.applications, protector.encrypt("张三"))
    t1 = time.perf_counter()
    with engine.begin() as conn:
        for start in range(0, len(data), CHUNK):
            conn.execute(insert(ApplicationRow), data[start : start + CHUNK])
    t2 = time.perf_counter()
    if engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            conn.exec_driver_sql("ANALYZE applications")

    with session_scope(factory) as session:
        t3 = time.perf_counter()
        report = build_report(session=session, agency_id=agency.id, year=YEAR, calendar=calendar)
        t4 = time.perf_counter()
    findings = [f for f in check(report) if f.rule.startswith("GK1")]
    n = report.numbers()
    print(f"backend            {engine.dialect.name}")
    print(f"applications       {args.applications:,}")
    print(f"generate rows      {t1 - t0:6.2f} s")
    print(f"bulk insert        {t2 - t1:6.2f} s  ({args.applications / max(t2 - t1, 1e-9):,.0f} rows/s)")
    print(f"build_report       {t4 - t3:6.2f} s  (limit {args.limit:.1f} s)")
    print(
        f"table 三 {YEAR}      新收 {n['t3.new.total']:,}  上年结转 {n['t3.carried_over.total']:,}  "
        f"办结 {n['t3.total.total']:,}  结转下年度 {n['t3.carried_forward.total']:,}"
    )
    print(f"identity findings  {len(findings)}")
    engine.dispose()
    tmp.cleanup()
    ok = t4 - t3 <= args.limit and not findings
    print("OK" if ok else "TOO SLOW OR WRONG")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
