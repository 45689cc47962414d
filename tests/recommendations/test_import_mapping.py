"""The column mapping step, partial import and the rows-to-fix download (issue 17)."""

from __future__ import annotations

import html
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from recommendations.models import Action, ImportColumnMapping, ProgressUpdate
from tests import factories
from tests.recommendations.corpus.action_plans import (
    cover_sheet_merged_text_dates,
    recommendation_text_no_number,
)
from tests.recommendations.import_helpers import row_counts, upload

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]

MAPPING = ["recommendation", "recommendation_text", "description", "lead_officer", "due_date", "status", "narrative"]


@pytest.fixture
def plan(challenge):
    factories.make_recommendation(challenge=challenge, number=1, title="City Centre masterplan")
    factories.make_recommendation(
        challenge=challenge,
        number=2,
        title="Financial accounts",
        text="The council should make swift progress to sign off its accounts and publish them.",
    )
    factories.make_recommendation(challenge=challenge, number=3, title="Workforce")
    return challenge


def _hidden(body: str) -> dict[str, str]:
    return {
        name: value
        for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', body)
        if name != "csrfmiddlewaretoken"
    }


def _rows_to_fix_link(body: str) -> str:
    """Returns the address of the rows-to-fix download that the preview page links to."""
    return str(re.findall(r'href="([^"]*rows-to-fix\.xlsx[^"]*)"', body)[0]).replace("&amp;", "&")


def _upload(client, challenge, data=None, name="plan.xlsx"):
    return client.post(
        reverse("action_plan_import", args=[challenge.slug]),
        {"file": upload(data or cover_sheet_merged_text_dates(), name)},
    )


def _map(client, challenge, token, mapping=MAPPING, sheet="Action Plan", **extra):
    data = {"token": token, "sheet": sheet, **{f"col_{i}": key for i, key in enumerate(mapping)}, **extra}
    return client.post(reverse("action_plan_import_mapping", args=[challenge.slug]), data)


def test_a_councils_own_layout_goes_to_the_mapping_page_with_every_column(client, alice, plan):
    client.force_login(alice)
    response = _upload(client, plan)
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Match your columns" in body
    assert (
        "Read the sheet “Action Plan”, which has the action plan's header row; the other "
        "sheet “Cover” was not read." in body
    )
    assert "The header row is row 3" in body
    for index, header in enumerate(
        ["Rec No.", "Recommendation", "Action", "Lead Officer(s)", "Timescale", "Status", "Update"]
    ):
        assert f"Column {index + 1}: “{header}”" in body
    assert "“Complete” (2 rows)" in body and "“Not started” (2 rows)" in body
    assert row_counts("recommendations", "reviews")["recommendations.Action"] == 0


def test_preview_shows_good_and_bad_rows_with_interpretations(client, alice, plan):
    client.force_login(alice)
    token = _hidden(_upload(client, plan).content.decode())["token"]
    body = _map(client, plan, token).content.decode()
    assert "There is a problem with 1 row" in body
    assert "Row 9, column “Action”: is empty" in body
    assert "Read: Timescale: “March 2025” read as 31/03/2025, the end of the month" in body
    assert "Read: Timescale: no date: the plan says “Ongoing”" in body
    assert "(from the status “Complete”)" in body
    assert "The 5 good rows, leaving out the 1 with problems" in body
    assert "rows-to-fix.xlsx" in body


def test_importing_the_good_rows_leaves_the_bad_ones_out_and_remembers_the_mapping(client, alice, plan):
    client.force_login(alice)
    token = _hidden(_upload(client, plan).content.decode())["token"]
    form = _hidden(_map(client, plan, token).content.decode())
    response = client.post(
        reverse("action_plan_import_confirm", args=[plan.slug]), {**form, "rows": "good"}, follow=True
    )
    assert "1 row with problems was left out" in response.content.decode()
    actions = list(Action.objects.order_by("pk"))
    assert [a.description for a in actions] == [
        "Commission the masterplan",
        "Consult partners on the draft",
        "Clear the backlog of accounts",
        "Report progress to Audit Committee",
        "Publish the workforce strategy",
    ]
    assert actions[1].source == ("Lead officer(s) in the imported plan: Director of Property / Head of Planning")
    assert actions[3].source.startswith("Timescale in the imported plan: Ongoing.")
    assert actions[0].lead_officer is None and "Director of Property" in actions[0].source
    # Complete is reported complete (Blue), awaiting a coordinator's sign-off.
    assert actions[0].status == Action.Status.AWAITING_SIGN_OFF
    assert ProgressUpdate.objects.filter(action=actions[2]).count() == 0
    remembered = dict(
        ImportColumnMapping.objects.filter(council=plan.council, kind="column").values_list("source", "target")
    )
    assert remembered["timescale"] == "due_date" and remembered["update"] == "narrative"


