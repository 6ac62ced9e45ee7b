"""Library errors → HTTP answers with one Chinese sentence: 404 not found (another agency's record included),
409 changed by someone else, 400 refused by the ledger's rules, 422 a malformed request, 503 an optional part
missing on the server, 500 anything else — never a traceback.

Handlers are looked up along the exception's class hierarchy, so registering the bases covers every subclass.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from gongkai.api.views import ErrorOut
from gongkai.errors import GongkaiError
from gongkai.ledger.messages import messages
from gongkai.store.errors import ConflictError, NotFound, SecretKeyError

ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "台账规则不允许（如日期先后不对、申请已办结）"},
    404: {"model": ErrorOut, "description": "本机关没有该记录（其他机关的记录同样如此）"},
}
CONFLICT_RESPONSE: dict[int | str, dict[str, Any]] = {
    409: {"model": ErrorOut, "description": "记录已被他人修改（版本号不符），本次操作未保存，请刷新后重试"},
}
HTTP_WORDS = {
    404: "没有这个地址",
    405: "该地址不支持此请求方法",
    413: "上传的文件太大",
    415: "不支持的内容类型",
}


def _error(status: int, detail: str) -> JSONResponse:
    return JSONResponse(status_code=status, content={"detail": detail})


def _status(exc: GongkaiError) -> int:
    from gongkai.render.pdf import LibreOfficeMissing

    if isinstance(exc, NotFound):
        return 404
    if isinstance(exc, ConflictError):
        return 409
    if isinstance(exc, SecretKeyError):
        return 500
    if isinstance(exc, LibreOfficeMissing):
        return 503
    return 400


def install(app: FastAPI) -> None:
    @app.exception_handler(GongkaiError)
    async def _gongkai(_request: Request, exc: GongkaiError) -> JSONResponse:
        return _error(_status(exc), str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        lines = messages(errors)
        detail = [
            {"loc": list(e.get("loc", ())), "msg": line, "type": str(e.get("type", ""))}
            for e, line in zip(errors, lines, strict=True)
        ]
        return JSONResponse(status_code=422, content=jsonable_encoder({"detail": detail}))

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) and not exc.detail.isascii() else None
        return _error(exc.status_code, detail or HTTP_WORDS.get(exc.status_code, f"请求无法处理（HTTP {exc.status_code}）"))

    @app.exception_handler(IntegrityError)
    async def _integrity(_request: Request, _exc: IntegrityError) -> JSONResponse:
        # A unique or check constraint the ledger did not test first (a document registered twice …): the
        # database refused it and nothing was written.
        return _error(409, "与已有记录冲突（如重复登记同一文件），本次操作未保存")

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, exc: Exception) -> JSONResponse:
        # The message names the kind of failure only: an exception's text may quote the data it choked on.
        return _error(500, f"服务器内部错误（{type(exc).__name__}），请报告此问题")


__all__ = ["CONFLICT_RESPONSE", "ERROR_RESPONSES", "install"]
