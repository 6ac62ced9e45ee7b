"""Server-side sessions of signed-in users, and the log-in that starts one.

The browser holds a random token (the cookie); the database holds only its SHA-256, the user, a CSRF token,
and the times that end it: ``idle`` after the last request, ``absolute`` after log-in. Every log-in makes a new
token (a token planted before log-in — session fixation — is worthless), log-out deletes the row, and a
deactivated account's sessions stop working at their next request.

These functions take the policies as arguments: the web layer builds them from its settings.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from gongkai.accounts.roles import User
from gongkai.accounts.throttle import ThrottlePolicy, prune_attempts, record_attempt, retry_at
from gongkai.accounts.users import authenticate, normalise_username, user_of
from gongkai.store.orm import utcnow
from gongkai.store.orm_accounts import UserRow, WebSessionRow

TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is rewritten at most this often: one write a minute, not a request
TOKEN_BYTES = 32


@dataclass(frozen=True)
class SessionPolicy:
    idle: timedelta
    absolute: timedelta


@dataclass(frozen=True)
class SignedIn:
    """A live session: who, and the CSRF token its forms carry. ``id`` is the SHA-256 of the cookie's token."""

    id: str
    user: User
    csrf_token: str
    expires_at: datetime


@dataclass(frozen=True)
class StartedSession(SignedIn):
    """A session just started: ``token`` goes into the cookie and nowhere else."""

    token: str = ""


@dataclass(frozen=True)
class LoginOutcome:
    """What a log-in attempt came to: a started session, a refusal, or a pause until ``retry_at``."""

    started: StartedSession | None = None
    retry_at: datetime | None = None

    @property
    def throttled(self) -> bool:
        return self.retry_at is not None


def token_id(token: str) -> str:
    """The row id of a cookie token."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def start_session(
    *,
    session: Session,
    user: User,
    policy: SessionPolicy,
    ip: str | None = None,
    user_agent: str | None = None,
    now: datetime | None = None,
    replacing: str | None = None,
) -> StartedSession:
    """A new session for ``user``; ``replacing`` (a token the browser held before) is ended."""
    moment = now or utcnow()
    if replacing:
        end_session(session=session, token=replacing)
    token = new_token()
    row = WebSessionRow(
        id=token_id(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(TOKEN_BYTES),
        created_at=moment,
        last_seen_at=moment,
        expires_at=moment + policy.absolute,
        ip=(ip or None) and ip[:64],
        user_agent=(user_agent or None) and user_agent[:300],
    )
    session.add(row)
    session.flush()
    return StartedSession(id=row.id, user=user, csrf_token=row.csrf_token, expires_at=row.expires_at, token=token)


def load_session(
    *, session: Session, token: str, policy: SessionPolicy, now: datetime | None = None
) -> SignedIn | None:
    """The live session of a cookie token, or None (unknown, idle too long, past its end, account deactivated
    — the last three are deleted on the way)."""
    if not token or len(token) > 200:
        return None
    moment = now or utcnow()
    found = session.execute(
        select(WebSessionRow, UserRow)
        .join(UserRow, UserRow.id == WebSessionRow.user_id)
        .where(WebSessionRow.id == token_id(token))
    ).one_or_none()
    if found is None:
        return None
    row, user_row = found
    if not user_row.active or row.expires_at <= moment or row.last_seen_at + policy.idle <= moment:
        session.delete(row)
        session.flush()
        return None
    if moment - row.last_seen_at >= TOUCH_EVERY:
        row.last_seen_at = moment
        session.flush()
    return SignedIn(id=row.id, user=user_of(user_row), csrf_token=row.csrf_token, expires_at=row.expires_at)


def end_session(*, session: Session, token: str) -> None:
    """Log-out: the session row is deleted (the cookie alone opens nothing afterwards)."""
    session.execute(delete(WebSessionRow).where(WebSessionRow.id == token_id(token)))


def prune_sessions(*, session: Session, policy: SessionPolicy, now: datetime | None = None) -> None:
    """Delete sessions past their end or idle too long."""
    moment = now or utcnow()
    session.execute(
        delete(WebSessionRow).where(
            (WebSessionRow.expires_at <= moment) | (WebSessionRow.last_seen_at <= moment - policy.idle)
        )
    )


def log_in(
    *,
    session: Session,
    username: str,
    password: str,
    ip: str,
    user_agent: str | None,
    session_policy: SessionPolicy,
    throttle_policy: ThrottlePolicy,
    now: datetime | None = None,
    replacing: str | None = None,
) -> LoginOutcome:
    """Check the pause, the password, record the attempt, and start a session on success. Nothing is raised
    for a refusal: the attempt must be committed with the request."""
    moment = now or utcnow()
    login = normalise_username(username)
    paused = retry_at(session=session, username=login, ip=ip, policy=throttle_policy, now=moment)
    if paused is not None:
        return LoginOutcome(retry_at=paused)
    user = authenticate(session=session, username=login, password=password)
    record_attempt(session=session, username=login, ip=ip, succeeded=user is not None, now=moment)
    if user is None:
        return LoginOutcome()
    prune_attempts(session=session, now=moment)
    prune_sessions(session=session, policy=session_policy, now=moment)
    started = start_session(session=session, user=user, policy=session_policy, ip=ip, user_agent=user_agent,
                            now=moment, replacing=replacing)
    return LoginOutcome(started=started)


__all__ = [
    "LoginOutcome",
    "SessionPolicy",
    "SignedIn",
    "StartedSession",
    "end_session",
    "load_session",
    "log_in",
    "new_token",
    "prune_sessions",
    "start_session",
    "token_id",
]
