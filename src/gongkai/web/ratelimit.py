"""Rate limits of the public portal, in process: a sliding window per client address.

The portal has no log-in, so its forms are open to anyone: limits keep one address from flooding an office with
applications (``portal_apply_per_hour``) or from guessing query codes (``portal_queries_per_minute``). A refused
request gets 429 with a Chinese page and ``Retry-After``.

The window is exact (a log of the times of accepted requests per address, at most ``limit`` entries each), so a
burst at the edge of two windows cannot double the limit as fixed windows allow. Thread-safe: the portal admits
requests on the event loop and in worker threads. The clock is injectable for tests. The limits are per process —
with several worker processes each counts on its own (documented in the report; a shared store would be needed
for exact limits).

Behind a reverse proxy every request comes from the proxy's address: the proxy must then pass the client's
address to the ASGI server (uvicorn ``--proxy-headers --forwarded-allow-ips``), which sets ``request.client``.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from starlette.responses import Response

from gongkai.api.settings import Settings
from gongkai.web.security import app_settings

Clock = Callable[[], float]
HOUR = 3600.0
MINUTE = 60.0


@dataclass(frozen=True)
class Admission:
    """The answer of a limiter: admitted (with the time to give back if the request turns out not to count),
    or refused with the seconds to wait."""

    admitted: bool
    at: float
    retry_after: float = 0.0


class SlidingWindowLimiter:
    """At most ``limit`` admissions per key within any ``window`` seconds."""

    def __init__(self, limit: int, window: float, clock: Clock = time.monotonic) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("limit must be at least 1 and window positive")
        self.limit = limit
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._admitted: dict[str, deque[float]] = {}
        self._last_sweep = clock()

    def _expire(self, times: deque[float], now: float) -> None:
        while times and times[0] <= now - self.window:
            times.popleft()

    def _sweep(self, now: float) -> None:
        # Forget addresses seen once long ago, so the table does not grow with every visitor ever.
        if now - self._last_sweep < self.window:
            return
        self._last_sweep = now
        for key in list(self._admitted):
            times = self._admitted[key]
            self._expire(times, now)
            if not times:
                del self._admitted[key]

    def admit(self, key: str) -> Admission:
        """Admit one request of ``key`` if the window has room; otherwise say how long to wait."""
        with self._lock:
            now = self._clock()
            self._sweep(now)
            times = self._admitted.setdefault(key, deque())
            self._expire(times, now)
            if len(times) >= self.limit:
                return Admission(False, now, retry_after=max(times[0] + self.window - now, 0.0))
            times.append(now)
            return Admission(True, now)

    def give_back(self, key: str, admission: Admission) -> None:
        """Un-count an admitted request that turned out not to count (a form sent back for correction)."""
        if not admission.admitted:
            return
        with self._lock:
            times = self._admitted.get(key)
            if times is not None and admission.at in times:
                times.remove(admission.at)

    def used(self, key: str) -> int:
        with self._lock:
            times = self._admitted.get(key)
            if times is None:
                return 0
            self._expire(times, self._clock())
            return len(times)


class PortalLimits:
    """The portal's two limiters, made from the settings; one set per application (``app.state``)."""

    def __init__(self, settings: Settings, clock: Clock = time.monotonic) -> None:
        self.apply = SlidingWindowLimiter(settings.portal_apply_per_hour, HOUR, clock)
        self.query = SlidingWindowLimiter(settings.portal_queries_per_minute, MINUTE, clock)


_lock = threading.Lock()


async def get_portal_limits(request: Request) -> PortalLimits:
    """The application's limiters, made on first use. Tests replace this dependency to inject a clock.

    ``async`` (nothing here waits): FastAPI runs a plain ``def`` dependency in a worker thread, a hop that costs
    more than the limiter itself; for the same reason the settings are read here rather than depended on."""
    state = request.app.state
    limits: PortalLimits | None = getattr(state, "portal_limits", None)
    if limits is None:
        with _lock:
            limits = getattr(state, "portal_limits", None)
            if limits is None:
                limits = PortalLimits(app_settings(request.app))
                state.portal_limits = limits
    return limits


PortalLimitsDep = Annotated[PortalLimits, Depends(get_portal_limits)]


def client_key(request: Request) -> str:
    """The client's address (one key for all clients whose address is unknown)."""
    return request.client.host if request.client is not None else "unknown"


def too_many_requests(request: Request, retry_after: float, what: str) -> Response:
    """The 429 page: what was refused and when to try again, with ``Retry-After`` in whole seconds."""
    from gongkai.web.templating import render

    seconds = max(1, math.ceil(retry_after))
    wait = f"{math.ceil(seconds / 60)} 分钟" if seconds >= 60 else f"{seconds} 秒"
    details = [f"来自您所在网络地址的{what}过于频繁，请约 {wait}后再试。", "如确有需要，请与受理机关联系。"]
    return render(
        request,
        "error.html",
        {"status": 429, "title": "请求过于频繁", "details": details},
        status_code=429,
        headers={"Retry-After": str(seconds), "Cache-Control": "no-store"},
    )


__all__ = [
    "Admission",
    "PortalLimits",
    "PortalLimitsDep",
    "SlidingWindowLimiter",
    "client_key",
    "get_portal_limits",
    "too_many_requests",
]
