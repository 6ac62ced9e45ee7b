"""Fixtures of the security tests: agency 1's records (``secrets_of_a``), the web application's every route
(discovered from ``app.routes``, so a route added later is swept without editing a test), and a fingerprint of
the whole database to prove a refused request changed nothing.

The web fixtures (``web_app``, ``web``, ``staff``, ``login``, ``post_form``) are those of tests/web/conftest.py.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

import pytest
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from starlette.routing import BaseRoute, Mount, Route
from tests.ledger.helpers import event, new_application
from tests.web.conftest import (  # noqa: F401  (fixtures)
    agencies,
    backend,
    calendar,
    engine,
    factory,
    fast_passwords,
    protector,
    sqlite_template,
    staff,
    web,
    web_app,
    web_settings,
)

from gongkai.accounts.roles import User
from gongkai.api import Settings
from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import add_document, create_item, record_appeal
from gongkai.ledger.extensions import request_extension
from gongkai.ledger.publication import publish_report, save_draft
from gongkai.ledger.schemas import AppealIn, ProactiveItemIn, RegisterDocumentIn
from gongkai.model.report import SectionKey
from gongkai.notices import NoticeKind, issue_notice
from gongkai.store.orm import Base
from gongkai.store.vocab import AppealKind, EventKind, RegisterDocumentKind

YEAR = 2025
# Markers only agency 1's records carry: finding one in an answer to anyone else is a leak.
NAME_A = "甲秘申请人"
PHONE_A = "13812345678"
ID_A = "110101199001011234"
INFORMATION_A = "甲秘所需信息东山村"
ITEM_A = "甲秘主动公开标题"
APPEAL_A = "甲秘复议案号"
DOCUMENT_A = "甲秘规范性文件"
NARRATIVE_A = "甲秘年度报告正文"
EXTENSION_A = "甲秘延期理由"
# Tables a refused request may still touch: who is signed in (last_seen_at), log-in attempts, the audit log.
VOLATILE_TABLES = frozenset({"web_sessions", "login_attempts", "audit_log"})


@dataclass(frozen=True)
class RecordsOfA:
    """The ids of agency 1's records, keyed by the path parameter that names them, and its secret texts."""

    agency_a: int
    agency_b: int
    ids: dict[str, str]
    number: str  # the application's number, e.g. 青溪市监〔2025〕依申请第1号
    secrets: tuple[str, ...] = field(default=())


@pytest.fixture
def records_of_a(
    factory: sessionmaker[Session],  # noqa: F811
    agencies: tuple[int, int],  # noqa: F811
    calendar: WorkCalendar,  # noqa: F811
    staff: dict[str, User],  # noqa: F811
    web_settings: Settings,  # noqa: F811
) -> RecordsOfA:
    """Agency 1 with one record of every kind a path can name; agency 2 with none."""
    a, b = agencies
    with factory.begin() as s:
        s.info["actor"] = "seed"
        app = new_application(s, a, date(2025, 9, 1), calendar, name=NAME_A)
        app = event(s, a, app, calendar, kind=EventKind.CORRECTION_REQUESTED, occurred_on=date(2025, 9, 2),
                    note=INFORMATION_A)
        notice = issue_notice(session=s, agency_id=a, application_id=app.id, kind=NoticeKind.RECEIPT,
                              issued_on=date(2025, 9, 2), actor="seed", templates_root=web_settings.notice_templates,
                              calendar=calendar)
        extension = request_extension(session=s, agency_id=a, application_id=app.id, days=10, reason=EXTENSION_A,
                                      requested_on=date(2025, 9, 3), actor="seed")
        item = create_item(session=s, agency_id=a, calendar=calendar, data=ProactiveItemIn(
            title=ITEM_A, category=7, formed_on=date(2025, 3, 3), actor="seed"))
        appeal = record_appeal(session=s, agency_id=a, data=AppealIn(
            kind=AppealKind.RECONSIDERATION, filed_on=date(2025, 9, 20), application_id=app.id,
            case_number=APPEAL_A, actor="seed"))
        document = add_document(session=s, agency_id=a, data=RegisterDocumentIn(
            kind=RegisterDocumentKind.NORMATIVE_DOCUMENT, title=DOCUMENT_A, issued_on=date(2025, 4, 1)))
        save_draft(session=s, agency_id=a, year=YEAR, texts={SectionKey.OVERVIEW: NARRATIVE_A}, expected_version=0,
                   updated_by="seed")
        publish_report(session=s, agency_id=a, year=YEAR, published_by="seed", on=date(2026, 1, 20),
                       calendar=calendar, expected_draft_version=1)
    ids = {
        "application_id": str(app.id), "notice_id": str(notice.notice.id), "request_id": str(extension.id),
        "item_id": str(item.id), "appeal_id": str(appeal.id), "document_id": str(document.id),
        "user_id": str(staff["clerk1"].id), "code": app.code,
    }
    secrets = (NAME_A, PHONE_A, ID_A, INFORMATION_A, ITEM_A, APPEAL_A, DOCUMENT_A, NARRATIVE_A, EXTENSION_A,
               app.number)
    return RecordsOfA(a, b, ids, app.number, secrets)


# ---------------------------------------------------------------- routes


@dataclass(frozen=True)
class Endpoint:
    path: str  # with {parameters}
    methods: frozenset[str]
    name: str

    @property
    def params(self) -> tuple[str, ...]:
        import re

        return tuple(re.findall(r"{(\w+)(?::\w+)?}", self.path))

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")


def endpoints(app: FastAPI) -> list[Endpoint]:
    """Every route of the application, the routers FastAPI includes lazily flattened (their effective route
    contexts carry the full path). Mounts (static files) are left to their own tests."""
    found: list[Endpoint] = []

    def walk(routes: list[BaseRoute]) -> None:
        for route in routes:
            contexts = getattr(route, "effective_route_contexts", None)
            if contexts is not None:
                for context in contexts():
                    found.append(Endpoint(context.path, frozenset(context.methods or ()) - {"HEAD"},
                                          context.name))
            elif isinstance(route, Route):
                found.append(Endpoint(route.path, frozenset(route.methods or ()) - {"HEAD"}, route.name))
            elif isinstance(route, Mount):
                continue
            else:
                raise AssertionError(f"a route of an unknown kind: {route!r} — teach tests/security to sweep it")

    walk(list(app.routes))
    assert len(found) > 50, "route discovery found too few routes: has FastAPI changed how it includes routers?"
    return found


# ---------------------------------------------------------------- the database, fingerprinted


def fingerprint(factory: sessionmaker[Session]) -> dict[str, str]:  # noqa: F811
    """A digest of every row of every table (but the volatile ones), per table."""
    digests: dict[str, str] = {}
    with factory() as s:
        for table in Base.metadata.sorted_tables:
            if table.name in VOLATILE_TABLES:
                continue
            rows = s.execute(select(table)).all()
            lines = sorted(repr(tuple(row)) for row in rows)
            digests[table.name] = f"{len(rows)}:" + hashlib.sha256("\n".join(lines).encode()).hexdigest()[:16]
    return digests
