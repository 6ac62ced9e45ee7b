"""``gongkai serve``: the web desk (pages and JSON API) on one address. Mounted by ``gongkai.cli``::

    from gongkai.cli_web import serve_command
    app.command("serve")(serve_command)

On start it brings the database to the newest schema; with ``--demo`` and an empty database it loads the
demonstration ledger and one account per role, and prints them. Each server process then serves
:func:`serving_app`.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from gongkai.errors import GongkaiError

if TYPE_CHECKING:
    from fastapi import FastAPI

    from gongkai.api.settings import Settings

EXIT_ERROR = 2
DEMO_PASSWORD = "gongkai-demo-2025"


def _fail(message: str) -> typer.Exit:
    sys.stderr.write(f"错误：{message}\n")
    return typer.Exit(EXIT_ERROR)


def prepare_database(url: str | None, *, demo: bool, demo_password: str) -> list[str]:
    """Migrate the database at ``url``; with ``demo`` and no agency yet, load the demo ledger and accounts.

    Returns the demo account names created (empty when nothing was loaded)."""
    from sqlalchemy import func, select

    from gongkai.accounts.demo import load_demo_users
    from gongkai.ledger.demo import load_demo
    from gongkai.store import make_engine, session_factory, session_scope, upgrade
    from gongkai.store.orm import AgencyRow

    engine = make_engine(url)
    try:
        upgrade(engine)
        if not demo:
            return []
        with session_scope(session_factory(engine)) as session:
            session.info["actor"] = "demo"
            if session.scalar(select(func.count()).select_from(AgencyRow)):
                return []
            summary = load_demo(session=session)
            return load_demo_users(session=session, agency_ids=summary.agency_ids, password=demo_password)
    finally:
        engine.dispose()


def serving_app(settings: Settings | None = None) -> FastAPI:
    """The web application as a server process runs it (uvicorn's factory for ``--workers``): built, then what
    was made so far — modules, classes, routes, some 200 000 objects — moved out of the garbage collector's
    sight (``gc.freeze``). They live as long as the process; left in, every full collection walks them all, a
    pause of over 100 ms for each request in flight."""
    from gongkai.web import create_web_app

    app = create_web_app(settings)
    gc.collect()
    gc.freeze()
    return app


def serve_command(
    host: Annotated[str, typer.Option("--host", help="监听地址（默认只在本机）")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="端口")] = 8000,
    db: Annotated[
        str | None,
        typer.Option("--db", help="数据库 URL（默认取 GONGKAI_DATABASE_URL 或数据目录中的 SQLite 文件）"),
    ] = None,
    demo: Annotated[
        bool, typer.Option("--demo/--no-demo", help="数据库为空时载入演示数据和演示账号")
    ] = False,
    demo_password: Annotated[str, typer.Option("--demo-password", help="演示账号的密码")] = DEMO_PASSWORD,
    data_dir: Annotated[
        Path | None,
        typer.Option("--data-dir", help="数据目录（SQLite 文件和密钥文件；默认取 GONGKAI_DATA_DIR）"),
    ] = None,
    access_log: Annotated[
        bool, typer.Option("--access-log/--no-access-log", help="逐条打印请求日志")
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            min=1,
            max=64,
            help="工作进程数（多核机器可设为核数；在线申请的频率限制按进程分别计算）",
        ),
    ] = 1,
) -> None:
    """启动政府信息公开工作台（网页和 JSON 接口）。示例：

    gongkai serve --demo                      # 演示：http://127.0.0.1:8000
    gongkai serve --db postgresql+psycopg://user:pass@host/gongkai --host 0.0.0.0
    """
    import uvicorn

    from gongkai.api.settings import Settings
    from gongkai.store.db import database_url

    if data_dir is not None:
        os.environ["GONGKAI_DATA_DIR"] = str(data_dir)  # the key file and the default SQLite file live there
    url = db or database_url()
    try:
        accounts = prepare_database(url, demo=demo, demo_password=demo_password)
    except GongkaiError as exc:
        raise _fail(str(exc)) from exc
    if accounts:
        sys.stdout.write(f"已载入演示数据和演示账号（密码均为 {demo_password}）：{'、'.join(accounts)}\n")
    shown = f"[{host}]" if ":" in host else host
    sys.stdout.write(f"政府信息公开工作台：http://{shown}:{port}/  （Ctrl+C 停止）\n")
    sys.stdout.flush()
    options: dict[str, Any] = {
        # uvicorn prints its access lines at level info: asking for them means asking for that level.
        "host": host,
        "port": port,
        "log_level": "info" if access_log else "warning",
        "access_log": access_log,
        "server_header": False,
    }
    if workers == 1:
        uvicorn.run(serving_app(Settings(database_url=url)), **options)
    else:
        # Each worker process builds its own application from the environment.
        os.environ["GONGKAI_DATABASE_URL"] = url
        uvicorn.run("gongkai.cli_web:serving_app", factory=True, workers=workers, **options)


__all__ = ["DEMO_PASSWORD", "prepare_database", "serve_command", "serving_app"]
