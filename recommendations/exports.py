"""CSV and XLSX exports of the action plan table, with the rows and order the table shows.

A spreadsheet treats a cell starting with = + - @ (or a tab or carriage return)
as a formula, so text from the plan could run as one when the file is opened
(CSV injection). Every such text cell is written with a leading single quote,
which spreadsheets show as text.

Control characters are stripped from every text cell (and the workbook's title):
XLSX cannot hold them, and one stored before input was cleaned at the edge
(peertrack/inputs.py) must not break the export for everyone.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from peertrack import inputs
from recommendations import rag as rag_rules
from recommendations.asof import ActionThen

HEADERS = [
    "Reference", "Recommendation number", "Recommendation", "Theme", "Action", "Lead officer",
    "Directorate", "Due date", "Overdue", "RAG rating", "Last update", "Origin", "Status",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Returns `value` without control characters, with a leading single quote when a
    spreadsheet would read it as a formula."""
    value = inputs.xml_safe(inputs.clean_text(value))
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def plan_rows(actions: Iterable[ActionThen]) -> list[list[Any]]:
    """Returns one row per action as it stood then (dates as dates, text made safe), in the order given."""
    rows = []
    for then in actions:
        action = then.action
        recommendation = action.recommendation
        officer = action.lead_officer
        last_update = timezone.localtime(then.last_update_at).date() if then.last_update_at else None
        rows.append([
            safe_text(action.reference),
            recommendation.number,
            safe_text(recommendation.title),
            safe_text(recommendation.theme.name if recommendation.theme else ""),
            safe_text(then.description),
            safe_text((officer.get_full_name() or officer.get_username()) if officer else ""),
            safe_text(action.directorate),
            then.due_date,
            "Yes" if then.overdue else "No",
            rag_rules.label(then.rating),
            last_update,
            # Last, so the columns people already read by position stay where they were.
            safe_text(action.get_origin_display()),
            then.status_label,
        ])
    return rows


def to_csv(rows: Iterable[list[Any]]) -> bytes:
    """Returns UTF-8 CSV (with a byte order mark, so Excel reads the encoding) with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    for row in rows:
        writer.writerow(["" if cell is None else cell.isoformat() if isinstance(cell, dt.date) else cell
                         for cell in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(rows: Iterable[list[Any]], *, title: str) -> bytes:
    """Returns an XLSX workbook with one sheet: a bold header row and the rows, dates as dates."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Action plan"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        # Defensive: safe_text has cleaned the text already, but one bad character loses the file.
        sheet.append([inputs.xml_safe(cell) if isinstance(cell, str) else cell for cell in row])
        for cell in sheet[sheet.max_row]:
            # openpyxl itself turns a string starting with "=" into a formula; safe_text
            # has already quoted those, and marking every text cell as a string makes sure.
            if isinstance(cell.value, str):
                cell.data_type = "s"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "d mmm yyyy"
    widths = [10, 10, 40, 30, 60, 24, 30, 14, 10, 14, 14, 32, 24]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    workbook.properties.title = inputs.xml_safe(inputs.clean_text(title, multiline=False))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
