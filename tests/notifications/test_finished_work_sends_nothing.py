"""Archived challenges and finished actions send nothing: not due soon, overdue, no update by the
deadline, its escalation or the coordinators' weekly summary, and no "account switched off" notice
for an officer whose open actions are all archived. The same action left open sends each of them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from notifications import schedule
from notifications.kinds import Kind
from notifications.models import Notification
from recommendations.models import Action
from recommendations.periods import ReportingPeriod
from tests import factories
from tests.notifications.conftest import next_deadline, notes

pytestmark = pytest.mark.django_db

# What the daily run says of an action waiting on its officer, over the four weeks after a deadline.
DATED_KINDS = {Kind.DUE_SOON, Kind.OVERDUE, Kind.NO_UPDATE, Kind.ESCALATION, Kind.INBOX_DIGEST}


def _sign_off(action: Action, people: dict[str, Any]) -> None:
    action.record_progress(rag="blue", period=ReportingPeriod.current(), narrative="Done.", by=people["bob"])
    action.sign_off(by=people["alice"])


FINISH = {
    "left open": lambda action, people: None,
    "challenge archived": lambda action, people: action.recommendation.challenge.archive(by=people["alice"]),
    "action closed": lambda action, people: action.close(by=people["alice"], reason="Superseded."),
    "action signed off": _sign_off,
}


@pytest.mark.parametrize(("finish", "expected"), [
    ("left open", DATED_KINDS),
    ("challenge archived", set()),
    ("action closed", set()),
    ("action signed off", set()),
])
def test_four_weeks_of_daily_runs_say_nothing_of_finished_work(people, northtown, recommendation, finish, expected):
    deadline = next_deadline()
    action = factories.make_action(recommendation=recommendation, lead_officer=people["bob"],
                                   due_date=deadline + dt.timedelta(days=10))
    FINISH[finish](action, people)
    for days in range(1, 30):
        schedule.run(council_id=northtown.pk, day=deadline + dt.timedelta(days=days))
    assert set(Notification.objects.values_list("kind", flat=True)) & DATED_KINDS == expected


def test_switching_off_an_officer_whose_open_actions_are_all_archived_tells_nobody(people, challenge,
                                                                                  recommendation, committed):
    bob = people["bob"]
    factories.make_action(recommendation=recommendation, lead_officer=bob,
                          due_date=next_deadline() + dt.timedelta(days=30))
    challenge.archive(by=people["alice"])
    with committed():
        bob.is_active = False
        bob.save()
    assert notes(people["alice"], Kind.OFFICER_DEACTIVATED) == []
