"""Every ledger change made through the API is one transaction: each write route is walked with the database
failing at its 1st, 2nd, 3rd … INSERT/UPDATE/DELETE (audit entries and number counters included) until the
request gets through; after every failure the whole database — every table, row by row — is as it was before
the request."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, inspect, text
from sqlalchemy.orm import Session, sessionmaker
from tests.api.conftest import api, client, templates_dir  # noqa: F401  (fixtures)
from tests.api.helpers import application, base

from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger.publication import correct_report, publications, publish_report, save_draft
from gongkai.model.report import SECTION_HEADINGS
from gongkai.store import session_scope

WRITES = ("INSERT", "UPDATE", "DELETE")


class InjectedFault(RuntimeError):
    """The database "fails" here (as a full disk, a lost connection or a violated constraint would)."""


class FaultInjector:
    """Counts the writing statements sent to the database and raises at the ``armed``-th one."""

    def __init__(self) -> None:
        self.armed: int | None = None
        self.writes = 0
        self.fired = False

    def arm(self, at: int | None) -> None:
        self.armed, self.writes, self.fired = at, 0, False

    def __call__(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(WRITES):
            return
        self.writes += 1
        if self.armed is not None and self.writes == self.armed:
            self.fired = True
            raise InjectedFault(f"injected failure at write {self.writes}: {statement[:60]}")


@pytest.fixture
def injector(engine: Engine) -> Iterator[FaultInjector]:
    found = FaultInjector()
    event.listen(engine, "before_cursor_execute", found)
    yield found
    event.remove(engine, "before_cursor_execute", found)


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            table: sorted((tuple(r) for r in conn.execute(text(f'SELECT * FROM "{table}"'))), key=repr)
            for table in inspect(conn).get_table_names()
        }


def walk(http: TestClient, engine: Engine, injector: FaultInjector, method: str, url: str, **kwargs: Any
         ) -> dict[str, Any]:
    """Fail the request at every write it makes, one after the other, then let it through; return its body."""
    at = 1
    while True:
        before = snapshot(engine)
        injector.arm(at)
        response = http.request(method, url, **kwargs)
        fired = injector.fired
        injector.arm(None)
        if not fired:
            assert response.status_code in (200, 201), response.text
            assert at > 1, f"{method} {url} wrote nothing"
            assert snapshot(engine) != before
            body: dict[str, Any] = response.json()
            return body
        assert response.status_code == 500, response.text
        after = snapshot(engine)
        changed = sorted(t for t in after if after[t] != before.get(t))
        assert not changed, f"{method} {url} failing at write {at} left rows behind in {changed}"
        at += 1


def test_every_api_write_is_one_transaction(
    client: TestClient, engine: Engine, injector: FaultInjector, agencies: tuple[int, int]  # noqa: F811
) -> None:
    agency = agencies[0]
    url = base(agency)
    app = walk(client, engine, injector, "POST", url + "/applications", json=application("2025-09-22"))
    assert app["code"] == "2025-0001"  # the failed attempts used no number
    apps = f"{url}/applications/{app['id']}"
    walk(client, engine, injector, "POST", apps + "/events",
         json={"kind": "correction_requested", "occurred_on": "2025-09-24", "note": "请写明文件名称"})
    walk(client, engine, injector, "POST", apps + "/notices",
         json={"kind": "correction", "issued_on": "2025-09-24", "fields": {"补正事项": "请写明文件名称"}})
    walk(client, engine, injector, "POST", apps + "/events", json={"kind": "correction_received",
                                                                   "occurred_on": "2025-09-30"})
    walk(client, engine, injector, "POST", apps + "/close", json={"outcome": "granted", "closed_on": "2025-10-10"})
    appeal = walk(client, engine, injector, "POST", url + "/appeals",
                  json={"kind": "reconsideration", "filed_on": "2025-12-01", "application_id": app["id"],
                        "body": "青溪县人民政府"})
    walk(client, engine, injector, "POST", f"{url}/appeals/{appeal['id']}/decision",
         json={"outcome": "upheld", "decided_on": "2026-01-10"})
    item = walk(client, engine, injector, "POST", url + "/proactive",
                json={"title": "2025年部门预算", "category": 7, "formed_on": "2025-03-03"})
    for step, at in (("drafter", "2025-03-04T09:00"), ("confidentiality", "2025-03-05T09:00"),
                     ("leader", "2025-03-06T09:00")):
        walk(client, engine, injector, "POST", f"{url}/proactive/{item['id']}/review",
             json={"step": step, "decision": "approved", "decided_at": at})
    walk(client, engine, injector, "POST", f"{url}/proactive/{item['id']}/publication",
         json={"published_on": "2025-03-07", "channels": ["portal"]})
    csv = "类别,标题,文号,制发日期,废止日期\n规章,青溪县某管理办法,青政〔2025〕1号,2025-02-01,\n规章,青溪县另一办法,青政〔2025〕2号,2025-03-01,\n"
    walk(client, engine, injector, "POST", url + "/registers/import",
         files={"file": ("文件登记.csv", io.BytesIO(csv.encode()), "text/csv")})
    document = client.get(url + "/registers/documents").json()[0]
    walk(client, engine, injector, "POST", f"{url}/registers/documents/{document['id']}/repeal",
         json={"repealed_on": "2025-12-01"})
    walk(client, engine, injector, "PUT", url + "/registers/tallies",
         json={"year": 2025, "item": "licensing", "decisions": 12})
    walk(client, engine, injector, "POST", url + "/reports/2025/versions")


def walk_call(factory: sessionmaker[Session], engine: Engine, injector: FaultInjector,
              change: Callable[[Session], object]) -> int:
    """The same walk for a ledger function called in one unit of work (as the web desk's routes do)."""
    at = 1
    while True:
        before = snapshot(engine)
        injector.arm(at)
        try:
            with session_scope(factory) as session:
                change(session)
            fired = injector.fired
        except InjectedFault:
            fired = True
        injector.arm(None)
        if not fired:
            assert snapshot(engine) != before
            return at - 1
        after = snapshot(engine)
        changed = sorted(t for t in after if after[t] != before.get(t))
        assert not changed, f"failing at write {at} left rows behind in {changed}"
        at += 1


def test_report_draft_publication_and_correction_are_one_transaction(
    factory: sessionmaker[Session], engine: Engine, injector: FaultInjector, agencies: tuple[int, int],
    calendar: WorkCalendar,
) -> None:
    agency = agencies[0]
    texts = {key: f"{label}：本年度情况说明。" for key, label in SECTION_HEADINGS.items()}
    points = walk_call(factory, engine, injector, lambda s: save_draft(
        session=s, agency_id=agency, year=2025, texts=texts, expected_version=0, updated_by="周敏"))
    points += walk_call(factory, engine, injector, lambda s: publish_report(
        session=s, agency_id=agency, year=2025, published_by="负责人", on=date(2026, 1, 20), calendar=calendar))
    points += walk_call(factory, engine, injector, lambda s: correct_report(
        session=s, agency_id=agency, year=2025, reason="更正笔误", texts=texts, expected_version=1,
        published_by="负责人", on=date(2026, 2, 1), calendar=calendar))
    assert points >= 6
    with factory() as s:
        assert [p.version for p in publications(session=s, agency_id=agency, year=2025)] == [1, 2]
