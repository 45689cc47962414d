from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from recommendations.timetable import (
    DUE,
    MET,
    MISSED,
    NOT_RECORDED,
    STATE_LABELS,
    add_months,
    build_timetable,
    summarise,
    timetables_for,
)
from reviews.models import ProgressReview
from tests import factories


def _challenge(**dates):
    values = {"onsite_end": dt.date(2024, 1, 18), "feedback_report_date": None,
              "feedback_report_published_on": None, "action_plan_published_on": None}
    values.update(dates)
    return SimpleNamespace(**values)


def _by_key(milestones):
    return {m.key: m for m in milestones}


def _timetable(*, challenge=None, **kwargs):
    """Returns the milestones by key of `challenge`'s timetable (by default one that ended on 18 January 2024)."""
    return _by_key(build_timetable(challenge=challenge or _challenge(), **kwargs))


def _plan(*, recorded_on, as_of):
    """Returns the action plan's milestone, as at `as_of`, when its publication was recorded on `recorded_on`."""
    return _timetable(challenge=_challenge(action_plan_published_on=recorded_on), as_of=as_of)["action_plan"]


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
    plan = _plan(recorded_on=dt.date(2024, 6, 1), as_of=dt.date(2024, 7, 1))
    assert plan.state == MET
    assert "after the 18 April 2024 target but by the 18 June 2024 limit" in plan.explanation


def test_action_plan_after_5_months_is_missed_with_its_date():
    plan = _plan(recorded_on=dt.date(2024, 7, 1), as_of=dt.date(2024, 8, 1))
    assert plan.state == MISSED
    assert plan.days_late == 13
    assert "done on 1 July 2024, 13 days after the 18 June 2024 limit" in plan.explanation


def test_a_date_recorded_after_the_date_viewed_had_not_happened_yet():
    challenge = _challenge(feedback_report_date=dt.date(2024, 3, 1))
    earlier = _timetable(challenge=challenge, as_of=dt.date(2024, 2, 15))["feedback_report"]
    later = _timetable(challenge=challenge, as_of=dt.date(2024, 3, 15))["feedback_report"]
    assert earlier.state == DUE and later.state == MET


def test_progress_review_and_its_report():
    milestones = _timetable(as_of=dt.date(2025, 2, 1), review_dates=[(dt.date(2024, 11, 22), None)])
    assert milestones["progress_review"].state == MET
    # No publication date recorded for the report, nor for the feedback report and action plan.
    assert milestones["progress_review_report"].state == NOT_RECORDED
    assert milestones["next_challenge"].state == DUE
    assert "not expected before 18 January 2028" in milestones["next_challenge"].explanation
    assert summarise(milestones.values()) == {MET: 1, DUE: 1, NOT_RECORDED: 3, MISSED: 0}


def test_next_challenge_within_five_years_is_met_and_later_is_missed():
    challenge = _challenge(onsite_end=dt.date(2018, 10, 12))
    within = _timetable(challenge=challenge, as_of=dt.date(2024, 2, 1),
                        next_challenge_start=dt.date(2023, 6, 5))["next_challenge"]
    assert within.state == MET
    assert "Met on 5 June 2023" in within.explanation
    # Coventry's 2018 and 2024 challenges were five years and three months apart.
    later = _timetable(challenge=challenge, as_of=dt.date(2024, 2, 1),
                       next_challenge_start=dt.date(2024, 1, 15))["next_challenge"]
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


# The states at each boundary. The challenge ended on 18 January 2024, so the action plan's
# target is 18 April 2024 and its limit 18 June 2024.
LIMIT = dt.date(2024, 6, 18)
DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(("recorded_on", "as_of", "state"), [
    # Nothing recorded: due up to and including the limit, then "no date recorded", never missed.
    (None, LIMIT - DAY, DUE),
    (None, LIMIT, DUE),
    (None, LIMIT + DAY, NOT_RECORDED),
    (None, dt.date(2030, 1, 1), NOT_RECORDED),
    # Recorded on or before the limit: met once the date viewed reaches it, due before.
    (LIMIT, LIMIT, MET),
    (LIMIT, LIMIT - DAY, DUE),
    (dt.date(2024, 5, 31), dt.date(2024, 5, 30), DUE),
    (dt.date(2024, 5, 31), dt.date(2024, 5, 31), MET),
    (dt.date(2024, 5, 31), dt.date(2025, 1, 1), MET),
    # Recorded after the limit: missed once it happened...
    (LIMIT + DAY, LIMIT + DAY, MISSED),
    (dt.date(2024, 7, 1), dt.date(2025, 1, 1), MISSED),
    # ...and, as at a day between the limit and the recorded date, missed too: it had not
    # happened by then and the limit had passed, which the recorded date proves.
    (dt.date(2024, 7, 1), LIMIT + DAY, MISSED),
    (dt.date(2024, 7, 1), dt.date(2024, 6, 30), MISSED),
    # ...but due while the limit had not yet passed on the day viewed.
    (dt.date(2024, 7, 1), LIMIT, DUE),
])
def test_action_plan_state_at_each_boundary(recorded_on, as_of, state):
    assert _plan(recorded_on=recorded_on, as_of=as_of).state == state


