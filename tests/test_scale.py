"""A council's pages never pay for other councils' data (issue 20, ADR 0026).

One council's scrutiny member opens the search, dashboard, action plan and portfolio with one
council in the database, then again after 30 other councils with full plans are added. The number
of queries must not change, and the work the database does must not grow with the other councils'
rows: on PostgreSQL the rows each query's plan touches (EXPLAIN ANALYZE: rows produced plus rows
removed by filters, over every node), on SQLite the plan itself (EXPLAIN QUERY PLAN).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.dashboards import populate_challenge
from recommendations.models import Membership
from tests import factories

pytestmark = pytest.mark.django_db

OTHER_COUNCILS = 30
# Rows a plan may touch beyond the one council's, for the small shared tables (sessions, users,
# memberships) that a sequential scan reads whole; far below what one other council adds (160 rows).
SLACK = 400


def _touched(node: dict[str, Any]) -> int:
    loops = node.get("Actual Loops", 1)
    own = (
        node.get("Actual Rows", 0)
        + node.get("Rows Removed by Filter", 0)
        + node.get("Rows Removed by Index Recheck", 0)
    ) * loops
    return int(own + sum(_touched(child) for child in node.get("Plans", [])))


def _cost(sql: str) -> Any:
    """Returns what the database did for `sql`: rows touched (PostgreSQL) or the plan's shape (SQLite)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
            plan = json.loads(plan) if isinstance(plan, str) else plan
            return _touched(plan[0]["Plan"])
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        return tuple(row[-1] for row in cursor.fetchall())


def _measure(client: Any, urls: list[str]) -> dict[str, tuple[int, list[Any]]]:
    cache.clear()  # cold pages: the point is what building them costs
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            # With so few rows a sequential scan is cheapest whatever the scope; at national size it is
            # not. Discouraging it shows whether an index lets each query reach only this council's rows.
            cursor.execute("SET LOCAL enable_seqscan = off")
    measured = {}
    for url in urls:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200, url
        selects = [
            query["sql"] for query in captured.captured_queries if query["sql"].lstrip().upper().startswith("SELECT")
        ]
        measured[url] = (len(captured), [(_cost(sql), sql) for sql in selects])
    return measured


def test_one_councils_pages_do_not_grow_with_other_councils(client):
    home = factories.make_council(name="Home Council", slug="home")
    officer = factories.make_user(council=home, role=Membership.Role.OFFICER)
    reader = factories.make_user(council=home, role=Membership.Role.SCRUTINY)
    challenge = factories.make_challenge(council=home, slug="home-2024")
    populate_challenge(challenge=challenge, officers=[officer], updates_per_action=3)
    client.force_login(reader)
    urls = [
        reverse("search") + "?q=workshops+partners",
        reverse("search") + "?q=strategy",
        reverse("dashboard", args=[challenge.slug]),
        reverse("action_plan", args=[challenge.slug]),
        reverse("portfolio"),
        reverse("my_actions"),
    ]
    alone = _measure(client, urls)

    for number in range(OTHER_COUNCILS):
        council = factories.make_council(name=f"Other {number}", slug=f"other-{number}")
        lead = factories.make_user(council=council, role=Membership.Role.OFFICER)
        populate_challenge(
            challenge=factories.make_challenge(council=council, slug=f"other-{number}-2024"),
            officers=[lead],
            updates_per_action=3,
            seed=number,
        )
    crowded = _measure(client, urls)

    for url in urls:
        (queries_alone, costs_alone), (queries_crowded, costs_crowded) = alone[url], crowded[url]
        assert queries_crowded == queries_alone, url
        if connection.vendor == "postgresql":
            for (cost_alone, _sql), (cost_crowded, sql) in zip(costs_alone, costs_crowded, strict=True):
                assert cost_crowded <= cost_alone * 1.5 + SLACK, (url, cost_alone, cost_crowded, sql)
        else:
            assert [cost for cost, _sql in costs_crowded] == [cost for cost, _sql in costs_alone], url


def test_my_actions_draws_one_page_of_thousands(client):
    from recommendations.views.actions import MY_ACTIONS_PER_PAGE

    council = factories.make_council(name="Busy Council", slug="busy")
    officer = factories.make_user(council=council, role=Membership.Role.OFFICER)
    populate_challenge(
        challenge=factories.make_challenge(council=council, slug="busy-2024"),
        officers=[officer],
        recommendations=30,
        actions_per_recommendation=5,
        updates_per_action=1,
    )
    client.force_login(officer)
    response = client.get(reverse("my_actions"))
    assert response.context["open_count"] == 150
    assert len(response.context["open_actions"]) == MY_ACTIONS_PER_PAGE
    body = response.content.decode()
    assert "You lead 150 open actions." in body
    assert f"Open actions 1 to {MY_ACTIONS_PER_PAGE} of 150." in body
    last = client.get(reverse("my_actions"), {"page": "99"})  # past the end: the last page
    assert len(last.context["open_actions"]) == 150 - 2 * MY_ACTIONS_PER_PAGE
    assert client.get(reverse("my_actions"), {"page": "٣"}).context["page"].number == 1


def test_the_portfolio_draws_one_page_of_councils(client):
    from recommendations.views.dashboards import COUNCILS_PER_PAGE

    adviser = factories.make_user(username="adviser")
    for number in range(COUNCILS_PER_PAGE + 2):
        council = factories.make_council(name=f"Council {number:02d}", slug=f"council-{number:02d}")
        Membership.objects.create(user=adviser, council=council, role=Membership.Role.SCRUTINY)
        factories.make_challenge(council=council, slug=f"challenge-{number:02d}")
    client.force_login(adviser)
    first = client.get(reverse("portfolio"))
    assert [group["council"].name for group in first.context["councils"]] == [
        f"Council {number:02d}" for number in range(COUNCILS_PER_PAGE)
    ]
    assert f"Councils 1 to {COUNCILS_PER_PAGE} of {COUNCILS_PER_PAGE + 2}." in first.content.decode()
    second = client.get(reverse("portfolio"), {"page": "2"})
    assert [group["council"].name for group in second.context["councils"]] == [
        f"Council {number:02d}" for number in range(COUNCILS_PER_PAGE, COUNCILS_PER_PAGE + 2)
    ]
