"""An officer records progress with htmx and without JavaScript; a coordinator signs off and edits.

Every page and state visited passes axe-core (WCAG 2.2 AA), the form with errors included.
"""

from __future__ import annotations

import re

from playwright.sync_api import expect

from recommendations.demo import DEMO_PASSWORDS
from recommendations.models import Action
from tests.browser.conftest import assert_accessible, sign_in


def action_url(reference: str) -> str:
    action = Action.objects.get(recommendation__challenge__slug="coventry-2024",
                                reference=reference)
    return action.get_absolute_url()


def row(page, reference: str):
    return page.locator("#my-actions tbody tr").filter(
        has=page.get_by_role("link", name=re.compile(rf"^Action {re.escape(reference)}, .*2024")))


def test_officer_records_an_amber_update_with_htmx(page, demo):
    sign_in(page, "officer", DEMO_PASSWORDS["officer"])
    page.get_by_role("link", name="My actions").click()
    expect(page.get_by_role("heading", name="My actions", level=1)).to_be_visible()
    assert "Update due" in row(page, "8.3").inner_text()
    assert_accessible(page, "my-actions")

    row(page, "8.3").get_by_role("link", name=re.compile(r"^Action 8\.3, ")).click()
    expect(page.get_by_role("heading", name="Action 8.3")).to_be_visible()
    assert_accessible(page, "action")

    # Mark the document: a full page load would lose the mark.
    page.evaluate("window.__sameDocument = true")
    page.get_by_role("button", name="Save progress update").click()
    page.get_by_text("Select a RAG rating").first.wait_for()
    assert page.evaluate("window.__sameDocument") is True
    assert_accessible(page, "action-form-errors")

    page.get_by_label("Amber").check()
    page.get_by_label("What has been done").fill("Workshop moved to January; venue confirmed.")
    page.get_by_label("Next steps (optional)").fill("Run the workshop.")
    page.get_by_role("button", name="Save progress update").click()
    page.get_by_text("Your progress update has been saved.").wait_for()
    assert page.evaluate("window.__sameDocument") is True

    first = page.locator("#timeline .moj-timeline__item").first
    assert "Workshop moved to January" in first.inner_text()
    assert "Amber, no change" in first.inner_text() or "Amber, down from" in first.inner_text()
    panel_item = page.locator("#my-actions-panel li", has_text="8.3")
    assert "Update due" not in panel_item.inner_text()
    assert "Update due" not in page.locator("#action-status").inner_text()
    # The form is fresh and ready for the next update.
    assert page.get_by_label("What has been done").input_value() == ""
    assert_accessible(page, "action-saved-htmx")

    page.get_by_role("link", name="All my actions").click()
    assert "Amber" in row(page, "8.3").inner_text()
    assert "Update due" not in row(page, "8.3").inner_text()


def assert_accessible_without_js(page_without_js, checker, name: str) -> None:
    """axe-core is a script, so it runs on a copy of the no-JavaScript page in a JS-enabled tab."""
    checker.goto("/accessibility/")
    checker.set_content(page_without_js.content())
    assert_accessible(checker, name)


def test_officer_records_an_update_without_javascript(page_without_js, page, demo):
    checker = page
    page = page_without_js
    sign_in(page, "officer", DEMO_PASSWORDS["officer"])
    page.goto(action_url("8.2"))
    page.get_by_role("button", name="Save progress update").click()
    assert page.title().startswith("Error:")
    expect(page.get_by_text("Enter what has been done").first).to_be_visible()
    assert_accessible_without_js(page, checker, "action-form-errors-nojs")

    page.get_by_label("Amber").check()
    page.get_by_label("What has been done").fill("Recruitment paused <b>pending</b> budget.")
    page.get_by_role("button", name="Save progress update").click()
    assert page.url.endswith(action_url("8.2") + "#timeline")
    expect(page.get_by_text("Your progress update has been saved.")).to_be_visible()
    first = page.locator("#timeline .moj-timeline__item").first
    assert "Recruitment paused <b>pending</b> budget." in first.inner_text()
    assert "Amber, down from Green" in first.inner_text()
    assert_accessible_without_js(page, checker, "action-saved-nojs")
    page.goto("/my-actions/")
    assert "Amber" in row(page, "8.2").inner_text()


def test_coordinator_signs_off_edits_and_meets_a_conflict(page, demo):
    sign_in(page, "coordinator", DEMO_PASSWORDS["coordinator"])
    page.goto(action_url("7.3"))
    assert_accessible(page, "action-awaiting-sign-off")
    page.get_by_role("button", name="Sign off as complete").click()
    expect(page.get_by_text("is signed off as complete")).to_be_visible()
    assert "Complete" in page.locator("#action-status").inner_text()
    page.get_by_text("Every change to this action").click()
    expect(page.get_by_text("Signed off by").first).to_be_visible()
    assert_accessible(page, "action-signed-off")

    page.goto(action_url("2.2"))
    page.get_by_role("link", name=re.compile("Change the lead officer")).click()
    page.get_by_label("Day").fill("28")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2025")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Give the reason the due date is changing").first).to_be_visible()
    assert_accessible(page, "action-edit-errors")

    # Someone else saves first; our submission must not overwrite it.
    action = Action.objects.get(recommendation__challenge__slug="coventry-2024", reference="2.2")
    action.edit(expected_version=action.version, by=None, description="Changed elsewhere.")
    page.get_by_label("Why is the due date changing?").fill("Consultation extended.")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Someone else changed this action while you were editing")).to_be_visible()
    assert_accessible(page, "action-edit-conflict")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("has been updated")).to_be_visible()
    expect(page.get_by_role("link", name="Moved 1 time")).to_be_visible()
    assert_accessible(page, "action-date-moved")
