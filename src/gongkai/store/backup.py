"""Backup and restore of the ledger: one file holding the database, the data key and a manifest.

A backup is a ZIP archive (readable with any unzip tool) of

* ``manifest.json`` — format version, gongkai version, schema revision (Alembic), when, which kind of database,
  and the size and SHA-256 of every other member;
* ``database.sqlite`` — a SQLite ledger copied with SQLite's online backup API: one consistent snapshot, taken
  while the desk keeps running, committed rows still in the WAL file included; or ``database.pgdump`` — a
  PostgreSQL ledger dumped with ``pg_dump -Fc`` (one snapshot too);
* ``secret.key`` — the key that encrypts applicants' personal data, when it is a key file (beside the SQLite
  database, or ``secret.key`` in the data directory for PostgreSQL; see :mod:`gongkai.store.crypto`). **Without
  that key the encrypted applicant data in the backup cannot be read by anyone.** So the key is carried by
  default — and whoever holds such a backup can read the personal data: keep it as safely as the key itself.
  With ``include_key=False``, or when the key comes from ``GONGKAI_SECRET_KEY``, the manifest says the key is
  not inside and must be backed up separately.

The archive's comment is the SHA-256 of every byte before it, so a single flipped byte anywhere is found before
anything is restored; each member is checked against the manifest as well.

:func:`restore` refuses a damaged file, a backup of the other kind of database, a backup from a newer schema than
this program knows (an older one is restored, then migrated), and a target that already holds data unless
``force=True``. SQLite: the backup is unpacked and migrated in a temporary file, then copied over the ledger with
the online backup API in one write transaction — readers see the old ledger or the new one, never a mix, and a
crash leaves the old one (a file rename is not used: it would leave the old database's WAL file beside the new
database, and SQLite would replay it into the wrong file). PostgreSQL: ``pg_restore`` turns the dump into SQL that
``psql`` runs in one transaction after dropping the ledger's schema: all of it or nothing. ``pg_dump``,
``pg_restore`` and ``psql`` are taken from ``GONGKAI_PG_BINDIR``, the server's version directory
(``/usr/lib/postgresql/<major>/bin``), or ``PATH``, and must not be older than the server.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path
from typing import IO, Any

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text
from sqlalchemy.engine import URL

from gongkai.store.crypto import SECRET_KEY_ENV, key_file_for
from gongkai.store.db import sqlite_path
from gongkai.store.errors import StoreError
from gongkai.store.migrate import alembic_config, current_revision, upgrade

FORMAT = "gongkai-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite"
PGDUMP_MEMBER = "database.pgdump"
KEY_MEMBER = "secret.key"
PG_BINDIR_ENV = "GONGKAI_PG_BINDIR"
DEBIAN_PG_ROOT = Path("/usr/lib/postgresql")
_SEAL_PREFIX = b"gongkai-backup sha256="
_SEAL_LENGTH = len(_SEAL_PREFIX) + 64
_SEAL = re.compile(rb"gongkai-backup sha256=([0-9a-f]{64})")
_CHUNK = 1 << 20
_TOOL_TIMEOUT_S = 3600  # a dump or restore of a large ledger takes minutes, not hours: a hung tool is stopped


class BackupError(StoreError):
    """A backup that cannot be made or a file that cannot be restored; nothing was changed."""


@dataclass(frozen=True)
class MemberFile:
    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class BackupManifest:
    format_version: int
    gongkai_version: str
    schema_revision: str | None
    created_at: datetime
    database_kind: str  # "sqlite" | "postgresql"
    files: tuple[MemberFile, ...]
    key_included: bool
    key_note: str
    server_version: str | None = None  # PostgreSQL: the server's version at backup time
    pg_schema: str | None = None  # PostgreSQL: the schema holding the ledger
    dump_tool_major: int | None = None  # PostgreSQL: major version of the pg_dump that wrote the dump

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "format_version": self.format_version,
            "gongkai_version": self.gongkai_version,
            "schema_revision": self.schema_revision,
            "created_at": self.created_at.isoformat(),
            "database": {"kind": self.database_kind, "server_version": self.server_version,
                         "schema": self.pg_schema, "dump_tool_major": self.dump_tool_major},
            "key": {"included": self.key_included, "note": self.key_note},
            "files": {f.name: {"size": f.size, "sha256": f.sha256} for f in self.files},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: Path) -> BackupManifest:
        try:
            if data.get("format") != FORMAT:
                raise BackupError(f"{source} 不是 gongkai 备份文件")
            version = int(data["format_version"])
            if version > FORMAT_VERSION:
                raise BackupError(f"{source} 的备份格式（第{version}版）比本程序新，请先升级 gongkai")
            database = data["database"]
            return cls(
                format_version=version,
                gongkai_version=str(data["gongkai_version"]),
                schema_revision=data["schema_revision"],
                created_at=datetime.fromisoformat(data["created_at"]),
                database_kind=str(database["kind"]),
                files=tuple(MemberFile(name, int(v["size"]), str(v["sha256"])) for name, v in data["files"].items()),
                key_included=bool(data["key"]["included"]),
                key_note=str(data["key"]["note"]),
                server_version=database.get("server_version"),
                pg_schema=database.get("schema"),
                dump_tool_major=database.get("dump_tool_major"),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise BackupError(f"{source} 的备份清单不完整或格式错误（{exc}）") from exc

    def member(self, name: str) -> MemberFile | None:
        return next((f for f in self.files if f.name == name), None)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size: int
    manifest: BackupManifest


@dataclass(frozen=True)
class RestoreResult:
    manifest: BackupManifest
    revision: str | None  # the schema revision of the restored database
    migrated_from: str | None  # the backup's revision when the restore migrated it, else None
    key_file: Path | None  # where the backup's key was written
    warnings: tuple[str, ...] = field(default_factory=tuple)


# ---------------------------------------------------------------- small helpers


def gongkai_version() -> str:
    try:
        return package_version("gongkai")
    except PackageNotFoundError:
        return "unknown"


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_dir(directory: Path) -> None:
    with suppress(OSError):  # not every file system lets a directory be opened (the rename stays atomic anyway)
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _url_text(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def known_revisions() -> set[str]:
    return {script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()}


def has_data(engine: Engine) -> bool:
    """Whether any table of the ledger's schema holds a row (the Alembic revision table aside)."""
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            if table == "alembic_version":
                continue
            quoted = conn.dialect.identifier_preparer.quote(table)
            if conn.execute(text(f"SELECT 1 FROM {quoted} LIMIT 1")).first() is not None:  # a reflected name, quoted
                return True
    return False


