"""How many queries a page costs, and plans of two sizes: for the tests that show it does not grow with the plan."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bench.dashboards import populate_challenge
from recommendations.models import Council, PeerChallenge
from tests import factories


def query_count(client: Any, url: str, *, cold: bool = True) -> int:
    """Returns how many queries a GET of `url` made, and asserts it answered 200.

    `cold` (the default) empties the cache first, so the page is built rather than served from the
    page cache (ADR 0026): what building it costs.
    """
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def make_small_and_large_plans(*, council: Council, officer: Any,
                               updates_per_action: int) -> tuple[PeerChallenge, PeerChallenge]:
    """Returns two challenges of `council`, "small" with 10 recommendations and "large" with 500, each
    recommendation with two actions led by `officer` and `updates_per_action` updates on each."""

    def plan(slug: str, recommendations: int) -> PeerChallenge:
        challenge = factories.make_challenge(council=council, slug=slug)
        populate_challenge(challenge=challenge, officers=[officer], recommendations=recommendations,
                           actions_per_recommendation=2, updates_per_action=updates_per_action)
        return challenge

    return plan("small", 10), plan("large", 500)
