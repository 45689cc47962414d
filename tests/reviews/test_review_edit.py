"""Changing a review's date and returning peers."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.reviews.review_fixtures import COORDINATE, assert_access


@pytest.mark.parametrize(("username", "status"), COORDINATE.items())
def test_who_may_change_a_review(client, everyone, username, status, review):
    url = review.get_absolute_url() + "edit/"
    assert_access(client, username, status, url,
                  posts=[(url, {"review_date_day": "1", "review_date_month": "12", "review_date_year": "2024"})])
    review.refresh_from_db()
    assert review.review_date == dt.date(2024, 11, 18)


def test_a_coordinator_moves_the_date_and_changes_the_peers(client, alice, review, peers):
    review.returningpeer_set.filter(member=peers[0]).update(role_at_review="Leader, as the report gives it")
    client.force_login(alice)
    response = client.post(review.get_absolute_url() + "edit/", {
        "review_date_day": "2", "review_date_month": "12", "review_date_year": "2024", "peers": [peers[0].pk]})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.review_date == dt.date(2024, 12, 2)
    kept = review.returningpeer_set.get()
    assert kept.member == peers[0]
    assert kept.role_at_review == "Leader, as the report gives it"


def test_the_form_shows_the_current_peers_ticked(client, alice, review, peers):
    client.force_login(alice)
    page = client.get(review.get_absolute_url() + "edit/").content.decode()
    assert page.count(" checked>") == 2
