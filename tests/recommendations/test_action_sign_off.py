"""Signing off an action reported complete, or returning it with a reason (coordinators only)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from recommendations import asof
from recommendations.models import Action, Recommendation
from recommendations.periods import ReportingPeriod
from tests import factories


@pytest.fixture
def reported(recommendation, bob):
    action = factories.make_action(recommendation=recommendation, lead_officer=bob)
    factories.make_update(action=action, rag="amber", author=bob)
    action.record_progress(rag="blue", period=ReportingPeriod.current(),
                           narrative="Finished.", by=bob)
    return action


def sign_off_url(action: Action) -> str:
    return reverse("action_sign_off", args=[action.recommendation.challenge.slug, action.pk])


def return_url(action: Action) -> str:
    return reverse("action_return", args=[action.recommendation.challenge.slug, action.pk])


def rag_of(action: Action) -> str:
    return asof.recommendation_ratings(Recommendation.objects.filter(pk=action.recommendation_id))[
        action.recommendation_id]


def test_reported_complete_counts_as_green_until_signed_off(reported):
    assert reported.status == Action.Status.AWAITING_SIGN_OFF
    assert rag_of(reported) == "green"


def test_coordinator_signs_off_and_the_recommendation_turns_blue(client, reported, alice):
    client.force_login(alice)
    response = client.post(sign_off_url(reported))
    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.status == Action.Status.COMPLETE
    assert reported.signed_off_by == alice
    assert rag_of(reported) == "blue"
    assert "signed off as complete" in client.get(response.url).content.decode()


@pytest.mark.parametrize("persona", ["bob", "olive", "carol", "dave"])
def test_only_a_coordinator_may_sign_off_or_return(client, reported, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(sign_off_url(reported)).status_code == 403
    assert client.get(return_url(reported)).status_code == 403
    assert client.post(return_url(reported), {"reason": "No."}).status_code == 403
    reported.refresh_from_db()
    assert reported.status == Action.Status.AWAITING_SIGN_OFF


def test_another_council_gets_404_and_anonymous_is_sent_to_sign_in(client, reported, mallory):
    assert "/sign-in/" in client.post(sign_off_url(reported)).url
    client.force_login(mallory)
    assert client.post(sign_off_url(reported)).status_code == 404
    assert client.get(return_url(reported)).status_code == 404


def test_signing_off_twice_changes_nothing_the_second_time(client, reported, alice):
    client.force_login(alice)
    client.post(sign_off_url(reported))
    first = Action.objects.get(pk=reported.pk).signed_off_at
    response = client.post(sign_off_url(reported), follow=True)
    assert "not awaiting sign-off" in response.content.decode()
    assert Action.objects.get(pk=reported.pk).signed_off_at == first


def test_coordinator_returns_it_with_a_reason_shown_on_the_page(client, reported, alice, bob):
    client.force_login(alice)
    assert client.get(return_url(reported)).status_code == 200
    response = client.post(return_url(reported), {"reason": "Attach the <b>signed</b> minutes."})
    assert response.status_code == 302
    reported.refresh_from_db()
    assert reported.status == Action.Status.IN_PROGRESS
    assert reported.completion_reported_at is None
    client.force_login(bob)
    html = client.get(reported.get_absolute_url()).content.decode()
    assert "Returned for more work" in html
    assert "Attach the &lt;b&gt;signed&lt;/b&gt; minutes." in html


def test_returning_without_a_reason_is_refused(client, reported, alice):
    client.force_login(alice)
    html = client.post(return_url(reported), {"reason": "  "}).content.decode()
    assert "Say why the action is not yet complete" in html
    reported.refresh_from_db()
    assert reported.status == Action.Status.AWAITING_SIGN_OFF


def test_an_action_not_awaiting_sign_off_cannot_be_returned(client, action, alice):
    client.force_login(alice)
    response = client.post(return_url(action), {"reason": "Because."})
    assert response.status_code == 302
    assert not action.sign_off_returns.exists()


def test_a_later_non_blue_update_withdraws_the_completion_report(reported, bob):
    reported.record_progress(rag="amber", period=ReportingPeriod.current(),
                             narrative="Not done after all.", by=bob)
    assert reported.status == Action.Status.IN_PROGRESS
