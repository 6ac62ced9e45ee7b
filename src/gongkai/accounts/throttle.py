"""Log-in throttling: after too many failed log-ins of one account, or from one address, within a window,
further attempts are refused until the window has moved past the failures.

Attempts are counted by the username as typed (normalised), whether or not such an account exists, so
throttling does not reveal which usernames are real. A successful log-in clears the account's count (not the
address's: one valid account must not buy an address more guesses at others). Refused attempts are not
recorded, so an attacker cannot extend a pause indefinitely; the pause ends when the oldest counted failure
leaves the window.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from gongkai.store.orm_accounts import LoginAttemptRow

ADDRESS_FACTOR = 4  # an office behind one NAT address has many people typing passwords
KEEP_ATTEMPTS = timedelta(days=30)  # for the administrator's eyes, then dropped


@dataclass(frozen=True)
class ThrottlePolicy:
    """``max_failures`` failed log-ins of an account (``ADDRESS_FACTOR`` × that from an address) within
    ``window`` pause further attempts."""

    max_failures: int
    window: timedelta

    @property
    def max_address_failures(self) -> int:
        return self.max_failures * ADDRESS_FACTOR


def _key(text: str, length: int) -> str:
    return text[:length]


def _paused_until(
    session: Session, column: InstrumentedAttribute[str], value: str, limit: int, since: datetime, window: timedelta
) -> datetime | None:
    if limit <= 0:
        return None
    failures = list(
        session.scalars(
            select(LoginAttemptRow.at)
            .where(column == value, LoginAttemptRow.succeeded.is_(False), LoginAttemptRow.at > since)
            .order_by(LoginAttemptRow.at.desc())
            .limit(limit)
        )
    )
    if len(failures) < limit:
        return None
    return failures[-1] + window


def retry_at(*, session: Session, username: str, ip: str, policy: ThrottlePolicy, now: datetime) -> datetime | None:
    """When the next attempt for ``username`` from ``ip`` will be accepted, or None if it is accepted now."""
    user = _key(username, 100)
    address = _key(ip, 64)
    window_start = now - policy.window
    last_success = session.scalar(
        select(func.max(LoginAttemptRow.at)).where(
            LoginAttemptRow.username == user, LoginAttemptRow.succeeded.is_(True), LoginAttemptRow.at > window_start
        )
    )
    account = _paused_until(session, LoginAttemptRow.username, user, policy.max_failures,
                            max(window_start, last_success or window_start), policy.window)
    address_pause = _paused_until(session, LoginAttemptRow.ip, address, policy.max_address_failures,
                                  window_start, policy.window)
    pauses = [p for p in (account, address_pause) if p is not None and p > now]
    return max(pauses) if pauses else None


def record_attempt(*, session: Session, username: str, ip: str, succeeded: bool, now: datetime) -> None:
    session.add(LoginAttemptRow(username=_key(username, 100), ip=_key(ip, 64), at=now, succeeded=succeeded))
    session.flush()


def prune_attempts(*, session: Session, now: datetime) -> None:
    """Drop attempts older than :data:`KEEP_ATTEMPTS`."""
    session.execute(delete(LoginAttemptRow).where(LoginAttemptRow.at < now - KEEP_ATTEMPTS))


__all__ = ["ADDRESS_FACTOR", "ThrottlePolicy", "prune_attempts", "record_attempt", "retry_at"]
