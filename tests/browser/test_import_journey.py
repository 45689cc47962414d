"""A coordinator creates a challenge, pastes its recommendations and imports its action plan."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings
from playwright.sync_api import expect

from recommendations.demo import DEMO_PASSWORDS, load_demo
from recommendations.models import Action
from tests.browser.conftest import assert_accessible, sign_in
from tests.recommendations.import_helpers import xlsx_bytes

DATA = Path(__file__).resolve().parents[1] / "recommendations" / "data"


@pytest.fixture
def demo(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    with override_settings(DEBUG=True):
        load_demo(with_logins=True)


def test_coordinator_creates_a_challenge_pastes_recommendations_and_imports_a_plan(page, demo, tmp_path):
    sign_in(page, "coordinator", DEMO_PASSWORDS["coordinator"])
    page.get_by_role("link", name="Challenges", exact=True).click()  # a coordinator lands on the inbox
    page.get_by_role("link", name="Create a challenge").first.click()
    assert_accessible(page, "import-challenge-create")

    # A mistake first: the error summary names the field.
    page.get_by_role("button", name="Create the challenge").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page, "import-challenge-create-error")

    page.get_by_label("Title").fill("Corporate Peer Challenge 2029")
    page.get_by_label("First day on site").fill("15/01/2029")
    page.get_by_label("Last day on site").fill("18/01/2029")
    page.get_by_role("button", name="Create the challenge").click()
    expect(page.get_by_role("heading", name="Add the recommendations")).to_be_visible()
    assert_accessible(page, "import-recommendations-paste")

    page.get_by_label("The key recommendations section").fill(
        (DATA / "key_recommendations_progress_review_2024.txt").read_text(encoding="utf-8"))
    page.get_by_role("button", name="Check the recommendations").click()
    expect(page.get_by_role("heading", name="Check the recommendations")).to_be_visible()
    assert page.get_by_label("Title of recommendation 4").input_value() == "Medium Term Financial Strategy"
    expect(page.get_by_text("Ignored the page number 9")).to_be_visible()
    assert_accessible(page, "import-recommendations-preview")
    page.get_by_label("Title of recommendation 10").fill("Workforce diversity")
    page.get_by_role("button", name="Save 10 recommendations").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Corporate Peer Challenge 2029"
    assert page.locator("table.govuk-table").first.locator("tbody tr").count() == 10
    expect(page.get_by_role("link", name="Workforce diversity")).to_be_visible()

    spreadsheet = tmp_path / "action-plan.xlsx"
    spreadsheet.write_bytes(xlsx_bytes([
        ["1.1", 1, "Agree the City Centre Vision 2050 with partners", "  priya   SHAH ", "", "Place",
         "01/02/2029", "31/07/2029", "Green", "Partners workshop held."],
        ["", 4, "Model demographic change in the MTFS", "nobody@example.org", "", "Finance", "",
         "30/11/2029", "", ""],
    ]))
    page.get_by_role("link", name="Import an action plan").click()
    assert_accessible(page, "import-action-plan-upload")
    page.get_by_label("Action plan spreadsheet").set_input_files(str(spreadsheet))
    page.get_by_role("button", name="Check the spreadsheet").click()
    expect(page.get_by_role("heading", name="Check the action plan import")).to_be_visible()
    expect(page.get_by_text("nobody@example.org: matches no member of the council")).to_be_visible()
    expect(page.get_by_role("cell", name="Priya Shah", exact=True)).to_be_visible()
    assert_accessible(page, "import-action-plan-preview")
    # Keyboard only: focus the confirm button and press Enter.
    page.get_by_role("button", name="Import the action plan").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("The action plan was imported: 2 new")).to_be_visible()

    page.get_by_role("link", name="City Centre masterplan").click()
    expect(page.get_by_text("Agree the City Centre Vision 2050 with partners").first).to_be_visible()
    actions = Action.objects.filter(recommendation__challenge__slug="coventry-corporate-peer-challenge-2029")
    assert sorted(actions.values_list("reference", "lead_officer__username")) == [
        ("1.1", "officer"), ("4.1", None)]


def test_a_bad_spreadsheet_shows_row_and_column_and_passes_axe(page, demo, tmp_path):
    sign_in(page, "coordinator", DEMO_PASSWORDS["coordinator"])
    spreadsheet = tmp_path / "plan.xlsx"
    spreadsheet.write_bytes(xlsx_bytes([["1.1", 11, "No such recommendation", *[""] * 7],
                                        ["1.2", 1, "Bad date", "", "", "", "", "31/02/2025", "", ""]]))
    page.goto("/challenges/coventry-2024/action-plan/import/")
    page.get_by_label("Action plan spreadsheet").set_input_files(str(spreadsheet))
    page.get_by_role("button", name="Check the spreadsheet").click()
    expect(page.get_by_text("There is a problem: nothing can be imported yet")).to_be_visible()
    expect(page.get_by_role("link", name="Row 2, column “Recommendation number”")).to_be_visible()
    assert page.get_by_role("button", name="Import the action plan").count() == 0
    assert_accessible(page, "import-action-plan-errors")

    page.goto("/challenges/coventry-2024/action-plan/import/")
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4")
    page.get_by_label("Action plan spreadsheet").set_input_files(str(tmp_path / "notes.pdf"))
    page.get_by_role("button", name="Check the spreadsheet").click()
    expect(page.get_by_text("The file is not an Excel workbook").first).to_be_visible()
    assert_accessible(page, "import-action-plan-bad-file")
