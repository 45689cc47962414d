"""The portfolio: every challenge the user may read, with its summary (who may open it: test_page_access.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains

from bench.dashboards import populate_challenge
from recommendations.models import Membership
from tests import factories
from tests.recommendations.query_helpers import query_count

URL = reverse("portfolio")


def _rows(response):
    return {row["challenge"].slug: row for group in response.context["councils"] for row in group["rows"]}


@pytest.fixture
def two_challenges(northtown, bob):
    """Northtown's 2018 challenge (one recommendation, complete) and 2024 one (one Red, one overdue)."""
    old = factories.make_challenge(council=northtown, slug="northtown-2018", title="Corporate Peer Challenge 2018",
                                   onsite_start=dt.date(2018, 10, 9), onsite_end=dt.date(2018, 10, 12))
    new = factories.make_challenge(council=northtown, slug="northtown-2024", title="Corporate Peer Challenge 2024")
    old_theme = factories.make_theme(challenge=old, name="Leadership of place")
    new_theme = factories.make_theme(challenge=new, name="Governance and culture")
    rec = factories.make_recommendation(challenge=old, number=1, theme=old_theme)
    factories.make_action(recommendation=rec, lead_officer=bob, status="complete",
                          signed_off_at=timezone.make_aware(dt.datetime(2019, 6, 1, 12)),
                          created_at=timezone.make_aware(dt.datetime(2018, 12, 1, 12)))
    rec = factories.make_recommendation(challenge=new, number=1, theme=new_theme)
    action = factories.make_action(recommendation=rec, lead_officer=bob, due_date=dt.date(2024, 9, 30),
                                   created_at=timezone.make_aware(dt.datetime(2024, 2, 1, 12)))
    factories.make_update(action=action, rag="red", created_at=timezone.make_aware(dt.datetime(2024, 10, 1, 12)))
    return old, new


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "dave"])
def test_readers_see_their_councils_challenges(client, request, persona, two_challenges):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL)
    assert response.status_code == 200
    assert set(_rows(response)) == {"northtown-2018", "northtown-2024"}


@pytest.mark.django_db
def test_portfolio_is_read_only(client, carol, two_challenges):
    client.force_login(carol)
    body = client.get(URL).content.decode().split('id="main-content"')[1]
    assert 'method="post"' not in body


@pytest.mark.django_db
def test_a_guest_peer_sees_only_the_challenge_they_were_invited_to(client, two_challenges):
    _old, new = two_challenges
    client.force_login(factories.make_guest(challenge=new))
    response = client.get(URL)
    assert response.status_code == 200
    assert set(_rows(response)) == {"northtown-2024"}
    assert "Corporate Peer Challenge 2018" not in response.content.decode()


@pytest.mark.django_db
def test_someone_with_no_council_sees_no_plans(client, two_challenges):
    client.force_login(factories.make_user(username="newcomer"))
    response = client.get(URL)
    assert response.status_code == 200
    assert _rows(response) == {}
    assert "You cannot read any council's plan yet" in response.content.decode()


@pytest.mark.django_db
def test_another_councils_user_sees_none_of_northtown(client, mallory, two_challenges):
    factories.make_challenge(council=mallory.memberships.get().council, slug="southport-2024")
    client.force_login(mallory)
    response = client.get(URL)
    assert set(_rows(response)) == {"southport-2024"}
    assert "Northtown" not in response.content.decode()


@pytest.mark.django_db
def test_each_challenge_has_its_rag_summary_overdue_count_and_timetable(client, carol, two_challenges):
    client.force_login(carol)
    response = client.get(URL + "?as_of=2024-11-22")
    rows = _rows(response)
    counts = {slug: {item["value"]: item["count"] for item in row["counts"]} for slug, row in rows.items()}
    assert counts["northtown-2018"] == {"blue": 1, "green": 0, "amber": 0, "red": 0, "not_rated": 0}
    assert counts["northtown-2024"] == {"blue": 0, "green": 0, "amber": 0, "red": 1, "not_rated": 0}
    assert rows["northtown-2024"]["overdue"] == 1 and rows["northtown-2018"]["overdue"] == 0
    # 2018's next challenge came five years and three months later: missed.
    old_milestones = {m.key: m.state for m in rows["northtown-2018"]["milestones"]}
    assert old_milestones["next_challenge"] == "missed"
    assert "Portfolio as at 22 November 2024" in response.content.decode()


