"""Blue means signed off, in the browser: report complete, return, update again, sign off.

An officer reports an action complete; the coordinator finds it in "Needs your attention" and
returns it with a reason; the officer's My actions and the action page then say "Returned" with
the reason and show no Blue anywhere; the officer records a new update and reports it complete
again; the coordinator signs it off from the inbox, and only then is it Blue. axe-core (WCAG 2.2
AA) runs on every state visited, at 1280 and 390 px wide for the returned action and the inbox.
"""

from __future__ import annotations

import datetime as dt

import pytest

from recommendations.demo import DEMO_PASSWORDS
from recommendations.models import Action
from tests.browser.conftest import assert_accessible, sign_in

REASON = "The evidence link is missing: attach the Cabinet report."


@pytest.fixture
def action(demo):
    """An action of the demo officer's, open, in a current challenge, due in the past."""
    chosen = (Action.objects.filter(lead_officer__username="officer", recommendation__challenge__archived_at=None,
                                    status__in=[Action.Status.NOT_STARTED, Action.Status.IN_PROGRESS])
              .order_by("reference").first())
    assert chosen is not None, "The demo officer should lead an open action."
    Action.objects.filter(pk=chosen.pk).update(due_date=dt.date(2025, 1, 31))
    return chosen


def _report(page, rag: str, narrative: str) -> None:
    page.locator(f"input[name=rag][value={rag.lower()}]").check()
    page.get_by_label("What has been done").fill(narrative)
    page.get_by_role("button", name="Save progress update").click()
    page.locator("#timeline").get_by_text(narrative).wait_for()


def _views(page, name: str) -> None:
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"{name}-{width}")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1280, "height": 900})


def test_report_return_update_and_sign_off(page, chromium, live_server, action):
    url = action.get_absolute_url()
    sign_in(page, "officer", DEMO_PASSWORDS["officer"])
    page.goto(url)
    _report(page, "Blue", "The strategy went to Cabinet and was approved.")
    status = page.locator("#action-status")
    assert "Reported complete, awaiting sign-off" in status.inner_text()
    assert status.locator(".pt-rag", has_text="Blue").count() == 0
    assert_accessible(page, "truth-reported")

    coordinator = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900}).new_page()
    coordinator.set_default_timeout(10_000)
    sign_in(coordinator, "coordinator", DEMO_PASSWORDS["coordinator"])
    assert coordinator.url.endswith("/inbox/"), "A coordinator lands on the inbox."
    item = coordinator.locator(f"#awaiting-{action.pk}")
    assert "The strategy went to Cabinet and was approved." in item.inner_text()
    _views(coordinator, "truth-inbox")
    item.get_by_text(f"Return action {action.reference} with a reason").click()
    item.get_by_label(f"Why is action {action.reference} not complete?").fill(REASON)
    item.get_by_role("button", name=f"Return action {action.reference}").click()
    coordinator.locator("#inbox-status").get_by_text("returned", exact=False).wait_for()
    assert coordinator.locator(f"#awaiting-{action.pk}").count() == 0
    assert REASON in coordinator.locator("#returned").inner_text()
    assert_accessible(coordinator, "truth-inbox-returned")

    page.goto("/my-actions/")
    row = page.locator("#my-actions tr", has_text=action.reference).first
    assert "Returned" in row.inner_text() and "Overdue" in row.inner_text()
    assert row.locator(".pt-rag", has_text="Blue").count() == 0
    _views(page, "truth-my-actions-returned")
    page.goto(url)
    status = page.locator("#action-status")
    assert "Returned" in status.inner_text() and REASON in status.inner_text()
    assert status.locator(".pt-rag", has_text="Blue").count() == 0
    _views(page, "truth-action-returned")

    _report(page, "Amber", "Attaching the Cabinet report; one appendix is still with legal.")
    assert "Returned" not in page.locator("#action-status").inner_text()
    assert_accessible(page, "truth-updated")
    _report(page, "Blue", "All appendices attached; the Cabinet report is linked.")
    assert_accessible(page, "truth-reported-again")

    coordinator.goto("/inbox/")
    coordinator.locator(f"#awaiting-{action.pk}").get_by_role("button", name="Sign off").click()
    coordinator.locator("#inbox-status").get_by_text("is signed off as complete").wait_for()
    assert_accessible(coordinator, "truth-inbox-signed-off")

    page.goto(url)
    status = page.locator("#action-status")
    assert status.locator(".pt-rag", has_text="Blue").count() == 1
    assert "Overdue" not in status.inner_text()
    assert_accessible(page, "truth-signed-off")
    action.refresh_from_db()
    assert action.status == Action.Status.COMPLETE
