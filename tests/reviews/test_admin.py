from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.admin.sites import site
from django.contrib.auth.models import Permission
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from recommendations.demo import _coordinator_permissions
from recommendations.models import GuestAccess, Membership
from reviews.models import CommitteeReport, IssuedPack, StatementEvidence
from reviews.progress import services as review_services
from tests import factories
from tests.factories import make_guest, make_pack, make_peer, make_review


@pytest.mark.django_db
def test_admin_never_adds_changes_or_deletes_an_issued_pack(report, admin_user):
    pack = make_pack(report=report)
    request = RequestFactory().get("/")
    request.user = admin_user
    pack_admin = site._registry[IssuedPack]
    assert not pack_admin.has_add_permission(request)
    assert not pack_admin.has_change_permission(request, pack)
    assert not pack_admin.has_delete_permission(request, pack)


@pytest.mark.django_db
def test_a_report_with_issued_packs_cannot_be_deleted(report, admin_user):
    request = RequestFactory().get("/")
    request.user = admin_user
    report_admin = site._registry[CommitteeReport]
    assert report_admin.has_delete_permission(request, report)
    make_pack(report=report)
    assert not report_admin.has_delete_permission(request, report)
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        report.delete()


@pytest.mark.django_db
def test_superuser_can_view_an_issued_pack_in_the_admin(client, report, admin_user):
    pack = make_pack(report=report)
    client.force_login(admin_user)
    response = client.get(f"/admin/reviews/issuedpack/{pack.pk}/change/")
    assert response.status_code == 200
    assert pack.sha256 in response.content.decode()


# Guest access and statement evidence: scoped to the council of the staff coordinator or
# administrator, like every other admin page; officers and scrutiny members get nothing.

# What the new pages need on top of the demo coordinator's permissions.
NEW_PERMISSIONS = {"guestaccess": ("view", "change", "delete"),
                   "statementevidence": ("view", "add", "change", "delete")}


def make_staff(user):
    """Makes `user` staff with the coordinator's admin permissions and the new pages'."""
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    codenames = [f"{action}_{model}" for model, actions in NEW_PERMISSIONS.items() for action in actions]
    user.user_permissions.set([*_coordinator_permissions(),
                               *Permission.objects.filter(codename__in=codenames)])
    return user


@pytest.fixture
def southport_guest(southport):
    challenge = factories.make_challenge(council=southport, slug="southport-2024", title="Southport challenge")
    make_guest(challenge=challenge, username="sid", peer=make_peer(challenge=challenge, name="Sid Southern"))
    return GuestAccess.objects.get(user__username="sid")


@pytest.fixture
def southport_evidence(southport):
    challenge = factories.make_challenge(council=southport, slug="southport-2024", title="Southport challenge")
    review = make_review(challenge=challenge)
    return StatementEvidence.objects.create(review=review, title="Southport secret evidence",
                                            url="https://southport.example/secret")


@pytest.fixture
def evidence(review, recommendation, alice):
    return StatementEvidence.objects.create(review=review, recommendation=recommendation, added_by=alice,
                                            title="Masterplan consultation report",
                                            url="https://northtown.example/masterplan")


def guest_url(access, what="change"):
    return reverse(f"admin:recommendations_guestaccess_{what}", args=[access.pk])


