"""Action plans as spreadsheets: reading XLSX and CSV uploads, the template, the export.

Pure functions over bytes (openpyxl and the csv module; no database). The layout is
`COLUMNS`: the template, the export and the reader share it, so a plan exported,
edited and imported again round-trips.

`read_action_plan(data, filename)` returns every row as a typed `PlanRow` and every
problem as a `CellError` naming the row and column, or raises `SpreadsheetError`
for a problem with the whole file (too big, not XLSX or CSV, macros, a missing
required column). Matching rows to the database is `recommendations.imports`.

Cell text that starts with =, +, - or @ is written out with a leading apostrophe so
that no spreadsheet runs it as a formula (CSV injection); the reader takes that
apostrophe off again.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import struct
import time
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from xml.parsers import expat

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from peertrack import inputs
from recommendations import import_values as written

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 2000
# Limits that keep a hostile upload from holding a worker (issue 12): each is checked before
# the work it bounds, and far above what a real action plan needs (2,000 rows of about ten
# columns). A file over any of them is refused with a message naming the limit.
MAX_ZIP_MEMBERS = 1000  # files inside the .xlsx zip; Excel writes a few dozen
MAX_ZIP_DIRECTORY_BYTES = 1024 * 1024  # the zip's list of files, read before the list is parsed
MAX_MEMBER_BYTES = 50 * 1024 * 1024  # one file inside the zip, uncompressed
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # all of them together
MAX_COMPRESSION_RATIO = 100  # for members over 1 MB; XML compresses 5 to 20 times
MAX_SHEET_ROWS = 10_000  # rows of a sheet or CSV file, empty ones included
MAX_SHEET_CELLS = 50_000  # cells of a sheet, empty formatted ones included
MAX_COLUMNS = 200  # columns that may hold something (A to GR)
MAX_CELL_TEXT = 32_767  # characters in one cell: Excel's own limit
MAX_NUMBER_CHARS = 100  # a number cell's stored digits
MAX_SHARED_STRINGS = 50_000  # different texts in a workbook
MAX_SHARED_TEXT = 20_000_000  # characters of all those texts together
MAX_ELEMENTS = 250_000  # XML elements in all the workbook's parts
MAX_OTHER_ELEMENTS = 20_000  # of them outside cells and texts (styles, merged cells, ...)
MAX_CSV_ROW_CHARS = 1_000_000  # one CSV record, however many lines it spans
READ_SECONDS = 15.0  # wall-clock time for reading a file, well inside gunicorn's 120 s
# How many rows from the top may hold a title before the header row.
HEADER_SEARCH_ROWS = 20
SHEET_NAME = "Action plan"
DATE_FORMAT = "DD/MM/YYYY"
RAG_VALUES = {
    "blue": "blue",
    "b": "blue",
    "green": "green",
    "g": "green",
    "amber": "amber",
    "a": "amber",
    "red": "red",
    "r": "red",
}
NOT_RATED_WORDS = {"", "not yet rated", "not rated", "n/a", "none", "-"}
FORMULA_PREFIXES = ("=", "+", "-", "@")
_DATE_FORMATS = (
    "%d/%m/%Y",
    "%d/%m/%y",
    "%Y-%m-%d",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y-%m-%d %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
)


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool
    explanation: str
    example: str
    aliases: tuple[str, ...] = ()
    max_length: int | None = None
    width: int = 20


COLUMNS: tuple[Column, ...] = (
    Column(
        "reference",
        "Reference",
        False,
        "The action's short reference, unique in the plan, such as 3.2. Rows with a reference "
        "that is already in the plan update that action; leave it empty for a new action and "
        "peertrack gives it the next free reference.",
        "3.2",
        ("ref", "action reference", "action ref", "action number", "action no", "id"),
        max_length=20,
        width=12,
    ),
    Column(
        "recommendation",
        "Recommendation number",
        True,
        "The number of the recommendation the action answers, such as 3.",
        "3",
        (
            "recommendation",
            "recommendation no",
            "rec no",
            "rec",
            "rec number",
            "recommendation ref",
            "recommendation reference",
        ),
        width=16,
    ),
    Column(
        "description",
        "Action",
        True,
        "What the council will do, in a sentence or two.",
        "Publish an action plan answering the workforce survey",
        ("action description", "description", "actions", "what we will do"),
        max_length=5000,
        width=60,
    ),
    Column(
        "lead_officer",
        "Lead officer",
        False,
        "The officer who leads the action: their name or email address, or both as in "
        "Jane Smith <jane.smith@council.gov.uk>. They must be a member of the council in "
        "peertrack; names that match nobody are listed before you confirm.",
        "Jane Smith <jane.smith@council.gov.uk>",
        ("lead", "owner", "action owner", "responsible officer", "lead officer email"),
        max_length=254,
        width=32,
    ),
    Column(
        "cabinet_member",
        "Cabinet member",
        False,
        "The cabinet member (portfolio holder) for the action, if any.",
        "Cllr A Example",
        ("portfolio holder", "cabinet lead", "lead member"),
        max_length=200,
        width=24,
    ),
    Column(
        "directorate",
        "Directorate",
        False,
        "The directorate or service that delivers the action.",
        "Law and Governance",
        ("service", "service area", "department"),
        max_length=200,
        width=24,
    ),
    Column(
        "start_date",
        "Start date",
        False,
        "When work starts, as day/month/year (31/07/2024) or a date cell.",
        "01/06/2024",
        ("start", "date started"),
        width=14,
    ),
    Column(
        "due_date",
        "Due date",
        False,
        "When the action should be complete, as day/month/year or a date cell.",
        "30/09/2024",
        ("due", "target date", "deadline", "completion date", "end date", "target completion date"),
        width=14,
    ),
    Column(
        "rag",
        "Current RAG",
        False,
        "Optional: the action's RAG rating now (Blue, Green, Amber or Red; Blue only once signed off). "
        "With a narrative, it is recorded as a progress update when either differs from the latest one.",
        "Green",
        ("rag", "rag rating", "rag status", "current rag rating", "brag"),
        width=12,
    ),
    Column(
        "narrative",
        "Progress narrative",
        False,
        "Optional: what has been done, to go with the current RAG.",
        "Survey results shared with staff networks.",
        ("narrative", "progress", "progress update", "latest progress", "update", "commentary", "comments"),
        max_length=5000,
        width=60,
    ),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


# What to do about an action plan over MAX_UPLOAD_BYTES (after `too_large`).
TOO_LARGE_ADVICE = "Remove other sheets or images and upload it again"


def too_large(size: int) -> str:
    """Returns why a file of `size` bytes, over MAX_UPLOAD_BYTES, is refused (without a full stop)."""
    megabyte = 1024 * 1024
    return f"The file is {size / megabyte:.1f} MB; the most peertrack accepts is {MAX_UPLOAD_BYTES // megabyte} MB"


def _check_size(data: bytes, *, empty: str, advice: str = "") -> None:
    """Raises SpreadsheetError for an empty file (saying `empty`) or one over MAX_UPLOAD_BYTES."""
    if not data:
        raise SpreadsheetError(empty)
    if len(data) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(f"{too_large(len(data))}." + (f" {advice}." if advice else ""))


@dataclass(frozen=True)
class CellError:
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"Row {self.row}")
        if self.column:
            where.append(f"column “{self.column}”")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


@dataclass
class PlanRow:
    """One action as the spreadsheet gives it, typed and checked on its own."""

    row_number: int
    reference: str
    recommendation: int
    description: str
    lead_officer: str = ""
    cabinet_member: str = ""
    directorate: str = ""
    start_date: dt.date | None = None
    due_date: dt.date | None = None
    rag: str = ""
    narrative: str = ""
    # Issue 17: what a council's own layout adds. Recommendation text to match when there is
    # no number; further numbers ("3 & 4"); notes kept with the action (dates in words, lead
    # officers as written, columns mapped to notes); the status word a rating came from.
    recommendation_text: str = ""
    also_recommendations: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    interpretations: list[str] = field(default_factory=list)
    status: str = ""


@dataclass
class ReadResult:
    rows: list[PlanRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    # The layout as found, for the column mapping page and the bad rows' download.
    sheet_names: list[str] = field(default_factory=list)
    sheet: str = ""
    sheet_note: str = ""
    header_row: int = 0
    headers: list[str] = field(default_factory=list)
    mapping: list[str] = field(default_factory=list)
    samples: list[list[str]] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    raw: dict[int, list[str]] = field(default_factory=dict)
    merged_cells_filled: int = 0


# --- writing ---------------------------------------------------------------------------


def safe_text(value: str) -> str:
    """Returns text a spreadsheet will never run as a formula.

    Text starting with =, +, - or @ (or a tab or carriage return, which some programs
    strip before looking) gets a leading apostrophe. Control characters XLSX cannot
    hold are removed.
    """
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith(FORMULA_PREFIXES) or value.startswith(("\t", "\r")):
        return "'" + value
    return value


def _unescape(value: str) -> str:
    """Takes off the apostrophe `safe_text` put before a formula character."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
        return value[1:]
    return value


