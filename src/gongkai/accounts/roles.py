"""Who may do what at a disclosure office: the six roles of the web desk and the signed-in ``User``.

The roles follow how an office divides the work under the 条例: the clerk (承办人) registers and handles
applications; the reviewer (审核人) does the confidentiality review (先审查、后公开); the head (负责人) approves
extensions of the reply period (第三十三条) and signs off publication; the agency administrator (机构管理员) keeps
the office's accounts; the oversight office (监督) reads across the agencies it supervises; the system
administrator (系统管理员) keeps agencies and accounts of the whole installation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Role(StrEnum):
    CLERK = "clerk"
    REVIEWER = "reviewer"
    HEAD = "head"
    AGENCY_ADMIN = "agency_admin"
    OVERSIGHT = "oversight"
    SYSTEM_ADMIN = "system_admin"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Role.CLERK: "承办人",
    Role.REVIEWER: "审核人",
    Role.HEAD: "负责人",
    Role.AGENCY_ADMIN: "机构管理员",
    Role.OVERSIGHT: "监督",
    Role.SYSTEM_ADMIN: "系统管理员",
}

# Roles that work inside one agency's ledger (and only their own agency's).
STAFF_ROLES = frozenset({Role.CLERK, Role.REVIEWER, Role.HEAD, Role.AGENCY_ADMIN})


@dataclass(frozen=True)
class User:
    """A signed-in person. ``agency_id`` is the office they work for (None for an oversight office account or
    the system administrator); ``supervised`` the agencies an oversight account may read."""

    id: int
    username: str
    name: str
    roles: frozenset[Role]
    agency_id: int | None
    supervised: frozenset[int] = field(default_factory=frozenset)

    def has(self, *roles: Role) -> bool:
        """Whether the user holds any of ``roles``."""
        return not self.roles.isdisjoint(roles)

    def works_for(self, agency_id: int) -> bool:
        """Whether the user is staff of the agency: may change its ledger within their roles."""
        return self.agency_id == agency_id and self.has(*STAFF_ROLES)

    def may_read(self, agency_id: int) -> bool:
        """Whether the user may see the agency's records: its own staff, the oversight office that supervises
        it, and the system administrator. Everyone else is told the agency does not exist (404)."""
        return (
            self.works_for(agency_id)
            or (self.has(Role.OVERSIGHT) and agency_id in self.supervised)
            or self.has(Role.SYSTEM_ADMIN)
        )

    @property
    def actor(self) -> str:
        """How the user is recorded as the actor of an event or record: name and account."""
        return f"{self.name}（{self.username}）"


__all__ = ["STAFF_ROLES", "Role", "User"]
