"""Bringing a council's existing plan into peertrack, and taking it out again.

Two imports, each planned first (read-only: what would change, row by row) and then
applied in ONE transaction that re-plans against the database as it is then, so
a plan is all or nothing and never half written:

* recommendations parsed from the feedback report (`recommendations.parsing`):
  `plan_recommendations` / `apply_recommendations`;
* an action plan spreadsheet (`recommendations.spreadsheets`):
  `plan_action_plan` / `apply_action_plan`. Rows are matched to actions by their
  reference (or, without one, by recommendation and identical wording); an unchanged
  row saves nothing and writes no history, a changed one updates its action (and
  bumps its version, so an edit form open elsewhere sees the conflict).

`export_rows` gives the plan in the spreadsheet layout, so export then import
changes nothing. Uploads wait between preview and confirmation in
`UploadStore`, server-side, bound to the user and the challenge.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from peertrack import inputs
from recommendations import asof
from recommendations import import_values as plan_values
from recommendations.models import (
    Action,
    DueDateChange,
    PeerChallenge,
    Recommendation,
)
from recommendations.parsing import ParsedRecommendation
from recommendations.periods import ReportingPeriod
from recommendations.rag import NOT_RATED
from recommendations.rag import label as rag_label
from recommendations.spreadsheets import CellError, PlanRow, ReadResult, read_action_plan


class ImportRejected(Exception):
    """Raised inside the import transaction to roll it back; the message is for the user."""


class PlanChanged(Exception):
    """The plan in the database changed between the preview and the confirmation."""


# --- recommendations -------------------------------------------------------------------


@dataclass
class RecommendationOutcome:
    number: int
    title: str
    kind: str  # "new" | "changed" | "unchanged"
    changes: list[str] = field(default_factory=list)


def plan_recommendations(
    *, challenge: PeerChallenge, recommendations: Sequence[ParsedRecommendation]
) -> list[RecommendationOutcome]:
    """Returns what importing `recommendations` would do to the challenge, one per number."""
    existing = {r.number: r for r in Recommendation.objects.filter(challenge=challenge)}
    outcomes = []
    for parsed in recommendations:
        current = existing.get(parsed.number)
        if current is None:
            outcomes.append(RecommendationOutcome(parsed.number, parsed.title, "new"))
            continue
        changes = [
            label
            for label, old, new in (
                ("title", current.title, parsed.title),
                ("text", current.text, parsed.text),
                ("sub-points", list(current.sub_points or []), list(parsed.sub_points)),
            )
            if old != new
        ]
        outcomes.append(
            RecommendationOutcome(parsed.number, parsed.title, "changed" if changes else "unchanged", changes)
        )
    return outcomes


def apply_recommendations(
    *, challenge: PeerChallenge, recommendations: Sequence[ParsedRecommendation]
) -> list[RecommendationOutcome]:
    """Creates or updates the challenge's recommendations by number, all or nothing.

    Recommendations of the challenge that are not in `recommendations` are left as
    they are; an unchanged one is not saved (no history row).
    """
    with transaction.atomic():
        PeerChallenge.objects.select_for_update().filter(pk=challenge.pk).first()
        outcomes = plan_recommendations(challenge=challenge, recommendations=recommendations)
        existing = {r.number: r for r in Recommendation.objects.filter(challenge=challenge)}
        for parsed, outcome in zip(recommendations, outcomes, strict=True):
            if outcome.kind == "new":
                recommendation = Recommendation(
                    challenge=challenge,
                    number=parsed.number,
                    title=parsed.title,
                    text=parsed.text,
                    sub_points=list(parsed.sub_points),
                )
                recommendation.full_clean()
                recommendation.save()
            elif outcome.kind == "changed":
                recommendation = existing[parsed.number]
                recommendation.title = parsed.title
                recommendation.text = parsed.text
                recommendation.sub_points = list(parsed.sub_points)
                recommendation.full_clean()
                recommendation.save(update_fields=["title", "text", "sub_points"])
    return outcomes


# --- lead officers ---------------------------------------------------------------------


def _squash(text: str) -> str:
    return " ".join(text.lower().split())


_NAMED_EMAIL = re.compile(r"^(?P<name>.*?)\s*<(?P<email>[^<>@\s]+@[^<>\s]+)>\s*$")


@dataclass
class OfficerDirectory:
    """The council's members, findable by email, full name or username (any case and spacing)."""

    by_key: dict[str, list[Any]]

    @classmethod
    def for_council(cls, council: Any) -> OfficerDirectory:
        members = Action.possible_lead_officers(council)
        by_key: dict[str, list[Any]] = {}
        for user in members:
            keys = {_squash(user.get_username())}
            if user.email:
                keys.add(_squash(user.email))
            full_name = _squash(user.get_full_name())
            if full_name:
                keys.add(full_name)
            for key in keys:
                by_key.setdefault(key, []).append(user)
        return cls(by_key)

    def find(self, text: str) -> tuple[Any | None, str]:
        """Returns (user, "") or (None, why not) for a lead officer cell."""
        match = _NAMED_EMAIL.match(text.strip())
        candidates = [_squash(match["email"]), _squash(match["name"])] if match else [_squash(text)]
        for key in candidates:
            if not key:
                continue
            users = self.by_key.get(key, [])
            if len(users) == 1:
                return users[0], ""
            if len(users) > 1:
                return None, "matches more than one member of the council; use their email address"
        return None, "matches no member of the council"


