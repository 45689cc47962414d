"""A coordinator changes an action's lead officer, due date or description, never losing another's edit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from recommendations.models import Action, DueDateChange, EditConflict
from tests import factories
from tests.forms_helpers import assert_get_and_post_refused


def url(action: Action) -> str:
    return reverse("action_edit", args=[action.recommendation.challenge.slug, action.pk])


def form(action: Action, **overrides: object) -> dict[str, object]:
    assert action.due_date is not None
    data: dict[str, object] = {
        "version": action.version, "description": action.description,
        "lead_officer": action.lead_officer_id or "",
        "due_date_day": action.due_date.day, "due_date_month": action.due_date.month,
        "due_date_year": action.due_date.year, "reason": "",
    }
    data.update(overrides)
    return data


def test_coordinator_sees_the_form_filled_in(client, action, alice):
    client.force_login(alice)
    html = client.get(url(action)).content.decode()
    assert 'name="version" value="1"' in html
    assert 'value="30"' in html and 'value="2024"' in html


@pytest.mark.parametrize("persona", ["bob", "olive", "carol", "dave"])
def test_everyone_else_in_the_council_is_forbidden(client, action, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert_get_and_post_refused(client, url(action), form(action, description="Hijacked"), status=403)
    action.refresh_from_db()
    assert action.description != "Hijacked"


def test_another_council_gets_404_and_anonymous_is_sent_to_sign_in(client, action, mallory):
    assert "/sign-in/" in client.get(url(action)).url
    client.force_login(mallory)
    assert client.get(url(action)).status_code == 404


def test_coordinator_changes_lead_officer_and_description(client, action, alice, olive):
    client.force_login(alice)
    response = client.post(url(action), form(action, lead_officer=olive.pk,
                                              description="A sharper description."))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.lead_officer, action.description, action.version) == (
        olive, "A sharper description.", 2)
    record = action.history.first()
    assert record.history_user == alice and record.version == 2


def test_moving_the_due_date_needs_a_reason_and_keeps_the_old_date(client, action, alice, bob):
    client.force_login(alice)
    html = client.post(url(action), form(action, due_date_month=12)).content.decode()
    assert "Give the reason the due date is changing" in html
    assert Action.objects.get(pk=action.pk).due_date == dt.date(2024, 9, 30)

    client.post(url(action), form(action, due_date_month=12, reason="Consultation extended."))
    change = DueDateChange.objects.get(action=action)
    assert (change.old_due_date, change.new_due_date, change.reason) == (
        dt.date(2024, 9, 30), dt.date(2024, 12, 30), "Consultation extended.")
    client.force_login(bob)
    page = client.get(action.get_absolute_url()).content.decode()
    assert "Moved 1 time" in page
    assert "The due date has slipped 1 time" in page
    assert "30 September 2024" in page and "Consultation extended." in page


@pytest.mark.parametrize(("overrides", "message"), [
    ({"due_date_month": 1, "due_date_day": 1, "reason": "Earlier."},
     "The due date cannot be before the start date"),
    ({"due_date_day": 31, "due_date_month": 2, "reason": "x"}, "Due date must be a real date"),
    ({"due_date_year": "", "reason": "x"}, "Due date must include a year"),
    ({"description": ""}, "Enter a description of the action"),
    ({"lead_officer": 999999}, "Select a lead officer from the list"),
    ({"version": "abc"}, "This form is out of date"),
])
def test_bad_input_changes_nothing(client, action, alice, overrides, message):
    client.force_login(alice)
    response = client.post(url(action), form(action, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    action.refresh_from_db()
    assert action.version == 1 and action.due_date == dt.date(2024, 9, 30)


def test_a_lead_officer_from_another_council_is_refused(client, action, alice, mallory):
    client.force_login(alice)
    html = client.post(url(action), form(action, lead_officer=mallory.pk)).content.decode()
    assert "Select a lead officer from the list" in html
    assert Action.objects.get(pk=action.pk).lead_officer_id != mallory.pk


def test_second_editor_sees_what_changed_and_nothing_is_overwritten(client, action, alice, olive):
    stale = form(action, description="My stale description.")
    action.edit(expected_version=1, by=olive, description="Olive got there first.")
    client.force_login(alice)
    response = client.post(url(action), stale)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this action while you were editing" in html
    assert "Olive got there first." in html
    assert "My stale description." in html  # what they typed is kept in the form
    assert 'name="version" value="2"' in html
    action.refresh_from_db()
    assert action.description == "Olive got there first."
    assert action.version == 2


def test_edit_method_refuses_a_stale_version(action, alice):
    action.edit(expected_version=1, by=alice, description="First.")
    stale = Action.objects.get(pk=action.pk)
    stale.version = 1
    with pytest.raises(EditConflict):
        stale.edit(expected_version=1, by=alice, description="Second.")
    assert Action.objects.get(pk=action.pk).description == "First."


def test_an_edit_that_changes_nothing_writes_nothing(client, action, alice):
    client.force_login(alice)
    client.post(url(action), form(action))
    action.refresh_from_db()
    assert action.version == 1
    assert action.history.count() == 1


def test_an_action_without_a_due_date_can_be_given_one_without_a_reason(recommendation, alice):
    action = factories.make_action(recommendation=recommendation, due_date=None)
    action.edit(expected_version=1, by=alice, due_date=dt.date(2025, 1, 31))
    assert action.due_date == dt.date(2025, 1, 31)
    assert not action.due_date_changes.exists()
