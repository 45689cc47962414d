"""The challenge summary page: its ratings and publication dates (who may open it: test_page_access.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests import factories


def _url(challenge):
    return reverse("challenge", args=[challenge.slug])


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "dave"])
def test_every_role_of_the_council_can_read_the_challenge(client, request, persona, challenge, action):
    factories.make_update(action=action, rag="amber")
    client.force_login(request.getfixturevalue(persona))
    response = client.get(_url(challenge))
    assert response.status_code == 200
    body = response.content.decode()
    assert "City centre masterplan" in body
    assert "Amber" in body  # the derived RAG is written as a word, not only a colour


@pytest.mark.django_db
def test_scrutiny_member_gets_no_editing_controls(client, carol, challenge, recommendation):
    client.force_login(carol)
    body = client.get(_url(challenge)).content.decode()
    assert "<form" not in body.split('id="main-content"')[1]


@pytest.mark.django_db
def test_shows_rag_counts_and_each_recommendations_rating(client, alice, challenge, bob):
    ratings = ["red", "amber", "amber", "green", None]
    for number, rating in enumerate(ratings, start=1):
        rec = factories.make_recommendation(challenge=challenge, number=number)
        action = factories.make_action(recommendation=rec, lead_officer=bob)
        if rating:
            factories.make_update(action=action, rag=rating)
    client.force_login(alice)
    response = client.get(_url(challenge))
    counts = {item["value"]: item["count"] for item in response.context["rag_counts"]}
    assert counts == {"blue": 0, "green": 1, "amber": 2, "red": 1, "not_rated": 1}


@pytest.mark.django_db
def test_query_count_does_not_grow_with_recommendations(client, django_assert_max_num_queries, alice, challenge, bob):
    for number in range(1, 61):
        rec = factories.make_recommendation(challenge=challenge, number=number)
        for index in range(3):
            action = factories.make_action(recommendation=rec, reference=f"{number}.{index}",
                                           lead_officer=bob)
            factories.make_update(action=action, rag="green")
    client.force_login(alice)
    # Session, user, challenge, role, themes, peer team, the plan as it stands
    # (recommendations, actions, updates: recommendations.asof), and the header's account line.
    with django_assert_max_num_queries(10):
        response = client.get(_url(challenge))
    assert len(response.context["recommendations"]) == 60


@pytest.mark.django_db
def test_publication_dates_not_recorded_say_so_in_words(client, carol, challenge):
    client.force_login(carol)
    body = client.get(_url(challenge)).content.decode()
    assert body.count("No date recorded") == 2
    assert body.count("a coordinator records it when setting up the challenge") == 2
    assert "admin" not in body.lower()
    assert "Not recorded" not in body and "Date not recorded" not in body


@pytest.mark.django_db
def test_recorded_publication_dates_are_shown(client, carol, challenge):
    challenge.feedback_report_date = dt.date(2024, 3, 1)
    challenge.action_plan_published_on = dt.date(2024, 5, 31)
    challenge.save()
    client.force_login(carol)
    body = client.get(_url(challenge)).content.decode()
    assert "Received 1 March 2024" in body
    assert "31 May 2024" in body
    assert "No date recorded" not in body
