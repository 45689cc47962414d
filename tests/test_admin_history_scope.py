"""The admin's history pages are one door with the rest: scoped to the user's councils, read-only.

django-simple-history's history list and past-version ("revert") pages used to skip the
council scope and save with a mere view permission.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from recommendations.demo import _coordinator_permissions
from recommendations.models import GuestAccess, Membership, ProgressUpdate, Recommendation
from tests import factories
from tests.admin_helpers import SECRET, make_staff, make_world, scoped_models

pytestmark = pytest.mark.usefixtures("media_root")

SCOPED = scoped_models()


@pytest.fixture
def southport_world(southport):
    return make_world(southport, prefix=SECRET)


@pytest.fixture
def northtown_world(northtown):
    return make_world(northtown, prefix="Northtown")


@pytest.fixture
def staff_client(client, alice):
    """The client signed in as alice with every permission a council's staff could hold: only the scope stops her."""
    client.force_login(make_staff(alice))
    return client


def urls_for(obj):
    opts = obj._meta
    version = obj.history.order_by("history_id").first()
    return (reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[obj.pk]),
            reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history",
                    args=[obj.pk, version.history_id]))


def test_every_scoped_admin_model_is_in_the_test_world(southport_world):
    assert set(SCOPED) <= set(southport_world), "add the new model to tests/admin_helpers.make_world"


@pytest.mark.django_db
@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.model_name)
def test_another_councils_history_is_not_found(staff_client, southport_world, model):
    obj = southport_world[model]
    history_url, version_url = urls_for(obj)
    for url in (history_url, version_url):
        response = staff_client.get(url)
        assert response.status_code == 404, url
        assert SECRET not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("model", SCOPED, ids=lambda m: m._meta.model_name)
def test_own_councils_history_is_readable_but_never_saved(staff_client, northtown_world, model):
    obj = northtown_world[model]
    history_url, version_url = urls_for(obj)
    page = staff_client.get(history_url)
    assert page.status_code == 200
    assert "revert to a previous version" not in page.content.decode()
    assert staff_client.get(version_url).status_code == 200
    before = obj.history.count()
    assert staff_client.post(version_url, {}).status_code == 403
    assert obj.history.count() == before


@pytest.mark.django_db
def test_a_deleted_objects_history_is_shown_only_to_its_own_council(staff_client, northtown_world,
                                                                   southport_world):
    theirs, ours = southport_world[Recommendation], northtown_world[Recommendation]
    theirs_theme, ours_theme = theirs.challenge.themes.get(), ours.challenge.themes.get()
    theirs_url, ours_url = urls_for(theirs_theme)[0], urls_for(ours_theme)[0]
    theirs_theme.delete()
    ours_theme.delete()
    response = staff_client.get(theirs_url)
    assert response.status_code == 404 and SECRET not in response.content.decode()
    assert staff_client.get(ours_url).status_code == 200


@pytest.mark.django_db
def test_view_only_coordinator_cannot_promote_an_officer_through_the_history_form(client, alice, bob):
    make_staff(alice, codenames=[p.codename for p in _coordinator_permissions()])
    membership = Membership.objects.get(user=bob)
    _, version_url = urls_for(membership)
    client.force_login(alice)
    response = client.post(version_url, {"user": bob.pk, "council": membership.council_id,
                                         "role": Membership.Role.COORDINATOR})
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == Membership.Role.OFFICER


@pytest.mark.django_db
def test_another_councils_membership_cannot_be_moved_in_through_the_history_form(
        staff_client, northtown, southport_world):
    membership = southport_world[Membership]
    _, version_url = urls_for(membership)
    response = staff_client.post(version_url, {"user": membership.user_id, "council": northtown.pk,
                                         "role": Membership.Role.COORDINATOR})
    assert response.status_code == 404
    membership.refresh_from_db()
    assert (membership.council.slug, membership.role) == ("southport", Membership.Role.OFFICER)


@pytest.mark.django_db
def test_another_councils_recommendation_cannot_be_moved_in_through_the_history_form(
        staff_client, challenge, southport_world):
    recommendation = southport_world[Recommendation]
    _, version_url = urls_for(recommendation)
    response = staff_client.post(version_url, {"challenge": challenge.pk, "number": 7, "title": "Taken",
                                         "text": "Taken", "response": "not_recorded"})
    assert response.status_code == 404
    recommendation.refresh_from_db()
    assert (recommendation.challenge.council.slug, recommendation.title) == ("southport",
                                                                            f"{SECRET} recommendation")


@pytest.mark.django_db
def test_not_even_a_superuser_rewrites_a_progress_update_through_the_history_form(admin_client, action):
    update = factories.make_update(action=action)
    _, version_url = urls_for(update)
    response = admin_client.post(version_url, {"action": action.pk, "period_year": 2024,
                                               "period_quarter": 2, "rag": "red",
                                               "narrative": "Rewritten history."})
    assert response.status_code == 403
    update.refresh_from_db()
    assert (update.rag, update.narrative) != ("red", "Rewritten history.")
    assert ProgressUpdate.objects.count() == 1


@pytest.mark.django_db
def test_guest_access_cannot_be_lengthened_by_reverting_to_before_it_was_shortened(
        staff_client, northtown_world):
    access = northtown_world[GuestAccess]
    original = access.expires_on
    shortened = original - dt.timedelta(days=3)
    access.expires_on = shortened
    access.save()
    _, first_version_url = urls_for(access)  # the version before it was shortened
    assert staff_client.post(first_version_url, {"expires_on": original.isoformat()}).status_code == 403
    access.refresh_from_db()
    assert access.expires_on == shortened


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["recommendations/recommendation/not-a-number/history/",
                                  "recommendations/recommendation/1/history/not-a-number/",
                                  "recommendations/recommendation/99999/history/"])
def test_odd_ids_on_history_pages_are_not_found(staff_client, recommendation, path):
    assert staff_client.get(f"/admin/{path}").status_code == 404


@pytest.mark.django_db
def test_view_on_site_redirects_only_to_the_users_own_councils_pages(staff_client, northtown_world,
                                                                     southport_world):
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(Recommendation)
    theirs = staff_client.get(f"/admin/r/{content_type.pk}/{southport_world[Recommendation].pk}/")
    assert theirs.status_code == 404 and "southport" not in theirs.get("Location", "")
    ours = staff_client.get(f"/admin/r/{content_type.pk}/{northtown_world[Recommendation].pk}/")
    assert ours.status_code == 302 and ours["Location"].endswith(
        northtown_world[Recommendation].get_absolute_url())
