"""Approving the position statement: confirmation, who and when, and the freeze."""

from __future__ import annotations

import pytest
from django.utils import timezone

from reviews.models import ProgressReview
from tests import factories
from tests.reviews.review_fixtures import COORDINATE, assert_access


def _url(review):
    return review.get_absolute_url() + "statement/approve/"


@pytest.mark.parametrize(("username", "status"), COORDINATE.items())
def test_who_may_approve(client, everyone, username, status, review):
    assert_access(client, username, status, _url(review), posts=[(_url(review), {})])
    review.refresh_from_db()
    assert review.statement_status == "draft"


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
