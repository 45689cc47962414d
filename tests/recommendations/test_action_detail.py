"""The action page: who may read it, the timeline, the status and the history (signed out or of another
council: test_page_access.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from recommendations.models import Action
from tests import factories


def url(action: Action) -> str:
    return reverse("action", args=[action.recommendation.challenge.slug, action.pk])


@pytest.mark.parametrize("persona", ["bob", "olive", "alice", "carol", "dave"])
def test_every_member_of_the_council_can_read_the_action(client, action, persona, request):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(url(action))
    assert response.status_code == 200
    assert "Action 1.1" in response.content.decode()


def test_lead_officer_and_coordinator_see_the_progress_form(client, action, bob, alice):
    for user in (bob, alice):
        client.force_login(user)
        assert 'id="record-progress"' in client.get(url(action)).content.decode()


@pytest.mark.parametrize("persona", ["olive", "carol", "dave"])
def test_others_do_not_see_the_progress_form(client, action, persona, request):
    client.force_login(request.getfixturevalue(persona))
    assert 'id="record-progress"' not in client.get(url(action)).content.decode()


def test_only_a_coordinator_sees_the_coordinator_tools(client, action, alice, bob):
    client.force_login(bob)
    assert "Change the lead officer" not in client.get(url(action)).content.decode()
    client.force_login(alice)
    assert "Change the lead officer" in client.get(url(action)).content.decode()


def test_an_action_under_another_challenge_slug_is_404(client, action, bob, northtown):
    other = factories.make_challenge(council=northtown, slug="northtown-2018")
    client.force_login(bob)
    response = client.get(reverse("action", args=[other.slug, action.pk]))
    assert response.status_code == 404


def test_timeline_is_newest_first_with_who_and_the_movement_in_words(client, action, bob, alice):
    now = timezone.now()
    factories.make_update(action=action, rag="green", author=bob, narrative="First report.",
                          created_at=now - dt.timedelta(days=60))
    factories.make_update(action=action, rag="amber", author=alice, narrative="Second report.",
                          created_at=now - dt.timedelta(days=1))
    client.force_login(bob)
    html = client.get(url(action)).content.decode()
    assert html.index("Second report.") < html.index("First report.")
    assert "Amber, down from Green" in html
    assert "Green, first rating" in html
    assert "by Alice Coordinator" in html


def test_text_with_html_is_shown_as_text(client, action, bob):
    factories.make_update(action=action, author=bob, narrative="<script>alert(1)</script>")
    client.force_login(bob)
    html = client.get(url(action)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_history_shows_who_changed_what_from_old_to_new(client, action, alice, bob, olive):
    action.edit(expected_version=action.version, by=alice, lead_officer=olive)
    client.force_login(bob)
    html = client.get(url(action)).content.decode()
    assert "Lead officer:" in html
    assert "Bob Lead" in html and "Olive Other" in html


def test_update_due_and_overdue_flags_show(client, recommendation, bob):
    action = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                   due_date=dt.date(2020, 1, 1), start_date=dt.date(2019, 1, 1))
    client.force_login(bob)
    html = client.get(url(action)).content.decode()
    assert "Overdue" in html
    assert "Update due" in html


def test_page_query_count_is_bounded(client, action, bob, django_assert_max_num_queries):
    for n in range(30):
        factories.make_update(action=action, author=bob, narrative=f"Update {n}.")
    client.force_login(bob)
    with django_assert_max_num_queries(25):
        response = client.get(url(action))
    assert response.status_code == 200