def describe_officer(user: Any) -> str:
    """Returns how the export writes a lead officer: "Full Name <email>", or what there is."""
    if user is None:
        return ""
    name = user.get_full_name().strip()
    if name and user.email:
        return f"{name} <{user.email}>"
    return user.email or name or user.get_username()


# --- action plans ----------------------------------------------------------------------

FIELD_LABELS = {
    "recommendation": "Recommendation",
    "description": "Action",
    "lead_officer": "Lead officer",
    "cabinet_member": "Cabinet member",
    "directorate": "Directorate",
    "start_date": "Start date",
    "due_date": "Due date",
    "source": "Notes",
}


@dataclass
class RowOutcome:
    row_number: int
    reference: str
    recommendation: int
    description: str
    kind: str  # "new" | "changed" | "unchanged"
    changes: list[str] = field(default_factory=list)
    lead_officer: str = ""
    lead_officer_problem: str = ""
    progress: str = ""  # e.g. "New update: Amber"
    action_id: int | None = None
    values: dict[str, Any] = field(default_factory=dict)
    rag: str = ""
    narrative: str = ""
    interpretations: list[str] = field(default_factory=list)
    status: str = ""


@dataclass
class ActionPlanImport:
    filename: str
    outcomes: list[RowOutcome] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unmatched_officers: list[tuple[str, str]] = field(default_factory=list)
    not_in_file: int = 0

    layout: ReadResult | None = None  # the sheet as read: headers, mapping, raw rows

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def bad_rows(self) -> list[int]:
        """Returns the numbers of the rows with a problem, which a partial import leaves out."""
        return sorted({error.row for error in self.errors if error.row is not None})

    @property
    def can_import_good_rows(self) -> bool:
        """True when some rows are good and every problem belongs to a row."""
        return bool(self.outcomes) and all(error.row is not None for error in self.errors)

    def count(self, kind: str) -> int:
        return sum(1 for outcome in self.outcomes if outcome.kind == kind)

    @property
    def progress_updates(self) -> int:
        return sum(1 for outcome in self.outcomes if outcome.progress)

    @property
    def changes_anything(self) -> bool:
        return any(o.kind != "unchanged" or o.progress for o in self.outcomes)

    @property
    def fingerprint(self) -> str:
        """Returns a digest of what the import would do, to notice a plan changed meanwhile."""
        summary = [(o.row_number, o.kind, o.action_id, o.changes, o.progress) for o in self.outcomes]
        return hashlib.sha256(json.dumps(summary, default=str).encode()).hexdigest()[:32]


def _format(value: Any) -> str:
    if value is None or value == "":
        return "(empty)"
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if hasattr(value, "get_full_name"):
        return value.get_full_name() or value.get_username()
    text = str(value)
    return text if len(text) <= 60 else text[:59] + "…"


def _next_reference(number: int, taken: set[str]) -> str:
    index = 1
    while f"{number}.{index}".lower() in taken:
        index += 1
    reference = f"{number}.{index}"
    taken.add(reference.lower())
    return reference


