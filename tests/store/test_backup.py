"""``gongkai backup`` / ``gongkai restore`` on both backends: a restored ledger equals, row by row (audit log and
decrypted applicant data included), the ledger at backup time; damaged files, newer schemas and non-empty targets
are refused and leave the target as it was."""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import typer
from sqlalchemy import Engine, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from gongkai.cli_backup import backup_command, restore_command
from gongkai.ledger import create_agency
from gongkai.ledger.demo import load_demo
from gongkai.ledger.schemas import AgencyIn
from gongkai.store import Protector, load_protector, make_engine, session_factory
from gongkai.store.backup import BackupError, _write_archive, backup, find_pg_tool, read_manifest, restore
from gongkai.store.crypto import key_file_for
from gongkai.store.migrate import current_revision, head_revision, schema_differences, upgrade
from gongkai.store.orm import ApplicationRow
from gongkai.store.vocab import AgencyKind

Snapshot = dict[str, list[tuple[Any, ...]]]


def snapshot(engine: Engine) -> Snapshot:
    """Every row of every table of the ledger's schema (Alembic's revision table too), in a stable order."""
    out: Snapshot = {}
    with engine.connect() as conn:
        for table in sorted(inspect(conn).get_table_names()):
            quoted = conn.dialect.identifier_preparer.quote(table)
            out[table] = sorted((tuple(r) for r in conn.execute(text(f"SELECT * FROM {quoted}"))), key=repr)
    return out


def applicants(factory: sessionmaker[Session], protector: Protector) -> list[tuple[Any, ...]]:
    """The applicants' personal data, decrypted."""
    with factory() as s:
        rows = s.scalars(select(ApplicationRow).order_by(ApplicationRow.id)).all()
        return [
            (r.id, protector.decrypt(r.applicant_name), protector.decrypt_optional(r.id_document),
             protector.decrypt_optional(r.phone), protector.decrypt_optional(r.email),
             protector.decrypt_optional(r.address))
            for r in rows
        ]


def key_env(backend: str, tmp_path: Path) -> dict[str, str]:
    """No GONGKAI_SECRET_KEY: the key is a file (beside the SQLite file, or in this data directory)."""
    return {"GONGKAI_DATA_DIR": str(tmp_path / "data")} if backend == "postgresql" else {}


def filled(engine: Engine, env: Mapping[str, str]) -> tuple[sessionmaker[Session], Protector]:
    protector = load_protector(engine.url.render_as_string(hide_password=False), env)  # creates the key file
    factory = session_factory(engine, protector=protector, actor="测试员")
    with factory.begin() as s:
        load_demo(session=s, seed=3, per_year=12, proactive_per_year=4)
    return factory, protector


@pytest.fixture
def sqlite_engine(tmp_path: Path, sqlite_template: Path) -> Iterator[Engine]:
    """A migrated, empty SQLite ledger, for what only SQLite has (its file, its WAL) or needs no second backend."""
    path = tmp_path / "ledger.db"
    shutil.copy(sqlite_template, path)
    eng = make_engine(f"sqlite:///{path}")
    yield eng
    eng.dispose()


def test_restore_gives_back_every_row_and_the_key(engine: Engine, backend: str, tmp_path: Path) -> None:
    env = key_env(backend, tmp_path)
    url = engine.url.render_as_string(hide_password=False)
    factory, protector = filled(engine, env)
    at_backup = snapshot(engine)
    people = applicants(factory, protector)
    assert len(people) >= 20 and len(at_backup["audit_log"]) > 100
    result = backup(engine, tmp_path / "ledger.gkbak", env=env)
    assert result.manifest.key_included and result.manifest.schema_revision == head_revision()
    assert result.manifest.database_kind == backend

    # Changes after the backup: an update, deletions, a new agency (and their audit entries).
    with factory.begin() as s:
        s.execute(text("UPDATE applications SET information = '改过的内容' WHERE id % 2 = 0"))
        s.execute(text("DELETE FROM application_events WHERE id % 3 = 0"))
        s.execute(text("DELETE FROM audit_log WHERE id % 5 = 0"))
        create_agency(session=s, data=AgencyIn(name="青溪县新设局", kind=AgencyKind.COUNTY_DEPARTMENT))
    changed = snapshot(engine)
    assert changed != at_backup

    with pytest.raises(BackupError, match=r"已有数据.*--force"):
        restore(tmp_path / "ledger.gkbak", engine, env=env)
    assert snapshot(engine) == changed  # refused: untouched

    key_file = key_file_for(url, env)
    key_file.unlink()  # the machine was lost: only the backup is left
    restored = restore(tmp_path / "ledger.gkbak", engine, force=True, env=env)
    assert restored.key_file == key_file and key_file.is_file() and restored.migrated_from is None
    assert snapshot(engine) == at_backup
    fresh = load_protector(url, env)  # the restored key file, not the protector kept in memory
    assert applicants(session_factory(engine, protector=fresh), fresh) == people


