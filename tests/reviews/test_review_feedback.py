"""Recording the peers' overall feedback, final thoughts and the report's publication date."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.reviews.review_fixtures import COORDINATE, assert_access


@pytest.mark.parametrize(("username", "status"), COORDINATE.items())
def test_who_may_record_feedback(client, everyone, username, status, review):
    url = review.get_absolute_url() + "feedback/"
    assert_access(client, username, status, url, posts=[(url, {"overall_feedback": "Changed"})])
    review.refresh_from_db()
    assert review.overall_feedback == ""


def test_a_coordinator_records_the_feedback_and_publication_date(client, alice, review):
    client.force_login(alice)
    response = client.post(review.get_absolute_url() + "feedback/", {
        "overall_feedback": "The peers were impressed.", "final_thoughts": "Thank you.",
        "report_published_on_day": "10", "report_published_on_month": "1", "report_published_on_year": "2025"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.overall_feedback == "The peers were impressed."
    assert review.final_thoughts == "Thank you."
    assert review.report_published_on == dt.date(2025, 1, 10)
    assert review.report_deadline_status() == "met"


@pytest.mark.parametrize(("date", "message"), [
    (("1", "11", "2024"), "cannot be published before the review"),
    (("1", "1", "2099"), "cannot be in the future"),
    (("", "1", "2025"), "must include a day"),
])
def test_a_bad_publication_date_is_explained_and_changes_nothing(client, alice, review, date, message):
    client.force_login(alice)
    day, month, year = date
    response = client.post(review.get_absolute_url() + "feedback/", {
        "overall_feedback": "Text", "report_published_on_day": day, "report_published_on_month": month,
        "report_published_on_year": year})
    assert response.status_code == 400
    assert message in response.content.decode()
    review.refresh_from_db()
    assert review.overall_feedback == "" and review.report_published_on is None
