"""Actions arising from the progress review say so wherever they appear.

The action page, the action plan table (with an "origin" filter), its CSV and XLSX exports,
My actions and the committee pack all label an action whose origin is the progress review
in words; actions from the original action plan carry no label.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import subprocess

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pytest_django.asserts import assertContains, assertNotContains

from bench.dashboards import populate_challenge
from peertrack import caching
from recommendations.exports import HEADERS
from recommendations.models import Action, PeerChallenge
from reviews.packs.pdf import render_html, render_pdf
from reviews.packs.snapshot import build_snapshot
from tests import factories
from tests.recommendations.query_helpers import query_count
from tests.reviews._pdf import PDFTOTEXT

LABEL = "Arising from the progress review"
TAG = f'<strong class="govuk-tag govuk-tag--purple pt-origin-tag">{LABEL}</strong>'
REVIEW = Action.Origin.PROGRESS_REVIEW
TAGGED = "pt-origin-tag"  # the label in a row (the filter's option carries the words too)


def _at(day: str) -> dt.datetime:
    return timezone.make_aware(dt.datetime.fromisoformat(f"{day}T12:00:00"))


def _action_url(action: Action) -> str:
    return reverse("action", args=[action.recommendation.challenge.slug, action.pk])


def _plan_url(challenge, query: str = "") -> str:
    return reverse("action_plan", args=[challenge.slug]) + (f"?{query}" if query else "")


def _refs(response) -> list[str]:
    return [row.record.action.reference for row in response.context["table"].page.object_list]


@pytest.fixture
def plan(recommendation, bob):
    """Action 1.1 from the action plan and 1.2 added after the progress review, both led by Bob."""
    created = _at("2024-02-01")
    from_plan = factories.make_action(recommendation=recommendation, reference="1.1", lead_officer=bob,
                                      description="Publish the masterplan.", created_at=created,
                                      due_date=dt.date(2030, 3, 31))
    from_review = factories.make_action(recommendation=recommendation, reference="1.2", lead_officer=bob,
                                        description="Hold a residents' panel on the masterplan.",
                                        created_at=created, due_date=dt.date(2030, 6, 30), origin=REVIEW)
    return {"plan": from_plan, "review": from_review}


# The action page


@pytest.mark.django_db
def test_action_page_tags_an_action_arising_from_the_progress_review(client, carol, plan):
    client.force_login(carol)
    assertContains(client.get(_action_url(plan["review"])), TAG, count=1, html=True)


@pytest.mark.django_db
def test_action_page_of_a_plan_action_has_no_origin_tag(client, carol, plan):
    client.force_login(carol)
    assertNotContains(client.get(_action_url(plan["plan"])), LABEL)


@pytest.mark.django_db
def test_my_open_actions_panel_on_the_action_page_tags_the_review_action(client, bob, plan):
    client.force_login(bob)
    body = client.get(_action_url(plan["plan"])).content.decode()
    panel = body.split('id="my-actions-panel"')[1].split("</aside>")[0]
    assert panel.count(LABEL) == 1
    assert panel.index("1.2 Hold a residents") < panel.index(LABEL)


# The action plan table and its filter


@pytest.mark.django_db
def test_table_tags_the_review_action_in_its_action_cell_only(client, carol, plan):
    client.force_login(carol)
    rows = client.get(_plan_url(plan["plan"].recommendation.challenge)).context["table"].page.object_list
    cells = {row.record.action.reference: {column.name: str(value) for column, value in row.items()} for row in rows}
    assert LABEL in cells["1.2"]["description"]
    assert "Hold a residents&#x27; panel on the masterplan." in cells["1.2"]["description"]
    assert LABEL not in cells["1.1"]["description"]
    assert cells["1.1"]["description"] == "Publish the masterplan."


@pytest.mark.django_db
def test_table_escapes_the_description_beside_the_tag(client, carol, recommendation, bob):
    factories.make_action(recommendation=recommendation, lead_officer=bob, origin=REVIEW,
                          description="<script>alert(1)</script>")
    client.force_login(carol)
    response = client.get(_plan_url(recommendation.challenge))
    assert "<script>alert(1)</script>" not in response.content.decode()
    assertContains(response, "&lt;script&gt;alert(1)&lt;/script&gt;")


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "expected"), [
    ("origin=progress_review", ["1.2"]),
    ("origin=action_plan", ["1.1"]),
    ("origin=", ["1.1", "1.2"]),
    ("", ["1.1", "1.2"]),
])
def test_origin_filter_narrows_the_table(client, carol, plan, query, expected):
    client.force_login(carol)
    response = client.get(_plan_url(plan["plan"].recommendation.challenge, query))
    assert response.status_code == 200
    assert _refs(response) == expected


@pytest.mark.django_db
def test_origin_filter_is_a_labelled_select_in_the_plain_get_form(client, carol, plan):
    client.force_login(carol)
    response = client.get(_plan_url(plan["plan"].recommendation.challenge, "origin=progress_review"))
    assertContains(response, '<label class="govuk-label govuk-label--s" for="id_origin">'
                             "Where the action came from</label>", html=True)
    body = response.content.decode()
    form = body.split('id="action-plan-filters"')[1].split("</form>")[0]
    assert 'name="origin"' in form and 'class="govuk-select"' in form
    assert '<option value="">All actions</option>' in form
    assert '<option value="action_plan">Action plan</option>' in form
    assert f'<option value="progress_review" selected>{LABEL}</option>' in form
    assert "1 action matches these filters" in " ".join(body.split())


@pytest.mark.django_db
def test_origin_filter_with_htmx_gets_only_the_narrowed_results(client, carol, plan):
    client.force_login(carol)
    response = client.get(_plan_url(plan["plan"].recommendation.challenge, "origin=progress_review"),
                          headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<div id="action-plan-results"')
    assert "<html" not in body
    assert "1 action matches these filters" in " ".join(body.split())
    assert _refs(response) == ["1.2"]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["purple", "PROGRESS_REVIEW", "<b>x</b>"])
def test_an_unknown_origin_is_reported_in_words_and_ignored(client, carol, plan, value):
    client.force_login(carol)
    response = client.get(_plan_url(plan["plan"].recommendation.challenge), {"origin": value})
    assert response.status_code == 400
    message = "Choose where the action came from: the action plan or the progress review."
    assertContains(response, "There is a problem", status_code=400)
    assertContains(response, f'<a href="#id_origin">{message}</a>', html=True, status_code=400)
    assert _refs(response) == ["1.1", "1.2"]
    assert "<b>x</b>" not in response.content.decode()


@pytest.mark.django_db
def test_an_unknown_origin_from_htmx_is_not_a_server_error(client, carol, plan):
    client.force_login(carol)
    response = client.get(_plan_url(plan["plan"].recommendation.challenge, "origin=nonsense"),
                          headers={"HX-Request": "true"})
    assert response.status_code == 400
    assert _refs(response) == ["1.1", "1.2"]


def _table_queries(client, challenge, query: str, *, cold: bool = True) -> tuple[int, str]:
    """Returns the queries one request for the table made, and its body. `cold` (the default)
    empties the page cache first (ADR 0026), so the table is built, not served from the cache."""
    if cold:
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_plan_url(challenge, query))
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.django_db
def test_labels_and_the_origin_filter_add_no_queries(client, carol, bob, challenge):
    populate_challenge(challenge=challenge, officers=[bob], recommendations=15, actions_per_recommendation=2,
                       updates_per_action=1)
    client.force_login(carol)
    before, body = _table_queries(client, challenge, "sort=rag")
    assert TAGGED not in body
    # A raw UPDATE sends no signal, so it must move the cache version itself (ADR 0026).
    Action.objects.filter(recommendation__number__gt=8).update(origin=REVIEW)
    caching.bump(PeerChallenge.objects.filter(pk=challenge.pk))
    # Cold renders both: the labelled table and the filtered one cost what the unlabelled one did.
    labelled, body = _table_queries(client, challenge, "sort=rag")
    assert labelled == before
    assert TAGGED in body
    filtered, body = _table_queries(client, challenge, "sort=rag&origin=progress_review")
    assert filtered == before
    assert TAGGED in body
    # Warm: the same request again is served from the cache, costing only the signed-in user and
    # the challenge row that carries the version.
    warm, body = _table_queries(client, challenge, "sort=rag&origin=progress_review", cold=False)
    assert warm < before
    assert warm <= 4
    assert TAGGED in body


# CSV and XLSX exports


def _csv_rows(client, challenge, query=""):
    response = client.get(reverse("action_plan_csv", args=[challenge.slug]) + f"?{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def _xlsx_rows(client, challenge, query=""):
    response = client.get(reverse("action_plan_xlsx", args=[challenge.slug]) + f"?{query}")
    assert response.status_code == 200
    return [list(row) for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)]


@pytest.mark.django_db
def test_exports_have_an_origin_column_in_words_after_the_original_columns(client, carol, plan):
    challenge = plan["plan"].recommendation.challenge
    client.force_login(carol)
    # New columns go at the end, so the ones people read by position stay where they were.
    assert HEADERS[11:13] == ["Origin", "Status"]
    for rows in (_csv_rows(client, challenge), _xlsx_rows(client, challenge)):
        assert rows[0] == HEADERS
        assert [(row[0], row[11]) for row in rows[1:]] == [("1.1", "Action plan"), ("1.2", LABEL)]


@pytest.mark.django_db
def test_exports_follow_the_origin_filter(client, carol, plan):
    challenge = plan["plan"].recommendation.challenge
    client.force_login(carol)
    assert [row[0] for row in _csv_rows(client, challenge, "origin=progress_review")[1:]] == ["1.2"]
    assert [row[0] for row in _xlsx_rows(client, challenge, "origin=action_plan")[1:]] == ["1.1"]


@pytest.mark.django_db
def test_exports_still_quote_formula_text_in_review_actions(client, carol, recommendation, bob):
    factories.make_action(recommendation=recommendation, reference="1.1", lead_officer=bob, origin=REVIEW,
                          description="=HYPERLINK(\"http://evil\",\"x\")")
    client.force_login(carol)
    csv_row = _csv_rows(client, recommendation.challenge)[1]
    assert csv_row[4] == "'=HYPERLINK(\"http://evil\",\"x\")" and csv_row[11] == LABEL
    response = client.get(reverse("action_plan_xlsx", args=[recommendation.challenge.slug]))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(row=2, column=5).data_type == "s"
    assert sheet.cell(row=2, column=HEADERS.index("Origin") + 1).value == LABEL


# My actions


@pytest.mark.django_db
def test_my_actions_tags_the_review_action_only(client, bob, plan):
    client.force_login(bob)
    response = client.get(reverse("my_actions"))
    assertContains(response, LABEL, count=1)
    assert response.content.decode().count("govuk-tag govuk-tag--purple pt-origin-tag") == 1
    rows = response.content.decode().split('id="my-actions"')[1].split("</table>")[0].split("<tr")
    review_row = next(row for row in rows if "Hold a residents" in row)
    plan_row = next(row for row in rows if "Publish the masterplan." in row)
    assert LABEL in review_row and LABEL not in plan_row


@pytest.mark.django_db
def test_my_actions_tags_a_finished_review_action(client, bob, recommendation):
    factories.make_action(recommendation=recommendation, lead_officer=bob, origin=REVIEW,
                          status=Action.Status.COMPLETE, description="Hold a residents' panel.")
    factories.make_action(recommendation=recommendation, lead_officer=bob, status=Action.Status.CLOSED,
                          description="Publish the masterplan.")
    client.force_login(bob)
    response = client.get(reverse("my_actions"))
    finished = response.content.decode().split("Completed and closed actions")[1].split("</details>")[0]
    assert finished.count(LABEL) == 1
    assert finished.index("Hold a residents") < finished.index(LABEL) < finished.index("Publish the masterplan.")


@pytest.mark.django_db
def test_my_actions_and_the_action_page_add_no_queries_for_labels(client, bob, recommendation):
    actions = [factories.make_action(recommendation=recommendation, lead_officer=bob) for _ in range(10)]
    client.force_login(bob)
    page_before = query_count(client, _action_url(actions[0]), cold=False)
    before = query_count(client, reverse("my_actions"), cold=False)
    Action.objects.filter(pk__in=[a.pk for a in actions]).update(origin=REVIEW)
    assert query_count(client, reverse("my_actions"), cold=False) == before
    assert query_count(client, _action_url(actions[0]), cold=False) == page_before


# The committee pack


def _pdf_words(pdf: bytes, tmp_path) -> str:
    """Returns the PDF's text in content order with whitespace collapsed, so a table cell that
    wraps onto two lines reads as one sentence (pdftotext -layout interleaves the columns)."""
    source = tmp_path / "pack-under-test.pdf"
    source.write_bytes(pdf)
    result = subprocess.run([PDFTOTEXT, "-raw", str(source), "-"], capture_output=True, check=True)
    return re.sub(r"\s+", " ", result.stdout.decode())


@pytest.fixture
def report(challenge, alice):
    return factories.make_report(challenge=challenge, by=alice)


@pytest.mark.django_db
def test_pack_snapshot_says_which_actions_arose_from_the_review(report, plan):
    rows = build_snapshot(report=report)["recommendations"][0]["actions"]
    assert [(row["reference"], row["from_progress_review"]) for row in rows] == [("1.1", False), ("1.2", True)]


@pytest.mark.django_db
def test_pack_marks_the_review_action_in_words_in_the_action_tables(report, plan, tmp_path):
    # Make the review action overdue and a chosen key risk, so it is listed twice: under its
    # recommendation (Appendix A) and in Table 2.
    Action.objects.filter(pk=plan["review"].pk).update(due_date=dt.date(2024, 6, 30))
    report.chosen_risks = [plan["review"].pk]
    report.save()
    words = _pdf_words(render_pdf(build_snapshot(report=report)).pdf, tmp_path)
    marked = "Hold a residents' panel on the masterplan. (arising from the progress review)"
    assert words.count(marked) == 2
    assert words.count("(arising from the progress review)") == 2
    html = render_html(build_snapshot(report=report))
    rows = [row for row in html.split("<tr>") if "Publish the masterplan." in row]
    assert rows and all("arising from the progress review" not in row for row in rows)


@pytest.mark.django_db
def test_pack_without_review_actions_mentions_no_review_origin(report, recommendation, bob, tmp_path):
    factories.make_action(recommendation=recommendation, lead_officer=bob)
    words = _pdf_words(render_pdf(build_snapshot(report=report)).pdf, tmp_path)
    assert "Do the thing the council committed to." in words
    assert "arising from the progress review" not in words


@pytest.mark.django_db
def test_a_snapshot_stored_before_origins_renders_without_the_mark(report, plan):
    snapshot = build_snapshot(report=report)
    for rec in snapshot["recommendations"]:
        for row in rec["actions"]:
            del row["from_progress_review"]
    assert "arising from the progress review" not in render_html(snapshot)


@pytest.mark.django_db
def test_pack_preview_marks_the_review_action(report, plan):
    # The preview is the pack's own PDF (issue 19), rendered from the same HTML with DRAFT on it.
    snapshot = build_snapshot(report=report)
    html = render_html(snapshot, draft=True)
    assert html.count('<span class="origin">(arising from the progress review)</span>') == 1


@pytest.mark.django_db
def test_pack_with_a_review_action_is_still_a_tagged_pdf(report, plan):
    from pypdf import PdfReader

    catalog = PdfReader(io.BytesIO(render_pdf(build_snapshot(report=report)).pdf)).trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
