"""Who may open a council's plan pages at all: one access rule, checked page by page.

Signed out, each page sends you to sign in. A member of another council gets 404, as does a guest
peer whose access has ended. The challenge's read-only pages show administrators, scrutiny members
and guest peers no editing controls, and refuse a POST. What each page shows is tested in the
page's own file; every URL against every persona is in tests/test_permission_matrix.py.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

pytestmark = pytest.mark.django_db

# The challenge's pages that only show: its summary, the dashboard and the action plan table.
READ_ONLY_CHALLENGE_PAGES = ["challenge", "dashboard", "action_plan"]
# Pages of one challenge's plan, read-only or not.
CHALLENGE_PAGES = [*READ_ONLY_CHALLENGE_PAGES, "recommendation", "action", "recommendations_import",
                   "action_plan_import"]


@pytest.fixture
def urls(action):
    """Returns each page's URL for the story in tests/conftest.py (Northtown's challenge, bob's action)."""
    recommendation = action.recommendation
    slug = recommendation.challenge.slug
    return {
        "home": reverse("home"),
        "portfolio": reverse("portfolio"),
        "search": reverse("search") + "?q=masterplan",
        "challenge": reverse("challenge", args=[slug]),
        "dashboard": reverse("dashboard", args=[slug]),
        "action_plan": reverse("action_plan", args=[slug]),
        "recommendation": reverse("recommendation", args=[slug, recommendation.number]),
        "action": reverse("action", args=[slug, action.pk]),
        "recommendations_import": reverse("recommendations_import", args=[slug]),
        "action_plan_import": reverse("action_plan_import", args=[slug]),
    }


def _main_content(response) -> str:
    return response.content.decode().split('id="main-content"')[1]


@pytest.mark.parametrize("page", ["home", "portfolio", "search", *CHALLENGE_PAGES])
def test_anonymous_user_is_sent_to_sign_in(client, urls, page):
    response = client.get(urls[page])
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", CHALLENGE_PAGES)
def test_another_councils_user_gets_404(client, mallory, urls, page):
    client.force_login(mallory)
    assert client.get(urls[page]).status_code == 404


@pytest.mark.parametrize("page", READ_ONLY_CHALLENGE_PAGES)
def test_a_guest_whose_access_has_ended_gets_404(client, challenge, urls, page):
    ended = factories.make_guest(challenge=challenge, expires_on=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(ended)
    assert client.get(urls[page]).status_code == 404


@pytest.mark.parametrize("persona", ["carol", "dave", "gina"])
@pytest.mark.parametrize("page", READ_ONLY_CHALLENGE_PAGES)
def test_scrutiny_member_administrator_and_guest_peer_read_it_without_editing_controls(
    client, request, urls, page, persona
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(urls[page])
    assert response.status_code == 200
    assert 'method="post"' not in _main_content(response)


@pytest.mark.parametrize("persona", ["alice", "carol"])
@pytest.mark.parametrize("page", [*READ_ONLY_CHALLENGE_PAGES, "portfolio"])
def test_post_is_not_allowed(client, request, urls, page, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.post(urls[page]).status_code == 405
