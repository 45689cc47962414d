"""Hostile action plan uploads: each limit of the spreadsheet reader answers with a message.

The files are built by `bench/hostile_uploads.py` (zipfile and hand-written XML), at sizes
that keep them small on disk. Timings and peak memory are measured there, not here; these
tests check the message and that reading stops (openpyxl is asked for bounded rows and
columns, the big part is never expanded).
"""

from __future__ import annotations

import csv
import tracemalloc
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from bench import hostile_uploads as hostile
from recommendations import spreadsheets
from recommendations.spreadsheets import SpreadsheetError, read_action_plan
from tests import factories
from tests.recommendations.import_helpers import upload


@pytest.fixture
def openpyxl_reads() -> Iterator[list[dict[str, Any]]]:
    """Records the bounds the reader gives openpyxl, and fails a read that runs away."""
    calls: list[dict[str, Any]] = []
    original = ReadOnlyWorksheet.iter_rows

    def bounded(self: Any, *args: Any, **kwargs: Any) -> Iterator[Any]:
        calls.append(kwargs)
        for count, row in enumerate(original(self, *args, **kwargs), start=1):
            assert count <= 100 and len(row) <= 300, "openpyxl was left to read an unbounded sheet"
            yield row

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ReadOnlyWorksheet, "iter_rows", bounded)
        yield calls


def _refused(data: bytes, name: str = "plan.xlsx", **kwargs: Any) -> str:
    with pytest.raises(SpreadsheetError) as refused:
        read_action_plan(data, name, **kwargs)
    return str(refused.value)


# --- the two faults of the issue ---------------------------------------------------------


def test_blank_rows_reaching_xfd_are_not_read(openpyxl_reads):
    # The 25 KB file: 5,000 blank rows, each a formatted cell in column XFD, under a
    # <dimension> of A1:XFD1048576. openpyxl padded every row to 16,384 cells.
    data = hostile.blank_rows_to_xfd(rows=5_000)
    assert len(data) < 40_000
    result = read_action_plan(data, "plan.xlsx")
    assert [row.description for row in result.rows] == ["Publish the workforce plan"]
    assert openpyxl_reads == [{"min_row": 1, "max_row": 2, "min_col": 1, "max_col": 5}]


def test_a_formatted_cell_at_the_last_row_and_column_is_ignored(openpyxl_reads):
    result = read_action_plan(hostile.far_corner_cell(), "plan.xlsx")
    assert len(result.rows) == 1
    assert openpyxl_reads[0]["max_row"] == 2 and openpyxl_reads[0]["max_col"] == 5


def test_more_blank_rows_than_the_limit_are_refused_before_openpyxl(openpyxl_reads):
    message = _refused(hostile.blank_rows_to_xfd(rows=spreadsheets.MAX_SHEET_ROWS))
    assert message.startswith("A sheet in the workbook has more than 10,000 rows, counting empty "
                              "rows that carry formatting")
    assert "Delete the empty rows below the action plan" in message
    assert openpyxl_reads == []


