"""Reassigning one person's open actions to another, all at once or not at all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from recommendations.models import Action, Membership
from tests import factories

pytestmark = pytest.mark.django_db


def url(bob):
    return reverse("person_reassign", args=["northtown", Membership.objects.get(user=bob).pk])


@pytest.fixture
def three(recommendation, bob):
    return [
        factories.make_action(recommendation=recommendation, lead_officer=bob, reference=f"1.{n}") for n in (1, 2, 3)
    ]


def test_a_coordinator_moves_the_chosen_actions_and_each_keeps_history(client, alice, bob, olive, three):
    client.force_login(alice)
    page = client.get(url(bob)).content.decode()
    assert all(f">1.{n} " in page for n in (1, 2, 3))
    response = client.post(url(bob), {"to_user": olive.pk, "actions": [three[0].pk, three[2].pk]})
    assert response.status_code == 302
    leads = dict(Action.objects.values_list("reference", "lead_officer__username"))
    assert leads == {"1.1": "olive", "1.2": "bob", "1.3": "olive"}
    moved = Action.objects.get(reference="1.1")
    assert moved.history.latest("history_date").history_user == alice
    assert moved.version == 2


def test_an_administrator_may_reassign_too(client, dave, bob, olive, three):
    client.force_login(dave)
    assert client.post(url(bob), {"to_user": olive.pk, "actions": [a.pk for a in three]}).status_code == 302
    assert set(Action.objects.values_list("lead_officer__username", flat=True)) == {"olive"}


def test_an_action_of_someone_else_or_another_council_refuses_all(client, alice, bob, olive, mallory, three, southport):
    other_challenge = factories.make_challenge(council=southport, slug="sp-1")
    foreign = factories.make_action(
        recommendation=factories.make_recommendation(challenge=other_challenge), lead_officer=mallory
    )
    client.force_login(alice)
    response = client.post(url(bob), {"to_user": olive.pk, "actions": [three[0].pk, foreign.pk]})
    assert response.status_code == 400
    assert set(Action.objects.filter(pk__in=[a.pk for a in three]).values_list("lead_officer", flat=True)) == {bob.pk}
    foreign.refresh_from_db()
    assert foreign.lead_officer == mallory


def test_the_new_lead_must_be_an_active_officer_or_coordinator(client, alice, bob, carol, mallory, three):
    client.force_login(alice)
    for person in (carol, mallory):
        response = client.post(url(bob), {"to_user": person.pk, "actions": [three[0].pk]})
        assert response.status_code == 400
        assert "Choose the new lead officer from the list" in response.content.decode()
    assert Action.objects.get(pk=three[0].pk).lead_officer == bob


def test_nothing_chosen_is_a_clear_error(client, alice, bob, olive, three):
    client.force_login(alice)
    response = client.post(url(bob), {"to_user": olive.pk})
    assert response.status_code == 400 and "Select at least one action" in response.content.decode()


def test_a_finished_action_is_not_offered_and_posting_it_refuses_all(client, alice, bob, olive, recommendation, three):
    done = factories.make_action(
        recommendation=recommendation, lead_officer=bob, reference="1.9", status=Action.Status.COMPLETE
    )
    client.force_login(alice)
    assert ">1.9 " not in client.get(url(bob)).content.decode()
    response = client.post(url(bob), {"to_user": olive.pk, "actions": [three[0].pk, done.pk]})
    assert response.status_code == 400
    assert Action.objects.get(pk=three[0].pk).lead_officer == bob


def test_officers_and_scrutiny_members_are_forbidden(client, olive, carol, bob, three):
    for person in (olive, carol):
        client.force_login(person)
        assert client.post(url(bob), {"to_user": person.pk, "actions": [three[0].pk]}).status_code == 403
    assert Action.objects.get(pk=three[0].pk).lead_officer == bob
