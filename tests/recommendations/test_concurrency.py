"""No lost updates: concurrent edits and progress updates on PostgreSQL, with real threads."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection

from recommendations.models import Action, EditConflict, InvalidTransition, ProgressUpdate
from recommendations.periods import ReportingPeriod
from tests import factories

pytestmark = pytest.mark.postgres

THREADS = 8


@pytest.fixture
def people(transactional_db):
    """A recommendation, coordinators alice and olivia, and bob, an officer, committed so threads see them."""
    council = factories.make_council(name="Northtown Council", slug="northtown")
    challenge = factories.make_challenge(council=council)
    recommendation = factories.make_recommendation(challenge=challenge)
    alice = factories.make_user(username="alice", council=council, role="coordinator",
                                first_name="Alice", last_name="Coordinator")
    olivia = factories.make_user(username="olivia", council=council, role="coordinator")
    bob = factories.make_user(username="bob", council=council, role="officer")
    return recommendation, alice, olivia, bob


@pytest.fixture
def shared(people):
    """An action with no lead officer, and a coordinator to edit it."""
    recommendation, alice, _, _ = people
    return factories.make_action(recommendation=recommendation), alice


def test_eight_editors_of_one_version_give_exactly_one_accepted_edit(shared, run_together):
    assert connection.vendor == "postgresql"
    action, coordinator = shared

    def edit(index: int) -> str:
        mine = Action.objects.get(pk=action.pk)  # each loaded version 1
        try:
            mine.edit(expected_version=1, by=coordinator, description=f"Edit {index}")
        except EditConflict:
            return "conflict"
        return "accepted"

    results = run_together(edit, count=THREADS)
    assert sorted(results) == ["accepted"] + ["conflict"] * (THREADS - 1)
    action.refresh_from_db()
    assert action.version == 2
    assert action.history.filter(version=2).count() == 1


def test_editors_who_retry_after_a_conflict_all_land_once_per_version(shared, run_together):
    action, coordinator = shared

    def edit_until_accepted(index: int) -> list[int]:
        conflicts = []
        while True:
            mine = Action.objects.get(pk=action.pk)
            try:
                mine.edit(expected_version=mine.version, by=coordinator,
                          description=f"Edit {index}")
            except EditConflict:
                conflicts.append(mine.version)
                continue
            return [mine.version]  # the version this editor's change created

    results = run_together(edit_until_accepted, count=THREADS)
    assert not [r for r in results if isinstance(r, Exception)], results
    created = sorted(version for result in results for version in result)
    assert created == list(range(2, THREADS + 2))  # one accepted edit per version
    action.refresh_from_db()
    assert action.version == THREADS + 1
    # No lost change: every editor's text is in the history, each exactly once.
    texts = list(action.history.filter(version__gt=1).values_list("description", flat=True))
    assert sorted(texts) == sorted(f"Edit {i}" for i in range(THREADS))
    newest = action.history.order_by("-version").first()
    assert newest.description == action.description


def test_two_progress_updates_posted_at_once_are_both_kept(shared, run_together):
    action, coordinator = shared
    Action.objects.filter(pk=action.pk).update(status=Action.Status.NOT_STARTED)

    def record(index: int) -> int:
        mine = Action.objects.get(pk=action.pk)
        update = mine.record_progress(rag="amber" if index else "green",
                                      period=ReportingPeriod.current(),
                                      narrative=f"Update {index}", by=coordinator)
        return update.pk

    results = run_together(record, count=2)
    assert all(isinstance(pk, int) for pk in results), results
    narratives = set(ProgressUpdate.objects.filter(action=action).values_list("narrative", flat=True))
    assert narratives == {"Update 0", "Update 1"}
    action.refresh_from_db()
    assert action.status == Action.Status.IN_PROGRESS


def test_a_sign_off_and_a_return_at_once_leave_one_decision(shared, run_together):
    action, coordinator = shared
    Action.objects.filter(pk=action.pk).update(status=Action.Status.AWAITING_SIGN_OFF)

    def decide(index: int) -> str:
        mine = Action.objects.get(pk=action.pk)
        try:
            if index == 0:
                mine.sign_off(by=coordinator)
            else:
                mine.return_for_work(by=coordinator, reason="Not yet.")
        except Exception as error:  # noqa: BLE001
            return type(error).__name__
        return "done"

    results = run_together(decide, count=2)
    assert sorted(results) == ["InvalidTransition", "done"]
    action.refresh_from_db()
    assert action.status in (Action.Status.COMPLETE, Action.Status.IN_PROGRESS)
    assert action.sign_off_returns.count() == (1 if action.status == "in_progress" else 0)


ROUNDS = 8


def awaiting_sign_off(recommendation, bob, index: int) -> Action:
    return factories.make_action(recommendation=recommendation, reference=f"R{index}",
                                 lead_officer=bob, status=Action.Status.AWAITING_SIGN_OFF)


def slow_update_saves(monkeypatch, seconds: float = 0.05) -> None:
    """Widens the gap between reading the status and writing the update, as a busy server would."""
    original = ProgressUpdate.save

    def save(update, *args, **kwargs):
        time.sleep(seconds)
        return original(update, *args, **kwargs)

    monkeypatch.setattr(ProgressUpdate, "save", save)


def outcome(work: Callable[[], Any]) -> str:
    try:
        work()
    except InvalidTransition as refusal:
        return f"refused: {refusal}"
    return "done"


def races_with_progress(people, monkeypatch, run_together, decide: Callable[[Action, Any], None], *, rag: str,
                        narrative: str) -> Iterator[tuple[int, Action, str, str]]:
    """Yields (round, action, decided, recorded) for ROUNDS fresh actions awaiting sign-off.

    In each round alice's `decide(action, alice)` and bob's progress update run at once; `decide`
    starts a little later in some rounds, so either may read the status first. `decided` and
    `recorded` are their outcomes ("done" or "refused: ..."); the action is read again afterwards.
    """
    recommendation, alice, _, bob = people
    slow_update_saves(monkeypatch)
    for round_ in range(ROUNDS):
        action = awaiting_sign_off(recommendation, bob, round_)

        def race(index: int, action=action, round_=round_) -> str:
            mine = Action.objects.get(pk=action.pk)
            if index == 0:
                time.sleep(0.02 * (round_ % 3))  # vary who reads the status first
                return outcome(lambda: decide(mine, alice))
            return outcome(lambda: mine.record_progress(
                rag=rag, period=ReportingPeriod.current(), narrative=narrative, by=bob))

        decided, recorded = run_together(race, count=2)
        action.refresh_from_db()
        yield round_, action, decided, recorded


def test_progress_posted_during_a_sign_off_never_lands_on_the_signed_off_action(people, monkeypatch, run_together):
    races = races_with_progress(people, monkeypatch, run_together, lambda action, alice: action.sign_off(by=alice),
                                rag="amber", narrative="One more thing.")
    for round_, action, signed, recorded in races:
        updates = ProgressUpdate.objects.filter(action=action).count()
        if action.status == Action.Status.COMPLETE:
            # The sign-off won: the update was refused, with who and when, and left nothing.
            assert (signed, updates) == ("done", 0), (round_, signed, recorded)
            assert recorded.startswith("refused: This action was signed off by Alice Coordinator at")
            assert recorded.endswith("your update was not recorded. Ask a coordinator if it needs reopening.")
        else:
            # The update won and withdrew the completion report, so there was nothing to sign off.
            assert (recorded, updates, action.status) == ("done", 1, Action.Status.IN_PROGRESS), round_
            assert signed.startswith("refused: This action is not awaiting sign-off"), signed


def test_two_sign_offs_at_once_sign_off_once(people, run_together):
    recommendation, alice, olivia, bob = people
    for round_ in range(ROUNDS):
        action = awaiting_sign_off(recommendation, bob, round_)

        def sign(index: int, action=action) -> str:
            mine = Action.objects.get(pk=action.pk)
            return outcome(lambda: mine.sign_off(by=(alice, olivia)[index]))

        results = run_together(sign, count=2)
        assert sorted(result[:8] for result in results) == ["done", "refused:"], results
        action.refresh_from_db()
        winner = (alice, olivia)[results.index("done")]
        assert action.signed_off_by == winner
        assert action.history.filter(status=Action.Status.COMPLETE).count() == 1


def test_progress_and_a_return_at_once_keep_the_update_and_leave_the_action_in_progress(
    people, monkeypatch, run_together
):
    races = races_with_progress(
        people, monkeypatch, run_together,
        lambda action, alice: action.return_for_work(by=alice, reason="Attach the minutes."),
        rag="green", narrative="Minutes attached.")
    for round_, action, returned, recorded in races:
        # Either order is a true story: the update is always kept, and the return is kept
        # only if it came first (afterwards there was no completion report to return).
        assert recorded == "done", (round_, recorded)
        assert ProgressUpdate.objects.filter(action=action).count() == 1
        assert action.status == Action.Status.IN_PROGRESS
        assert action.sign_off_returns.count() == (1 if returned == "done" else 0), returned
