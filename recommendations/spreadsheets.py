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
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_ROWS = 2000
# How many rows from the top may hold a title before the header row.
HEADER_SEARCH_ROWS = 10
SHEET_NAME = "Action plan"
DATE_FORMAT = "DD/MM/YYYY"
RAG_VALUES = {"blue": "blue", "b": "blue", "green": "green", "g": "green", "amber": "amber",
              "a": "amber", "red": "red", "r": "red"}
NOT_RATED_WORDS = {"", "not yet rated", "not rated", "n/a", "none", "-"}
FORMULA_PREFIXES = ("=", "+", "-", "@")
_DATE_FORMATS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y",
                 "%d %b %Y", "%Y-%m-%d %H:%M:%S", "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M")


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
    Column("reference", "Reference", False,
           "The action's short reference, unique in the plan, such as 3.2. Rows with a reference "
           "that is already in the plan update that action; leave it empty for a new action and "
           "peertrack gives it the next free reference.",
           "3.2", ("ref", "action reference", "action ref", "action number", "action no", "id"),
           max_length=20, width=12),
    Column("recommendation", "Recommendation number", True,
           "The number of the recommendation the action answers, such as 3.",
           "3", ("recommendation", "recommendation no", "rec no", "rec", "rec number",
                 "recommendation ref", "recommendation reference"), width=16),
    Column("description", "Action", True,
           "What the council will do, in a sentence or two.",
           "Publish an action plan answering the workforce survey",
           ("action description", "description", "actions", "what we will do"),
           max_length=5000, width=60),
    Column("lead_officer", "Lead officer", False,
           "The officer who leads the action: their name or email address, or both as in "
           "Jane Smith <jane.smith@council.gov.uk>. They must be a member of the council in "
           "peertrack; names that match nobody are listed before you confirm.",
           "Jane Smith <jane.smith@council.gov.uk>",
           ("lead", "owner", "action owner", "responsible officer", "lead officer email"),
           max_length=254, width=32),
    Column("cabinet_member", "Cabinet member", False,
           "The cabinet member (portfolio holder) for the action, if any.",
           "Cllr A Example", ("portfolio holder", "cabinet lead", "lead member"),
           max_length=200, width=24),
    Column("directorate", "Directorate", False,
           "The directorate or service that delivers the action.",
           "Law and Governance", ("service", "service area", "department"),
           max_length=200, width=24),
    Column("start_date", "Start date", False,
           "When work starts, as day/month/year (31/07/2024) or a date cell.",
           "01/06/2024", ("start", "date started"), width=14),
    Column("due_date", "Due date", False,
           "When the action should be complete, as day/month/year or a date cell.",
           "30/09/2024", ("due", "target date", "deadline", "completion date", "end date",
                          "target completion date"), width=14),
    Column("rag", "Current RAG", False,
           "Optional: the action's RAG rating now (Blue, Green, Amber or Red). With a narrative, "
           "it is recorded as a progress update when it differs from the latest one.",
           "Green", ("rag", "rag rating", "rag status", "current rag rating", "brag"),
           width=12),
    Column("narrative", "Progress narrative", False,
           "Optional: what has been done, to go with the current RAG.",
           "Survey results shared with staff networks.",
           ("narrative", "progress", "progress update", "latest progress", "update",
            "commentary", "comments"), max_length=5000, width=60),
)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}


class SpreadsheetError(ValueError):
    """The file as a whole cannot be read; the message says why and what to do."""


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


@dataclass
class ReadResult:
    rows: list[PlanRow] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)


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
    validation = DataValidation(type="list", formula1='"Blue,Green,Amber,Red"', allow_blank=True,
                                showErrorMessage=True, errorTitle="RAG rating",
                                error="Choose Blue, Green, Amber or Red.")
    validation.add(f"{rag_letter}2:{rag_letter}{last}")
    sheet.add_data_validation(validation)


