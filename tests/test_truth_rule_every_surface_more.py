# ruff: noqa: F811  (the plan fixture is imported by name, then asked for by name)
"""More surfaces of the plan with an action in every state (tests/test_plan_on_every_surface.py).

The action plan workbook in the template's layout (and what importing it back does), a committee
pack's key risks, the notifications the daily run makes, the date a returned action shows, the
rule stated under every RAG key, and the status filter on the CSV and XLSX exports: each against
the rule written out by hand in EXPECTED_ACTIONS.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from notifications import schedule
from notifications.kinds import DUE_SOON_DAYS, Kind
from notifications.models import Notification
from recommendations import imports
from recommendations import rag as rag_rules
from recommendations.asof import actions_as_at
from recommendations.models import Action, ProgressUpdate
from reviews.packs.snapshot import build_snapshot
from tests.factories import make_report
from tests.test_plan_on_every_surface import EXPECTED_ACTIONS, TODAY, plan  # noqa: F401  (plan: the fixture)

pytestmark = pytest.mark.django_db

WAITING_ON_OFFICER = ("not_started", "in_progress", "returned")


def _sheet_rows(content: bytes) -> dict[str, dict[str, Any]]:
    """Returns the first sheet's rows by their "Reference", each keyed by the header row's words."""
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    header = [cell.value for cell in sheet[1]]
    rows = [dict(zip(header, [cell.value for cell in row], strict=True)) for row in sheet.iter_rows(min_row=2)]
    return {row["Reference"]: row for row in rows}


def _picture(challenge: Any) -> dict[str, tuple[str, str, bool]]:
    """Returns each action's (state, rating, overdue) as the plan shows it today."""
    thens = actions_as_at(Action.objects.filter(recommendation__challenge=challenge))
    return {then.action.reference: (then.state, then.rating, then.overdue) for then in thens}


def _rating_cell(rating: str) -> str | None:
    """The "Current RAG" cell for a rating: its word, or empty when not yet rated."""
    return None if rating == rag_rules.NOT_RATED else rag_rules.label(rating)


def _exported_with(client: Any, challenge: Any, changes: dict[str, dict[str, str]]) -> bytes:
    """Returns the action plan workbook as downloaded, with some cells rewritten: {reference: {header: value}}."""
    workbook = load_workbook(io.BytesIO(client.get(reverse("action_plan_export", args=[challenge.slug])).content))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        for column, value in changes.get(row[header.index("Reference")].value, {}).items():
            row[header.index(column)].value = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- the action plan workbook in the template's layout ---------------------------------------


def test_the_action_plan_workbook_says_what_the_rule_says(client, alice, challenge, plan):
    client.force_login(alice)
    response = client.get(reverse("action_plan_export", args=[challenge.slug]))
    assert response.status_code == 200
    rows = _sheet_rows(response.content)
    assert {reference: row["Current RAG"] for reference, row in rows.items()} == {
        reference: _rating_cell(rating) for reference, (_state, rating, _overdue) in EXPECTED_ACTIONS.items()}
    assert [reference for reference, row in rows.items() if row["Current RAG"] == "Blue"] == ["5.1"]
    # A narrative goes with a rating: the returned 4.3, never rated before its claim, has neither.
    assert (rows["4.3"]["Current RAG"], rows["4.3"]["Progress narrative"]) == (None, None)
    assert rows["4.1"]["Progress narrative"] == "Work on 4.1, rated blue."


def test_importing_the_workbook_back_records_nothing_and_keeps_every_state(client, alice, challenge, plan):
    """Neither a claim awaiting sign-off (shown Green) is withdrawn nor a returned action taken as updated."""
    client.force_login(alice)
    content = client.get(reverse("action_plan_export", args=[challenge.slug])).content
    updates = ProgressUpdate.objects.count()
    result = imports.apply_action_plan(challenge=challenge, data=content, filename="plan.xlsx", by=alice)
    assert result.errors == []
    assert not result.changes_anything
    assert ProgressUpdate.objects.count() == updates
    assert _picture(challenge) == EXPECTED_ACTIONS


def test_a_workbook_exported_before_blue_meant_signed_off_changes_nothing_either(client, alice, challenge, plan):
    """Its "Current RAG" was each latest update's own rating: Blue for 3.1, 4.1 and 4.3."""
    client.force_login(alice)
    content = _exported_with(client, challenge, {
        "3.1": {"Current RAG": "Blue"}, "4.1": {"Current RAG": "Blue"},
        "4.3": {"Current RAG": "Blue", "Progress narrative": "Work on 4.3, rated blue."}})
    result = imports.apply_action_plan(challenge=challenge, data=content, filename="old.xlsx", by=alice)
    assert result.errors == []
    assert not result.changes_anything
    assert _picture(challenge) == EXPECTED_ACTIONS


