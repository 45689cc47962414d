"""The People pages, accepting an invitation and resetting a password, in a browser.

An administrator invites a person (errors first), the person accepts through the emailed link and
signs in; a coordinator reassigns an officer's actions, changes a role and deactivates someone, whose
open actions then show in the inbox; people are invited from a CSV file after a preview; someone
resets a forgotten password by email. Every page passes axe-core (WCAG 2.2 AA) at 1280 and 320 px
wide and does not scroll sideways.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from recommendations.models import Action, Invitation, Membership
from tests import factories
from tests.browser.conftest import assert_fits, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
NEW_PASSWORD = "a-long-unusual-passphrase-77"


@pytest.fixture
def team(northtown: Any, alice: Any, bob: Any, olive: Any, dave: Any, recommendation: Any) -> dict[str, Any]:
    for person in (alice, bob, olive, dave):
        person.email = f"{person.username}@northtown.gov.uk"
        person.save()
    actions = [
        factories.make_action(
            recommendation=recommendation,
            lead_officer=bob,
            reference=f"1.{n}",
            description=f"Consult the wards, part {n}",
        )
        for n in (1, 2)
    ]
    return {"alice": alice, "bob": bob, "olive": olive, "dave": dave, "actions": actions}


def test_an_administrator_invites_and_the_person_accepts(
    page: Any, chromium: Any, live_server: Any, team: dict[str, Any]
) -> None:
    sign_in(page, "dave", factories.PASSWORD)
    page.get_by_role("link", name="People", exact=True).click()
    assert page.get_by_role("heading", name="People", exact=True).is_visible()
    assert_fits(page, "people")

    page.get_by_role("link", name="Invite a person").click()
    assert_fits(page, "people-invite")
    page.get_by_role("button", name="Send the invitation").click()
    assert page.title().startswith("Error: ")
    page.wait_for_function("document.activeElement.classList.contains('govuk-error-summary')")
    assert_fits(page, "people-invite-errors")
    page.get_by_label("First name").fill("Nina")
    page.get_by_label("Last name (optional)").fill("New")
    page.get_by_label("Email address").fill("nina@northtown.gov.uk")
    page.get_by_label("Officer").check()
    page.get_by_role("button", name="Send the invitation").click()
    assert "Nina New is invited as officer" in page.locator(".govuk-notification-banner").inner_text()
    assert_fits(page, "people-with-invitation")

    link = re.search(r"(http://\S+/invitation/[\w-]+/)", mail.outbox[-1].body)[1]
    assert link.startswith(live_server.url)
    other = chromium.new_context(base_url=live_server.url)
    try:
        nina = other.new_page()
        nina.goto(link)
        assert_fits(nina, "invitation-accept")
        nina.get_by_label("New password").fill(NEW_PASSWORD)
        nina.get_by_label("Confirm the password").fill(NEW_PASSWORD)
        nina.get_by_role("button", name="Accept the invitation").click()
        assert "You have joined Northtown Council as officer" in nina.locator("main").inner_text()
        nina.goto(link)
        assert nina.get_by_role("heading", name="This invitation link is not working").is_visible()
        assert_fits(nina, "invitation-used")
        sign_in(nina, "nina@northtown.gov.uk", NEW_PASSWORD)
        assert "Nina New" in nina.locator("#signed-in-as").inner_text()
    finally:
        other.close()
    assert Invitation.objects.get().state == "Accepted"


def test_a_coordinator_reassigns_changes_a_role_and_deactivates(
    page: Any, live_server: Any, team: dict[str, Any]
) -> None:
    sign_in(page, "alice", factories.PASSWORD)
    page.get_by_role("link", name="People", exact=True).click()
    page.get_by_role("link", name="Bob Lead").click()
    assert_fits(page, "people-person")

    page.get_by_role("link", name="Reassign their actions").click()
    assert_fits(page, "people-reassign")
    page.get_by_label("1.2 Consult the wards, part 2").uncheck()
    page.get_by_role("button", name="Reassign the actions").click()  # no new lead chosen
    assert page.title().startswith("Error: ")
    assert_fits(page, "people-reassign-errors")
    page.get_by_label("New lead officer").select_option(label="Olive Other")
    page.get_by_role("button", name="Reassign the actions").click()
    assert "1 action moved from Bob Lead to Olive Other: 1.1" in page.locator(".govuk-notification-banner").inner_text()
    assert Action.objects.get(reference="1.1").lead_officer == team["olive"]

    page.get_by_label("Scrutiny member").check()
    page.get_by_role("button", name="Save the role").click()
    assert "Bob Lead is now scrutiny member" in page.locator(".govuk-notification-banner").inner_text()

    page.get_by_role("link", name="Deactivate").click()
    assert_fits(page, "people-deactivate")
    page.get_by_role("button", name="Deactivate").click()
    assert "Bob Lead no longer has access" in page.locator(".govuk-notification-banner").inner_text()
    assert not Membership.objects.active().filter(user=team["bob"]).exists()
    assert_fits(page, "people-person-deactivated")

    page.get_by_role("link", name="Needs your attention").click()
    link = page.get_by_role("link", name=re.compile("Reassign all 1 of Bob Lead"))
    assert link.is_visible()
    link.click()
    assert page.get_by_role("heading", name="Reassign Bob Lead's actions").is_visible()


def test_people_are_invited_from_a_csv_file_after_a_preview(
    page: Any, live_server: Any, team: dict[str, Any], tmp_path: Any
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "First name,Last name,Email,Role\n=cmd,X,x@northtown.gov.uk,Officer\nSam,S,bob@northtown.gov.uk,Chief\n"
    )
    good = tmp_path / "people.csv"
    good.write_text(
        "First name,Last name,Email,Role\nPat,Planner,pat@northtown.gov.uk,Officer\n"
        "Cal,Councillor,cal@northtown.gov.uk,Scrutiny member\n"
    )
    sign_in(page, "dave", factories.PASSWORD)
    page.goto("/councils/northtown/people/")
    page.get_by_role("link", name="Invite people from a CSV file").click()
    assert_fits(page, "people-import")
    page.get_by_label("CSV file").set_input_files(str(bad))
    page.get_by_role("button", name="Preview").click()
    assert page.title().startswith("Error: ")
    assert "nobody has been invited" in page.locator(".govuk-error-summary").inner_text()
    assert_fits(page, "people-import-errors")
    page.goto("/councils/northtown/people/import/")
    page.get_by_label("CSV file").set_input_files(str(good))
    page.get_by_role("button", name="Preview").click()
    assert_fits(page, "people-import-preview")
    page.get_by_role("button", name="Invite 2 people").click()
    assert "2 people are invited" in page.locator(".govuk-notification-banner").inner_text()
    assert sorted(Invitation.objects.values_list("email", flat=True)) == [
        "cal@northtown.gov.uk",
        "pat@northtown.gov.uk",
    ]


def test_a_forgotten_password_is_reset_by_email(page: Any, live_server: Any, team: dict[str, Any]) -> None:
    page.goto("/sign-in/")
    page.get_by_role("link", name="reset it by email").click()
    assert_fits(page, "password-reset")
    page.get_by_role("button", name="Send the link").click()
    assert page.title().startswith("Error: ")
    assert_fits(page, "password-reset-errors")
    page.get_by_label("Email address").fill("bob@northtown.gov.uk")
    page.get_by_role("button", name="Send the link").click()
    assert page.get_by_role("heading", name="Check your email").is_visible()
    assert_fits(page, "password-reset-sent")
    link = re.search(r"(http://\S+/account/password/reset/\S+/)", mail.outbox[-1].body)[1]
    page.goto(link)
    assert_fits(page, "password-reset-choose")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the new password").click()
    assert page.get_by_role("heading", name="Your password is changed").is_visible()
    assert_fits(page, "password-reset-done")
    page.goto(link)
    assert page.get_by_role("heading", name="This password reset link is not working").is_visible()
    assert_fits(page, "password-reset-used")
    sign_in(page, "bob", NEW_PASSWORD)
    assert "Bob Lead" in page.locator("#signed-in-as").inner_text()
