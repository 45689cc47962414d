"""Pasting the key recommendations: preview with editable titles, then confirm (signed out or of another
council: test_page_access.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from recommendations.models import Recommendation
from tests import factories
from tests.forms_helpers import assert_get_and_post_refused, preview_import
from tests.recommendations.import_helpers import after_import_url, row_counts

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent / "data"
TEXT_2024 = (DATA / "key_recommendations_2024.txt").read_text(encoding="utf-8")
TEXT_2018 = (DATA / "key_recommendations_2018.txt").read_text(encoding="utf-8")


def _url(challenge):
    return reverse("recommendations_import", args=[challenge.slug])


def test_coordinator_previews_then_saves_the_2024_recommendations(client, alice, challenge):
    client.force_login(alice)
    assert client.get(_url(challenge)).status_code == 200
    body = preview_import(client, _url(challenge), TEXT_2024)
    assert "peertrack found 10 recommendations" in body
    assert 'value="Medium Term Financial Strategy"' in body
    assert not Recommendation.objects.exists()

    titles = {f"title_{n}": f"Title {n}" for n in range(1, 11)}
    titles["title_1"] = "  City centre   masterplan "
    response = client.post(_url(challenge), {"step": "confirm", "text": TEXT_2024, **titles})
    assert response.status_code == 302
    assert response.url == after_import_url(challenge)
    saved = list(Recommendation.objects.filter(challenge=challenge).order_by("number"))
    assert [r.number for r in saved] == list(range(1, 11))
    assert saved[0].title == "City centre masterplan"
    assert saved[1].title == "Title 2"
    assert saved[0].text.startswith("The council should continue to work at pace")


def test_2018_bullets_get_derived_titles_to_edit_and_sub_points(client, alice, challenge):
    client.force_login(alice)
    body = preview_import(client, _url(challenge), TEXT_2018)
    assert "Made from the text" in body
    assert "Replacing expensive bed and breakfast" in body
    titles = {f"title_{n}": f"Recommendation title {n}" for n in range(1, 11)}
    client.post(_url(challenge), {"step": "confirm", "text": TEXT_2018, **titles})
    first = Recommendation.objects.get(challenge=challenge, number=1)
    assert first.text == "Prioritising action to tackle homelessness by:"
    assert len(first.sub_points) == 3


def test_an_empty_title_is_refused_and_nothing_is_saved(client, alice, challenge):
    client.force_login(alice)
    titles = {f"title_{n}": f"Title {n}" for n in range(1, 11)}
    titles["title_4"] = "   "
    response = client.post(_url(challenge), {"step": "confirm", "text": TEXT_2024, **titles})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Enter a title for recommendation 4" in body
    assert 'href="#id_title_4"' in body
    assert not Recommendation.objects.exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Paste the “Key recommendations” section of the feedback report"),
        ("   \n ", "Paste the “Key recommendations” section of the feedback report"),
        ("The peer team enjoyed its visit.\nThank you.", "No numbered recommendations were found"),
    ],
)
def test_empty_or_unrecognisable_paste_shows_a_message_and_saves_nothing(client, alice, challenge, text, message):
    client.force_login(alice)
    before = row_counts("recommendations")
    for step in ("preview", "confirm"):
        response = client.post(_url(challenge), {"step": step, "text": text})
        body = response.content.decode()
        assert response.status_code == 200
        assert "There is a problem" in body and message in body
    assert row_counts("recommendations") == before


def test_pasting_again_updates_changed_recommendations_and_leaves_the_rest_untouched(client, alice, challenge):
    existing = factories.make_recommendation(
        challenge=challenge, number=1, title="City Centre masterplan", text="Old text."
    )
    factories.make_recommendation(
        challenge=challenge,
        number=2,
        title="One Coventry Plan",
        text="The next iteration of the One Coventry plan needs to include a "
        "corporate delivery plan supported by consistently developed "
        "service plans and should include a review of the corporate "
        "strategy framework to ensure strategies are linked and gaps "
        "are identified.",
    )
    history = {r.number: r.history.count() for r in Recommendation.objects.all()}
    client.force_login(alice)
    body = preview_import(client, _url(challenge), TEXT_2024)
    assert "Changes text" in body and "Already recorded" in body
    titles = {
        f"title_{n}": t
        for n, t in enumerate(
            ["City Centre masterplan", "One Coventry Plan", *[f"T{n}" for n in range(3, 11)]], start=1
        )
    }
    client.post(_url(challenge), {"step": "confirm", "text": TEXT_2024, **titles})
    existing.refresh_from_db()
    assert existing.text.startswith("The council should continue")
    assert existing.history.count() == history[1] + 1
    assert Recommendation.objects.get(number=2).history.count() == history[2]
    assert Recommendation.objects.filter(challenge=challenge).count() == 10


def test_change_the_pasted_text_returns_to_the_form_with_the_text(client, alice, challenge):
    client.force_login(alice)
    response = client.post(_url(challenge), {"step": "edit", "text": "1. One\nThe council should."})
    assert response.status_code == 200
    assert "1. One\nThe council should." in response.content.decode()


@pytest.mark.parametrize("persona", ["bob", "carol", "dave"])
def test_other_roles_are_forbidden(client, request, persona, challenge):
    client.force_login(request.getfixturevalue(persona))
    assert_get_and_post_refused(client, _url(challenge), {"step": "confirm", "text": TEXT_2024}, status=403)
    assert not Recommendation.objects.exists()
