"""The public pages in a real browser: the landing page, the choice of agency and the online application form
(/apply, /apply/1), the status query and the log-in form render
in Chromium with no console error and no failed request, the keyboard reaches the first form field with Tab,
and at phone width (360 px) nothing scrolls sideways. A screenshot of each, desktop and phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page
from tests.e2e.conftest import PageWatch, has_horizontal_scroll, shot

PUBLIC_PAGES = {"home": "/", "apply": "/apply", "apply-form": "/apply/1", "status": "/status", "login": "/login"}
FORM_PAGES = {"apply-form": "/apply/1", "status": "/status", "login": "/login"}
MAX_TABS = 40  # a skip link and the navigation come first; more than this means the form is out of reach

FIRST_FIELD_JS = """() => {
  const fields = document.querySelectorAll(
    "main form input:not([type=hidden]):not([disabled]), main form select:not([disabled]), main form textarea:not([disabled])");
  for (const el of fields) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.height > 0) return el;
  }
  return null;
}"""


def open_page(page: Page, path: str) -> None:
    response = page.goto(path)
    assert response is not None, f"no response for {path}"
    assert response.status == 200, f"{path} answered {response.status}"
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_public_page_renders_cleanly(page: Page, watch: PageWatch, name: str) -> None:
    open_page(page, PUBLIC_PAGES[name])
    assert page.locator("h1").first.is_visible(), f"{name}: no visible <h1>"
    lang = page.get_attribute("html", "lang") or ""
    assert lang.startswith("zh"), f"{name}: <html lang={lang!r}> is not Chinese"
    assert page.title().strip(), f"{name}: empty <title>"
    shot(page, f"smoke-{name}")
    watch.assert_clean()


@pytest.mark.parametrize("name", list(FORM_PAGES))
def test_keyboard_reaches_the_first_form_field(page: Page, watch: PageWatch, name: str) -> None:
    open_page(page, FORM_PAGES[name])
    first = page.evaluate_handle(FIRST_FIELD_JS)
    assert page.evaluate("(el) => el !== null", first), f"{name}: no visible form field in <main>"
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        if page.evaluate("(el) => document.activeElement === el", first):
            break
    else:
        active = page.evaluate("document.activeElement && document.activeElement.outerHTML.slice(0, 200)")
        pytest.fail(f"{name}: {MAX_TABS} presses of Tab never reached the first field (focus on {active})")
    label = page.evaluate("(el) => el.labels && el.labels.length ? el.labels[0].innerText : ''", first)
    assert label.strip(), f"{name}: the first field has no <label>"
    watch.assert_clean()


@pytest.mark.parametrize("name", list(PUBLIC_PAGES))
def test_phone_width_has_no_horizontal_scroll(phone_page: Page, phone_watch: PageWatch, name: str) -> None:
    open_page(phone_page, PUBLIC_PAGES[name])
    width = phone_page.evaluate("window.innerWidth")
    assert width == 360, f"the phone viewport is {width} px wide, not 360 (missing <meta name=viewport>?)"
    shot(phone_page, f"smoke-{name}-phone")
    scroll = phone_page.evaluate("document.scrollingElement.scrollWidth")
    assert not has_horizontal_scroll(phone_page), f"{name}: {scroll} px of content in a {width} px wide screen"
    phone_watch.assert_clean()
