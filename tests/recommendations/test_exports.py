from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from bench.dashboards import populate_challenge
from recommendations.exports import HEADERS, safe_text
from tests import factories


def _at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T12:00:00"))


def _table_refs(client, challenge, query):
    """Returns the references the table shows on every page for `query`, in order."""
    refs, page = [], 1
    while True:
        response = client.get(reverse("action_plan", args=[challenge.slug]) + f"?{query}&page={page}")
        table = response.context["table"]
        refs += [row.record.action.reference for row in table.page.object_list]
        if not table.page.has_next():
            return refs
        page += 1


def _csv_rows(client, challenge, query):
    response = client.get(reverse("action_plan_csv", args=[challenge.slug]) + f"?{query}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx_rows(client, challenge, query):
    response = client.get(reverse("action_plan_xlsx", args=[challenge.slug]) + f"?{query}")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


@pytest.fixture
def big_plan(challenge, bob):
    """30 actions, more than one page of the table."""
    populate_challenge(challenge=challenge, officers=[bob], recommendations=15, actions_per_recommendation=2,
                       updates_per_action=3, seed=7)


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["as_of=2025-06-30", "as_of=2025-06-30&rag=red&rag=amber&sort=-due_date",
                                   "as_of=2024-06-30&sort=rag", "directorate=Directorate+2&sort=lead_officer"])
def test_csv_and_xlsx_have_the_same_rows_as_the_filtered_table(client, carol, challenge, big_plan, query):
    client.force_login(carol)
    expected = _table_refs(client, challenge, query)
    assert expected  # the filters leave something to compare
    csv_rows = _csv_rows(client, challenge, query)
    xlsx_rows = _xlsx_rows(client, challenge, query)
    assert csv_rows[0] == HEADERS and xlsx_rows[0] == HEADERS
    assert [row[0] for row in csv_rows[1:]] == expected
    assert [row[0] for row in xlsx_rows[1:]] == expected


@pytest.mark.django_db
def test_export_cells_carry_the_tables_values_with_real_dates(client, carol, bob, challenge):
    theme = factories.make_theme(challenge=challenge, name="Place")
    rec = factories.make_recommendation(challenge=challenge, number=1, title="Masterplan", theme=theme)
    action = factories.make_action(recommendation=rec, reference="1.1", lead_officer=bob, directorate="Housing",
                                   due_date=dt.date(2024, 10, 1), created_at=_at("2024-02-01"))
    factories.make_update(action=action, rag="amber", created_at=_at("2024-09-01"))
    client.force_login(carol)
    row = _xlsx_rows(client, challenge, "as_of=2024-11-22")[1]
    assert row[:7] == ["1.1", 1, "Masterplan", "Place", "Do the thing the council committed to.", "Bob Lead",
                       "Housing"]
    assert row[7].date() == dt.date(2024, 10, 1)
    assert row[8:10] == ["Yes", "Amber"]
    assert row[10].date() == dt.date(2024, 9, 1)
    assert _csv_rows(client, challenge, "as_of=2024-11-22")[1][7] == "2024-10-01"


@pytest.mark.django_db
@pytest.mark.parametrize("dangerous", ["=HYPERLINK(\"http://evil\",\"x\")", "+1+1", "-2+3", "@SUM(A1)"])
def test_text_that_looks_like_a_formula_is_never_written_as_one(client, carol, bob, challenge, dangerous):
    rec = factories.make_recommendation(challenge=challenge, number=1, title=dangerous)
    factories.make_action(recommendation=rec, reference="1.1", lead_officer=bob, description=dangerous,
                          directorate=dangerous)
    client.force_login(carol)
    csv_row = _csv_rows(client, challenge, "")[1]
    assert csv_row[2] == "'" + dangerous and csv_row[4] == "'" + dangerous
    response = client.get(reverse("action_plan_xlsx", args=[challenge.slug]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [sheet.cell(row=2, column=column) for column in (3, 5, 7)]
    assert all(cell.data_type == "s" and cell.value == "'" + dangerous for cell in cells)


def test_safe_text_leaves_ordinary_text_alone():
    assert safe_text("Deliver the plan - by March") == "Deliver the plan - by March"
    assert safe_text("=1+1") == "'=1+1"


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["action_plan_csv", "action_plan_xlsx"])
def test_exports_are_guarded_like_the_table(client, dave, mallory, challenge, name):
    url = reverse(name, args=[challenge.slug])
    assert client.get(url).status_code == 302
    client.force_login(dave)
    assert client.get(url).status_code == 200
    client.force_login(factories.make_guest(challenge=challenge))
    assert client.get(url).status_code == 200
    client.force_login(mallory)
    assert client.get(url).status_code == 404
