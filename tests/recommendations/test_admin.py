"""The admin lets a coordinator fix their own council's data, and nothing else."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from recommendations import services
from recommendations.demo import _coordinator_permissions
from recommendations.models import Action, DueDateChange, Membership
from tests import factories


def make_staff_coordinator(council, username="alice"):
    user = factories.make_user(username=username, council=council, role=Membership.Role.COORDINATOR,
                               first_name="Alice", last_name="Coordinator", is_staff=True)
    user.user_permissions.set(_coordinator_permissions())
    return user


@pytest.fixture
def staff_alice(northtown):
    return make_staff_coordinator(northtown)


@pytest.fixture
def alice_too(northtown):
    """A second coordinator, who uses the edit page rather than the admin."""
    return factories.make_user(username="amira", council=northtown, role=Membership.Role.COORDINATOR)


@pytest.mark.django_db
def test_coordinator_lists_only_their_councils_recommendations(client, staff_alice, recommendation, southport):
    elsewhere = factories.make_recommendation(
        challenge=factories.make_challenge(council=southport), title="Southport secret")
    client.force_login(staff_alice)
    response = client.get(reverse("admin:recommendations_recommendation_changelist"))
    assert response.status_code == 200
    body = response.content.decode()
    assert recommendation.title in body
    assert elsewhere.title not in body
    change_url = reverse("admin:recommendations_recommendation_change", args=[elsewhere.pk])
    assert client.get(change_url).status_code in (302, 404)


@pytest.mark.django_db
def test_coordinator_can_only_choose_their_own_challenges(client, staff_alice, challenge, southport):
    other = factories.make_challenge(council=southport, title="Southport challenge")
    client.force_login(staff_alice)
    form = client.get(reverse("admin:recommendations_recommendation_add")).context["adminform"].form
    choices = list(form.fields["challenge"].queryset)
    assert challenge in choices
    assert other not in choices


@pytest.mark.django_db
def test_progress_updates_are_read_only_in_the_admin(client, staff_alice, action):
    update = factories.make_update(action=action)
    client.force_login(staff_alice)
    url = reverse("admin:recommendations_progressupdate_change", args=[update.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert b'name="narrative"' not in response.content
    assert client.post(url, {"narrative": "Rewritten"}).status_code == 403
    delete_url = reverse("admin:recommendations_progressupdate_delete", args=[update.pk])
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert not Permission.objects.filter(user=staff_alice, codename="change_progressupdate").exists()


@pytest.mark.django_db
def test_coordinator_sees_only_their_councils_people(client, staff_alice, bob, mallory):
    client.force_login(staff_alice)
    body = client.get(reverse("admin:auth_user_changelist")).content.decode()
    assert "bob" in body
    assert "mallory" not in body


@pytest.mark.django_db
def test_officer_and_scrutiny_member_cannot_use_the_admin(client, bob, carol):
    for user in (bob, carol):
        client.force_login(user)
        response = client.get(reverse("admin:index"))
        assert response.status_code == 302
        assert "/admin/login/" in response.url


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["council", "membership", "guestaccess", "peerchallenge", "peerteammember",
                                   "theme", "recommendation", "action", "progressupdate"])
def test_superuser_can_open_every_recommendations_admin_list(admin_client, model, action):
    url = reverse(f"admin:recommendations_{model}_changelist")
    assert admin_client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["committeemeeting", "progressreview", "reviewtheme",
                                   "positionstatement", "returningpeer", "statementevidence"])
def test_superuser_can_open_every_reviews_admin_list(admin_client, model):
    assert admin_client.get(reverse(f"admin:reviews_{model}_changelist")).status_code == 200


# Saving an action in the admin advances its version, as the edit page does, so neither
# overwrites the other without a warning.

def action_url(action):
    return reverse("admin:recommendations_action_change", args=[action.pk])


def admin_form(client, action, **overrides):
    """Returns the admin change form's data as the page filled it in, with `overrides`."""
    response = client.get(action_url(action))
    assert response.status_code == 200
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for field in form:
            value = field.value()
            if value is None or value is False:
                continue
            data[field.html_name] = value.isoformat() if isinstance(value, dt.date) else value
    data.update(overrides)
    return data


def edit_page_form(action, **overrides):
    data = {"version": action.version, "description": action.description,
            "lead_officer": action.lead_officer_id or "", "due_date_day": action.due_date.day,
            "due_date_month": action.due_date.month, "due_date_year": action.due_date.year, "reason": ""}
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_an_admin_change_advances_the_version_and_history_says_who(client, staff_alice, action):
    update = factories.make_update(action=action)  # shown read-only under the action
    client.force_login(staff_alice)
    response = client.post(action_url(action), admin_form(client, action, description="Fixed in the admin."))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.description, action.version) == ("Fixed in the admin.", 2)
    record = action.history.first()
    assert (record.version, record.history_user, record.description) == (2, staff_alice, "Fixed in the admin.")
    assert list(action.updates.all()) == [update]


@pytest.mark.django_db
def test_an_admin_save_that_changes_nothing_writes_nothing(client, staff_alice, action):
    client.force_login(staff_alice)
    assert client.post(action_url(action), admin_form(client, action)).status_code == 302
    action.refresh_from_db()
    assert action.version == 1
    assert action.history.count() == 1


