"""The plan as at a date (recommendations/asof.py): history, timestamps, folding and query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from recommendations import asof
from recommendations.models import Action, Recommendation
from recommendations.rag import NOT_RATED, Rag
from tests import factories

pytestmark = pytest.mark.django_db


def _at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _backdate_history(action: Action, day: dt.date) -> None:
    """Makes the action's history so far look as if it had been written on `day`."""
    Action.history.filter(id=action.pk).update(history_date=_at(day))


def test_end_of_day_is_the_last_instant_of_the_day_in_the_site_time_zone():
    moment = asof.end_of_day(dt.date(2024, 6, 30))
    assert timezone.localtime(moment).date() == dt.date(2024, 6, 30)
    assert timezone.localtime(moment + dt.timedelta(microseconds=1)).date() == dt.date(2024, 7, 1)


def test_today_and_later_days_are_now():
    today = timezone.localdate()
    assert asof.moment_of(None) is None
    assert asof.moment_of(today) is None
    assert asof.moment_of(today + dt.timedelta(days=3)) is None
    assert asof.moment_of(today - dt.timedelta(days=1)) == asof.end_of_day(today - dt.timedelta(days=1))


def test_an_action_closed_later_still_counted_while_it_was_open(challenge, bob):
    recommendation = factories.make_recommendation(challenge=challenge, number=1)
    action = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                   created_at=_at(dt.date(2024, 5, 1)))
    _backdate_history(action, dt.date(2024, 5, 1))
    factories.make_update(action=action, rag=Rag.RED, created_at=_at(dt.date(2024, 6, 1)))
    action.status = Action.Status.CLOSED
    action.save()  # a history record now

    then = asof.plan_as_at(challenge, dt.date(2024, 7, 1))
    assert then.ratings() == {recommendation.pk: Rag.RED}
    assert then.action(action.pk).status == Action.Status.IN_PROGRESS
    now = asof.plan_as_at(challenge)
    assert now.ratings() == {recommendation.pk: NOT_RATED}
    assert now.action(action.pk).counted_rating is None


def test_the_due_date_then_decides_overdue_then(challenge, alice, bob):
    recommendation = factories.make_recommendation(challenge=challenge, number=1)
    action = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                   due_date=dt.date(2024, 6, 30), created_at=_at(dt.date(2024, 5, 1)))
    _backdate_history(action, dt.date(2024, 5, 1))
    action.edit(expected_version=action.version, by=alice, reason="Waiting for the budget.",
                due_date=timezone.localdate() + dt.timedelta(days=60))

    july = asof.plan_as_at(challenge, dt.date(2024, 7, 15)).action(action.pk)
    assert (july.due_date, july.overdue) == (dt.date(2024, 6, 30), True)
    now = asof.plan_as_at(challenge).action(action.pk)
    assert now.overdue is False


def test_without_history_the_status_comes_from_the_sign_off_and_report_times(challenge, bob):
    recommendation = factories.make_recommendation(challenge=challenge, number=1)
    action = factories.make_action(
        recommendation=recommendation, lead_officer=bob, status=Action.Status.COMPLETE,
        created_at=_at(dt.date(2024, 4, 1)), completion_reported_at=_at(dt.date(2024, 9, 1)),
        signed_off_at=_at(dt.date(2024, 10, 1)), due_date=dt.date(2024, 8, 31))
    factories.make_update(action=action, rag=Rag.BLUE, created_at=_at(dt.date(2024, 9, 1)))
    # The history records were written today, after every date below (an imported plan).

    def status_on(day):
        return asof.plan_as_at(challenge, day).action(action.pk)

    assert asof.plan_as_at(challenge, dt.date(2024, 3, 31)).actions == []  # not created yet
    august = status_on(dt.date(2024, 8, 15))
    assert (august.status, august.rating, august.overdue) == (Action.Status.IN_PROGRESS, NOT_RATED, False)
    september = status_on(dt.date(2024, 9, 15))
    # Reported complete but not signed off: Green, never Blue (the truth rule).
    assert (september.status, september.rating, september.overdue) == (
        Action.Status.AWAITING_SIGN_OFF, Rag.GREEN, False)
    assert asof.plan_as_at(challenge, dt.date(2024, 9, 15)).ratings()[recommendation.pk] == Rag.GREEN
    october = status_on(dt.date(2024, 10, 2))
    assert (october.status, october.rating) == (Action.Status.COMPLETE, Rag.BLUE)
    assert asof.plan_as_at(challenge, dt.date(2024, 10, 2)).ratings()[recommendation.pk] == Rag.BLUE


