"""A returning peer invited as a guest reads one challenge, changes nothing, and loses access after the end date."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from recommendations import access
from recommendations.models import (
    Action,
    Council,
    GuestAccess,
    Membership,
    PeerChallenge,
    ProgressUpdate,
    Recommendation,
)
from reviews.progress import services
from tests import factories
from tests.factories import make_guest


@pytest.fixture
def sister_challenge(northtown):
    """Another challenge of the same council, which the guest was not invited to."""
    other = factories.make_challenge(council=northtown, slug="northtown-2018", title="Corporate Peer Challenge 2018",
                                     onsite_start=dt.date(2018, 10, 9), onsite_end=dt.date(2018, 10, 12))
    factories.make_recommendation(challenge=other, number=1, title="Tackle homelessness")
    return other


def _role(user, council):
    request = RequestFactory().get("/")
    request.user = user
    return access.role_in(request, council)


def test_a_guest_sees_the_one_challenge_and_its_council_only(gina, challenge, sister_challenge, recommendation,
                                                             action, mallory):
    southport_challenge = factories.make_challenge(council=mallory.memberships.get().council, slug="southport-24")
    assert list(PeerChallenge.objects.visible_to(gina)) == [challenge]
    assert list(Council.objects.visible_to(gina)) == [challenge.council]
    assert list(Recommendation.objects.visible_to(gina)) == [recommendation]
    assert list(Action.objects.visible_to(gina)) == [action]
    assert southport_challenge not in PeerChallenge.objects.visible_to(gina)


def test_a_guest_is_not_a_member_of_the_council(gina, challenge):
    assert not Membership.objects.filter(user=gina).exists()
    assert _role(gina, challenge.council) == access.GUEST


def test_a_guest_reads_the_challenge_recommendation_and_review_pages(client, gina, challenge, recommendation,
                                                                     review):
    client.force_login(gina)
    assert client.get(f"/challenges/{challenge.slug}/").status_code == 200
    assert client.get(f"/challenges/{challenge.slug}/recommendations/1/").status_code == 200
    assert client.get(review.get_absolute_url()).status_code == 200


def test_the_home_page_lists_only_the_guests_challenge(client, gina, challenge, sister_challenge):
    client.force_login(gina)
    response = client.get("/")
    assert challenge.title in response.content.decode()
    assert sister_challenge.title not in response.content.decode()


def test_a_guest_cannot_open_the_councils_other_challenges_or_other_councils(client, gina, sister_challenge,
                                                                             mallory):
    other_council = factories.make_challenge(council=mallory.memberships.get().council, slug="southport-24")
    client.force_login(gina)
    assert client.get(f"/challenges/{sister_challenge.slug}/").status_code == 404
    assert client.get(f"/challenges/{other_council.slug}/").status_code == 404
    assert client.get(f"/challenges/{sister_challenge.slug}/progress-review/").status_code == 404


def test_a_guest_cannot_use_the_admin(client, gina):
    client.force_login(gina)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_a_guest_cannot_change_anything(client, gina, review, action, recommendation):
    client.force_login(gina)
    base = review.get_absolute_url()
    statement_text = review.position_statements.get().text
    assert client.post(base + "statement/", {"introduction": "Guest words",
                                             f"paragraph_{recommendation.pk}": "Guest"}).status_code == 403
    assert client.post(base + "statement/approve/").status_code == 403
    assert client.post(base + "guests/", {"email": "x@example.org"}).status_code == 403
    assert client.post(f"/challenges/{review.challenge.slug}/actions/{action.pk}/progress/",
                       {"rag": "red", "narrative": "Guest"}).status_code in (403, 404)
    assert review.position_statements.get().text == statement_text
    assert not ProgressUpdate.objects.exists()


def test_access_ends_by_itself_after_the_end_date(client, challenge, review):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    expired = make_guest(challenge=challenge, username="gary", expires_on=yesterday)
    client.force_login(expired)
    assert client.get(f"/challenges/{challenge.slug}/").status_code == 404
    assert client.get(review.get_absolute_url()).status_code == 404
    assert not PeerChallenge.objects.visible_to(expired).exists()
    assert _role(expired, challenge.council) is None


def test_access_lasts_to_the_end_of_the_last_day(client, challenge):
    today = make_guest(challenge=challenge, username="tina", expires_on=timezone.localdate())
    client.force_login(today)
    assert client.get(f"/challenges/{challenge.slug}/").status_code == 200


def test_inviting_a_peer_makes_a_sign_in_without_a_membership_and_emails_a_link(
        challenge, peers, alice, django_capture_on_commit_callbacks, client):
    ends = timezone.localdate() + dt.timedelta(days=10)
    with django_capture_on_commit_callbacks(execute=True):
        guest, created = services.invite_guest(challenge=challenge, peer=peers[0], email="Pat@Elsewhere.gov.uk",
                                               expires_on=ends, by=alice)
    assert created
    assert guest.user.email == "pat@elsewhere.gov.uk"
    assert not guest.user.has_usable_password()
    assert not Membership.objects.filter(user=guest.user).exists()
    assert guest.expires_on == ends and guest.invited_by == alice
    assert len(mail.outbox) == 1
    link = re.search(r"https?://\S+/guest/choose-password/\S+/", mail.outbox[0].body).group(0)
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path, follow=True)
    assert response.status_code == 200
    set_password_url = response.redirect_chain[-1][0] if response.redirect_chain else "/" + path
    response = client.post(set_password_url, {"new_password1": "a-long-guest-password-42",
                                              "new_password2": "a-long-guest-password-42"})
    assert response.status_code == 302
    guest.user.refresh_from_db()
    assert guest.user.check_password("a-long-guest-password-42")


def test_inviting_again_changes_the_end_date_without_a_second_sign_in(challenge, peers, alice):
    first, created = services.invite_guest(challenge=challenge, peer=peers[0], email="pat@elsewhere.gov.uk",
                                           expires_on=timezone.localdate(), by=alice)
    later = timezone.localdate() + dt.timedelta(days=30)
    second, created_again = services.invite_guest(challenge=challenge, peer=peers[0],
                                                  email="pat@elsewhere.gov.uk", expires_on=later, by=alice)
    assert created and not created_again
    assert first.pk == second.pk
    assert GuestAccess.objects.get().expires_on == later


def test_an_end_date_in_the_past_is_refused(challenge, peers, alice):
    with pytest.raises(ValidationError):
        services.invite_guest(challenge=challenge, peer=peers[0], email="pat@elsewhere.gov.uk",
                              expires_on=timezone.localdate() - dt.timedelta(days=1), by=alice)
    assert not GuestAccess.objects.exists()


def test_a_council_member_is_not_made_a_guest(challenge, peers, alice, bob):
    bob.email = "bob@northtown.gov.uk"
    bob.save()
    with pytest.raises(ValidationError) as error:
        services.invite_guest(challenge=challenge, peer=peers[0], email="bob@northtown.gov.uk",
                              expires_on=timezone.localdate(), by=alice)
    assert "already a member" in str(error.value)
    assert not GuestAccess.objects.exists()


def test_ending_access_takes_effect_at_once(client, gina, challenge, alice):
    client.force_login(gina)
    assert client.get(f"/challenges/{challenge.slug}/").status_code == 200
    services.end_guest_access(access=GuestAccess.objects.get(user=gina), by=alice)
    assert client.get(f"/challenges/{challenge.slug}/").status_code == 404
