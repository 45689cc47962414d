"""Reading action plan spreadsheets, the template and the export layout (no database)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from recommendations import spreadsheets
from recommendations.spreadsheets import SpreadsheetError, build_export, build_template, read_action_plan
from tests.recommendations.import_helpers import HEADERS, csv_bytes, xlsx_bytes, xlsx_with_formula

ROW = ["3.1", 3, "Publish the workforce survey action plan", "Bob Lead", "Cllr Example", "People",
       dt.date(2024, 6, 1), dt.date(2024, 9, 30), "Green", "Plan drafted."]


def test_template_has_every_column_and_explains_each():
    workbook = load_workbook(io.BytesIO(build_template(recommendations=[(1, "City Centre")])))
    sheet = workbook["Action plan"]
    assert [cell.value for cell in sheet[1]] == HEADERS
    guidance = [[cell.value for cell in row] for row in workbook["Guidance"].iter_rows()]
    explained = {row[0]: row for row in guidance if row and row[0] in HEADERS}
    assert set(explained) == set(HEADERS)
    assert explained["Recommendation number"][1] == "Yes"
    assert explained["Lead officer"][1] == "No"
    assert [1, "City Centre"] in [row[:2] for row in guidance]


def test_reads_typed_rows_from_xlsx():
    result = read_action_plan(xlsx_bytes([ROW]), "plan.xlsx")
    assert result.errors == []
    row = result.rows[0]
    assert (row.row_number, row.reference, row.recommendation) == (2, "3.1", 3)
    assert row.description == "Publish the workforce survey action plan"
    assert (row.start_date, row.due_date) == (dt.date(2024, 6, 1), dt.date(2024, 9, 30))
    assert (row.rag, row.narrative) == ("green", "Plan drafted.")


def test_headers_are_found_by_name_whatever_their_case_spacing_and_order():
    headers = ["  due   DATE ", "ACTION", "recommendation  number", "Owner", "Notes"]
    data = xlsx_bytes([["31/10/2024", "Do it", "2", "bob", "x"]], headers=headers)
    result = read_action_plan(data, "plan.xlsx")
    row = result.rows[0]
    assert (row.recommendation, row.description, row.lead_officer, row.due_date) == (
        2,
        "Do it",
        "bob",
        dt.date(2024, 10, 31),
    )
    assert any("“Notes”" in warning for warning in result.warnings)


def test_title_rows_above_the_header_are_skipped():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["Coventry City Council: peer challenge action plan"])
    sheet.append([])
    sheet.append(HEADERS)
    sheet.append(ROW)
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = read_action_plan(buffer.getvalue(), "plan.xlsx")
    assert [row.row_number for row in result.rows] == [4]


def test_missing_required_column_is_named():
    data = xlsx_bytes([["3.1", "Do it"]], headers=["Reference", "Action", "Lead officer"])
    with pytest.raises(SpreadsheetError, match="no column headed “Recommendation number”"):
        read_action_plan(data, "plan.xlsx")


def test_wrong_date_format_names_row_and_column():
    row = [*ROW[:6], "2024-31-12", "next spring", "", ""]
    result = read_action_plan(xlsx_bytes([row]), "plan.xlsx")
    assert [str(error) for error in result.errors] == [
        "Row 2, column “Start date”: “2024-31-12” is not a date. Write it as day/month/year, "
        "like 31/07/2024, or as a month such as March 2025.",
        "Row 2, column “Due date”: “next spring” is not a date. Write it as day/month/year, like "
        "31/07/2024, or as a month such as March 2025.",
    ]
    assert result.rows == []


def test_formula_cells_are_refused():
    result = read_action_plan(xlsx_with_formula(), "plan.xlsx")
    assert len(result.errors) == 1
    assert str(result.errors[0]).startswith("Row 2, column “Due date”: holds a formula")


def test_macro_enabled_workbook_is_refused_by_name_and_by_content():
    data = xlsx_bytes([ROW])
    with pytest.raises(SpreadsheetError, match="macro-enabled"):
        read_action_plan(data, "plan.xlsm")
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            target.writestr(item, source.read(item.filename))
        target.writestr("xl/vbaProject.bin", b"\x00macro")
    with pytest.raises(SpreadsheetError, match="contains macros"):
        read_action_plan(buffer.getvalue(), "plan.xlsx")


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"%PDF-1.7 report", "report.pdf", "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", "plan.xls", "older or binary Excel"),
        (b"PK\x03\x04not really a zip", "plan.xlsx", "could not be opened"),
        (b"a,b\x00\x00\x01", "plan.csv", "binary data"),
        (b"", "plan.csv", "empty"),
    ],
)
def test_files_that_are_not_spreadsheets_are_refused(data, name, message):
    with pytest.raises(SpreadsheetError, match=message):
        read_action_plan(data, name)


def test_a_word_document_named_xlsx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(SpreadsheetError, match="not an Excel workbook"):
        read_action_plan(buffer.getvalue(), "plan.xlsx")


def test_file_over_ten_megabytes_is_refused_before_parsing():
    with pytest.raises(SpreadsheetError, match="the most peertrack accepts is 10 MB"):
        read_action_plan(b"x" * (20 * 1024 * 1024), "plan.csv")


def test_csv_in_utf8_with_bom_and_in_windows_1252():
    row = ["1.1", "1", "Café réunion with partners", "", "", "", "01/06/2024", "30/09/2024", "", ""]
    for encoding in ("utf-8-sig", "cp1252"):
        result = read_action_plan(csv_bytes([row], encoding=encoding), "plan.csv")
        assert result.rows[0].description == "Café réunion with partners"


def test_csv_with_semicolons():
    row = ["1.1", "1", "Do it", "", "", "", "", "", "", ""]
    result = read_action_plan(csv_bytes([row], delimiter=";"), "plan.csv")
    assert result.rows[0].description == "Do it"


def test_csv_formula_is_refused():
    row = ["1.1", "1", '=HYPERLINK("http://evil")', "", "", "", "", "", "", ""]
    result = read_action_plan(csv_bytes([row]), "plan.csv")
    assert "holds a formula" in str(result.errors[0])


def test_duplicate_references_name_both_rows():
    rows = [["2.1", 2, "One", *[""] * 7], ["2.1", 2, "Two", *[""] * 7]]
    result = read_action_plan(xlsx_bytes(rows), "plan.xlsx")
    assert [str(error) for error in result.errors] == [
        "Row 3, column “Reference”: “2.1” is also the reference of row 2. Each action needs its own reference."
    ]


@pytest.mark.parametrize(("rows", "errors"), [
    pytest.param([["1.1", 1, "One", "", "", "", "", "", "Purple", "x"],
                  ["1.2", 1, "Two", "", "", "", "", "", "Amber", ""],
                  ["1.3", 1, "Three", "", "", "", "", "", "", "Narrative without a rating"]],
                 [(2, "Current RAG"), (3, "Progress narrative"), (4, "Current RAG")],
                 id="rag-must-be-a-rating-and-needs-a-narrative"),
    pytest.param([["1.1", "", "", "Bob", *[""] * 6], ["1.2", "0", "Two", *[""] * 7]],
                 [(2, "Recommendation number"), (2, "Action"), (3, "Recommendation number")],
                 id="action-and-recommendation-number-are-required"),
])
def test_each_bad_cell_is_an_error_naming_its_row_and_column(rows, errors):
    result = read_action_plan(xlsx_bytes(rows), "plan.xlsx")
    assert [(e.row, e.column) for e in result.errors] == errors


def test_due_before_start_is_an_error():
    row = [*ROW[:6], dt.date(2024, 9, 1), dt.date(2024, 8, 1), "", ""]
    result = read_action_plan(xlsx_bytes([row]), "plan.xlsx")
    assert str(result.errors[0]) == "Row 2, column “Due date”: is before the start date."


def test_numeric_reference_is_read_with_a_warning():
    row = [2.1, 2, "Do it", *[""] * 7]
    result = read_action_plan(xlsx_bytes([row]), "plan.xlsx")
    assert result.rows[0].reference == "2.1"
    assert any("Format the Reference column as Text" in w for w in result.warnings)


@pytest.mark.parametrize("text", ["=1+2", "+44 24 7683 3333", "-5 staff", "@mention", "\tTab"])
def test_export_never_writes_a_formula_and_reads_back_the_same_text(text):
    data = build_export(rows=[{"reference": "1.1", "recommendation": 1, "description": text, "cabinet_member": text}])
    sheet = load_workbook(io.BytesIO(data))["Action plan"]
    cell = sheet["C2"]
    assert cell.data_type == "s"
    assert cell.value == "'" + text
    result = read_action_plan(data, "export.xlsx")
    assert result.rows[0].cabinet_member == text.strip()


def test_export_keeps_references_as_text_and_dates_as_dates():
    data = build_export(
        rows=[{"reference": "2.10", "recommendation": 2, "description": "x", "due_date": dt.date(2024, 9, 30)}]
    )
    sheet = load_workbook(io.BytesIO(data))["Action plan"]
    assert sheet["A2"].value == "2.10"
    assert sheet["H2"].value == dt.datetime(2024, 9, 30)
    assert sheet["H2"].number_format == spreadsheets.DATE_FORMAT
    assert read_action_plan(data, "export.xlsx").rows[0].reference == "2.10"


def test_row_limit_counts_rows_not_errors():
    # Two errors a row used to count twice towards the 2,000-row limit.
    rows = [[f"1.{n}", "", "", *[""] * 7] for n in range(1, 1002)]
    result = read_action_plan(xlsx_bytes(rows), "plan.xlsx")
    assert len(result.errors) == 2002
    with pytest.raises(SpreadsheetError, match="more than 2000 rows"):
        read_action_plan(xlsx_bytes(rows * 2), "plan.xlsx")