@pytest.mark.django_db
def test_milestones_without_a_date_read_no_date_recorded_not_missed(client, carol, two_challenges):
    client.force_login(carol)
    response = client.get(URL + "?as_of=2024-11-22")
    rows = _rows(response)
    # 2018: no dates recorded at all; its next challenge (2024) came after the five-year limit.
    assert rows["northtown-2018"]["summary"] == {"met": 0, "due": 0, "not_recorded": 4, "missed": 1}
    # 2024: the feedback report and action plan dates have passed with no date recorded.
    assert rows["northtown-2024"]["summary"] == {"met": 0, "due": 3, "not_recorded": 2, "missed": 0}
    body = response.content.decode()
    assert "0 met, 0 due, 4 with no date recorded, 1 missed" in body
    assert "0 met, 3 due, 2 with no date recorded, 0 missed" in body
    assertContains(response, "<strong>Action plan published: No date recorded.</strong>", count=2, html=True)
    assertContains(response, "<strong>Next corporate peer challenge: Missed.</strong>", count=1, html=True)
    assert "No date recorded: it was due by 18 April 2024." in body


@pytest.mark.django_db
def test_as_at_a_date_before_the_red_update(client, carol, two_challenges):
    client.force_login(carol)
    rows = _rows(client.get(URL + "?as_of=2024-09-01"))
    counts = {item["value"]: item["count"] for item in rows["northtown-2024"]["counts"]}
    assert counts["red"] == 0 and counts["not_rated"] == 1
    assert rows["northtown-2024"]["overdue"] == 0


@pytest.mark.django_db
def test_challenges_side_by_side_by_theme(client, carol, two_challenges):
    client.force_login(carol)
    response = client.get(URL + "?as_of=2024-11-22")
    body = response.content.decode()
    assert "The challenges side by side, by theme" in body
    rows = _rows(response)
    assert [t["theme"].name for t in rows["northtown-2018"]["themes"]] == ["Leadership of place"]
    assert [t["theme"].name for t in rows["northtown-2024"]["themes"]] == ["Governance and culture"]


@pytest.mark.django_db
def test_a_bad_date_gets_a_clear_message(client, carol, two_challenges):
    client.force_login(carol)
    response = client.get(URL + "?as_of=yesterday")
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


@pytest.mark.django_db
def test_query_count_does_not_grow_with_recommendations_or_councils(
    client, bob, northtown, django_assert_max_num_queries
):
    adviser = factories.make_user(username="adviser", council=northtown, role=Membership.Role.SCRUTINY)
    populate_challenge(challenge=factories.make_challenge(council=northtown, slug="small"), officers=[bob],
                       recommendations=10, actions_per_recommendation=1, updates_per_action=2)
    client.force_login(adviser)
    small = query_count(client, URL)
    populate_challenge(challenge=factories.make_challenge(council=northtown, slug="large"), officers=[bob],
                       recommendations=500, actions_per_recommendation=1, updates_per_action=2)
    for _ in range(3):
        council = factories.make_council()
        Membership.objects.create(user=adviser, council=council, role=Membership.Role.SCRUTINY)
        populate_challenge(challenge=factories.make_challenge(council=council), officers=[bob], recommendations=10,
                           actions_per_recommendation=1, updates_per_action=1)
    assert query_count(client, URL) == small
    cache.clear()  # cold again: the request above stored this very page
    with django_assert_max_num_queries(12):
        client.get(URL)
