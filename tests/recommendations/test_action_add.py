"""A coordinator adds a new action to a recommendation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from recommendations.models import Action
from tests.forms_helpers import assert_get_and_post_refused, assert_refused


def url(recommendation) -> str:
    return reverse("action_add", args=[recommendation.challenge.slug, recommendation.number])


def form(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "reference": "1.2", "description": "Publish the masterplan.", "lead_officer": "",
        "cabinet_member": "", "directorate": "", "start_date_day": "1", "start_date_month": "4",
        "start_date_year": "2024", "due_date_day": "31", "due_date_month": "3",
        "due_date_year": "2025",
    }
    data.update(overrides)
    return data


def test_coordinator_adds_an_action(client, recommendation, alice, bob):
    client.force_login(alice)
    assert client.get(url(recommendation)).status_code == 200
    response = client.post(url(recommendation), form(lead_officer=bob.pk))
    action = Action.objects.get(recommendation=recommendation, reference="1.2")
    assert response.status_code == 302 and response.url == action.get_absolute_url()
    assert (action.lead_officer, action.due_date, action.status) == (
        bob, dt.date(2025, 3, 31), Action.Status.NOT_STARTED)
    assert action.history.get().history_user == alice


@pytest.mark.parametrize("persona", ["bob", "olive", "carol", "dave"])
def test_others_in_the_council_are_forbidden(client, recommendation, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert_get_and_post_refused(client, url(recommendation), form(), status=403)
    assert not Action.objects.exists()


def test_another_council_gets_404_and_anonymous_is_sent_to_sign_in(client, recommendation, mallory):
    assert "/sign-in/" in client.get(url(recommendation)).url
    client.force_login(mallory)
    assert_get_and_post_refused(client, url(recommendation), form(), status=404)
    assert not Action.objects.exists()


@pytest.mark.parametrize(("overrides", "message"), [
    ({"reference": "1.1"}, "Action 1.1 already exists"),
    ({"reference": ""}, "Enter a reference"),
    ({"due_date_year": "2023"}, "The due date cannot be before the start date"),
    ({"due_date_day": "", "due_date_month": "", "due_date_year": ""}, "Enter the due date"),
    ({"start_date_month": "13"}, "Start date must be a real date"),
])
def test_bad_input_adds_nothing(client, recommendation, action, alice, overrides, message):
    client.force_login(alice)
    assert_refused(client.post(url(recommendation), form(**overrides)), message, rows=Action.objects, count=1)
