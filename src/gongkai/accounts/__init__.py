"""Accounts of the web desk: users, roles, password hashing, sessions, login throttling and the audit log."""

from __future__ import annotations

from gongkai.accounts.roles import STAFF_ROLES, Role, User

__all__ = ["STAFF_ROLES", "Role", "User"]
