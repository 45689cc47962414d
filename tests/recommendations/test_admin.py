"""The admin lets a coordinator fix their own council's data, and nothing else."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from recommendations.demo import _coordinator_permissions
from recommendations.models import Membership
from tests import factories


def make_staff_coordinator(council, username="alice"):
    user = factories.make_user(username=username, council=council, role=Membership.Role.COORDINATOR,
                               first_name="Alice", last_name="Coordinator", is_staff=True)
    user.user_permissions.set(_coordinator_permissions())
    return user


@pytest.fixture
def staff_alice(northtown):
    return make_staff_coordinator(northtown)


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
@pytest.mark.parametrize("model", ["council", "membership", "peerchallenge", "peerteammember", "theme",
                                   "recommendation", "action", "progressupdate"])
def test_superuser_can_open_every_recommendations_admin_list(admin_client, model, action):
    url = reverse(f"admin:recommendations_{model}_changelist")
    assert admin_client.get(url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["committeemeeting", "progressreview", "reviewtheme",
                                   "positionstatement", "returningpeer"])
def test_superuser_can_open_every_reviews_admin_list(admin_client, model):
    assert admin_client.get(reverse(f"admin:reviews_{model}_changelist")).status_code == 200