def test_sqlite_restore_into_a_new_file_with_its_own_key(sqlite_engine: Engine, tmp_path: Path) -> None:
    engine = sqlite_engine
    factory, protector = filled(engine, {})
    at_backup = snapshot(engine)
    people = applicants(factory, protector)
    backup(engine, tmp_path / "b.gkbak", env={})
    target = make_engine(f"sqlite:///{tmp_path / 'elsewhere' / 'copy.db'}")
    try:
        restore(tmp_path / "b.gkbak", target, env={})
        assert snapshot(target) == at_backup
        key = load_protector(target.url.render_as_string(), {})
        assert key.origin.endswith("copy.db.key")
        assert applicants(session_factory(target, protector=key), key) == people
        with target.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    finally:
        target.dispose()


def test_a_flipped_byte_anywhere_is_refused(sqlite_engine: Engine, tmp_path: Path) -> None:
    engine = sqlite_engine
    filled(engine, {})
    good = tmp_path / "good.gkbak"
    backup(engine, good, env={})
    data = good.read_bytes()
    target_path = tmp_path / "target.db"
    for position in (0, 40, len(data) // 3, len(data) // 2, len(data) - 90, len(data) - 30, len(data) - 1):
        bad = tmp_path / f"损坏-{position}.gkbak"
        flipped = bytearray(data)
        flipped[position] ^= 0x10
        bad.write_bytes(bytes(flipped))
        target = make_engine(f"sqlite:///{target_path}")
        with pytest.raises(BackupError, match=re.escape(f"备份文件 {bad} 已损坏")) as caught:
            restore(bad, target, env={})
        assert "\n" not in str(caught.value)
        target.dispose()
        assert not target_path.exists() or snapshot(make_engine(f"sqlite:///{target_path}")) == {}


def test_a_member_that_does_not_match_the_manifest_is_refused(sqlite_engine: Engine, tmp_path: Path) -> None:
    engine = sqlite_engine
    filled(engine, {})
    good = tmp_path / "good.gkbak"
    manifest = backup(engine, good, env={}).manifest
    # A well-sealed archive whose database is not the one the manifest describes (a tampered, re-sealed file).
    staged = tmp_path / "database.sqlite"
    with zipfile.ZipFile(good) as archive:
        staged.write_bytes(archive.read("database.sqlite")[:-4096])
        (tmp_path / "secret.key").write_bytes(archive.read("secret.key"))
    forged = tmp_path / "forged.gkbak"
    _write_archive(forged, {"database.sqlite": staged, "secret.key": tmp_path / "secret.key"}, manifest)
    with pytest.raises(BackupError, match=r"database\.sqlite 与清单中的校验和不符"):
        restore(forged, make_engine(f"sqlite:///{tmp_path / 'x.db'}"), env={})


def test_older_backup_is_migrated_newer_is_refused(empty_engine: Engine, backend: str, tmp_path: Path) -> None:
    upgrade(empty_engine, "0002")
    old = backup(empty_engine, tmp_path / "old.gkbak", env=key_env(backend, tmp_path))
    assert old.manifest.schema_revision == "0002"
    target = empty_engine if backend == "postgresql" else make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    result = restore(tmp_path / "old.gkbak", target, env=key_env(backend, tmp_path))
    assert result.migrated_from == "0002" and result.revision == head_revision()
    assert current_revision(target) == head_revision() and schema_differences(target) == []

    with target.begin() as conn:
        conn.exec_driver_sql("UPDATE alembic_version SET version_num = '0999_future'")
    backup(target, tmp_path / "future.gkbak", env=key_env(backend, tmp_path))
    before = snapshot(target)
    with pytest.raises(BackupError, match=r"结构版本 0999_future 比本程序新.*future\.gkbak|future\.gkbak.*0999_future 比本程序新"):
        restore(tmp_path / "future.gkbak", target, force=True, env=key_env(backend, tmp_path))
    assert snapshot(target) == before


def test_sqlite_backup_is_one_moment_while_the_desk_writes(sqlite_engine: Engine, tmp_path: Path) -> None:
    engine = sqlite_engine
    factory = session_factory(engine, protector=Protector.generate())
    with factory.begin() as s:
        create_agency(session=s, data=AgencyIn(name="已提交的机关", kind=AgencyKind.TOWNSHIP))
    wal = Path(f"{engine.url.database}-wal")
    assert wal.stat().st_size > 0  # the committed row is still in the WAL, not yet in the database file
    writer = factory()
    try:
        create_agency(session=writer, data=AgencyIn(name="未提交的机关", kind=AgencyKind.TOWNSHIP))
        writer.flush()  # holds the write lock with an open transaction while the backup runs
        backup(engine, tmp_path / "live.gkbak", env={})
    finally:
        writer.rollback()
        writer.close()
    copy = make_engine(f"sqlite:///{tmp_path / 'copy.db'}")
    restore(tmp_path / "live.gkbak", copy, env={})
    with copy.connect() as conn:
        names = set(conn.exec_driver_sql("SELECT name FROM agencies").scalars())
    copy.dispose()
    assert names == {"已提交的机关"}


def test_cli_backup_and_restore(sqlite_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = sqlite_engine
    monkeypatch.delenv("GONGKAI_SECRET_KEY", raising=False)
    filled(engine, {})
    app = typer.Typer()
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)
    runner = CliRunner()
    url = engine.url.render_as_string()
    out = tmp_path / "cli.gkbak"
    done = runner.invoke(app, ["backup", "--db", url, "-o", str(out)])
    assert done.exit_code == 0, done.output
    assert "已备份到" in done.stdout and "含密钥文件" in done.stderr
    manifest = json.loads(zipfile.ZipFile(out).read("manifest.json"))
    assert manifest["format"] == "gongkai-backup" and manifest["database"]["kind"] == "sqlite"
    assert set(manifest["files"]) == {"database.sqlite", "secret.key"}
    assert oct(out.stat().st_mode & 0o777) == "0o600"  # it holds the key

    refused = runner.invoke(app, ["restore", str(out), "--db", url])
    assert refused.exit_code == 2 and refused.stderr.startswith("错误：目标数据库已有数据")
    forced = runner.invoke(app, ["restore", str(out), "--db", url, "--force"])
    assert forced.exit_code == 0, forced.output
    assert "已由" in forced.stdout

    no_key = runner.invoke(app, ["backup", "--db", url, "-o", str(tmp_path / "nokey.gkbak"), "--no-key"])
    assert no_key.exit_code == 0 and "未包含密钥" in no_key.stderr
    assert read_manifest(tmp_path / "nokey.gkbak").key_included is False
    missing = runner.invoke(app, ["restore", str(tmp_path / "无此文件.gkbak"), "--db", url])
    assert missing.exit_code == 2 and "无此文件.gkbak 不存在" in missing.stderr


def test_pg_tools_too_old_or_missing_are_named(tmp_path: Path) -> None:
    with pytest.raises(BackupError, match=r"pg_dump 版本过旧.*99 版"):
        find_pg_tool("pg_dump", 99, env={"PATH": os.environ.get("PATH", "")})
    with pytest.raises(BackupError, match="找不到 pg_nosuchtool"):
        find_pg_tool("pg_nosuchtool", 15, env={"PATH": str(tmp_path)})
    tool, major = find_pg_tool("pg_dump", 15, env={"PATH": os.environ.get("PATH", "")})
    assert major >= 15 and tool.name == "pg_dump"
