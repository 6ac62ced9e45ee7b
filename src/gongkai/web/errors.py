"""Errors on pages answer with a Chinese HTML page; under ``/api`` the JSON API's own answers stay.

The API's handlers (:mod:`gongkai.api.errors`) are kept and called for API paths, so both stay one mechanism:
a library error's status is decided in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from gongkai.api import errors as api_errors
from gongkai.errors import GongkaiError
from gongkai.ledger.messages import messages

TITLES = {
    400: "无法办理",
    401: "请先登录",
    403: "无权访问",
    404: "页面不存在",
    405: "请求方式不正确",
    409: "记录已被他人修改",
    413: "上传的文件太大",
    422: "填写的内容有误",
    429: "请求过于频繁",
    500: "系统出错",
    503: "服务暂不可用",
}


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def error_page(
    request: Request, status: int, detail: str | list[str], headers: Mapping[str, str] | None = None
) -> Response:
    from gongkai.web.templating import render

    details = [detail] if isinstance(detail, str) else detail
    return render(
        request,
        "error.html",
        {"status": status, "title": TITLES.get(status, "出错了"), "details": details},
        status_code=status,
        headers=headers,
    )


def install(app: FastAPI) -> None:
    api_handlers: dict[Any, Any] = dict(app.exception_handlers)

    async def _dispatch(request: Request, exc: Exception) -> Response:
        if is_api(request):
            for cls in type(exc).__mro__:
                handler = api_handlers.get(cls)
                if handler is not None:
                    response: Response = await handler(request, exc)
                    return response
            raise exc
        if isinstance(exc, StarletteHTTPException):
            if exc.status_code in (301, 302, 303, 307, 308) and exc.headers:
                return Response(status_code=exc.status_code, headers=exc.headers)
            detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "出错了")
            words = detail if not detail.isascii() else api_errors.HTTP_WORDS.get(exc.status_code, detail)
            return error_page(request, exc.status_code, words, exc.headers)  # Retry-After and the like kept
        if isinstance(exc, RequestValidationError):
            return error_page(request, 422, messages(exc.errors()))
        if isinstance(exc, IntegrityError):
            return error_page(request, 409, "与已有记录冲突（如重复登记同一文件），本次操作未保存")
        if isinstance(exc, GongkaiError):
            return error_page(request, api_errors._status(exc), str(exc))
        return error_page(request, 500, "系统出错，请稍后重试；问题已记录。")

    for cls in (StarletteHTTPException, RequestValidationError, GongkaiError, IntegrityError, Exception):
        app.add_exception_handler(cls, _dispatch)


__all__ = ["error_page", "install", "is_api"]
