"""Downloading the action plan template and the exported plan."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories
from tests.recommendations.import_helpers import HEADERS

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(challenge, bob):
    bob.email = "bob@northtown.gov.uk"
    bob.save()
    rec = factories.make_recommendation(challenge=challenge, number=1, title="Masterplan")
    action = factories.make_action(
        recommendation=rec,
        reference="1.1",
        lead_officer=bob,
        description='=HYPERLINK("http://evil.example")',
        due_date=dt.date(2024, 9, 30),
    )
    factories.make_update(action=action, rag="amber", narrative="@risk of delay")
    return challenge


def _sheet(response):
    return load_workbook(io.BytesIO(b"".join(response)))["Action plan"]


def test_export_has_the_template_layout_and_no_formulas(client, alice, plan):
    client.force_login(alice)
    response = client.get(reverse("action_plan_export", args=[plan.slug]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="northtown-2024-action-plan-' in response["Content-Disposition"]
    sheet = _sheet(response)
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == HEADERS
    assert rows[1][:4] == ["1.1", 1, '\'=HYPERLINK("http://evil.example")', "Bob Lead <bob@northtown.gov.uk>"]
    assert rows[1][7] == dt.datetime(2024, 9, 30)
    assert rows[1][8:] == ["Amber", "'@risk of delay"]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_export_query_count_does_not_grow_with_actions(client, alice, plan, django_assert_max_num_queries):
    rec = plan.recommendations.get()
    for n in range(2, 80):
        action = factories.make_action(recommendation=rec, reference=f"1.{n}")
        factories.make_update(action=action)
    client.force_login(alice)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("action_plan_export", args=[plan.slug]))
    assert _sheet(response).max_row == 80


def test_template_is_empty_and_explains_the_columns(client, alice, plan):
    client.force_login(alice)
    response = client.get(reverse("action_plan_template", args=[plan.slug]))
    workbook = load_workbook(io.BytesIO(b"".join(response)))
    assert workbook["Action plan"].max_row == 1
    assert "Guidance" in workbook.sheetnames


@pytest.mark.parametrize("name", ["action_plan_export", "action_plan_template"])
@pytest.mark.parametrize("persona", ["bob", "carol", "dave"])
def test_other_roles_are_forbidden(client, request, persona, plan, name):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse(name, args=[plan.slug])).status_code == 403


@pytest.mark.parametrize("name", ["action_plan_export", "action_plan_template"])
def test_another_councils_user_gets_not_found(client, mallory, plan, name):
    client.force_login(mallory)
    assert client.get(reverse(name, args=[plan.slug])).status_code == 404


@pytest.mark.parametrize("name", ["action_plan_export", "action_plan_template"])
def test_anonymous_user_is_sent_to_sign_in(client, plan, name):
    response = client.get(reverse(name, args=[plan.slug]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
