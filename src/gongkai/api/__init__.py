"""The JSON API of the disclosure desk (FastAPI). ``create_app(settings)`` builds the application; see
:mod:`gongkai.api.app`."""

from __future__ import annotations

from gongkai.api.app import create_app
from gongkai.api.deps import Actor, get_actor, get_calendar, get_session, get_session_factory, get_user
from gongkai.api.settings import Settings, get_settings

__all__ = [
    "Actor",
    "Settings",
    "create_app",
    "get_actor",
    "get_calendar",
    "get_session",
    "get_session_factory",
    "get_settings",
    "get_user",
]
