"""The JSON API of the disclosure desk: ``create_app(settings)`` builds a FastAPI application.

Nothing is built at import time: the database engine and the working calendar are made on the first request
that needs them (see :mod:`gongkai.api.deps`). Run it with any ASGI server, e.g.::

    uvicorn --factory gongkai.api:create_app

The OpenAPI document is at ``/api/openapi.json`` and the interactive docs at ``/api/docs``. Operation ids are the
route functions' names, stable across releases.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.routing import APIRoute

from gongkai.api import errors
from gongkai.api.routers import ROUTERS
from gongkai.api.settings import Settings

DESCRIPTION = """政府信息公开工作台的 JSON 接口：依申请公开的登记、事件、答复期限和法定文书，复议诉讼，主动公开，
表二登记，以及由台账生成、检查和导出年度报告。

* 每个地址都在 `/api/agencies/{agency_id}/…` 之下，只能看到本机关的记录；其他机关的记录返回 404。
* 申请人的个人信息加密保存，任何响应中都只以遮蔽形式出现（文书原件除外：它送达申请人本人）。
* 修改时可提交读取时的版本号（`expected_version`），记录已被他人修改则返回 409，什么也不保存。
* 出错时返回一句中文说明：`{"detail": "…"}`；请求格式不正确时返回 422 和逐项说明。
"""
TAGS = [
    {"name": "机关", "description": "机关信息和本机关的配置"},
    {"name": "依申请公开", "description": "申请的登记、事件、办结和答复期限（条例第二十七条至第四十五条）"},
    {"name": "文书", "description": "受理回执、补正告知书、延期答复告知书、第三方意见征询函、收费通知书和答复书"},
    {"name": "复议诉讼", "description": "行政复议和行政诉讼案件（年度报告表四）"},
    {"name": "主动公开", "description": "主动公开事项、审查和公开（条例第十九条至第二十六条）"},
    {"name": "登记", "description": "规章、行政规范性文件和年度数据（年度报告表二）"},
    {"name": "年度报告", "description": "由台账生成、检查、导出年度报告，追溯单元格"},
    {"name": "答复期限试算", "description": "不登记申请，试算答复期限"},
]


def operation_id(route: APIRoute) -> str:
    """The route function's name: stable, and unique across the routers (a test checks it)."""
    return route.name


def create_app(settings: Settings | None = None) -> FastAPI:
    """The API application; ``settings`` replace those read from the environment."""
    app = FastAPI(
        title="gongkai 政府信息公开工作台 API",
        version="0.1.0",
        description=DESCRIPTION,
        openapi_tags=TAGS,
        openapi_url="/api/openapi.json",
        docs_url="/api/docs",
        redoc_url=None,
        generate_unique_id_function=operation_id,
    )
    if settings is not None:
        app.state.settings = settings  # read by get_settings
    errors.install(app)
    for router in ROUTERS:
        app.include_router(router)
    return app


__all__ = ["create_app"]
