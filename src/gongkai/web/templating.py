"""Jinja2 templates of the web desk and ``render()``, which every page uses.

``render`` puts into every template what the layout needs: the signed-in ``user`` (or None), the request's
``csrf_token`` for forms (see :mod:`gongkai.web.security`), ``flashes`` (one-off messages after a redirect) and
the helpers below as filters. Templates are autoescaped: text a user typed is never markup.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from starlette.datastructures import URL, URLPath
from starlette.responses import Response

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
WEEKDAYS = "一二三四五六日"

templates = Jinja2Templates(directory=TEMPLATES_DIR)


def date_cn(value: date | datetime | None) -> str:
    """2025年10月23日 — the way dates are printed in notices and reports."""
    if value is None:
        return ""
    return f"{value.year}年{value.month}月{value.day}日"


def date_week(value: date | None) -> str:
    """2025年10月23日（星期四）."""
    if value is None:
        return ""
    return f"{date_cn(value)}（星期{WEEKDAYS[value.weekday()]}）"


def datetime_cn(value: datetime | None) -> str:
    if value is None:
        return ""
    return f"{date_cn(value)} {value:%H:%M}"


# The paths of static files, per router: FastAPI finds a route's path by trying every route of the application
# in turn (an exception per miss) — on a small page that cost more than the rest of the rendering. Routes do not
# change once the application serves; only the static files are kept, a few names written in the templates.
# Keyed by id() with a weak reference to tell a new router from a collected one (routers are not hashable).
_static_paths: dict[int, tuple[weakref.ref[Any], dict[str, URLPath]]] = {}


@pass_context
def url_for(context: Mapping[str, Any], name: str, /, **path_params: Any) -> URL:
    """Starlette's ``url_for`` (an absolute URL), with the path of each static file found once per router."""
    request: Request = context["request"]
    if name != "static" or set(path_params) != {"path"}:
        return request.url_for(name, **path_params)
    provider: Any = request.scope.get("router") or request.scope.get("app")
    if provider is None:
        return request.url_for(name, **path_params)
    entry = _static_paths.get(id(provider))
    if entry is None or entry[0]() is not provider:
        entry = _static_paths[id(provider)] = (weakref.ref(provider), {})
    paths = entry[1]
    file = str(path_params["path"])
    found = paths.get(file)
    if found is None:
        found = paths[file] = provider.url_path_for(name, path=file)
    return found.make_absolute_url(base_url=request.base_url)


templates.env.globals["url_for"] = url_for
templates.env.filters["date_cn"] = date_cn
templates.env.filters["date_week"] = date_week
templates.env.filters["datetime_cn"] = datetime_cn


def render(
    request: Request,
    name: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> Response:
    """The page ``name`` rendered with ``context`` plus the layout's values."""
    state = request.state
    values: dict[str, Any] = {
        "user": getattr(state, "user", None),
        "csrf_token": getattr(state, "csrf_token", ""),
        "flashes": list(getattr(state, "flashes", ())),
    }
    values.update(context or {})
    return templates.TemplateResponse(
        request, name, values, status_code=status_code, headers=dict(headers) if headers else None
    )


__all__ = ["TEMPLATES_DIR", "date_cn", "date_week", "datetime_cn", "render", "templates"]
