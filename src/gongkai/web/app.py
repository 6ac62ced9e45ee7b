"""``create_web_app(settings)``: the JSON API and every page router in one FastAPI application.

Run it with ``gongkai serve`` or any ASGI server: ``uvicorn --factory gongkai.web:create_web_app``.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from gongkai.api import create_app
from gongkai.api.settings import Settings
from gongkai.web import errors, security
from gongkai.web.pages import PAGES

STATIC_DIR = Path(__file__).resolve().parent / "static"


def create_web_app(settings: Settings | None = None) -> FastAPI:
    """The web desk; ``settings`` replace those read from the environment (as for the API)."""
    app = create_app(settings)
    errors.install(app)  # pages get HTML error pages; /api keeps its JSON answers
    security.install(app)  # sessions, CSRF tokens, flashes and security headers on every response
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in PAGES:
        app.include_router(router)
    return app


__all__ = ["STATIC_DIR", "create_web_app"]