# ---------------------------------------------------------------- the key


def _key_to_carry(url: str, env: Mapping[str, str]) -> tuple[Path | None, str]:
    if env.get(SECRET_KEY_ENV, "").strip():
        return None, (f"密钥取自环境变量 {SECRET_KEY_ENV}，未包含在本备份中：请另行妥善备份该密钥，"
                      "否则恢复后无法读取加密的申请人信息")
    path = key_file_for(url, env)
    if path.is_file():
        return path, f"本备份含密钥文件（{path.name}）：持有本备份即可读取申请人信息，请妥善保管"
    return None, f"未找到密钥文件 {path}：本备份不含密钥；若台账中有加密的申请人信息，须另行备份其密钥"


def _write_key(key: bytes, target: Path, env: Mapping[str, str]) -> list[str]:
    """Put the backup's key where the restored database looks for it; a different key already there is kept
    beside it (``….replaced-<time>``), never overwritten."""
    warnings: list[str] = []
    target.parent.mkdir(parents=True, exist_ok=True)
    if target.is_file():
        if target.read_bytes().strip() == key.strip():
            return warnings
        kept = target.with_name(f"{target.name}.replaced-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}")
        shutil.copy2(target, kept)
        warnings.append(f"原密钥文件与备份中的密钥不同，已另存为 {kept}")
    fd, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(key.strip() + b"\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    _fsync_dir(target.parent)
    configured = [k.strip() for k in env.get(SECRET_KEY_ENV, "").split(",") if k.strip()]
    if configured and key.strip().decode("ascii", "replace") not in configured:
        warnings.append(f"已设置环境变量 {SECRET_KEY_ENV}，它优先于密钥文件 {target}，但不含备份中的密钥："
                        "恢复的申请人信息须用该密钥文件中的密钥才能读取")
    return warnings


# ---------------------------------------------------------------- the archive


def _write_archive(output: Path, members: Mapping[str, Path], manifest: BackupManifest) -> int:
    """Write the ZIP to a temporary file beside ``output``, seal it, then rename it into place."""
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=output.parent, prefix=f".{output.name}.", suffix=".tmp")
    os.close(fd)
    temp = Path(temp_name)
    try:
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            archive.writestr(MANIFEST, json.dumps(manifest.to_dict(), ensure_ascii=False, indent=2))
            for name, path in members.items():
                archive.write(path, name)
            archive.comment = _SEAL_PREFIX + b"0" * 64  # the placeholder keeps the sealed length
        size = temp.stat().st_size
        digest = hashlib.sha256()
        with temp.open("r+b") as fh:
            remaining = size - _SEAL_LENGTH
            while remaining > 0:
                chunk = fh.read(min(_CHUNK, remaining))
                digest.update(chunk)
                remaining -= len(chunk)
            fh.seek(size - _SEAL_LENGTH)
            fh.write(_SEAL_PREFIX + digest.hexdigest().encode("ascii"))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(temp, output)
    except BaseException:
        with suppress(FileNotFoundError):
            temp.unlink()
        raise
    _fsync_dir(output.parent)
    return size


