"""The home page: each user's councils and challenges (who may open it: test_page_access.py)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from recommendations.models import Membership
from tests import factories


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["alice", "bob", "carol", "dave"])
def test_every_role_sees_their_councils_challenges(client, request, persona, challenge):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert challenge.title in response.content.decode()
    assert "Northtown Council" in response.content.decode()


@pytest.mark.django_db
def test_another_councils_user_does_not_see_the_challenge(client, mallory, challenge, southport):
    factories.make_challenge(council=southport, title="Southport challenge")
    client.force_login(mallory)
    body = client.get(reverse("home")).content.decode()
    assert "Southport challenge" in body
    assert challenge.title not in body
    assert "Northtown" not in body


@pytest.mark.django_db
def test_home_query_count_does_not_grow_with_challenges(client, django_assert_max_num_queries, alice, northtown):
    for year in range(2000, 2030):
        factories.make_challenge(council=northtown, slug=f"c{year}", title=f"Challenge {year}")
    for _ in range(5):
        council = factories.make_council()
        Membership.objects.create(user=alice, council=council, role="scrutiny")
        factories.make_challenge(council=council)
    client.force_login(alice)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("home"))
    assert response.content.decode().count("Challenge 20") == 30
