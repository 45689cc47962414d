"""A coordinator opens "Needs your attention" and signs an action off with the keyboard alone.

The inbox passes axe-core (WCAG 2.2 AA) at 1280 and 320 px wide, does not scroll sideways at
320 px, and after an htmx sign-off the page's live region (kept in place, so screen readers
hear the change) says what was signed off.
"""

from __future__ import annotations

import re

from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from recommendations import inbox
from recommendations.demo import DEMO_PASSWORDS
from recommendations.models import Action
from recommendations.periods import ReportingPeriod
from tests.browser.conftest import assert_accessible, assert_fits, focused_text, sign_in, tab_until

# Each Tab moves one control on; the first "Sign off" button is well within this many.
MOST_TABS = 120


def awaiting() -> list[Action]:
    """The actions awaiting sign-off in the current challenges the demo coordinator coordinates."""
    coordinator = get_user_model().objects.get(username="coordinator")
    return list(Action.objects.filter(
        status=Action.Status.AWAITING_SIGN_OFF,
        recommendation__challenge__in=inbox.current_challenges(inbox.coordinated_councils(coordinator))))


def test_coordinator_signs_off_from_the_inbox_with_the_keyboard(page, demo):
    before = awaiting()
    assert before, "The demo data should hold an action reported complete."
    sign_in(page, "coordinator", DEMO_PASSWORDS["coordinator"])
    page.get_by_role("link", name=re.compile(r"^Needs your attention")).click()
    expect(page.get_by_role("heading", name="Needs your attention", level=1)).to_be_visible()
    assert page.locator("#inbox-count [aria-hidden]").inner_text() == f"({len(before)})"

    assert_fits(page, "inbox")
    first = page.locator("#awaiting li h3").first.inner_text()
    reference = re.match(r"Action (\S+):", first)[1]  # type: ignore[index]
    # A full page load would lose these marks: the swap must happen in place, live region kept.
    page.evaluate("window.__sameDocument = true; document.getElementById('inbox-status').__kept = true")

    # Keyboard only: Tab from the top of the page to the first "Sign off" button, then Enter.
    page.locator("body").press("Home")
    tab_until(page, lambda: focused_text(page).startswith(f"Sign off action {reference} "),
              what=f"The Sign off button of action {reference}", presses=MOST_TABS)
    page.keyboard.press("Enter")

    status = page.locator("#inbox-status")
    status.get_by_text("is signed off as complete").wait_for()
    assert re.fullmatch(rf"Action {re.escape(reference)} \(.+\) is signed off as complete\.",
                        status.inner_text().strip())
    assert status.get_attribute("aria-live") == "polite"
    assert page.evaluate("window.__sameDocument") is True
    assert page.evaluate("document.getElementById('inbox-status').__kept") is True
    # Focus goes to the list's heading, where the keyboard user carries on.
    page.wait_for_function("document.activeElement.id === 'awaiting-heading'")
    assert page.locator("#inbox-count [aria-hidden]").inner_text() == f"({len(before) - 1})"
    assert len(awaiting()) == len(before) - 1
    assert_accessible(page, "inbox-signed-off")


def test_a_return_without_a_reason_shows_the_error_then_goes_through(page, demo):
    [action] = awaiting()[:1]
    sign_in(page, "coordinator", DEMO_PASSWORDS["coordinator"])
    page.goto("/inbox/")
    page.evaluate("window.__sameDocument = true")
    page.get_by_text(f"Return action {action.reference} with a reason").click()
    page.get_by_role("button", name=f"Return action {action.reference}").click()
    summary = page.locator(".govuk-error-summary")
    summary.wait_for()
    assert "Say why the action is not yet complete" in summary.inner_text()
    # GOV.UK Frontend moves focus to the summary once the swap settles, and its link to the field.
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    assert_accessible(page, "inbox-return-error")
    summary.get_by_role("link").click()
    page.keyboard.type("Attach the analytics report itself, not its title.")
    page.get_by_role("button", name=f"Return action {action.reference}").click()
    page.locator("#inbox-status").get_by_text("has been returned").wait_for()
    assert page.evaluate("window.__sameDocument") is True
    assert f"Action {action.reference}:" in page.locator("#returned").inner_text()
    assert Action.objects.get(pk=action.pk).status == Action.Status.IN_PROGRESS
    assert_accessible(page, "inbox-returned")


def test_several_are_signed_off_together_with_htmx(page, demo):
    officer = get_user_model().objects.get(username="officer")
    second = Action.objects.filter(lead_officer=officer, status=Action.Status.IN_PROGRESS,
                                   recommendation__challenge__archived_at__isnull=True).first()
    assert second is not None
    second.record_progress(rag="blue", period=ReportingPeriod.current(), narrative="All done.", by=officer)
    chosen = awaiting()
    assert len(chosen) >= 2
    sign_in(page, "coordinator", DEMO_PASSWORDS["coordinator"])
    page.goto("/inbox/")
    page.evaluate("window.__sameDocument = true")
    for action in chosen:
        page.get_by_label(re.compile(rf"^Select action {re.escape(action.reference)} ")).check()
    page.get_by_role("button", name="Sign off selected").click()
    status = page.locator("#inbox-status")
    status.get_by_text(f"{len(chosen)} actions are signed off as complete").wait_for()
    assert page.evaluate("window.__sameDocument") is True
    assert not awaiting()
    assert "No actions are awaiting sign-off." in page.locator("#awaiting").inner_text()