def test_a_rating_changed_in_the_workbook_is_a_new_update_from_the_rating_shown(client, alice, challenge, plan):
    client.force_login(alice)
    content = _exported_with(client, challenge, {"3.1": {"Current RAG": "Amber"}})
    preview = imports.read_and_plan(challenge=challenge, data=content, filename="plan.xlsx")
    assert [(outcome.reference, outcome.progress) for outcome in preview.outcomes if outcome.progress] == [
        ("3.1", "New update: Green → Amber")]


# --- a committee pack's key risks ------------------------------------------------------------


def test_a_packs_key_risks_say_what_the_rule_says(challenge, alice, plan):
    report = make_report(challenge=challenge, by=alice, chosen_risks=sorted(action.pk for action in plan.values()))
    risks = {row["reference"]: (row["rag"], row["overdue"]) for row in build_snapshot(report=report)["chosen_risks"]}
    # The candidates: open, and Red, Amber or overdue. 3.1 (an unsigned Blue) counts as Green, not a risk.
    assert risks == {reference: (rating, overdue) for reference, (state, rating, overdue) in EXPECTED_ACTIONS.items()
                     if state not in ("complete", "closed") and (rating in ("red", "amber") or overdue)}
    assert sorted(risks) == ["1.2", "2.1", "4.1", "4.2"]
    assert all(rating != "blue" for rating, _overdue in risks.values())


# --- the notifications the daily run makes --------------------------------------------------


def test_the_daily_run_tells_the_officer_what_the_rule_says(challenge, plan):
    schedule.run(council_id=challenge.council_id, day=TODAY)
    told = dict(Notification.objects.filter(kind__in=[Kind.OVERDUE, Kind.DUE_SOON])
                .values_list("action__reference", "kind"))
    horizon = TODAY + dt.timedelta(days=DUE_SOON_DAYS)
    expected = {}
    for reference, (state, _rating, overdue) in EXPECTED_ACTIONS.items():
        if state in WAITING_ON_OFFICER and overdue:
            expected[reference] = Kind.OVERDUE
        elif state in WAITING_ON_OFFICER and plan[reference].due_date <= horizon:
            expected[reference] = Kind.DUE_SOON
    assert told == expected
    assert told["4.1"] == Kind.OVERDUE  # returned, so waiting on its officer again
    assert not Notification.objects.filter(action__reference__in=["3.1", "5.1", "5.2"],
                                           kind__in=[Kind.OVERDUE, Kind.DUE_SOON, Kind.NO_UPDATE]).exists()


# --- what the pages say -----------------------------------------------------------------------


def test_a_returned_action_says_when_it_was_returned_and_why(client, bob, plan):
    client.force_login(bob)
    for reference in (reference for reference, (state, _r, _o) in EXPECTED_ACTIONS.items() if state == "returned"):
        action = Action.objects.get(pk=plan[reference].pk)
        page = client.get(action.get_absolute_url()).content.decode()
        summary = page.split('id="action-status"')[1].split("</dl>")[0]
        returned_on = timezone.localtime(action.returned_at)
        assert f"Returned on {returned_on:%-d %B %Y}. Reason: {escape(action.return_reason)}" in summary, reference


def test_the_rule_is_stated_under_the_rag_key_of_every_page_that_rates_actions(client, bob, challenge, plan):
    client.force_login(bob)
    rule = escape(rag_rules.ACTION_RULE_TEXT)
    slug = challenge.slug
    for url in (reverse("action_plan", args=[slug]), reverse("dashboard", args=[slug]),
                reverse("challenge", args=[slug]), reverse("recommendation", args=[slug, 4]),
                plan["4.1"].get_absolute_url(), reverse("my_actions"), reverse("portfolio")):
        assert rule in client.get(url).content.decode(), url


# --- the status filter on the exports --------------------------------------------------------


@pytest.mark.parametrize("export", ["action_plan_csv", "action_plan_xlsx"])
def test_the_exports_hold_only_the_states_filtered_for(client, carol, challenge, plan, export):
    client.force_login(carol)
    response = client.get(reverse(export, args=[challenge.slug]), {"status": ["returned", "awaiting_sign_off"]})
    if export == "action_plan_csv":
        exported = [row["Reference"] for row in csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))]
    else:
        exported = list(_sheet_rows(response.content))
    assert sorted(exported) == sorted(reference for reference, (state, _r, _o) in EXPECTED_ACTIONS.items()
                                      if state in ("returned", "awaiting_sign_off")) == ["3.1", "4.1", "4.3"]
