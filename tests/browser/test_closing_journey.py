"""A coordinator names a deputy, closes an action and archives a challenge, in a browser.

Each page visited (the deputies pages, the close form with and without errors, the archive
confirmation and the archived challenge) passes axe-core (WCAG 2.2 AA) at 1280 and 320 px wide
and does not scroll sideways at 320 px.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from recommendations.demo import DEMO_PASSWORDS
from recommendations.models import Action, Deputy, PeerChallenge
from tests.browser.conftest import assert_fits, fill_date, sign_in


def test_coordinator_names_a_deputy_closes_an_action_and_archives_the_challenge(page, demo):
    action = Action.objects.get(recommendation__challenge__slug="coventry-2024", reference="8.3")
    sign_in(page, "coordinator", DEMO_PASSWORDS["coordinator"])

    page.goto(action.get_absolute_url())
    page.get_by_role("link", name="Deputies for action 8.3").click()
    expect(page.get_by_role("heading", name="Deputies", level=1)).to_be_visible()
    page.get_by_role("button", name="Name the deputy").click()
    page.get_by_text("Select who will deputise").first.wait_for()
    assert_fits(page, "action-deputies-errors")
    page.get_by_label("Deputy", exact=True).select_option(index=1)
    ends = timezone.localdate() + dt.timedelta(days=14)
    fill_date(page, ends.day, ends.month, ends.year)
    page.get_by_role("button", name="Name the deputy").click()
    page.get_by_text("can record progress on action 8.3").wait_for()
    assert Deputy.objects.filter(action=action, ends_on=ends).exists()
    assert_fits(page, "action-deputies")

    page.goto("/councils/coventry/deputies/")
    expect(page.get_by_role("heading", name="Name a deputy for all of an officer’s actions")).to_be_visible()
    assert_fits(page, "council-deputies")

    page.goto(action.get_absolute_url())
    page.get_by_role("link", name="Close this action").click()
    expect(page.get_by_text("Closed actions take no more updates and are left out of the RAG rating")).to_be_visible()
    assert_fits(page, "close-action")
    page.get_by_role("button", name="Close the action").click()
    page.get_by_text("Say why the action is being closed").first.wait_for()
    assert_fits(page, "close-action-errors")
    page.get_by_label("Why is the action being closed?").fill("Superseded by the workforce strategy.")
    page.get_by_role("button", name="Close the action").click()
    page.get_by_text("Action 8.3 is closed.").wait_for()
    assert Action.objects.get(pk=action.pk).status == Action.Status.CLOSED

    page.goto("/challenges/coventry-2024/")
    page.get_by_role("button", name="Archive this challenge").click()
    expect(page.get_by_role("heading", name="Archive Corporate Peer Challenge 2024?")).to_be_visible()
    assert_fits(page, "archive-challenge")
    page.get_by_role("button", name="Archive the challenge").click()
    page.get_by_text("read-only.").first.wait_for()
    assert PeerChallenge.objects.get(slug="coventry-2024").is_archived
    expect(page.get_by_role("button", name="Unarchive this challenge")).to_be_visible()
    assert_fits(page, "archived-challenge")


def test_the_demos_archived_2018_challenge_reads_as_archived(page, demo):
    sign_in(page, "scrutiny", DEMO_PASSWORDS["scrutiny"])
    page.goto("/")
    expect(page.locator("tr", has_text="2018").get_by_text("Archived")).to_be_visible()
    page.goto("/challenges/coventry-2018/")
    expect(page.get_by_text("read-only.").first).to_be_visible()
    assert page.get_by_role("button", name="Unarchive this challenge").count() == 0
    assert_fits(page, "archived-challenge-2018")