def plan_action_plan(*, challenge: PeerChallenge, sheet: ReadResult, filename: str) -> ActionPlanImport:
    """Returns what importing the rows of `sheet` into the challenge would do. Writes nothing."""
    plan = ActionPlanImport(filename=filename, errors=list(sheet.errors), warnings=list(sheet.warnings))
    recommendations = {r.number: r for r in Recommendation.objects.filter(challenge=challenge)}
    shown = {
        then.pk: then
        for then in asof.actions_as_at(
            Action.objects.filter(recommendation__challenge=challenge).select_related("recommendation", "lead_officer"),
            details=True,
        )
    }
    actions = [then.action for then in shown.values()]
    by_reference: dict[str, list[Action]] = {}
    for existing in actions:
        by_reference.setdefault(existing.reference.lower(), []).append(existing)
    taken = {existing.reference.lower() for existing in actions} | {
        row.reference.lower() for row in sheet.rows if row.reference
    }
    directory = OfficerDirectory.for_council(challenge.council)
    matched_ids: set[int] = set()
    unmatched: dict[str, str] = {}
    numbers = sorted(recommendations)
    by_text: dict[str, list[Recommendation]] = {}
    for candidate in recommendations.values():
        for text in (candidate.title, candidate.text):
            if text.strip():
                by_text.setdefault(plan_values.squash(text), []).append(candidate)
    for row in sheet.rows:
        recommendation = recommendations.get(row.recommendation)
        if recommendation is None and not row.recommendation and row.recommendation_text:
            recommendation = _by_text(row.recommendation_text, by_text, recommendations)
            if recommendation is None:
                plan.errors.append(
                    CellError(
                        row.row_number,
                        "Recommendation",
                        f"“{row.recommendation_text[:60]}” matches no recommendation's title or text "
                        "in this challenge. Write its number instead.",
                    )
                )
                continue
            row.recommendation = recommendation.number
            row.interpretations.append(
                f"recommendation found by its wording: {recommendation.number}. {recommendation.title}"
            )
        if recommendation is None:
            known = (
                f"it has recommendations {numbers[0]} to {numbers[-1]}"
                if numbers
                else "it has no recommendations yet: add them first"
            )
            plan.errors.append(
                CellError(
                    row.row_number,
                    "Recommendation number",
                    f"there is no recommendation {row.recommendation} in this challenge ({known}).",
                )
            )
            continue
        action = _match(row, recommendation, by_reference, actions)
        if action is not None and action.pk in matched_ids:
            plan.errors.append(
                CellError(
                    row.row_number,
                    "Reference",
                    f"this row and an earlier one both describe action {action.reference}.",
                )
            )
            continue
        officer, problem = (None, "")
        notes = list(row.notes)
        if row.lead_officer:
            officer, problem = directory.find(row.lead_officer)
            people = plan_values.split_people(row.lead_officer)
            if problem and len(people) > 1:
                # "Lead Officer(s)": the first who is a member leads; all are kept as written.
                for person in people:
                    found, why = directory.find(person)
                    if found is not None:
                        officer, problem = found, ""
                        break
            if problem:
                unmatched.setdefault(row.lead_officer, problem)
            if problem or len(people) > 1:
                notes.append(f"Lead officer(s) in the imported plan: {row.lead_officer}")
        outcome = RowOutcome(
            row.row_number,
            row.reference,
            row.recommendation,
            row.description,
            "new",
            lead_officer=_format(officer) if officer else row.lead_officer,
            lead_officer_problem=problem,
            rag=row.rag,
            narrative=row.narrative,
            interpretations=list(row.interpretations),
            status=row.status,
        )
        values: dict[str, Any] = {
            "recommendation": recommendation,
            "description": row.description,
            "cabinet_member": row.cabinet_member,
            "directorate": row.directorate,
            "start_date": row.start_date,
            "due_date": row.due_date,
        }
        # An officer who matches nobody leaves an existing action's lead as it is.
        if not problem:
            values["lead_officer"] = officer
        if notes:
            # Kept with the action for later (a lead to assign, a date in words), never dropped.
            values["source"] = inputs.clean_text("\n".join(notes))[:5000]
        if action is None:
            outcome.reference = row.reference or _next_reference(row.recommendation, taken)
            values.setdefault("lead_officer", None)
            if row.rag:
                outcome.progress = f"First update: {rag_label(row.rag)}"
        else:
            matched_ids.add(action.pk)
            outcome.action_id = action.pk
            outcome.reference = action.reference
            for key, new in values.items():
                old = getattr(action, key)
                if isinstance(old, str):
                    same = old.strip() == (new or "").strip()
                else:
                    same = old == new
                if not same:
                    shown_old = old.number if key == "recommendation" else old
                    shown_new = new.number if key == "recommendation" else new
                    outcome.changes.append(f"{FIELD_LABELS.get(key, key)}: {_format(shown_old)} → {_format(shown_new)}")
            outcome.kind = "changed" if outcome.changes else "unchanged"
            if row.rag:
                then = shown[action.pk]
                current = then.latest_update
                differs = not _repeats_the_plan(row, then)
                if differs and not action.is_open:
                    plan.errors.append(
                        CellError(
                            row.row_number,
                            "Current RAG",
                            f"action {action.reference} is {action.get_status_display().lower()} and "
                            "takes no more progress updates. Put back its last RAG and narrative, or "
                            "leave both empty.",
                        )
                    )
                    continue
                if current is None:
                    outcome.progress = f"First update: {rag_label(row.rag)}"
                elif differs:
                    outcome.progress = (
                        f"New update: {rag_label(then.rating)} → {rag_label(row.rag)}"
                        if then.rating != row.rag
                        else f"New update: {rag_label(row.rag)}, narrative changed"
                    )
        outcome.values = values
        plan.outcomes.append(outcome)
    plan.unmatched_officers = sorted(unmatched.items(), key=lambda item: item[0].lower())
    plan.not_in_file = len([a for a in actions if a.pk not in matched_ids])
    plan.errors.sort(key=lambda error: error.row or 0)
    return plan