def test_all_or_nothing_imports_nothing_when_a_row_is_bad(client, alice, plan):
    client.force_login(alice)
    token = _hidden(_upload(client, plan).content.decode())["token"]
    form = _hidden(_map(client, plan, token).content.decode())
    before = row_counts("recommendations", "reviews")
    response = client.post(reverse("action_plan_import_confirm", args=[plan.slug]), {**form, "rows": "all"})
    assert "Nothing was imported: the spreadsheet has the errors below." in response.content.decode()
    assert row_counts("recommendations", "reviews") == before


def test_importing_the_same_file_again_changes_nothing(client, alice, plan):
    client.force_login(alice)
    for _ in range(2):
        token = _hidden(_upload(client, plan).content.decode())["token"]
        form = _hidden(_map(client, plan, token).content.decode())
        client.post(reverse("action_plan_import_confirm", args=[plan.slug]), {**form, "rows": "good"})
    assert Action.objects.count() == 5
    assert ProgressUpdate.objects.count() == 4


def test_the_rows_to_fix_download_has_the_bad_rows_and_a_problems_column(client, alice, plan):
    client.force_login(alice)
    token = _hidden(_upload(client, plan).content.decode())["token"]
    body = _map(client, plan, token).content.decode()
    link = _rows_to_fix_link(body)
    response = client.get(link)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == (
        "Rec No.",
        "Recommendation",
        "Action",
        "Lead Officer(s)",
        "Timescale",
        "Status",
        "Update",
        "Problems",
    )
    assert len(rows) == 2 and rows[1][0] == "3" and "Action: is empty" in rows[1][-1]


def test_the_fixed_rows_import_on_their_own(client, alice, plan):
    client.force_login(alice)
    token = _hidden(_upload(client, plan).content.decode())["token"]
    body = _map(client, plan, token).content.decode()
    link = _rows_to_fix_link(body)
    workbook = load_workbook(io.BytesIO(client.get(link).content))
    workbook.active["C2"] = "Recruit a head of workforce"
    buffer = io.BytesIO()
    workbook.save(buffer)
    # The remembered mapping is used for the next file; the Problems column is not imported.
    body = _upload(client, plan, buffer.getvalue()).content.decode()
    form = _hidden(body)
    if "Match your columns" in body:
        form = _hidden(_map(client, plan, form["token"], mapping=[*MAPPING, ""], sheet="").content.decode())
    client.post(reverse("action_plan_import_confirm", args=[plan.slug]), form)
    assert Action.objects.get().description == "Recruit a head of workforce"


def test_recommendations_are_found_by_their_wording(client, alice, bob, plan):
    client.force_login(alice)
    body = _upload(client, plan, recommendation_text_no_number()).content.decode()
    token = _hidden(body)["token"]
    body = client.post(
        reverse("action_plan_import_mapping", args=[plan.slug]),
        {
            "token": token,
            "col_0": "recommendation",
            "col_1": "description",
            "col_2": "lead_officer",
            "col_3": "due_date",
        },
    ).content.decode()
    assert "recommendation found by its wording: 2. Financial accounts" in body
    assert "“Something the peers never said” matches no recommendation" in body


@pytest.mark.parametrize(("mapping", "message"), [
    pytest.param(["recommendation", "description", "description", "", "", "", ""],
                 "Two columns are set to “Action”", id="a-field-chosen-twice"),
    pytest.param(["recommendation", "", "description", "is_demo", "", "", ""],
                 "Choose what column 4 holds from the list", id="a-posted-field-that-is-not-a-choice"),
])
def test_a_bad_mapping_shows_the_mapping_page_again_with_an_error(client, alice, plan, mapping, message):
    client.force_login(alice)
    token = _hidden(_upload(client, plan).content.decode())["token"]
    response = _map(client, plan, token, mapping=mapping)
    assert response.status_code == 400
    body = response.content.decode()
    assert "<title>Error: Match your columns" in body
    assert message in body


def test_another_users_token_is_not_known(client, alice, plan, northtown):
    client.force_login(alice)
    token = _hidden(_upload(client, plan).content.decode())["token"]
    other = factories.make_user(username="alex", council=northtown, role="coordinator")
    client.force_login(other)
    response = _map(client, plan, token)
    assert response.status_code == 302
    assert response["Location"] == reverse("action_plan_import", args=[plan.slug])


@pytest.mark.parametrize("name", ["action_plan_import_mapping", "action_plan_import_problems"])
def test_officers_are_forbidden_and_other_councils_get_not_found(client, bob, mallory, plan, name):
    method = client.post if name.endswith("mapping") else client.get
    client.force_login(bob)
    assert method(reverse(name, args=[plan.slug])).status_code == 403
    client.force_login(mallory)
    assert method(reverse(name, args=[plan.slug])).status_code == 404


def test_remembered_statuses_are_used_next_time(client, alice, plan):
    ImportColumnMapping.objects.create(council=plan.council, kind="status", source="on track", target="amber")
    client.force_login(alice)
    body = _upload(client, plan).content.decode()
    index = re.findall(r'name="status_word_(\d+)" value="On track"', body)[0]
    selected = re.findall(rf'name="status_{index}">(.*?)</select>', body, re.DOTALL)[0]
    assert '<option value="amber" selected>' in selected
