"""The council's response table (Appendix B style), from a pasted table, a .docx or a spreadsheet.

A response table has a row (or several) per recommendation: the recommendation (its number or
its words), the council's response (often starting "Accepted", "Partly accepted" or "Not
accepted"), the actions it will take, the lead and the timescale. `read_response_table`
returns what it says, grouped by recommendation, with what it could not read; `plan_responses`
matches it to the challenge's recommendations; `apply_responses` writes the responses and the
new actions in one transaction (an action already recorded with the same wording is left as it
is, so importing the same table twice changes nothing).

The response fields (`response`, `response_reasons`, `response_narrative`) belong to
`Recommendation` (set-up pages, issue 17); each is written only if the model has it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from peertrack import inputs
from recommendations import import_values as values
from recommendations import spreadsheets
from recommendations.imports import OfficerDirectory
from recommendations.models import Action, PeerChallenge, Recommendation

MAX_TEXT = 500_000
MAX_ROWS = 500

_ROLES: tuple[tuple[str, str], ...] = (
    ("decision", r"\b(?:accept(?:ed)?|agreed?|decision|position)\b"),
    ("response", r"\b(?:response|comments?|council'?s? view|narrative)\b"),
    ("lead", r"\b(?:lead|owner|responsible|accountable)\b"),
    ("timescale", r"\b(?:timescales?|timeline|dates?|due|by when|deadline|target)\b"),
    ("actions", r"\b(?:actions?|what we will do|key actions|next steps|activity|activities)\b"),
    ("recommendation", r"\b(?:recommendations?|rec|no|ref|number|#)\b"),
)
_DECISIONS: tuple[tuple[str, str], ...] = (
    (r"^(?:partly|partially)\s+(?:accepted|agreed)|^accepted\s+in\s+part|^in\s+part", "partly_accepted"),
    (r"^not\s+(?:accepted|agreed)|^rejected|^declined", "not_accepted"),
    (r"^(?:accepted|agreed|accept|agree)\b", "accepted"),
)
_ITEM = re.compile(r"^\s*(?:[-•●▪◦*–·o]|\(?[0-9]{1,2}[.)]|\(?[a-z][.)])\s+(?P<rest>\S.*)$")


class ResponseTableError(ValueError):
    """The table cannot be read at all; the message says what to do."""


@dataclass
class ResponseAction:
    description: str
    lead: str = ""
    timescale: str = ""
    due_date: dt.date | None = None
    note: str = ""


@dataclass
class ResponseEntry:
    """What the table says about one recommendation."""

    row_number: int
    numbers: list[int] = field(default_factory=list)
    text: str = ""
    decision: str = ""  # "" | accepted | partly_accepted | not_accepted
    narrative: str = ""
    actions: list[ResponseAction] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    recommendation: Recommendation | None = None
    new_actions: int = 0


def _roles(headers: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = values.normalise_header(header)
        for role, pattern in _ROLES:
            if role not in found and re.search(pattern, name):
                found[role] = index
                break
    return found


def _score(texts: list[str]) -> int:
    roles = _roles([text for text in texts if len(text) <= 100])
    return len(roles) if "recommendation" in roles and len(roles) >= 2 else 0


def _lines(text: str) -> list[str]:
    """Returns the items of a cell: its bullet or numbered lines, else its paragraphs."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    items: list[str] = []
    for line in lines:
        match = _ITEM.match(line)
        if match or not items:
            items.append((match["rest"] if match else line).strip())
        elif _ITEM.match(lines[0]):
            items[-1] = f"{items[-1]} {line}"  # a wrapped bullet
        else:
            items.append(line)
    return items


def _decision(text: str) -> str:
    clean = text.strip().lower()
    for pattern, decision in _DECISIONS:
        if re.search(pattern, clean):
            return decision
    return ""


def _unquote(cell: str) -> str:
    cell = cell.strip()
    if len(cell) > 1 and cell[0] == cell[-1] == '"':  # Excel quotes a cell of several lines
        cell = cell[1:-1].replace('""', '"')
    return cell.strip()


