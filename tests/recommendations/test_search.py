"""Search: finds texts only in the user's councils (who may open it: test_page_access.py)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse

from bench.dashboards import populate_challenge
from tests import factories
from tests.recommendations.query_helpers import query_count

URL = reverse("search")


@pytest.fixture
def texts(challenge, recommendation, action, bob, southport):
    recommendation.text = "Develop a clear masterplan for the city centre with partners."
    recommendation.response_narrative = "Accepted. Regeneration board to oversee delivery."
    recommendation.save()
    factories.make_update(action=action, rag="amber", author=bob,
                          narrative="Consultation on the riverside regeneration scheme has started.")
    other = factories.make_challenge(council=southport, slug="southport-2024")
    factories.make_recommendation(challenge=other, number=1, title="Southport masterplan",
                                  text="A masterplan and a regeneration strategy for the seafront.")
    return recommendation


def _found(response):
    return ([r["object"].title for r in response.context["recommendations"]],
            [u["object"].narrative for u in response.context["updates"]])


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "dave"])
def test_finds_recommendation_texts_in_the_users_councils_only(client, request, persona, texts):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(URL + "?q=masterplan")
    assert response.status_code == 200
    recommendations, _updates = _found(response)
    assert recommendations == ["City centre masterplan"]
    assert "Southport" not in response.content.decode()


@pytest.mark.django_db
def test_finds_council_responses_and_progress_narratives(client, carol, texts):
    client.force_login(carol)
    recommendations, updates = _found(client.get(URL + "?q=regeneration"))
    assert recommendations == ["City centre masterplan"]
    assert updates == ["Consultation on the riverside regeneration scheme has started."]


@pytest.mark.django_db
def test_results_link_to_the_recommendation_and_the_action(client, carol, texts, action):
    client.force_login(carol)
    body = client.get(URL + "?q=regeneration").content.decode()
    assert f'href="{texts.get_absolute_url()}"' in body
    assert f'href="{reverse("action", args=[texts.challenge.slug, action.pk])}"' in body
    assert "<mark>regeneration</mark>" in body


@pytest.mark.django_db
def test_every_word_must_match(client, carol, texts):
    client.force_login(carol)
    recommendations, updates = _found(client.get(URL + "?q=regeneration+riverside"))
    assert recommendations == []
    assert len(updates) == 1


@pytest.mark.django_db
def test_search_text_is_escaped_in_results(client, carol, texts):
    client.force_login(carol)
    body = client.get(URL + "?q=<script>masterplan").content.decode()
    assert "<script>masterplan" not in body


@pytest.mark.django_db
def test_a_guest_finds_only_in_their_challenge_and_another_council_nothing_of_northtown(
        client, mallory, texts):
    sister = factories.make_challenge(council=texts.challenge.council, slug="northtown-2018")
    factories.make_recommendation(challenge=sister, number=1, title="Old masterplan",
                                  text="The 2018 masterplan for the station quarter.")
    client.force_login(factories.make_guest(challenge=texts.challenge))
    assert _found(client.get(URL + "?q=masterplan"))[0] == ["City centre masterplan"]
    client.force_login(mallory)
    assert _found(client.get(URL + "?q=masterplan")) == (["Southport masterplan"], [])


@pytest.mark.django_db
def test_search_is_read_only(client, carol):
    client.force_login(carol)
    assert client.post(URL).status_code == 405
    body = client.get(URL).content.decode().split('id="main-content"')[1]
    assert 'method="post"' not in body


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["?q=", "?q=a", "?q=" + "x" * 201])
def test_too_short_or_too_long_a_search_gets_a_clear_message(client, carol, query):
    client.force_login(carol)
    response = client.get(URL + query)
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


@pytest.mark.django_db
def test_query_count_does_not_grow_with_recommendations(
    client, carol, bob, northtown, django_assert_max_num_queries
):
    populate_challenge(challenge=factories.make_challenge(council=northtown, slug="small"), officers=[bob],
                       recommendations=10, actions_per_recommendation=1, updates_per_action=2)
    client.force_login(carol)
    small = query_count(client, URL + "?q=financial+strategy")
    populate_challenge(challenge=factories.make_challenge(council=northtown, slug="large"), officers=[bob],
                       recommendations=500, actions_per_recommendation=1, updates_per_action=2)
    # Nothing is ever counted: one more row than shown says there are more.
    assert query_count(client, URL + "?q=financial+strategy") == small
    cache.clear()  # built again, not served from the page cache
    with django_assert_max_num_queries(10):
        response = client.get(URL + "?q=financial+strategy")
    assert response.context["recommendation_total"] == 50
    assert response.context["more_recommendations"] is True
    assert len(response.context["recommendations"]) == 50
    assert "50 shown, the best matches first; refine your search" in response.content.decode()


@pytest.mark.postgres
@pytest.mark.django_db
def test_postgresql_full_text_search_matches_word_forms(client, carol, texts):
    client.force_login(carol)
    # "regenerating" and "regeneration" share the stem "regener" in the English configuration.
    recommendations, updates = _found(client.get(URL + "?q=regenerating"))
    assert recommendations == ["City centre masterplan"]
    assert len(updates) == 1
