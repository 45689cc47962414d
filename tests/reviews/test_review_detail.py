"""The progress review page: date, peers, the statement beside the feedback per theme, RAG three ways."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from reviews.models import PositionStatement, ReviewTheme
from reviews.progress import services
from tests import factories
from tests.factories import make_review
from tests.reviews.review_fixtures import READ, assert_access


@pytest.mark.parametrize(("username", "status"), READ.items())
def test_who_may_read_the_review(client, everyone, username, status, review):
    assert_access(client, username, status, review.get_absolute_url())


def test_another_challenges_review_number_is_not_found(client, alice, review, northtown):
    other = factories.make_challenge(council=northtown, slug="northtown-2030")
    client.force_login(alice)
    assert client.get(f"/challenges/{other.slug}/progress-review/{review.pk}/").status_code == 404


def test_it_shows_date_peers_statement_and_feedback_side_by_side(client, carol, review):
    client.force_login(carol)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Progress review, 18 November 2024" in page
    assert "Pat Leader" in page and "Sam Manager" in page
    assert "City centre working" in page
    assert "The masterplan is being drafted with partners." in page
    assert "The peers saw real progress on the city centre." in page
    assert "The council's position" in page and "The peers' feedback" in page


def test_it_shows_each_recommendations_rag_at_the_challenge_at_the_statement_and_now(
        client, carol, review, recommendation, action, bob):
    # Amber before the review, Red after it: the three columns must tell them apart.
    type(action).objects.filter(pk=action.pk).update(created_at=timezone.make_aware(dt.datetime(2024, 2, 1)))
    factories.make_update(action=action, rag="amber", author=bob,
                          created_at=timezone.make_aware(dt.datetime(2024, 10, 1, 10)))
    factories.make_update(action=action, rag="red", author=bob,
                          created_at=timezone.make_aware(dt.datetime(2025, 3, 1, 10)))
    client.force_login(carol)
    response = client.get(review.get_absolute_url())
    row = response.content.decode().split('class="govuk-table pt-review-rag-table"')[1].split("</tr>")[1]
    cells = [cell.split("</strong>")[0].rsplit(">", 1)[-1] for cell in row.split("<td")[1:]]
    assert cells == ["Not yet rated", "Amber", "Red"]


def test_the_statement_column_uses_the_approval_date(client, carol, review, recommendation, action, bob, alice):
    type(action).objects.filter(pk=action.pk).update(created_at=timezone.make_aware(dt.datetime(2024, 2, 1)))
    factories.make_update(action=action, rag="green", author=bob,
                          created_at=timezone.now() - dt.timedelta(days=1))
    services.approve_statement(review=review, by=alice)
    client.force_login(carol)
    page = client.get(review.get_absolute_url()).content.decode()
    row = page.split('class="govuk-table pt-review-rag-table"')[1].split("</tr>")[1]
    assert row.count("Green") == 2
    assert f"Approved</strong> by Alice Coordinator on {timezone.localdate():%-d %B %Y}" in page


@pytest.mark.parametrize(("published", "today_offset_days", "label"), [
    (None, None, "Deadline missed"),
    (dt.date(2025, 1, 10), None, "Deadline met"),
])
def test_the_report_deadline_shows_as_met_or_missed(client, carol, review, published, today_offset_days, label):
    review.report_published_on = published
    review.save()
    client.force_login(carol)
    page = client.get(review.get_absolute_url()).content.decode()
    assert label in page
    assert "18 January 2025" in page


def test_the_report_deadline_shows_as_due_while_there_is_time(client, carol, northtown):
    today = timezone.localdate()
    recent = factories.make_challenge(council=northtown, onsite_start=today - dt.timedelta(days=60),
                                      onsite_end=today - dt.timedelta(days=57))
    review = make_review(challenge=recent, review_date=today + dt.timedelta(days=100))
    client.force_login(carol)
    page = client.get(review.get_absolute_url()).content.decode()
    assert ">Due</strong>" in page


def test_follow_up_actions_are_listed_under_their_theme(client, carol, theme, recommendation, bob, alice):
    services.add_follow_up_action(theme=theme, recommendation=recommendation, lead_officer=bob, due_date=None,
                                  description="Run a residents' panel on the masterplan.", by=alice)
    client.force_login(carol)
    page = client.get(theme.review.get_absolute_url()).content.decode()
    section = page.split(f'id="theme-{theme.pk}"')[1]
    assert "Run a residents&#x27; panel on the masterplan." in section
    assert "Bob Lead" in section


def test_readers_are_not_offered_coordinator_controls(client, bob, review):
    client.force_login(bob)
    page = client.get(review.get_absolute_url()).content.decode()
    assert "Edit the position statement" not in page
    assert "Add a follow-up action" not in page
    assert "Guest access" not in page
    assert "Download the position statement (PDF)" in page


def test_query_count_does_not_grow_with_recommendations_and_themes(client, alice, challenge, bob,
                                                                   django_assert_max_num_queries):
    review = make_review(challenge=challenge)
    for number in range(1, 31):
        rec = factories.make_recommendation(challenge=challenge, number=number)
        action = factories.make_action(recommendation=rec, lead_officer=bob)
        factories.make_update(action=action, rag="amber", author=bob)
        PositionStatement.objects.create(review=review, recommendation=rec, text=f"Position {number}.")
        if number <= 24:
            theme, _ = ReviewTheme.objects.get_or_create(review=review, name=f"Theme {(number - 1) // 4}",
                                                         defaults={"position": number})
            theme.recommendations.add(rec)
            theme.follow_up_actions.add(action)
    client.force_login(alice)
    with django_assert_max_num_queries(20):
        response = client.get(review.get_absolute_url())
    assert response.status_code == 200
    assert "Position 30." in response.content.decode()
