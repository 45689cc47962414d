"""The dashboard: its figures, movement, timetable and charts as at a date (who may open it: test_page_access.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from recommendations import asof
from recommendations.asof import rag_counts
from recommendations.models import Action, Recommendation
from reviews.models import CommitteeMeeting, ProgressReview
from tests import factories
from tests.recommendations.query_helpers import make_small_and_large_plans, query_count

AS_AT = "2024-11-22"


def _url(challenge, **params):
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("dashboard", args=[challenge.slug]) + (f"?{query}" if query else "")


def _at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T12:00:00"))


@pytest.fixture
def known_plan(challenge, bob, olive):
    """A plan whose every figure as at 22 November 2024 is worked out by hand in the tests below.

    Since the last committee meeting (1 September 2024): 1 went down (Green to Red), 2 went up
    (Amber to Green), 3 was rated for the first time (Amber); 4 stayed Blue, 5 stayed unrated.
    """
    challenge.feedback_report_date = dt.date(2024, 3, 1)
    challenge.save()
    place = factories.make_theme(challenge=challenge, name="Place")
    money = factories.make_theme(challenge=challenge, name="Money")
    created = _at("2024-02-01")

    def action(rec, reference, **extra):
        extra.setdefault("lead_officer", bob)
        return factories.make_action(recommendation=rec, reference=reference, created_at=created, **extra)

    rec1 = factories.make_recommendation(challenge=challenge, number=1, title="Masterplan", theme=place)
    a1 = action(rec1, "1.1", due_date=dt.date(2025, 3, 31))
    factories.make_update(action=a1, rag="green", created_at=_at("2024-08-01"))
    factories.make_update(action=a1, rag="red", created_at=_at("2024-10-01"))
    # Created after the date viewed: it must not count at all.
    factories.make_action(recommendation=rec1, reference="1.2", lead_officer=bob,
                          created_at=_at("2024-12-01"), due_date=dt.date(2024, 12, 2))

    rec2 = factories.make_recommendation(challenge=challenge, number=2, title="Housing", theme=place)
    a2 = action(rec2, "2.1", due_date=dt.date(2025, 3, 31), lead_officer=olive)
    factories.make_update(action=a2, rag="amber", created_at=_at("2024-08-01"))
    factories.make_update(action=a2, rag="green", created_at=_at("2024-10-05"))

    rec3 = factories.make_recommendation(challenge=challenge, number=3, title="Budget", theme=money)
    a3 = action(rec3, "3.1", due_date=dt.date(2024, 12, 10))
    factories.make_update(action=a3, rag="amber", created_at=_at("2024-10-10"))

    rec4 = factories.make_recommendation(challenge=challenge, number=4, title="Audit", theme=money)
    a4 = action(rec4, "4.1", status=Action.Status.COMPLETE, signed_off_at=_at("2024-07-01"),
                due_date=dt.date(2024, 6, 30))
    factories.make_update(action=a4, rag="green", created_at=_at("2024-06-01"))
    a5 = action(rec4, "4.2", status=Action.Status.CLOSED, due_date=dt.date(2024, 5, 1))
    factories.make_update(action=a5, rag="red", created_at=_at("2024-08-01"))

    rec5 = factories.make_recommendation(challenge=challenge, number=5, title="Culture")
    a6 = action(rec5, "5.1", due_date=dt.date(2024, 10, 31))

    CommitteeMeeting.objects.create(challenge=challenge, committee="Scrutiny", meeting_date=dt.date(2024, 9, 1))
    CommitteeMeeting.objects.create(challenge=challenge, committee="Scrutiny", meeting_date=dt.date(2024, 12, 1))
    ProgressReview.objects.create(challenge=challenge, review_date=dt.date(2024, 11, 20))
    return {"actions": {a.reference: a for a in (a1, a2, a3, a4, a5, a6)}}


def _counts(items):
    return {item["value"]: item["count"] for item in items}


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["alice", "bob", "carol"])
def test_coordinators_officers_and_scrutiny_members_can_read_the_dashboard(client, request, persona, challenge, action):
    factories.make_update(action=action, rag="amber")
    client.force_login(request.getfixturevalue(persona))
    response = client.get(_url(challenge))
    assert response.status_code == 200
    assert "Dashboard as at" in response.content.decode()


@pytest.mark.django_db
def test_every_figure_agrees_with_a_known_plan(client, carol, challenge, known_plan):
    client.force_login(carol)
    response = client.get(_url(challenge, as_of=AS_AT))
    assert response.status_code == 200
    board = response.context["board"]
    assert _counts(board.recommendation_counts) == {"blue": 1, "green": 1, "amber": 1, "red": 1, "not_rated": 1}
    # Closed 4.2 and 1.2 (created later) are left out.
    assert _counts(board.action_counts) == {"blue": 1, "green": 1, "amber": 1, "red": 1, "not_rated": 1}
    matrix = {row["theme"]: _counts(row["counts"]) for row in response.context["theme_matrix"]}
    assert matrix == {
        "Money": {"blue": 1, "green": 0, "amber": 1, "red": 0, "not_rated": 0},
        "Place": {"blue": 0, "green": 1, "amber": 0, "red": 1, "not_rated": 0},
        "No theme": {"blue": 0, "green": 0, "amber": 0, "red": 0, "not_rated": 1},
    }
    assert [a.action.reference for a in board.overdue] == ["5.1"]
    assert [a.action.reference for a in board.due_soon] == ["3.1"]
    assert [a.action.reference for a in board.without_update] == ["5.1"]
    body = response.content.decode()
    assert "Dashboard as at 22 November 2024" in body


@pytest.mark.django_db
def test_movement_since_the_last_committee_meeting(client, carol, challenge, known_plan):
    client.force_login(carol)
    response = client.get(_url(challenge, as_of=AS_AT))
    assert response.context["since"].date == dt.date(2024, 9, 1)
    movement = response.context["movement"]
    summary = {key: [(m.recommendation.number, m.before, m.after) for m in moves]
               for key, moves in movement.items()}
    assert summary == {
        "down": [(1, "green", "red")],
        "up": [(2, "amber", "green")],
        "rated": [(3, "not_rated", "amber")],
        "unrated": [],
    }
    assert "since the last committee meeting" in response.content.decode()


@pytest.mark.django_db
def test_movement_since_a_chosen_date(client, carol, challenge, known_plan):
    client.force_login(carol)
    response = client.get(_url(challenge, as_of=AS_AT, since="2024-10-02"))
    movement = response.context["movement"]
    # By 2 October 1.1 was already Red; 2.1 was still Amber; 3.1 unrated.
    assert [m.recommendation.number for m in movement["down"]] == []
    assert [m.recommendation.number for m in movement["up"]] == [2]
    assert [m.recommendation.number for m in movement["rated"]] == [3]


@pytest.mark.django_db
def test_movement_falls_back_to_90_days_without_a_meeting(client, carol, challenge, action):
    client.force_login(carol)
    response = client.get(_url(challenge, as_of=AS_AT))
    assert response.context["since"].date == dt.date(2024, 11, 22) - dt.timedelta(days=90)
    assert "compares with 90 days earlier" in response.content.decode()


@pytest.mark.django_db
def test_timetable_states_met_due_and_no_date_recorded(client, carol, challenge, known_plan):
    client.force_login(carol)
    response = client.get(_url(challenge, as_of=AS_AT))
    states = {m.key: m.state for m in response.context["milestones"]}
    assert states == {
        "feedback_report": "met",
        "action_plan": "not_recorded",
        "progress_review": "met",
        "progress_review_report": "due",
        "next_challenge": "due",
    }
    milestones = {m.key: m for m in response.context["milestones"]}
    assert milestones["progress_review_report"].days_left == 57  # to 18 January 2025
    body = response.content.decode()
    assert "Met on 1 March 2024." in body
    # No action plan date was recorded: the page says so in words and does not call it missed.
    assert "Missed" not in body
    assert "2 met, 2 due, 1 with no date recorded, 0 missed as at 22 November 2024." in body
    assertContains(response, '<strong class="govuk-tag govuk-tag--grey">No date recorded</strong>',
                   count=1, html=True)
    assert ("No date recorded: it was due by 18 June 2024. If it has happened, a coordinator can "
            "record the date on the challenge’s Set up pages, under Challenge details, as "
            "“Action plan published”.") in body


@pytest.mark.django_db
def test_timetable_calls_a_date_recorded_after_the_limit_missed_in_red(client, carol, challenge, known_plan):
    challenge.action_plan_published_on = dt.date(2024, 7, 1)
    challenge.save()
    client.force_login(carol)
    response = client.get(_url(challenge, as_of=AS_AT))
    states = {m.key: m.state for m in response.context["milestones"]}
    assert states["action_plan"] == "missed"
    assertContains(response, '<strong class="govuk-tag govuk-tag--red">Missed</strong>', count=1, html=True)
    assertNotContains(response, "No date recorded")
    assert "2 met, 2 due, 0 with no date recorded, 1 missed" in response.content.decode()


@pytest.mark.django_db
def test_rag_over_time_is_rebuilt_per_quarter(client, carol, challenge, known_plan):
    client.force_login(carol)
    response = client.get(_url(challenge, as_of=AS_AT))
    pictures = response.context["over_time"]
    assert [str(p.period) for p in pictures] == ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3"]
    # End of June: 4.1 rated Green but not yet signed off; nothing else rated.
    assert _counts(pictures[0].counts) == {"blue": 0, "green": 1, "amber": 0, "red": 0, "not_rated": 4}
    assert _counts(pictures[1].counts) == {"blue": 1, "green": 1, "amber": 1, "red": 0, "not_rated": 2}
    assert pictures[2].is_partial
    # The last picture is the plan as at the date viewed.
    at_date = asof.recommendation_ratings(Recommendation.objects.filter(challenge=challenge), dt.date(2024, 11, 22))
    assert pictures[2].counts == rag_counts(at_date.values())


@pytest.mark.django_db
def test_charts_are_accessible_svg_with_the_numbers_also_in_a_table(client, carol, challenge, known_plan):
    client.force_login(carol)
    body = client.get(_url(challenge, as_of=AS_AT)).content.decode()
    assert body.count('role="img"') == 3
    assert 'aria-labelledby="chart-recommendations-title"' in body
    assert '<title id="chart-recommendations-title">Recommendations by RAG rating</title>' in body
    assert "Recommendations by RAG rating, 5 in all: Blue 1, Green 1, Amber 1, Red 1, Not yet rated 1." in body
    assert 'id="rag-counts"' in body and 'id="over-time-table"' in body


@pytest.mark.django_db
def test_a_bad_date_gets_a_clear_message_not_an_error(client, carol, challenge, action):
    client.force_login(carol)
    response = client.get(_url(challenge, as_of="2024-02-30"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "There is a problem" in body
    assert "is not one" in body
    assert response.context["as_of"].date == timezone.localdate()


@pytest.mark.django_db
def test_a_future_date_shows_today(client, carol, challenge, action):
    client.force_login(carol)
    future = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = client.get(_url(challenge, as_of=future))
    assert response.status_code == 200
    assert response.context["as_of"].date == timezone.localdate()
    assert "so " in response.context["as_of"].note


@pytest.mark.django_db
def test_a_comparison_date_after_the_date_viewed_is_refused(client, carol, challenge, action):
    client.force_login(carol)
    response = client.get(_url(challenge, as_of=AS_AT, since="2024-12-01"))
    assert response.status_code == 400
    assert "before 22 November 2024" in response.content.decode()


@pytest.mark.django_db
def test_query_count_is_the_same_for_10_and_500_recommendations(
    client, carol, bob, northtown, django_assert_max_num_queries
):
    small, large = make_small_and_large_plans(council=northtown, officer=bob, updates_per_action=3)
    client.force_login(carol)
    assert query_count(client, _url(small, as_of="2025-06-30")) == query_count(client, _url(large, as_of="2025-06-30"))
    cache.clear()  # cold again: a cached page would pass any bound
    with django_assert_max_num_queries(20):
        client.get(_url(large))
