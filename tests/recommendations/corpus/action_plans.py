"""Action plan spreadsheets in the shapes councils publish (issue 17), built in code.

Each builder writes a small workbook or CSV from the facts of a public council action plan
(recommendation themes, committee dates, job titles) in that council's kind of layout; below it,
`_reads_as` says what peertrack must read from it.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

# Each layout's builder and file name, by the builder's name.
BUILDERS: dict[str, tuple[Any, str]] = {}
# What read_action_plan must find in each layout (see `_reads_as`).
EXPECTED: dict[str, dict[str, Any]] = {}


def _reads_as(build: Callable[[], bytes], filename: str, *, rows: list[tuple[Any, ...]], header_row: int = 1,
              bad_rows: tuple[int, ...] = (), sheet: str | None = None, note: str | None = None) -> None:
    """Adds the layout `build` makes to the corpus, saved as `filename`, with what read_action_plan must find
    in it: the header row; the good rows as (recommendation, recommendation text, description, due date,
    rating); the rows with problems; and, where given, the sheet it reads and words in its sheet note."""
    BUILDERS[build.__name__] = (build, filename)
    expected: dict[str, Any] = {"header_row": header_row, "rows": rows, "bad_rows": list(bad_rows)}
    if sheet is not None:
        expected["sheet"] = sheet
    if note is not None:
        expected["note"] = note
    EXPECTED[build.__name__] = expected


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def cover_sheet_merged_text_dates() -> bytes:
    """A cover sheet with the RAG key first; the plan's header on row 3 under two title rows;
    the recommendation merged over its actions; dates and statuses in words."""
    workbook = Workbook()
    cover = workbook.active
    cover.title = "Cover"
    cover.append(["Corporate Peer Challenge Action Plan"])
    cover.append(["RAG key"])
    cover.append(["Complete", "Action delivered"])
    cover.append(["On track", "Progressing to plan"])
    cover.append(["Not started", "Not yet due to start"])
    plan = workbook.create_sheet("Action Plan")
    plan.append(["LGA Corporate Peer Challenge 2024: Council response and action plan"])
    plan.append(["Reported to Scrutiny Co-ordination Committee"])
    plan.append(["Rec No.", "Recommendation", "Action", "Lead Officer(s)", "Timescale", "Status", "Update"])
    plan["A1"].font = Font(bold=True, size=14)
    rows = [
        [
            1,
            "City Centre masterplan",
            "Commission the masterplan",
            "Director of Property",
            "March 2025",
            "Complete",
            "Masterplan adopted by Cabinet.",
        ],
        [
            None,
            None,
            "Consult partners on the draft",
            "Director of Property / Head of Planning",
            "Sept 2024",
            "On track",
            "",
        ],
        [
            2,
            "Financial accounts",
            "Clear the backlog of accounts",
            "Director of Finance",
            "Q4 2024/25",
            "Not started",
            "",
        ],
        [
            None,
            None,
            "Report progress to Audit Committee",
            "Director of Finance",
            "Ongoing",
            "On track",
            "Standing item on the agenda.",
        ],
        [3, "Workforce", "Publish the workforce strategy", "Chief People Officer", "TBC", "Complete", ""],
        [None, None, "", "Chief People Officer", "June 2025", "Not started", ""],
    ]
    for row in rows:
        plan.append(row)
    plan.merge_cells("A4:A5")
    plan.merge_cells("B4:B5")
    plan.merge_cells("A6:A7")
    plan.merge_cells("B6:B7")
    plan.merge_cells("A8:A9")
    plan.merge_cells("B8:B9")
    return _save(workbook)


_reads_as(cover_sheet_merged_text_dates, "plan.xlsx", sheet="Action Plan", header_row=3, rows=[
    (1, "City Centre masterplan", "Commission the masterplan", dt.date(2025, 3, 31), "blue"),
    (1, "City Centre masterplan", "Consult partners on the draft", dt.date(2024, 9, 30), "green"),
    (2, "Financial accounts", "Clear the backlog of accounts", dt.date(2025, 3, 31), ""),
    (2, "Financial accounts", "Report progress to Audit Committee", None, "green"),
    (3, "Workforce", "Publish the workforce strategy", None, "blue"),
], bad_rows=(9,), note="Read the sheet “Action Plan”")


def recommendation_text_no_number() -> bytes:
    """ "Recommendation" holds the recommendation's wording, not its number."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Plan"
    sheet.append(["Recommendation", "Actions", "Owner", "Target date"])
    sheet.append(["City Centre masterplan", "Appoint a masterplan lead", "Bob Lead", "31/12/2024"])
    sheet.append(
        [
            "The council should make swift progress to sign off its accounts",
            "Agree a timetable with the auditor",
            "Bob Lead",
            dt.date(2025, 3, 31),
        ]
    )
    sheet.append(["Something the peers never said", "Do a thing", "", ""])
    return _save(workbook)


