"""The challenge's progress review page: its reviews, the suggested date and the report deadline."""

from __future__ import annotations

import pytest

from tests.reviews.review_fixtures import READ, assert_access, page_as


def _url(challenge):
    return f"/challenges/{challenge.slug}/progress-review/"


@pytest.mark.parametrize(("username", "status"), READ.items())
def test_who_may_see_the_progress_review_page(client, everyone, username, status, review):
    assert_access(client, username, status, _url(review.challenge))


def test_it_suggests_the_date_ten_months_after_the_challenge_and_the_deadline(client, alice, challenge):
    page = page_as(client, alice, _url(challenge))
    assert "18 November 2024" in page
    assert "18 January 2025" in page
    assert "No progress review has been scheduled" in page
    assert "Schedule a progress review" in page


def test_only_coordinators_are_offered_scheduling(client, bob, review):
    page = page_as(client, bob, _url(review.challenge))
    assert "Schedule a progress review" not in page
    assert review.get_absolute_url() in page


def test_the_challenge_page_links_to_the_progress_review(client, carol, challenge):
    page = page_as(client, carol, f"/challenges/{challenge.slug}/")
    assert f'href="{_url(challenge)}"' in page
