"""Adding a follow-up action from a theme, and seeing it in the action plan."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from recommendations.models import Action
from tests import factories
from tests.reviews.review_fixtures import COORDINATE, assert_access


def _url(theme):
    return theme.review.get_absolute_url() + f"themes/{theme.pk}/actions/new/"


def _data(recommendation, **extra):
    due = timezone.localdate() + dt.timedelta(days=60)
    return {"recommendation": recommendation.pk, "description": "Hold a residents' panel on the masterplan.",
            "due_date_day": due.day, "due_date_month": due.month, "due_date_year": due.year, **extra}


@pytest.mark.parametrize(("username", "status"), COORDINATE.items())
def test_who_may_add_a_follow_up_action(client, everyone, username, status, theme, recommendation):
    assert_access(client, username, status, _url(theme), posts=[(_url(theme), _data(recommendation))])
    assert not Action.objects.exists()


def test_the_action_appears_on_the_recommendation_page_labelled(client, alice, carol, theme, recommendation, bob):
    client.force_login(alice)
    response = client.post(_url(theme), _data(recommendation, lead_officer=bob.pk))
    assert response.status_code == 302
    action = Action.objects.get()
    assert action.origin == Action.Origin.PROGRESS_REVIEW
    assert action.lead_officer == bob
    assert action.reference == "1.1"
    client.force_login(carol)
    page = client.get(recommendation.get_absolute_url()).content.decode()
    card = page.split("1.1: Hold a residents")[1].split("govuk-summary-card__title-wrapper")[0]
    assert "Arising from the progress review" in card


def test_plan_actions_are_not_labelled_as_arising_from_the_review(client, carol, recommendation, action):
    client.force_login(carol)
    assert "Arising from the progress review" not in client.get(recommendation.get_absolute_url()).content.decode()


@pytest.mark.parametrize(("extra", "message"), [
    ({"description": ""}, "Describe the action"),
    ({"due_date_day": "1", "due_date_month": "1", "due_date_year": "2020"}, "The due date must be today or later"),
    ({"lead_officer": "999999"}, "Select a lead officer from the list"),
    ({"reference": "1.1"}, "already has an action 1.1"),
])
def test_bad_input_is_explained_and_adds_nothing(client, alice, theme, recommendation, action, extra, message):
    client.force_login(alice)
    response = client.post(_url(theme), _data(recommendation, **extra))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(Action.objects.all()) == [action]


def test_a_recommendation_outside_the_theme_cannot_be_chosen(client, alice, theme, challenge):
    other = factories.make_recommendation(challenge=challenge, number=2)
    client.force_login(alice)
    response = client.post(_url(theme), _data(other))
    assert response.status_code == 400
    assert "Select one of the recommendations this theme covers" in response.content.decode()
    assert not Action.objects.exists()


def test_an_officer_of_another_council_cannot_be_lead(client, alice, theme, recommendation, mallory):
    client.force_login(alice)
    response = client.post(_url(theme), _data(recommendation, lead_officer=mallory.pk))
    assert response.status_code == 400
    assert not Action.objects.exists()