def _damaged(path: Path, why: str) -> BackupError:
    return BackupError(f"备份文件 {path} 已损坏（{why}），未恢复任何数据")


def _check_seal(path: Path) -> None:
    try:
        size = path.stat().st_size
    except FileNotFoundError as exc:
        raise BackupError(f"备份文件 {path} 不存在") from exc
    if size < _SEAL_LENGTH + 22:
        raise _damaged(path, "文件过短")
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        remaining = size - _SEAL_LENGTH
        while remaining > 0:
            chunk = fh.read(min(_CHUNK, remaining))
            digest.update(chunk)
            remaining -= len(chunk)
        seal = _SEAL.fullmatch(fh.read())
    if seal is None:
        raise _damaged(path, "缺少校验和，可能不是 gongkai 备份文件或已被截断")
    if seal.group(1).decode("ascii") != digest.hexdigest():
        raise _damaged(path, "校验和不符：文件在备份后被改动或传输出错")


def read_manifest(path: Path) -> BackupManifest:
    """The manifest of the backup ``path``, after checking the whole file's checksum."""
    _check_seal(path)
    try:
        with zipfile.ZipFile(path) as archive:
            data = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, json.JSONDecodeError, OSError) as exc:
        raise _damaged(path, f"无法读取备份清单：{exc}") from exc
    if not isinstance(data, dict):
        raise _damaged(path, "备份清单格式错误")
    return BackupManifest.from_dict(data, path)


def _extract(path: Path, manifest: BackupManifest, name: str, into: Path) -> Path:
    entry = manifest.member(name)
    if entry is None:
        raise _damaged(path, f"清单中没有 {name}")
    target = into / name
    digest = hashlib.sha256()
    size = 0
    try:
        with zipfile.ZipFile(path) as archive, archive.open(name) as src, target.open("wb") as out:
            while chunk := src.read(_CHUNK):
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
    except (zipfile.BadZipFile, KeyError, OSError, EOFError) as exc:
        raise _damaged(path, f"无法读出 {name}：{exc}") from exc
    if size != entry.size or digest.hexdigest() != entry.sha256:
        raise _damaged(path, f"{name} 与清单中的校验和不符")
    return target


# ---------------------------------------------------------------- PostgreSQL tools


def _tool_major(tool: Path) -> int | None:
    try:
        out = subprocess.run([str(tool), "--version"], capture_output=True, text=True, timeout=30, check=False)
    except OSError:
        return None
    found = re.search(r"\)\s*(\d+)", out.stdout)
    return int(found.group(1)) if found else None


def find_pg_tool(name: str, server_major: int, env: Mapping[str, str] | None = None) -> tuple[Path, int]:
    """``pg_dump``, ``pg_restore`` or ``psql`` of at least the server's major version: from
    ``GONGKAI_PG_BINDIR``, the server's version directory, ``PATH``, or another installed version."""
    environ = os.environ if env is None else env
    candidates: list[Path] = []
    configured = environ.get(PG_BINDIR_ENV, "").strip()
    if configured:
        candidates.append(Path(configured) / name)
    candidates.append(DEBIAN_PG_ROOT / str(server_major) / "bin" / name)
    on_path = shutil.which(name, path=environ.get("PATH"))
    if on_path:
        candidates.append(Path(on_path))
    if DEBIAN_PG_ROOT.is_dir():
        installed = [p for p in DEBIAN_PG_ROOT.iterdir() if p.name.isdigit()]
        candidates += [p / "bin" / name for p in sorted(installed, key=lambda p: -int(p.name))]
    older: list[str] = []
    for tool in dict.fromkeys(candidates):
        if not (tool.is_file() and os.access(tool, os.X_OK)):
            continue
        major = _tool_major(tool)
        if major is not None and major >= server_major:
            return tool, major
        older.append(f"{tool}（{major if major is not None else '版本不明'}）")
    if older:
        raise BackupError(
            f"找到的 {name} 版本过旧：{'、'.join(older)}；PostgreSQL 服务器为 {server_major} 版，"
            f"须使用 {server_major} 版或更新的 {name}（Debian/Ubuntu：apt install postgresql-client-{server_major}），"
            f"或用环境变量 {PG_BINDIR_ENV} 指定其所在目录"
        )
    raise BackupError(
        f"找不到 {name}：PostgreSQL 数据库的备份和恢复需要 {server_major} 版或更新的 PostgreSQL 客户端工具"
        f"（Debian/Ubuntu：apt install postgresql-client-{server_major}），或用环境变量 {PG_BINDIR_ENV} 指定其所在目录"
    )