def _repeats_the_plan(row: PlanRow, then: asof.ActionThen) -> bool:
    """True when the row's rating and narrative say what peertrack already says of the action.

    The rating may be the one the plan shows (the truth rule, ADR 0016, which `export_rows` writes)
    or the latest update's own, beside the latest update's narrative. So re-importing an exported
    workbook, from before Blue meant signed off or after, records no update: an action awaiting
    sign-off (shown Green) is not withdrawn, and a returned one (shown with its rating before the
    claim) is neither taken as updated nor reported complete again.
    """
    update = then.latest_update
    return (
        update is not None
        and row.rag in (then.rating, update.rag)
        and update.narrative.strip() == row.narrative.strip()
    )


def _by_text(
    text: str, by_text: dict[str, list[Recommendation]], recommendations: dict[int, Recommendation]
) -> Recommendation | None:
    """Returns the one recommendation whose title or text is `text` (or begins it), or None."""
    key = plan_values.squash(text)
    if not key:
        return None
    found = by_text.get(key, [])
    if len(found) == 1:
        return found[0]
    if len(key) >= 12:
        starts = {
            r.pk: r
            for r in recommendations.values()
            if plan_values.squash(r.text).startswith(key)
            or key.startswith(plan_values.squash(r.title))
            and len(r.title) >= 8
        }
        if len(starts) == 1:
            return next(iter(starts.values()))
    return None


def _match(
    row: PlanRow, recommendation: Recommendation, by_reference: dict[str, list[Action]], actions: list[Action]
) -> Action | None:
    if row.reference:
        candidates = by_reference.get(row.reference.lower(), [])
        same_recommendation = [a for a in candidates if a.recommendation_id == recommendation.pk]
        if same_recommendation:
            return same_recommendation[0]
        return candidates[0] if len(candidates) == 1 else None
    wording = _squash(row.description)
    for action in actions:
        if action.recommendation_id == recommendation.pk and _squash(action.description) == wording:
            return action
    return None


# A row's text cells: one line each, or text that may run over several lines.
_ONE_LINE_CELLS = ("reference", "lead_officer", "cabinet_member", "directorate")
_MULTI_LINE_CELLS = ("description", "narrative")


