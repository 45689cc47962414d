"""The peer team set-up page: members added and changed, and who returned for the progress review."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.urls import reverse

from recommendations.models import PeerChallenge, PeerTeamMember
from reviews.models import ReturningPeer
from tests import factories
from tests.forms_helpers import assert_each_council_reaches_only_its_own, assert_refused, save_in_place

pytestmark = pytest.mark.django_db


def _add(client: Any, challenge: PeerChallenge, name: str, role: str = "", organisation: str = "") -> Any:
    return client.post(
        reverse("setup_peer_team", args=[challenge.slug]),
        {"new-name": name, "new-role": role, "new-organisation": organisation},
    )


def test_coordinator_adds_peers_in_order(client: Any, alice: Any, challenge: PeerChallenge) -> None:
    client.force_login(alice)
    assert (
        _add(client, challenge, "Cllr Pat Leader", "Lead Member Peer", "Northshire County Council").status_code == 302
    )
    assert _add(client, challenge, "Sam Manager", "Peer Challenge Manager", "LGA").status_code == 302
    assert list(challenge.peer_team.values_list("name", "position")) == [("Cllr Pat Leader", 0), ("Sam Manager", 1)]
    assert PeerTeamMember.history.filter(name="Sam Manager").get().history_user == alice
    body = client.get(reverse("setup_peer_team", args=[challenge.slug])).content.decode()
    assert "Peer Challenge Manager" in body


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Enter the peer&#x27;s name"),
        ("sam manager", "is already on the peer team"),
        ("x" * 201, "200 characters or fewer"),
    ],
)
def test_peer_form_refuses_bad_values(
    client: Any, alice: Any, challenge: PeerChallenge, name: str, message: str
) -> None:
    factories.make_peer(challenge=challenge, name="Sam Manager")
    client.force_login(alice)
    assert_refused(_add(client, challenge, name), message, rows=challenge.peer_team, count=1)


def test_peer_is_changed_in_place(client: Any, alice: Any, challenge: PeerChallenge) -> None:
    peer = factories.make_peer(challenge=challenge, name="Sam Manager")
    client.force_login(alice)
    url = reverse("setup_peer", args=[challenge.slug, peer.pk])
    response = save_in_place(client, url, {"name": peer.name, "role": "Peer Challenge Manager", "organisation": "LGA"})
    assert response.status_code == 200 and "Saved the peer" in response.content.decode()
    peer.refresh_from_db()
    assert peer.organisation == "LGA"


def test_who_returned_is_recorded_with_history(client: Any, alice: Any, challenge: PeerChallenge) -> None:
    peers = [factories.make_peer(challenge=challenge, name=name, position=n)
             for n, name in enumerate(["Pat", "Sam", "Jo"])]
    review = factories.make_review(challenge=challenge, review_date=dt.date(2024, 11, 18), peers=peers[:1])
    client.force_login(alice)
    url = reverse("setup_peers_returned", args=[challenge.slug])
    assert client.post(url, {"returned-peers": [str(peers[1].pk), str(peers[2].pk)]}).status_code == 302
    assert set(review.returning_peers.values_list("name", flat=True)) == {"Sam", "Jo"}
    assert ReturningPeer.history.filter(history_type="-", member=peers[0]).get().history_user == alice
    assert ReturningPeer.history.filter(history_type="+", history_user=alice).count() == 2
    overview = client.get(reverse("challenge_setup", args=[challenge.slug])).content.decode()
    assert "3 members; 2 returned for the progress review" in overview


def test_returned_refuses_a_peer_of_another_challenge(
    client: Any, alice: Any, northtown: Any, challenge: PeerChallenge
) -> None:
    mine = factories.make_peer(challenge=challenge, name="Pat")
    review = factories.make_review(challenge=challenge, review_date=dt.date(2024, 11, 18), peers=[mine])
    other = factories.make_challenge(council=northtown, slug="northtown-2018")
    stranger = factories.make_peer(challenge=other, name="Elsewhere")
    client.force_login(alice)
    response = client.post(
        reverse("setup_peers_returned", args=[challenge.slug]), {"returned-peers": [str(stranger.pk)]}
    )
    assert "Select peers of this challenge" in response.content.decode()
    assert list(review.returning_peers.all()) == [mine]


def test_without_a_review_nobody_can_have_returned(client: Any, alice: Any, challenge: PeerChallenge) -> None:
    factories.make_peer(challenge=challenge, name="Pat")
    client.force_login(alice)
    response = client.post(reverse("setup_peers_returned", args=[challenge.slug]), {"returned-peers": []}, follow=True)
    assert "No progress review is scheduled yet" in response.content.decode()


def test_another_councils_peer_is_not_found(
    client: Any, alice: Any, mallory: Any, challenge: PeerChallenge, southport_challenge: PeerChallenge
) -> None:
    their_peer = factories.make_peer(challenge=southport_challenge, name="Theirs")
    mine = factories.make_peer(challenge=challenge, name="Mine")
    assert_each_council_reaches_only_its_own(client, "setup_peer", challenge=challenge, mine=mine, theirs=their_peer,
                                             insider=alice, outsider=mallory, data={"name": "X"})
    # Nor may they add a peer to this challenge's team.
    assert _add(client, challenge, "Intruder").status_code == 404
    assert challenge.peer_team.count() == 1


def test_scrutiny_may_not_change_the_team(client: Any, carol: Any, challenge: PeerChallenge) -> None:
    client.force_login(carol)
    assert _add(client, challenge, "Sneaky").status_code == 403
