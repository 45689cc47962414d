"""An officer reads their notifications, marks them read (with and without JavaScript) and chooses how
to hear about them; axe-core finds nothing on either page at 1280 and 320 px."""

from __future__ import annotations

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from notifications.models import Notification
from recommendations.demo import DEMO_PASSWORDS
from tests.browser.conftest import assert_accessible, sign_in


@pytest.fixture
def demo(demo):
    """The demo, and today's notifications sent: its open actions are overdue."""
    call_command("send_notifications", stdout=io.StringIO())


def _unread(page) -> str:
    """The header's count as shown, e.g. "(3)"; empty when nothing is unread."""
    shown = page.locator("#notification-count [aria-hidden]")
    return shown.inner_text().strip() if shown.count() else ""


def test_an_officer_reads_and_marks_their_notifications(page, demo):
    officer = get_user_model().objects.get(username="officer")
    count = Notification.objects.filter(recipient=officer).count()
    assert count >= 2
    sign_in(page, "officer", DEMO_PASSWORDS["officer"])
    page.goto("/notifications/")
    assert _unread(page) == f"({count})"
    first = page.get_by_role("heading", level=2).first.inner_text()
    assert re.search(r"is overdue|lead officer|no update", first)
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"notifications-list-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name=re.compile("^Mark as read")).first.click()  # htmx: the list in place
    page.get_by_text("The notification is marked as read.").wait_for()
    assert _unread(page) == f"({count - 1})"
    page.get_by_role("button", name=re.compile("^Mark all as read")).click()
    page.get_by_text(f"{count - 1} notification").wait_for()
    assert _unread(page) == ""
    assert not Notification.objects.filter(recipient=officer, read_at__isnull=True).exists()


def test_marking_read_works_without_javascript(page_without_js, demo):
    page = page_without_js
    sign_in(page, "officer", DEMO_PASSWORDS["officer"])
    page.goto("/notifications/")
    page.get_by_role("button", name=re.compile("^Mark as read")).first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/notifications/")
    expect(page.get_by_text("The notification is marked as read.")).to_be_visible()


def test_an_officer_chooses_the_weekly_summary_for_due_soon(page, demo):
    sign_in(page, "officer", DEMO_PASSWORDS["officer"])
    page.goto("/notifications/settings/")
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        assert_accessible(page, f"notification-settings-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})
    group = page.get_by_role("group", name=re.compile("due in 14 days"))
    group.get_by_label("Put it in my weekly summary email").check()
    page.get_by_role("button", name="Save notification settings").click()
    page.get_by_text("Your notification settings are saved.").wait_for()
    checked = page.get_by_role("group", name=re.compile("due in 14 days")).get_by_label(
        "Put it in my weekly summary email")
    assert checked.is_checked()