def _header_fill() -> PatternFill:
    return PatternFill("solid", start_color="FFDDE5ED", end_color="FFDDE5ED")


def _write_sheet(workbook: Workbook, rows: Iterable[dict[str, Any]]) -> None:
    sheet = workbook.active
    sheet.title = SHEET_NAME
    sheet.append([column.header for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _header_fill()
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    for values in rows:
        out: list[Any] = []
        for column in COLUMNS:
            value = values.get(column.key)
            if value is None:
                out.append(None)
            elif isinstance(value, dt.date):
                out.append(value)
            elif isinstance(value, int) and not isinstance(value, bool):
                out.append(value)
            else:
                out.append(safe_text(str(value)))
        sheet.append(out)
    for row in sheet.iter_rows(min_row=2):
        for cell, column in zip(row, COLUMNS, strict=False):
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if column.key in ("start_date", "due_date"):
                cell.number_format = DATE_FORMAT
            elif isinstance(cell.value, str):
                # Stored as text so "2.10" stays "2.10" and nothing is read as a formula.
                cell.data_type = "s"
    last = max(sheet.max_row, 500)
    rag_letter = get_column_letter(list(COLUMNS).index(COLUMNS_BY_KEY["rag"]) + 1)
    validation = DataValidation(
        type="list",
        formula1='"Blue,Green,Amber,Red"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="RAG rating",
        error="Choose Blue, Green, Amber or Red.",
    )
    validation.add(f"{rag_letter}2:{rag_letter}{last}")
    sheet.add_data_validation(validation)


def _write_guidance(workbook: Workbook, recommendations: list[tuple[int, str]]) -> None:
    sheet = workbook.create_sheet("Guidance")
    sheet.append(["How to fill in the action plan"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(
        [
            "One row per action, on the “Action plan” sheet. Keep the header row; columns "
            "are found by their header, so their order does not matter. Write values, not "
            "formulas. Save as .xlsx (not .xlsm) or .csv, up to 10 MB."
        ]
    )
    sheet.append([])
    sheet.append(["Column", "Required", "What to write", "Example"])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.fill = _header_fill()
    for column in COLUMNS:
        sheet.append([column.header, "Yes" if column.required else "No", column.explanation, safe_text(column.example)])
    if recommendations:
        sheet.append([])
        sheet.append(["The recommendations of this challenge"])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for number, title in recommendations:
            sheet.append([number, safe_text(title)])
    for letter, width in (("A", 24), ("B", 10), ("C", 80), ("D", 40)):
        sheet.column_dimensions[letter].width = width
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def build_template(*, recommendations: list[tuple[int, str]] | None = None) -> bytes:
    """Returns an empty action plan workbook with a guidance sheet explaining each column."""
    workbook = Workbook()
    _write_sheet(workbook, [])
    _write_guidance(workbook, recommendations or [])
    return _save(workbook)


def build_export(*, rows: Iterable[dict[str, Any]], recommendations: list[tuple[int, str]] | None = None) -> bytes:
    """Returns a workbook of `rows` (dicts keyed by `Column.key`) in the template's layout."""
    workbook = Workbook()
    _write_sheet(workbook, rows)
    _write_guidance(workbook, recommendations or [])
    return _save(workbook)


# --- reading ---------------------------------------------------------------------------


def _normalise_header(value: Any) -> str:
    text = str(value or "").replace("\n", " ").lower()
    text = re.sub(r"\((?:optional|required)\)|\*", " ", text)
    text = re.sub(r"[^a-z0-9/ ]+", " ", text)
    return " ".join(text.split())


_HEADER_LOOKUP: dict[str, str] = {}
for _column in COLUMNS:
    for _name in (_column.header, _column.key.replace("_", " "), *_column.aliases):
        _HEADER_LOOKUP.setdefault(_normalise_header(_name), _column.key)


@dataclass
class _Cell:
    value: Any
    is_formula: bool = False


def _detect_format(data: bytes, filename: str) -> str:
    name = filename.lower()
    if name.endswith((".xlsm", ".xltm", ".xlam")):
        raise SpreadsheetError(
            "The file is a macro-enabled workbook, which peertrack does not accept. Save it as "
            "an Excel Workbook (.xlsx) without macros and upload it again."
        )
    if name.endswith((".xls", ".xlsb")) or data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SpreadsheetError(
            "The file is an older or binary Excel workbook (.xls or .xlsb). Save it as an Excel "
            "Workbook (.xlsx) or as CSV and upload it again."
        )
    if data.startswith(b"PK\x03\x04"):
        if not name.endswith((".xlsx", ".xltx")):
            raise SpreadsheetError(
                "The file is not an Excel workbook (.xlsx) or a CSV file. Upload the action plan as .xlsx or .csv."
            )
        return "xlsx"
    if name.endswith((".csv", ".txt")):
        return "csv"
    raise SpreadsheetError(
        "The file is not an Excel workbook (.xlsx) or a CSV file. Upload the action plan as .xlsx or .csv."
    )


class _Deadline:
    """The wall-clock time by which reading must finish; `check` raises once it has passed."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.at = time.monotonic() + seconds

    def check(self) -> None:
        if time.monotonic() >= self.at:
            raise SpreadsheetError(
                f"Reading the file took more than {self.seconds:g} seconds, so peertrack stopped. "
                "Remove other sheets and unused rows and columns, or split the plan into smaller "
                "files, and upload it again."
            )


_DAMAGED = (
    "The file could not be opened as an Excel workbook: it may be damaged. Open it in "
    "Excel, save it as .xlsx and upload it again."
)
_NEW_WORKBOOK = "Copy the action plan sheet into a new workbook, save it as .xlsx and upload that."
_SMALLER = "copy the action plan sheet into a new workbook, and upload it again."
_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_DIGITS = "0123456789"
_COLUMN_NUMBERS: dict[str, int] = {}


def _column_letters(index: int) -> str:
    """Returns a column's letters (1 is A, 200 is GR), for any index openpyxl would refuse too."""
    letters = ""
    while index > 0:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _column_number(letters: str) -> int:
    """Returns the index of column letters (A is 1, XFD 16384); SpreadsheetError if they are not."""
    number = _COLUMN_NUMBERS.get(letters)
    if number is None:
        if not (letters.isascii() and letters.isalpha() and len(letters) <= 3):
            raise SpreadsheetError(_DAMAGED)
        number = 0
        for letter in letters.upper():
            number = number * 26 + ord(letter) - 64
        _COLUMN_NUMBERS[letters] = number
    return number


def _check_zip_directory(data: bytes) -> None:
    """Refuses a zip whose list of files is too long to parse, reading only its last record.

    zipfile builds an object per listed file before anyone can count them, and reads the
    list for as many bytes as the end record says, whatever count it gives.
    """
    end = len(data) - 22
    if data[end : end + 4] != b"PK\x05\x06":
        end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if end < 0 or len(data) < end + 22:
        raise SpreadsheetError(_DAMAGED)
    entries, directory_bytes = struct.unpack("<HI", data[end + 10 : end + 16])
    locator = end - 20
    if locator >= 0 and data[locator : locator + 4] == b"PK\x06\x07":
        # A zip64 archive keeps the true figures in a second end record the locator points at.
        (record,) = struct.unpack("<Q", data[locator + 8 : locator + 16])
        if data[record : record + 4] != b"PK\x06\x06" or len(data) < record + 56:
            raise SpreadsheetError(_DAMAGED)
        entries, directory_bytes = struct.unpack("<QQ", data[record + 32 : record + 48])
    if entries > MAX_ZIP_MEMBERS or directory_bytes > MAX_ZIP_DIRECTORY_BYTES:
        raise SpreadsheetError(
            f"The workbook holds more than {MAX_ZIP_MEMBERS:,} files inside it (an action plan "
            f"needs a few dozen), so peertrack will not open it. {_NEW_WORKBOOK}"
        )


def _check_zip_members(archive: zipfile.ZipFile) -> None:
    """Refuses members that would cost too much to expand, from the sizes the zip lists.

    zipfile never returns more bytes than a member's listed size (it stops there and the
    checksum then fails), so the listed sizes bound the work.
    """
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        raise SpreadsheetError(
            f"The workbook holds {len(members):,} files inside it; peertrack opens workbooks of "
            f"at most {MAX_ZIP_MEMBERS:,}. {_NEW_WORKBOOK}"
        )
    total = 0
    for member in members:
        if member.flag_bits & 0x1:
            raise SpreadsheetError(
                "The workbook is password-protected. Remove the password, save it and upload it again."
            )
        if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # bzip2 and LZMA expand without a bound per read; Excel never uses them.
            raise SpreadsheetError(
                "The workbook is compressed in a way Excel does not use, so peertrack will not "
                "open it. Open it in Excel, save it as an Excel Workbook (.xlsx) and upload it "
                "again."
            )
        size = member.file_size
        total += size
        if size > MAX_MEMBER_BYTES:
            raise SpreadsheetError(
                f"The workbook's part “{member.filename[:80]}” expands to {size / 2**20:,.0f} MB "
                f"when opened; peertrack reads parts of at most {MAX_MEMBER_BYTES // 2**20} MB. "
                f"Remove other sheets, images and unused rows and columns, or {_SMALLER}"
            )
        if total > MAX_UNCOMPRESSED_BYTES:
            raise SpreadsheetError(
                f"The workbook expands to more than {MAX_UNCOMPRESSED_BYTES // 2**20} MB when "
                f"opened; peertrack reads at most {MAX_UNCOMPRESSED_BYTES // 2**20} MB. Remove "
                f"other sheets, images and unused rows and columns, or {_SMALLER}"
            )
        if size > 2**20 and size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            raise SpreadsheetError(
                f"The workbook's part “{member.filename[:80]}” expands "
                f"{size // max(member.compress_size, 1):,} times when opened, far more than a "
                f"spreadsheet does (at most {MAX_COMPRESSION_RATIO} times), so peertrack will not "
                f"open it. {_NEW_WORKBOOK}"
            )


_ROW, _CELL, _STRING, _VALUE, _FORMULA, _TEXT = range(1, 7)
_MERGE_CELL = f"{_MAIN[1:]}mergeCell"
_KINDS = {
    f"{_MAIN[1:]}{local}": kind
    for local, kind in (("row", _ROW), ("c", _CELL), ("si", _STRING), ("v", _VALUE), ("f", _FORMULA), ("t", _TEXT))
}


@dataclass
class _Totals:
    """What the pre-scan has counted so far across the workbook's parts."""

    elements: int = 0
    other_elements: int = 0


@dataclass(slots=True)
class _PartScan:
    """Counts one XML part of a workbook as expat streams it, refusing it at the first limit.

    It looks at elements by their SpreadsheetML names wherever they are, as openpyxl's
    parser does, and never trusts a sheet's `<dimension>`. `last_row` and `last_column` are
    the furthest row and column holding something: reading stops there.
    """

    name: str
    elements: int = 0
    other_elements: int = 0
    rows: int = 0
    cells: int = 0
    strings: int = 0
    string_text: int = 0
    last_row: int = 0
    last_column: int = 0
    _row: int = 0
    _column: int = 0
    _depth_in_data: int = 0
    _in_cell: bool = False
    _cell_type: str = ""
    _cell_text: int = 0
    _has_value: bool = False
    _collecting: int = 0
    _text: int = 0
    _si_text: int = 0
    merges: list[str] = field(default_factory=list)

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.elements += 1
        if self.elements > MAX_ELEMENTS:
            raise SpreadsheetError(self._too_complex())
        kind = _KINDS.get(name, 0)
        if name == _MERGE_CELL and len(self.merges) < MAX_OTHER_ELEMENTS:
            self.merges.append(attributes.get("ref", ""))
        if self._depth_in_data:
            self._depth_in_data += 1
        elif kind != _ROW and kind != _STRING:
            # Outside cells and texts: styles, merged cells, validations, each an object to openpyxl.
            self.other_elements += 1
            if self.other_elements > MAX_OTHER_ELEMENTS:
                raise SpreadsheetError(self._too_complex())
        if not kind:
            return
        if kind == _CELL:
            self._start_cell(attributes)
        elif kind == _ROW:
            self._start_row(attributes.get("r"))
        elif kind == _STRING:
            self._depth_in_data = 1
            self.strings += 1
            self._si_text = 0
            if self.strings > MAX_SHARED_STRINGS:
                raise SpreadsheetError(
                    f"The workbook holds more than {MAX_SHARED_STRINGS:,} different pieces of "
                    f"text; peertrack reads at most {MAX_SHARED_STRINGS:,}. {_NEW_WORKBOOK}"
                )
        else:
            self._collecting = kind
            self._text = 0
            if kind == _FORMULA and self._in_cell:
                self._has_value = True

    def end(self, name: str) -> None:
        if self._depth_in_data:
            self._depth_in_data -= 1
        kind = _KINDS.get(name, 0)
        if kind == _CELL:
            if self._in_cell:
                self._end_cell()
        elif kind >= _VALUE:
            self._collecting = 0
            if kind == _VALUE and self._text > MAX_NUMBER_CHARS and self._cell_type in ("n", "s", "b"):
                raise SpreadsheetError(
                    f"Cell {self._cell()} holds a number {self._text:,} characters long, which no "
                    "action plan needs. Correct it and upload the file again."
                )

    def text(self, data: str) -> None:
        if not self._collecting:
            return
        self._text += len(data)
        if self._in_cell:
            self._cell_text += len(data)
            self._has_value = True
            if self._cell_text > MAX_CELL_TEXT:
                raise SpreadsheetError(
                    f"Cell {self._cell()} holds more than {MAX_CELL_TEXT:,} characters, more than "
                    "Excel itself allows in a cell. Shorten it and upload the file again."
                )
        elif self._depth_in_data:  # a shared string
            self._si_text += len(data)
            self.string_text += len(data)
            if self._si_text > MAX_CELL_TEXT:
                raise SpreadsheetError(
                    f"A piece of text in the workbook is more than {MAX_CELL_TEXT:,} characters "
                    "long, more than Excel itself allows in a cell. Shorten it and upload the "
                    "file again."
                )
            if self.string_text > MAX_SHARED_TEXT:
                raise SpreadsheetError(
                    f"The workbook holds more than {MAX_SHARED_TEXT:,} characters of text; "
                    f"peertrack reads at most {MAX_SHARED_TEXT:,}. {_NEW_WORKBOOK}"
                )

    def _start_row(self, reference: str | None) -> None:
        self._depth_in_data = 1
        self.rows += 1
        if self.rows > MAX_SHEET_ROWS:
            raise SpreadsheetError(
                f"A sheet in the workbook has more than {MAX_SHEET_ROWS:,} rows, counting empty "
                f"rows that carry formatting; peertrack reads at most {MAX_SHEET_ROWS:,}. Delete "
                "the empty rows below the action plan (or copy the plan into a new workbook) and "
                "upload it again."
            )
        self._column = 0
        if reference is None:
            self._row += 1
            return
        try:  # as openpyxl reads it: "7" or "7.0"
            self._row = int(float(reference)) if "." in reference else int(reference)
        except (ValueError, OverflowError):
            raise SpreadsheetError(_DAMAGED) from None

    def _start_cell(self, attributes: dict[str, str]) -> None:
        self.cells += 1
        if self.cells > MAX_SHEET_CELLS:
            raise SpreadsheetError(
                f"A sheet in the workbook has more than {MAX_SHEET_CELLS:,} cells, counting empty "
                f"cells that carry formatting; peertrack reads at most {MAX_SHEET_CELLS:,}. Clear "
                "the formatting of unused rows and columns (or copy the plan into a new workbook) "
                "and upload it again."
            )
        reference = attributes.get("r")
        # As openpyxl reads it: the cell's letters give its column, else the next one.
        self._column = _column_number(reference.rstrip(_DIGITS)) if reference else self._column + 1
        self._in_cell = True
        self._cell_type = attributes.get("t", "n")
        self._cell_text = 0
        self._has_value = False

    def _end_cell(self) -> None:
        if self._has_value:
            if self._row > MAX_SHEET_ROWS:
                raise SpreadsheetError(
                    f"A sheet in the workbook has something in row {self._row:,} (cell "
                    f"{self._cell()}); peertrack reads the first {MAX_SHEET_ROWS:,} rows. Delete "
                    "what is below the action plan and upload it again."
                )
            if self._column > MAX_COLUMNS:
                raise SpreadsheetError(
                    f"A sheet in the workbook has something in column "
                    f"{_column_letters(self._column)} (cell {self._cell()}); peertrack reads the "
                    f"first {MAX_COLUMNS} columns (A to {_column_letters(MAX_COLUMNS)}). Delete "
                    "what is to the right of the action plan and upload it again."
                )
            self.last_row = max(self.last_row, self._row)
            self.last_column = max(self.last_column, self._column)
        self._in_cell = False

    def _cell(self) -> str:
        return f"{_column_letters(self._column)}{self._row}"

    def _too_complex(self) -> str:
        return (
            f"The workbook is too complex to read: at its part “{self.name[:80]}” it has "
            f"more than {MAX_OTHER_ELEMENTS:,} formats, merged cells and other settings, or "
            f"{MAX_ELEMENTS:,} XML elements in all. {_NEW_WORKBOOK}"
        )


def _refuse_declarations(*_args: Any) -> None:
    raise SpreadsheetError(
        "The workbook contains XML document type declarations, which Excel never writes and "
        "which can be used to attack a server, so peertrack will not open it. Open it in Excel, "
        "save it as an Excel Workbook (.xlsx) and upload it again."
    )


def _scan_part(archive: zipfile.ZipFile, member: zipfile.ZipInfo, deadline: _Deadline, totals: _Totals) -> _PartScan:
    """Streams one member through expat (as openpyxl's parser will) under the limits.

    Document type declarations are refused, so no entity is ever expanded. A member that
    is not XML (an image) stops the scan at its first bytes; openpyxl fails on it in the
    same place if it ever reads it.
    """
    scan = _PartScan(member.filename, elements=totals.elements, other_elements=totals.other_elements)
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _refuse_declarations
    parser.EntityDeclHandler = _refuse_declarations
    parser.StartElementHandler = scan.start
    parser.EndElementHandler = scan.end
    parser.CharacterDataHandler = scan.text
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(64 * 1024):
                deadline.check()
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError:
        pass
    except SpreadsheetError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError):
        # A checksum that fails (sizes that lie), a broken stream, an unknown method.
        raise SpreadsheetError(_DAMAGED) from None
    totals.elements, totals.other_elements = scan.elements, scan.other_elements
    return scan


@dataclass
class _Sheet:
    """A sheet's rows as read (numbered from 1; empty rows left out) and its merged ranges."""

    name: str
    rows: list[tuple[int, list[_Cell]]]
    merges: list[str] = field(default_factory=list)


def _merge_bounds(reference: str) -> tuple[int, int, int, int] | None:
    match = re.match(r"^([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})$", reference or "")
    if not match:
        return None
    return (_column_number(match[1]), int(match[2]), _column_number(match[3]), int(match[4]))


def _xlsx_sheets(data: bytes, deadline: _Deadline, wanted: str | None) -> tuple[list[str], list[_Sheet]]:
    """Returns the names of the workbook's sheets and the sheet to read, read under the limits:
    `wanted`, else "Action plan", else the only sheet, else the one whose first rows hold
    the best header row.

    Before openpyxl touches the file: the zip's directory, each member's listed size and
    every XML part's content are checked against the limits; then openpyxl (read-only)
    reads each sheet only up to the last row and column that hold something. Merged
    ranges come from the pre-scan (read-only openpyxl does not report them).
    """
    _check_zip_directory(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        raise SpreadsheetError(_DAMAGED) from None
    with archive:
        _check_zip_members(archive)
        names = set(archive.namelist())
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise SpreadsheetError(
                "The workbook contains macros, which peertrack does not accept. Save it as an "
                "Excel Workbook (.xlsx) without macros and upload it again."
            )
        if "xl/workbook.xml" not in names:
            raise SpreadsheetError(
                "The file is not an Excel workbook (.xlsx) or a CSV file. Upload the action plan as .xlsx or .csv."
            )
        totals = _Totals()
        scans = {member.filename: _scan_part(archive, member, deadline, totals) for member in archive.infolist()}
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many types for a malformed package
        raise SpreadsheetError(_DAMAGED) from None
    try:
        worksheets = list(workbook.worksheets)
        sheet_names = [str(sheet.title) for sheet in worksheets]
        if wanted is not None or SHEET_NAME in sheet_names or len(worksheets) == 1:
            # One sheet to look at: read it once, in full.
            named = wanted if wanted is not None else (SHEET_NAME if SHEET_NAME in sheet_names else sheet_names[0])
            if named not in sheet_names:
                raise SpreadsheetError(
                    f"The workbook has no sheet called “{named[:60]}”. Choose "
                    "one of " + ", ".join(f"“{n}”" for n in sheet_names) + "."
                )
            found = _read_xlsx_sheet(worksheets[sheet_names.index(named)], scans, deadline)
            return sheet_names, [found]
        # Several: the first rows of each to find the header row, then the chosen one in full.
        peeked = [_read_xlsx_sheet(sheet, scans, deadline, HEADER_SEARCH_ROWS) for sheet in worksheets]
        best = max(peeked, key=lambda sheet: _find_header(sheet)[1])
        return sheet_names, [_read_xlsx_sheet(worksheets[peeked.index(best)], scans, deadline)]
    except SpreadsheetError:
        raise
    except Exception:  # a value openpyxl cannot convert (a shared string that is not there, ...)
        raise SpreadsheetError(_DAMAGED) from None
    finally:
        workbook.close()


def _read_xlsx_sheet(
    sheet: Any, scans: dict[str, _PartScan], deadline: _Deadline, max_rows: int | None = None
) -> _Sheet:
    # openpyxl keeps the sheet's part name privately; without it, the furthest of any sheet.
    scan = scans.get(str(getattr(sheet, "_worksheet_path", "")))
    chosen = [scan] if scan is not None else list(scans.values())
    last_row = max(part.last_row for part in chosen)
    last_column = max(part.last_column for part in chosen)
    if max_rows is not None:
        last_row = min(last_row, max_rows)
    found = _Sheet(str(sheet.title), [], list(scan.merges) if scan is not None else [])
    if not last_row or not last_column or not hasattr(sheet, "iter_rows"):
        return found
    rows = sheet.iter_rows(min_row=1, max_row=last_row, min_col=1, max_col=last_column)
    for row_number, row in enumerate(rows, start=1):
        deadline.check()
        if all(cell.value is None for cell in row):
            continue
        found.rows.append((row_number, [_Cell(cell.value, getattr(cell, "data_type", None) == "f") for cell in row]))
    return found


def _csv_delimiter(text: str) -> str:
    """Returns the delimiter (comma, semicolon or tab) that finds most known headers near the top.

    csv.Sniffer is not used: its regular expressions take seconds on some short inputs.
    """
    sample = text[: 64 * 1024]
    best, best_score = ",", 0
    for delimiter in (",", ";", "\t"):
        score = 0
        try:
            records = csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
            for index, record in enumerate(records):
                if index >= HEADER_SEARCH_ROWS:
                    break
                score = max(
                    score, sum(1 for value in record[:MAX_COLUMNS] if _normalise_header(value) in _HEADER_LOOKUP)
                )
        except csv.Error:
            pass
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _csv_rows(data: bytes, deadline: _Deadline) -> Iterator[tuple[int, list[_Cell]]]:
    """Yields the number and cells of each non-empty record of a CSV file, within the limits."""
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(
            "The file is not a CSV file (it holds binary data). Upload the action plan as .xlsx or .csv."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # Excel on Windows saves "CSV" in the Windows-1252 code page.
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise SpreadsheetError(
                "The CSV file's characters could not be read. Save it from Excel as “CSV UTF-8” and upload it again."
            ) from None
    delimiter = _csv_delimiter(text)
    record_chars = 0
    row_number = 0

    def lines() -> Iterator[str]:
        # csv.reader pulls lines only until a record ends, so this counts one record's length
        # (a quote left open joins every line after it) before the record is built.
        nonlocal record_chars
        for line in io.StringIO(text, newline=""):
            record_chars += len(line)
            if record_chars > MAX_CSV_ROW_CHARS:
                raise SpreadsheetError(
                    f"Row {row_number + 1} of the CSV file is more than {MAX_CSV_ROW_CHARS:,} "
                    "characters long. Check that the file is an action plan saved as CSV (a "
                    "quote mark left open runs on to the end of the file) and upload it again."
                )
            yield line

    records = csv.reader(lines(), delimiter=delimiter)
    while True:
        try:
            record = next(records)
        except StopIteration:
            return
        except csv.Error as error:
            if "field larger than field limit" in str(error):
                raise SpreadsheetError(
                    f"A cell in row {row_number + 1} of the CSV file holds more than "
                    f"{MAX_CELL_TEXT:,} characters, more than a spreadsheet cell may hold. Check "
                    "that the file is an action plan saved as CSV (a quote mark left open runs on "
                    "to the end of the file) and upload it again."
                ) from None
            raise SpreadsheetError(f"The CSV file could not be read: {error}.") from None
        row_number += 1
        record_chars = 0
        deadline.check()
        if row_number > MAX_SHEET_ROWS:
            raise SpreadsheetError(
                f"The CSV file has more than {MAX_SHEET_ROWS:,} rows, counting empty lines; "
                f"peertrack reads at most {MAX_SHEET_ROWS:,}. Delete the empty lines below the "
                "action plan, or split it into smaller files, and upload it again."
            )
        for index, value in enumerate(record):
            if index >= MAX_COLUMNS and value.strip():
                raise SpreadsheetError(
                    f"Row {row_number} of the CSV file has something in column {index + 1:,} "
                    f"({_column_letters(index + 1)}); peertrack reads the first {MAX_COLUMNS} "
                    "columns. Delete what is to the right of the action plan and upload it again."
                )
            if len(value) > MAX_CELL_TEXT:
                raise SpreadsheetError(
                    f"A cell in row {row_number} of the CSV file holds more than "
                    f"{MAX_CELL_TEXT:,} characters, more than a spreadsheet cell may hold. "
                    "Shorten it and upload the file again."
                )
        record = record[:MAX_COLUMNS]
        if all(not value.strip() for value in record):
            continue
        yield row_number, [_Cell(value, value.startswith("=")) for value in record]


def _text(cell: _Cell, result: ReadResult, row: int, column: Column, header: str) -> str:
    text = _cell_text(cell.value)
    if column.max_length and len(text) > column.max_length:
        result.errors.append(
            CellError(row, header, f"is {len(text)} characters long; the most is {column.max_length}.")
        )
    return text


def _parse_date(
    cell: _Cell, result: ReadResult, row: int, header: str, notes: list[str], interpretations: list[str]
) -> dt.date | None:
    """Returns the cell's date, or None with an error when it is not one or its year is
    outside 1990 to 2100 (peertrack/inputs.py). A month or quarter in words is read as its
    last day, and "Ongoing" or "TBC" as no date, each said in `interpretations` and kept
    in `notes`."""
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    day = _cell_date(value)
    if day is None and isinstance(value, str) and not inputs.has_other_digits(value):
        reading = written.read_written_date(inputs.clean_text(value, multiline=False)[:60])
        if reading.problem:
            result.errors.append(CellError(row, header, f"{reading.problem}."))
            return None
        if reading.note:
            interpretations.append(f"{header}: {reading.note}")
            if reading.day is None:  # kept with the action: the plan's words are all there is
                notes.append(f"{header} in the imported plan: {' '.join(value.split())[:60]}.")
            return reading.day
    if day is None:
        text = inputs.clean_text(str(value), multiline=False).strip()[:40]
        result.errors.append(
            CellError(
                row,
                header,
                f"“{text}” is not a date. Write it as day/month/year, like 31/07/2024, "
                "or as a month such as March 2025.",
            )
        )
        return None
    if inputs.year_problem(day):
        result.errors.append(CellError(row, header, f"{inputs.YEAR_MESSAGE} ({day:%d/%m/%Y})."))
        return None
    return day


def _cell_date(value: Any) -> dt.date | None:
    """Returns the date a cell holds or spells, in the digits 0 to 9, else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    if inputs.has_other_digits(text):  # strptime's %d would read "٣" as 3
        return None
    if not text[:1].isdigit():
        return None  # every format starts with the day or the year ("March 2025" is read apart)
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    return _unescape(str(value).strip()).strip()


def _header_score(cells: list[_Cell]) -> int:
    """Returns how many different peertrack fields a row's cells name, as a header row would."""
    fields = {
        written.guess_field(str(cell.value), _HEADER_LOOKUP)
        for cell in cells
        if isinstance(cell.value, str) and len(cell.value) <= 100
    }
    fields.discard(written.NOT_IMPORTED)
    return len(fields)


def _find_header(sheet: _Sheet) -> tuple[int, int]:
    """Returns (index in sheet.rows, score) of the best header row among the first rows."""
    best, best_score = -1, 0
    for index, (row_number, cells) in enumerate(sheet.rows):
        if row_number > HEADER_SEARCH_ROWS:
            break
        score = _header_score(cells)
        if score > best_score:
            best, best_score = index, score
    return best, best_score


def _choose_sheet(names: list[str], sheet: _Sheet, wanted: str | None) -> tuple[_Sheet, int, str]:
    """Returns the sheet, its header row's index and a note saying which sheet was read."""
    index, score = _find_header(sheet)
    if score < 2:
        where = f"the sheet “{sheet.name}”" if wanted or len(names) > 1 else "the file"
        raise SpreadsheetError(
            f"No header row was found in the first {HEADER_SEARCH_ROWS} rows of {where}. The "
            "header row names the columns, such as “Recommendation” and “Action” (download the "
            "template to see the layout)" + (", or choose another sheet." if len(names) > 1 else ".")
        )
    note = ""
    if len(names) > 1:
        others = [name for name in names if name != sheet.name]
        why = "as chosen" if wanted else "which has the action plan's header row"
        note = (
            f"Read the sheet “{sheet.name}”, {why}; "
            + ("the other sheet" if len(others) == 1 else "the other sheets")
            + " "
            + ", ".join(f"“{name}”" for name in others)
            + " "
            + ("was" if len(others) == 1 else "were")
            + " not read."
        )
    return sheet, index, note


def _fill_merged(sheet: _Sheet, header_row: int) -> int:
    """Copies the value of each range merged over several rows below the header into every
    row of the range (a recommendation merged over its actions). Returns the cells filled."""
    bounds = [b for b in (_merge_bounds(ref) for ref in sheet.merges) if b and b[3] > b[1]]
    if not bounds:
        return 0
    by_number = {row_number: cells for row_number, cells in sheet.rows}
    filled = 0
    for first_col, first_row, last_col, last_row in bounds:
        if first_row <= header_row:
            continue
        top = by_number.get(first_row)
        if top is None or first_col > len(top):
            continue
        value = top[first_col - 1]
        for row_number in range(first_row + 1, last_row + 1):
            cells = by_number.get(row_number)
            if cells is None:
                continue
            for col in range(first_col, min(last_col, first_col) + 1):
                if col <= len(cells) and cells[col - 1].value in (None, ""):
                    cells[col - 1] = _Cell(value.value, value.is_formula)
                    filled += 1
    return filled


def read_action_plan(
    data: bytes,
    filename: str,
    *,
    time_limit: float = READ_SECONDS,
    sheet: str | None = None,
    mapping: list[str] | None = None,
    statuses: dict[str, str] | None = None,
    remembered: dict[str, str] | None = None,
) -> ReadResult:
    """Returns the rows of an action plan spreadsheet with every problem found in them.

    The sheet is `sheet`, else the one called "Action plan", else the one whose first 20
    rows hold the best header row. Each column goes to the field `mapping` gives it (one
    per column, as on the column mapping page), else to the field `remembered` for its
    header, else to a guess from its header. `statuses` maps status words to ratings
    (else `import_values.STATUS_RATINGS`). Raises SpreadsheetError for a problem with the
    whole file, including a file over one of the size limits above or one that takes more
    than `time_limit` seconds to read.
    """
    deadline = _Deadline(time_limit)
    _check_size(data, empty="The file is empty. Choose the action plan spreadsheet.", advice=TOO_LARGE_ADVICE)
    kind = _detect_format(data, filename)
    if kind == "xlsx":
        names, sheets = _xlsx_sheets(data, deadline, sheet)
    else:
        names, sheets = ["CSV"], [_Sheet("CSV", [])]
        rows = sheets[0].rows
        for entry in _csv_rows(data, deadline):
            rows.append(entry)
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS + 1:
                break
    chosen, header_index, note = _choose_sheet(names, sheets[0], sheet)
    header_number, header_cells = chosen.rows[header_index]
    result = ReadResult(sheet_names=names, sheet=chosen.name, sheet_note=note, header_row=header_number)
    result.headers = [_cell_text(cell.value)[:200] for cell in header_cells]
    width = len(result.headers)
    while width and not result.headers[width - 1]:
        width -= 1
    result.headers = [header or f"Column {_column_letters(i + 1)}" for i, header in enumerate(result.headers[:width])]
    guessed = written.guess_mapping(result.headers, _HEADER_LOOKUP, remembered)
    if mapping is not None:
        result.mapping = (list(mapping) + [written.NOT_IMPORTED] * width)[:width]
    else:
        result.mapping = guessed
    targets = [key for key in result.mapping if key not in (written.NOT_IMPORTED, written.NOTES)]
    duplicated = sorted({key for key in targets if targets.count(key) > 1})
    if duplicated:
        raise SpreadsheetError(
            "Two columns are set to “" + field_label(duplicated[0]) + "”. Give each field one column and try again."
        )
    if "description" not in result.mapping or not (
        "recommendation" in result.mapping or written.RECOMMENDATION_TEXT in result.mapping
    ):
        missing = [
            label
            for key, label in (("recommendation", "Recommendation number"), ("description", "Action"))
            if key not in result.mapping
            and not (key == "recommendation" and written.RECOMMENDATION_TEXT in result.mapping)
        ]
        raise SpreadsheetError(
            "The spreadsheet has no column headed "
            + " or ".join(f"“{name}”" for name in missing)
            + ". Add it to the header row (see the template), or choose the column that holds "
            "it, and try again."
        )
    result.columns = [field_label(key) for key in result.mapping if key not in (written.NOT_IMPORTED, written.NOTES)]
    unused = [header for header, key in zip(result.headers, result.mapping, strict=True) if key == written.NOT_IMPORTED]
    if unused:
        result.warnings.append("These columns are not imported: " + ", ".join(f"“{name}”" for name in unused) + ".")
    result.merged_cells_filled = _fill_merged(chosen, header_number)
    if result.merged_cells_filled:
        result.warnings.append(
            f"{result.merged_cells_filled} cells merged over several rows were read as the "
            "value at the top of the merge, for each row."
        )
    status_map = dict(written.STATUS_RATINGS)
    status_map.update({written.status_key(word): rating for word, rating in (statuses or {}).items()})
    samples: list[list[str]] = [[] for _ in range(width)]
    seen_references: dict[str, int] = {}
    data_rows = 0
    for row_number, cells in chosen.rows[header_index + 1 :]:
        if all(cell.value is None or str(cell.value).strip() == "" for cell in cells):
            continue
        data_rows += 1  # rows, not errors: a row may have several
        if data_rows > MAX_ROWS:
            raise SpreadsheetError(f"The spreadsheet has more than {MAX_ROWS} rows. Split it into smaller files.")
        texts = [_cell_text(cell.value) for cell in cells[:width]]
        result.raw[row_number] = texts
        for index, text in enumerate(texts):
            if text and len(samples[index]) < 3:
                samples[index].append(text[:80])
        _read_row(cells[:width], row_number, result, seen_references, status_map)
    result.samples = samples
    if not result.rows and not result.errors:
        raise SpreadsheetError("The spreadsheet has a header row but no actions under it.")
    return result


def field_label(key: str) -> str:
    """Returns the words the mapping page uses for a field."""
    if key in COLUMNS_BY_KEY:
        return COLUMNS_BY_KEY[key].header
    return dict(written.EXTRA_TARGETS).get(key, "Not imported")


FIELD_CHOICES: tuple[tuple[str, str], ...] = (
    (written.NOT_IMPORTED, "Not imported"),
    *((column.key, column.header) for column in COLUMNS),
    *written.EXTRA_TARGETS,
)


def _read_row(
    cells: list[_Cell], row_number: int, result: ReadResult, seen_references: dict[str, int], status_map: dict[str, str]
) -> None:
    errors_before = len(result.errors)
    mapping = result.mapping
    index_of = {key: i for i, key in enumerate(mapping) if key not in (written.NOT_IMPORTED, written.NOTES)}

    def cell(key: str) -> _Cell:
        index = index_of.get(key)
        if index is None or index >= len(cells):
            return _Cell(None)
        return cells[index]

    def header(key: str) -> str:
        index = index_of.get(key)
        return result.headers[index] if index is not None else field_label(key)

    for key, index in index_of.items():
        if index < len(cells) and cells[index].is_formula:
            result.errors.append(
                CellError(
                    row_number,
                    header(key),
                    "holds a formula. Replace formulas with their values (copy, then Paste Values), "
                    "or start text that begins with = with an apostrophe, and upload the file again.",
                )
            )
    if len(result.errors) > errors_before:
        return

    texts = {
        key: _text(cell(key), result, row_number, COLUMNS_BY_KEY[key], header(key))
        for key in ("reference", "description", "lead_officer", "cabinet_member", "directorate", "narrative")
    }
    raw_reference = cell("reference").value
    if isinstance(raw_reference, float) and not raw_reference.is_integer():
        result.warnings.append(
            f"Row {row_number}: the reference {raw_reference:g} is stored as a number, so "
            "2.10 would read as 2.1. Format the Reference column as Text."
        )
        texts["reference"] = f"{raw_reference:g}"

    notes: list[str] = []
    interpretations: list[str] = []
    reference = written.read_reference(cell("recommendation").value)
    extra = _cell_text(cell(written.RECOMMENDATION_TEXT).value)
    recommendation_text = reference.text if not reference.numbers else ""
    if extra:
        recommendation_text = recommendation_text or extra
    number = reference.numbers[0] if reference.numbers else 0
    if reference.problem:
        result.errors.append(
            CellError(
                row_number,
                header("recommendation"),
                f"{reference.problem}. Write a whole number such as 3, or the recommendation's title.",
            )
        )
    elif not number and not recommendation_text:
        result.errors.append(
            CellError(
                row_number,
                header("recommendation"),
                "is empty. Write the number of the recommendation the action answers.",
            )
        )
    if len(reference.numbers) > 1:
        interpretations.append(
            f"answers recommendations {' and '.join(str(n) for n in reference.numbers)}: "
            f"imported under {number}, with a note"
        )
        notes.append(
            "Also answers recommendation"
            + ("s " if len(reference.numbers) > 2 else " ")
            + ", ".join(str(n) for n in reference.numbers[1:])
            + "."
        )
    if not texts["description"]:
        result.errors.append(CellError(row_number, header("description"), "is empty. Write what the council will do."))

    start = _parse_date(cell("start_date"), result, row_number, header("start_date"), notes, interpretations)
    due = _parse_date(cell("due_date"), result, row_number, header("due_date"), notes, interpretations)
    if start and due and due < start:
        result.errors.append(CellError(row_number, header("due_date"), "is before the start date."))

    rag_text = _text(cell("rag"), result, row_number, COLUMNS_BY_KEY["rag"], header("rag"))
    rag = ""
    if rag_text.lower() not in NOT_RATED_WORDS:
        rag = RAG_VALUES.get(rag_text.lower(), "")
        if not rag:
            guessed = written.guess_status(rag_text)
            if guessed:
                rag = guessed
                interpretations.append(f"“{rag_text}” read as {guessed.capitalize()}")
            else:
                result.errors.append(
                    CellError(
                        row_number,
                        header("rag"),
                        f"“{rag_text[:40]}” is not a RAG rating. Write Blue, Green, Amber or Red, or leave it empty.",
                    )
                )
    status_word = _cell_text(cell(written.STATUS).value)[:100]
    if status_word:
        key = written.status_key(status_word)
        result.statuses[status_word] = result.statuses.get(status_word, 0) + 1
        rating = status_map.get(key)
        if rating is None:
            rating = written.guess_status(status_word)
        if rating is None:
            result.errors.append(
                CellError(
                    row_number,
                    header(written.STATUS),
                    f"“{status_word[:40]}” is not a status peertrack knows. Choose its rating on the "
                    "column mapping page.",
                )
            )
        elif not rag:
            rag = rating
    narrative = texts["narrative"]
    if rag and not narrative and status_word:
        narrative = f"Status in the imported action plan: {status_word}."
    if rag and not narrative:
        result.errors.append(
            CellError(
                row_number, header("narrative"), "is empty. A current RAG needs a narrative saying what has been done."
            )
        )
    if narrative and not rag and rag_text.lower() in NOT_RATED_WORDS and not status_word:
        result.errors.append(
            CellError(row_number, header("rag"), "is empty. A progress narrative needs a current RAG.")
        )
    lead = texts["lead_officer"]
    for index, key in enumerate(mapping):
        if key == written.NOTES and index < len(cells):
            text = _cell_text(cells[index].value)
            if text:
                notes.append(f"{result.headers[index]}: {inputs.clean_text(text)[:2000]}")

    reference_text = texts["reference"]
    if reference_text:
        lowered = reference_text.lower()
        if lowered in seen_references:
            result.errors.append(
                CellError(
                    row_number,
                    header("reference"),
                    f"“{reference_text}” is also the reference of row {seen_references[lowered]}. "
                    "Each action needs its own reference.",
                )
            )
        else:
            seen_references[lowered] = row_number
    if len(result.errors) > errors_before:
        return
    result.rows.append(
        PlanRow(
            row_number=row_number,
            reference=reference_text,
            recommendation=number,
            description=texts["description"],
            lead_officer=lead,
            cabinet_member=texts["cabinet_member"],
            directorate=texts["directorate"],
            start_date=start,
            due_date=due,
            rag=rag,
            narrative=narrative,
            recommendation_text=recommendation_text,
            also_recommendations=reference.numbers[1:],
            notes=notes,
            interpretations=interpretations,
            status=status_word,
        )
    )


def build_bad_rows(*, result: ReadResult, errors: list[CellError]) -> bytes:
    """Returns a workbook of the rows that had problems, as they were, with a "Problems" column.

    Fixed and uploaded again, it imports like the original (the "Problems" column is left
    out by the reader).
    """
    by_row: dict[int, list[str]] = {}
    for error in errors:
        if error.row is not None and error.row in result.raw:
            by_row.setdefault(error.row, []).append(
                f"{error.column}: {error.message}" if error.column else error.message
            )
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET_NAME
    sheet.append([safe_text(h) for h in result.headers] + ["Problems"])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _header_fill()
    for row_number in sorted(by_row):
        row = [safe_text(text) if text else None for text in result.raw[row_number]]
        row += [None] * (len(result.headers) - len(row))
        sheet.append(row + [safe_text(" ".join(by_row[row_number]))])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    return _save(workbook)


def read_grid(
    data: bytes, filename: str, *, time_limit: float = READ_SECONDS, score: Any = None
) -> tuple[int, list[str], list[tuple[int, list[str]]]]:
    """Returns the header row's number, its headers and the text of each row below it, from
    the sheet (or CSV) whose first rows hold the best header, under the same limits as
    `read_action_plan`. `score(texts)` rates a row as a header (default: peertrack's fields).
    Used for tables that are not action plans (a council's response table)."""
    deadline = _Deadline(time_limit)
    _check_size(data, empty="The file is empty.")
    if _detect_format(data, filename) == "xlsx":
        _names, sheets = _xlsx_sheets(data, deadline, None)
        sheet = sheets[0]
    else:
        sheet = _Sheet("CSV", [])
        for entry in _csv_rows(data, deadline):
            sheet.rows.append(entry)
            if len(sheet.rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                break
    _fill_merged(sheet, 0)
    rate = score or (lambda texts: _header_score([_Cell(text) for text in texts]))
    best, best_score = -1, 0
    for index, (row_number, cells) in enumerate(sheet.rows):
        if row_number > HEADER_SEARCH_ROWS:
            break
        value = rate([_cell_text(cell.value) for cell in cells])
        if value > best_score:
            best, best_score = index, value
    if best < 0:
        raise SpreadsheetError(
            f"No header row was found in the first {HEADER_SEARCH_ROWS} rows. The header row "
            "names the columns, such as “Recommendation” and “Council response”."
        )
    number, header_cells = sheet.rows[best]
    headers = [_cell_text(cell.value) for cell in header_cells]
    rows = [
        (row_number, [_cell_text(cell.value) for cell in cells])
        for row_number, cells in sheet.rows[best + 1 : best + 1 + MAX_ROWS]
    ]
    return number, headers, rows