def _rows_from_text(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Reads a table pasted from Word or Excel: cells split by tabs, a row ending when it has
    as many cells as the header. A line break inside a cell (a cell of several lines or
    bullets) continues that cell."""
    if len(text) > MAX_TEXT:
        raise ResponseTableError(
            f"The text is {len(text):,} characters long; paste only the response table (up to {MAX_TEXT:,} characters)."
        )
    text = inputs.clean_text(text.replace("\r\n", "\n").replace("\r", "\n"))
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    current: list[str] = []
    started = 0
    for number, line in enumerate(text.split("\n"), start=1):
        if header is None:
            cells = [cell.strip() for cell in line.split("\t")]
            if len(cells) > 1 and _score(cells):
                header = cells
            continue
        parts = line.split("\t")
        if not current:
            if not line.strip():
                continue
            if len(parts) == 1 and rows:
                # No tab: a row has several cells, so this continues the last cell of the row.
                rows[-1][1][-1] = f"{rows[-1][1][-1]}\n{_unquote(line)}".strip()
                continue
            current, started = list(parts), number
        else:
            current[-1] = f"{current[-1]}\n{parts[0]}"
            current.extend(parts[1:])
        if len(current) >= len(header):
            rows.append((started, [_unquote(cell) for cell in current]))
            current = []
        if len(rows) > MAX_ROWS:
            break
    if current:
        rows.append((started, [_unquote(cell) for cell in current]))
    if header is None:
        raise ResponseTableError(
            "No header row was found. Paste the table with its header row (such as "
            "“Recommendation”, “Council response”, “Actions”, “Lead”, “Timescale”), copied from "
            "Word or Excel so that its cells are separated by tabs."
        )
    return header, rows


def _rows_from_docx(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Reads the first table of a Word document whose header row names a recommendation."""
    import docx  # python-docx

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if any(name.lower().endswith("vbaproject.bin") for name in archive.namelist()):
                raise ResponseTableError(
                    "The document contains macros, which peertrack does not accept. Save it as a Word Document (.docx)."
                )
            if sum(info.file_size for info in archive.infolist()) > 100 * 1024 * 1024:
                raise ResponseTableError(
                    "The document is too large when opened. Copy the "
                    "response table into a new document and upload that."
                )
        document = docx.Document(io.BytesIO(data))
    except ResponseTableError:
        raise
    except Exception:  # python-docx raises many types for a damaged or foreign file
        raise ResponseTableError(
            "The file could not be opened as a Word document (.docx). Save it as .docx and upload it again."
        ) from None
    for table in document.tables:
        grid = [[cell.text.strip() for cell in row.cells] for row in table.rows[: MAX_ROWS + 5]]
        for index, cells in enumerate(grid[:5]):
            if _score(cells):
                rows = [(number, cells) for number, cells in enumerate(grid[index + 1 :], start=index + 2)]
                return cells, rows
    raise ResponseTableError(
        "No table with a header row naming the recommendation (such as "
        "“Recommendation” and “Council response”) was found in the document."
    )


def read_response_table(
    *, text: str = "", data: bytes = b"", filename: str = ""
) -> tuple[list[ResponseEntry], list[str]]:
    """Returns the table's entries, one per recommendation, and warnings about what it left out.

    Raises ResponseTableError when nothing can be read.
    """
    warnings: list[str] = []
    if data:
        name = filename.lower()
        if name.endswith(".docx"):
            headers, rows = _rows_from_docx(data)
        elif name.endswith((".xlsx", ".csv")):
            try:
                _number, headers, rows = spreadsheets.read_grid(data, filename, score=_score)
            except spreadsheets.SpreadsheetError as problem:
                raise ResponseTableError(str(problem)) from None
        else:
            raise ResponseTableError(
                "Upload the response table as a Word document (.docx), an "
                "Excel workbook (.xlsx) or a CSV file, or paste it."
            )
    elif text.strip():
        headers, rows = _rows_from_text(text)
    else:
        raise ResponseTableError("Paste the council's response table, or choose the file that holds it")
    roles = _roles(headers)
    if "recommendation" not in roles:
        raise ResponseTableError("The table has no column for the recommendation.")
    unused = [header for index, header in enumerate(headers) if header and index not in roles.values()]
    if unused:
        warnings.append("These columns were not read: " + ", ".join(f"“{h}”" for h in unused) + ".")

    def cell(cells: list[str], role: str) -> str:
        index = roles.get(role)
        return cells[index].strip() if index is not None and index < len(cells) else ""

    entries: list[ResponseEntry] = []
    for row_number, cells in rows[:MAX_ROWS]:
        if not any(c.strip() for c in cells):
            continue
        reference = values.read_reference(cell(cells, "recommendation"))
        key_text = reference.text if not reference.numbers else ""
        current = entries[-1] if entries else None
        same = current is not None and (
            (reference.numbers and reference.numbers == current.numbers)
            or (key_text and key_text == current.text)
            or (not reference.numbers and not key_text and not reference.problem)
        )
        if not same:
            current = ResponseEntry(row_number=row_number, numbers=reference.numbers, text=key_text)
            if reference.problem:
                current.problems.append(reference.problem)
            entries.append(current)
        assert current is not None
        response = cell(cells, "response")
        decision = _decision(cell(cells, "decision")) or _decision(response)
        if decision and not current.decision:
            current.decision = decision
        if response and response not in current.narrative:
            current.narrative = f"{current.narrative}\n\n{response}".strip()
        actions = _lines(cell(cells, "actions"))
        leads = _lines(cell(cells, "lead"))
        times = _lines(cell(cells, "timescale"))
        for index, description in enumerate(actions):
            lead = leads[index] if len(leads) == len(actions) else cell(cells, "lead")
            timescale = times[index] if len(times) == len(actions) else cell(cells, "timescale")
            action = ResponseAction(
                description=description[:5000], lead=" ".join(lead.split()), timescale=" ".join(timescale.split())
            )
            _read_timescale(action)
            current.actions.append(action)
    if not entries:
        raise ResponseTableError("The table has a header row but nothing under it.")
    return entries, warnings


def _read_timescale(action: ResponseAction) -> None:
    text = action.timescale
    if not text:
        return
    for pattern in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d %B %Y", "%d %b %Y"):
        try:
            action.due_date = dt.datetime.strptime(text, pattern).date()
            break
        except ValueError:
            continue
    if action.due_date is None and not inputs.has_other_digits(text):
        reading = values.read_written_date(text[:60])
        action.due_date = reading.day
        if reading.note:
            action.note = reading.note
    if action.due_date is not None and inputs.year_problem(action.due_date):
        action.due_date = None
        action.note = f"no date: {inputs.YEAR_MESSAGE.lower()}"
    if action.due_date is None and not action.note:
        action.note = f"no date: “{text[:60]}” is not a date peertrack can read"


def plan_responses(*, challenge: PeerChallenge, entries: list[ResponseEntry]) -> list[ResponseEntry]:
    """Matches each entry to a recommendation of the challenge (by number, else by its title or
    text) and counts the actions it would add. Writes nothing."""
    recommendations = {r.number: r for r in Recommendation.objects.filter(challenge=challenge)}
    existing: dict[int, set[str]] = {}
    for recommendation_id, description in Action.objects.filter(recommendation__challenge=challenge).values_list(
        "recommendation_id", "description"
    ):
        existing.setdefault(recommendation_id, set()).add(values.squash(description))
    for entry in entries:
        entry.recommendation = None
        if entry.numbers:
            entry.recommendation = recommendations.get(entry.numbers[0])
        elif entry.text:
            key = values.squash(entry.text)
            found = [
                r
                for r in recommendations.values()
                if key
                and (
                    values.squash(r.title) == key
                    or values.squash(r.text) == key
                    or (len(key) >= 12 and values.squash(r.text).startswith(key))
                )
            ]
            entry.recommendation = found[0] if len(found) == 1 else None
        if entry.recommendation is None and not entry.problems:
            what = f"recommendation {entry.numbers[0]}" if entry.numbers else f"“{entry.text[:60]}”"
            entry.problems.append(f"{what} is not a recommendation of this challenge")
        if entry.recommendation is not None:
            seen = existing.get(entry.recommendation.pk, set())
            entry.new_actions = len(
                {values.squash(a.description) for a in entry.actions if values.squash(a.description) not in seen}
            )
    return entries


def _has_field(name: str) -> bool:
    return any(f.name == name for f in Recommendation._meta.get_fields())


def apply_responses(*, challenge: PeerChallenge, entries: list[ResponseEntry], by: Any) -> tuple[int, int]:
    """Writes each matched entry's response and new actions, all in one transaction.

    Returns (recommendations updated, actions added). Entries with problems are left out.
    """
    updated = added = 0
    directory = OfficerDirectory.for_council(challenge.council)
    with transaction.atomic():
        PeerChallenge.objects.select_for_update().filter(pk=challenge.pk).first()
        plan_responses(challenge=challenge, entries=entries)
        for entry in entries:
            recommendation = entry.recommendation
            if recommendation is None or entry.problems:
                continue
            recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
            changed: list[str] = []
            if (
                entry.narrative
                and _has_field("response_narrative")
                and (recommendation.response_narrative != entry.narrative)
            ):
                recommendation.response_narrative = entry.narrative
                changed.append("response_narrative")
            if entry.decision and _has_field("response") and recommendation.response != entry.decision:
                recommendation.response = entry.decision
                changed.append("response")
                if (
                    entry.decision != "accepted"
                    and _has_field("response_reasons")
                    and not (recommendation.response_reasons)
                ):
                    recommendation.response_reasons = entry.narrative or "As the response table says."
                    changed.append("response_reasons")
            if changed:
                recommendation._history_user = by
                recommendation.full_clean()
                recommendation.save(update_fields=changed)
                updated += 1
            existing = {values.squash(d) for d in recommendation.actions.values_list("description", flat=True)}
            taken = set(Action.objects.filter(recommendation__challenge=challenge).values_list("reference", flat=True))
            for item in entry.actions:
                key = values.squash(item.description)
                if not key or key in existing:
                    continue
                existing.add(key)
                officer, problem = directory.find(item.lead) if item.lead else (None, "")
                notes = []
                if item.lead and problem:
                    notes.append(f"Lead officer(s) in the response table: {item.lead}")
                if item.note:
                    notes.append(f"Timescale in the response table: {item.timescale}")
                index = 1
                while f"{recommendation.number}.{index}" in taken:
                    index += 1
                reference = f"{recommendation.number}.{index}"
                taken.add(reference)
                action = Action(
                    recommendation=recommendation,
                    reference=reference,
                    description=item.description,
                    lead_officer=officer,
                    due_date=item.due_date,
                    source="\n".join(notes)[:5000],
                )
                action.clean_fields(exclude=["recommendation", "lead_officer"])
                action._history_user = by  # type: ignore[attr-defined]
                action.save()
                added += 1
    return updated, added
