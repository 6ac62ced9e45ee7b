"""Settings of the JSON API and the web desk, read from the environment once (``environment_settings()`` is
cached) unless the application was made with its own (``create_app(settings)``).

Every setting is an environment variable of the same name in capitals with the ``GONGKAI_`` prefix — the same
variables the command line reads:

==============================  ===========================================================================
``GONGKAI_DATABASE_URL``        the ledger database (default: SQLite in the data directory, see gongkai.store.db)
``GONGKAI_HOLIDAYS_FILE``       the administrator's holidays file (default: the shipped calendar only)
``GONGKAI_NOTICE_TEMPLATES``    the offices' notice template directory (default: the shipped templates only)
``GONGKAI_API_MIGRATE``         bring the database to the newest schema on first use (default: true)
``GONGKAI_API_MAX_UPLOAD``      largest CSV accepted by the register import, in bytes (default: 5 MiB)
``GONGKAI_COOKIE_SECURE``       send the session cookie over HTTPS only (default: false; set true behind TLS)
``GONGKAI_SESSION_IDLE_MINUTES`` a signed-in session ends after this long without a request (default: 120)
``GONGKAI_SESSION_MAX_HOURS``   and in any case this long after log-in (default: 12)
``GONGKAI_LOGIN_MAX_FAILURES``  failed log-ins of one account (or 4× that from one address) before a pause
                                (default: 5)
``GONGKAI_LOGIN_PAUSE_MINUTES`` the window counted and the pause imposed (default: 15)
``GONGKAI_PORTAL_APPLY_PER_HOUR`` online applications accepted from one address per hour (default: 10)
``GONGKAI_PORTAL_QUERIES_PER_MINUTE`` status queries from one address per minute (default: 20)
``GONGKAI_DUE_SOON_DAYS``       working days before the due date when an application is 即将到期 (default: 5)
``GONGKAI_TOWNSHIP_REPORT_DUE`` MM-DD of the year after: the last day for 乡（镇） annual reports, which 第四十九条
                                leaves to local rules (default: none — a township is never called late)
==============================  ===========================================================================
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

from fastapi import Request
from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from gongkai.store.vocab import AgencyKind


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GONGKAI_", extra="ignore", frozen=True)

    database_url: str | None = None
    holidays_file: Path | None = None
    notice_templates: Path | None = None
    api_migrate: bool = True
    api_max_upload: int = 5 * 1024 * 1024
    cookie_secure: bool = False
    session_idle_minutes: int = 120
    session_max_hours: int = 12
    login_max_failures: int = 5
    login_pause_minutes: int = 15
    portal_apply_per_hour: int = 10
    portal_queries_per_minute: int = 20
    due_soon_days: int = 5
    township_report_due: str | None = None

    @field_validator("township_report_due")
    @classmethod
    def _month_day(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            date.fromisoformat(f"2024-{value.strip()}")  # a leap year: 02-29 is a valid local date
        except ValueError:
            raise ValueError(f"乡镇年度报告公布期限应写作 月-日（如 03-31），而不是“{value}”") from None
        return value.strip()

    def report_due_dates(self) -> dict[AgencyKind, tuple[int, int] | None]:
        """第四十九条's dates by kind of agency, with the township date of local rules when configured."""
        from gongkai.ledger.publication import DUE_DATES

        dates = dict(DUE_DATES)
        if self.township_report_due is not None:
            month, day = (int(part) for part in self.township_report_due.split("-"))
            dates[AgencyKind.TOWNSHIP] = (month, day)
        return dates


@lru_cache(maxsize=1)
def environment_settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings()


def get_settings(request: Request) -> Settings:
    """The settings of the application serving ``request``: those given to ``create_app``, else the
    environment's. Kept on ``app.state`` rather than passed as a dependency override: FastAPI re-solves every
    dependency's signature on every request of an application that has any override."""
    settings = getattr(request.app.state, "settings", None)
    return settings if isinstance(settings, Settings) else environment_settings()


__all__ = ["Settings", "environment_settings", "get_settings"]
