"""Pasted recommendations: the preview says what was found and skipped, and items can be
unticked (issue 17)."""

from __future__ import annotations

import html
from pathlib import Path

import pytest
from django.urls import reverse

from recommendations.models import Recommendation

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "corpus" / "recommendations"


def _url(challenge):
    return reverse("recommendations_import", args=[challenge.slug])


def test_preview_says_where_the_list_was_found_and_what_was_skipped(client, alice, challenge):
    client.force_login(alice)
    text = (CORPUS / "02_core_components_before_list.txt").read_text(encoding="utf-8")
    body = html.unescape(client.post(_url(challenge), {"step": "preview", "text": text}).content.decode())
    assert "They are the list under “Key recommendations”." in body
    assert "Other lists peertrack did not take" in body
    assert "it looks like the five core components of a corporate peer challenge" in body
    assert body.count('type="checkbox" value="1" checked') == 7


def test_unticked_recommendations_are_not_imported(client, alice, challenge):
    client.force_login(alice)
    text = (CORPUS / "07_headings_without_text.txt").read_text(encoding="utf-8")
    titles = {f"title_{n}": f"Title {n}" for n in range(1, 7)}
    ticked = {f"include_{n}": "1" for n in (1, 2, 4)}
    response = client.post(_url(challenge), {"step": "confirm", "picked": "1", "text": text, **titles, **ticked})
    assert response.status_code == 302
    assert list(Recommendation.objects.values_list("number", flat=True).order_by("number")) == [1, 2, 4]


def test_unticking_everything_is_an_error_and_saves_nothing(client, alice, challenge):
    client.force_login(alice)
    text = (CORPUS / "07_headings_without_text.txt").read_text(encoding="utf-8")
    response = client.post(_url(challenge), {"step": "confirm", "picked": "1", "text": text})
    body = response.content.decode()
    assert "<title>Error: " in body
    assert "Tick at least one recommendation to import" in body
    assert not Recommendation.objects.exists()
