"""One plan with an action in every state, read on every surface: they must all say the same.

The expected column is the rule (recommendations/asof.py) written out by hand for each action,
so the test fails if any surface, or the picture itself, strays from it: the action plan page,
its CSV and XLSX exports, the dashboard, My actions, each action's page, the recommendation and
challenge pages, the portfolio, a committee pack's snapshot, the progress review page and the
draft position statement.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from recommendations import rag as rag_rules
from recommendations import services
from recommendations.asof import STATE_LABELS
from recommendations.models import Action, ProgressUpdate
from recommendations.periods import ReportingPeriod
from reviews.packs.snapshot import build_snapshot
from reviews.progress import services as review_services
from tests import factories
from tests.factories import make_report, make_review

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
PAST = TODAY - dt.timedelta(days=10)
SOON = TODAY + dt.timedelta(days=12)
LATER = TODAY + dt.timedelta(days=90)
NOW = ReportingPeriod.current()

# reference: (state shown, rating shown, overdue). Blue only for 5.1, the one signed off.
EXPECTED_ACTIONS = {
    "1.1": ("not_started", "not_rated", False),     # not started, not yet due
    "1.2": ("not_started", "not_rated", True),      # not started, past its date
    "2.1": ("in_progress", "amber", True),          # rated, past its date
    "2.2": ("in_progress", "green", False),         # rated, due soon
    "3.1": ("awaiting_sign_off", "green", False),   # reported complete: Green until signed off, never overdue
    "4.1": ("returned", "amber", True),             # returned: its rating before the claim, overdue again
    "4.2": ("in_progress", "not_rated", True),      # in progress without an update, past its date
    "4.3": ("returned", "not_rated", False),        # returned, never rated before the claim
    "5.1": ("complete", "blue", False),             # signed off, past its date: done, not overdue
    "5.2": ("closed", "amber", False),              # closed: keeps its last rating, counts under none
}
STATE_WORDS = {"awaiting_sign_off": "Reported complete, awaiting sign-off", "returned": "Returned"}
# number: recommendation rating (the rule in recommendations/rag.py)
EXPECTED_RECOMMENDATIONS = {1: "not_rated", 2: "amber", 3: "green", 4: "amber", 5: "blue", 6: "not_rated"}


@pytest.fixture
def plan(challenge, alice, bob):
    recommendations = {n: factories.make_recommendation(challenge=challenge, number=n) for n in range(1, 7)}

    def action(reference, due, status=Action.Status.NOT_STARTED):
        number = int(reference.split(".")[0])
        return factories.make_action(recommendation=recommendations[number], reference=reference,
                                     lead_officer=bob, due_date=due, status=status)

    def progress(item, rag):
        item.record_progress(rag=rag, period=NOW, narrative=f"Work on {item.reference}, rated {rag}.", by=bob)

    action("1.1", LATER)
    action("1.2", PAST)
    progress(action("2.1", PAST), "amber")
    progress(action("2.2", SOON), "green")
    progress(action("3.1", PAST), "blue")
    returned = action("4.1", PAST)
    progress(returned, "amber")  # not Green: what an unsigned Blue would count as
    progress(returned, "blue")
    returned.return_for_work(by=alice, reason="The evidence is missing.")
    action("4.2", PAST, status=Action.Status.IN_PROGRESS)
    unrated = action("4.3", LATER)
    progress(unrated, "blue")
    unrated.return_for_work(by=alice, reason="Not finished: the survey has not closed.")
    signed = action("5.1", PAST)
    progress(signed, "blue")
    signed.sign_off(by=alice)
    closed = action("5.2", PAST)
    progress(closed, "amber")
    closed.close(by=alice, reason="Superseded by action 2.1.")
    return {a.reference: a for a in Action.objects.filter(recommendation__challenge=challenge)}


def _label(rating: str) -> str:
    return rag_rules.label(rating)


def _row_of(html: str, reference: str) -> str:
    """Returns the table row (or list item) of the page that links to action `reference`."""
    for chunk in re.split(r"<tr[ >]|<li[ >]", html):
        if re.search(rf">{re.escape(reference)}(<span[^>]*>:</span>)?</a>", chunk) or re.search(
                rf">Action {re.escape(reference)}, [^<]*</span>", chunk):  # My actions: the action's words
            return chunk.split("</tr>")[0].split("</li>")[0]
    raise AssertionError(f"No row for action {reference}.")


def _tag(chunk: str) -> str:
    found = re.findall(r'pt-rag">([^<]+)</strong>', chunk)
    assert len(found) == 1, chunk
    return found[0]


def _says_overdue(chunk: str) -> bool:
    return ">Overdue</strong>" in chunk


def test_the_plan_page_and_its_exports_say_what_the_rule_says(client, carol, challenge, plan):
    client.force_login(carol)
    page = client.get(reverse("action_plan", args=[challenge.slug])).content.decode()
    csv_rows = list(csv.DictReader(io.StringIO(
        client.get(reverse("action_plan_csv", args=[challenge.slug])).content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(client.get(reverse("action_plan_xlsx", args=[challenge.slug])).content)).active
    header = [cell.value for cell in sheet[1]]
    xlsx_rows = [dict(zip(header, [cell.value for cell in row], strict=True)) for row in sheet.iter_rows(min_row=2)]

    assert {row["Reference"] for row in csv_rows} == set(EXPECTED_ACTIONS)
    assert "pt-rag\">Blue<" not in page.split('id="action-plan-table"')[1].split(">5.1<")[0]
    for reference, (state, rating, overdue) in EXPECTED_ACTIONS.items():
        row = _row_of(page, reference)
        assert (_tag(row), _says_overdue(row)) == (_label(rating), overdue), reference
        assert STATE_LABELS[state] in row, reference
        exported = next(r for r in csv_rows if r["Reference"] == reference)
        assert (exported["RAG rating"], exported["Overdue"], exported["Status"]) == (
            _label(rating), "Yes" if overdue else "No", STATE_LABELS[state])
        workbook_row = next(r for r in xlsx_rows if r["Reference"] == reference)
        assert (workbook_row["RAG rating"], workbook_row["Overdue"], workbook_row["Status"]) == (
            _label(rating), "Yes" if overdue else "No", STATE_LABELS[state])
    for state in {state for state, _r, _o in EXPECTED_ACTIONS.values()}:
        filtered = client.get(reverse("action_plan", args=[challenge.slug]), {"status": state})
        assert sorted(row.record.action.reference for row in filtered.context["table"].rows) == sorted(
            reference for reference, (expected, _r, _o) in EXPECTED_ACTIONS.items() if expected == state)


def test_the_dashboard_and_portfolio_count_what_the_rule_says(client, carol, challenge, plan):
    client.force_login(carol)
    response = client.get(reverse("dashboard", args=[challenge.slug]))
    board = response.context["board"]
    assert board.ratings() == {item.pk: EXPECTED_RECOMMENDATIONS[item.recommendation.number]
                               for item in board.recommendations}
    assert sorted(then.action.reference for then in board.overdue) == sorted(
        reference for reference, (_s, _r, overdue) in EXPECTED_ACTIONS.items() if overdue)
    counted = [rating for reference, (state, rating, _o) in EXPECTED_ACTIONS.items() if state != "closed"]
    assert {item["value"]: item["count"] for item in board.action_counts} == {
        value: counted.count(value) for value in rag_rules.ORDER}
    overdue_section = response.content.decode().split('id="attention-overdue"')[1].split('id="attention-due-soon"')[0]
    for reference, (_status, rating, overdue) in EXPECTED_ACTIONS.items():
        if overdue:
            assert _tag(_row_of(overdue_section, reference)) == _label(rating)

    portfolio = client.get(reverse("portfolio")).context["councils"][0]["rows"][0]
    assert {item["value"]: item["count"] for item in portfolio["counts"]} == {
        value: list(EXPECTED_RECOMMENDATIONS.values()).count(value) for value in rag_rules.ORDER}
    assert portfolio["overdue"] == sum(overdue for _s, _r, overdue in EXPECTED_ACTIONS.values())


def test_my_actions_and_each_action_page_say_what_the_rule_says(client, bob, challenge, plan):
    client.force_login(bob)
    mine = client.get(reverse("my_actions")).content.decode()
    open_part = mine.split('id="my-actions"')[1].split("</table>")[0]
    for reference, (state, rating, overdue) in EXPECTED_ACTIONS.items():
        action_page = client.get(plan[reference].get_absolute_url()).content.decode()
        summary = action_page.split('id="action-status"')[1].split("</dl>")[0]
        assert (_tag(summary), _says_overdue(summary)) == (_label(rating), overdue), reference
        assert STATE_LABELS[state] in summary, reference
        if state == "returned":
            assert plan[reference].sign_off_returns.get().reason in summary
        if state in ("complete", "closed"):
            assert f"action {reference}</span>" in mine.split('id="my-actions"')[1].split("</table>")[1]
            continue
        row = _row_of(open_part, reference)
        assert (_tag(row), _says_overdue(row)) == (_label(rating), overdue), reference
        assert (STATE_WORDS.get(state, "pt-state") in row) == (state in STATE_WORDS), reference


def test_the_recommendation_and_challenge_pages_say_what_the_rule_says(client, carol, challenge, plan):
    client.force_login(carol)
    overview = client.get(reverse("challenge", args=[challenge.slug])).content.decode()
    for number, expected in EXPECTED_RECOMMENDATIONS.items():
        page = client.get(reverse("recommendation", args=[challenge.slug, number])).content.decode()
        overall = page.split("Overall rating:")[1].split("</p>")[0]
        assert _tag(overall) == _label(expected), number
        row = overview.split(f">Recommendation {number}</a>")[1].split("</tr>")[0]
        assert _tag(row) == _label(expected), number
        for reference, (state, rating, overdue) in EXPECTED_ACTIONS.items():
            if reference.startswith(f"{number}."):
                card = page.split(f">{reference}: ")[1].split("</dl>")[0]
                assert (_tag(card), _says_overdue(card)) == (_label(rating), overdue), reference
                assert STATE_LABELS[state] in card, reference


def test_a_committee_pack_says_what_the_rule_says(challenge, alice, plan):
    snapshot = build_snapshot(report=make_report(challenge=challenge, by=alice))
    recommendations = {row["number"]: row for row in snapshot["recommendations"]}
    assert {n: row["rag"] for n, row in recommendations.items()} == EXPECTED_RECOMMENDATIONS
    actions = {row["reference"]: row for r in snapshot["recommendations"] for row in r["actions"]}
    assert {ref: (row["state"], row["rag"], row["overdue"]) for ref, row in actions.items()} == EXPECTED_ACTIONS
    assert {ref: row["status_label"] for ref, row in actions.items()} == {
        ref: STATE_LABELS[state] for ref, (state, _r, _o) in EXPECTED_ACTIONS.items()}
    assert sorted(row["reference"] for row in snapshot["overdue_actions"]) == sorted(
        reference for reference, (_s, _r, overdue) in EXPECTED_ACTIONS.items() if overdue)
    assert snapshot["action_rule"] == rag_rules.ACTION_RULE_TEXT
    latest = ProgressUpdate.objects.filter(action=plan["2.1"]).latest("created_at")
    assert actions["2.1"]["latest_update"]["narrative"] == latest.narrative


def test_the_progress_review_and_its_statement_say_what_the_rule_says(client, carol, alice, challenge, plan):
    review = make_review(challenge=challenge, review_date=TODAY)
    review_services.prefill_statement(review=review, by=alice)
    client.force_login(carol)
    page = client.get(review.get_absolute_url())
    now = {row["recommendation"].number: row["rag_now"] for row in page.context["unmapped"]}
    assert now == EXPECTED_RECOMMENDATIONS

    paragraphs = {entry["number"]: entry["text"] for entry in review_services.statement_content(review)["entries"]}
    for reference, (state, rating, _overdue) in EXPECTED_ACTIONS.items():
        paragraph = paragraphs[int(reference.split(".")[0])]
        if state == "closed":
            assert f"Action {reference} " not in paragraph
        elif rating == "not_rated" and state != "returned":
            assert f"Action {reference} (" in paragraph and "no progress has been reported yet" in paragraph
        else:
            assert f"Action {reference} ({_label(rating)}, {NOW}):" in paragraph, paragraph


def test_the_reminders_ask_for_what_the_rule_says(bob, challenge, plan):
    reminder = next(r for r in services.reminders_due() if r.officer == bob)
    listed = {then.action.reference: (then.overdue, then.needs_update) for then in reminder.actions}
    # Every action waiting on its officer, save 2.2: updated this period and not yet due. A returned
    # action needs a new update even though it was updated this period.
    waiting = {reference for reference, (state, _r, _o) in EXPECTED_ACTIONS.items()
               if state in ("not_started", "in_progress", "returned")}
    assert set(listed) == waiting - {"2.2"}
    assert listed["4.1"] == (True, True) and listed["4.3"] == (False, True)
    assert "3.1" not in listed and "5.1" not in listed and "5.2" not in listed