def _write_guidance(workbook: Workbook, recommendations: list[tuple[int, str]]) -> None:
    sheet = workbook.create_sheet("Guidance")
    sheet.append(["How to fill in the action plan"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(["One row per action, on the “Action plan” sheet. Keep the header row; columns "
                  "are found by their header, so their order does not matter. Write values, not "
                  "formulas. Save as .xlsx (not .xlsm) or .csv, up to 10 MB."])
    sheet.append([])
    sheet.append(["Column", "Required", "What to write", "Example"])
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.fill = _header_fill()
    for column in COLUMNS:
        sheet.append([column.header, "Yes" if column.required else "No",
                      column.explanation, safe_text(column.example)])
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


def build_export(*, rows: Iterable[dict[str, Any]],
                 recommendations: list[tuple[int, str]] | None = None) -> bytes:
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
                "The file is not an Excel workbook (.xlsx) or a CSV file. Upload the action plan "
                "as .xlsx or .csv."
            )
        return "xlsx"
    if name.endswith((".csv", ".txt")):
        return "csv"
    raise SpreadsheetError(
        "The file is not an Excel workbook (.xlsx) or a CSV file. Upload the action plan as "
        ".xlsx or .csv."
    )


def _xlsx_rows(data: bytes) -> Iterator[list[_Cell]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = set(archive.namelist())
    except zipfile.BadZipFile:
        raise SpreadsheetError(
            "The file could not be opened as an Excel workbook: it may be damaged. Open it in "
            "Excel, save it as .xlsx and upload it again."
        ) from None
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise SpreadsheetError(
            "The workbook contains macros, which peertrack does not accept. Save it as an Excel "
            "Workbook (.xlsx) without macros and upload it again."
        )
    if "xl/workbook.xml" not in names:
        raise SpreadsheetError(
            "The file is not an Excel workbook (.xlsx) or a CSV file. Upload the action plan as "
            ".xlsx or .csv."
        )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many types for a malformed package
        raise SpreadsheetError(
            "The file could not be opened as an Excel workbook: it may be damaged. Open it in "
            "Excel, save it as .xlsx and upload it again."
        ) from None
    try:
        sheet = workbook[SHEET_NAME] if SHEET_NAME in workbook.sheetnames else workbook.worksheets[0]
        for row in sheet.iter_rows():
            yield [_Cell(cell.value, getattr(cell, "data_type", None) == "f") for cell in row]
    finally:
        workbook.close()


def _csv_rows(data: bytes) -> Iterator[list[_Cell]]:
    if b"\x00" in data[:4096]:
        raise SpreadsheetError(
            "The file is not a CSV file (it holds binary data). Upload the action plan as .xlsx "
            "or .csv."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            # Excel on Windows saves "CSV" in the Windows-1252 code page.
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise SpreadsheetError(
                "The CSV file's characters could not be read. Save it from Excel as “CSV UTF-8” "
                "and upload it again."
            ) from None
    try:
        dialect: Any = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        for row in csv.reader(io.StringIO(text, newline=""), dialect):
            yield [_Cell(value, value.startswith("=")) for value in row]
    except csv.Error as error:
        raise SpreadsheetError(f"The CSV file could not be read: {error}.") from None


def _text(cell: _Cell, result: ReadResult, row: int, column: Column) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    text = _unescape(str(value).strip()).strip()
    if column.max_length and len(text) > column.max_length:
        result.errors.append(CellError(row, column.header,
                                       f"is {len(text)} characters long; the most is "
                                       f"{column.max_length}."))
    return text


def _parse_date(cell: _Cell, result: ReadResult, row: int, column: Column) -> dt.date | None:
    value = cell.value
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for pattern in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    result.errors.append(CellError(
        row, column.header, f"“{text}” is not a date. Write it as day/month/year, like 31/07/2024."
    ))
    return None


def _map_headers(cells: list[_Cell]) -> tuple[dict[str, int], list[str]]:
    mapping: dict[str, int] = {}
    unused: list[str] = []
    for index, cell in enumerate(cells):
        name = _normalise_header(cell.value)
        if not name:
            continue
        key = _HEADER_LOOKUP.get(name)
        if key is None:
            unused.append(str(cell.value).strip())
        elif key in mapping:
            raise SpreadsheetError(
                f"Two columns are headed “{COLUMNS_BY_KEY[key].header}” (or a name for it). "
                "Keep one of them and upload the file again."
            )
        else:
            mapping[key] = index
    return mapping, unused


def read_action_plan(data: bytes, filename: str) -> ReadResult:
    """Returns the rows of an action plan spreadsheet with every problem found in them.

    Raises SpreadsheetError for a problem with the whole file.
    """
    if not data:
        raise SpreadsheetError("The file is empty. Choose the action plan spreadsheet.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            f"The file is {len(data) / (1024 * 1024):.1f} MB; the most peertrack accepts is "
            f"{MAX_UPLOAD_BYTES // (1024 * 1024)} MB. Remove other sheets or images and upload "
            "it again."
        )
    kind = _detect_format(data, filename)
    source = _xlsx_rows(data) if kind == "xlsx" else _csv_rows(data)
    result = ReadResult()
    mapping: dict[str, int] | None = None
    seen_references: dict[str, int] = {}
    for row_number, cells in enumerate(source, start=1):
        if all(cell.value is None or str(cell.value).strip() == "" for cell in cells):
            continue
        if mapping is None:
            candidate, unused = _map_headers(cells)
            # A row naming two or more known columns is the header row.
            if len(candidate) >= 2:
                mapping = candidate
                result.columns = [COLUMNS_BY_KEY[key].header for key in candidate]
                missing = [column.header for column in COLUMNS
                           if column.required and column.key not in mapping]
                if missing:
                    raise SpreadsheetError(
                        "The spreadsheet has no column headed "
                        + " or ".join(f"“{name}”" for name in missing)
                        + ". Add it to the header row (see the template) and upload it again."
                    )
                if unused:
                    result.warnings.append(
                        "These columns are not used: " + ", ".join(f"“{name}”" for name in unused)
                        + "."
                    )
            elif row_number >= HEADER_SEARCH_ROWS:
                break
            continue
        if len(result.rows) + len(result.errors) >= MAX_ROWS:
            raise SpreadsheetError(
                f"The spreadsheet has more than {MAX_ROWS} rows. Split it into smaller files."
            )
        _read_row(cells, row_number, mapping, result, seen_references)
    if mapping is None:
        raise SpreadsheetError(
            "No header row was found. The first rows must include columns headed "
            "“Recommendation number” and “Action” (download the template to see the layout)."
        )
    if not result.rows and not result.errors:
        raise SpreadsheetError("The spreadsheet has a header row but no actions under it.")
    return result


def _read_row(cells: list[_Cell], row_number: int, mapping: dict[str, int], result: ReadResult,
              seen_references: dict[str, int]) -> None:
    errors_before = len(result.errors)

    def cell(key: str) -> _Cell:
        index = mapping.get(key)
        if index is None or index >= len(cells):
            return _Cell(None)
        return cells[index]

    for key, index in mapping.items():
        if index < len(cells) and cells[index].is_formula:
            result.errors.append(CellError(
                row_number, COLUMNS_BY_KEY[key].header,
                "holds a formula. Replace formulas with their values (copy, then Paste Values), "
                "or start text that begins with = with an apostrophe, and upload the file again.",
            ))
    if len(result.errors) > errors_before:
        return

    values = {key: _text(cell(key), result, row_number, COLUMNS_BY_KEY[key])
              for key in ("reference", "description", "lead_officer", "cabinet_member",
                          "directorate", "narrative")}
    raw_reference = cell("reference").value
    if isinstance(raw_reference, float) and not raw_reference.is_integer():
        result.warnings.append(
            f"Row {row_number}: the reference {raw_reference:g} is stored as a number, so "
            "2.10 would read as 2.1. Format the Reference column as Text."
        )
        values["reference"] = f"{raw_reference:g}"

    recommendation_column = COLUMNS_BY_KEY["recommendation"]
    raw_number = cell("recommendation").value
    number = 0
    number_text = "" if raw_number is None else str(raw_number).strip()
    if isinstance(raw_number, float) and raw_number.is_integer():
        number_text = str(int(raw_number))
    number_text = re.sub(r"^(?:recommendation|rec\.?)\s*", "", number_text, flags=re.IGNORECASE)
    if not number_text:
        result.errors.append(CellError(row_number, recommendation_column.header,
                                       "is empty. Write the number of the recommendation the "
                                       "action answers."))
    elif not number_text.isdigit() or int(number_text) < 1:
        result.errors.append(CellError(row_number, recommendation_column.header,
                                       f"“{number_text}” is not a recommendation number. Write "
                                       "a whole number such as 3."))
    else:
        number = int(number_text)
    if not values["description"]:
        result.errors.append(CellError(row_number, COLUMNS_BY_KEY["description"].header,
                                       "is empty. Write what the council will do."))

    start = _parse_date(cell("start_date"), result, row_number, COLUMNS_BY_KEY["start_date"])
    due = _parse_date(cell("due_date"), result, row_number, COLUMNS_BY_KEY["due_date"])
    if start and due and due < start:
        result.errors.append(CellError(row_number, COLUMNS_BY_KEY["due_date"].header,
                                       "is before the start date."))

    rag_text = _text(cell("rag"), result, row_number, COLUMNS_BY_KEY["rag"])
    rag = ""
    if rag_text.lower() not in NOT_RATED_WORDS:
        rag = RAG_VALUES.get(rag_text.lower(), "")
        if not rag:
            result.errors.append(CellError(row_number, COLUMNS_BY_KEY["rag"].header,
                                           f"“{rag_text}” is not a RAG rating. Write Blue, Green, "
                                           "Amber or Red, or leave it empty."))
    if rag and not values["narrative"]:
        result.errors.append(CellError(row_number, COLUMNS_BY_KEY["narrative"].header,
                                       "is empty. A current RAG needs a narrative saying what has "
                                       "been done."))
    if values["narrative"] and not rag and rag_text.lower() in NOT_RATED_WORDS:
        result.errors.append(CellError(row_number, COLUMNS_BY_KEY["rag"].header,
                                       "is empty. A progress narrative needs a current RAG."))

    reference = values["reference"]
    if reference:
        key = reference.lower()
        if key in seen_references:
            result.errors.append(CellError(
                row_number, COLUMNS_BY_KEY["reference"].header,
                f"“{reference}” is also the reference of row {seen_references[key]}. Each action "
                "needs its own reference.",
            ))
        else:
            seen_references[key] = row_number
    if len(result.errors) > errors_before:
        return
    result.rows.append(PlanRow(
        row_number=row_number, reference=reference, recommendation=number,
        description=values["description"], lead_officer=values["lead_officer"],
        cabinet_member=values["cabinet_member"], directorate=values["directorate"],
        start_date=start, due_date=due, rag=rag, narrative=values["narrative"],
    ))
