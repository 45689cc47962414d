"""My actions: the actions a user leads, overdue first, with RAG, last update and update-due flag."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Action
from recommendations.periods import ReportingPeriod
from tests import factories

URL = reverse("my_actions")


def test_anonymous_user_is_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_lists_only_the_actions_the_user_leads(client, recommendation, bob, olive):
    factories.make_action(recommendation=recommendation, lead_officer=bob, description="Bob's job.")
    factories.make_action(recommendation=recommendation, lead_officer=olive,
                          description="Olive's job.")
    client.force_login(bob)
    html = client.get(URL).content.decode()
    assert "Bob&#x27;s job." in html
    assert "Olive&#x27;s job." not in html


def test_overdue_first_then_by_due_date(client, recommendation, bob):
    today = timezone.localdate()
    later = factories.make_action(recommendation=recommendation, lead_officer=bob, reference="1.1",
                                  due_date=today + dt.timedelta(days=90), start_date=None)
    sooner = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                   reference="1.2", due_date=today + dt.timedelta(days=10),
                                   start_date=None)
    overdue = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                    reference="1.3", due_date=today - dt.timedelta(days=400),
                                    start_date=None)
    client.force_login(bob)
    response = client.get(URL)
    assert [a.pk for a in response.context["open_actions"]] == [overdue.pk, sooner.pk, later.pk]
    assert response.context["overdue_count"] == 1


def test_update_due_until_something_is_reported_this_period(client, action, bob):
    client.force_login(bob)
    assert "Update due" in client.get(URL).content.decode()
    action.record_progress(rag="green", period=ReportingPeriod.current(), narrative="Done.", by=bob)
    html = client.get(URL).content.decode()
    assert "Update due" not in html
    assert "All are up to date" in html


def test_an_update_for_last_period_does_not_count_for_this_one(client, action, bob):
    action.record_progress(rag="green", period=ReportingPeriod.current().previous(),
                           narrative="Late report.", by=bob)
    client.force_login(bob)
    assert client.get(URL).context["open_actions"][0].needs_update


def test_shows_rating_and_recommendation(client, action, bob):
    factories.make_update(action=action, rag="amber", author=bob)
    client.force_login(bob)
    html = client.get(URL).content.decode()
    assert "Amber" in html and "City centre masterplan" in html


def test_finished_actions_are_listed_apart(client, recommendation, bob):
    factories.make_action(recommendation=recommendation, lead_officer=bob,
                          status=Action.Status.COMPLETE, description="Finished work.")
    client.force_login(bob)
    response = client.get(URL)
    assert response.context["open_actions"] == []
    assert "Completed and closed actions (1)" in response.content.decode()


def test_another_councils_actions_never_show(client, action, mallory):
    client.force_login(mallory)
    assert client.get(URL).context["open_actions"] == []


def test_an_expired_membership_hides_the_councils_actions(client, action, bob):
    bob.memberships.update(expires_on=dt.date(2020, 1, 1))
    client.force_login(bob)
    assert client.get(URL).context["open_actions"] == []


@pytest.mark.parametrize("persona", ["alice", "carol", "dave"])
def test_other_roles_see_their_own_empty_list(client, action, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    assert "You do not lead or deputise for any open actions." in response.content.decode()


def test_query_count_is_bounded(client, challenge, bob, django_assert_max_num_queries):
    for number in range(1, 6):
        recommendation = factories.make_recommendation(challenge=challenge, number=number)
        for _ in range(12):
            action = factories.make_action(recommendation=recommendation, lead_officer=bob)
            factories.make_update(action=action, author=bob)
    client.force_login(bob)
    with django_assert_max_num_queries(4):  # the actions' kept state: no query for their updates
        response = client.get(URL)
    assert response.context["open_count"] == 60
    assert len(response.context["open_actions"]) == 50  # one page drawn
