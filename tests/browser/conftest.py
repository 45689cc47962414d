"""Browser tests: Playwright drives the system Chromium against pytest-django's live server.

Chromium comes from Debian's `chromium` package (Playwright cannot download its
own browser here). Without it these tests are skipped, except in CI (CI=true),
where a skip would hide a missing install and so fails instead.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import override_settings

from recommendations.demo import load_demo
from tests.conftest import IN_CI

CHROMIUM = Path(os.environ.get("PEERTRACK_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make there (setting up data) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not CHROMIUM.exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)."
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any, live_server: Any) -> Iterator[Any]:
    context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def page_without_js(chromium: Any, live_server: Any) -> Iterator[Any]:
    context = chromium.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db: Any, media_root: Path) -> None:
    """Loads the demo councils with their sign-ins; files the journey stores go to the test's own directory."""
    with override_settings(DEBUG=True):
        load_demo(with_logins=True)


def sign_in(page: Any, username: str, password: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def assert_accessible(page: Any, name: str | None = None) -> None:
    """Runs axe-core on the page (WCAG 2.2 AA) and fails listing every violation.

    With `name`, also saves a full-page screenshot to screenshots/<name>.png for a person to look at.
    """
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                       "resultTypes": ["violations"]})
    if name:
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    assert results.violations_count == 0, results.generate_report()


def overflowing(page: Any, width: int) -> list[str]:
    """Names the innermost elements that reach past the right edge, for the failure message."""
    return page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > width + 1
                     && ![...e.children].some(c => c.getBoundingClientRect().right > width + 1))
        .slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${[...e.classList].join('.')}#${e.id}`)""",
        width,
    )


def assert_fits(page: Any, name: str, widths: tuple[int, ...] = (1280, 320)) -> None:
    """At each width axe finds nothing (screenshot screenshots/<name>-<width>.png) and nothing scrolls sideways.

    Leaves the page at the usual 1280 x 900 afterwards.
    """
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"{name}-{width}")
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{name} is {wide} px wide at {width} px: {overflowing(page, width)}"
    page.set_viewport_size({"width": 1280, "height": 900})


def record_progress(page: Any, rag: str, narrative: str, files: list[dict[str, Any]] | None = None) -> None:
    """Fills in the action page's progress form (rating, what has been done, evidence files) and saves it."""
    page.get_by_label(rag).check()
    page.get_by_label("What has been done").fill(narrative)
    if files:
        page.get_by_label("Evidence files (optional)").set_input_files(files)
    page.get_by_role("button", name="Save progress update").click()


def fill_date(scope: Any, day: int | str, month: int | str, year: int | str) -> None:
    """Types a date into the Day, Month and Year boxes of the GOV.UK date input in `scope` (a page, or a group)."""
    scope.get_by_label("Day").fill(str(day))
    scope.get_by_label("Month").fill(str(month))
    scope.get_by_label("Year").fill(str(year))


def focused_text(page: Any) -> str:
    """The text of the element that has the keyboard focus, its white space folded."""
    return page.evaluate("(document.activeElement.textContent || '').replace(/\\s+/g, ' ').trim()")


def tab_until(page: Any, reached: Callable[[], bool], *, what: str, presses: int = 40) -> None:
    """Presses Tab until `reached()` is true; fails when `what` is not reached within `presses` presses."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if reached():
            return
    pytest.fail(f"{what} could not be reached with the keyboard.")
