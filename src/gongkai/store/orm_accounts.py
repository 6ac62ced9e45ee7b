"""ORM rows of the web desk's accounts: users and their roles, the agencies an oversight account supervises,
signed-in sessions and log-in attempts (for throttling).

Registered on the ledger's own :class:`~gongkai.store.orm.Base` metadata, so Alembic sees them with the rest.
A session row is keyed by the SHA-256 of the token in the visitor's cookie, never the token itself: a copy of
the database does not let anyone take over a signed-in session. Passwords are argon2 hashes
(:mod:`gongkai.accounts.passwords`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongkai.accounts.roles import Role
from gongkai.store.orm import Base, enum_type, utcnow


class UserRow(Base):
    """A person who signs in. ``agency_id`` is the office they work for (None for oversight and system
    administrator accounts). Accounts are deactivated, never deleted: the ledger names them as actors."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[int | None] = mapped_column(ForeignKey("agencies.id"))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    password_changed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    roles: Mapped[list[UserRoleRow]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="UserRoleRow.role"
    )
    supervisions: Mapped[list[SupervisionRow]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="SupervisionRow.agency_id"
    )


class UserRoleRow(Base):
    __tablename__ = "user_roles"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[Role] = mapped_column(enum_type(Role, 20), primary_key=True)

    user: Mapped[UserRow] = relationship(back_populates="roles")


class SupervisionRow(Base):
    """An agency an oversight account reads."""

    __tablename__ = "supervisions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), primary_key=True)

    user: Mapped[UserRow] = relationship(back_populates="supervisions")


class WebSessionRow(Base):
    """A signed-in browser. ``id`` is the SHA-256 (hex) of the cookie's token; ``csrf_token`` is what every form
    and unsafe API request of this session must carry."""

    __tablename__ = "web_sessions"
    __table_args__ = (Index("ix_web_sessions_expires_at", "expires_at"),)

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))


class LoginAttemptRow(Base):
    """One log-in attempt, kept for the throttling window (and a while after, for the administrator)."""

    __tablename__ = "login_attempts"
    __table_args__ = (
        Index("ix_login_attempts_username_at", "username", "at"),
        Index("ix_login_attempts_ip_at", "ip", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(100))  # as typed (normalised), known account or not
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    succeeded: Mapped[bool] = mapped_column(default=False)


__all__ = ["LoginAttemptRow", "SupervisionRow", "UserRoleRow", "UserRow", "WebSessionRow"]
