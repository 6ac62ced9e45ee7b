"""Accounts, passwords, sessions and throttling as domain functions, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from gongkai.accounts import passwords
from gongkai.accounts.demo import demo_accounts, load_demo_users
from gongkai.accounts.passwords import WeakPassword
from gongkai.accounts.roles import Role
from gongkai.accounts.sessions import SessionPolicy, load_session, log_in, start_session
from gongkai.accounts.throttle import ThrottlePolicy, record_attempt, retry_at
from gongkai.accounts.users import (
    authenticate,
    change_password,
    create_user,
    deactivate,
    find_account,
    list_users,
    reactivate,
    set_password,
    set_roles,
    set_supervised,
)
from gongkai.store.errors import InvalidRecord, NotFound
from gongkai.store.orm_accounts import UserRow, WebSessionRow

PASSWORD = "long-enough-pw"
POLICY = SessionPolicy(idle=timedelta(minutes=30), absolute=timedelta(hours=8))
THROTTLE = ThrottlePolicy(max_failures=3, window=timedelta(minutes=10))
T0 = datetime(2025, 9, 22, 9, 0)


def _clerk(session: Session, agency_id: int, username: str = "clerk") -> int:
    return create_user(session=session, username=username, name="张承办", password=PASSWORD,
                       roles=[Role.CLERK], agency_id=agency_id).id


def test_roles_belong_to_the_right_kind_of_account(factory: sessionmaker[Session], agencies: tuple[int, int]) -> None:
    a, b = agencies
    with factory.begin() as s:
        cases = [
            (dict(roles=[Role.CLERK]), "须属于一个机关"),
            (dict(roles=[Role.OVERSIGHT], agency_id=a), "不属于某个机关"),
            (dict(roles=[Role.CLERK, Role.SYSTEM_ADMIN], agency_id=a), "不能兼有"),
            (dict(roles=[Role.CLERK], agency_id=a, supervised=[b]), "只有监督账号"),
            (dict(roles=[]), "至少选择一个角色"),
            (dict(roles=[Role.CLERK], agency_id=999_999), "机关"),
        ]
        for kwargs, message in cases:
            with pytest.raises((InvalidRecord, NotFound), match=message):
                create_user(session=s, username="someone", name="某人", password=PASSWORD, **kwargs)  # type: ignore[arg-type]
        watcher = create_user(session=s, username="Watcher", name="监督员", password=PASSWORD,
                              roles=[Role.OVERSIGHT], supervised=[b, a])
        assert watcher.username == "watcher" and watcher.supervised == {a, b} and watcher.agency_id is None
        assert watcher.user.may_read(a) and not watcher.user.works_for(a)


def test_usernames_and_passwords(factory: sessionmaker[Session], agencies: tuple[int, int]) -> None:
    with factory.begin() as s:
        _clerk(s, agencies[0])
        with pytest.raises(InvalidRecord, match="已被使用"):
            _clerk(s, agencies[0], "CLERK")
        for bad in ("x", "has space", "中文名", "-dash", "a" * 41):
            with pytest.raises(InvalidRecord, match="用户名须为"):
                _clerk(s, agencies[0], bad)
        with pytest.raises(WeakPassword, match="至少需要 10 个字符"):
            create_user(session=s, username="short", name="甲", password="123456789", roles=[Role.CLERK],
                        agency_id=agencies[0])
        with pytest.raises(WeakPassword, match="不能与用户名相同"):
            create_user(session=s, username="sameasname", name="甲", password="SameAsName", roles=[Role.CLERK],
                        agency_id=agencies[0])
        stored = s.scalars(select(UserRow.password_hash)).one()
        assert stored.startswith("$argon2id$") and PASSWORD not in stored


def test_authenticate_and_rehash_when_parameters_change(
    factory: sessionmaker[Session], agencies: tuple[int, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    with factory.begin() as s:
        user_id = _clerk(s, agencies[0])
    with factory.begin() as s:
        assert authenticate(session=s, username="clerk", password="wrong-password") is None
        assert authenticate(session=s, username="nobody", password=PASSWORD) is None
        user = authenticate(session=s, username=" Clerk ", password=PASSWORD)
        assert user is not None and user.id == user_id and user.roles == {Role.CLERK}
        old = s.get(UserRow, user_id).password_hash  # type: ignore[union-attr]
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(passwords, "hasher", stronger)
    with factory.begin() as s:
        assert authenticate(session=s, username="clerk", password=PASSWORD) is not None
    with factory() as s:
        new = s.get(UserRow, user_id).password_hash  # type: ignore[union-attr]
    assert new != old and "m=2048,t=2,p=1" in new and "m=2048,t=2" not in old
    assert not stronger.check_needs_rehash(new)
    with factory.begin() as s:
        deactivate(session=s, user_id=user_id)
        assert authenticate(session=s, username="clerk", password=PASSWORD) is None
        reactivate(session=s, user_id=user_id)
        assert authenticate(session=s, username="clerk", password=PASSWORD) is not None


def test_there_is_always_an_active_system_administrator(factory: sessionmaker[Session]) -> None:
    with factory.begin() as s:
        root = create_user(session=s, username="root", name="管理员", password=PASSWORD, roles=[Role.SYSTEM_ADMIN])
        with pytest.raises(InvalidRecord, match="唯一在用的系统管理员"):
            deactivate(session=s, user_id=root.id)
        with pytest.raises(InvalidRecord, match="唯一在用的系统管理员"):
            set_roles(session=s, user_id=root.id, roles=[Role.OVERSIGHT], agency_id=None)
        second = create_user(session=s, username="root2", name="管理员二", password=PASSWORD,
                             roles=[Role.SYSTEM_ADMIN])
        assert not deactivate(session=s, user_id=root.id).active
        with pytest.raises(InvalidRecord, match="唯一在用的系统管理员"):
            deactivate(session=s, user_id=second.id)


def test_roles_supervision_and_lists(factory: sessionmaker[Session], agencies: tuple[int, int]) -> None:
    a, b = agencies
    with factory.begin() as s:
        clerk = _clerk(s, a)
        _clerk(s, b, "clerkb")
        promoted = set_roles(session=s, user_id=clerk, roles=[Role.CLERK, Role.HEAD], agency_id=a)
        assert promoted.roles == {Role.CLERK, Role.HEAD} and promoted.role_labels == "承办人、负责人"
        moved = set_roles(session=s, user_id=clerk, roles=[Role.OVERSIGHT], agency_id=None)
        assert moved.agency_id is None
        watching = set_supervised(session=s, user_id=clerk, agency_ids=[a])
        assert watching.supervised == {a}
        assert set_supervised(session=s, user_id=clerk, agency_ids=[a, b]).supervised == {a, b}
        back = set_roles(session=s, user_id=clerk, roles=[Role.REVIEWER], agency_id=b)
        assert back.supervised == frozenset() and back.agency_id == b
        assert [u.username for u in list_users(session=s)] == ["clerk", "clerkb"]
        assert [u.username for u in list_users(session=s, agency_id=a)] == []
        assert {u.username for u in list_users(session=s, agency_id=b)} == {"clerk", "clerkb"}


def test_sessions_end_by_time_deactivation_and_password_change(
    factory: sessionmaker[Session], agencies: tuple[int, int]
) -> None:
    with factory.begin() as s:
        user_id = _clerk(s, agencies[0])
        user = find_account(session=s, username="clerk").user  # type: ignore[union-attr]
        desk = start_session(session=s, user=user, policy=POLICY, now=T0)
        phone = start_session(session=s, user=user, policy=POLICY, now=T0)
    assert desk.token != phone.token and desk.csrf_token != phone.csrf_token
    with factory.begin() as s:
        assert load_session(session=s, token=desk.token, policy=POLICY, now=T0 + timedelta(seconds=30)) is not None
        stored = s.get(WebSessionRow, desk.id)
        assert stored is not None and stored.last_seen_at == T0  # not rewritten within the minute
        assert load_session(session=s, token=desk.token, policy=POLICY, now=T0 + timedelta(minutes=29)) is not None
        assert stored.last_seen_at == T0 + timedelta(minutes=29)
        # idle: 30 minutes after the last request
        assert load_session(session=s, token=phone.token, policy=POLICY, now=T0 + timedelta(minutes=30)) is None
        assert s.get(WebSessionRow, phone.id) is None
        # absolute: 8 hours after log-in, however busy
        moment = T0 + timedelta(minutes=29)
        while moment < T0 + timedelta(hours=8):
            assert load_session(session=s, token=desk.token, policy=POLICY, now=moment) is not None
            moment += timedelta(minutes=20)
        assert load_session(session=s, token=desk.token, policy=POLICY, now=moment) is None
    with factory.begin() as s:
        one = start_session(session=s, user=user, policy=POLICY)
        two = start_session(session=s, user=user, policy=POLICY)
        change_password(session=s, user_id=user_id, current=PASSWORD, new="a-new-password", keep_session=one.id)
        assert load_session(session=s, token=one.token, policy=POLICY) is not None
        assert load_session(session=s, token=two.token, policy=POLICY) is None
        with pytest.raises(InvalidRecord, match="当前密码不正确"):
            change_password(session=s, user_id=user_id, current=PASSWORD, new="yet-another-pw")
        set_password(session=s, user_id=user_id, password="reset-by-admin")
        assert load_session(session=s, token=one.token, policy=POLICY) is None


def test_throttle_window_arithmetic(factory: sessionmaker[Session]) -> None:
    with factory.begin() as s:
        for minute in (0, 1, 2):
            assert retry_at(session=s, username="clerk", ip="10.0.0.1", policy=THROTTLE,
                            now=T0 + timedelta(minutes=minute)) is None
            record_attempt(session=s, username="clerk", ip="10.0.0.1", succeeded=False,
                           now=T0 + timedelta(minutes=minute))
        # three failures within ten minutes: paused until the first leaves the window
        assert retry_at(session=s, username="clerk", ip="10.0.0.9", policy=THROTTLE,
                        now=T0 + timedelta(minutes=3)) == T0 + timedelta(minutes=10)
        assert retry_at(session=s, username="clerk", ip="10.0.0.9", policy=THROTTLE,
                        now=T0 + timedelta(minutes=10)) is None
        assert retry_at(session=s, username="other", ip="10.0.0.1", policy=THROTTLE,
                        now=T0 + timedelta(minutes=3)) is None  # the address has 12 before its pause
        # a success clears the account's count
        record_attempt(session=s, username="clerk", ip="10.0.0.1", succeeded=True, now=T0 + timedelta(minutes=11))
        record_attempt(session=s, username="clerk", ip="10.0.0.1", succeeded=False, now=T0 + timedelta(minutes=12))
        assert retry_at(session=s, username="clerk", ip="10.0.0.1", policy=THROTTLE,
                        now=T0 + timedelta(minutes=12)) is None


def test_log_in_records_attempts_and_replaces_the_old_session(
    factory: sessionmaker[Session], agencies: tuple[int, int]
) -> None:
    kwargs = dict(ip="10.0.0.1", user_agent="test", session_policy=POLICY, throttle_policy=THROTTLE)
    with factory.begin() as s:
        _clerk(s, agencies[0])
        first = log_in(session=s, username="clerk", password=PASSWORD, **kwargs)  # type: ignore[arg-type]
        assert first.started is not None and first.started.user.username == "clerk"
        second = log_in(session=s, username="clerk", password=PASSWORD, replacing=first.started.token,
                        **kwargs)  # type: ignore[arg-type]
        assert second.started is not None
        assert load_session(session=s, token=first.started.token, policy=POLICY) is None
        for _ in range(3):
            refused = log_in(session=s, username="clerk", password="wrong-password", **kwargs)  # type: ignore[arg-type]
            assert refused.started is None and not refused.throttled
        paused = log_in(session=s, username="clerk", password=PASSWORD, **kwargs)  # type: ignore[arg-type]
        assert paused.throttled and paused.started is None


def test_demo_users(factory: sessionmaker[Session], agencies: tuple[int, int]) -> None:
    with factory.begin() as s:
        created = load_demo_users(session=s, agency_ids=agencies, password=PASSWORD)
        assert created == ["clerk1", "reviewer1", "head1", "admin1", "clerk2", "reviewer2", "head2", "admin2",
                           "oversight", "sysadmin"]
        assert load_demo_users(session=s, agency_ids=agencies, password=PASSWORD) == []
        accounts = {a.username: a for a in list_users(session=s)}
    assert accounts["head2"].roles == {Role.HEAD} and accounts["head2"].agency_id == agencies[1]
    assert accounts["oversight"].supervised == set(agencies) and accounts["sysadmin"].roles == {Role.SYSTEM_ADMIN}
    names = [name for _, name, _, _ in demo_accounts(agencies)]
    assert len(set(names)) == len(names) and all(not n.isascii() for n in names)
