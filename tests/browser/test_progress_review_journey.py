"""A coordinator drafts and approves the 2024 position statement; a guest peer reads the review."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from playwright.sync_api import expect

from recommendations.demo import DEMO_PASSWORDS
from recommendations.models import GuestAccess, PeerChallenge
from reviews.models import PositionStatement, ProgressReview
from tests import factories
from tests.browser.conftest import assert_accessible, focused_text, sign_in, tab_until
from tests.browser.journeys import coordinator_follows


def test_coordinator_drafts_and_approves_the_position_statement(page, demo):
    coordinator_follows(page, "See the progress review for this challenge", heading="Progress review",
                        screenshot="progress-review-index")

    page.get_by_role("link", name="Progress review, 22 November 2024").click()
    expect(page.get_by_role("heading", name="Finance and the MTFS")).to_be_visible()
    expect(page.get_by_text("Cllr Eamonn O'Brien").first).to_be_visible()
    assert_accessible(page, "progress-review")

    page.get_by_role("button", name="Edit the position statement").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Position statement"
    assert_accessible(page, "position-statement-draft")

    paragraph = page.get_by_label("1. City Centre masterplan")
    paragraph.fill("The City Centre Vision 2050 is with partners; the council's own words for the peers.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()

    page.get_by_label("Document title").fill("City Centre Vision 2050 consultation draft")
    page.get_by_label("Link").fill("https://www.coventry.gov.uk/vision-2050")
    page.get_by_label("Evidence for (optional)").select_option(label="Recommendation 1: City Centre masterplan")
    page.get_by_role("button", name="Add the link").click()
    expect(page.get_by_role("link", name="City Centre Vision 2050 consultation draft")).to_be_visible()

    page.get_by_role("button", name="Continue to approval").click()
    assert_accessible(page, "position-statement-approve")
    page.get_by_role("button", name="Approve the position statement").click()
    expect(page.get_by_text("Position statement approved. Its text is now fixed.")).to_be_visible()
    assert_accessible(page, "progress-review-approved")

    review = ProgressReview.objects.get(challenge__slug="coventry-2024")
    assert review.statement_status == "approved"
    approver = review.statement_approved_by
    assert approver is not None and approver.username == "coordinator"
    assert PositionStatement.objects.get(review=review, recommendation__number=1).text.startswith(
        "The City Centre Vision 2050 is with partners")

    page.get_by_role("button", name="View the approved statement").click()
    expect(page.get_by_text("The approved text is fixed")).to_be_visible()
    assert page.get_by_role("button", name="Save draft").count() == 0


def test_keyboard_user_reaches_the_statement_editor_from_the_review(page, demo):
    sign_in(page, "coordinator", DEMO_PASSWORDS["coordinator"])
    review = ProgressReview.objects.get(challenge__slug="coventry-2024")
    page.goto(review.get_absolute_url())
    tab_until(page, lambda: focused_text(page) == "Edit the position statement", what="The statement editor")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert page.get_by_role("heading", level=1).inner_text() == "Position statement"


def test_guest_peer_reads_the_review_and_nothing_else(page, demo):
    challenge = PeerChallenge.objects.get(slug="coventry-2024")
    guest = factories.make_user(username="pam.smith@example.org", first_name="Pam", last_name="Smith")
    GuestAccess.objects.create(user=guest, challenge=challenge,
                               expires_on=timezone.localdate() + dt.timedelta(days=7))
    sign_in(page, "pam.smith@example.org", factories.PASSWORD)
    main = page.locator("main").inner_text()
    assert "Corporate Peer Challenge 2024" in main
    assert "Corporate Peer Challenge 2018" not in main
    review = ProgressReview.objects.get(challenge=challenge)
    page.goto(review.get_absolute_url())
    assert page.get_by_role("link", name="Edit the position statement").count() == 0
    assert_accessible(page, "progress-review-guest")
    # The peers read the dashboard before they come back (ADR 0011), and change nothing there.
    page.goto("/challenges/coventry-2024/")
    page.get_by_role("link", name="Dashboard: counts, themes, movement and the LGA timetable").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Dashboard")
    assert page.locator("main form[method=post]").count() == 0
    assert_accessible(page, "dashboard-guest")
    assert page.goto("/challenges/coventry-2018/").status == 404
