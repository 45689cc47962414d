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
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from peertrack import inputs
from recommendations import rag as rag_rules
from recommendations.asof import ActionThen
from recommendations.models import Council, ProgressUpdate

HEADERS = [
    "Reference", "Recommendation number", "Recommendation", "Theme", "Action", "Lead officer",
    "Directorate", "Due date", "Overdue", "RAG rating", "Last update", "Origin", "Status",
    # Councillors' columns (issue 19): what the latest update said, and the council's words for the band.
    "Latest narrative", "Next steps", "RAG meaning",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: str) -> str:
    """Returns `value` without control characters, with a leading single quote when a
    spreadsheet would read it as a formula."""
    value = inputs.xml_safe(inputs.clean_text(value))
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _latest_texts(actions: list[ActionThen]) -> dict[int, ProgressUpdate]:
    """Returns, by action id, the update the plan as at the date names as each action's latest (its
    `latest_update` when the plan was read with details, else the one made at `last_update_at`): one
    query at most. Which update is the latest is the plan's decision (asof.py), not this one's."""
    found = {then.action.pk: then.latest_update for then in actions if then.latest_update is not None}
    wanted = {(then.action.pk, then.last_update_at) for then in actions
              if then.latest_update is None and then.last_update_at is not None}
    if wanted:
        updates = ProgressUpdate.objects.filter(
            action_id__in={pk for pk, _ in wanted}, created_at__in={moment for _, moment in wanted}
        ).only("action_id", "created_at", "narrative", "next_steps").order_by("created_at", "pk")
        for update in updates:
            if (update.action_id, update.created_at) in wanted:
                found[update.action_id] = update
    return found


def plan_rows(actions: Iterable[ActionThen]) -> list[list[Any]]:
    """Returns one row per action as it stood then (dates as dates, text made safe), in the order given."""
    rows = []
    actions = list(actions)
    latest = _latest_texts(actions)
    council = None
    if actions:
        council = (Council.objects.defer("logo")
                   .filter(challenges__recommendations__actions=actions[0].action.pk).first())
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
            safe_text(latest[action.pk].narrative if action.pk in latest else ""),
            safe_text(latest[action.pk].next_steps if action.pk in latest else ""),
            safe_text(council.rag_meaning(then.rating) if council else rag_rules.MEANINGS.get(then.rating, "")),
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


def _cell(sheet: Any, value: Any, *, font: Font | None = None) -> Any:
    """Returns what to append for `value`: text always as text, dates shown as dates.

    Plain values need no cell object (openpyxl writes them as they are, and a cell object per
    value doubled the export's time); only formatting, and text openpyxl would take for a
    formula, get one.
    """
    # openpyxl itself turns a string starting with "=" into a formula; safe_text has already
    # quoted those, and marking such a cell as a string makes sure.
    formula_like = isinstance(value, str) and value.startswith("=")
    dated = isinstance(value, dt.date)
    if not (formula_like or dated or font is not None):
        return value
    cell = WriteOnlyCell(sheet, value=value)
    if formula_like:
        cell.data_type = "s"
    elif dated:
        cell.number_format = "d mmm yyyy"
    if font is not None:
        cell.font = font
    return cell


def to_xlsx(rows: Iterable[list[Any]], *, title: str) -> bytes:
    """Returns an XLSX workbook with one sheet: a bold header row and the rows, dates as dates.

    Written in openpyxl's write-only mode, row by row, so time and memory grow with the rows and
    nothing is read back (issue 20: 4,000 rows in well under 2 s)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Action plan")
    # Widths and frozen panes come before the first row in write-only mode.
    widths = [10, 10, 40, 30, 60, 24, 30, 14, 10, 14, 14, 32, 24, 60, 40, 30]
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    sheet.append([_cell(sheet, header, font=bold) for header in HEADERS])
    for row in rows:
        # Defensive: safe_text has cleaned the text already, but one bad character loses the file.
        sheet.append([_cell(sheet, inputs.xml_safe(cell) if isinstance(cell, str) else cell) for cell in row])
    workbook.properties.title = inputs.xml_safe(inputs.clean_text(title, multiline=False))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
