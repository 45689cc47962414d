"""Inviting many people from a CSV file: read, preview, then invite all or none (like the plan import, ADR 0008).

The file has a header row naming the columns First name, Last name, Email and Role (any order, any
case) and one person a row. `read` checks every row and returns them with every problem found;
the preview shows both and offers to go ahead only when there is no problem. The rows travel to the
confirmation signed (`sign` / `unsign`), so nothing is stored between the two steps and a changed
payload is refused; `invite_all` checks every row again against the council as it is then and
invites them in one transaction, or none.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from peertrack import inputs
from recommendations.models import Council, Membership
from recommendations.people import services

MAX_BYTES = 256 * 1024
MAX_ROWS = 500
MAX_CELL = 254
COLUMNS = {"first name": "first_name", "last name": "last_name", "email": "email", "role": "role"}
REQUIRED = ("first_name", "email", "role")
# A cell a spreadsheet would run as a formula: refused in names, where nobody needs it.
FORMULA_START = ("=", "+", "@", "\t", "\r")
SALT = "peertrack.people.csv"
# How long a preview may be confirmed.
PREVIEW_SECONDS = 60 * 60


@dataclass
class PersonRow:
    line: int
    first_name: str
    last_name: str
    email: str
    role: str
    problems: list[str] = field(default_factory=list)

    @property
    def role_label(self) -> str:
        return dict(Membership.Role.choices).get(self.role, self.role)


@dataclass
class Reading:
    """The rows of a people CSV and every problem found; `problem` is a problem with the whole file."""

    rows: list[PersonRow] = field(default_factory=list)
    problem: str = ""

    @property
    def ok(self) -> bool:
        return not self.problem and bool(self.rows) and not any(row.problems for row in self.rows)

    @property
    def problem_count(self) -> int:
        return sum(len(row.problems) for row in self.rows) + (1 if self.problem else 0)


def too_large(size: int) -> str:
    """Returns why a file of `size` bytes, over MAX_BYTES, is refused (without a full stop)."""
    return f"The file is {size / 1024:.0f} KB; the most peertrack accepts is {MAX_BYTES // 1024} KB ({MAX_ROWS} people)"


def _role(text: str) -> str:
    wanted = text.strip().lower()
    for value, label in Membership.Role.choices:
        if wanted in (value, label.lower()) or (value == Membership.Role.SCRUTINY and wanted == "scrutiny"):
            return value
    return ""


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise ValueError("The file is not a CSV text file (it holds binary data). Save it as CSV UTF-8 and try again.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(
            "The file is not UTF-8 text. In Excel choose “CSV UTF-8 (Comma delimited)” when saving, and try again."
        ) from None


def read(data: bytes, *, council: Council, manager_role: str) -> Reading:
    """Reads a people CSV and checks every row against `council` as it is now."""
    if not data.strip():
        return Reading(problem="The file is empty. Add a header row and one row for each person.")
    if len(data) > MAX_BYTES:
        return Reading(problem=f"{too_large(len(data))}.")
    try:
        text = _decode(data)
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except ValueError as error:
        return Reading(problem=str(error))
    except csv.Error:
        return Reading(problem="The file could not be read as CSV. Check its quotes and save it again as CSV.")
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        return Reading(problem="The file is empty. Add a header row and one row for each person.")
    header = [COLUMNS.get(cell.strip().lower()) for cell in rows[0]]
    missing = [name for name, key in COLUMNS.items() if key in REQUIRED and key not in header]
    if missing:
        return Reading(
            problem="The first row must name the columns First name, Last name, Email and Role; "
            f"it has no {', '.join(missing).replace('first name', 'First name')} column."
        )
    body = rows[1:]
    if not body:
        return Reading(problem="The file has a header row but nobody in it. Add one row for each person.")
    if len(body) > MAX_ROWS:
        return Reading(problem=f"The file has {len(body)} people; invite at most {MAX_ROWS} at a time.")
    reading = Reading()
    seen: dict[str, int] = {}
    for number, cells in enumerate(body, start=2):
        values = {
            key: cells[index].strip() if index < len(cells) else ""
            for index, key in enumerate(header)
            if key is not None
        }
        row = PersonRow(
            line=number,
            first_name=values.get("first_name", ""),
            last_name=values.get("last_name", ""),
            email=services.normalise_email(values.get("email", "")),
            role=values.get("role", ""),
        )
        _check(row, council=council, manager_role=manager_role, seen=seen)
        reading.rows.append(row)
    return reading


def _check(row: PersonRow, *, council: Council, manager_role: str, seen: dict[str, int]) -> None:
    for label, value in (("First name", row.first_name), ("Last name", row.last_name), ("Email", row.email)):
        if inputs.has_control(value):
            row.problems.append(f"{label} holds a control character.")
        if len(value) > (150 if label != "Email" else MAX_CELL):
            row.problems.append(f"{label} is too long.")
    if not row.first_name:
        row.problems.append("Enter a first name.")
    for label, value in (("First name", row.first_name), ("Last name", row.last_name)):
        if value.startswith(FORMULA_START):
            row.problems.append(f"{label} starts with “{value[0]}”, which a spreadsheet would run as a formula.")
    role = _role(row.role)
    if not role:
        row.problems.append("Role must be Officer, Coordinator, Scrutiny member or Administrator.")
    row.role = role or row.role[:40]
    try:
        validate_email(row.email)
    except ValidationError:
        row.problems.append("Enter an email address like name@council.gov.uk.")
        return
    if row.email in seen:
        row.problems.append(f"This address is also on row {seen[row.email]}.")
        return
    seen[row.email] = row.line
    if role:
        row.problems.extend(
            services.validate_invitation(
                council=council, email=row.email, role=role, manager_role=manager_role
            ).values()
        )


def sign(reading: Reading, *, council: Council) -> str:
    """Returns the previewed rows, signed for the confirmation form."""
    return signing.dumps(
        {"council": council.pk, "rows": [[row.first_name, row.last_name, row.email, row.role] for row in reading.rows]},
        salt=SALT,
        compress=True,
    )


def unsign(payload: str, *, council: Council) -> list[PersonRow]:
    """Returns the rows of a signed preview of `council`; raises ValueError saying why it cannot."""
    try:
        data = signing.loads(payload, salt=SALT, max_age=PREVIEW_SECONDS)
    except signing.SignatureExpired:
        raise ValueError("The preview is more than an hour old. Upload the file again.") from None
    except (signing.BadSignature, ValueError, TypeError):
        raise ValueError("The preview could not be read. Upload the file again.") from None
    if not isinstance(data, dict) or data.get("council") != council.pk or not isinstance(data.get("rows"), list):
        raise ValueError("The preview could not be read. Upload the file again.")
    rows = []
    for line, values in enumerate(data["rows"], start=2):
        if not (isinstance(values, list) and len(values) == 4 and all(isinstance(v, str) for v in values)):
            raise ValueError("The preview could not be read. Upload the file again.")
        rows.append(PersonRow(line, *values))
    return rows


def invite_all(
    *, rows: list[PersonRow], council: Council, by: Any, manager_role: str, origin: str = ""
) -> Reading | list[services.Sent]:
    """Invites every row in one transaction, after checking each again; if any fails, invites nobody
    and returns the Reading with the problems found now."""
    with transaction.atomic():
        seen: dict[str, int] = {}
        for row in rows:
            _check(row, council=council, manager_role=manager_role, seen=seen)
        if any(row.problems for row in rows) or not rows:
            transaction.set_rollback(True)
            return Reading(rows=rows, problem="" if rows else "There was nobody to invite.")
        return [
            services.invite(
                council=council,
                email=row.email,
                first_name=row.first_name,
                last_name=row.last_name,
                role=row.role,
                by=by,
                manager_role=manager_role,
                origin=origin,
            )
            for row in rows
        ]