def clean_rows(sheet: ReadResult) -> ReadResult:
    """Returns `sheet` with NUL bytes and control characters stripped from every text cell.

    A CSV or XLSX may hold them (PostgreSQL refuses NUL, XLSX exports cannot hold the
    rest); the edge middleware never sees inside an uploaded file.
    """
    for row in sheet.rows:
        for name in _ONE_LINE_CELLS:
            setattr(row, name, inputs.clean_text(getattr(row, name), multiline=False).strip())
        for name in _MULTI_LINE_CELLS:
            setattr(row, name, inputs.clean_text(getattr(row, name)).strip())
    return sheet


@dataclass(frozen=True)
class Layout:
    """How to read a council's spreadsheet: the sheet, each column's field, status ratings."""

    sheet: str | None = None
    mapping: tuple[str, ...] | None = None
    statuses: tuple[tuple[str, str], ...] = ()
    remembered: tuple[tuple[str, str], ...] = ()


def read_and_plan(
    *, challenge: PeerChallenge, data: bytes, filename: str, layout: Layout | None = None
) -> ActionPlanImport:
    """Reads the spreadsheet and plans its import (raises SpreadsheetError for a bad file)."""
    layout = layout or Layout()
    filename = inputs.clean_text(filename, multiline=False)
    sheet = read_action_plan(
        data,
        filename,
        sheet=layout.sheet,
        mapping=list(layout.mapping) if layout.mapping is not None else None,
        statuses=dict(layout.statuses),
        remembered=dict(layout.remembered),
    )
    plan = plan_action_plan(challenge=challenge, sheet=clean_rows(sheet), filename=filename)
    plan.layout = sheet
    return plan


def _check(action: Action) -> None:
    """Validates fields and `clean()` in Python. The rows were checked already and the database
    constraints still guard the write; `full_clean()` would add ~8 queries per action."""
    action.clean_fields(exclude=["recommendation", "lead_officer"])
    action.clean()


def apply_action_plan(
    *,
    challenge: PeerChallenge,
    data: bytes,
    filename: str,
    by: Any,
    expected_fingerprint: str | None = None,
    period: ReportingPeriod | None = None,
    layout: Layout | None = None,
    good_rows_only: bool = False,
) -> ActionPlanImport:
    """Imports the spreadsheet into the challenge in one transaction, or not at all.

    Re-reads and re-plans inside the transaction. Raises PlanChanged when the result
    differs from the preview the user confirmed (`expected_fingerprint`), and
    ImportRejected when the file has errors; nothing is written in either case. With
    `good_rows_only` the rows without problems are imported and the rows with problems
    left out (the coordinator's choice on the preview), still in one transaction.
    """
    period = period or ReportingPeriod.current()
    filename = inputs.clean_text(filename, multiline=False)  # it goes into a due date's reason
    with transaction.atomic():
        # Serialise imports of one challenge (no-op on SQLite, which locks the database).
        PeerChallenge.objects.select_for_update().filter(pk=challenge.pk).first()
        plan = read_and_plan(challenge=challenge, data=data, filename=filename, layout=layout)
        if not plan.ok and not (good_rows_only and plan.can_import_good_rows):
            raise ImportRejected("The spreadsheet has errors: nothing was imported.")
        if expected_fingerprint is not None and plan.fingerprint != expected_fingerprint:
            raise PlanChanged("The action plan changed after your preview.")
        # Locked, so the version bumped below cannot race an edit saved meanwhile.
        actions = {
            a.pk: a
            for a in Action.objects.select_for_update().filter(
                pk__in=[o.action_id for o in plan.outcomes if o.action_id]
            )
        }
        for outcome in plan.outcomes:
            if outcome.kind == "new":
                action = Action(reference=outcome.reference, **outcome.values)
                _check(action)
                action._history_user = by  # type: ignore[attr-defined]
                action.save()
            else:
                action = actions[outcome.action_id]
                if outcome.kind == "changed":
                    changed = [key for key, value in outcome.values.items() if getattr(action, key) != value]
                    old_due = action.due_date
                    for key in changed:
                        setattr(action, key, outcome.values[key])
                    _check(action)
                    action.version += 1
                    action._history_user = by
                    action.save(update_fields=[*changed, "version"])
                    if "due_date" in changed and old_due is not None:
                        # A moved due date is kept with its reason, as an edit by hand would be.
                        DueDateChange.objects.create(
                            action=action,
                            old_due_date=old_due,
                            new_due_date=action.due_date,
                            reason=f"Changed by importing the spreadsheet {filename}"[:500],
                            changed_by=by,
                        )
            if outcome.progress:
                action.record_progress(rag=outcome.rag, period=period, narrative=outcome.narrative, by=by)
    return plan


