"""End-to-end fixtures: the real ``gongkai serve`` in a subprocess (fresh SQLite, demo ledger and demo accounts)
and Debian's Chromium driven by Playwright through its executable path — never a browser downloaded by Playwright.

Without /usr/bin/chromium the tests fail (``scripts/bootstrap.sh`` installs the Debian package ``chromium``); they
never skip. Every page a test visits is watched: console errors, failed requests and server errors (HTTP 5xx) are
collected on the page's :class:`PageWatch`. Screenshots go to ``artifacts/web/<name>.png`` at the repository root
(beside ``artifacts/render``), for a reviewer to look at.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    Request,
    Response,
    ViewportSize,
    sync_playwright,
)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "web"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DEMO_PASSWORD = "Qingxi-demo-2026"  # the demo accounts' password in this server only
SERVER_START_SECONDS = 180  # migrations plus the demo ledger (hundreds of applications) on a loaded 2-core box
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 360, "height": 740}
ACTION_TIMEOUT_MS = 15_000


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def gongkai_command() -> Path:
    """The ``gongkai`` console script of the interpreter running the tests (``.venv/bin/gongkai``)."""
    script = Path(sys.executable).with_name("gongkai")
    if not script.exists():
        pytest.fail(f"{script} 不存在：请先运行 bash scripts/bootstrap.sh（pip install -e '.[dev]'）", pytrace=False)
    return script


@dataclass
class RunningServer:
    """A ``gongkai serve`` subprocess: its base URL, data directory and log files."""

    url: str
    data_dir: Path
    process: subprocess.Popen[bytes]
    stdout_path: Path
    stderr_path: Path

    def log_tail(self, lines: int = 40) -> str:
        out = []
        for path in (self.stdout_path, self.stderr_path):
            text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
            out.append(f"--- {path.name} ---\n" + "\n".join(text.splitlines()[-lines:]))
        return "\n".join(out)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def start_server(data_dir: Path, *, password: str = DEMO_PASSWORD, timeout: float = SERVER_START_SECONDS) -> RunningServer:
    """Start ``gongkai serve --demo`` on a free loopback port with a fresh SQLite file in ``data_dir`` and wait
    until it answers; on failure raise with the server's output. Used by the fixtures and by bench/web_load.py."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    data_dir.mkdir(parents=True, exist_ok=True)
    stdout_path, stderr_path = data_dir / "serve.stdout.log", data_dir / "serve.stderr.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("GONGKAI_")}  # only the flags configure it
    command = [
        str(gongkai_command()), "serve",
        "--host", "127.0.0.1", "--port", str(port),
        "--db", f"sqlite:///{data_dir / 'desk.db'}",
        "--demo", "--demo-password", password,
        "--data-dir", str(data_dir),
    ]  # fmt: skip
    with stdout_path.open("wb") as out, stderr_path.open("wb") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, env=env, cwd=data_dir)
    server = RunningServer(url, data_dir, process, stdout_path, stderr_path)
    deadline = time.monotonic() + timeout
    last_error = "no answer yet"
    with httpx2.Client(timeout=5) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(
                    f"gongkai serve exited with status {process.returncode} before answering\n"
                    f"command: {' '.join(command)}\n{server.log_tail()}"
                )
            try:
                response = client.get(url + "/")
                if response.status_code < 500:  # it answers; whether the page is right is the tests' business
                    return server
                last_error = f"HTTP {response.status_code} from /"
            except httpx2.TransportError as exc:
                last_error = f"{type(exc).__name__}: {exc}"
            time.sleep(0.25)
    server.stop()
    raise RuntimeError(
        f"gongkai serve did not answer {url}/ within {timeout:.0f} s ({last_error})\n"
        f"command: {' '.join(command)}\n{server.log_tail()}"
    )


@pytest.fixture(scope="session")
def server() -> Iterator[RunningServer]:
    with tempfile.TemporaryDirectory(prefix="gongkai-e2e-") as tmp:
        try:
            running = start_server(Path(tmp))
        except RuntimeError as exc:
            pytest.fail(str(exc), pytrace=False)
        try:
            yield running
        finally:
            running.stop()


@pytest.fixture(scope="session")
def base_url(server: RunningServer) -> str:
    return server.url


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} 不存在：请运行 bash scripts/bootstrap.sh（安装 Debian 软件包 chromium）— "
            "the end-to-end tests need Debian's Chromium: install the apt package chromium",
            pytrace=False,
        )
    launched = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
    yield launched
    launched.close()


