"""The web desk: server-rendered pages (FastAPI + Jinja2, no JavaScript build) over the same ledger functions as
the JSON API and the command line.

``create_web_app(settings)`` builds the whole application: the JSON API under ``/api``, the public portal, the
staff workbench, the annual-report pages, the oversight pages and the administration pages.
"""

from __future__ import annotations

from gongkai.web.app import create_web_app

__all__ = ["create_web_app"]