def test_no_date_recorded_is_not_missed_and_says_where_a_coordinator_records_it():
    plan = _plan(recorded_on=None, as_of=dt.date(2024, 8, 1))
    assert plan.state == NOT_RECORDED
    assert plan.state_label == STATE_LABELS[NOT_RECORDED] == "No date recorded"
    assert plan.days_late is None and plan.days_left is None and plan.done_on is None
    assert plan.explanation == (
        "No date recorded: it was due by 18 June 2024. If it has happened, a coordinator can "
        "record the date on the challenge’s Set up pages, under Challenge details, as “Action plan published”."
    )
    assert "Missed" not in plan.explanation


def test_a_date_recorded_after_the_day_viewed_and_after_the_limit_reads_missed_as_at_that_day():
    plan = _plan(recorded_on=dt.date(2024, 7, 1), as_of=dt.date(2024, 6, 25))
    assert plan.done_on is None  # not yet happened as at 25 June
    assert plan.days_late == 7
    assert plan.explanation == "Missed: not done by 18 June 2024 (7 days ago)."


def test_missed_by_one_day_says_day_not_days():
    plan = _plan(recorded_on=LIMIT + DAY, as_of=dt.date(2024, 8, 1))
    assert plan.explanation == "Missed: done on 19 June 2024, 1 day after the 18 June 2024 limit."


def test_each_milestone_without_a_date_names_where_its_date_is_recorded():
    milestones = _timetable(challenge=_challenge(onsite_end=dt.date(2018, 10, 12)), as_of=dt.date(2024, 2, 1))
    assert {m.state for m in milestones.values()} == {NOT_RECORDED}
    where = {key: m.explanation.split("a coordinator can record the date ")[1]
             for key, m in milestones.items()}
    assert where == {
        "feedback_report": "on the challenge’s Set up pages, under Challenge details, as “Feedback report published”.",
        "action_plan": "on the challenge’s Set up pages, under Challenge details, as “Action plan published”.",
        "progress_review": "on the challenge's Progress review page.",
        "progress_review_report": "with the peers' feedback on the challenge's Progress review page.",
        "next_challenge": "by creating the next challenge (“Create a challenge” on the home page).",
    }
    assert milestones["next_challenge"].explanation.startswith(
        "No date recorded: it was due by 12 October 2023.")


def test_a_progress_review_recorded_for_after_the_limit_is_missed_not_unrecorded():
    # Held 13 months after the challenge; viewed a week after the 12-month limit, before it was held.
    milestones = _timetable(as_of=dt.date(2025, 1, 25), review_dates=[(dt.date(2025, 2, 18), None)])
    assert milestones["progress_review"].state == MISSED
    assert milestones["progress_review_report"].state == NOT_RECORDED


def test_summary_counts_every_state_separately_in_order():
    challenge = _challenge(feedback_report_date=dt.date(2024, 3, 1),
                           action_plan_published_on=dt.date(2024, 7, 1))
    milestones = build_timetable(challenge=challenge, as_of=dt.date(2025, 2, 1),
                                 review_dates=[(dt.date(2024, 11, 22), None)])
    assert [m.state for m in milestones] == [MET, MISSED, MET, NOT_RECORDED, DUE]
    summary = summarise(milestones)
    assert summary == {MET: 2, DUE: 1, NOT_RECORDED: 1, MISSED: 1}
    assert list(summary) == [MET, DUE, NOT_RECORDED, MISSED]
    assert summarise([]) == {MET: 0, DUE: 0, NOT_RECORDED: 0, MISSED: 0}
