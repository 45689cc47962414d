"""The action plan table: its rows, filters, sorting and query count (who may open it: test_page_access.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from bench.dashboards import populate_challenge
from recommendations.models import Action
from tests import factories
from tests.recommendations.query_helpers import make_small_and_large_plans, query_count


def _url(challenge, query=""):
    return reverse("action_plan", args=[challenge.slug]) + (f"?{query}" if query else "")


def _at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T12:00:00"))


@pytest.fixture
def plan(challenge, bob, olive):
    """Three actions in two themes: 1.1 Red and overdue (Bob, Housing), 1.2 Green (Olive,
    Finance), 2.1 not yet rated (Bob, Finance); all created in February 2024."""
    place = factories.make_theme(challenge=challenge, name="Place")
    money = factories.make_theme(challenge=challenge, name="Money")
    rec1 = factories.make_recommendation(challenge=challenge, number=1, title="Masterplan", theme=place)
    rec2 = factories.make_recommendation(challenge=challenge, number=2, title="Budget", theme=money)
    created = _at("2024-02-01")
    a11 = factories.make_action(recommendation=rec1, reference="1.1", lead_officer=bob, directorate="Housing",
                                due_date=dt.date(2024, 10, 1), created_at=created)
    a12 = factories.make_action(recommendation=rec1, reference="1.2", lead_officer=olive,
                                directorate="Finance", due_date=dt.date(2025, 3, 1), created_at=created)
    a21 = factories.make_action(recommendation=rec2, reference="2.1", lead_officer=bob, directorate="Finance",
                                due_date=dt.date(2025, 1, 1), created_at=created)
    factories.make_update(action=a11, rag="amber", created_at=_at("2024-06-01"))
    factories.make_update(action=a11, rag="red", created_at=_at("2024-11-01"))
    factories.make_update(action=a12, rag="green", created_at=_at("2024-07-01"))
    return {"themes": (place, money), "actions": (a11, a12, a21)}


def _refs(response):
    return [row.record.action.reference for row in response.context["table"].page.object_list]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["alice", "bob", "carol"])
def test_coordinators_officers_and_scrutiny_members_can_read_the_table(client, request, persona, challenge, plan):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(_url(challenge))
    assert response.status_code == 200
    assert _refs(response) == ["1.1", "1.2", "2.1"]


@pytest.mark.django_db
def test_table_has_no_editing_controls(client, carol, challenge, plan):
    client.force_login(carol)
    body = client.get(_url(challenge)).content.decode().split('id="main-content"')[1]
    assert 'method="post"' not in body


@pytest.mark.django_db
def test_shows_each_actions_recommendation_theme_officer_directorate_due_date_rag_and_last_update(
    client, carol, challenge, plan
):
    client.force_login(carol)
    response = client.get(_url(challenge, "as_of=2024-11-22"))
    row = response.context["table"].page.object_list[0]
    cells = {column.name: str(value) for column, value in row.items()}
    assert "1. Masterplan" in cells["recommendation"]
    assert cells["theme"] == "Place"
    assert cells["lead_officer"] == "Bob Lead"
    assert cells["directorate"] == "Housing"
    assert "1 Oct 2024" in cells["due_date"] and "Overdue" in cells["due_date"]
    assert ">Red<" in cells["rag"]
    assert "1 Nov 2024" in cells["last_update_at"]
    assert "Action plan as at 22 November 2024" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "expected"), [
    ("rag=red", ["1.1"]),
    ("rag=red&rag=not_rated", ["1.1", "2.1"]),
    ("directorate=Finance", ["1.2", "2.1"]),
    ("as_of=2024-11-22&overdue=true", ["1.1"]),
    ("as_of=2024-09-01&rag=amber", ["1.1"]),  # before it went Red
    ("as_of=2024-09-01&overdue=true", []),  # not yet due then
])
def test_filters(client, carol, challenge, plan, query, expected):
    client.force_login(carol)
    assert _refs(client.get(_url(challenge, query))) == expected


@pytest.mark.django_db
def test_filter_by_theme_and_lead_officer(client, carol, olive, challenge, plan):
    place, money = plan["themes"]
    client.force_login(carol)
    assert _refs(client.get(_url(challenge, f"theme={money.pk}"))) == ["2.1"]
    assert _refs(client.get(_url(challenge, f"lead_officer={olive.pk}"))) == ["1.2"]


@pytest.mark.django_db
@pytest.mark.parametrize(("sort", "expected"), [
    ("rag", ["1.1", "1.2", "2.1"]),  # worst first, unrated last
    ("-rag", ["2.1", "1.2", "1.1"]),
    ("due_date", ["1.1", "2.1", "1.2"]),
    ("-due_date", ["1.2", "2.1", "1.1"]),
    ("lead_officer", ["1.1", "2.1", "1.2"]),
    ("-reference", ["2.1", "1.2", "1.1"]),
])
def test_sorting_by_a_column(client, carol, challenge, plan, sort, expected):
    client.force_login(carol)
    assert _refs(client.get(_url(challenge, f"as_of=2024-11-22&sort={sort}"))) == expected


@pytest.mark.django_db
def test_sortable_headers_are_links_that_keep_the_filters_and_carry_aria_sort(client, carol, challenge, plan):
    client.force_login(carol)
    body = client.get(_url(challenge, "rag=red&sort=due_date")).content.decode()
    assert 'aria-sort="ascending"' in body
    assert 'href="?rag=red&amp;sort=-due_date"' in body


@pytest.mark.django_db
def test_a_bad_filter_value_is_reported_and_ignored(client, carol, challenge, plan):
    client.force_login(carol)
    response = client.get(_url(challenge, "theme=99999&rag=purple"))
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()
    assert _refs(response) == ["1.1", "1.2", "2.1"]


@pytest.mark.django_db
def test_htmx_request_gets_only_the_results_fragment(client, carol, challenge, plan):
    client.force_login(carol)
    response = client.get(_url(challenge, "rag=red"), headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="action-plan-results"')
    assert "<html" not in body
    assert "1 action matches these filters" in " ".join(body.split())


@pytest.mark.django_db
def test_filter_form_works_with_htmx_and_without(client, carol, challenge, plan):
    client.force_login(carol)
    body = client.get(_url(challenge)).content.decode()
    assert 'method="get"' in body
    assert 'hx-get="/challenges/northtown-2024/plan/"' in body
    assert 'hx-push-url="true"' in body


@pytest.mark.django_db
def test_pages_of_25_and_a_page_past_the_end_shows_the_last(client, carol, bob, challenge):
    populate_challenge(challenge=challenge, officers=[bob], recommendations=15, actions_per_recommendation=2,
                       updates_per_action=1)
    client.force_login(carol)
    first = client.get(_url(challenge))
    assert len(first.context["table"].page.object_list) == 25
    assert 'class="govuk-pagination"' in first.content.decode()
    last = client.get(_url(challenge, "page=99"))
    assert last.context["table"].page.number == 2
    assert len(last.context["table"].page.object_list) == 5


@pytest.mark.django_db
def test_query_count_is_the_same_for_10_and_500_recommendations(
    client, carol, bob, northtown, django_assert_max_num_queries
):
    small, large = make_small_and_large_plans(council=northtown, officer=bob, updates_per_action=2)
    client.force_login(carol)
    query = "sort=rag&rag=red&rag=amber&rag=green"
    assert query_count(client, _url(small, query)) == query_count(client, _url(large, query))
    cache.clear()  # cold again: a cached page would pass any bound
    with django_assert_max_num_queries(14):
        client.get(_url(large))
    assert Action.objects.filter(recommendation__challenge=large).count() == 1000