def test_the_latest_update_is_the_last_made_by_then_and_ties_go_to_the_higher_id(challenge, bob):
    recommendation = factories.make_recommendation(challenge=challenge, number=1)
    action = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                   created_at=_at(dt.date(2024, 4, 1)))
    same_moment = _at(dt.date(2024, 6, 1))
    factories.make_update(action=action, rag=Rag.RED, created_at=same_moment)
    factories.make_update(action=action, rag=Rag.AMBER, created_at=same_moment)
    factories.make_update(action=action, rag=Rag.GREEN, created_at=_at(dt.date(2024, 8, 1)))

    assert asof.plan_as_at(challenge, dt.date(2024, 5, 31)).action(action.pk).latest_rag is None
    assert asof.plan_as_at(challenge, dt.date(2024, 6, 1)).action(action.pk).latest_rag == Rag.AMBER
    assert asof.plan_as_at(challenge).action(action.pk).latest_rag == Rag.GREEN


def _varied_plan(challenge, bob, alice):
    """Eight recommendations whose actions were rated, reported, signed off and moved over a year."""
    start = dt.date(2024, 4, 1)
    for number in range(1, 9):
        recommendation = factories.make_recommendation(challenge=challenge, number=number)
        for index in range(1, 4):
            created = start + dt.timedelta(days=7 * number + index)
            action = factories.make_action(recommendation=recommendation, reference=f"{number}.{index}",
                                           lead_officer=bob, created_at=_at(created),
                                           due_date=created + dt.timedelta(days=40 * index))
            _backdate_history(action, created)
            for step, rating in enumerate([Rag.GREEN, Rag.AMBER, Rag.RED, Rag.GREEN][: (number + index) % 5]):
                factories.make_update(action=action, rag=rating,
                                      created_at=_at(created + dt.timedelta(days=30 * (step + 1))))


def test_folding_history_gives_the_same_picture_as_asking_for_that_day(challenge, bob, alice):
    _varied_plan(challenge, bob, alice)
    now = asof.plan_as_at(challenge, timeline=True)
    for day in [dt.date(2024, 4, 5), dt.date(2024, 6, 30), dt.date(2024, 9, 30), dt.date(2025, 1, 15),
                dt.date(2025, 6, 30)]:
        fresh = asof.plan_as_at(challenge, day)
        folded = now.earlier(day)
        assert folded.ratings() == fresh.ratings(), day
        assert [(a.pk, a.status, a.rating, a.overdue, a.due_soon, a.needs_update) for a in folded.actions] == [
            (a.pk, a.status, a.rating, a.overdue, a.due_soon, a.needs_update) for a in fresh.actions], day
    pictures = now.over_time()
    assert pictures[-1].counts == now.recommendation_counts
    for picture in pictures[:-1]:
        assert picture.counts == asof.plan_as_at(challenge, picture.period.end).recommendation_counts


def test_recommendation_ratings_agree_with_the_whole_picture(challenge, bob, alice):
    _varied_plan(challenge, bob, alice)
    for day in [dt.date(2024, 7, 1), dt.date(2024, 12, 1), None]:
        assert asof.recommendation_ratings(Recommendation.objects.filter(challenge=challenge), day) == (
            asof.plan_as_at(challenge, day).ratings())


@pytest.mark.parametrize("day", [None, dt.date(2024, 11, 22)])
def test_a_picture_costs_the_same_queries_for_one_challenge_or_many(northtown, bob, alice, day):
    def build(count):
        challenges = []
        for _ in range(count):
            challenge = factories.make_challenge(council=northtown)
            _varied_plan(challenge, bob, alice)
            challenges.append(challenge)
        return challenges

    small, large = build(1), build(3)
    with CaptureQueriesContext(connection) as one:
        asof.plans_as_at(small, day, details=True, timeline=True)
    with CaptureQueriesContext(connection) as three:
        plans = asof.plans_as_at(large, day, details=True, timeline=True)
    assert len(one) == len(three) <= 5
    assert sum(len(plan.actions) for plan in plans.values()) > 40
