"""Creating a peer challenge: coordinators only, then on to its recommendations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from recommendations.models import PeerChallenge

pytestmark = pytest.mark.django_db


def _date(name, day):
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month),
            f"{name}_year": str(day.year)}


VALID = {"title": "Corporate Peer Challenge 2026", "kind": "corporate_peer_challenge",
         **_date("onsite_start", dt.date(2026, 1, 12)), **_date("onsite_end", dt.date(2026, 1, 15)),
         "slug": ""}


def _url(council_slug="northtown"):
    return reverse("challenge_create", args=[council_slug])


def test_coordinator_creates_a_challenge_and_goes_on_to_paste_recommendations(client, alice, northtown):
    client.force_login(alice)
    assert client.get(_url()).status_code == 200
    response = client.post(_url(), VALID)
    challenge = PeerChallenge.objects.get(title="Corporate Peer Challenge 2026")
    assert response.status_code == 302
    assert response.url == reverse("recommendations_import", args=[challenge.slug])
    assert challenge.council == northtown
    assert challenge.slug == "northtown-corporate-peer-challenge-2026"
    assert (challenge.onsite_start, challenge.onsite_end) == (dt.date(2026, 1, 12), dt.date(2026, 1, 15))
    assert challenge.history.first().history_user == alice


def test_a_chosen_slug_is_used_and_a_taken_one_is_refused(client, alice, challenge):
    client.force_login(alice)
    response = client.post(_url(), {**VALID, "slug": challenge.slug})
    assert response.status_code == 200
    assert "Another challenge already uses this web address name" in response.content.decode()
    client.post(_url(), {**VALID, "slug": "nt-2026"})
    assert PeerChallenge.objects.filter(slug="nt-2026").exists()


def test_generated_slugs_do_not_collide(client, alice, northtown):
    client.force_login(alice)
    client.post(_url(), VALID)
    client.post(_url(), VALID)
    assert sorted(PeerChallenge.objects.values_list("slug", flat=True)) == [
        "northtown-corporate-peer-challenge-2026", "northtown-corporate-peer-challenge-2026-2"]


@pytest.mark.parametrize(("change", "message"), [
    ({"title": ""}, "Enter the challenge&#x27;s title"),
    ({"onsite_start_month": "13", "onsite_start_day": "45"},
     "First day on site must be a real date"),
    ({"onsite_end_day": "", "onsite_end_month": "", "onsite_end_year": ""},
     "Enter the last day on site"),
    ({"onsite_start_year": "9999"}, "Year must be between"),
    ({"onsite_start_year": "٢٠٢٦"}, "First day on site must be a real date"),
    (_date("onsite_end", dt.date(2026, 1, 1)), "The last day on site cannot be before the first"),
    ({"slug": "not a slug!"}, "Use only letters, numbers and hyphens"),
])
def test_bad_input_shows_a_message_and_creates_nothing(client, alice, northtown, change, message):
    client.force_login(alice)
    response = client.post(_url(), {**VALID, **change})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert message in body
    assert not PeerChallenge.objects.exists()


@pytest.mark.parametrize("persona", ["bob", "carol", "dave"])
def test_other_roles_are_forbidden(client, request, persona, northtown):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(_url()).status_code == 403
    assert client.post(_url(), VALID).status_code == 403
    assert not PeerChallenge.objects.exists()


def test_another_councils_user_gets_not_found(client, mallory, northtown):
    client.force_login(mallory)
    assert client.get(_url()).status_code == 404
    assert client.post(_url(), VALID).status_code == 404


def test_anonymous_user_is_sent_to_sign_in(client, northtown):
    response = client.get(_url())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_home_offers_create_a_challenge_only_to_coordinators(client, alice, bob, northtown):
    client.force_login(alice)
    assert _url() in client.get(reverse("home")).content.decode()
    client.force_login(bob)
    assert _url() not in client.get(reverse("home")).content.decode()
