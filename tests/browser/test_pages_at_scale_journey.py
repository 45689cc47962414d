"""Pages that draw one page of many (issue 20): the portfolio by council, My actions, a search
with more matches than it shows. At 1280 and 320 px wide, accessible, with no sideways scroll."""

from __future__ import annotations

import pytest

from bench.dashboards import populate_challenge
from recommendations.models import Membership
from tests import factories
from tests.browser.conftest import assert_fits, sign_in

WIDTHS = (1280, 390, 320)


@pytest.fixture
def many(transactional_db):
    adviser = factories.make_user(username="adviser", first_name="Ada", last_name="Adviser")
    officer = None
    for number in range(12):
        council = factories.make_council(name=f"Council {number:02d}", slug=f"council-{number:02d}")
        Membership.objects.create(user=adviser, council=council, role=Membership.Role.SCRUTINY)
        if number == 0:
            officer = factories.make_user(username="officer", council=council, first_name="Olu", last_name="Officer")
        challenge = factories.make_challenge(council=council, slug=f"challenge-{number:02d}")
        populate_challenge(
            challenge=challenge,
            officers=[officer] if number == 0 else [],
            recommendations=15 if number == 0 else 2,
            actions_per_recommendation=4,
            updates_per_action=1,
        )
    return {"adviser": adviser, "officer": officer}


def test_an_adviser_pages_through_the_portfolio_and_searches(page, many):
    sign_in(page, "adviser", factories.PASSWORD)
    page.goto("/portfolio/")
    assert page.locator("#portfolio-pages-summary").inner_text() == "Councils 1 to 10 of 12."
    assert page.locator("section.pt-portfolio-council").count() == 10
    assert_fits(page, "portfolio-page-1", WIDTHS)
    page.locator("#portfolio-pages").get_by_role("link", name="Next page of councils").click()
    page.wait_for_load_state()
    assert "page=2" in page.url
    assert page.locator("section.pt-portfolio-council").count() == 2
    assert page.get_by_role("heading", name="Council 11").count() == 1
    assert page.locator('#portfolio-pages [aria-current="page"]').inner_text() == "2"
    assert_fits(page, "portfolio-page-2", WIDTHS)

    page.goto("/search/?q=workshops")
    assert page.locator("#search-summary").inner_text().startswith("0 recommendations and 50 or more progress")
    assert "50 shown, the latest first; refine your search" in page.locator("#more-updates").inner_text()
    assert_fits(page, "search-more-than-shown", WIDTHS)


def test_an_officer_pages_through_my_actions(page, many):
    sign_in(page, "officer", factories.PASSWORD)
    page.goto("/my-actions/")
    assert "You lead 60 open actions." in page.locator("main").inner_text()
    assert page.locator("#my-actions tbody tr").count() == 50
    assert page.locator("#my-actions-pages-summary").inner_text() == "Open actions 1 to 50 of 60."
    assert_fits(page, "my-actions-page-1", WIDTHS)
    page.locator("#my-actions-pages").get_by_role("link", name="Page 2").click()
    page.wait_for_load_state()
    assert page.locator("#my-actions tbody tr").count() == 10
    assert_fits(page, "my-actions-page-2", WIDTHS)