def _libpq_env(url: URL, base: Mapping[str, str]) -> dict[str, str]:
    """The connection for the command-line tools, passed in the environment (a password on the command line
    would show in the process list)."""
    env = dict(base)
    for var, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                       ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None and value != "":
            env[var] = str(value)
    for key, var in (("sslmode", "PGSSLMODE"), ("host", "PGHOST"), ("port", "PGPORT")):
        option = url.query.get(key)
        if isinstance(option, str):
            env[var] = option
    env.pop("PGOPTIONS", None)
    return env


def _pg_server(engine: Engine) -> tuple[int, str, str]:
    """(major version, full version, current schema) of the server behind ``engine``."""
    with engine.connect() as conn:
        number = int(conn.exec_driver_sql("SHOW server_version_num").scalar_one())
        full = str(conn.exec_driver_sql("SHOW server_version").scalar_one())
        schema = conn.exec_driver_sql("SELECT current_schema()").scalar_one()
    if not schema:
        raise BackupError("数据库连接没有当前模式（search_path 为空），无法确定台账所在的模式")
    return number // 10000, full, str(schema)


def _run_tool(args: list[str], env: Mapping[str, str], what: str) -> None:
    try:
        done = subprocess.run(args, env=dict(env), capture_output=True, timeout=_TOOL_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise BackupError(f"{what}失败：{exc}") from exc
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise BackupError(f"{what}失败：{detail[-1] if detail else f'退出码 {done.returncode}'}")


# ---------------------------------------------------------------- backup


def _sqlite_snapshot(source: Path, into: Path) -> tuple[Path, str | None]:
    """One consistent copy of the live database (WAL content included), as a self-contained file."""
    if not source.is_file():
        raise BackupError(f"数据库文件 {source} 不存在")
    target = into / SQLITE_MEMBER
    src = sqlite3.connect(source, timeout=30)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)  # all pages in one step: one read transaction, so one point in time
            dst.execute("PRAGMA journal_mode=DELETE")
            check = dst.execute("PRAGMA integrity_check").fetchall()
            if check != [("ok",)]:
                raise BackupError(f"数据库 {source} 未通过完整性检查，未备份：{check[0][0]}")
            revision = _sqlite_revision(dst)
        finally:
            dst.close()
    except sqlite3.Error as exc:
        raise BackupError(f"无法读取数据库 {source}：{exc}") from exc
    finally:
        src.close()
    return target, revision


def _sqlite_revision(conn: sqlite3.Connection) -> str | None:
    try:
        row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:  # no alembic_version table: a database never migrated
        return None
    return None if row is None else str(row[0])


