"""The recommendation page: the response, its actions and their progress (who may open it: test_page_access.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories


def _url(recommendation):
    return reverse("recommendation", args=[recommendation.challenge.slug, recommendation.number])


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["alice", "bob", "olive", "carol", "dave"])
def test_every_role_of_the_council_can_read_it(client, request, persona, recommendation, action, bob):
    recommendation.response = "accepted"
    recommendation.response_narrative = "We began work on our City Centre Vision 2050."
    recommendation.save()
    factories.make_update(action=action, rag="red", author=bob, narrative="Consultant delayed.")
    client.force_login(request.getfixturevalue(persona))
    response = client.get(_url(recommendation))
    assert response.status_code == 200
    body = response.content.decode()
    assert "We began work on our City Centre Vision 2050." in body
    assert "Accepted" in body
    assert "Consultant delayed." in body
    assert "Bob Lead" in body
    assert ">Red<" in body


@pytest.mark.django_db
def test_unknown_number_gets_404(client, alice, challenge):
    client.force_login(alice)
    assert client.get(reverse("recommendation", args=[challenge.slug, 99])).status_code == 404


@pytest.mark.django_db
def test_user_text_is_escaped(client, alice, recommendation, action, bob):
    factories.make_update(action=action, rag="green", author=bob,
                          narrative="<script>alert('x')</script>")
    client.force_login(alice)
    body = client.get(_url(recommendation)).content.decode()
    assert "<script>alert" not in body
    assert "&lt;script&gt;alert" in body


@pytest.mark.django_db
def test_query_count_does_not_grow_with_actions(client, django_assert_max_num_queries, alice, recommendation, bob):
    for index in range(40):
        action = factories.make_action(recommendation=recommendation, reference=f"1.{index}",
                                       lead_officer=bob)
        for _ in range(3):
            factories.make_update(action=action, rag="amber", author=bob)
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        response = client.get(_url(recommendation))
    assert response.content.decode().count("govuk-summary-card__title") >= 40


@pytest.mark.django_db
@pytest.mark.parametrize(("persona", "shown"), [("alice", True), ("bob", False), ("carol", False)])
def test_only_a_coordinator_is_offered_to_add_an_action(client, request, persona, shown, recommendation):
    client.force_login(request.getfixturevalue(persona))
    body = client.get(_url(recommendation)).content.decode()
    assert ("Add an action" in body) is shown
