"""The disclosure desk's ledger: agencies, applications and their events, appeals, proactive disclosure,
registers, stored reports — and the annual report built from them.

Plain functions with a keyword-only session, every query scoped to one agency::

    from gongkai.store import session_scope, make_engine, session_factory, upgrade
    from gongkai.ledger import build_report, create_application

    with session_scope(factory) as session:
        app = create_application(session=session, agency_id=1, data=ApplicationIn(...))
        report = build_report(session=session, agency_id=1, year=2025, calendar=calendar)
"""

from __future__ import annotations

from gongkai.ledger.agencies import create_agency, find_agency, get_agency, list_agencies, normalise_name
from gongkai.ledger.appeals import decide_appeal, list_appeals, record_appeal
from gongkai.ledger.applications import (
    add_event,
    close_application,
    create_application,
    fees_collected,
    find_application,
    get_application,
    list_applications,
    replied_late,
)
from gongkai.ledger.build import build_report, check_built_report, gather_facts, trace_cell
from gongkai.ledger.clock import list_due_within, list_overdue, recompute_open_deadlines, reply_deadline
from gongkai.ledger.domain import (
    Agency,
    Appeal,
    Applicant,
    Application,
    ApplicationEvent,
    ApplicationSummary,
    DeadlineChange,
    ProactiveItem,
    RegisterDocument,
    RegisterTally,
    StoredDeadline,
    StoredReport,
)
from gongkai.ledger.mapping import application_view
from gongkai.ledger.proactive import add_review_step, create_item, list_items, publish_item
from gongkai.ledger.registers import (
    ImportResult,
    add_document,
    import_registers_csv,
    list_documents,
    repeal_document,
    set_tally,
    tallies,
)
from gongkai.ledger.reports import latest_report, load_report, report_versions, store_report

__all__ = [
    "Agency",
    "Appeal",
    "Applicant",
    "Application",
    "ApplicationEvent",
    "ApplicationSummary",
    "DeadlineChange",
    "ImportResult",
    "ProactiveItem",
    "RegisterDocument",
    "RegisterTally",
    "StoredDeadline",
    "StoredReport",
    "add_document",
    "add_event",
    "add_review_step",
    "application_view",
    "build_report",
    "check_built_report",
    "close_application",
    "create_agency",
    "create_application",
    "create_item",
    "decide_appeal",
    "fees_collected",
    "find_agency",
    "find_application",
    "gather_facts",
    "get_agency",
    "get_application",
    "import_registers_csv",
    "latest_report",
    "list_agencies",
    "list_appeals",
    "list_applications",
    "list_documents",
    "list_due_within",
    "list_items",
    "list_overdue",
    "load_report",
    "normalise_name",
    "publish_item",
    "recompute_open_deadlines",
    "record_appeal",
    "repeal_document",
    "replied_late",
    "reply_deadline",
    "report_versions",
    "set_tally",
    "store_report",
    "tallies",
    "trace_cell",
]