@pytest.mark.django_db
def test_moving_the_due_date_in_the_admin_needs_a_reason_and_keeps_the_old_date(client, staff_alice, action):
    client.force_login(staff_alice)
    response = client.post(action_url(action), admin_form(client, action, due_date="2024-12-31"))
    assert response.status_code == 200
    assert "Give the reason the due date is changing." in response.content.decode()
    action.refresh_from_db()
    assert (action.due_date, action.version) == (dt.date(2024, 9, 30), 1)
    assert not DueDateChange.objects.exists()

    response = client.post(action_url(action), admin_form(
        client, action, due_date="2024-12-31", due_date_change_reason="Consultation extended."))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.due_date, action.version) == (dt.date(2024, 12, 31), 2)
    change = DueDateChange.objects.get(action=action)
    assert (change.old_due_date, change.new_due_date, change.reason, change.changed_by) == (
        dt.date(2024, 9, 30), dt.date(2024, 12, 31), "Consultation extended.", staff_alice)
    assert action.history.first().history_change_reason == "Consultation extended."


@pytest.mark.django_db
def test_giving_an_action_its_first_due_date_in_the_admin_needs_no_reason(client, staff_alice, recommendation):
    action = factories.make_action(recommendation=recommendation, due_date=None)
    client.force_login(staff_alice)
    response = client.post(action_url(action), admin_form(client, action, due_date="2025-01-31"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert (action.due_date, action.version) == (dt.date(2025, 1, 31), 2)
    assert not DueDateChange.objects.exists()


@pytest.mark.django_db
def test_a_stale_coordinator_edit_after_an_admin_change_is_a_conflict(client, staff_alice, action, alice_too):
    stale = edit_page_form(action, description="My stale description.")
    client.force_login(staff_alice)
    client.post(action_url(action), admin_form(client, action, description="Fixed in the admin."))
    client.force_login(alice_too)
    response = client.post(reverse("action_edit", args=[action.recommendation.challenge.slug, action.pk]), stale)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Someone else changed this action while you were editing" in html
    assert "Fixed in the admin." in html  # what the admin changed, read from history
    assert [(c.old, c.new) for c in services.changes_since(action, 1)] == [
        ("Do the thing the council committed to.", "Fixed in the admin.")]
    action.refresh_from_db()
    assert (action.description, action.version) == ("Fixed in the admin.", 2)


@pytest.mark.django_db
def test_a_stale_admin_form_after_a_coordinator_edit_is_refused(client, staff_alice, action, olive):
    client.force_login(staff_alice)
    stale = admin_form(client, action, description="Stale admin description.")
    action.edit(expected_version=1, by=staff_alice, lead_officer=olive)
    response = client.post(action_url(action), stale)
    assert response.status_code == 200
    assert "Someone else changed this action after you opened this page" in response.content.decode()
    action.refresh_from_db()
    assert (action.description, action.lead_officer, action.version) == (
        "Do the thing the council committed to.", olive, 2)


@pytest.mark.django_db
def test_a_stale_admin_form_cannot_undo_a_sign_off(client, staff_alice, recommendation, bob):
    action = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                   status=Action.Status.AWAITING_SIGN_OFF)
    client.force_login(staff_alice)
    stale = admin_form(client, action, directorate="Place")
    action.sign_off(by=staff_alice)  # leaves the version alone
    response = client.post(action_url(action), stale)
    assert response.status_code == 200
    assert "Someone else changed this action" in response.content.decode()
    action.refresh_from_db()
    assert (action.status, action.directorate) == (Action.Status.COMPLETE, "")


@pytest.mark.django_db
def test_the_admin_cannot_mark_an_action_complete_without_a_sign_off(client, staff_alice, action):
    client.force_login(staff_alice)
    response = client.post(action_url(action), admin_form(client, action, status=Action.Status.COMPLETE))
    assert response.status_code == 200
    assert "An action becomes complete when a coordinator signs it off" in response.content.decode()
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS


@pytest.mark.django_db
def test_save_whole_refuses_a_stale_version_and_writes_nothing(action, alice):
    from recommendations.models import EditConflict

    action.edit(expected_version=1, by=alice, description="First.")
    stale = Action.objects.get(pk=action.pk)
    stale.description = "Second."
    with pytest.raises(EditConflict):
        stale.save_whole(fields=["description"], expected_version=1, expected_status=stale.status, by=alice)
    assert Action.objects.get(pk=action.pk).description == "First."


@pytest.mark.django_db
def test_actions_inline_on_a_recommendation_are_read_only(client, staff_alice, recommendation, action):
    client.force_login(staff_alice)
    url = reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])
    page = client.get(url)
    inline = page.context["inline_admin_formsets"][0]
    assert not inline.has_change_permission
    assert f'name="{inline.formset.forms[0]["description"].html_name}"' not in page.content.decode()


@pytest.mark.django_db
def test_another_councils_coordinator_cannot_open_a_northtown_action(client, southport, action):
    stella = make_staff_coordinator(southport, username="stella")
    client.force_login(stella)
    assert client.get(action_url(action)).status_code in (302, 404)
    listed = client.get(reverse("admin:recommendations_action_changelist")).context["cl"].result_list
    assert list(listed) == []


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["peerteammember", "theme", "recommendation", "action", "progressupdate"])
def test_list_filters_offer_only_the_coordinators_councils_values(client, staff_alice, action, southport, model):
    elsewhere = factories.make_action(recommendation=factories.make_recommendation(
        challenge=factories.make_challenge(council=southport, title="Southport challenge")))
    factories.make_update(action=elsewhere)
    factories.make_update(action=action)
    client.force_login(staff_alice)
    body = client.get(reverse(f"admin:recommendations_{model}_changelist")).content.decode()
    assert "Southport" not in body
