"""The OpenAPI document: stable operation ids, Chinese summaries, every route under /api/agencies/{agency_id};
the input schemas stay in step with the ledger's; and no server error for any generated request (schemathesis,
bounded examples, on SQLite with a small ledger)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import get_args

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from tests.api.conftest import staff_of_the_path
from tests.store.conftest import BACKENDS, fresh_pg_engine

from gongkai.api import Settings, create_app, get_calendar, get_session_factory, get_user
from gongkai.api import schemas as api_schemas
from gongkai.api.routers.reports import ExportFormat
from gongkai.desk.calendar import WorkCalendar
from gongkai.ledger import schemas as ledger_schemas
from gongkai.ledger.demo import load_demo
from gongkai.render import RENDERERS
from gongkai.store import Protector, make_engine, session_factory, upgrade

EXAMPLES = int(os.environ.get("GONGKAI_SCHEMATHESIS_EXAMPLES", "25"))  # more for a deeper search
OPERATIONS = {
    "get_agency_info", "list_agency_applications", "register_application", "list_overdue_applications",
    "list_due_soon_applications", "get_application_by_code", "get_application_detail", "record_event",
    "close_agency_application", "explain_application_deadline", "list_notice_templates", "download_notice_template",
    "issue_application_notice", "list_application_notices", "download_notice", "list_agency_appeals",
    "record_agency_appeal", "decide_agency_appeal", "list_proactive_items", "create_proactive_item",
    "review_proactive_item", "publish_proactive_item", "list_register_documents", "add_register_document",
    "repeal_register_document", "list_register_tallies", "put_register_tally", "import_register_csv",
    "list_report_versions", "build_agency_report", "check_agency_report", "export_agency_report", "trace_report_cell",
    "store_report_version", "calculate_deadline",
}


def test_operations_are_stable_documented_and_scoped() -> None:
    spec = create_app().openapi()
    ops = [(path, op) for path, item in spec["paths"].items() for op in item.values()]
    assert {op["operationId"] for _, op in ops} == OPERATIONS
    assert len(ops) == len(OPERATIONS)
    for path, op in ops:
        assert path.startswith("/api/agencies/{agency_id}"), path
        assert not op["summary"].isascii() and not op["description"].isascii(), op["operationId"]


def test_export_formats_are_the_renderers() -> None:
    assert set(get_args(ExportFormat)) == set(RENDERERS)


@pytest.mark.parametrize(
    ("api_model", "ledger_model", "ignored"),
    [
        (api_schemas.ApplicationCreate, ledger_schemas.ApplicationIn, {"actor"}),
        (api_schemas.ApplicantCreate, ledger_schemas.ApplicantIn, set()),
        (api_schemas.EventCreate, ledger_schemas.EventIn, {"actor", "expected_version"}),
        (api_schemas.AppealCreate, ledger_schemas.AppealIn, {"actor"}),
        (api_schemas.ProactiveItemCreate, ledger_schemas.ProactiveItemIn, {"actor"}),
        (api_schemas.ReviewStepCreate, ledger_schemas.ReviewStepIn, {"expected_version"}),
        (api_schemas.PublicationCreate, ledger_schemas.PublicationIn, {"expected_version"}),
        (api_schemas.RegisterDocumentCreate, ledger_schemas.RegisterDocumentIn, set()),
        (api_schemas.TallyCreate, ledger_schemas.TallyIn, set()),
    ],
)
def test_input_schemas_follow_the_ledger(api_model: type, ledger_model: type, ignored: set[str]) -> None:
    assert set(api_model.model_fields) ^ set(ledger_model.model_fields) <= ignored


@pytest.fixture(scope="module", params=BACKENDS)
def demo_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    if request.param == "postgresql":
        yield from fresh_pg_engine()
        return
    path = tmp_path_factory.mktemp("schemathesis") / "ledger.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def demo_app(demo_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    engine = demo_engine
    factory: sessionmaker[Session] = session_factory(engine, protector=Protector.generate())
    calendar = WorkCalendar.load(env={})
    with factory.begin() as session:
        load_demo(session=session, seed=3)
    app = create_app(Settings(notice_templates=tmp_path_factory.mktemp("templates"), api_migrate=False))
    app.dependency_overrides[get_session_factory] = lambda: factory
    app.dependency_overrides[get_calendar] = lambda: calendar
    app.dependency_overrides[get_user] = staff_of_the_path  # requests reach the ledger (signed in: test_auth.py)
    return app


@pytest.mark.slow
def test_no_server_error(demo_app: FastAPI) -> None:
    """Every operation, a bounded number of generated requests each: none may end in a 5xx. (schemathesis's
    pytest plugin does not run under this pytest; its strategies are driven by Hypothesis directly.)"""
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", demo_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == len(OPERATIONS)
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def run(case: schemathesis.Case) -> None:
            if "agency_id" in (case.path_parameters or {}):
                case.path_parameters["agency_id"] = 1  # an agency that exists, so requests reach the ledger
            case.call_and_validate(checks=[not_a_server_error])

        run()