def evidence_url(evidence, what="change"):
    return reverse(f"admin:reviews_statementevidence_{what}", args=[evidence.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["alice", "dave"])
def test_coordinator_and_administrator_list_their_councils_guests_only(client, persona, request, gina,
                                                                       southport_guest):
    client.force_login(make_staff(request.getfixturevalue(persona)))
    response = client.get(reverse("admin:recommendations_guestaccess_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [GuestAccess.objects.get(user=gina)]
    body = response.content.decode()
    assert "Gina Peer (gina)" in body and "Pat Leader" in body
    assert "Sid Southern" not in body
    assert "Southport" not in body  # not even in the filters' choices
    assert client.get(guest_url(southport_guest)).status_code in (302, 404)
    assert client.post(guest_url(southport_guest, "delete"), {"post": "yes"}).status_code in (302, 404)
    assert GuestAccess.objects.filter(pk=southport_guest.pk).exists()


@pytest.mark.django_db
def test_guest_list_filters_active_and_ended_access(client, alice, challenge, gina):
    make_guest(challenge=challenge, username="ended", expires_on=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(make_staff(alice))
    url = reverse("admin:recommendations_guestaccess_changelist")
    active = client.get(url, {"access": "active"}).context["cl"].result_list
    ended = client.get(url, {"access": "ended"}).context["cl"].result_list
    assert [a.user.username for a in active] == ["gina"]
    assert [a.user.username for a in ended] == ["ended"]


def assert_sees_nothing_even_as_staff(client, user, changelist, object_url):
    """Checks `user` (not a coordinator) is sent to the admin's sign-in; even given staff status and the
    permissions by mistake, they manage no council: the changelist is empty and the object cannot be opened."""
    client.force_login(user)
    assert "/admin/login/" in client.get(reverse(changelist)).url
    client.force_login(make_staff(user))
    response = client.get(reverse(changelist))
    assert list(response.context["cl"].result_list) == []
    assert client.get(object_url).status_code in (302, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_officers_and_scrutiny_members_see_no_guest_access_even_as_staff(client, persona, request, gina):
    access = GuestAccess.objects.get(user=gina)
    assert_sees_nothing_even_as_staff(client, request.getfixturevalue(persona),
                                      "admin:recommendations_guestaccess_changelist", guest_url(access))


@pytest.mark.django_db
def test_another_councils_coordinator_sees_none_of_northtowns_guests(client, southport, gina, southport_guest):
    stella = make_staff(factories.make_user(username="stella", council=southport,
                                            role=Membership.Role.COORDINATOR))
    client.force_login(stella)
    response = client.get(reverse("admin:recommendations_guestaccess_changelist"))
    assert list(response.context["cl"].result_list) == [southport_guest]
    assert client.get(guest_url(GuestAccess.objects.get(user=gina))).status_code in (302, 404)


@pytest.mark.django_db
def test_guest_access_cannot_be_added_in_the_admin(client, admin_client, alice, gina):
    # Not even by a superuser: the invitation makes the sign-in and sends the email.
    assert admin_client.get(reverse("admin:recommendations_guestaccess_add")).status_code == 403
    client.force_login(make_staff(alice))
    assert client.get(reverse("admin:recommendations_guestaccess_add")).status_code == 403
    changelist = client.get(reverse("admin:recommendations_guestaccess_changelist")).content.decode()
    assert reverse("admin:recommendations_guestaccess_add") not in changelist
    page = client.get(guest_url(GuestAccess.objects.get(user=gina))).content.decode()
    assert "invite them again from the progress review" in page
    assert 'name="user"' not in page and 'name="challenge"' not in page and 'name="peer"' not in page


@pytest.mark.django_db
def test_administrator_shortens_guest_access_and_history_says_who(client, dave, gina):
    access = GuestAccess.objects.get(user=gina)
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    client.force_login(make_staff(dave))
    response = client.post(guest_url(access), {"expires_on": yesterday.isoformat()})
    assert response.status_code == 302
    access.refresh_from_db()
    assert access.expires_on == yesterday and not access.is_active()
    assert access.history.first().history_user == dave


@pytest.mark.django_db
def test_guest_access_cannot_be_extended_in_the_admin(client, alice, gina):
    access = GuestAccess.objects.get(user=gina)
    before = access.expires_on
    client.force_login(make_staff(alice))
    response = client.post(guest_url(access), {"expires_on": (before + dt.timedelta(days=30)).isoformat()})
    assert response.status_code == 200
    assert "Access can only be shortened here" in response.content.decode()
    access.refresh_from_db()
    assert access.expires_on == before


@pytest.mark.django_db
def test_coordinator_deletes_guest_access_and_history_says_who(client, alice, gina):
    access = GuestAccess.objects.get(user=gina)
    client.force_login(make_staff(alice))
    assert client.post(guest_url(access, "delete"), {"post": "yes"}).status_code == 302
    assert not GuestAccess.objects.filter(pk=access.pk).exists()
    deleted = GuestAccess.history.filter(id=access.pk, history_type="-").get()
    assert deleted.history_user == alice


@pytest.mark.django_db
def test_coordinator_lists_their_councils_evidence_only(client, alice, evidence, southport_evidence):
    client.force_login(make_staff(alice))
    response = client.get(reverse("admin:reviews_statementevidence_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [evidence]
    assert "Southport" not in response.content.decode()
    assert client.get(evidence_url(southport_evidence)).status_code in (302, 404)


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["bob", "carol"])
def test_officers_and_scrutiny_members_see_no_evidence_in_the_admin(client, persona, request, evidence):
    assert_sees_nothing_even_as_staff(client, request.getfixturevalue(persona),
                                      "admin:reviews_statementevidence_changelist", evidence_url(evidence))


@pytest.mark.django_db
def test_another_councils_coordinator_sees_none_of_northtowns_evidence(client, southport, evidence,
                                                                       southport_evidence):
    stella = make_staff(factories.make_user(username="stella", council=southport,
                                            role=Membership.Role.COORDINATOR))
    client.force_login(stella)
    response = client.get(reverse("admin:reviews_statementevidence_changelist"))
    assert list(response.context["cl"].result_list) == [southport_evidence]
    assert client.get(evidence_url(evidence)).status_code in (302, 404)


@pytest.mark.django_db
def test_evidence_drop_downs_offer_only_the_councils_reviews_and_recommendations(
        client, alice, review, recommendation, southport_evidence):
    client.force_login(make_staff(alice))
    form = client.get(reverse("admin:reviews_statementevidence_add")).context["adminform"].form
    assert list(form.fields["review"].queryset) == [review]
    assert list(form.fields["recommendation"].queryset) == [recommendation]


@pytest.mark.django_db
def test_evidence_added_in_the_admin_records_who_added_it(client, alice, review, recommendation):
    client.force_login(make_staff(alice))
    response = client.post(reverse("admin:reviews_statementevidence_add"), {
        "review": review.pk, "recommendation": recommendation.pk, "title": "Cabinet minutes",
        "url": "https://northtown.example/cabinet"})
    assert response.status_code == 302
    evidence = StatementEvidence.objects.get()
    assert evidence.added_by == alice
    assert evidence.history.get().history_user == alice


@pytest.mark.django_db
def test_evidence_for_another_challenges_recommendation_is_refused(client, alice, review, challenge):
    other = factories.make_recommendation(
        challenge=factories.make_challenge(council=challenge.council, slug="northtown-2019"), title="Old one")
    client.force_login(make_staff(alice))
    response = client.post(reverse("admin:reviews_statementevidence_add"), {
        "review": review.pk, "recommendation": other.pk, "title": "Wrong", "url": "https://northtown.example/x"})
    assert response.status_code == 200
    assert "Choose a recommendation of the review" in response.content.decode()
    assert not StatementEvidence.objects.exists()


@pytest.mark.django_db
def test_evidence_of_an_approved_statement_is_read_only(client, alice, review, evidence):
    review_services.approve_statement(review=review, by=alice)
    client.force_login(make_staff(alice))
    page = client.get(evidence_url(evidence)).content.decode()
    assert 'name="title"' not in page
    assert client.post(evidence_url(evidence), {"review": review.pk, "title": "Changed",
                                                "url": "https://northtown.example/changed"}).status_code == 403
    assert client.post(evidence_url(evidence, "delete"), {"post": "yes"}).status_code == 403
    response = client.post(reverse("admin:reviews_statementevidence_add"), {
        "review": review.pk, "title": "Late", "url": "https://northtown.example/late"})
    assert "position statement has been approved" in response.content.decode()
    evidence.refresh_from_db()
    assert evidence.title == "Masterplan consultation report"
    assert StatementEvidence.objects.count() == 1
