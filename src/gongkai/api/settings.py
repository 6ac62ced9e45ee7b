"""Settings of the JSON API, read from the environment once (``get_settings()`` is cached) and overridable in
tests through FastAPI's dependency overrides.

Every setting is an environment variable of the same name in capitals with the ``GONGKAI_`` prefix — the same
variables the command line reads:

==============================  ===========================================================================
``GONGKAI_DATABASE_URL``        the ledger database (default: SQLite in the data directory, see gongkai.store.db)
``GONGKAI_HOLIDAYS_FILE``       the administrator's holidays file (default: the shipped calendar only)
``GONGKAI_NOTICE_TEMPLATES``    the offices' notice template directory (default: the shipped templates only)
``GONGKAI_API_MIGRATE``         bring the database to the newest schema on first use (default: true)
``GONGKAI_API_MAX_UPLOAD``      largest CSV accepted by the register import, in bytes (default: 5 MiB)
==============================  ===========================================================================
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="GONGKAI_", extra="ignore", frozen=True)

    database_url: str | None = None
    holidays_file: Path | None = None
    notice_templates: Path | None = None
    api_migrate: bool = True
    api_max_upload: int = 5 * 1024 * 1024


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process's settings, read from the environment on first use."""
    return Settings()


__all__ = ["Settings", "get_settings"]
