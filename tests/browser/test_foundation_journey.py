"""A coordinator signs in and reads the 2024 plan; every page passes axe-core."""

from __future__ import annotations

from playwright.sync_api import expect

from recommendations.demo import DEMO_PASSWORDS
from tests.browser.conftest import assert_accessible, focused_text, sign_in, tab_until


def test_scrutiny_member_reads_the_2024_challenge_and_a_recommendation(page, demo):
    page.goto("/")
    assert "/sign-in/" in page.url
    assert_accessible(page, "sign-in")

    sign_in(page, "scrutiny", DEMO_PASSWORDS["scrutiny"])
    expect(page.get_by_role("heading", name="Your peer challenges")).to_be_visible()
    assert_accessible(page, "home")

    page.get_by_role("link", name="Corporate Peer Challenge 2024").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Corporate Peer Challenge 2024"
    rows = page.locator("table.govuk-table").first.locator("tbody tr")
    assert rows.count() == 10
    assert_accessible(page, "challenge")

    page.get_by_role("link", name="City Centre masterplan").click()
    assert page.get_by_role("heading", level=1).inner_text() == "City Centre masterplan"
    expect(page.get_by_text("City Centre Vision 2050").first).to_be_visible()
    assert_accessible(page, "recommendation")

    page.get_by_role("link", name="Accessibility statement").click()
    assert_accessible(page, "accessibility")


def test_keyboard_user_can_skip_to_content_and_reach_a_recommendation(page, demo):
    sign_in(page, "scrutiny", DEMO_PASSWORDS["scrutiny"])
    page.goto("/challenges/coventry-2024/")
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("location.hash") == "#main-content"
    # Tab through the page until the first recommendation link has focus, then follow it.
    tab_until(page, lambda: focused_text(page) == "City Centre masterplan", what="The first recommendation link")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "City Centre masterplan"


def test_wrong_password_shows_an_accessible_error(page, demo):
    sign_in(page, "scrutiny", "not-the-password")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page, "sign-in-error")


def test_other_council_officer_cannot_open_coventry(page, demo):
    sign_in(page, "otherofficer", DEMO_PASSWORDS["otherofficer"])
    response = page.goto("/challenges/coventry-2024/")
    assert response.status == 404
    page.goto("/")
    assert "Coventry" not in page.locator("main").inner_text()
