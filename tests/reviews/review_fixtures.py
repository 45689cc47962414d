"""Fixtures for the progress review tests, and who may open each reviews page (READ, COORDINATE,
`assert_access`), which the committee pack tests use too.

The story: Northtown's 2024 challenge (on site 15-18 January 2024) has a progress
review on 18 November 2024 with two returning peers and one theme; gina is one of
those peers, invited as a guest until a week from today.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from recommendations.models import PeerTeamMember
from reviews.models import PositionStatement, ProgressReview, ReviewTheme
from tests import factories


@pytest.fixture
def peers(challenge: Any) -> list[PeerTeamMember]:
    return [factories.make_peer(challenge=challenge, name="Pat Leader", role="Leader", position=1),
            factories.make_peer(challenge=challenge, name="Sam Manager", role="Peer Challenge Manager", position=2)]


@pytest.fixture
def review(challenge: Any, recommendation: Any, peers: list[PeerTeamMember]) -> ProgressReview:
    review = factories.make_review(challenge=challenge, peers=peers)
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
    return factories.make_guest(challenge=challenge, peer=peers[0])


# Who may do what: the status each persona gets. Reading is for everyone who may see the
# challenge (guests included); changing is for coordinators. Another council gets 404,
# someone signed out (None) is sent to sign in.
READ = {None: 302, "alice": 200, "bob": 200, "carol": 200, "dave": 200, "gina": 200, "mallory": 404}
COORDINATE = {None: 302, "alice": 200, "bob": 403, "carol": 403, "dave": 403, "gina": 403, "mallory": 404}


@pytest.fixture
def everyone(alice: Any, bob: Any, carol: Any, dave: Any, mallory: Any, gina: Any) -> None:
    """Creates every persona READ and COORDINATE name, so a test may sign in as any of them."""


def sign_in_as(client: Any, username: str | None) -> None:
    client.logout()
    if username:
        client.force_login(get_user_model().objects.get(username=username))


def assert_access(client: Any, username: str | None, status: int, url: str,
                  posts: Sequence[tuple[str, dict[str, Any]]] = ()) -> Any:
    """Signs in as `username` (None: signed out) and checks a GET of `url` answers `status`; returns the response.

    Someone refused the page is refused each of `posts` (address and data) the same way.
    """
    sign_in_as(client, username)
    response = client.get(url)
    _assert_answered(response, status, url)
    if status != 200:
        for post_url, data in posts:
            _assert_answered(client.post(post_url, data), status, post_url)
    return response


def page_as(client: Any, user: Any, url: str) -> str:
    """Returns the page `user` reads at `url`, checking it is there (200)."""
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _assert_answered(response: Any, status: int, url: str) -> None:
    assert response.status_code == status, url
    if status == 302:
        assert response["Location"].startswith("/sign-in/"), url
