"""Scheduling a progress review: the suggested date, the returning peers, and bad input."""

from __future__ import annotations

import datetime as dt

import pytest

from reviews.models import PositionStatement, ProgressReview
from tests.reviews.review_fixtures import COORDINATE, assert_access


def _url(challenge):
    return f"/challenges/{challenge.slug}/progress-review/schedule/"


@pytest.mark.parametrize(("username", "status"), COORDINATE.items())
def test_who_may_schedule_a_review(client, everyone, username, status, challenge):
    assert_access(client, username, status, _url(challenge),
                  posts=[(_url(challenge), {"review_date_day": "18", "review_date_month": "11",
                                            "review_date_year": "2024"})])
    assert not ProgressReview.objects.exists()


def test_the_form_starts_at_the_suggested_date(client, alice, challenge):
    client.force_login(alice)
    page = client.get(_url(challenge)).content.decode()
    assert 'name="review_date_day" type="text" inputmode="numeric" value="18"' in page
    assert 'value="11"' in page and 'value="2024"' in page
    assert "The LGA suggests about 10 months after the challenge: 18 November 2024" in page


def test_a_coordinator_schedules_a_review_with_returning_peers(client, alice, challenge, recommendation, peers):
    client.force_login(alice)
    response = client.post(_url(challenge), {"review_date_day": "22", "review_date_month": "11",
                                             "review_date_year": "2024", "peers": [peers[0].pk]})
    review = ProgressReview.objects.get()
    assert response.status_code == 302
    assert response["Location"] == review.get_absolute_url()
    assert review.review_date == dt.date(2024, 11, 22)
    assert list(review.returning_peers.all()) == [peers[0]]
    assert PositionStatement.objects.filter(review=review, recommendation=recommendation).exists()


@pytest.mark.parametrize(("data", "message"), [
    ({}, "Enter the date of the progress review"),
    ({"review_date_day": "31", "review_date_month": "2", "review_date_year": "2024"}, "must be a real date"),
    ({"review_date_day": "10", "review_date_month": "1", "review_date_year": "2024"},
     "must be after the last day on site"),
    ({"review_date_day": "18", "review_date_month": "11", "review_date_year": "2024", "peers": ["999999"]},
     "Select returning peers from the peer team"),
])
def test_bad_input_is_explained_and_changes_nothing(client, alice, challenge, data, message):
    client.force_login(alice)
    response = client.post(_url(challenge), data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert message in page
    assert not ProgressReview.objects.exists()


def test_a_peer_of_another_challenge_cannot_be_chosen(client, alice, challenge, northtown):
    from tests import factories

    other = factories.make_challenge(council=northtown)
    stranger = other.peer_team.create(name="Not Ours")
    client.force_login(alice)
    response = client.post(_url(challenge), {"review_date_day": "18", "review_date_month": "11",
                                             "review_date_year": "2024", "peers": [stranger.pk]})
    assert response.status_code == 400
    assert not ProgressReview.objects.exists()


def test_a_second_review_on_the_same_day_is_refused(client, alice, challenge):
    client.force_login(alice)
    data = {"review_date_day": "18", "review_date_month": "11", "review_date_year": "2024"}
    client.post(_url(challenge), data)
    response = client.post(_url(challenge), data)
    assert response.status_code == 400
    assert "already scheduled on that date" in response.content.decode()
    assert ProgressReview.objects.count() == 1
