"""Workflows that read or write across several models of the action plan.

- `action_history`: the story of an action, its recommendation and its updates
  from django-simple-history, as people read it (who, when, field: old -> new).
- `changes_since`: what someone else changed on an action since a version, for
  the message an editor sees when their edit lost the race.
- `reminders_due`: the actions each lead officer should be reminded about.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format

from recommendations import asof
from recommendations import rag as rag_rules
from recommendations.asof import ActionThen
from recommendations.models import Action, ProgressUpdate, Recommendation, Theme
from recommendations.periods import ReportingPeriod

# Fields nobody needs to read about: bookkeeping, or shown elsewhere on the page.
_HIDDEN_FIELDS = {"id", "version", "created_at", "recommendation", "challenge", "is_demo",
                  "source"}

# Labels people understand, where the model's verbose name is not enough.
_LABELS = {
    "rag": "RAG rating",
    "lead_officer": "Lead officer",
    "completion_reported_at": "Reported complete on",
    "completion_reported_by": "Reported complete by",
    "signed_off_at": "Signed off on",
    "signed_off_by": "Signed off by",
    "response": "Council's response",
    "response_reasons": "Reasons for the response",
    "response_narrative": "Council's response narrative",
    "sub_points": "Sub-points",
    "text": "Recommendation text",
    "due_date": "Due date",
    "start_date": "Start date",
}

_USER_FIELDS = {"lead_officer", "completion_reported_by", "signed_off_by", "closed_by", "author", "recorded_for"}
NOBODY = "Imported (no person recorded)"


@dataclass(frozen=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: dt.datetime
    who: str
    subject: str
    summary: str = ""
    changes: list[FieldChange] = field(default_factory=list)
    reason: str = ""


def _label(model: type[models.Model], name: str) -> str:
    if name in _LABELS:
        return _LABELS[name]
    model_field = model._meta.get_field(name)
    if not isinstance(model_field, models.Field):
        return name.replace("_", " ").capitalize()
    verbose = str(model_field.verbose_name)
    return verbose[:1].upper() + verbose[1:]


def _person(user: Any) -> str:
    if user is None:
        return NOBODY
    return user.get_full_name() or user.get_username()


class _Formatter:
    """Turns stored values into words, looking people up in one query."""

    def __init__(self, user_ids: set[int], theme_ids: set[int] | None = None) -> None:
        users = get_user_model().objects.filter(pk__in=user_ids) if user_ids else []
        self.people = {user.pk: _person(user) for user in users}
        self.themes = dict(Theme.objects.filter(pk__in=theme_ids).values_list("pk", "name")
                           ) if theme_ids else {}

    def __call__(self, model: type[models.Model], name: str, value: Any) -> str:
        if value in (None, "", []):
            return "(none)"
        if name in _USER_FIELDS:
            return self.people.get(value, "a user who has been removed")
        model_field = model._meta.get_field(name)
        if isinstance(model_field, models.Field) and model_field.choices:
            return str(dict(model_field.flatchoices).get(value, value))
        if name == "theme":
            return self.themes.get(value, "a theme that has been removed")
        if isinstance(value, dt.datetime):
            return date_format(timezone.localtime(value), "j F Y, H:i")
        if isinstance(value, dt.date):
            return date_format(value, "j F Y")
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, list):
            return "; ".join(str(item) for item in value)
        return str(value)


def _field_diffs(model: type[models.Model], records: list[Any]) -> list[tuple[Any, list[Any]]]:
    """Returns (record, changes) for each record after the first, oldest first."""
    pairs = []
    for previous, record in zip(records, records[1:], strict=False):
        delta = record.diff_against(previous, excluded_fields=sorted(
            _HIDDEN_FIELDS & {f.name for f in model._meta.fields}))
        pairs.append((record, delta.changes))
    return pairs


def action_history(action: Action) -> list[HistoryEntry]:
    """Returns every recorded change to the action, its recommendation and its updates.

    Newest first. Each entry says who made it, when, and each field's old and new
    value in words. Re-saves that changed nothing are left out.
    """
    action_records = list(action.history.select_related("history_user")
                          .order_by("history_date", "history_id"))
    recommendation_records = list(
        Recommendation.history.filter(id=action.recommendation_id)
        .select_related("history_user").order_by("history_date", "history_id"))
    update_records = list(
        ProgressUpdate.history.filter(action_id=action.pk)
        .select_related("history_user").order_by("history_date", "history_id"))

    user_ids: set[int] = set()
    for record in action_records:
        user_ids.update(filter(None, (record.lead_officer_id, record.completion_reported_by_id,
                                      record.signed_off_by_id, record.closed_by_id)))
    for record in update_records:
        user_ids.update(filter(None, (record.recorded_for_id,)))
    fmt = _Formatter(user_ids, {record.theme_id for record in recommendation_records
                                if record.theme_id})

    entries: list[HistoryEntry] = []
    for model, records, subject in (
        (Action, action_records, f"Action {action.reference}"),
        (Recommendation, recommendation_records, "Recommendation"),
    ):
        if records:
            first = records[0]
            entries.append(HistoryEntry(
                when=first.history_date, who=_person(first.history_user), subject=subject,
                summary="Added" if first.history_type == "+" else "History begins",
                reason=first.history_change_reason or ""))
        for record, changes in _field_diffs(model, records):
            if not changes:
                continue
            entries.append(HistoryEntry(
                when=record.history_date, who=_person(record.history_user), subject=subject,
                changes=[FieldChange(_label(model, change.field),
                                     fmt(model, change.field, change.old),
                                     fmt(model, change.field, change.new))
                         for change in changes],
                reason=record.history_change_reason or ""))
    for record in update_records:
        period = ReportingPeriod(record.period_year, record.period_quarter)
        entries.append(HistoryEntry(
            when=record.history_date, who=_person(record.history_user),
            subject="Progress update",
            summary=f"Added for {period}: {rag_rules.label(record.rag)}"))
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries


def changes_since(action: Action, version: int) -> list[FieldChange]:
    """Returns what changed in the editable fields since the action was at `version`.

    Read from the action's history; empty when that version has no record.
    """
    then = (action.history.filter(version=version).order_by("-history_date", "-history_id")
            .first())
    if then is None:
        return []
    now = action.history.order_by("-history_date", "-history_id").first()
    delta = now.diff_against(then, included_fields=list(Action.EDITABLE_FIELDS))
    fmt = _Formatter({value for change in delta.changes if change.field == "lead_officer"
                      for value in (change.old, change.new) if value})
    return [FieldChange(_label(Action, change.field), fmt(Action, change.field, change.old),
                        fmt(Action, change.field, change.new)) for change in delta.changes]


@dataclass
class Reminder:
    officer: Any
    actions: list[ActionThen]


def reminders_due(*, today: dt.date | None = None) -> list[Reminder]:
    """Returns, per lead officer, the actions that are overdue or need an update this period.

    Both as the plan stood on `today` (`recommendations.asof`), so a past day can be replayed.
    Officers are listed by name; each one's actions overdue first, then by due date.
    Actions without a lead officer, or led by a deactivated account, are left out.
    """
    today = today or timezone.localdate()
    led = (Action.objects.in_current_challenges().filter(lead_officer__isnull=False, lead_officer__is_active=True)
           .select_related("lead_officer", "recommendation__challenge"))
    due = sorted((then for then in asof.actions_as_at(led, today) if then.overdue or then.needs_update),
                 key=lambda then: then.officer_order)
    grouped: dict[int, list[ActionThen]] = defaultdict(list)
    officers: dict[int, Any] = {}
    for then in due:
        officer = then.action.lead_officer
        if officer is None:  # the query above keeps only actions with a lead officer
            continue
        grouped[officer.pk].append(then)
        officers[officer.pk] = officer
    return sorted(
        (Reminder(officer=officers[pk], actions=grouped[pk]) for pk in grouped),
        key=lambda reminder: (_person(reminder.officer).lower(), reminder.officer.pk),
    )


def describe_movement(previous: str | None, current: str) -> str:
    """Returns a rating and its move from the previous one in words, e.g. "Amber, down from Green"."""
    now = rag_rules.label(current)
    if previous is None:
        return f"{now}, first rating"
    if previous == current:
        return f"{now}, no change"
    direction = rag_rules.movement(previous, current)
    return f"{now}, {direction} from {rag_rules.label(previous)}"


@dataclass
class TimelineItem:
    update: ProgressUpdate
    movement: str


def timeline(updates: list[ProgressUpdate]) -> list[TimelineItem]:
    """Returns the updates newest first, each with its movement from the one before it."""
    oldest_first = sorted(updates, key=lambda update: (update.created_at, update.pk))
    items = []
    previous: str | None = None
    for update in oldest_first:
        items.append(TimelineItem(update=update, movement=describe_movement(previous, update.rag)))
        previous = update.rag
    return items[::-1]
