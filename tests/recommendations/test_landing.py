"""Where signing in leads, and what My actions holds for deputies and archived challenges."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Deputy, Membership
from tests import factories

pytestmark = pytest.mark.django_db


def _sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.username, "password": factories.PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client.get(response["Location"])


@pytest.fixture
def led(challenge, bob):
    recommendation = factories.make_recommendation(challenge=challenge, number=1)
    return factories.make_action(recommendation=recommendation, reference="1.1", lead_officer=bob)


def test_a_coordinator_lands_on_the_inbox(client, alice, led):
    assert _sign_in(client, alice)["Location"] == reverse("inbox")


def test_an_officer_with_open_actions_lands_on_my_actions(client, bob, led):
    assert _sign_in(client, bob)["Location"] == reverse("my_actions")


def test_an_officer_whose_actions_are_all_finished_lands_on_the_challenges(client, alice, bob, led):
    led.close(by=alice, reason="No longer needed.")
    assert _sign_in(client, bob)["Location"] == reverse("home")


@pytest.mark.parametrize("persona", ["carol", "dave", "olive"])
def test_scrutiny_administrators_and_officers_leading_nothing_land_on_the_challenges(client, request, persona, led):
    assert _sign_in(client, request.getfixturevalue(persona))["Location"] == reverse("home")


def test_a_deputy_lands_on_my_actions_and_sees_the_action_there(client, northtown, alice, olive, led):
    Deputy.objects.create(council=northtown, deputy=olive, action=led,
                          ends_on=timezone.localdate() + dt.timedelta(days=7), named_by=alice)
    assert _sign_in(client, olive)["Location"] == reverse("my_actions")
    page = client.get(reverse("my_actions"))
    assert [then.pk for then in page.context["open_actions"]] == [led.pk]
    assert "You deputise for Bob Lead" in page.content.decode()


def test_a_deputy_for_all_of_an_officers_actions_sees_each_of_them(client, northtown, alice, bob, olive, led):
    other = factories.make_action(recommendation=led.recommendation, reference="1.2", lead_officer=bob)
    Deputy.objects.create(council=northtown, deputy=olive, lead_officer=bob,
                          ends_on=timezone.localdate(), named_by=alice)
    client.force_login(olive)
    page = client.get(reverse("my_actions"))
    assert sorted(then.pk for then in page.context["open_actions"]) == sorted([led.pk, other.pk])


def test_an_ended_deputy_sees_nothing_and_lands_on_the_challenges(client, northtown, alice, olive, led):
    Deputy.objects.create(council=northtown, deputy=olive, action=led,
                          ends_on=timezone.localdate() - dt.timedelta(days=1), named_by=alice)
    assert _sign_in(client, olive)["Location"] == reverse("home")
    assert client.get(reverse("my_actions")).context["open_actions"] == []


def test_a_deputy_of_another_councils_officer_sees_nothing(client, southport, mallory, alice, bob, led):
    # Named (wrongly, by data outside peertrack's pages) for Bob in another council: it covers only
    # that council's actions, so Northtown's action stays out of reach.
    Deputy.objects.create(council=southport, deputy=mallory, lead_officer=bob,
                          ends_on=timezone.localdate(), named_by=alice)
    client.force_login(mallory)
    assert client.get(reverse("my_actions")).context["open_actions"] == []


def test_archived_challenges_leave_my_actions(client, alice, bob, challenge, led):
    challenge.archive(by=alice)
    client.force_login(bob)
    page = client.get(reverse("my_actions"))
    assert page.context["open_actions"] == [] and page.context["finished_actions"] == []


def test_next_wins_over_the_landing_page(client, bob, led):
    response = client.post(reverse("login") + "?next=/portfolio/",
                           {"username": bob.username, "password": factories.PASSWORD})
    assert response["Location"] == "/portfolio/"


def test_the_landing_page_needs_signing_in(client):
    response = client.get(reverse("landing"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_inactive_membership_counts_for_nothing(client, alice, led):
    Membership.objects.filter(user=alice).update(expires_on=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(alice)
    assert client.get(reverse("landing"))["Location"] == reverse("home")
