"""The data a pack is built from: ratings as at a date, movement, overdue actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from recommendations.models import Action
from reviews.packs.snapshot import build_snapshot, movement
from tests import factories
from tests.factories import make_pack, make_report


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


@pytest.mark.parametrize(("now", "before", "expected"), [
    ("green", "red", "Improved from Red"),
    ("red", "amber", "Worse than Amber before"),
    ("amber", "amber", "No change"),
    ("blue", "green", "Improved from Green"),
    ("amber", "not_rated", "Was Not yet rated"),
    ("green", None, "New since the last pack"),
])
def test_movement_is_said_in_words(now, before, expected):
    assert movement(now, before, compared=True)["text"] == expected


def test_without_an_earlier_pack_no_movement_is_claimed():
    assert movement("red", None, compared=False)["text"] == "No earlier pack"


@pytest.mark.django_db
def test_as_of_uses_only_updates_made_by_the_end_of_that_day(report, action):
    action.created_at = _moment(dt.date(2024, 2, 1))
    action.save()
    factories.make_update(action=action, rag="amber", created_at=_moment(dt.date(2024, 5, 1)),
                          narrative="Spring update")
    factories.make_update(action=action, rag="red", created_at=_moment(dt.date(2024, 8, 1)),
                          narrative="Summer update")
    then = build_snapshot(report=report, as_of=dt.date(2024, 6, 30))
    now = build_snapshot(report=report)
    rec_then, rec_now = then["recommendations"][0], now["recommendations"][0]
    assert rec_then["rag"] == "amber"
    assert rec_then["actions"][0]["latest_update"]["narrative"] == "Spring update"
    assert rec_now["rag"] == "red"
    assert then["as_of"] == "2024-06-30"


@pytest.mark.django_db
def test_actions_created_after_the_date_are_left_out(report, recommendation, bob):
    factories.make_action(recommendation=recommendation, lead_officer=bob)
    snapshot = build_snapshot(report=report, as_of=dt.date(2024, 1, 20))
    assert snapshot["recommendations"][0]["actions"] == []


@pytest.mark.django_db
def test_an_action_signed_off_after_the_date_was_still_open_then(report, recommendation, bob):
    done = factories.make_action(recommendation=recommendation, lead_officer=bob,
                                 status=Action.Status.COMPLETE, due_date=dt.date(2024, 3, 31),
                                 signed_off_at=_moment(dt.date(2024, 9, 1)),
                                 created_at=_moment(dt.date(2024, 2, 1)))
    Action.history.filter(id=done.pk).delete()  # as for data imported after the fact
    snapshot = build_snapshot(report=report, as_of=dt.date(2024, 6, 30))
    row = snapshot["recommendations"][0]["actions"][0]
    assert row["status"] == Action.Status.IN_PROGRESS
    assert row["overdue"] is True
    assert snapshot["overdue_actions"][0]["reference"] == row["reference"]


@pytest.mark.django_db
def test_open_actions_past_due_are_overdue_and_finished_ones_are_not(report, recommendation, bob):
    factories.make_action(recommendation=recommendation, lead_officer=bob,
                          due_date=dt.date(2024, 3, 1))
    factories.make_action(recommendation=recommendation, lead_officer=bob,
                          status=Action.Status.COMPLETE, due_date=dt.date(2024, 3, 1))
    factories.make_action(recommendation=recommendation, lead_officer=bob,
                          due_date=timezone.localdate() + dt.timedelta(days=30))
    rows = build_snapshot(report=report)["recommendations"][0]["actions"]
    assert [row["overdue"] for row in rows] == [True, False, False]


@pytest.mark.django_db
def test_movement_is_measured_against_the_previous_packs_stored_snapshot(report, action):
    make_pack(report=report, as_of=dt.date(2024, 9, 30),
              snapshot={"recommendations": [{"number": 1, "rag": "red"}]})
    factories.make_update(action=action, rag="amber")
    snapshot = build_snapshot(report=report)
    rec = snapshot["recommendations"][0]
    assert rec["previous_rag"] == "red"
    assert rec["movement"]["text"] == "Improved from Red"
    assert snapshot["previous_pack"]["sequence"] == 1


@pytest.mark.django_db
def test_a_later_pack_is_not_the_previous_one_for_an_earlier_date(report, action):
    make_pack(report=report, as_of=dt.date(2024, 12, 31),
              snapshot={"recommendations": [{"number": 1, "rag": "red"}]})
    snapshot = build_snapshot(report=make_report(challenge=report.challenge),
                              as_of=dt.date(2024, 6, 30))
    assert snapshot["previous_pack"] is None


@pytest.mark.django_db
def test_counts_cover_every_rating_in_order(report, challenge, bob):
    for number, rating in enumerate(["red", "amber", "amber", None], start=2):
        rec = factories.make_recommendation(challenge=challenge, number=number)
        act = factories.make_action(recommendation=rec, lead_officer=bob)
        if rating:
            factories.make_update(action=act, rag=rating)
    counts = {c["rag"]: c["count"] for c in build_snapshot(report=report)["rag_counts"]}
    assert counts == {"blue": 0, "green": 0, "amber": 2, "red": 1, "not_rated": 1}
