"""The themes set-up page: add, rename, reorder, and put several recommendations under a theme at once."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from recommendations.models import PeerChallenge, Recommendation, Theme
from tests import factories
from tests.forms_helpers import (
    HTMX,
    assert_each_council_reaches_only_its_own,
    assert_get_and_post_refused,
    assert_refused,
    save_in_place,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ten(challenge: PeerChallenge) -> list[Recommendation]:
    return [
        factories.make_recommendation(challenge=challenge, number=n, title=f"Recommendation {n}") for n in range(1, 11)
    ]


def _new(name: str, kind: str = "core_component") -> dict[str, str]:
    return {"new-name": name, "new-kind": kind, "new-description": ""}


def _add(client: Any, challenge: PeerChallenge, name: str, kind: str = "core_component") -> Any:
    return client.post(reverse("setup_themes", args=[challenge.slug]), _new(name, kind))


def test_coordinator_adds_themes_in_order_with_history(client: Any, alice: Any, challenge: PeerChallenge) -> None:
    client.force_login(alice)
    assert _add(client, challenge, "Local priorities and outcomes").status_code == 302
    assert _add(client, challenge, "Governance and culture").status_code == 302
    assert _add(client, challenge, "Housing", kind="focus_area").status_code == 302
    themes = list(challenge.themes.order_by("kind", "position").values_list("name", "position"))
    assert themes == [("Local priorities and outcomes", 0), ("Governance and culture", 1), ("Housing", 0)]
    assert Theme.history.filter(name="Housing").get().history_user == alice


@pytest.mark.parametrize(
    ("name", "kind", "message"),
    [
        ("", "core_component", "Enter the theme&#x27;s name"),
        ("governance", "core_component", "already has a theme called"),
        ("Money", "other", "Select the kind of theme from the list"),
        ("x" * 201, "core_component", "200 characters or fewer"),
    ],
)
def test_theme_form_refuses_bad_values(
    client: Any, alice: Any, challenge: PeerChallenge, name: str, kind: str, message: str
) -> None:
    factories.make_theme(challenge=challenge, name="Governance")
    client.force_login(alice)
    assert_refused(_add(client, challenge, name, kind), message, rows=challenge.themes, count=1)


def test_rename_in_place_with_htmx(client: Any, alice: Any, challenge: PeerChallenge) -> None:
    theme = factories.make_theme(challenge=challenge, name="Governance")
    client.force_login(alice)
    url = reverse("setup_theme", args=[challenge.slug, theme.pk])
    response = save_in_place(
        client, url, {"name": "Governance and culture", "kind": theme.kind, "description": theme.description}
    )
    assert response.status_code == 200
    assert "Governance and culture" in response.content.decode()
    theme.refresh_from_db()
    assert theme.name == "Governance and culture"
    assert [record.name for record in theme.history.order_by("history_id")] == ["Governance", "Governance and culture"]


def test_reorder_moves_a_theme_among_its_kind(client: Any, alice: Any, challenge: PeerChallenge) -> None:
    first = factories.make_theme(challenge=challenge, name="A first")
    second = factories.make_theme(challenge=challenge, name="B second")
    client.force_login(alice)
    url = reverse("setup_theme_move", args=[challenge.slug, second.pk])
    assert client.post(url, {"direction": "up"}).status_code == 302
    order = list(challenge.themes.order_by("position").values_list("pk", flat=True))
    assert order == [second.pk, first.pk]
    response = client.post(url, {"direction": "up"}, follow=True)
    assert "already first" in response.content.decode()
    assert client.post(url, {"direction": "sideways"}, follow=True).status_code == 200
    assert list(challenge.themes.order_by("position").values_list("pk", flat=True)) == order


def test_several_recommendations_are_assigned_at_once(
    client: Any, alice: Any, challenge: PeerChallenge, ten: list[Recommendation]
) -> None:
    theme = factories.make_theme(challenge=challenge, name="Place")
    client.force_login(alice)
    chosen = [str(item.pk) for item in ten[:4]]
    response = client.post(
        reverse("setup_theme_assign", args=[challenge.slug]),
        {"assign-recommendations": chosen, "assign-theme": str(theme.pk)},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Put 4 recommendations under “Place”." in response.content.decode()
    assert set(theme.recommendations.values_list("number", flat=True)) == {1, 2, 3, 4}
    assert Recommendation.history.filter(theme=theme, history_user=alice).count() == 4
    overview = client.get(reverse("challenge_setup", args=[challenge.slug])).content.decode()
    assert "Themes: 1, 4 of 10 recommendations assigned" in overview
    # And back out again, under no theme.
    client.post(
        reverse("setup_theme_assign", args=[challenge.slug]),
        {"assign-recommendations": chosen[:1], "assign-theme": "none"},
    )
    assert theme.recommendations.count() == 3


def test_assignment_refuses_another_challenges_recommendation_or_theme(
    client: Any, alice: Any, northtown: Any, challenge: PeerChallenge, ten: list[Recommendation]
) -> None:
    theme = factories.make_theme(challenge=challenge, name="Place")
    other = factories.make_challenge(council=northtown, slug="northtown-2018")
    other_theme = factories.make_theme(challenge=other, name="Elsewhere")
    stranger = factories.make_recommendation(challenge=other, number=1)
    client.force_login(alice)
    url = reverse("setup_theme_assign", args=[challenge.slug])
    refused = client.post(
        url, {"assign-recommendations": [str(ten[0].pk), str(stranger.pk)], "assign-theme": str(theme.pk)}
    )
    assert "Select recommendations of this challenge from the list" in refused.content.decode()
    refused = client.post(url, {"assign-recommendations": [str(ten[0].pk)], "assign-theme": str(other_theme.pk)})
    assert "Select a theme of this challenge from the list" in refused.content.decode()
    empty = client.post(url, {"assign-theme": str(theme.pk)})
    assert "Select at least one recommendation" in empty.content.decode()
    assert not Recommendation.objects.filter(theme__isnull=False).exists()


def test_another_councils_theme_is_not_found(
    client: Any, alice: Any, mallory: Any, challenge: PeerChallenge, southport_challenge: PeerChallenge
) -> None:
    their_theme = factories.make_theme(challenge=southport_challenge, name="Theirs")
    mine = factories.make_theme(challenge=challenge, name="Mine")
    client.force_login(alice)
    # Their theme cannot be moved under my challenge's address...
    move = reverse("setup_theme_move", args=[challenge.slug, their_theme.pk])
    assert client.post(move, {"direction": "up"}).status_code == 404
    # ...nor opened there, and my challenge's theme cannot be changed by another council's user.
    assert_each_council_reaches_only_its_own(client, "setup_theme", challenge=challenge, mine=mine, theirs=their_theme,
                                             insider=alice, outsider=mallory, data={"name": "X"})
    mine.refresh_from_db()
    assert mine.name == "Mine"


def test_officers_and_scrutiny_may_not_change_themes(
    client: Any, bob: Any, carol: Any, challenge: PeerChallenge
) -> None:
    for user in (bob, carol):
        client.force_login(user)
        assert_get_and_post_refused(client, reverse("setup_themes", args=[challenge.slug]), _new("Sneaky"), status=403)
    assert not challenge.themes.exists()
