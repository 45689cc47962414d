"""Councillors' exports of the plan carry status, the latest narrative and next steps, and the
council's own words for each RAG band (issue 19, item 8)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from recommendations.exports import HEADERS
from recommendations.models import Action
from tests import factories


@pytest.fixture
def plan(challenge, recommendation, bob):
    first = factories.make_action(recommendation=recommendation, reference="1.1", lead_officer=bob)
    Action.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(days=60))
    earlier = timezone.now() - dt.timedelta(days=40)
    factories.make_update(
        action=first, rag="amber", narrative="Old words.", next_steps="Old steps.", created_at=earlier
    )
    factories.make_update(action=first, rag="red", narrative="=cmd|' /C calc'!A0 slipped", next_steps="Ask Cabinet.")
    factories.make_action(recommendation=recommendation, reference="1.2", lead_officer=bob)
    challenge.council.rag_wording = {"red": "Cabinet must act"}
    challenge.council.save()
    return challenge


def _rows(response, kind):
    if kind == "csv":
        return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


@pytest.mark.django_db
@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_exports_add_the_latest_narrative_next_steps_and_band_wording_at_the_end(client, carol, plan, kind):
    assert HEADERS[-5:] == ["Origin", "Status", "Latest narrative", "Next steps", "RAG meaning"]
    client.force_login(carol)
    response = client.get(reverse(f"action_plan_{kind}", args=[plan.slug]))
    rows = {row["Reference"]: row for row in _rows(response, kind)}
    assert rows["1.1"]["Latest narrative"] == "'=cmd|' /C calc'!A0 slipped"  # quoted, never a formula
    assert rows["1.1"]["Next steps"] == "Ask Cabinet."
    assert rows["1.1"]["RAG meaning"] == "Cabinet must act"
    assert rows["1.1"]["Status"]
    assert rows["1.2"]["Latest narrative"] in ("", None) and rows["1.2"]["RAG meaning"] == "No update yet"


@pytest.mark.django_db
def test_a_past_date_exports_the_narrative_as_it_stood_then(client, carol, plan):
    client.force_login(carol)
    day = (timezone.localdate() - dt.timedelta(days=30)).isoformat()
    response = client.get(reverse("action_plan_csv", args=[plan.slug]) + f"?as_of={day}")
    rows = {row["Reference"]: row for row in _rows(response, "csv")}
    assert rows["1.1"]["Latest narrative"] == "Old words."
