"""A coordinator creates a challenge, pastes its recommendations and imports its action plan."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from recommendations.demo import DEMO_PASSWORDS
from recommendations.models import Action, ImportColumnMapping
from tests.browser.conftest import assert_accessible, assert_fits, fill_date, sign_in
from tests.recommendations.corpus.action_plans import cover_sheet_merged_text_dates
from tests.recommendations.import_helpers import xlsx_bytes

DATA = Path(__file__).resolve().parents[1] / "recommendations" / "data"


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
    for legend, day in (("First day on site", "15"), ("Last day on site", "18")):
        fill_date(page.get_by_role("group", name=legend), day, "1", "2029")
    page.get_by_role("button", name="Create the challenge").click()
    expect(page.get_by_role("heading", name="Add the recommendations")).to_be_visible()
    assert_accessible(page, "import-recommendations-paste")

    page.get_by_label("The key recommendations section").fill(
        (DATA / "key_recommendations_progress_review_2024.txt").read_text(encoding="utf-8")
    )
    page.get_by_role("button", name="Check the recommendations").click()
    expect(page.get_by_role("heading", name="Check the recommendations")).to_be_visible()
    assert page.get_by_label("Title of recommendation 4").input_value() == "Medium Term Financial Strategy"
    expect(page.get_by_text("Ignored the page number 9")).to_be_visible()
    assert_accessible(page, "import-recommendations-preview")
    page.get_by_label("Title of recommendation 10").fill("Workforce diversity")
    page.get_by_role("button", name="Save the ticked recommendations").click()
    expect(page.get_by_text("Recommendations added: 10")).to_be_visible()
    # The import hands over to the set-up pages when they exist; the challenge page lists all 10.
    page.goto("/challenges/coventry-corporate-peer-challenge-2029/")
    assert page.get_by_role("heading", level=1).inner_text() == "Corporate Peer Challenge 2029"
    assert page.locator("table.govuk-table").first.locator("tbody tr").count() == 10
    expect(page.get_by_role("link", name="Workforce diversity")).to_be_visible()

    spreadsheet = tmp_path / "action-plan.xlsx"
    spreadsheet.write_bytes(
        xlsx_bytes(
            [
                [
                    "1.1",
                    1,
                    "Agree the City Centre Vision 2050 with partners",
                    "  priya   SHAH ",
                    "",
                    "Place",
                    "01/02/2029",
                    "31/07/2029",
                    "Green",
                    "Partners workshop held.",
                ],
                [
                    "",
                    4,
                    "Model demographic change in the MTFS",
                    "nobody@example.org",
                    "",
                    "Finance",
                    "",
                    "30/11/2029",
                    "",
                    "",
                ],
            ]
        )
    )
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

    page.goto("/challenges/coventry-corporate-peer-challenge-2029/")
    page.get_by_role("link", name="City Centre masterplan").click()
    expect(page.get_by_text("Agree the City Centre Vision 2050 with partners").first).to_be_visible()
    actions = Action.objects.filter(recommendation__challenge__slug="coventry-corporate-peer-challenge-2029")
    assert sorted(actions.values_list("reference", "lead_officer__username")) == [("1.1", "officer"), ("4.1", None)]


def test_a_bad_spreadsheet_shows_row_and_column_and_passes_axe(page, demo, tmp_path):
    sign_in(page, "coordinator", DEMO_PASSWORDS["coordinator"])
    spreadsheet = tmp_path / "plan.xlsx"
    spreadsheet.write_bytes(
        xlsx_bytes(
            [
                ["1.1", 11, "No such recommendation", *[""] * 7],
                ["1.2", 1, "Bad date", "", "", "", "", "31/02/2025", "", ""],
            ]
        )
    )
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


def test_a_real_shaped_workbook_goes_through_mapping_and_partial_import(page, demo, tmp_path):
    """A cover sheet, the header on row 3, merged recommendation cells, text dates and status
    words: mapped, previewed with one bad row, the good rows imported, the bad rows downloaded."""
    sign_in(page, "coordinator", DEMO_PASSWORDS["coordinator"])
    spreadsheet = tmp_path / "council-action-plan.xlsx"
    spreadsheet.write_bytes(cover_sheet_merged_text_dates())
    page.goto("/challenges/coventry-2024/action-plan/import/")
    assert_fits(page, "import17-upload")
    page.get_by_label("Action plan spreadsheet").set_input_files(str(spreadsheet))
    page.get_by_role("button", name="Check the spreadsheet").click()

    expect(page.get_by_role("heading", name="Match your columns")).to_be_visible()
    expect(page.get_by_text("the other sheet “Cover” was not read")).to_be_visible()
    expect(page.get_by_text("The header row is row 3")).to_be_visible()
    assert page.get_by_label("Column 5: “Timescale”").input_value() == "due_date"
    assert page.get_by_label("Column 6: “Status”").input_value() == "status"
    assert_fits(page, "import17-mapping")
    # The coordinator keeps the recommendation's wording as a note instead of matching on it.
    page.get_by_label("Column 2: “Recommendation”").select_option("notes")
    page.get_by_label("“On track” (2 rows)").select_option("amber")
    page.get_by_role("button", name="Check the rows").click()

    expect(page.get_by_role("heading", name="Check the action plan import")).to_be_visible()
    expect(page.get_by_text("There is a problem with 1 row")).to_be_visible()
    expect(page.get_by_text("Read: Timescale: “Q4 2024/25” read as 31/03/2025, the end of 2024/25 Q4")).to_be_visible()
    assert_fits(page, "import17-preview")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the 1 row with problems").click()
    assert download_info.value.suggested_filename == "coventry-2024-rows-to-fix.xlsx"
    page.get_by_label("The 5 good rows, leaving out the 1 with problems").check()
    page.get_by_role("button", name="Import the action plan").click()
    expect(page.get_by_text("1 row with problems was left out")).to_be_visible()
    assert_fits(page, "import17-done")

    imported = Action.objects.filter(
        recommendation__challenge__slug="coventry-2024", description="Consult partners on the draft"
    ).get()
    assert imported.recommendation.number == 1
    assert imported.due_date.isoformat() == "2024-09-30"
    assert imported.updates.get().rag == "amber"
    assert "Head of Planning" in imported.source
    assert ImportColumnMapping.objects.filter(source="recommendation", target="notes").exists()


def test_the_councils_response_table_is_pasted_checked_and_imported(page, demo):
    """Appendix B pasted from Word: each recommendation's response and its actions."""
    sign_in(page, "coordinator", DEMO_PASSWORDS["coordinator"])
    page.goto("/challenges/coventry-2024/action-plan/import/")
    page.get_by_role("link", name="Import the council’s response table").click()
    expect(page.get_by_role("heading", name="Import the council's response")).to_be_visible()
    page.get_by_role("button", name="Check the response table").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_fits(page, "import17-response-error")
    page.get_by_label("Paste the response table").fill(
        "Recommendation\tCouncil response\tActions\tLead\tTimescale\n"
        "1\tAccepted. The masterplan will be completed with partners.\tPublish the demo masterplan "
        "timetable\tDirector of Property\tMarch 2025\n"
        "99\tAccepted.\tSomething\t\t\n"
    )
    page.get_by_role("button", name="Check the response table").click()
    expect(page.get_by_role("heading", name="Check the council's response")).to_be_visible()
    expect(page.get_by_text("recommendation 99 is not a recommendation of this challenge")).to_be_visible()
    assert_fits(page, "import17-response-preview")
    page.get_by_role("button", name="Import 1 response").click()
    expect(
        page.get_by_text("The response table was imported: 1 recommendation updated and 1 action added.")
    ).to_be_visible()
    action = Action.objects.get(description="Publish the demo masterplan timetable")
    assert action.recommendation.number == 1 and action.due_date.isoformat() == "2025-03-31"
    assert action.recommendation.response == "accepted"
