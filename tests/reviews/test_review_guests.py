"""The guest access page: inviting a returning peer until a date, and ending access."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from recommendations.models import GuestAccess
from tests.reviews.review_fixtures import COORDINATE, assert_access


def _url(review, tail=""):
    return review.get_absolute_url() + "guests/" + tail


def _data(member, days=14, **extra):
    ends = timezone.localdate() + dt.timedelta(days=days)
    return {"peer": member.pk, "email": "pat@elsewhere.gov.uk", "expires_on_day": ends.day,
            "expires_on_month": ends.month, "expires_on_year": ends.year, **extra}


@pytest.mark.parametrize(("username", "status"), COORDINATE.items())
def test_who_may_manage_guests(client, everyone, username, status, review, peers, gina):
    access = GuestAccess.objects.get(user=gina)
    assert_access(client, username, status, _url(review),
                  posts=[(_url(review), _data(peers[1])), (_url(review, f"{access.pk}/end/"), {})])
    assert GuestAccess.objects.get(user=gina).is_active()
    assert GuestAccess.objects.count() == 1


def test_a_coordinator_invites_a_returning_peer(client, alice, review, peers, django_capture_on_commit_callbacks):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url(review), _data(peers[1]), follow=True)
    assert "Sam Manager invited" in response.content.decode()
    access = GuestAccess.objects.get()
    assert access.peer == peers[1] and access.invited_by == alice
    assert access.expires_on == timezone.localdate() + dt.timedelta(days=14)
    assert mail.outbox[0].to == ["pat@elsewhere.gov.uk"]


@pytest.mark.parametrize(("extra", "message"), [
    ({"email": "not-an-email"}, "Enter an email address like"),
    ({"expires_on_day": "1", "expires_on_month": "1", "expires_on_year": "2020"},
     "must be today or in the future"),
    ({"expires_on_day": "", "expires_on_month": "", "expires_on_year": ""}, "Enter the last day of access"),
    ({"peer": "999999"}, "Select a peer from the list"),
])
def test_bad_input_is_explained_and_invites_nobody(client, alice, review, peers, extra, message):
    client.force_login(alice)
    response = client.post(_url(review), _data(peers[0], **extra))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not GuestAccess.objects.exists()


def test_a_coordinator_ends_a_guests_access(client, alice, review, gina):
    access = GuestAccess.objects.get(user=gina)
    client.force_login(alice)
    response = client.post(_url(review, f"{access.pk}/end/"), follow=True)
    assert "access has ended" in response.content.decode()
    assert not GuestAccess.objects.get().is_active()
    assert "Ended" in response.content.decode()
