"""Notification settings: each person chooses straight away, weekly summary or (where allowed) off, for
the kinds that apply to their roles; a council's coordinators and administrators set its escalation."""

from __future__ import annotations

import re

from django.urls import reverse

from notifications.kinds import SPECS, Delivery, Kind
from notifications.models import CouncilNotificationSettings, NotificationPreference
from tests.notifications.conftest import choose

URL = reverse("notification_settings")
OFFICER_KINDS = {Kind.LEAD_OFFICER, Kind.DEPUTY, Kind.RETURNED, Kind.DUE_SOON, Kind.OVERDUE, Kind.NO_UPDATE}
COORDINATOR_KINDS = {Kind.REPORTED_COMPLETE, Kind.OFFICER_DEACTIVATED, Kind.ESCALATION, Kind.INBOX_DIGEST}


def _asked(html: str) -> set[str]:
    return set(re.findall(r'name="([a-z_]+)" type="radio"', html))


def _checked(html: str) -> dict[str, str]:
    return dict(re.findall(r'name="([a-z_]+)" type="radio" value="([a-z]+)" checked', html))


def _all(delivery: str, kinds: set[str]) -> dict[str, str]:
    return {kind: delivery for kind in kinds}


def test_each_role_is_asked_about_its_own_kinds(client, bob, alice, carol, dave):
    expected = {bob: OFFICER_KINDS, alice: OFFICER_KINDS | COORDINATOR_KINDS, carol: {Kind.PACK_ISSUED},
                dave: set()}
    for user, kinds in expected.items():
        client.force_login(user)
        assert _asked(client.get(URL).content.decode()) == kinds, user.username


def test_the_defaults_are_shown_until_someone_chooses(client, carol, bob):
    client.force_login(carol)
    assert _checked(client.get(URL).content.decode()) == {Kind.PACK_ISSUED: Delivery.OFF}
    client.force_login(bob)
    choose(bob, Kind.DUE_SOON, Delivery.DIGEST)
    checked = _checked(client.get(URL).content.decode())
    assert checked[Kind.DUE_SOON] == Delivery.DIGEST and checked[Kind.OVERDUE] == Delivery.IMMEDIATE


def test_saving_stores_every_choice(client, bob):
    client.force_login(bob)
    data = {**_all(Delivery.IMMEDIATE, OFFICER_KINDS), Kind.DUE_SOON: Delivery.OFF, Kind.NO_UPDATE: Delivery.DIGEST}
    response = client.post(URL, data)
    assert response.status_code == 302 and response["Location"] == URL
    stored = dict(NotificationPreference.objects.filter(user=bob).values_list("kind", "delivery"))
    assert stored == data


def test_a_kind_that_asks_something_of_you_cannot_be_turned_off(client, bob):
    client.force_login(bob)
    response = client.post(URL, {**_all(Delivery.IMMEDIATE, OFFICER_KINDS), Kind.OVERDUE: Delivery.OFF})
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert ("Choose one of the options for: when an action you lead becomes overdue. "
            "This one cannot be turned off.") in html
    assert not NotificationPreference.objects.exists()
    assert 'value="off"' not in html.split(f'name="{Kind.OVERDUE}"')[1].split("</fieldset>")[0]


def test_a_missing_or_odd_answer_is_refused_in_words(client, bob):
    client.force_login(bob)
    data = _all(Delivery.IMMEDIATE, OFFICER_KINDS - {Kind.RETURNED})
    data[Kind.DEPUTY] = "\x00sometimes"
    response = client.post(URL, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose how to hear about this: when a coordinator returns an action you lead." in html
    assert "Choose one of the options for: when you are named as a deputy." in html
    assert not NotificationPreference.objects.exists()


def test_someone_with_no_kinds_is_told_so_and_a_post_changes_nothing(client, dave):
    client.force_login(dave)
    assert "There are no notifications to choose for your role." in client.get(URL).content.decode()
    assert client.post(URL, {}).status_code == 302
    assert not NotificationPreference.objects.exists()


def test_someone_without_an_email_address_is_told_it_is_list_only(client, bob):
    client.force_login(bob)
    assert "There is no email address for your account" in client.get(URL).content.decode()


def test_every_kind_has_a_question_on_the_page_for_someone(client, alice, carol):
    asked = set()
    for user in (alice, carol):
        client.force_login(user)
        asked |= _asked(client.get(URL).content.decode())
    assert asked == set(SPECS)


# --- the council's settings ---------------------------------------------------------------------


def _council_url(council) -> str:
    return reverse("council_notification_settings", args=[council.slug])


def test_coordinators_and_administrators_see_their_councils_setting(client, alice, dave, bob, northtown):
    for user in (alice, dave):
        client.force_login(user)
        html = client.get(URL).content.decode()
        assert "Coordinators are told after 3 weeks" in html and _council_url(northtown) in html
    client.force_login(bob)
    assert _council_url(northtown) not in client.get(URL).content.decode()


def test_a_coordinator_or_administrator_changes_the_escalation_weeks(client, alice, dave, northtown):
    client.force_login(dave)
    response = client.post(_council_url(northtown), {"escalate_after_weeks": "5"})
    assert response.status_code == 302 and response["Location"] == URL
    assert CouncilNotificationSettings.weeks_for(northtown.pk) == 5
    client.force_login(alice)
    client.post(_council_url(northtown), {"escalate_after_weeks": "2"})
    saved = CouncilNotificationSettings.objects.get(council=northtown)
    assert saved.escalate_after_weeks == 2
    assert [record.history_user for record in saved.history.order_by("history_date")] == [dave, alice]


def test_bad_weeks_are_refused_in_words(client, alice, northtown):
    client.force_login(alice)
    for value, message in [("", "Enter a number of weeks, from 1 to 12."), ("0", "Enter at least 1 week."),
                           ("13", "Enter at most 12 weeks."), ("three", "Enter the number of weeks as a whole "
                                                                       "number, like 3."),
                           ("٣", "Enter the number of weeks as a whole number, like 3."),
                           ("9" * 30, "Enter the number of weeks as a whole number, like 3.")]:
        response = client.post(_council_url(northtown), {"escalate_after_weeks": value})
        assert response.status_code == 400, value
        assert message in response.content.decode(), value
    assert not CouncilNotificationSettings.objects.exists()


def test_other_members_may_not_change_it_and_other_councils_cannot_see_it(client, bob, carol, mallory, northtown):
    for user in (bob, carol):
        client.force_login(user)
        assert client.get(_council_url(northtown)).status_code == 403
        assert client.post(_council_url(northtown), {"escalate_after_weeks": "1"}).status_code == 403
    client.force_login(mallory)
    assert client.get(_council_url(northtown)).status_code == 404
    assert client.post(_council_url(northtown), {"escalate_after_weeks": "1"}).status_code == 404
    assert not CouncilNotificationSettings.objects.exists()