@dataclass
class PageWatch:
    """What went wrong while a page was in use: console errors, uncaught exceptions, requests that failed at
    the network level, and answers with a server error (5xx)."""

    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    client_errors: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.console_errors.append(f"uncaught: {exc}"))
        page.on("requestfailed", self._on_request_failed)
        page.on("response", self._on_response)

    def _on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} ({message.location.get('url', '')})")

    def _on_request_failed(self, request: Request) -> None:
        failure = request.failure or ""
        # A download ends its navigation with net::ERR_ABORTED; the file itself arrives — that is no failure.
        if "ERR_ABORTED" in failure and request.is_navigation_request():
            return
        self.failed_requests.append(f"{request.method} {request.url}: {failure}")

    def _on_response(self, response: Response) -> None:
        entry = f"{response.request.method} {response.url} → {response.status}"
        if response.status >= 500:
            self.server_errors.append(entry)
        elif response.status >= 400:
            self.client_errors.append(entry)

    def problems(self, *, allow_client_errors: bool = False) -> list[str]:
        found = self.console_errors + self.failed_requests + self.server_errors
        return found if allow_client_errors else found + self.client_errors

    def assert_clean(self, *, allow_client_errors: bool = False) -> None:
        found = self.problems(allow_client_errors=allow_client_errors)
        assert not found, "problems seen by the browser:\n" + "\n".join(found)


def _context(browser: Browser, base_url: str, *, phone: bool) -> BrowserContext:
    if phone:
        context = browser.new_context(
            base_url=base_url, viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2,
            locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True,
        )  # fmt: skip
    else:
        context = browser.new_context(
            base_url=base_url, viewport=DESKTOP, locale="zh-CN", timezone_id="Asia/Shanghai", accept_downloads=True
        )
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    return context


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    """A fresh browser context (own cookies) per test, desktop size."""
    ctx = _context(browser, base_url, phone=False)
    yield ctx
    ctx.close()


@pytest.fixture
def phone_context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    """A fresh phone-sized context (360×740, touch, mobile viewport meta honoured)."""
    ctx = _context(browser, base_url, phone=True)
    yield ctx
    ctx.close()


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch()


@pytest.fixture
def page(context: BrowserContext, watch: PageWatch) -> Page:
    """A desktop page whose problems are collected in ``watch``."""
    new = context.new_page()
    watch.attach(new)
    return new


@pytest.fixture
def phone_watch() -> PageWatch:
    return PageWatch()


@pytest.fixture
def phone_page(phone_context: BrowserContext, phone_watch: PageWatch) -> Page:
    """A 360 px wide page whose problems are collected in ``phone_watch``."""
    new = phone_context.new_page()
    phone_watch.attach(new)
    return new


@dataclass
class Visitor:
    """One person at one browser: a page in a context of its own (own cookies) and what went wrong on it."""

    page: Page
    watch: PageWatch


@pytest.fixture
def visitors(browser: Browser, base_url: str) -> Iterator[Callable[..., Visitor]]:
    """Make as many separate people as a scenario needs: ``visitors()`` (desktop) or ``visitors(phone=True)``;
    their contexts close at the end of the test."""
    opened: list[BrowserContext] = []

    def make(*, phone: bool = False) -> Visitor:
        ctx = _context(browser, base_url, phone=phone)
        opened.append(ctx)
        watch = PageWatch()
        new = ctx.new_page()
        watch.attach(new)
        return Visitor(new, watch)

    yield make
    for ctx in opened:
        ctx.close()


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot saved as ``artifacts/web/<name>.png``."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page: Page, username: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the real log-in form and check that the form let us through."""
    page.goto("/login")
    page.get_by_label(re.compile("^用户名")).fill(username)
    page.get_by_label(re.compile(r"^密码\*?$")).fill(password)
    page.get_by_role("button", name=re.compile("登录")).click()
    page.wait_for_load_state()
    assert "/login" not in page.url, f"log-in of {username} failed: still on {page.url}\n{page.inner_text('main')}"


def logout(page: Page) -> None:
    """Sign out with the layout's log-out button (a POST form)."""
    page.get_by_role("button", name=re.compile("退出")).first.click()
    page.wait_for_load_state()


def has_horizontal_scroll(page: Page) -> bool:
    scroll_width: int = page.evaluate("document.scrollingElement.scrollWidth")
    inner_width: int = page.evaluate("window.innerWidth")
    return scroll_width > inner_width


__all__ = [
    "ARTIFACTS",
    "DEMO_PASSWORD",
    "PageWatch",
    "RunningServer",
    "Visitor",
    "has_horizontal_scroll",
    "login",
    "logout",
    "shot",
    "start_server",
]
