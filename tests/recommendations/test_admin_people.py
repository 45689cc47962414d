"""A council's administrator looks after its people in the admin, and no one else's (ADR 0012)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from recommendations.demo import _administrator_permissions
from recommendations.models import Membership
from tests import factories


@pytest.fixture
def staff_dave(dave):
    """Dave as the demo makes a council's administrator: staff, people permissions, no superuser."""
    dave.is_staff = True
    dave.save(update_fields=["is_staff"])
    dave.user_permissions.set(_administrator_permissions())
    return dave


def user_url(user, what="change"):
    return reverse(f"admin:auth_user_{what}" if what != "password" else "admin:auth_user_password_change",
                   args=[user.pk])


def user_form(client, user, **overrides):
    """Returns the user change form's data as the page filled it in, with `overrides`."""
    response = client.get(user_url(user))
    assert response.status_code == 200
    form = response.context["adminform"].form
    data = {}
    for field in form:
        value = field.value()
        if value is None or value is False or field.name == "password":
            continue
        if isinstance(value, dt.datetime):  # the admin's split date and time boxes
            data[f"{field.html_name}_0"] = value.date().isoformat()
            data[f"{field.html_name}_1"] = value.time().strftime("%H:%M:%S")
            continue
        if field.name in ("user_permissions", "groups"):
            # The page lists only the choices offered; others it cannot post back.
            value = [pk for pk in value if field.field.queryset.filter(pk=pk).exists()]
        data[field.html_name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for field in formset.management_form:
            data[field.html_name] = field.value()
        for row in formset.forms:
            for field in row:
                if field.value() not in (None, False):
                    data[field.html_name] = field.value()
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_administrator_sees_their_councils_people_only(client, staff_dave, bob, mallory):
    factories.make_user(username="loner")  # no council at all
    client.force_login(staff_dave)
    response = client.get(reverse("admin:auth_user_changelist"))
    listed = {user.username for user in response.context["cl"].result_list}
    assert {"bob", "dave"} <= listed
    assert not listed & {"mallory", "loner"}
    assert "Southport" not in response.content.decode()  # not even in the council filter
    assert client.get(user_url(mallory)).status_code in (302, 404)
    assert client.post(user_url(mallory, "password"), {"password1": "Taken-over-1234",
                                                      "password2": "Taken-over-1234"}).status_code == 404


@pytest.mark.django_db
def test_administrator_cannot_make_anyone_a_superuser_or_grant_what_they_do_not_hold(
        client, staff_dave, bob):
    change_action = Permission.objects.get(codename="change_action")
    client.force_login(staff_dave)
    form = client.get(user_url(bob)).context["adminform"].form
    assert "is_superuser" not in form.fields
    assert set(form.fields["user_permissions"].queryset) == set(_administrator_permissions())
    response = client.post(user_url(bob), user_form(client, bob, is_superuser="on",
                                                     user_permissions=[change_action.pk]))
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    bob.refresh_from_db()
    assert not bob.is_superuser and not bob.user_permissions.exists()
    # Without the refused permission the rest saves, and is_superuser is still ignored.
    response = client.post(user_url(bob), user_form(client, bob, is_superuser="on", first_name="Robert"))
    assert response.status_code == 302
    bob.refresh_from_db()
    assert (bob.first_name, bob.is_superuser) == ("Robert", False)


@pytest.mark.django_db
def test_administrator_cannot_make_themselves_a_superuser(client, staff_dave):
    client.force_login(staff_dave)
    response = client.post(user_url(staff_dave), user_form(client, staff_dave, is_superuser="on"))
    assert response.status_code == 302
    staff_dave.refresh_from_db()
    assert not staff_dave.is_superuser


@pytest.mark.django_db
def test_only_groups_within_the_administrators_own_permissions_are_offered(client, staff_dave, bob):
    people = Group.objects.create(name="People")
    people.permissions.set(_administrator_permissions()[:2])
    planners = Group.objects.create(name="Planners")
    planners.permissions.set([Permission.objects.get(codename="change_action")])
    client.force_login(staff_dave)
    form = client.get(user_url(bob)).context["adminform"].form
    assert list(form.fields["groups"].queryset) == [people]
    client.post(user_url(bob), user_form(client, bob, groups=[planners.pk]))
    assert not bob.groups.exists()


@pytest.mark.django_db
def test_saving_someone_keeps_the_permissions_the_administrator_could_not_see(client, staff_dave, alice):
    from recommendations.demo import _coordinator_permissions

    alice.user_permissions.set(_coordinator_permissions())
    before = set(alice.user_permissions.all())
    client.force_login(staff_dave)
    response = client.post(user_url(alice), user_form(client, alice, last_name="Coordinates"))
    assert response.status_code == 302
    assert set(alice.user_permissions.all()) == before


@pytest.mark.django_db
def test_someone_who_also_belongs_to_another_council_is_read_only(client, staff_dave, southport, bob):
    Membership.objects.create(user=bob, council=southport, role=Membership.Role.OFFICER)
    client.force_login(staff_dave)
    page = client.get(user_url(bob))
    assert page.status_code == 200
    assert 'name="first_name"' not in page.content.decode()
    assert "Southport" not in page.content.decode()  # their other membership is not shown
    assert client.post(user_url(bob), {"username": "bob", "first_name": "Hijacked"}).status_code == 403
    assert client.post(user_url(bob, "password"), {"password1": "Taken-over-1234",
                                                   "password2": "Taken-over-1234"}).status_code == 403
    bob.refresh_from_db()
    assert bob.first_name == "Bob" and bob.check_password(factories.PASSWORD)


@pytest.mark.django_db
def test_a_superuser_member_of_the_council_cannot_be_changed(client, staff_dave, northtown):
    root = factories.make_user(username="root", council=northtown, is_superuser=True, is_staff=True)
    client.force_login(staff_dave)
    assert client.post(user_url(root), {"username": "root", "is_superuser": ""}).status_code == 403
    root.refresh_from_db()
    assert root.is_superuser


@pytest.mark.django_db
def test_a_memberships_council_drop_down_offers_only_the_administrators_councils(
        client, staff_dave, northtown, southport, bob, mallory):
    client.force_login(staff_dave)
    form = client.get(reverse("admin:recommendations_membership_add")).context["adminform"].form
    assert list(form.fields["council"].queryset) == [northtown]
    assert mallory not in form.fields["user"].queryset
    response = client.post(reverse("admin:recommendations_membership_add"), {
        "user": bob.pk, "council": southport.pk, "role": Membership.Role.COORDINATOR})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = client.post(reverse("admin:recommendations_membership_add"), {
        "user": mallory.pk, "council": northtown.pk, "role": Membership.Role.COORDINATOR})
    assert response.status_code == 200
    assert not Membership.objects.filter(council=southport, user=bob).exists()
    assert not Membership.objects.filter(council=northtown, user=mallory).exists()


@pytest.mark.django_db
def test_administrator_adds_a_person_with_a_role_in_their_council(client, staff_dave, northtown, southport):
    client.force_login(staff_dave)
    url = reverse("admin:auth_user_add")
    data = {"username": "newbie", "usable_password": "true", "password1": "Long-enough-pass-1234",
            "password2": "Long-enough-pass-1234",
            "memberships-TOTAL_FORMS": "1", "memberships-INITIAL_FORMS": "0",
            "memberships-MIN_NUM_FORMS": "0", "memberships-MAX_NUM_FORMS": "1000"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Give the person a role in one of your councils" in response.content.decode()
    response = client.post(url, {**data, "memberships-0-council": southport.pk,
                                 "memberships-0-role": Membership.Role.OFFICER})
    assert response.status_code == 200
    assert not get_user_model().objects.filter(username="newbie").exists()
    response = client.post(url, {**data, "memberships-0-council": northtown.pk,
                                 "memberships-0-role": Membership.Role.OFFICER})
    assert response.status_code == 302
    newbie = get_user_model().objects.get(username="newbie")
    assert list(newbie.memberships.values_list("council__slug", "role")) == [("northtown", "officer")]
    assert not newbie.is_superuser and not newbie.is_staff
    assert client.get(user_url(newbie)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["admin:auth_group_changelist", "admin:auth_group_add",
                                  "admin:axes_accessattempt_changelist", "admin:axes_accesslog_changelist"])
def test_groups_and_sign_in_records_are_for_platform_staff_only(client, admin_client, staff_dave, page):
    staff_dave.user_permissions.add(*Permission.objects.filter(content_type__app_label__in=["auth", "axes"]))
    client.force_login(staff_dave)
    assert client.get(reverse(page)).status_code == 403
    assert admin_client.get(reverse(page)).status_code == 200
