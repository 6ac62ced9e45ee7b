"""``gongkai backup`` and ``gongkai restore``: the ledger into one file and back (:mod:`gongkai.store.backup`).
Mounted by ``gongkai.cli`` with::

    from gongkai.cli_backup import backup_command, restore_command
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)

The database is ``--db URL``, else ``GONGKAI_DATABASE_URL``, else the SQLite file in the data directory.
Errors print ``错误：…`` on one line and exit with code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from gongkai.cli_store import DbOption
from gongkai.errors import GongkaiError

EXIT_ERROR = 2


def _fail(message: str) -> typer.Exit:
    sys.stderr.write(f"错误：{message}\n")
    return typer.Exit(EXIT_ERROR)


def backup_command(
    output: Annotated[Path, typer.Option("--output", "-o", help="备份文件（已存在则替换）")],
    db: DbOption = None,
    no_key: Annotated[bool, typer.Option("--no-key", help="不把密钥文件放进备份（密钥须另行备份）")] = False,
) -> None:
    """备份台账：数据库（运行中亦可，取同一时点的完整快照）、密钥文件和备份清单，写入一个文件。

    SQLite 用其在线备份接口；PostgreSQL 用 pg_dump（须不低于服务器的大版本）。

    密钥：申请人的个人信息加密保存，没有密钥就永远无法读出。密钥是文件时（SQLite 数据库旁的 *.key，或数据目录中的
    secret.key），默认一并放进备份——持有备份即可读取申请人信息，请像保管密钥一样保管备份文件；用 --no-key
    则不放入。密钥来自环境变量 GONGKAI_SECRET_KEY 时不放入备份，须另行备份。示例：

        gongkai backup -o 台账-2026-01-05.gkbak
        gongkai backup --db postgresql+psycopg://gongkai:密码@127.0.0.1/gongkai -o 台账.gkbak
    """
    from gongkai.store import make_engine
    from gongkai.store.backup import backup

    try:
        engine = make_engine(db)
        try:
            result = backup(engine, output, include_key=not no_key)
        finally:
            engine.dispose()
    except (GongkaiError, OSError) as exc:
        raise _fail(str(exc)) from exc
    manifest = result.manifest
    sys.stdout.write(
        f"已备份到 {result.path}（{result.size} 字节）：{manifest.database_kind} 数据库，"
        f"结构版本 {manifest.schema_revision or '（未建库）'}\n"
    )
    sys.stderr.write(f"密钥：{manifest.key_note}\n")


def restore_command(
    backup_file: Annotated[Path, typer.Argument(help="gongkai backup 生成的备份文件")],
    db: DbOption = None,
    force: Annotated[bool, typer.Option("--force", help="目标数据库已有数据时仍用备份覆盖")] = False,
) -> None:
    """由备份恢复台账。

    先核对整个文件的校验和及清单；文件损坏、结构版本比本程序新、或目标数据库已有数据（未加 --force）时拒绝，
    数据库不作任何改变。较旧的备份恢复后自动升级到最新结构。SQLite 先恢复到临时文件，再一次性替换；
    PostgreSQL 在一个事务中完成（须先停止办公系统）。备份中含密钥时，写回数据库对应的密钥文件
    （原有不同的密钥另存，不覆盖）。示例：

        gongkai restore 台账-2026-01-05.gkbak --db sqlite:///gongkai.db
        gongkai restore 台账.gkbak --force
    """
    from gongkai.store import make_engine
    from gongkai.store.backup import restore

    try:
        engine = make_engine(db)
        try:
            result = restore(backup_file, engine, force=force)
        finally:
            engine.dispose()
    except (GongkaiError, OSError) as exc:
        raise _fail(str(exc)) from exc
    manifest = result.manifest
    migrated = f"，已由结构版本 {result.migrated_from} 升级" if result.migrated_from else ""
    sys.stdout.write(
        f"已由 {backup_file} 恢复（备份于 {manifest.created_at:%Y-%m-%d %H:%M:%S} UTC，gongkai {manifest.gongkai_version}）"
        f"：结构版本 {result.revision}{migrated}\n"
    )
    if result.key_file is not None:
        sys.stdout.write(f"密钥已写入 {result.key_file}\n")
    for warning in result.warnings:
        sys.stderr.write(f"注意：{warning}\n")


__all__ = ["backup_command", "restore_command"]
