"""Approving the position statement: confirmation, who and when, and the freeze."""

from __future__ import annotations

import pytest
from django.utils import timezone

from reviews.models import ProgressReview
from tests import factories
from tests.reviews.review_fixtures import COORDINATE, assert_signed_out_redirected, sign_in_as


def _url(review):
    return review.get_absolute_url() + "statement/approve/"


@pytest.mark.parametrize(("username", "status"), COORDINATE.items())
def test_who_may_approve(client, username, status, alice, bob, carol, dave, mallory, gina, review):
    sign_in_as(client, username)
    assert client.get(_url(review)).status_code == status
    if status != 200:
        assert client.post(_url(review)).status_code == status
        review.refresh_from_db()
        assert review.statement_status == "draft"


def test_signed_out_visitors_are_sent_to_sign_in(client, review):
    assert_signed_out_redirected(client, _url(review), method="post")


def test_a_coordinator_approves_after_confirming(client, alice, review):
    client.force_login(alice)
    assert "Once approved" in client.get(_url(review)).content.decode()
    response = client.post(_url(review))
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.statement_status == ProgressReview.StatementStatus.APPROVED
    assert review.statement_approved_by == alice
    assert review.statement_approved_at.date() == timezone.now().date()


def test_approval_with_a_missing_paragraph_is_explained_and_changes_nothing(client, alice, review, challenge):
    factories.make_recommendation(challenge=challenge, number=2, title="Finance")
    client.force_login(alice)
    assert "2. Finance" in client.get(_url(review)).content.decode()
    response = client.post(_url(review))
    assert response.status_code == 400
    assert "recommendation 2 has none yet" in response.content.decode()
    review.refresh_from_db()
    assert review.statement_status == "draft"


def test_approving_twice_is_refused_with_a_clear_message(client, alice, carol, review):
    client.force_login(alice)
    client.post(_url(review))
    first = ProgressReview.objects.get().statement_approved_at
    response = client.post(_url(review), follow=True)
    assert "can no longer be changed" in response.content.decode()
    assert ProgressReview.objects.get().statement_approved_at == first
