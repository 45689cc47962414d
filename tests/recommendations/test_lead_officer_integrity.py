"""An action's lead officer is an active member of the action's council, however they are chosen."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from recommendations import imports
from recommendations.models import Action, Membership
from tests import factories
from tests.admin_helpers import make_staff
from tests.recommendations.import_helpers import xlsx_bytes

MESSAGE = "Choose a lead officer who is an active member of this action&#x27;s council."


def expire(user):
    Membership.objects.filter(user=user).update(expires_on=timezone.localdate() - dt.timedelta(days=1))


def switch_off(user):
    user.is_active = False
    user.save(update_fields=["is_active"])


# The model: Action.clean, which model forms (the admin's) run.

@pytest.mark.django_db
def test_a_new_action_led_by_another_councils_user_is_invalid(recommendation, bob, mallory):
    action = Action(recommendation=recommendation, reference="1.9", description="x", lead_officer=mallory)
    with pytest.raises(ValidationError) as error:
        action.full_clean()
    assert "lead_officer" in error.value.message_dict
    action.lead_officer = bob
    action.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("leave", [expire, switch_off], ids=["membership expired", "account off"])
def test_someone_who_is_no_longer_an_active_member_cannot_be_chosen(action, olive, leave):
    leave(olive)
    action.lead_officer = olive
    with pytest.raises(ValidationError):
        action.full_clean()


@pytest.mark.django_db
def test_a_lead_officer_who_has_left_does_not_block_other_changes(action, bob):
    expire(bob)
    action.description = "Reworded."
    action.full_clean()


# The admin: the drop-down and the save.

def admin_form_data(client, action, **overrides):
    from tests.recommendations.test_admin import admin_form

    return admin_form(client, action, **overrides)


@pytest.mark.django_db
@pytest.mark.parametrize("superuser", [False, True])
def test_the_admin_refuses_another_councils_user_as_lead_officer(client, alice, action, mallory, admin_user,
                                                                 superuser):
    user = admin_user if superuser else make_staff(alice)
    client.force_login(user)
    url = reverse("admin:recommendations_action_change", args=[action.pk])
    if not superuser:
        form = client.get(url).context["adminform"].form
        assert mallory not in form.fields["lead_officer"].queryset
    response = client.post(url, admin_form_data(client, action, lead_officer=mallory.pk))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Select a valid choice" in body or MESSAGE in body
    action.refresh_from_db()
    assert action.lead_officer_id != mallory.pk


@pytest.mark.django_db
def test_the_admin_refuses_a_lead_officer_of_another_of_the_users_councils(client, alice, action, southport):
    # Alice coordinates both councils: the lead must belong to the action's own council.
    Membership.objects.create(user=alice, council=southport, role=Membership.Role.COORDINATOR)
    sam = factories.make_user(username="sam", council=southport)
    client.force_login(make_staff(alice))
    url = reverse("admin:recommendations_action_change", args=[action.pk])
    response = client.post(url, admin_form_data(client, action, lead_officer=sam.pk))
    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert Action.objects.get(pk=action.pk).lead_officer_id != sam.pk


@pytest.mark.django_db
def test_the_admin_keeps_a_lead_officer_who_has_left_while_other_fields_change(client, alice, action, bob):
    expire(bob)
    client.force_login(make_staff(alice))
    url = reverse("admin:recommendations_action_change", args=[action.pk])
    response = client.post(url, admin_form_data(client, action, directorate="Place"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.directorate, action.lead_officer) == ("Place", bob)


@pytest.mark.django_db
def test_a_new_action_added_under_a_recommendation_in_the_admin_refuses_an_outsider(
        client, alice, recommendation, mallory):
    client.force_login(make_staff(alice))
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, "")}
    data.update({"actions-TOTAL_FORMS": "1", "actions-INITIAL_FORMS": "0", "actions-MIN_NUM_FORMS": "0",
                 "actions-MAX_NUM_FORMS": "1000", "actions-0-reference": "1.5",
                 "actions-0-description": "Smuggled", "actions-0-lead_officer": mallory.pk,
                 "actions-0-status": Action.Status.NOT_STARTED})
    response = client.post(url, data)
    assert response.status_code == 200
    assert not Action.objects.filter(description="Smuggled").exists()


# The product's forms.

@pytest.mark.django_db
def test_the_add_action_form_refuses_another_councils_user(client, alice, recommendation, mallory):
    client.force_login(alice)
    url = reverse("action_add", args=[recommendation.challenge.slug, recommendation.number])
    response = client.post(url, {
        "reference": "1.2", "description": "Publish the masterplan.", "lead_officer": mallory.pk,
        "due_date_day": "31", "due_date_month": "3", "due_date_year": "2025"})
    assert response.status_code == 200
    assert "Select a lead officer from the list" in response.content.decode()
    assert not Action.objects.filter(reference="1.2").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("leave", [expire, switch_off], ids=["membership expired", "account off"])
def test_the_edit_form_neither_offers_nor_accepts_someone_who_has_left(client, alice, action, olive, leave):
    leave(olive)
    client.force_login(alice)
    url = reverse("action_edit", args=[action.recommendation.challenge.slug, action.pk])
    assert olive not in client.get(url).context["form"].fields["lead_officer"].queryset
    response = client.post(url, {"version": 1, "description": action.description, "lead_officer": olive.pk,
                                 "due_date_day": 30, "due_date_month": 9, "due_date_year": 2024})
    assert response.status_code == 200
    assert "Select a lead officer from the list" in response.content.decode()
    action.refresh_from_db()
    assert (action.lead_officer_id, action.version) != (olive.pk, 2)


# Imports.

@pytest.mark.django_db
def test_an_import_matches_only_active_members_of_the_challenges_council(challenge, alice, olive, mallory):
    factories.make_recommendation(challenge=challenge, number=1, title="Masterplan")
    switch_off(olive)
    rows = [["1.1", 1, "One", "Olive Other", *[""] * 6],
            ["1.2", 1, "Two", "Mallory Elsewhere", *[""] * 6]]
    plan = imports.read_and_plan(challenge=challenge, data=xlsx_bytes(rows), filename="p.xlsx")
    assert [name for name, _ in plan.unmatched_officers] == ["Mallory Elsewhere", "Olive Other"]
    imports.apply_action_plan(challenge=challenge, data=xlsx_bytes(rows), filename="p.xlsx", by=alice)
    assert set(Action.objects.values_list("lead_officer", flat=True)) == {None}


# Reminders.

@pytest.mark.django_db
def test_reminders_go_only_to_active_members_of_the_actions_council(recommendation, bob, olive, mallory):
    for user in (bob, olive, mallory):
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
    factories.make_action(recommendation=recommendation, lead_officer=bob, reference="1.1")
    left = factories.make_action(recommendation=recommendation, lead_officer=olive, reference="1.2")
    outsider = factories.make_action(recommendation=recommendation, lead_officer=bob, reference="1.3")
    # As an action could be led before the rule (or by someone who has since left).
    Action.objects.filter(pk=outsider.pk).update(lead_officer=mallory)
    expire(olive)
    out, err = io.StringIO(), io.StringIO()
    call_command("send_update_reminders", "--dry-run", stdout=out, stderr=err)
    listed = [line.strip() for line in out.getvalue().splitlines() if line.startswith("  ")]
    assert listed == ["northtown-2024 1.1: overdue since 30 September 2024; no update this period"]
    assert "mallory leads northtown-2024 1.3 but is not an active member" in err.getvalue()
    assert f"olive leads northtown-2024 {left.reference}" in err.getvalue()