def backup(
    engine: Engine, output: Path, *, include_key: bool = True, env: Mapping[str, str] | None = None,
    created_at: datetime | None = None,
) -> BackupResult:
    """Back the ledger behind ``engine`` up into ``output`` (replaced atomically if it exists)."""
    environ = os.environ if env is None else env
    url = _url_text(engine)
    kind = engine.dialect.name
    key_path, key_note = _key_to_carry(url, environ) if include_key else (
        None, "按要求未包含密钥：请另行妥善备份密钥，否则恢复后无法读取加密的申请人信息")
    with tempfile.TemporaryDirectory(dir=output.resolve().parent, prefix=".gongkai-backup-") as work:
        staging = Path(work)
        server_version: str | None = None
        schema: str | None = None
        tool_major: int | None = None
        if kind == "sqlite":
            path = sqlite_path(engine.url)
            if path is None:
                raise BackupError("内存中的 SQLite 数据库无法备份")
            database, revision = _sqlite_snapshot(path, staging)
        elif kind == "postgresql":
            server_major, server_version, schema = _pg_server(engine)
            tool, tool_major = find_pg_tool("pg_dump", server_major, environ)
            database = staging / PGDUMP_MEMBER
            _run_tool([str(tool), "--format=custom", "--no-owner", "--no-privileges", f"--schema={_pattern(schema)}",
                       f"--file={database}"], _libpq_env(engine.url, environ), "pg_dump 备份")
            revision = current_revision(engine)  # read after the dump; the desk cannot migrate while it runs
        else:
            raise BackupError(f"不支持备份 {kind} 数据库")
        members = {database.name: database}
        if key_path is not None:
            key_copy = staging / KEY_MEMBER
            shutil.copyfile(key_path, key_copy)
            members[KEY_MEMBER] = key_copy
        manifest = BackupManifest(
            format_version=FORMAT_VERSION, gongkai_version=gongkai_version(), schema_revision=revision,
            created_at=created_at or datetime.now(UTC), database_kind=kind,
            files=tuple(MemberFile(name, p.stat().st_size, _sha256_file(p)) for name, p in members.items()),
            key_included=key_path is not None, key_note=key_note, server_version=server_version,
            pg_schema=schema, dump_tool_major=tool_major,
        )
        size = _write_archive(output, members, manifest)
    return BackupResult(output, size, manifest)


def _pattern(schema: str) -> str:
    """A pg_dump ``--schema`` pattern matching exactly ``schema`` (no wildcards, case kept)."""
    return '"' + schema.replace('"', '""') + '"'


# ---------------------------------------------------------------- restore


def _check_revision(path: Path, manifest: BackupManifest) -> bool:
    """Whether the backup needs migrating after the restore; refuses a schema newer than this program's."""
    revision = manifest.schema_revision
    if revision is None:
        return True
    if revision not in known_revisions():
        raise BackupError(
            f"备份文件 {path} 的数据库结构版本 {revision} 比本程序新（由 gongkai {manifest.gongkai_version} 生成），"
            "请先升级 gongkai 再恢复；未恢复任何数据"
        )
    return revision != ScriptDirectory.from_config(alembic_config()).get_current_head()


@contextmanager
def _sqlite(path: Path) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(path, timeout=30)
    try:
        yield conn
    finally:
        conn.close()


def _restore_sqlite(path: Path, manifest: BackupManifest, engine: Engine, migrate: bool, staging: Path) -> None:
    target = sqlite_path(engine.url)
    if target is None:
        raise BackupError("无法恢复到内存中的 SQLite 数据库")
    copy = _extract(path, manifest, SQLITE_MEMBER, staging)
    with _sqlite(copy) as conn:
        check = conn.execute("PRAGMA integrity_check").fetchall()
    if check != [("ok",)]:
        raise _damaged(path, f"数据库未通过完整性检查：{check[0][0]}")
    if migrate:
        upgrade(f"sqlite:///{copy}")
    with _sqlite(copy) as conn:
        conn.execute("PRAGMA journal_mode=WAL")  # the ledger's own mode, so the copy below keeps it
    target.parent.mkdir(parents=True, exist_ok=True)
    engine.dispose()  # the pool's idle connections would otherwise keep reading through stale caches
    try:
        with _sqlite(copy) as src, _sqlite(target) as dst:
            dst.execute("PRAGMA journal_mode=WAL")
            src.backup(dst)  # one step, one write transaction on the ledger: old or new, never a mix
            check = dst.execute("PRAGMA integrity_check").fetchall()
    except sqlite3.Error as exc:
        raise BackupError(f"无法写入数据库 {target}：{exc}；原数据库未改变") from exc
    if check != [("ok",)]:
        raise BackupError(f"恢复后的数据库 {target} 未通过完整性检查：{check[0][0]}")


