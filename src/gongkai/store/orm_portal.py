"""ORM row of the public portal: the query code an applicant checks the progress of an application with.

Only a keyed hash of the code is kept (see :mod:`gongkai.ledger.portal`): a copy of the database does not let
anyone read another applicant's status or download their reply. One code per application; giving a new one
(the applicant lost theirs) replaces the old.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from gongkai.store.orm import Base, utcnow


class PortalAccessRow(Base):
    """The hash of an application's query code; looked up by the hash, so it is indexed."""

    __tablename__ = "portal_access"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    code_hash: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


__all__ = ["PortalAccessRow"]
