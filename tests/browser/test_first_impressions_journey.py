"""First impressions in a browser: My actions tells two "8.1"s apart with links of at least 24 by 24
pixels, the dashboard's "as at" date is three boxes, and the add-action form offers the next
reference. Each page passes axe-core (WCAG 2.2 AA) at 1280, 390 and 320 px without sideways scroll;
screenshots/first-impressions-*.png are kept for a person to look at.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from recommendations.models import Action
from tests import factories
from tests.browser.conftest import assert_fits, fill_date, sign_in
from tests.test_first_impressions import make_two_eight_ones

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = (1280, 390, 320)


@pytest.fixture
def two_eight_ones(northtown, bob):
    return make_two_eight_ones(council=northtown, lead_officer=bob)


def test_my_actions_tells_two_actions_8_1_apart(page, bob, two_eight_ones):
    sign_in(page, "bob", factories.PASSWORD)
    page.goto("/my-actions/")
    for action in two_eight_ones:
        title = action.recommendation.challenge.title
        link = page.get_by_role("link", name=f"Action 8.1, {title}: {action.description}")
        expect(link).to_have_count(1)
        row = page.locator("#my-actions tbody tr").filter(has=link)
        expect(row.locator('td[data-label="Challenge"]')).to_contain_text(title)
    assert_fits(page, "first-impressions-my-actions", WIDTHS)

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for link in page.locator("#my-actions a").all():
            box = link.bounding_box()
            assert box["width"] >= 24 and box["height"] >= 24, (width, link.inner_text(), box)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("link", name=f"Action 8.1, Corporate Peer Challenge 2024: {two_eight_ones[1].description}").click()
    page.wait_for_url(f"**{two_eight_ones[1].get_absolute_url()}")


def test_the_as_at_date_is_three_boxes_and_links_still_work(page, carol, two_eight_ones):
    challenge = two_eight_ones[1].recommendation.challenge
    sign_in(page, "carol", factories.PASSWORD)
    page.goto(f"/challenges/{challenge.slug}/dashboard/?as_of=2024-11-22")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard as at 22 November 2024")
    as_at = page.get_by_role("group", name="View the plan as at a date")
    expect(as_at.get_by_label("Day")).to_have_value("22")
    expect(as_at.get_by_label("Month")).to_have_value("11")
    expect(as_at.get_by_label("Year")).to_have_value("2024")
    assert page.locator('input[type="date"]').count() == 0

    as_at.get_by_label("Day").fill("1")
    as_at.get_by_label("Month").fill("9")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Dashboard as at 1 September 2024")

    page.get_by_role("group", name="View the plan as at a date").get_by_label("Month").fill("13")
    page.get_by_role("button", name="Show").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The “as at” date must be a real date")
    assert page.title().startswith("Error: ")
    summary.get_by_role("link").click()
    expect(page.locator("#id_as_of_day")).to_be_focused()
    assert_fits(page, "first-impressions-dashboard-date-error", WIDTHS)


def test_the_add_action_form_offers_the_next_reference(page, alice, two_eight_ones):
    recommendation = two_eight_ones[1].recommendation
    sign_in(page, "alice", factories.PASSWORD)
    page.goto(f"/challenges/{recommendation.challenge.slug}/recommendations/8/actions/new/")
    expect(page.get_by_label("Reference")).to_have_value("8.2")
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_fits(page, "first-impressions-action-add-errors", WIDTHS)

    page.get_by_label("Description").fill("Share the survey results with every team.")
    fill_date(page.get_by_role("group", name="Due date"), 31, 3, 2026)
    page.get_by_role("button", name="Add the action").click()
    page.get_by_text("Action 8.2 has been added").wait_for()
    assert Action.objects.filter(recommendation=recommendation, reference="8.2").exists()
