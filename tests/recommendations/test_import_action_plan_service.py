"""Applying an action plan spreadsheet: all or nothing, idempotent, changes in history."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.test import override_settings

from recommendations import imports
from recommendations.demo import load_demo
from recommendations.models import Action, DueDateChange, PeerChallenge, ProgressUpdate
from recommendations.periods import ReportingPeriod
from recommendations.spreadsheets import build_export
from tests import factories
from tests.recommendations.import_helpers import row_counts, xlsx_bytes

PERIOD = ReportingPeriod(2024, 2)


def _import(challenge, rows, by, name="plan.xlsx"):
    return imports.apply_action_plan(challenge=challenge, data=xlsx_bytes(rows), filename=name, by=by, period=PERIOD)


@pytest.fixture
def plan(challenge, alice, bob, olive):
    factories.make_recommendation(challenge=challenge, number=1, title="Masterplan")
    factories.make_recommendation(challenge=challenge, number=2, title="Accounts")
    return challenge


def test_new_rows_create_actions_with_lead_officers_matched_by_email_name_and_username(plan, alice, bob, olive):
    bob.email = "Bob.Lead@northtown.gov.uk"
    bob.save()
    rows = [
        ["1.1", 1, "Draft the masterplan", "  bob.lead@NORTHTOWN.gov.uk ", "Cllr A", "Place",
         dt.date(2024, 2, 1), dt.date(2024, 7, 31), "", ""],
        ["", 1, "Consult partners", "olive   OTHER", "", "", "", "31/10/2024", "", ""],
        ["2.1", 2, "Publish the accounts", "Alice Coordinator <alice@nowhere.example>", "", "", "", "",
         "Amber", "Audit under way."],
    ]
    result = _import(plan, rows, alice)
    assert (result.count("new"), result.count("changed"), result.progress_updates) == (3, 0, 1)
    actions = {a.reference: a for a in Action.objects.filter(recommendation__challenge=plan)}
    assert set(actions) == {"1.1", "1.2", "2.1"}
    assert actions["1.1"].lead_officer == bob
    assert actions["1.1"].due_date == dt.date(2024, 7, 31)
    assert actions["1.2"].lead_officer == olive
    assert actions["2.1"].lead_officer == alice
    update = actions["2.1"].updates.get()
    assert (update.rag, update.narrative, update.author) == ("amber", "Audit under way.", alice)


def test_unmatched_and_ambiguous_officers_are_listed_and_other_councils_users_never_match(plan, alice, mallory):
    factories.make_user(username="bob2", council=plan.council, first_name="Sam", last_name="Same")
    factories.make_user(username="bob3", council=plan.council, first_name="Sam", last_name="Same")
    rows = [["1.1", 1, "One", "Mallory Elsewhere", *[""] * 6], ["1.2", 1, "Two", "sam same", *[""] * 6]]
    sheet_plan = imports.read_and_plan(challenge=plan, data=xlsx_bytes(rows), filename="p.xlsx")
    assert sheet_plan.unmatched_officers == [
        ("Mallory Elsewhere", "matches no member of the council"),
        ("sam same", "matches more than one member of the council; use their email address"),
    ]
    imports.apply_action_plan(challenge=plan, data=xlsx_bytes(rows), filename="p.xlsx", by=alice)
    assert set(Action.objects.values_list("lead_officer", flat=True)) == {None}


def test_reimporting_the_same_file_saves_nothing_and_writes_no_history(plan, alice):
    rows = [
        ["1.1", 1, "Draft the masterplan", "Bob Lead", "Cllr A", "Place", "01/02/2024", "31/07/2024", "Green",
         "Going well."],
        ["", 2, "Publish the accounts", "", "", "", "", "", "", ""],
    ]
    _import(plan, rows, alice)
    before = row_counts("recommendations", "reviews")
    with mock.patch.object(Action, "save", autospec=True) as save:
        result = _import(plan, rows, alice)
    assert save.call_count == 0
    assert result.count("unchanged") == 2 and not result.changes_anything
    assert row_counts("recommendations", "reviews") == before


def test_a_changed_row_updates_its_action_by_reference_and_shows_in_history(plan, alice, bob):
    action = factories.make_action(recommendation=plan.recommendations.get(number=1), reference="1.1",
                                   lead_officer=bob, description="Old words", due_date=dt.date(2024, 7, 31))
    history_before = action.history.count()
    rows = [["1.1", 1, "New words", "Bob Lead", "", "", "01/02/2024", "30/09/2024", "", ""]]
    result = _import(plan, rows, alice)
    assert result.outcomes[0].changes == ["Action: Old words → New words", "Due date: 31/07/2024 → 30/09/2024"]
    action.refresh_from_db()
    assert (action.description, action.due_date, action.version) == ("New words", dt.date(2024, 9, 30), 2)
    assert action.history.count() == history_before + 1
    assert action.history.first().history_user == alice
    change = DueDateChange.objects.get(action=action)
    assert (change.old_due_date, change.new_due_date, change.changed_by) == (
        dt.date(2024, 7, 31),
        dt.date(2024, 9, 30),
        alice,
    )


def test_a_row_can_move_an_action_to_another_recommendation(plan, alice):
    action = factories.make_action(
        recommendation=plan.recommendations.get(number=1), reference="X1", description="Moveable"
    )
    _import(plan, [["X1", 2, "Moveable", "", "", "", "01/02/2024", "30/09/2024", "", ""]], alice)
    action.refresh_from_db()
    assert action.recommendation.number == 2


def test_progress_is_recorded_only_when_rag_or_narrative_differs(plan, alice, bob):
    action = factories.make_action(recommendation=plan.recommendations.get(number=1), reference="1.1",
                                   lead_officer=bob, description="Do it", due_date=dt.date(2024, 9, 30))
    factories.make_update(action=action, rag="green", narrative="On track.")
    base = ["1.1", 1, "Do it", "Bob Lead", "", "", "01/02/2024", "30/09/2024"]
    assert _import(plan, [[*base, "Green", "  On track. "]], alice).progress_updates == 0
    assert _import(plan, [[*base, "Amber", "On track."]], alice).progress_updates == 1
    assert _import(plan, [[*base, "amber", "Slipping a little."]], alice).progress_updates == 1
    assert _import(plan, [[*base, "", ""]], alice).progress_updates == 0
    assert list(action.updates.values_list("rag", "narrative")) == [
        ("amber", "Slipping a little."),
        ("amber", "On track."),
        ("green", "On track."),
    ]


def test_a_complete_action_refuses_a_new_rating_and_nothing_is_written(plan, alice, bob):
    action = factories.make_action(
        recommendation=plan.recommendations.get(number=1), reference="1.1", description="Done", status="complete"
    )
    factories.make_update(action=action, rag="blue", narrative="Done.")
    before = row_counts("recommendations", "reviews")
    rows = [
        ["1.2", 1, "New one", *[""] * 7],
        ["1.1", 1, "Done", "", "", "", "01/02/2024", "30/09/2024", "Red", "Undone?"],
    ]
    with pytest.raises(imports.ImportRejected):
        _import(plan, rows, alice)
    assert row_counts("recommendations", "reviews") == before


def test_unknown_recommendation_number_is_an_error_and_nothing_is_written(plan, alice):
    rows = [["1.1", 1, "Fine", *[""] * 7], ["9.1", 9, "No such recommendation", *[""] * 7]]
    sheet_plan = imports.read_and_plan(challenge=plan, data=xlsx_bytes(rows), filename="p.xlsx")
    assert [str(e) for e in sheet_plan.errors] == [
        "Row 3, column “Recommendation number”: there is no recommendation 9 in this challenge "
        "(it has recommendations 1 to 2)."
    ]
    before = row_counts("recommendations", "reviews")
    with pytest.raises(imports.ImportRejected):
        _import(plan, rows, alice)
    assert row_counts("recommendations", "reviews") == before


def test_a_failure_half_way_leaves_nothing_behind(plan, alice):
    rows = [["1.1", 1, "First", *[""] * 5, "Green", "ok"], ["1.2", 1, "Second", *[""] * 5, "Red", "bad"]]
    before = row_counts("recommendations", "reviews")
    original = Action.record_progress
    calls = []

    def fail_second(self, **kwargs):
        calls.append(self.reference)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return original(self, **kwargs)

    with mock.patch.object(Action, "record_progress", fail_second), pytest.raises(RuntimeError):
        _import(plan, rows, alice)
    assert calls == ["1.1", "1.2"]
    assert row_counts("recommendations", "reviews") == before


def test_confirming_a_stale_preview_raises_and_writes_nothing(plan, alice):
    rows = [["1.1", 1, "First", *[""] * 7]]
    preview = imports.read_and_plan(challenge=plan, data=xlsx_bytes(rows), filename="p.xlsx")
    factories.make_action(
        recommendation=plan.recommendations.get(number=1), reference="1.1", description="Someone added this meanwhile"
    )
    before = row_counts("recommendations", "reviews")
    with pytest.raises(imports.PlanChanged):
        imports.apply_action_plan(
            challenge=plan, data=xlsx_bytes(rows), filename="p.xlsx", by=alice, expected_fingerprint=preview.fingerprint
        )
    assert row_counts("recommendations", "reviews") == before


@pytest.fixture
def demo_2024(db):
    with override_settings(DEBUG=True):
        load_demo(with_logins=False)
    return PeerChallenge.objects.get(slug="coventry-2024")


def test_export_then_import_of_the_demo_2024_plan_changes_nothing(demo_2024):
    coordinator = demo_2024.council.memberships.get(role="coordinator").user
    data = build_export(rows=imports.export_rows(demo_2024))
    before = row_counts("recommendations", "reviews")
    actions_before = list(Action.objects.order_by("pk").values())
    updates_before = ProgressUpdate.objects.count()
    result = imports.apply_action_plan(challenge=demo_2024, data=data, filename="export.xlsx", by=coordinator)
    assert result.errors == []
    assert result.unmatched_officers == []
    assert result.count("unchanged") == Action.objects.filter(recommendation__challenge=demo_2024).count() > 20
    assert not result.changes_anything
    assert list(Action.objects.order_by("pk").values()) == actions_before
    assert ProgressUpdate.objects.count() == updates_before
    assert row_counts("recommendations", "reviews") == before
