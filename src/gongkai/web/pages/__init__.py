"""The page routers of the web desk, one module per area. Pages are left out of the OpenAPI document (that
describes the JSON API only).

* ``auth`` — home, log-in, log-out, own account
* ``admin`` — users and roles, agencies, the audit log
* ``portal`` — the public portal: apply online, check status, download the reply (no log-in)
* ``desk`` — the staff workbench: queue, application page, events, notices
* ``records`` — proactive disclosure register with its review chain, appeals, table 二 registers
* ``reports`` — the annual report: live tables with findings, narrative, preview, export, publish, versions
* ``oversight`` — supervised agencies, who has not published, findings by agency
"""

from __future__ import annotations

from fastapi import APIRouter

from gongkai.web.pages import admin, auth, desk, oversight, portal, records, reports, research

PAGES: tuple[APIRouter, ...] = (
    auth.router,
    admin.router,
    portal.router,
    desk.router,
    records.router,
    reports.router,
    oversight.router,
    research.router,
)

__all__ = ["PAGES"]
