from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from recommendations.timetable import DUE, MET, MISSED, add_months, build_timetable, summarise, timetables_for
from reviews.models import ProgressReview
from tests import factories


def _challenge(**dates):
    values = {"onsite_end": dt.date(2024, 1, 18), "feedback_report_date": None, "action_plan_published_on": None}
    values.update(dates)
    return SimpleNamespace(**values)


def _by_key(milestones):
    return {m.key: m for m in milestones}


def test_add_months_clamps_to_the_end_of_a_short_month():
    assert add_months(dt.date(2024, 8, 31), 6) == dt.date(2025, 2, 28)
    assert add_months(dt.date(2024, 1, 18), 12) == dt.date(2025, 1, 18)
    assert add_months(dt.date(2023, 11, 30), 3) == dt.date(2024, 2, 29)


def test_everything_is_due_just_after_the_challenge():
    milestones = build_timetable(challenge=_challenge(), as_of=dt.date(2024, 2, 1))
    assert [m.state for m in milestones] == [DUE] * 5
    report = _by_key(milestones)["feedback_report"]
    assert report.latest == dt.date(2024, 4, 18)
    assert report.days_left == 77
    assert "Due by 18 April 2024 (in 77 days)" in report.explanation


def test_action_plan_between_3_and_5_months_is_met_late_but_within_the_limit():
    challenge = _challenge(action_plan_published_on=dt.date(2024, 6, 1))
    plan = _by_key(build_timetable(challenge=challenge, as_of=dt.date(2024, 7, 1)))["action_plan"]
    assert plan.state == MET
    assert "after the 18 April 2024 target but by the 18 June 2024 limit" in plan.explanation


def test_action_plan_after_5_months_is_missed_with_its_date():
    challenge = _challenge(action_plan_published_on=dt.date(2024, 7, 1))
    plan = _by_key(build_timetable(challenge=challenge, as_of=dt.date(2024, 8, 1)))["action_plan"]
    assert plan.state == MISSED
    assert plan.days_late == 13
    assert "done on 1 July 2024, 13 days after the 18 June 2024 limit" in plan.explanation


def test_a_date_recorded_after_the_date_viewed_had_not_happened_yet():
    challenge = _challenge(feedback_report_date=dt.date(2024, 3, 1))
    earlier = _by_key(build_timetable(challenge=challenge, as_of=dt.date(2024, 2, 15)))["feedback_report"]
    later = _by_key(build_timetable(challenge=challenge, as_of=dt.date(2024, 3, 15)))["feedback_report"]
    assert earlier.state == DUE and later.state == MET


def test_progress_review_and_its_report():
    milestones = _by_key(build_timetable(
        challenge=_challenge(), as_of=dt.date(2025, 2, 1),
        review_dates=[(dt.date(2024, 11, 22), None)],
    ))
    assert milestones["progress_review"].state == MET
    assert milestones["progress_review_report"].state == MISSED
    assert milestones["next_challenge"].state == DUE
    assert "not expected before 18 January 2028" in milestones["next_challenge"].explanation
    # The feedback report and action plan were never recorded: missed too.
    assert summarise(milestones.values()) == {MET: 1, DUE: 1, MISSED: 3}


def test_next_challenge_within_five_years_is_met_and_later_is_missed():
    challenge = _challenge(onsite_end=dt.date(2018, 10, 12))
    within = _by_key(build_timetable(challenge=challenge, as_of=dt.date(2024, 2, 1),
                                     next_challenge_start=dt.date(2023, 6, 5)))["next_challenge"]
    assert within.state == MET
    assert "Met on 5 June 2023" in within.explanation
    # Coventry's 2018 and 2024 challenges were five years and three months apart.
    later = _by_key(build_timetable(challenge=challenge, as_of=dt.date(2024, 2, 1),
                                    next_challenge_start=dt.date(2024, 1, 15)))["next_challenge"]
    assert later.state == MISSED


@pytest.mark.django_db
def test_timetables_for_finds_reviews_and_the_councils_next_challenge(northtown, django_assert_num_queries):
    old = factories.make_challenge(council=northtown, slug="old", onsite_start=dt.date(2018, 10, 9),
                                   onsite_end=dt.date(2018, 10, 12))
    new = factories.make_challenge(council=northtown, slug="new")
    ProgressReview.objects.create(challenge=new, review_date=dt.date(2024, 11, 22),
                                  report_published_on=dt.date(2025, 1, 10))
    with django_assert_num_queries(2):
        result = timetables_for([old, new], as_of=dt.date(2025, 2, 1))
    assert _by_key(result[old.pk])["next_challenge"].done_on == dt.date(2024, 1, 15)
    assert _by_key(result[new.pk])["progress_review_report"].state == MET
    assert _by_key(result[new.pk])["next_challenge"].done_on is None
