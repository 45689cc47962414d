"""Importing the council's response table (Appendix B style): pasted, .docx or .xlsx (issue 17)."""

from __future__ import annotations

import io

import docx
import pytest
from django.urls import reverse
from openpyxl import Workbook

from recommendations.import_responses import ResponseTableError, read_response_table
from recommendations.models import Action, Recommendation
from tests import factories
from tests.forms_helpers import assert_get_and_post_refused, preview_import
from tests.recommendations.import_helpers import after_import_url, row_counts, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

PASTED = (
    "Recommendation\tCouncil response\tActions\tLead\tTimescale\n"
    "1. City Centre masterplan\tAccepted. The council will complete the masterplan with partners."
    "\t• Commission the masterplan\n• Consult partners\tBob Lead\nDirector of Property\t"
    "March 2025\nSept 2024\n"
    "2\tPartly accepted. The accounts backlog is a national problem; we will do what we can."
    "\tAgree a timetable with the auditor\tDirector of Finance\tQ4 2024/25\n"
    "3\tNot accepted. A new plan is not needed while the current one runs.\t\t\t\n"
    "9\tAccepted.\tSomething\t\t\n"
)


@pytest.fixture
def plan(challenge):
    factories.make_recommendation(challenge=challenge, number=1, title="City Centre masterplan")
    factories.make_recommendation(challenge=challenge, number=2, title="Financial accounts")
    factories.make_recommendation(challenge=challenge, number=3, title="One Coventry Plan")
    return challenge


def _url(challenge):
    return reverse("response_table_import", args=[challenge.slug])


def test_a_pasted_table_is_read_per_recommendation():
    entries, _warnings = read_response_table(text=PASTED)
    assert [(e.numbers, e.decision) for e in entries] == [
        ([1], "accepted"),
        ([2], "partly_accepted"),
        ([3], "not_accepted"),
        ([9], "accepted"),
    ]
    first = entries[0]
    assert [(a.description, a.lead, str(a.due_date)) for a in first.actions] == [
        ("Commission the masterplan", "Bob Lead", "2025-03-31"),
        ("Consult partners", "Director of Property", "2024-09-30"),
    ]
    assert entries[1].actions[0].note == "“Q4 2024/25” read as 31/03/2025, the end of 2024/25 Q4"


def test_a_word_table_with_merged_recommendation_cells_is_read():
    document = docx.Document()
    table = document.add_table(rows=4, cols=4)
    for cell, text in zip(table.rows[0].cells, ["Rec", "Response", "Action", "By when"], strict=True):
        cell.text = text
    table.cell(1, 0).merge(table.cell(2, 0)).text = "Recommendation 1"
    table.cell(1, 1).merge(table.cell(2, 1)).text = "Agreed."
    table.cell(1, 2).text, table.cell(1, 3).text = "Commission the masterplan", "31/03/2025"
    table.cell(2, 2).text, table.cell(2, 3).text = "Consult partners", "Ongoing"
    table.cell(3, 0).text, table.cell(3, 1).text = "2", "Not accepted: no resources."
    buffer = io.BytesIO()
    document.save(buffer)
    entries, _ = read_response_table(data=buffer.getvalue(), filename="appendix-b.docx")
    assert [(e.numbers, e.decision, len(e.actions)) for e in entries] == [
        ([1], "accepted", 2),
        ([2], "not_accepted", 0),
    ]
    assert entries[0].actions[1].due_date is None
    assert entries[0].actions[1].note == "no date: the plan says “Ongoing”"


def test_a_spreadsheet_response_table_is_read():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Appendix B: response to the peer challenge"])
    sheet.append(["No.", "Recommendation", "Management response", "Key actions", "Owner", "Target date"])
    sheet.append([1, "City Centre masterplan", "Accepted", "Commission the masterplan", "Bob Lead", "Dec 2024"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    entries, _ = read_response_table(data=buffer.getvalue(), filename="response.xlsx")
    assert entries[0].numbers == [1] and entries[0].decision == "accepted"
    assert str(entries[0].actions[0].due_date) == "2024-12-31"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"text": "No table here at all"}, "No header row was found"),
        ({"data": b"not a docx", "filename": "x.docx"}, "could not be opened as a Word document"),
        ({"data": b"%PDF-1.4", "filename": "x.pdf"}, "Upload the response table as a Word document"),
        ({}, "Paste the council's response table"),
    ],
)
def test_unreadable_tables_are_refused_with_a_message(kwargs, message):
    with pytest.raises(ResponseTableError, match=message):
        read_response_table(**kwargs)


def test_preview_then_confirm_records_responses_and_actions(client, alice, bob, plan):
    client.force_login(alice)
    body = preview_import(client, _url(plan), PASTED)
    assert "3 match this challenge" in body
    assert "recommendation 9 is not a recommendation of this challenge" in body
    assert not Action.objects.exists()
    response = client.post(_url(plan), {"step": "confirm", "text": PASTED})
    assert response.status_code == 302 and response.url == after_import_url(plan)
    first, second, third = Recommendation.objects.filter(challenge=plan).order_by("number")
    assert first.response == "accepted"
    assert first.response_narrative.startswith("Accepted. The council will complete")
    assert second.response == "partly_accepted" and second.response_reasons
    assert third.response == "not_accepted"
    actions = {a.description: a for a in Action.objects.all()}
    assert set(actions) == {"Commission the masterplan", "Consult partners", "Agree a timetable with the auditor"}
    assert actions["Commission the masterplan"].lead_officer == bob
    assert actions["Consult partners"].lead_officer is None
    assert "Director of Property" in actions["Consult partners"].source


def test_importing_the_same_table_twice_adds_nothing_more(client, alice, plan):
    client.force_login(alice)
    client.post(_url(plan), {"step": "confirm", "text": PASTED})
    before = row_counts("recommendations")
    client.post(_url(plan), {"step": "confirm", "text": PASTED})
    assert row_counts("recommendations") == before


def test_an_uploaded_word_table_is_kept_between_preview_and_confirm(client, alice, plan):
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ["Recommendation", "Response", "Actions"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["2", "Accepted", "Publish the accounts"], strict=True):
        cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    client.force_login(alice)
    body = client.post(_url(plan), {"step": "preview", "file": upload(buffer.getvalue(), "b.docx")}).content.decode()
    token = body.split('name="token" value="')[1].split('"')[0]
    client.post(_url(plan), {"step": "confirm", "token": token})
    assert Action.objects.get().description == "Publish the accounts"


def test_nothing_pasted_is_an_error_and_changes_nothing(client, alice, plan):
    client.force_login(alice)
    before = row_counts("recommendations")
    response = client.post(_url(plan), {"step": "preview", "text": "  "})
    assert response.status_code == 400
    assert "<title>Error: " in response.content.decode()
    assert row_counts("recommendations") == before


def test_officers_are_forbidden_and_other_councils_get_not_found(client, bob, mallory, plan):
    client.force_login(bob)
    assert_get_and_post_refused(client, _url(plan), {"text": PASTED, "step": "confirm"}, status=403)
    client.force_login(mallory)
    assert client.get(_url(plan)).status_code == 404
    assert not Action.objects.exists()