def test_a_huge_shared_string_is_refused_from_the_zip_directory_without_expanding_it():
    data = hostile.huge_shared_string(characters=60 * 2**20)
    assert len(data) < 200_000
    tracemalloc.start()
    try:
        message = _refused(data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert message.startswith("The workbook's part “xl/sharedStrings.xml” expands to 60 MB when "
                              "opened; peertrack reads parts of at most 50 MB. Remove other sheets")
    assert peak < 10 * 2**20


def test_a_part_that_expands_far_more_than_a_spreadsheet_is_refused():
    message = _refused(hostile.huge_shared_string(characters=2 * 2**20))
    assert "“xl/sharedStrings.xml” expands" in message
    assert "far more than a spreadsheet does (at most 100 times)" in message


# --- shared strings and cell text --------------------------------------------------------


def test_too_many_shared_strings_are_refused():
    data = hostile.many_shared_strings(count=spreadsheets.MAX_SHARED_STRINGS + 1,
                                       compression=zipfile.ZIP_STORED)
    assert _refused(data).startswith("The workbook holds more than 50,000 different pieces of text")


def test_too_much_shared_text_is_refused(monkeypatch):
    monkeypatch.setattr(spreadsheets, "MAX_SHARED_TEXT", 50)
    data = hostile.many_shared_strings(count=60, compression=zipfile.ZIP_STORED)
    assert _refused(data).startswith("The workbook holds more than 50 characters of text")


def test_a_shared_string_longer_than_excel_allows_is_refused():
    message = _refused(hostile.long_cell_text(characters=spreadsheets.MAX_CELL_TEXT + 1))
    assert message.startswith("A piece of text in the workbook is more than 32,767 characters long")


def test_an_inline_cell_longer_than_excel_allows_is_refused():
    message = _refused(hostile.long_inline_text(characters=40_000))
    assert message.startswith("Cell A2 holds more than 32,767 characters, more than Excel itself "
                              "allows in a cell")


def test_a_number_of_thousands_of_digits_is_refused_not_a_server_error():
    # Python refuses int() of more than 4,300 digits: openpyxl raised ValueError, a 500.
    message = _refused(hostile.long_number(digits=5000))
    assert message.startswith("Cell A2 holds a number 5,000 characters long")


# --- rows, columns, cells, elements ------------------------------------------------------


def test_something_beyond_the_last_column_read_is_refused():
    message = _refused(hostile.wide_row(columns=spreadsheets.MAX_COLUMNS + 1))
    assert message.startswith("A sheet in the workbook has something in column GS (cell GS3); "
                              "peertrack reads the first 200 columns (A to GR)")


def test_something_below_the_last_row_read_is_refused():
    body = [*hostile.plan_rows(), b'<row r="10001"><c r="A10001"><v>1</v></c></row>']
    message = _refused(hostile.xlsx_package(sheet=hostile.sheet_xml(body)))
    assert message.startswith("A sheet in the workbook has something in row 10,001 (cell A10001)")


def test_formatted_empty_cells_out_to_xfd_are_not_read(openpyxl_reads):
    blanks = "".join(f'<c r="{hostile.column_letter(c)}2" s="0"/>' for c in range(6, 16_385))
    row = hostile.inline_row(2, hostile.ROW).replace(b"</row>", blanks.encode() + b"</row>")
    data = hostile.xlsx_package(sheet=hostile.sheet_xml([hostile.inline_row(1, hostile.HEADERS),
                                                          row], dimension="A1:XFD2"))
    assert len(read_action_plan(data, "plan.xlsx").rows) == 1
    assert openpyxl_reads[0]["max_col"] == 5


def test_too_many_cells_are_refused():
    def body() -> Iterator[bytes]:
        yield from hostile.plan_rows()
        for number in range(3, 3 + spreadsheets.MAX_SHEET_CELLS // 10):
            yield (f'<row r="{number}">' + "".join(f'<c r="{letter}{number}" s="0"/>'
                                                   for letter in "ABCDEFGHIJ") + "</row>").encode()
    data = hostile.xlsx_package(sheet=hostile.sheet_xml(body()), compression=zipfile.ZIP_STORED)
    message = _refused(data)
    assert message.startswith("A sheet in the workbook has more than 50,000 cells, counting empty "
                              "cells that carry formatting")


def test_a_style_sheet_of_too_many_formats_is_refused():
    data = hostile.many_styles(formats=spreadsheets.MAX_OTHER_ELEMENTS,
                               compression=zipfile.ZIP_STORED)
    message = _refused(data)
    assert message.startswith("The workbook is too complex to read: at its part “xl/styles.xml” "
                              "it has more than 20,000 formats, merged cells and other settings")


def test_a_part_of_too_many_elements_in_all_is_refused():
    runs = b"<r/>" * spreadsheets.MAX_ELEMENTS
    row = b'<row r="2"><c r="A2" t="inlineStr"><is>' + runs + b"</is></c></row>"
    data = hostile.xlsx_package(sheet=hostile.sheet_xml([row]), compression=zipfile.ZIP_STORED)
    assert _refused(data).startswith("The workbook is too complex to read")


# --- XML and zip tricks ------------------------------------------------------------------


@pytest.mark.parametrize("build", [hostile.entity_expansion, hostile.external_entity])
def test_document_type_declarations_are_refused(build):
    # Entity expansion raised ParseError from openpyxl (a 500); nothing is ever expanded now.
    message = _refused(build())
    assert message.startswith("The workbook contains XML document type declarations, which Excel "
                              "never writes")


def test_a_zip_of_thousands_of_files_is_refused():
    message = _refused(hostile.many_members(members=spreadsheets.MAX_ZIP_MEMBERS + 1))
    assert message.startswith("The workbook holds more than 1,000 files inside it")


def _understated(data: bytes) -> bytes:
    """Returns the zip with its end record saying it holds 5 files, whatever its list holds."""
    changed = bytearray(data)
    end = changed.rfind(b"PK\x05\x06")
    changed[end + 8:end + 12] = (5).to_bytes(2, "little") * 2
    return bytes(changed)


def test_a_zip_whose_end_record_understates_its_files_is_refused():
    data = _understated(hostile.many_members(members=spreadsheets.MAX_ZIP_MEMBERS + 1))
    assert _refused(data).startswith("The workbook holds 1,006 files inside it")


def test_a_long_zip_directory_is_refused_before_it_is_parsed(monkeypatch):
    data = _understated(hostile.many_members(members=20_000))

    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the zip directory was parsed")

    monkeypatch.setattr(spreadsheets.zipfile, "ZipFile", never)
    assert _refused(data).startswith("The workbook holds more than 1,000 files inside it")


def test_a_member_compressed_with_bzip2_is_refused():
    message = _refused(hostile.bzip2_member(characters=1000))
    assert message.startswith("The workbook is compressed in a way Excel does not use")


def test_a_password_protected_member_is_refused():
    data = bytearray(hostile.xlsx_package())
    start = data.rfind(b"PK\x01\x02")
    data[start + 8] |= 0x1  # the "encrypted" flag of the last member in the zip's directory
    assert _refused(bytes(data)).startswith("The workbook is password-protected")


@pytest.mark.parametrize("data", [hostile.not_a_zip(), hostile.lying_sizes(characters=200_000)])
def test_a_damaged_or_lying_zip_is_refused_as_damaged(data):
    assert _refused(data).startswith("The file could not be opened as an Excel workbook: it may be "
                                     "damaged")


# --- CSV ---------------------------------------------------------------------------------


def test_a_csv_line_of_a_million_characters_is_refused():
    data = hostile.csv_one_long_line(characters=spreadsheets.MAX_CSV_ROW_CHARS)
    message = _refused(data, "plan.csv")
    assert message.startswith("Row 2 of the CSV file is more than 1,000,000 characters long")


def test_a_csv_line_of_a_million_commas_is_refused_before_it_is_split(monkeypatch):
    cells: list[int] = []
    original = spreadsheets._Cell

    def counted(*args: Any, **kwargs: Any) -> Any:
        cells.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(spreadsheets, "_Cell", counted)
    message = _refused(hostile.csv_commas(commas=spreadsheets.MAX_CSV_ROW_CHARS), "plan.csv")
    assert message.startswith("Row 2 of the CSV file is more than 1,000,000 characters long")
    assert len(cells) <= len(hostile.HEADERS)  # the header row's


def test_a_quote_left_open_is_refused_with_what_to_check():
    message = _refused(hostile.csv_quoted_newlines(lines=20_000), "plan.csv")
    assert message.startswith("A cell in row 2 of the CSV file holds more than 32,767 characters")
    assert "a quote mark left open" in message


def test_a_csv_cell_longer_than_excel_allows_is_refused():
    data = hostile.csv_one_long_line(characters=40_000)
    message = _refused(data, "plan.csv")
    assert message.startswith("A cell in row 2 of the CSV file holds more than 32,767 characters")


def test_csv_blank_lines_count_towards_the_row_limit():
    message = _refused(hostile.csv_blank_lines(lines=spreadsheets.MAX_SHEET_ROWS), "plan.csv")
    assert message.startswith("The CSV file has more than 10,000 rows, counting empty lines")


def test_csv_something_beyond_the_last_column_is_refused_and_empty_columns_are_not():
    header = ",".join(hostile.HEADERS)
    row = ",".join(hostile.ROW)
    empty_tail = f"{header}{',' * 300}\r\n{row}{',' * 300}\r\n".encode()
    assert len(read_action_plan(empty_tail, "plan.csv").rows) == 1
    message = _refused(f"{header}\r\n{row}{',' * 300}x\r\n".encode(), "plan.csv")
    assert message.startswith("Row 2 of the CSV file has something in column 305 (KS); peertrack "
                              "reads the first 200 columns")


def test_csv_delimiter_is_found_without_the_sniffer(monkeypatch):
    # csv.Sniffer took 2 seconds on 8 KB of '",' repeated.
    def never(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("csv.Sniffer was used")

    monkeypatch.setattr(csv.Sniffer, "sniff", never)
    data = (";".join(hostile.HEADERS) + "\r\n" + ";".join(hostile.ROW) + "\r\n"
            + '",' * 4096).encode()
    result = read_action_plan(data, "plan.csv")
    assert result.rows[0].description == "Publish the workforce plan"


# --- the deadline ------------------------------------------------------------------------


@pytest.mark.parametrize(("data", "name"), [
    (hostile.xlsx_package(), "plan.xlsx"),
    (b"Reference,Recommendation number,Action\r\n1.1,1,Do it\r\n", "plan.csv"),
])
def test_reading_stops_at_the_deadline(data, name):
    assert len(read_action_plan(data, name).rows) == 1
    message = _refused(data, name, time_limit=0)
    assert message.startswith("Reading the file took more than 0 seconds, so peertrack stopped.")


# --- through the upload page: a message, nothing written ---------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("build", "name", "message"), [
    (lambda: hostile.blank_rows_to_xfd(rows=spreadsheets.MAX_SHEET_ROWS), "plan.xlsx",
     "A sheet in the workbook has more than 10,000 rows"),
    (lambda: hostile.huge_shared_string(characters=60 * 2**20), "plan.xlsx",
     "expands to 60 MB when opened"),
    (hostile.entity_expansion, "plan.xlsx", "XML document type declarations"),
    (lambda: hostile.csv_commas(commas=2_000_000), "plan.csv", "more than 1,000,000 characters long"),
])
def test_upload_page_shows_the_message_and_writes_nothing(client, alice, challenge, media_root, build, name, message):
    data = build()
    factories.make_recommendation(challenge=challenge, number=1, title="Masterplan")
    client.force_login(alice)
    before = {model._meta.label: model._default_manager.count() for model in apps.get_models()}
    response = client.post(reverse("action_plan_import", args=[challenge.slug]),
                           {"file": upload(data, name)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert 'name="token"' not in response.content.decode()
    assert {model._meta.label: model._default_manager.count() for model in apps.get_models()} == before
    assert not (media_root / "imports").exists() or not any((media_root / "imports").iterdir())


def test_a_real_export_still_reads_up_to_its_own_last_cell(openpyxl_reads):
    # The export's Guidance sheet runs to row 14 and column D: the bounds are the plan sheet's.
    result = read_action_plan(hostile.real_plan(actions=5), "export.xlsx")
    assert len(result.rows) == 5 and result.errors == []
    assert openpyxl_reads == [{"min_row": 1, "max_row": 6, "min_col": 1, "max_col": 10}]
