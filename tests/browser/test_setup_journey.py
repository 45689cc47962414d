"""A coordinator takes a new challenge from "create" to a complete plan on the set-up pages, never the admin.

Details, themes (added, renamed, reordered, several recommendations assigned at once), the
council's responses, the peer team, committee meetings and the actions: each page passes
axe-core (WCAG 2.2 AA) at 1280 and 320 px wide without sideways scrolling. The inline edits
are checked with htmx (the form swapped in, focus moved, the change announced) and without
JavaScript (the same form on its own page, a redirect back).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core import mail
from playwright.sync_api import expect

from recommendations.demo import DEMO_PASSWORDS
from recommendations.models import Invitation, PeerChallenge
from reviews.models import CommitteeMeeting
from tests.browser.conftest import assert_accessible, assert_fits, fill_date, sign_in
from tests.recommendations.import_helpers import xlsx_bytes

DATA = Path(__file__).resolve().parents[1] / "recommendations" / "data"
SLUG = "coventry-corporate-peer-challenge-2029"
CORE = [
    "Local priorities and outcomes",
    "Organisational and place leadership",
    "Governance and culture",
    "Financial planning and management",
    "Capacity for improvement",
]


def _create_challenge_with_recommendations(page: Any) -> None:
    page.goto("/councils/coventry/challenges/new/")
    page.get_by_label("Title").fill("Corporate Peer Challenge 2029")
    fill_date(page.get_by_role("group", name="First day on site"), 15, 1, 2029 - 4)
    fill_date(page.get_by_role("group", name="Last day on site"), 18, 1, 2029 - 4)
    page.get_by_role("button", name="Create the challenge").click()
    expect(page.get_by_role("heading", name="Add the recommendations")).to_be_visible()
    page.get_by_label("The key recommendations section").fill(
        (DATA / "key_recommendations_progress_review_2024.txt").read_text(encoding="utf-8")
    )
    page.get_by_role("button", name="Check the recommendations").click()
    page.get_by_role("button", name="Save the ticked recommendations").click()
    expect(page.get_by_text("Recommendations added: 10")).to_be_visible()


def test_coordinator_sets_up_a_new_challenge_without_the_admin(
    page: Any, page_without_js: Any, demo: None, tmp_path: Path
) -> None:
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))
    sign_in(page, "coordinator", DEMO_PASSWORDS["coordinator"])
    _create_challenge_with_recommendations(page)
    slug = PeerChallenge.objects.get(title="Corporate Peer Challenge 2029").slug
    assert slug == SLUG

    # The way in from the challenge page, and the overview: nothing done yet.
    page.goto(f"/challenges/{slug}/")
    page.get_by_role("link", name="Set up the challenge").click()
    expect(page.get_by_role("heading", name="Set up the challenge")).to_be_visible()
    expect(page.get_by_text("0 of 6 parts complete.")).to_be_visible()
    expect(page.get_by_text("Themes: 0, 0 of 10 recommendations assigned")).to_be_visible()
    assert_fits(page, "setup-overview-new")

    # Details, edited in place with htmx: the form swaps in, focus goes to it, the save is announced.
    page.get_by_role("link", name="Challenge details").click()
    expect(page.get_by_role("heading", name="Challenge details", level=1)).to_be_visible()
    assert_fits(page, "setup-details")
    page.get_by_role("link", name="Change The visit in figures").click()
    figures = page.locator("#section-figures")
    expect(figures.get_by_label("People spoken to")).to_be_visible()
    assert page.url.endswith("/setup/details/")  # swapped in place, no navigation
    expect(page.locator("#section-figures-heading")).to_be_focused()
    assert_fits(page, "setup-details-figures-open")
    figures.get_by_label("People spoken to").fill("250")
    figures.get_by_label("Meetings, interviews and focus groups").fill("60")
    figures.get_by_label("Hours spent by the peer team").fill("280")
    figures.get_by_role("button", name="Save The visit in figures").click()
    expect(figures.get_by_text("Saved the visit in figures.")).to_be_visible()
    expect(page.locator("[data-pt-live]")).to_have_text("Saved the visit in figures.")
    expect(page.locator("#section-figures-heading")).to_be_focused()

    # A mistake in the report's dates: the error summary comes back inside the section, and takes focus.
    page.get_by_role("link", name="Change The feedback report").click()
    report = page.locator("#section-report")
    fill_date(report.get_by_role("group", name="Feedback report received"), 8, 3, 2025)
    fill_date(report.get_by_role("group", name="Feedback report published"), 1, 3, 2025)
    report.get_by_role("button", name="Save The feedback report").click()
    summary = report.locator(".govuk-error-summary")
    expect(summary).to_contain_text("The report cannot be published before it was received")
    expect(summary).to_be_focused()
    assert_fits(page, "setup-details-report-error")
    fill_date(report.get_by_role("group", name="Feedback report published"), 12, 3, 2025)
    report.get_by_label("Feedback report link").fill("https://www.coventry.gov.uk/cpc-2025.pdf")
    report.get_by_role("button", name="Save The feedback report").click()
    expect(report.get_by_text("Saved the feedback report.")).to_be_visible()
    expect(report.get_by_text("12 March 2025")).to_be_visible()

    page.get_by_role("link", name="Change Publication").click()
    fill_date(page.locator("#section-publication").get_by_role("group", name="Action plan published"), 2, 4, 2025)
    page.locator("#section-publication").get_by_role("button", name="Save Publication").click()
    expect(page.locator("#section-publication").get_by_text("2 April 2025")).to_be_visible()

    # The same kind of edit without JavaScript: the "Change" link opens the form on its own page.
    sign_in(page_without_js, "coordinator", DEMO_PASSWORDS["coordinator"])
    page_without_js.goto(f"/challenges/{slug}/setup/details/")
    page_without_js.get_by_role("link", name="Change The challenge").click()
    expect(page_without_js).to_have_url(re.compile(r"/setup/details/visit/$"))
    page_without_js.get_by_label("Title").fill("Corporate Peer Challenge 2025")
    page_without_js.get_by_role("button", name="Save The challenge").click()
    expect(page_without_js).to_have_url(re.compile(r"/setup/details/#section-visit$"))
    expect(page_without_js.get_by_text("Saved the challenge's title, kind and dates.")).to_be_visible()
    page_without_js.get_by_role("link", name="Change The challenge").click()
    page_without_js.get_by_label("Title").fill("")
    page_without_js.get_by_role("button", name="Save The challenge").click()
    # A plain form post: wait for the answer page, not the page the click was made on.
    expect(page_without_js).to_have_title(re.compile(r"^Error: "))
    expect(page_without_js.get_by_role("link", name="Enter the challenge's title")).to_be_visible()
    # axe needs JavaScript: it checks the very page the browser without it was given.
    page.set_content(page_without_js.content())
    assert_accessible(page, "setup-details-nojs-error")
    page.goto(f"/challenges/{slug}/setup/details/")
    assert PeerChallenge.objects.get(slug=slug).title == "Corporate Peer Challenge 2025"

    # Themes: the five core components and an extra area of focus, renamed, reordered, then assigned.
    page.goto(f"/challenges/{slug}/setup/")
    page.get_by_role("link", name="Themes").click()
    expect(page.get_by_role("heading", name="Themes", level=1)).to_be_visible()
    assert_fits(page, "setup-themes-empty")
    add = page.locator("form", has=page.get_by_role("button", name="Add the theme"))
    for name in [*CORE, "Housing supply"]:
        add.get_by_label("Theme name").fill(name)
        add.get_by_label("Extra area of focus" if name == "Housing supply" else "Core component").check()
        add.get_by_role("button", name="Add the theme").click()
        expect(page.get_by_text(f"Added the theme “{name}”.")).to_be_visible()
        add = page.locator("form", has=page.get_by_role("button", name="Add the theme"))
    page.get_by_role("link", name="Rename or change Housing supply").click()
    housing = page.locator("section", has=page.get_by_role("button", name="Save Housing supply"))
    housing.get_by_label("Theme name").fill("Housing and regeneration")
    housing.get_by_role("button", name="Save Housing supply").click()
    expect(page.get_by_role("heading", name="Housing and regeneration")).to_be_visible()
    page.get_by_role("button", name="Move up Governance and culture").click()
    expect(page.locator("[data-pt-live]")).to_contain_text("Moved “Governance and culture” up.")
    headings = page.locator("#theme-list h3").all_inner_texts()
    assert headings.index("Governance and culture") < headings.index("Organisational and place leadership")

    batches = {
        "Local priorities and outcomes": [1, 2],
        "Governance and culture": [3, 10],
        "Financial planning and management": [4, 5],
        "Capacity for improvement": [6, 7, 9],
        "Housing and regeneration": [8],
    }
    for theme, numbers in batches.items():
        assign = page.locator("#assign")
        for number in numbers:
            assign.get_by_role("checkbox", name=re.compile(rf"^{number}\. ")).check()
        assign.get_by_label("Theme to put them under").select_option(label=theme)
        assign.get_by_role("button", name="Move the ticked recommendations").click()
        expect(page.locator("[data-pt-live]")).to_contain_text(
            f"Put {len(numbers)} recommendation{'s' if len(numbers) > 1 else ''} under “{theme}”."
        )
    expect(page.get_by_text("Every recommendation has a theme.")).to_be_visible()
    assert_fits(page, "setup-themes-assigned")

    # The council's response to each recommendation, in place on each recommendation's page.
    page.goto(f"/challenges/{slug}/setup/responses/")
    assert_fits(page, "setup-responses")
    page.get_by_role("link", name="City Centre masterplan").click()
    expect(page).to_have_url(re.compile(r"/setup/responses/\d+/$"))
    assert_fits(page, "setup-response")
    heading = page.get_by_role("heading", level=1).inner_text()
    for number in range(1, 11):
        section = page.locator("#section-response")
        section.get_by_role("link", name="Change The council's response").click()
        if number == 4:
            section.get_by_label("Partly accepted").check()
            section.get_by_role("button", name="Save The council's response").click()
            expect(section.locator(".govuk-error-summary")).to_contain_text("Give the council's reasons")
            section.get_by_label("Reasons").fill("The strategy is refreshed in 2026, not this year.")
        else:
            section.get_by_label("Accepted", exact=True).check()
        section.get_by_label("The council's response narrative").fill(f"The council accepts recommendation {number}.")
        section.get_by_role("button", name="Save The council's response").click()
        expect(section.get_by_text("Saved the council's response.")).to_be_visible()
        if number < 10:
            page.get_by_role("link", name=re.compile(rf"^Next recommendation.*Recommendation {number + 1}$")).click()
            expect(page.get_by_role("heading", level=1)).not_to_have_text(heading)
        heading = page.get_by_role("heading", level=1).inner_text()
    page.get_by_role("link", name="Change The recommendation").click()
    text = page.locator("#section-text")
    text.get_by_label("Sub-points").fill("Recruit from every community\nReport progress yearly")
    text.get_by_role("button", name="Save The recommendation").click()
    expect(text.get_by_text("Report progress yearly")).to_be_visible()

    # The peer team.
    page.goto(f"/challenges/{slug}/setup/peer-team/")
    for name, role, organisation in (
        ("Cllr Pat Leader", "Lead Member Peer", "Northshire County Council"),
        ("Sam Manager", "Peer Challenge Manager", "Local Government Association"),
    ):
        page.get_by_label("Name", exact=True).fill(name)
        page.get_by_label("Role on the peer team (optional)").fill(role)
        page.get_by_label("Organisation (optional)").fill(organisation)
        page.get_by_role("button", name="Add to the peer team").click()
        expect(page.get_by_text(f"Added {name} to the peer team.")).to_be_visible()
    expect(page.get_by_text("No progress review is scheduled yet.")).to_be_visible()
    assert_fits(page, "setup-peer-team")

    # Committee meetings.
    page.goto(f"/challenges/{slug}/setup/")
    page.get_by_role("link", name="Committee meetings").click()
    page.get_by_label("Committee", exact=True).fill("Scrutiny Co-ordination Committee")
    fill_date(page.get_by_role("group", name="Date of the meeting"), 10, 6, 2025)
    page.get_by_label("Agenda item (optional)").fill("Peer Review Progress Update")
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.get_by_text("Recorded the meeting: Scrutiny Co-ordination Committee, 10 June 2025.")).to_be_visible()
    assert_fits(page, "setup-meetings")
    assert CommitteeMeeting.objects.filter(challenge__slug=slug).count() == 1

    # The actions, from the council's spreadsheet: one for each recommendation.
    spreadsheet = tmp_path / "plan.xlsx"
    spreadsheet.write_bytes(
        xlsx_bytes(
            [
                [f"{n}.1", n, f"Deliver recommendation {n}", "", "", "Place", "01/05/2025", "31/03/2026", "", ""]
                for n in range(1, 11)
            ]
        )
    )
    page.goto(f"/challenges/{slug}/setup/")
    page.get_by_role("link", name="Actions", exact=True).click()
    page.get_by_label("Action plan spreadsheet").set_input_files(str(spreadsheet))
    page.get_by_role("button", name="Check the spreadsheet").click()
    page.get_by_role("button", name="Import the action plan").click()
    expect(page.get_by_text("The action plan was imported: 10 new")).to_be_visible()

    # The people who will lead the actions: invited from the People page, not the admin.
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="Invite a person").click()
    page.get_by_label("First name").fill("Priya")
    page.get_by_label("Last name (optional)").fill("Place")
    page.get_by_label("Email address").fill("priya.place@coventry.gov.uk")
    page.get_by_label("Officer").check()
    page.get_by_role("button", name="Send the invitation").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("Priya Place is invited as officer")
    assert_fits(page, "setup-people-invited")
    assert Invitation.objects.filter(email="priya.place@coventry.gov.uk", accepted_at__isnull=True).count() == 1
    assert any("priya.place@coventry.gov.uk" in message.to for message in mail.outbox)

    # Complete, and the admin was never opened.
    page.goto(f"/challenges/{slug}/setup/")
    expect(page.get_by_text("6 of 6 parts complete.")).to_be_visible()
    expect(page.get_by_text("Themes: 6, 10 of 10 recommendations assigned")).to_be_visible()
    assert_fits(page, "setup-overview-complete")
    page.goto(f"/challenges/{slug}/")
    expect(page.get_by_role("cell", name="Financial planning and management").first).to_be_visible()
    assert not [url for url in visited if "/admin/" in url]
