"""Steps the browser journeys share."""

from __future__ import annotations

from typing import Any

from recommendations.demo import DEMO_PASSWORDS
from tests.browser.conftest import assert_accessible, sign_in


def coordinator_follows(page: Any, link: str, *, heading: str, screenshot: str) -> None:
    """Signs in as the demo coordinator and follows `link` from the 2024 challenge's page; asserts the page
    it opens has the main heading `heading` and passes axe-core, saving its screenshot as `screenshot`."""
    sign_in(page, "coordinator", DEMO_PASSWORDS["coordinator"])
    page.goto("/challenges/coventry-2024/")
    page.get_by_role("link", name=link).click()
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert_accessible(page, screenshot)