def export_rows(challenge: PeerChallenge) -> list[dict[str, Any]]:
    """Returns every action of the challenge as a row in the spreadsheet layout.

    "Current RAG" is the rating the plan shows (the truth rule, ADR 0016), as in the other exports:
    Blue only once signed off, and empty when not yet rated. "Progress narrative" is the latest update's,
    beside a rating only (an import refuses a narrative alone): a returned action never rated before
    its claim has neither.
    """
    actions = (
        Action.objects.filter(recommendation__challenge=challenge)
        .select_related("recommendation", "lead_officer")
        .order_by("recommendation__number", "pk")
    )
    rows = []
    for then in asof.actions_as_at(actions, details=True):
        action, update = then.action, then.latest_update
        rating = "" if then.rating == NOT_RATED else rag_label(then.rating)
        rows.append(
            {
                "reference": action.reference,
                "recommendation": action.recommendation.number,
                "description": action.description,
                "lead_officer": describe_officer(action.lead_officer),
                "cabinet_member": action.cabinet_member,
                "directorate": action.directorate,
                "start_date": action.start_date,
                "due_date": action.due_date,
                "rag": rating,
                "narrative": update.narrative if update and rating else "",
            }
        )
    # Text stored before input was cleaned at the edge may hold what XLSX cannot (issue 12).
    return [
        {
            key: inputs.xml_safe(inputs.clean_text(value)) if isinstance(value, str) else value
            for key, value in row.items()
        }
        for row in rows
    ]


# --- uploads waiting for confirmation --------------------------------------------------

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32,64}$")


class UploadExpired(Exception):
    """The upload is gone, expired, or belongs to someone or something else."""


class UploadStore:
    """Keeps an uploaded file on the server between its preview and its confirmation.

    The bytes go to MEDIA_ROOT/imports/<random token>.bin beside a JSON note of the
    user, the challenge and the time; the form carries only the token. Confirming
    re-reads the bytes and checks the note, so nothing the browser sends back is
    trusted. Files older than `max_age` seconds are refused and cleaned up.
    """

    def __init__(self, root: Path | None = None, max_age: int = 2 * 60 * 60) -> None:
        self.root = Path(root or Path(settings.MEDIA_ROOT) / "imports")
        self.max_age = max_age

    def _paths(self, token: str) -> tuple[Path, Path]:
        if not _TOKEN.match(token or ""):
            raise UploadExpired("That upload is not known.")
        return self.root / f"{token}.bin", self.root / f"{token}.json"

    def save(self, *, data: bytes, filename: str, user_id: int, challenge_id: int) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        self.clean_up()
        token = secrets.token_urlsafe(32)
        data_path, note_path = self._paths(token)
        data_path.write_bytes(data)
        note_path.write_text(
            json.dumps(
                {
                    "filename": filename,
                    "user": user_id,
                    "challenge": challenge_id,
                    "saved": time.time(),
                }
            )
        )
        return token

    def load(self, *, token: str, user_id: int, challenge_id: int) -> tuple[bytes, str]:
        data_path, note_path = self._paths(token)
        try:
            note = json.loads(note_path.read_text())
            data = data_path.read_bytes()
        except (OSError, ValueError):
            raise UploadExpired("That upload is not known.") from None
        if note.get("user") != user_id or note.get("challenge") != challenge_id:
            raise UploadExpired("That upload is not known.")
        if time.time() - float(note.get("saved", 0)) > self.max_age:
            self.discard(token)
            raise UploadExpired("That upload has expired.")
        return data, str(note.get("filename", "action plan"))

    def discard(self, token: str) -> None:
        try:
            for path in self._paths(token):
                path.unlink(missing_ok=True)
        except UploadExpired:
            pass

    def clean_up(self) -> None:
        """Removes uploads older than `max_age` (abandoned previews)."""
        if not self.root.exists():
            return
        limit = time.time() - self.max_age
        for path in self.root.iterdir():
            try:
                if path.stat().st_mtime < limit:
                    path.unlink(missing_ok=True)
            except OSError:
                continue
