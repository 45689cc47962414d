"""The council's response to each recommendation, and the recommendation's text, on the set-up pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from recommendations.models import PeerChallenge, Recommendation
from tests import factories

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def _loaded(client: Any, url: str) -> str:
    return str(client.get(url, headers=HTMX).context["section"].form["loaded"].value())


def test_responses_list_counts_what_is_recorded(
    client: Any, alice: Any, challenge: PeerChallenge, recommendation: Recommendation
) -> None:
    factories.make_recommendation(challenge=challenge, number=2, response="accepted")
    client.force_login(alice)
    body = client.get(reverse("setup_responses", args=[challenge.slug])).content.decode()
    assert "1 of 2 responses recorded" in body


def test_partly_accepted_needs_reasons_and_is_saved_with_history(
    client: Any, alice: Any, challenge: PeerChallenge, recommendation: Recommendation
) -> None:
    client.force_login(alice)
    url = reverse("setup_response_edit", args=[challenge.slug, 1])
    data = {
        "response": "partly_accepted",
        "response_reasons": "",
        "response_narrative": "We will do most of it.",
        "loaded": _loaded(client, url),
    }
    refused = client.post(url, data)
    assert "Give the council&#x27;s reasons" in refused.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.response == "not_recorded"
    saved = client.post(url, {**data, "response_reasons": "The budget covers two of three sites."})
    assert saved.status_code == 302
    recommendation.refresh_from_db()
    assert (recommendation.response, recommendation.response_reasons) == (
        "partly_accepted",
        "The budget covers two of three sites.",
    )
    assert recommendation.history.latest().history_user == alice


def test_response_form_refuses_an_unknown_choice(
    client: Any, alice: Any, challenge: PeerChallenge, recommendation: Recommendation
) -> None:
    client.force_login(alice)
    url = reverse("setup_response_edit", args=[challenge.slug, 1])
    response = client.post(url, {"response": "maybe", "loaded": _loaded(client, url)})
    assert "Select the council&#x27;s response from the list" in response.content.decode()


def test_text_and_sub_points_are_edited_one_a_line(
    client: Any, alice: Any, challenge: PeerChallenge, recommendation: Recommendation
) -> None:
    client.force_login(alice)
    url = reverse("setup_recommendation_text", args=[challenge.slug, 1])
    response = client.post(
        url,
        {
            "title": "City Centre masterplan",
            "text": "Agree a masterplan.",
            "sub_points": "Consult widely\n\n  Publish it\t\n",
            "loaded": _loaded(client, url),
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    recommendation.refresh_from_db()
    assert recommendation.sub_points == ["Consult widely", "Publish it"]
    assert recommendation.title == "City Centre masterplan"
    missing = client.post(url, {"title": "", "text": "", "loaded": _loaded(client, url)})
    body = missing.content.decode()
    assert "Enter the recommendation&#x27;s short title" in body and "Enter the recommendation&#x27;s text" in body


def test_two_coordinators_at_once_the_second_is_told(
    client: Any, alice: Any, challenge: PeerChallenge, recommendation: Recommendation
) -> None:
    client.force_login(alice)
    url = reverse("setup_response_edit", args=[challenge.slug, 1])
    loaded = _loaded(client, url)
    Recommendation.objects.filter(pk=recommendation.pk).update(response="accepted", response_narrative="Theirs")
    response = client.post(
        url,
        {"response": "not_accepted", "response_reasons": "No money", "response_narrative": "Mine", "loaded": loaded},
        headers=HTMX,
    )
    assert "Someone else changed the council&#x27;s response" in response.content.decode()
    recommendation.refresh_from_db()
    assert recommendation.response_narrative == "Theirs"


def test_another_councils_recommendation_is_not_found(
    client: Any, alice: Any, mallory: Any, southport: Any, challenge: PeerChallenge, recommendation: Recommendation
) -> None:
    theirs = factories.make_challenge(council=southport, slug="southport-2024")
    factories.make_recommendation(challenge=theirs, number=7)
    client.force_login(alice)
    assert client.get(reverse("setup_response", args=[challenge.slug, 7])).status_code == 404
    assert client.get(reverse("setup_response", args=["southport-2024", 7])).status_code == 404
    client.force_login(mallory)
    url = reverse("setup_response_edit", args=[challenge.slug, 1])
    assert client.post(url, {"response": "accepted"}).status_code == 404
    recommendation.refresh_from_db()
    assert recommendation.response == "not_recorded"


def test_officer_may_not_record_the_response(
    client: Any, bob: Any, challenge: PeerChallenge, recommendation: Recommendation
) -> None:
    client.force_login(bob)
    assert (
        client.post(reverse("setup_response_edit", args=[challenge.slug, 1]), {"response": "accepted"}).status_code
        == 403
    )
