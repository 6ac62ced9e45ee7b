"""Password hashing with argon2id (argon2-cffi's ``PasswordHasher``) and the password policy.

A stored hash records its own parameters, so raising them later (a faster server, new guidance) needs no
migration: :func:`verify_password` says when a hash should be renewed, and the log-in renews it with the
password it has just checked. Unknown usernames are checked against a dummy hash, so the answer takes the same
time whether the account exists or not.
"""

from __future__ import annotations

from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from gongkai.store.errors import InvalidRecord

MIN_LENGTH = 10
MAX_LENGTH = 256  # argon2 would take any length; a megabyte "password" is only a way to waste server time

hasher = PasswordHasher()


class WeakPassword(InvalidRecord):
    """A new password the policy refuses."""


def check_policy(password: str, *, username: str = "") -> None:
    """Refuse passwords shorter than :data:`MIN_LENGTH`, absurdly long, or the username itself."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"密码至少需要 {MIN_LENGTH} 个字符")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"密码不能超过 {MAX_LENGTH} 个字符")
    if not password.strip():
        raise WeakPassword("密码不能全是空格")
    if username and password.strip().lower() == username.strip().lower():
        raise WeakPassword("密码不能与用户名相同")


def hash_password(password: str, *, username: str = "") -> str:
    """The argon2id hash of a password that meets the policy."""
    check_policy(password, username=username)
    return hasher.hash(password)


@dataclass(frozen=True)
class Verified:
    ok: bool
    needs_rehash: bool = False


def verify_password(stored_hash: str, password: str) -> Verified:
    """Whether ``password`` matches ``stored_hash``; ``needs_rehash`` when the hash was made with other
    parameters than the current hasher's. A malformed stored hash never matches."""
    if len(password) > MAX_LENGTH:
        password = password[:MAX_LENGTH + 1]  # still checked (and fails), at bounded cost
    try:
        hasher.verify(stored_hash, password)
    except (VerificationError, InvalidHashError):
        return Verified(ok=False)
    return Verified(ok=True, needs_rehash=hasher.check_needs_rehash(stored_hash))


def rehash(password: str) -> str:
    """A new hash of an already accepted password, with the current parameters."""
    return hasher.hash(password)


_dummies: dict[tuple[int, int, int], str] = {}


def _dummy_hash() -> str:
    # One per parameter set, so the dummy check costs what a real one costs under the current hasher.
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _dummies:
        _dummies[key] = hasher.hash("gongkai: no such account")
    return _dummies[key]


def verify_nothing(password: str) -> None:
    """Spend the time of one verification when there is no account to check, so the answer's timing does not
    tell whether a username exists."""
    verify_password(_dummy_hash(), password)


__all__ = ["MIN_LENGTH", "Verified", "WeakPassword", "check_policy", "hash_password", "hasher", "rehash", "verify_nothing",
           "verify_password"]
