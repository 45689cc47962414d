"""Closing an action that is superseded or no longer needed, and reopening it (coordinators only)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from recommendations.asof import plan_as_at
from recommendations.models import Action
from recommendations.periods import ReportingPeriod
from tests import factories

MEANING = "Closed actions take no more updates and are left out of the RAG rating"


def close_url(action: Action) -> str:
    return reverse("action_close", args=[action.recommendation.challenge.slug, action.pk])


def reopen_url(action: Action) -> str:
    return reverse("action_reopen", args=[action.recommendation.challenge.slug, action.pk])


@pytest.fixture
def red_action(recommendation, bob):
    action = factories.make_action(recommendation=recommendation, lead_officer=bob, reference="1.2")
    factories.make_update(action=action, rag="red", author=bob)
    return action


def test_coordinator_sees_the_form_and_what_closing_means(client, action, alice):
    client.force_login(alice)
    response = client.get(close_url(action))
    assert response.status_code == 200
    html = response.content.decode()
    assert MEANING in html
    assert 'name="reason"' in html
    assert 'name="csrfmiddlewaretoken"' in html and 'name="submission_key"' in html


def test_closing_needs_a_reason_and_changes_nothing_without_one(client, action, alice):
    client.force_login(alice)
    response = client.post(close_url(action), {"reason": "   "})
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert "Say why the action is being closed" in html
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS
    assert action.closed_at is None


def test_coordinator_closes_an_action_with_a_reason_shown_on_its_page(client, action, alice):
    client.force_login(alice)
    response = client.post(close_url(action), {"reason": "Superseded by <b>action 3.4</b>."})
    assert response.status_code == 302
    assert response.url == action.get_absolute_url()
    action.refresh_from_db()
    assert action.status == Action.Status.CLOSED
    assert action.closed_by == alice
    assert action.closed_reason == "Superseded by <b>action 3.4</b>."
    html = client.get(response.url).content.decode()
    assert f"Action {action.reference} is closed" in html
    assert "Closed by Alice Coordinator" in html
    assert "Superseded by &lt;b&gt;action 3.4&lt;/b&gt;." in html
    assert "Reopen this action" in html and "Close this action" not in html


def test_closing_twice_is_refused_in_plain_english_and_changes_nothing(client, action, alice):
    client.force_login(alice)
    client.post(close_url(action), {"reason": "No longer needed."})
    first = Action.objects.get(pk=action.pk)
    records = action.history.count()
    response = client.post(close_url(action), {"reason": "Again."}, follow=True)
    assert "This action is already closed. Nothing was changed." in response.content.decode()
    again = Action.objects.get(pk=action.pk)
    assert (again.closed_at, again.closed_reason) == (first.closed_at, "No longer needed.")
    assert action.history.count() == records
    # The form is not offered for a closed action either.
    response = client.get(close_url(action), follow=True)
    assert "This action is already closed." in response.content.decode()


def test_a_signed_off_action_cannot_be_closed(client, recommendation, bob, alice):
    done = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                 status=Action.Status.COMPLETE, signed_off_by=alice)
    client.force_login(alice)
    response = client.get(close_url(done), follow=True)
    assert "complete and signed off, so it cannot be closed" in response.content.decode()
    response = client.post(close_url(done), {"reason": "Tidying up."}, follow=True)
    assert "Nothing was changed." in response.content.decode()
    done.refresh_from_db()
    assert done.status == Action.Status.COMPLETE
    assert done.closed_at is None


@pytest.mark.parametrize("persona", ["bob", "olive", "carol", "dave", "gina"])
def test_only_a_coordinator_may_close_or_reopen(client, action, persona, request):
    client.force_login(request.getfixturevalue(persona))
    for url in (close_url(action), reopen_url(action)):
        assert client.get(url).status_code == 403
        assert client.post(url, {"reason": "Because."}).status_code == 403
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS


def test_another_council_gets_404_and_anonymous_is_sent_to_sign_in(client, action, mallory):
    assert "/sign-in/" in client.post(close_url(action), {"reason": "x"}).url
    client.force_login(mallory)
    assert client.get(close_url(action)).status_code == 404
    assert client.post(close_url(action), {"reason": "x"}).status_code == 404
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS


def test_an_action_of_another_challenge_under_this_challenges_address_is_404(client, action, northtown, alice):
    other = factories.make_challenge(council=northtown, slug="northtown-2018")
    theirs = factories.make_action(recommendation=factories.make_recommendation(challenge=other))
    client.force_login(alice)
    url = reverse("action_close", args=[action.recommendation.challenge.slug, theirs.pk])
    assert client.post(url, {"reason": "x"}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == Action.Status.IN_PROGRESS


def test_closed_action_leaves_the_rag_rule_and_reopening_brings_it_back(client, action, red_action, bob, alice):
    factories.make_update(action=action, rag="amber", author=bob)
    challenge = action.recommendation.challenge
    recommendation_id = action.recommendation_id
    assert plan_as_at(challenge).ratings()[recommendation_id] == "red"
    client.force_login(alice)
    client.post(close_url(red_action), {"reason": "Merged into action 1.1."})
    assert plan_as_at(challenge).ratings()[recommendation_id] == "amber"
    client.post(reopen_url(red_action), {"reason": "Split out again."})
    assert plan_as_at(challenge).ratings()[recommendation_id] == "red"


def test_closing_the_last_open_action_leaves_the_signed_off_one_blue(client, recommendation, red_action,
                                                                     bob, alice):
    factories.make_action(recommendation=recommendation, lead_officer=bob, reference="1.3",
                          status=Action.Status.COMPLETE, signed_off_by=alice)
    client.force_login(alice)
    client.post(close_url(red_action), {"reason": "No longer needed."})
    assert plan_as_at(recommendation.challenge).ratings()[recommendation.pk] == "blue"


def test_a_closed_action_takes_no_update(client, action, bob, alice):
    action.close(by=alice, reason="No longer needed.")
    client.force_login(bob)
    response = client.post(reverse("action_progress", args=[action.recommendation.challenge.slug, action.pk]),
                           {"rag": "green", "period": ReportingPeriod.current().key, "narrative": "Done."})
    assert response.status_code in (200, 302)
    assert not action.updates.exists()


def test_reopening_needs_a_reason_and_returns_to_in_progress_when_it_has_updates(client, red_action, alice):
    red_action.close(by=alice, reason="Superseded.")
    client.force_login(alice)
    assert "The action was closed: “Superseded.”" in client.get(reopen_url(red_action)).content.decode()
    response = client.post(reopen_url(red_action), {"reason": ""})
    assert "Say why the action is being reopened" in response.content.decode()
    assert Action.objects.get(pk=red_action.pk).status == Action.Status.CLOSED
    response = client.post(reopen_url(red_action), {"reason": "Needed after all."})
    assert response.status_code == 302
    red_action.refresh_from_db()
    assert red_action.status == Action.Status.IN_PROGRESS
    assert (red_action.closed_at, red_action.closed_by, red_action.closed_reason) == (None, None, "")
    assert "is open again (in progress)" in client.get(response.url).content.decode()


def test_reopening_an_action_without_updates_makes_it_not_started(client, recommendation, alice):
    fresh = factories.make_action(recommendation=recommendation, status=Action.Status.NOT_STARTED)
    fresh.close(by=alice, reason="Duplicate.")
    client.force_login(alice)
    client.post(reopen_url(fresh), {"reason": "Not a duplicate."})
    fresh.refresh_from_db()
    assert fresh.status == Action.Status.NOT_STARTED


def test_reopening_an_open_action_is_refused_and_changes_nothing(client, action, alice):
    client.force_login(alice)
    records = action.history.count()
    response = client.post(reopen_url(action), {"reason": "Why not."}, follow=True)
    assert "This action is not closed, so it cannot be reopened. Nothing was changed." in response.content.decode()
    assert action.history.count() == records
    assert Action.objects.get(pk=action.pk).status == Action.Status.IN_PROGRESS


def test_closing_and_reopening_are_kept_in_the_history_with_who_and_why(client, action, alice):
    client.force_login(alice)
    client.post(close_url(action), {"reason": "Superseded by 3.4."})
    client.post(reopen_url(action), {"reason": "Back in scope."})
    closed, reopened = list(action.history.order_by("history_date", "history_id"))[-2:]
    assert (closed.status, closed.history_user, closed.history_change_reason) == (
        Action.Status.CLOSED, alice, "Superseded by 3.4.")
    assert (reopened.status, reopened.history_user, reopened.history_change_reason) == (
        Action.Status.NOT_STARTED, alice, "Back in scope.")
    html = client.get(action.get_absolute_url()).content.decode()
    assert "Reason: Superseded by 3.4." in html
    assert "Reason: Back in scope." in html


def test_the_action_page_offers_closing_to_coordinators_only(client, action, alice, bob):
    client.force_login(bob)
    assert "Close this action" not in client.get(action.get_absolute_url()).content.decode()
    client.force_login(alice)
    html = client.get(action.get_absolute_url()).content.decode()
    assert f'href="{close_url(action)}"' in html
