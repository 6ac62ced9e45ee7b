"""One router per resource, every route under ``/api/agencies/{agency_id}/…``. Routes parse, call one ledger
function and convert its result to a response schema: no queries are written here."""

from __future__ import annotations

from fastapi import APIRouter

from gongkai.api.routers import (
    agencies,
    appeals,
    applications,
    calendar,
    notices,
    proactive,
    registers,
    reports,
)

ROUTERS: tuple[APIRouter, ...] = (
    agencies.router,
    applications.router,
    notices.router,
    appeals.router,
    proactive.router,
    registers.router,
    reports.router,
    calendar.router,
)

__all__ = ["ROUTERS"]