def _restore_postgresql(
    path: Path, manifest: BackupManifest, engine: Engine, env: Mapping[str, str], staging: Path
) -> None:
    server_major, _full, schema = _pg_server(engine)
    if manifest.pg_schema != schema:
        raise BackupError(
            f"备份文件 {path} 中台账所在的模式为 {manifest.pg_schema}，目标数据库当前模式为 {schema}；"
            "请恢复到同名模式（通过 search_path 指定）"
        )
    needed = max(server_major, manifest.dump_tool_major or 0)
    pg_restore, _ = find_pg_tool("pg_restore", needed, env)
    psql, _ = find_pg_tool("psql", server_major, env)
    dump = _extract(path, manifest, PGDUMP_MEMBER, staging)
    tool_env = _libpq_env(engine.url, env)
    engine.dispose()  # our own idle connections must not hold locks on the schema about to be dropped
    quoted = _pattern(schema)
    errors = staging / "psql.err"
    with errors.open("wb") as err_out:
        applier = subprocess.Popen(
            [str(psql), "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--output=/dev/null"],
            env=tool_env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err_out,
        )
        reader = subprocess.Popen(
            [str(pg_restore), "--no-owner", "--no-privileges", "--file=-", str(dump)],
            env=tool_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
        assert applier.stdin is not None and reader.stdout is not None
        complete = False
        try:
            _feed(applier.stdin, f"BEGIN;\nDROP SCHEMA IF EXISTS {quoted} CASCADE;\n".encode(), reader.stdout)
            reader_err = reader.stderr.read() if reader.stderr else b""
            complete = reader.wait(timeout=_TOOL_TIMEOUT_S) == 0
            if complete:
                applier.stdin.write(b"COMMIT;\n")
        except BrokenPipeError:
            reader_err = b""
        finally:
            # Without COMMIT, psql's end of input ends the session and the server rolls everything back.
            with suppress(BrokenPipeError):
                applier.stdin.close()
            if reader.poll() is None:
                reader.kill()
            reader.wait()
            status = applier.wait(timeout=_TOOL_TIMEOUT_S)
    if not complete:
        detail = reader_err.decode("utf-8", "replace").strip().splitlines()
        raise BackupError(f"pg_restore 读取备份失败：{detail[-1] if detail else '未知错误'}；数据库未改变")
    if status != 0:
        detail = errors.read_text(encoding="utf-8", errors="replace").strip().splitlines()
        raise BackupError(f"恢复失败（psql）：{detail[-1] if detail else f'退出码 {status}'}；数据库未改变")


def _feed(sink: IO[bytes], preamble: bytes, source: IO[bytes]) -> None:
    sink.write(preamble)
    while chunk := source.read(_CHUNK):
        sink.write(chunk)


def restore(
    path: Path, engine: Engine, *, force: bool = False, env: Mapping[str, str] | None = None,
    on_checked: Callable[[BackupManifest], None] | None = None,
) -> RestoreResult:
    """Restore the backup ``path`` into the database behind ``engine``; see the module's documentation.
    ``on_checked`` is called once the file is verified, before the database is touched."""
    environ = os.environ if env is None else env
    manifest = read_manifest(path)
    kind = engine.dialect.name
    if manifest.database_kind != kind:
        raise BackupError(f"备份文件 {path} 是 {manifest.database_kind} 数据库的备份，不能恢复到 {kind} 数据库")
    migrate = _check_revision(path, manifest)
    if not force and has_data(engine):
        raise BackupError(
            f"目标数据库已有数据：{engine.url.render_as_string()}；确认要用备份 {path} 覆盖它，请加 --force"
        )
    url = _url_text(engine)
    with tempfile.TemporaryDirectory(prefix=".gongkai-restore-", dir=_staging_dir(engine)) as work:
        staging = Path(work)
        key: bytes | None = None
        if manifest.key_included:
            key = _extract(path, manifest, KEY_MEMBER, staging).read_bytes()
        if on_checked is not None:
            on_checked(manifest)
        if kind == "sqlite":
            _restore_sqlite(path, manifest, engine, migrate, staging)
        elif kind == "postgresql":
            _restore_postgresql(path, manifest, engine, environ, staging)
        else:
            raise BackupError(f"不支持恢复到 {kind} 数据库")
    if migrate and kind == "postgresql":
        upgrade(engine)
    warnings: list[str] = []
    key_file: Path | None = None
    if key is not None:
        key_file = key_file_for(url, environ)
        warnings += _write_key(key, key_file, environ)
    else:
        warnings.append(manifest.key_note)
    return RestoreResult(manifest, current_revision(engine), manifest.schema_revision if migrate else None,
                         key_file, tuple(warnings))


def _staging_dir(engine: Engine) -> Path | None:
    """Unpack beside a SQLite ledger (same file system, and the room a copy needs is where the ledger is)."""
    path = sqlite_path(engine.url)
    if path is None:
        return None
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.resolve().parent


__all__ = [
    "BackupError",
    "BackupManifest",
    "BackupResult",
    "RestoreResult",
    "backup",
    "find_pg_tool",
    "has_data",
    "read_manifest",
    "restore",
]
