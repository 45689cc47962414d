"""The action plan reader on spreadsheets in the shapes councils publish (issue 17)."""

from __future__ import annotations

import pytest

from recommendations.spreadsheets import read_action_plan
from tests.recommendations.corpus.action_plans import BUILDERS, EXPECTED


def _read(name, **kwargs):
    build, filename = BUILDERS[name]
    return read_action_plan(build(), filename, **kwargs)


def test_the_corpus_holds_at_least_six_layouts():
    assert len(BUILDERS) >= 6 and set(BUILDERS) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(BUILDERS))
def test_corpus_plan_reads_as_expected(name):
    expected = EXPECTED[name]
    result = _read(name)
    assert result.header_row == expected["header_row"]
    if "sheet" in expected:
        assert result.sheet == expected["sheet"]
    assert [
        (r.recommendation, r.recommendation_text, r.description, r.due_date, r.rag) for r in result.rows
    ] == expected["rows"]
    assert sorted({e.row for e in result.errors}) == expected["bad_rows"]
    if "note" in expected:
        assert expected["note"] in result.sheet_note


def test_cover_sheet_is_passed_over_and_named():
    result = _read("cover_sheet_merged_text_dates")
    assert result.sheet_names == ["Cover", "Action Plan"]
    assert "“Cover” was not read" in result.sheet_note


def test_merged_recommendation_cells_are_filled_down():
    result = _read("cover_sheet_merged_text_dates")
    assert result.merged_cells_filled == 6  # A and B of rows 5, 7 and 9
    assert [r.recommendation for r in result.rows] == [1, 1, 2, 2, 3]


def test_month_and_quarter_dates_say_how_they_were_read():
    rows = _read("cover_sheet_merged_text_dates").rows
    assert "Timescale: “March 2025” read as 31/03/2025, the end of the month" in rows[0].interpretations
    assert "Timescale: “Sept 2024” read as 30/09/2024, the end of the month" in rows[1].interpretations
    assert any("“Q4 2024/25” read as 31/03/2025, the end of 2024/25 Q4" in note for note in rows[2].interpretations)


def test_ongoing_and_tbc_are_no_date_with_a_note_kept():
    rows = _read("cover_sheet_merged_text_dates").rows
    assert rows[3].due_date is None
    assert "Timescale in the imported plan: Ongoing." in rows[3].notes
    assert rows[4].due_date is None and "Timescale in the imported plan: TBC." in rows[4].notes


def test_status_words_become_ratings_and_the_mapping_can_be_changed():
    result = _read("cover_sheet_merged_text_dates")
    assert result.statuses == {"Complete": 2, "On track": 2, "Not started": 2}
    assert result.rows[1].narrative == "Status in the imported action plan: On track."
    changed = _read("cover_sheet_merged_text_dates", statuses={"On track": "amber"})
    assert [r.rag for r in changed.rows] == ["blue", "amber", "", "amber", "blue"]


def test_an_unknown_status_word_is_a_row_problem_until_mapped():
    from tests.recommendations.import_helpers import csv_bytes

    data = csv_bytes([[1, "Do it", "Sort of fine"]], headers=["Rec", "Action", "Status"])
    result = read_action_plan(data, "plan.csv")
    assert [str(e) for e in result.errors] == [
        "Row 2, column “Status”: “Sort of fine” is not a status peertrack knows. Choose its "
        "rating on the column mapping page."
    ]
    mapped = read_action_plan(data, "plan.csv", statuses={"Sort of fine": "amber"})
    assert mapped.rows[0].rag == "amber" and not mapped.errors


def test_reference_forms_and_an_action_for_two_recommendations():
    result = _read("references_in_many_forms")
    joint = result.rows[-1]
    assert joint.recommendation == 2 and joint.also_recommendations == [3]
    assert "Also answers recommendation 3." in joint.notes
    assert [str(e) for e in result.errors] == [
        "Row 9, column “No.”: “٣” is not a recommendation number. Write a whole number such "
        "as 3, or the recommendation's title."
    ]


def test_no_column_is_dropped_without_being_shown():
    result = _read("cabinet_and_directorate_columns")
    fields = ["recommendation", "description", "lead_officer", "cabinet_member", "directorate", "due_date", "rag",
              "narrative"]
    assert result.mapping == [*fields, ""]
    assert "These columns are not imported: “Evidence link”." in result.warnings
    kept = _read("cabinet_and_directorate_columns", mapping=[*fields, "notes"])
    assert "Evidence link: https://example.org/plan" in kept.rows[0].notes


def test_header_found_below_title_rows_up_to_row_twenty():
    import io

    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for index in range(15):
        sheet.append([f"Title line {index}"])
    sheet.append(["Recommendation", "Action", "Lead officer"])
    sheet.append([1, "Do it", ""])
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_action_plan(buffer.getvalue(), "plan.xlsx")
    assert result.header_row == 16 and result.rows[0].description == "Do it"


def test_a_chosen_sheet_that_does_not_exist_is_refused_with_the_names():
    from recommendations.spreadsheets import SpreadsheetError

    with pytest.raises(SpreadsheetError, match="no sheet called “Nope”. Choose one of “Cover”, “Action Plan”"):
        _read("cover_sheet_merged_text_dates", sheet="Nope")


def test_a_field_chosen_for_two_columns_is_refused():
    from recommendations.spreadsheets import SpreadsheetError

    with pytest.raises(SpreadsheetError, match="Two columns are set to “Action”"):
        _read("recommendation_text_no_number", mapping=["recommendation", "description", "description", ""])
