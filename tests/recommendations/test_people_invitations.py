"""Inviting a person by email and accepting: one-time links, 7 days, resend, revoke, other councils."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Invitation, Membership
from tests import factories
from tests.recommendations.people_helpers import invite, last_token

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-unusual-passphrase-77"


def accept(client, token, password=PASSWORD):
    return client.post(
        reverse("invitation_accept", args=[token]), {"new_password1": password, "new_password2": password}
    )


def test_an_administrator_invites_and_the_person_accepts_and_signs_in(client, dave, django_capture_on_commit_callbacks):
    client.force_login(dave)
    response = invite(client, django_capture_on_commit_callbacks)
    assert response.status_code == 302 and response["Location"] == reverse("people", args=["northtown"])
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nina@northtown.gov.uk"]
    assert "http://testserver/invitation/" in mail.outbox[0].body  # the request's own address
    invitation = Invitation.objects.get()
    token = last_token()
    assert invitation.token_hash == Invitation.hash_token(token) and token not in invitation.token_hash
    assert invitation.expires_at - invitation.sent_at == dt.timedelta(days=7)

    anonymous = client.__class__()
    page = anonymous.get(reverse("invitation_accept", args=[token]))
    assert page.status_code == 200 and "Join Northtown Council" in page.content.decode()
    done = accept(anonymous, token)
    assert done.status_code == 302 and done["Location"] == reverse("login")
    nina = get_user_model().objects.get(email="nina@northtown.gov.uk")
    assert nina.check_password(PASSWORD) and nina.username == "nina@northtown.gov.uk"
    assert Membership.objects.active().get(user=nina).role == Membership.Role.OFFICER
    invitation.refresh_from_db()
    assert invitation.accepted_by == nina and invitation.state == "Accepted"


def test_links_use_peertrack_base_url_when_it_is_set(client, dave, settings, django_capture_on_commit_callbacks):
    settings.PEERTRACK_BASE_URL = "https://actions.northtown.example"
    client.force_login(dave)
    invite(client, django_capture_on_commit_callbacks)
    assert "https://actions.northtown.example/invitation/" in mail.outbox[0].body


def test_a_used_link_does_not_work_again(client, dave, django_capture_on_commit_callbacks):
    client.force_login(dave)
    invite(client, django_capture_on_commit_callbacks)
    token = last_token()
    anonymous = client.__class__()
    assert accept(anonymous, token).status_code == 302
    again = accept(anonymous, token, password="another-long-passphrase-88")
    assert again.status_code == 410
    assert "already been accepted" in again.content.decode()
    nina = get_user_model().objects.get(email="nina@northtown.gov.uk")
    assert nina.check_password(PASSWORD)  # the second attempt changed nothing
    assert Membership.objects.filter(user=nina).count() == 1


def test_a_double_click_on_accept_accepts_once(client, dave, django_capture_on_commit_callbacks):
    """Two posts of the same form (a double click) make one account and one membership."""
    client.force_login(dave)
    invite(client, django_capture_on_commit_callbacks)
    token = last_token()
    first, second = client.__class__(), client.__class__()
    answers = [accept(first, token).status_code, accept(second, token).status_code]
    assert answers == [302, 410]
    assert get_user_model().objects.filter(email="nina@northtown.gov.uk").count() == 1
    assert Membership.objects.filter(user__email="nina@northtown.gov.uk").count() == 1


def test_an_expired_link_is_refused(client, dave, django_capture_on_commit_callbacks):
    client.force_login(dave)
    invite(client, django_capture_on_commit_callbacks)
    token = last_token()
    Invitation.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    anonymous = client.__class__()
    page = anonymous.get(reverse("invitation_accept", args=[token]))
    assert page.status_code == 410 and "expired" in page.content.decode()
    assert accept(anonymous, token).status_code == 410
    assert not get_user_model().objects.filter(email="nina@northtown.gov.uk").exists()


def test_a_revoked_link_is_refused_and_resend_gives_a_new_link(client, dave, django_capture_on_commit_callbacks):
    client.force_login(dave)
    invite(client, django_capture_on_commit_callbacks)
    first_token = last_token()
    invitation = Invitation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("invitation_resend", args=["northtown", invitation.pk])).status_code == 302
    second_token = last_token()
    assert second_token != first_token and len(mail.outbox) == 2
    anonymous = client.__class__()
    assert anonymous.get(reverse("invitation_accept", args=[first_token])).status_code == 404  # old link gone
    assert client.post(reverse("invitation_revoke", args=["northtown", invitation.pk])).status_code == 302
    page = anonymous.get(reverse("invitation_accept", args=[second_token]))
    assert page.status_code == 410 and "withdrawn" in page.content.decode()
    assert accept(anonymous, second_token).status_code == 410
    invitation.refresh_from_db()
    assert invitation.state == "Revoked" and invitation.revoked_by == dave
    # Revoking twice, or resending a revoked one, changes nothing and says so.
    assert client.post(reverse("invitation_revoke", args=["northtown", invitation.pk])).status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("invitation_resend", args=["northtown", invitation.pk]))
    assert len(mail.outbox) == 2


def test_a_made_up_link_is_a_plain_404_page(client):
    page = client.get(reverse("invitation_accept", args=["x" * 43]))
    assert page.status_code == 404 and "not valid" in page.content.decode()


def test_another_councils_administrator_gets_404s(client, dave, southport, django_capture_on_commit_callbacks):
    client.force_login(dave)
    invite(client, django_capture_on_commit_callbacks)
    invitation = Invitation.objects.get()
    sam = factories.make_user(username="sam", council=southport, role=Membership.Role.ADMINISTRATOR)
    dave_membership = Membership.objects.get(user=dave)
    client.force_login(sam)
    assert client.get(reverse("people", args=["northtown"])).status_code == 404
    assert client.post(reverse("invitation_revoke", args=["northtown", invitation.pk])).status_code == 404
    assert client.post(reverse("invitation_resend", args=["northtown", invitation.pk])).status_code == 404
    # Their own council's URL with Northtown's objects in it is a 404 too.
    assert client.post(reverse("invitation_revoke", args=["southport", invitation.pk])).status_code == 404
    assert client.get(reverse("person", args=["southport", dave_membership.pk])).status_code == 404
    assert client.post(reverse("person_deactivate", args=["southport", dave_membership.pk])).status_code == 404
    invitation.refresh_from_db()
    assert invitation.is_open
    assert Membership.objects.active().filter(user=dave).exists()


def test_officers_scrutiny_and_guests_are_forbidden(client, bob, carol):
    for person in (bob, carol):
        client.force_login(person)
        assert client.get(reverse("people", args=["northtown"])).status_code == 403
        assert client.get(reverse("person_invite", args=["northtown"])).status_code == 403


def test_inviting_a_member_or_someone_invited_already_is_refused_with_a_message(
    client, dave, bob, django_capture_on_commit_callbacks
):
    bob.email = "bob@northtown.gov.uk"
    bob.save()
    client.force_login(dave)
    response = invite(client, django_capture_on_commit_callbacks, email="BOB@northtown.gov.uk")
    assert response.status_code == 400
    assert "already a member" in response.content.decode()
    assert invite(client, django_capture_on_commit_callbacks).status_code == 302
    again = invite(client, django_capture_on_commit_callbacks, email="Nina@Northtown.gov.uk")
    assert again.status_code == 400 and "already been invited" in again.content.decode()
    assert Invitation.objects.count() == 1 and len(mail.outbox) == 1


def test_a_coordinator_invites_but_cannot_make_an_administrator(client, alice, django_capture_on_commit_callbacks):
    client.force_login(alice)
    refused = invite(client, django_capture_on_commit_callbacks, role="administrator")
    assert refused.status_code == 400 and not Invitation.objects.exists()
    assert invite(client, django_capture_on_commit_callbacks, role="coordinator").status_code == 302
    assert Invitation.objects.get().role == "coordinator"


def test_an_existing_account_joins_without_a_new_password(client, dave, mallory, django_capture_on_commit_callbacks):
    """Mallory (Southport) is invited to Northtown too: accepting adds the membership, password unchanged."""
    mallory.email = "mallory@southport.gov.uk"
    mallory.save()
    client.force_login(dave)
    invite(client, django_capture_on_commit_callbacks, email="mallory@southport.gov.uk", role="scrutiny")
    anonymous = client.__class__()
    response = anonymous.post(reverse("invitation_accept", args=[last_token()]), {})
    assert response.status_code == 302
    assert mallory.memberships.get(council__slug="northtown").role == "scrutiny"
    mallory.refresh_from_db()
    assert mallory.check_password(factories.PASSWORD)


def test_a_deactivated_person_invited_again_gets_their_membership_back(
    client, dave, bob, django_capture_on_commit_callbacks
):
    bob.email = "bob@northtown.gov.uk"
    bob.save()
    membership = Membership.objects.get(user=bob)
    client.force_login(dave)
    client.post(reverse("person_deactivate", args=["northtown", membership.pk]))
    assert (
        invite(client, django_capture_on_commit_callbacks, email="bob@northtown.gov.uk", role="coordinator").status_code
        == 302
    )
    assert client.__class__().post(reverse("invitation_accept", args=[last_token()]), {}).status_code == 302
    membership.refresh_from_db()
    assert membership.expires_on is None and membership.role == "coordinator"
    assert membership.history.count() >= 3  # made, deactivated, back


def test_a_weak_or_mismatched_password_is_refused_and_nothing_is_made(client, dave, django_capture_on_commit_callbacks):
    client.force_login(dave)
    invite(client, django_capture_on_commit_callbacks)
    token = last_token()
    anonymous = client.__class__()
    weak = accept(anonymous, token, password="123")
    assert weak.status_code == 400 and "Error: " in weak.content.decode()
    mismatch = anonymous.post(
        reverse("invitation_accept", args=[token]), {"new_password1": PASSWORD, "new_password2": PASSWORD + "x"}
    )
    assert mismatch.status_code == 400 and "do not match" in mismatch.content.decode()
    assert not get_user_model().objects.filter(email="nina@northtown.gov.uk").exists()
    assert Invitation.objects.get().is_open


def test_the_people_page_lists_members_invitations_and_former_members(
    client, dave, bob, olive, django_capture_on_commit_callbacks
):
    Membership.objects.filter(user=olive).update(expires_on=timezone.localdate() - dt.timedelta(days=3))
    client.force_login(dave)
    invite(client, django_capture_on_commit_callbacks)
    page = client.get(reverse("people", args=["northtown"])).content.decode()
    assert "Members now (2)" in page and "Bob Lead" in page
    assert "Invitations waiting (1)" in page and "nina@northtown.gov.uk" in page
    assert "Former members (1)" in page and "Olive Other" in page
    assert 'href="/councils/northtown/people/"' in page  # the header's People link