_reads_as(recommendation_text_no_number, "plan.xlsx", sheet="Plan", rows=[
    (0, "City Centre masterplan", "Appoint a masterplan lead", dt.date(2024, 12, 31), ""),
    (0, "The council should make swift progress to sign off its accounts", "Agree a timetable with the auditor",
     dt.date(2025, 3, 31), ""),
    (0, "Something the peers never said", "Do a thing", None, ""),
])


def references_in_many_forms() -> bytes:
    """A "No." column written every way councils write it, and an action for two."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["No.", "Action", "Responsible officer", "Deadline"])
    for reference, action in (
        ("1", "Action for one"),
        ("1.", "Another for one"),
        ("R2", "Action for two"),
        ("Rec 3", "Action for three"),
        ("Recommendation 2", "Second for two"),
        ("3. Workforce", "Second for three"),
        ("2 & 3", "Joint action"),
        ("٣", "Other digits"),
    ):
        sheet.append([reference, action, "", "30/09/2024"])
    return _save(workbook)


_reads_as(references_in_many_forms, "plan.xlsx", rows=[
    (1, "", "Action for one", dt.date(2024, 9, 30), ""),
    (1, "", "Another for one", dt.date(2024, 9, 30), ""),
    (2, "", "Action for two", dt.date(2024, 9, 30), ""),
    (3, "", "Action for three", dt.date(2024, 9, 30), ""),
    (2, "", "Second for two", dt.date(2024, 9, 30), ""),
    (3, "", "Second for three", dt.date(2024, 9, 30), ""),
    (2, "", "Joint action", dt.date(2024, 9, 30), ""),
], bad_rows=(9,))


def windows_1252_csv() -> bytes:
    """A CSV saved by Excel on Windows: the Windows-1252 code page, en dashes and pound signs."""
    text = (
        "Ref,Recommendation,Action,Lead,Due\r\n"
        "1.1,1,Savings of £2m – agreed by Cabinet,Director of Finance,31/03/2025\r\n"
        "2.1,2,Publish the “One Council” plan,Chief Executive,Dec 2024\r\n"
    )
    return text.encode("cp1252")


_reads_as(windows_1252_csv, "plan.csv", rows=[
    (1, "", "Savings of £2m – agreed by Cabinet", dt.date(2025, 3, 31), ""),
    (2, "", "Publish the “One Council” plan", dt.date(2024, 12, 31), ""),
])


def utf8_bom_csv_with_rag() -> bytes:
    """A UTF-8 CSV with a byte order mark, RAG words and a progress column."""
    text = (
        "Recommendation number,Action,Lead officer,Due date,RAG,Progress update\n"
        "1,Agree the masterplan brief,Bob Lead,30/06/2024,Green,Brief agreed with partners\n"
        "2,Close the 2022/23 accounts,Bob Lead,2024/25 Q3,Amber,Awaiting the auditor\n"
    )
    return ("\ufeff" + text).encode("utf-8")


_reads_as(utf8_bom_csv_with_rag, "plan.csv", rows=[
    (1, "", "Agree the masterplan brief", dt.date(2024, 6, 30), "green"),
    (2, "", "Close the 2022/23 accounts", dt.date(2024, 12, 31), "amber"),
])


def cabinet_and_directorate_columns() -> bytes:
    """A committee appendix layout: key actions with cabinet member, directorate and
    date cells formatted as month and year, a column peertrack has no field for."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Appendix B"
    sheet.append(
        [
            "Recommendation",
            "Key actions",
            "Lead",
            "Cabinet Member",
            "Directorate",
            "By when",
            "RAG",
            "Comments",
            "Evidence link",
        ]
    )
    sheet.append(
        [
            1,
            "Refresh the corporate plan",
            "Bob Lead",
            "Cllr A Example",
            "Chief Executive's",
            dt.datetime(2024, 12, 1),
            "Green",
            "On track for Cabinet in December",
            "https://example.org/plan",
        ]
    )
    sheet.append(
        [
            2,
            "Set a balanced budget",
            "Bob Lead",
            "Cllr B Example",
            "Finance",
            dt.datetime(2025, 2, 1),
            "Red",
            "Gap of £4m remains",
            "",
        ]
    )
    sheet["F2"].number_format = "mmm-yy"
    sheet["F3"].number_format = "mmm-yy"
    return _save(workbook)


_reads_as(cabinet_and_directorate_columns, "plan.xlsx", sheet="Appendix B", rows=[
    (1, "", "Refresh the corporate plan", dt.date(2024, 12, 1), "green"),
    (2, "", "Set a balanced budget", dt.date(2025, 2, 1), "red"),
])
