"""The audit log: every row a session inserts, updates or deletes in a ledger table is recorded — who, when, the
agency, and the values before and after — in the same transaction as the change itself.

:func:`install_audit_log` (called once by :mod:`gongkai.store`) listens on every :class:`~sqlalchemy.orm.Session`
of the process, so no ledger function has to remember to log: whatever reaches the database through a session
flush is logged, and what is rolled back leaves no entry. Who acted is ``session.info["actor"]`` (the web desk
sets the signed-in user, the command line ``cli:<os user>``), else :data:`SYSTEM_ACTOR`.

What the log never holds:

* personal data of applicants — the columns holding Fernet tokens are written as ``（已加密）`` (and any other
  value that is a Fernet token, so a table added later is covered too);
* password hashes and other secrets — columns named like them are written as ``（已隐去）``;
* huge values (a stored report's payload): replaced by their length and SHA-256 prefix.

Not logged: the audit log itself, log-in sessions and log-in attempts (bookkeeping of the door, not the
ledger), and the number counters, which are bumped by a Core ``UPDATE`` outside the unit of work — the number
they give is logged on the application or notice row that receives it.

Events that change no row (log-in, log-out, a failed log-in, an export, a publication) are written with
:func:`record`.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlalchemy import event, insert, select
from sqlalchemy.orm import InstanceState, Mapper, Session, UOWTransaction
from sqlalchemy.orm.attributes import instance_state

from gongkai.store.orm import Base, utcnow
from gongkai.store.orm_audit import AuditAction, AuditRow

SYSTEM_ACTOR = "system"
ENCRYPTED = "（已加密）"
HIDDEN = "（已隐去）"
NOT_LOADED = "（修改前的值未知）"
EXCLUDED_TABLES = frozenset({AuditRow.__tablename__, "web_sessions", "login_attempts"})
# The applicant's identity and contact data and issued notices (which name the applicant), encrypted at rest.
ENCRYPTED_COLUMNS: Mapping[str, frozenset[str]] = {
    "applications": frozenset({"applicant_name", "id_document", "phone", "email", "address"}),
    "notices": frozenset({"document"}),
}
_SECRET_NAME = re.compile(r"(?:^|_)(?:password|secret|token)$|_hash$|_digest$")
_FERNET_TOKEN = re.compile(r"gAAAAA[A-Za-z0-9_\-]{60,}={0,2}")
MAX_VALUE_CHARS = 2000
_BEFORE_KEY = "gongkai.audit.before"
_VERSION_KEY = "gongkai.audit.version"


def cli_actor() -> str:
    """The actor of the command line: ``cli:`` and the operating-system account that ran it."""
    try:
        user = getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        user = "unknown"
    return f"cli:{user}"


def session_actor(session: Session) -> str:
    actor = session.info.get("actor")
    return actor if isinstance(actor, str) and actor.strip() else SYSTEM_ACTOR


def json_safe(value: Any) -> Any:
    """``value`` as plain JSON: dates ISO 8601, Decimal as its exact string, enums by value."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, Enum):
        return json_safe(value.value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return f"（二进制数据，{len(bytes(value))} 字节）"
    if isinstance(value, Mapping):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    return str(value)


def audit_value(table: str, column: str, value: Any) -> Any:
    """The value of ``table.column`` as the audit log shows it: masked, JSON-safe, bounded in size."""
    if value is not None and column in ENCRYPTED_COLUMNS.get(table, ()):
        return ENCRYPTED
    if value is not None and _SECRET_NAME.search(column):
        return HIDDEN
    if isinstance(value, str) and _FERNET_TOKEN.fullmatch(value):
        return ENCRYPTED
    safe = json_safe(value)
    if isinstance(safe, dict | list | str):
        text = safe if isinstance(safe, str) else json.dumps(safe, ensure_ascii=False, sort_keys=True)
        if len(text) > MAX_VALUE_CHARS:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
            return f"（内容过长，未记录全文：{len(text)} 个字符，SHA-256 {digest}）"
    return safe


def _audited(state: InstanceState[Any]) -> bool:
    mapper = state.mapper
    table = getattr(mapper, "local_table", None)
    name = getattr(table, "name", None)
    return isinstance(mapper.class_, type) and issubclass(mapper.class_, Base) and name not in EXCLUDED_TABLES


def _table(mapper: Mapper[Any]) -> str:
    return str(mapper.local_table.name)  # type: ignore[attr-defined]


def _columns(mapper: Mapper[Any]) -> Iterable[tuple[str, str]]:
    """(attribute key, column name) of every plain column of the row."""
    for prop in mapper.column_attrs:
        yield prop.key, prop.columns[0].name


def _entity_id(state: InstanceState[Any]) -> str | None:
    identity = state.identity or state.mapper.primary_key_from_instance(state.obj())
    if identity is None or any(part is None for part in identity):
        return None
    return "/".join(str(json_safe(part)) for part in identity)


def _agency_id(session: Session, state: InstanceState[Any], table: str) -> int | None:
    """The agency the row belongs to: its ``agency_id``, an agency's own id, or — for rows about an account
    (its roles) — the agency of that account, so the agency's administrator sees them in the log."""
    if table == "agencies":
        value = state.dict.get("id")
    elif "agency_id" in state.mapper.columns:
        value = state.dict.get("agency_id")
    elif "user_id" in state.mapper.columns and (users := Base.metadata.tables.get("users")) is not None:
        value = session.connection().execute(
            select(users.c.agency_id).where(users.c.id == state.dict.get("user_id"))
        ).scalar_one_or_none()
    else:
        value = None
    return value if isinstance(value, int) else None


def _snapshot(state: InstanceState[Any], table: str) -> dict[str, Any]:
    return {
        column: audit_value(table, column, state.dict[key])
        for key, column in _columns(state.mapper)
        if key in state.dict
    }


def _version_key(mapper: Mapper[Any]) -> str | None:
    column = mapper.version_id_col
    if column is None:
        return None
    return mapper.get_property_by_column(column).key


def _before_flush(session: Session, flush_context: UOWTransaction, _instances: object) -> None:
    """Read what the after-flush hook cannot: columns of rows to delete that are not loaded, and the stored
    value of columns changed without having been read first (their history has no "before")."""
    remembered: dict[InstanceState[Any], dict[str, Any]] = {}
    versions: dict[InstanceState[Any], Any] = {}
    for obj in session.deleted:
        state = instance_state(obj)
        if _audited(state) and state.unloaded:
            session.refresh(obj)  # the log keeps the whole row that was deleted
    for obj in session.dirty:
        state = instance_state(obj)
        if not _audited(state) or state.key is None:
            continue
        version = _version_key(state.mapper)
        if version is not None and version in state.dict:
            versions[state] = state.dict[version]  # the mapper bumps it during the flush, outside the history
        unknown = [
            (key, column)
            for key, column in _columns(state.mapper)
            if (hist := state.attrs[key].history).added and not hist.deleted and not hist.unchanged
        ]
        if not unknown:
            continue
        mapper = state.mapper
        table = mapper.local_table
        where = [col == value for col, value in zip(mapper.primary_key, state.key[1], strict=True)]
        stored = session.execute(
            select(*[table.c[column] for _, column in unknown]).where(*where)
        ).one_or_none()
        if stored is not None:
            remembered[state] = dict(zip([column for _, column in unknown], stored, strict=True))
    flush_context.attributes[_BEFORE_KEY] = remembered
    flush_context.attributes[_VERSION_KEY] = versions


_order_cache: dict[int, dict[str, int]] = {}


def _table_order() -> dict[str, int]:
    """Tables in dependency order (parents first), so the entries of one flush read as the change was made.
    Sorting the metadata is not free; it is redone only when a module registers more tables."""
    known = len(Base.metadata.tables)
    if known not in _order_cache:
        _order_cache.clear()
        _order_cache[known] = {table.name: i for i, table in enumerate(Base.metadata.sorted_tables)}
    return _order_cache[known]


def _after_flush(session: Session, flush_context: UOWTransaction) -> None:
    remembered: dict[InstanceState[Any], dict[str, Any]] = flush_context.attributes.get(_BEFORE_KEY, {})
    versions: dict[InstanceState[Any], Any] = flush_context.attributes.get(_VERSION_KEY, {})
    actor = session_actor(session)
    at = utcnow()
    entries: list[dict[str, Any]] = []

    def add(state: InstanceState[Any], action: AuditAction, before: dict[str, Any] | None,
            after: dict[str, Any] | None) -> None:
        table = _table(state.mapper)
        entries.append({
            "at": at, "actor": actor, "agency_id": _agency_id(session, state, table), "action": action, "entity": table,
            "entity_id": _entity_id(state), "before": before, "after": after, "note": None,
        })

    order = _table_order()

    def ordered(states: Iterable[InstanceState[Any]], reverse: bool = False) -> list[InstanceState[Any]]:
        return sorted(states, key=lambda s: (order.get(_table(s.mapper), 0), _entity_id(s) or ""), reverse=reverse)

    # What the unit of work really wrote, orphans of a collection included (they never pass through
    # session.deleted); identity keys of new rows are given only after this hook, so a row without one is new.
    written = [(state, isdelete) for state, (isdelete, listonly) in flush_context.states.items()
               if not listonly and _audited(state)]
    inserted = [state for state, isdelete in written if not isdelete and state.key is None]
    updated = [state for state, isdelete in written if not isdelete and state.key is not None]
    deleted = [state for state, isdelete in written if isdelete and state.key is not None]

    for state in ordered(inserted):
        add(state, AuditAction.INSERT, None, _snapshot(state, _table(state.mapper)))
    for state in ordered(updated):
        table = _table(state.mapper)
        before: dict[str, Any] = {}
        after: dict[str, Any] = {}
        for key, column in _columns(state.mapper):
            hist = state.attrs[key].history
            if not hist.has_changes():
                continue
            if hist.deleted:
                old = hist.deleted[0]
            elif column in remembered.get(state, {}):
                old = remembered[state][column]
            else:
                old = NOT_LOADED
            new = hist.added[0] if hist.added else None
            if old == new:
                continue
            before[column] = old if old is NOT_LOADED else audit_value(table, column, old)
            after[column] = audit_value(table, column, new)
        version = _version_key(state.mapper)
        if after and version is not None and state in versions and state.dict.get(version) != versions[state]:
            before[version] = versions[state]
            after[version] = state.dict.get(version)
        if after:
            add(state, AuditAction.UPDATE, before, after)
    for state in ordered(deleted, reverse=True):
        add(state, AuditAction.DELETE, _snapshot(state, _table(state.mapper)), None)
    if entries:
        session.connection().execute(insert(AuditRow), entries)


def install_audit_log() -> None:
    """Log the changes of every session of the process (idempotent)."""
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def record(
    session: Session,
    *,
    actor: str,
    action: AuditAction,
    entity: str,
    note: str,
    agency_id: int | None = None,
    entity_id: str | int | None = None,
) -> None:
    """Log an event that changes no ledger row (log-in, log-out, failed log-in, export, publication), in the
    session's transaction: it is kept only if the transaction commits."""
    session.add(AuditRow(
        at=utcnow(), actor=actor, agency_id=agency_id, action=action, entity=entity,
        entity_id=None if entity_id is None else str(entity_id), before=None, after=None, note=note,
    ))


__all__ = [
    "ENCRYPTED",
    "EXCLUDED_TABLES",
    "HIDDEN",
    "NOT_LOADED",
    "SYSTEM_ACTOR",
    "audit_value",
    "cli_actor",
    "install_audit_log",
    "json_safe",
    "record",
    "session_actor",
]
