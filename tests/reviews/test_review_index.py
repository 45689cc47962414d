"""The challenge's progress review page: its reviews, the suggested date and the report deadline."""

from __future__ import annotations

import pytest

from tests.reviews.review_fixtures import READ, assert_signed_out_redirected, sign_in_as


@pytest.mark.parametrize(("username", "status"), READ.items())
def test_who_may_see_the_progress_review_page(client, username, status, alice, bob, carol, dave, mallory, gina,
                                              review):
    sign_in_as(client, username)
    assert client.get(f"/challenges/{review.challenge.slug}/progress-review/").status_code == status


def test_signed_out_visitors_are_sent_to_sign_in(client, challenge):
    assert_signed_out_redirected(client, f"/challenges/{challenge.slug}/progress-review/")


def test_it_suggests_the_date_ten_months_after_the_challenge_and_the_deadline(client, alice, challenge):
    client.force_login(alice)
    page = client.get(f"/challenges/{challenge.slug}/progress-review/").content.decode()
    assert "18 November 2024" in page
    assert "18 January 2025" in page
    assert "No progress review has been scheduled" in page
    assert "Schedule a progress review" in page


def test_only_coordinators_are_offered_scheduling(client, bob, review):
    client.force_login(bob)
    page = client.get(f"/challenges/{review.challenge.slug}/progress-review/").content.decode()
    assert "Schedule a progress review" not in page
    assert review.get_absolute_url() in page


def test_the_challenge_page_links_to_the_progress_review(client, carol, challenge):
    client.force_login(carol)
    page = client.get(f"/challenges/{challenge.slug}/").content.decode()
    assert f'href="/challenges/{challenge.slug}/progress-review/"' in page
