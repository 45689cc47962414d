"""Fixtures and helpers for the progress review tests (import the fixtures a test file uses).

The story: Northtown's 2024 challenge (on site 15-18 January 2024) has a progress
review on 18 November 2024 with two returning peers and one theme; gina is one of
those peers, invited as a guest until a week from today.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from recommendations.models import GuestAccess, PeerTeamMember
from reviews.models import PositionStatement, ProgressReview, ReturningPeer, ReviewTheme
from tests import factories

REVIEW_DATE = dt.date(2024, 11, 18)


def make_peer(*, challenge: Any, name: str, role: str = "Chief Executive", position: int = 1) -> PeerTeamMember:
    return PeerTeamMember.objects.create(challenge=challenge, name=name, role=role,
                                         organisation="Elsewhere Council", position=position)


def make_review(*, challenge: Any, review_date: dt.date = REVIEW_DATE, peers: list[Any] = (),
                **extra: Any) -> ProgressReview:
    review = ProgressReview.objects.create(challenge=challenge, review_date=review_date, **extra)
    for peer in peers:
        ReturningPeer.objects.create(review=review, member=peer)
    return review


def make_guest(*, challenge: Any, username: str = "gina", expires_on: dt.date | None = None,
               peer: Any = None) -> Any:
    user = factories.make_user(username=username, first_name="Gina", last_name="Peer")
    GuestAccess.objects.create(user=user, challenge=challenge, peer=peer,
                               expires_on=expires_on or timezone.localdate() + dt.timedelta(days=7))
    return user


@pytest.fixture
def peers(challenge: Any) -> list[PeerTeamMember]:
    return [make_peer(challenge=challenge, name="Pat Leader", role="Leader", position=1),
            make_peer(challenge=challenge, name="Sam Manager", role="Peer Challenge Manager", position=2)]


@pytest.fixture
def review(challenge: Any, recommendation: Any, peers: list[PeerTeamMember]) -> ProgressReview:
    review = make_review(challenge=challenge, peers=peers)
    theme = ReviewTheme.objects.create(review=review, name="City centre working", position=1,
                                       feedback="The peers saw real progress on the city centre.")
    theme.recommendations.set([recommendation])
    PositionStatement.objects.create(review=review, recommendation=recommendation,
                                     text="The masterplan is being drafted with partners.")
    return review


@pytest.fixture
def theme(review: ProgressReview) -> ReviewTheme:
    return review.themes.get()


@pytest.fixture
def gina(challenge: Any, peers: list[PeerTeamMember]) -> Any:
    return make_guest(challenge=challenge, peer=peers[0])


# Who may do what: the status each persona gets. Reading is for everyone who may see the
# challenge (guests included); changing is for coordinators. Another council gets 404,
# someone signed out is sent to sign in.
READ = {"alice": 200, "bob": 200, "carol": 200, "dave": 200, "gina": 200, "mallory": 404}
COORDINATE = {"alice": 200, "bob": 403, "carol": 403, "dave": 403, "gina": 403, "mallory": 404}


def sign_in_as(client: Any, username: str | None) -> None:
    client.logout()
    if username:
        client.force_login(get_user_model().objects.get(username=username))


def assert_signed_out_redirected(client: Any, url: str, method: str = "get") -> None:
    client.logout()
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/sign-in/")
