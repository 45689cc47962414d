"""Builds the data a committee pack is rendered from, as plain JSON-ready values.

The snapshot is what an issued pack stores beside its PDF: the report's text, the
challenge, every recommendation with its derived RAG and movement since the previous
pack, and each action with its latest update, all as they stood on `as_of`. The PDF
template reads only the snapshot, so a stored snapshot renders the same pack again.

As at a past date: RAG ratings come from `Recommendation.objects.with_rag(as_of=...)` and
`Action.objects.with_current_rag(as_of=...)` (updates made by the end of that day); an
action's status, wording and dates come from its history record current on that day,
or, when history does not reach back that far (data imported later), from its sign-off
and completion timestamps.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.db.models import Prefetch
from django.utils import timezone

from recommendations import rag as rag_rules
from recommendations.models import Action, PeerChallenge, ProgressUpdate, Recommendation
from recommendations.periods import ReportingPeriod
from reviews.models import CommitteeReport, IssuedPack

SNAPSHOT_VERSION = 1

# Best to worst, for saying whether a recommendation moved up or down.
_STANDING: dict[str, int] = {rag_rules.Rag.BLUE: 4, rag_rules.Rag.GREEN: 3, rag_rules.Rag.AMBER: 2,
             rag_rules.Rag.RED: 1}


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max))


def _person(user: Any) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def movement(now: str, before: str | None, *, compared: bool) -> dict[str, str]:
    """Returns how a recommendation's rating moved since the previous pack, in words.

    `kind` is improved, worse, same, new, changed or none (no previous pack).
    """
    if not compared:
        return {"kind": "none", "text": "No earlier pack"}
    if before is None:
        return {"kind": "new", "text": "New since the last pack"}
    if now == before:
        return {"kind": "same", "text": "No change"}
    was = rag_rules.label(before)
    if now in _STANDING and before in _STANDING:
        if _STANDING[now] > _STANDING[before]:
            return {"kind": "improved", "text": f"Improved from {was}"}
        return {"kind": "worse", "text": f"Worse than {was} before"}
    return {"kind": "changed", "text": f"Was {was}"}


def _status_as_of(action: Action, as_of: dt.date | None, recorded: Any | None) -> str:
    """Returns the action's status value as it stood at the end of `as_of`."""
    if as_of is None:
        return action.status
    if recorded is not None:
        return recorded.status
    end = _end_of_day(as_of)
    if action.status == Action.Status.COMPLETE and (
        action.signed_off_at is None or action.signed_off_at > end
    ):
        reported = action.completion_reported_at
        if reported is not None and reported <= end:
            return Action.Status.AWAITING_SIGN_OFF
        return Action.Status.IN_PROGRESS
    if action.status == Action.Status.AWAITING_SIGN_OFF and (
        action.completion_reported_at is None or action.completion_reported_at > end
    ):
        return Action.Status.IN_PROGRESS
    return action.status


def _history_as_of(action_ids: list[int], as_of: dt.date | None) -> dict[int, Any]:
    """Returns each action's latest history record made by the end of `as_of`."""
    if as_of is None or not action_ids:
        return {}
    records = (
        Action.history.filter(id__in=action_ids, history_date__lte=_end_of_day(as_of))
        .order_by("id", "-history_date", "-history_id")
        .only("id", "status", "description", "due_date", "history_date")
    )
    latest: dict[int, Any] = {}
    for record in records:
        latest.setdefault(record.id, record)
    return latest


def _update_data(update: ProgressUpdate | None) -> dict[str, Any] | None:
    if update is None:
        return None
    return {
        "period": str(ReportingPeriod(update.period_year, update.period_quarter)),
        "created_on": timezone.localtime(update.created_at).date().isoformat(),
        "rag": update.rag,
        "narrative": update.narrative,
        "evidence": update.evidence,
        "next_steps": update.next_steps,
        "author": _person(update.author),
    }


def previous_pack(challenge: PeerChallenge, as_of: dt.date) -> IssuedPack | None:
    """Returns the latest pack issued for `challenge` whose figures are not later than `as_of`."""
    return (
        IssuedPack.objects.filter(challenge=challenge, as_of__lte=as_of)
        .order_by("-as_of", "-sequence")
        .only("sequence", "as_of", "committee", "meeting_date", "snapshot")
        .first()
    )


def report_data(report: CommitteeReport) -> dict[str, Any]:
    return {
        "committee": report.committee,
        "meeting_date": report.meeting_date.isoformat(),
        "subject": report.subject,
        "author_name": report.author_name,
        "author_job_title": report.author_job_title,
        "author_service_area": report.author_service_area,
        "author_contact": report.author_contact,
        "purpose": report.purpose,
        "committee_recommendations": report.committee_recommendations(),
        "key_risks": report.key_risks,
        "next_steps": report.next_steps,
    }


def build_snapshot(
    *, report: CommitteeReport, as_of: dt.date | None = None, today: dt.date | None = None
) -> dict[str, Any]:
    """Returns the pack data for `report`'s challenge as it stood at the end of `as_of`.

    `as_of` None means the plan as it stands now (and the pack says "as at" today).
    Movement is measured against the stored snapshot of the previous issued pack.
    """
    challenge = report.challenge
    today = today or timezone.localdate()
    figures_date = as_of or today
    end = _end_of_day(as_of) if as_of else None

    updates = ProgressUpdate.objects.select_related("author").order_by("-created_at", "-pk")
    if end is not None:
        updates = updates.filter(created_at__lte=end)
    actions = (
        Action.objects.with_current_rag(as_of=as_of)
        .select_related("lead_officer")
        .prefetch_related(Prefetch("updates", queryset=updates, to_attr="updates_then"))
        .order_by("reference")
    )
    if end is not None:
        actions = actions.filter(created_at__lte=end)
    recommendations = list(
        Recommendation.objects.filter(challenge=challenge)
        .with_rag(as_of=as_of)
        .select_related("theme")
        .prefetch_related(Prefetch("actions", queryset=actions, to_attr="actions_then"))
        .order_by("number")
    )
    history = _history_as_of(
        [a.pk for r in recommendations for a in r.actions_then], as_of
    )

    previous = previous_pack(challenge, figures_date)
    before: dict[int, str] = {}
    if previous is not None:
        before = {r["number"]: r["rag"] for r in previous.snapshot.get("recommendations", [])}

    status_labels = dict(Action.Status.choices)
    rec_rows = []
    overdue_rows = []
    for recommendation in recommendations:
        action_rows = []
        for action in recommendation.actions_then:
            recorded = history.get(action.pk)
            status = _status_as_of(action, as_of, recorded)
            due = recorded.due_date if recorded is not None else action.due_date
            description = recorded.description if recorded is not None else action.description
            is_open = status not in (Action.Status.COMPLETE, Action.Status.CLOSED)
            overdue = bool(is_open and due and due < figures_date)
            latest = action.updates_then[0] if action.updates_then else None
            row = {
                "reference": action.reference,
                "description": description,
                "lead_officer": _person(action.lead_officer),
                "cabinet_member": action.cabinet_member,
                "directorate": action.directorate,
                "due_date": due.isoformat() if due else None,
                "status": status,
                "status_label": status_labels.get(status, status),
                "rag": action.current_rag or rag_rules.NOT_RATED,
                "overdue": overdue,
                # Packs stored before this key existed lack it; the template reads it as "action plan".
                "from_progress_review": action.origin == Action.Origin.PROGRESS_REVIEW,
                "latest_update": _update_data(latest),
            }
            action_rows.append(row)
            if overdue:
                overdue_rows.append({"recommendation": recommendation.number, **row})
        rec_rows.append({
            "number": recommendation.number,
            "title": recommendation.title,
            "text": recommendation.text,
            "sub_points": list(recommendation.sub_points or []),
            "theme": recommendation.theme.name if recommendation.theme else "",
            "response": recommendation.response,
            "response_label": recommendation.get_response_display(),
            "response_reasons": recommendation.response_reasons,
            "response_narrative": recommendation.response_narrative,
            "rag": recommendation.rag,
            "previous_rag": before.get(recommendation.number),
            "movement": movement(recommendation.rag, before.get(recommendation.number),
                                 compared=previous is not None),
            "actions": action_rows,
        })

    counts = Counter(r["rag"] for r in rec_rows)
    total = len(rec_rows)
    return {
        "version": SNAPSHOT_VERSION,
        "as_of": figures_date.isoformat(),
        "as_of_is_past": as_of is not None and as_of < today,
        "report": report_data(report),
        "challenge": _challenge_data(challenge),
        "previous_pack": None if previous is None else {
            "sequence": previous.sequence,
            "committee": previous.committee,
            "meeting_date": previous.meeting_date.isoformat(),
            "as_of": previous.as_of.isoformat(),
        },
        "rag_counts": [
            {"rag": value, "label": rag_rules.label(value), "meaning": rag_rules.MEANINGS[value],
             "count": counts.get(value, 0),
             "percent": round(100 * counts.get(value, 0) / total) if total else 0}
            for value in rag_rules.ORDER
        ],
        "rag_key": [
            {"rag": value, "label": rag_rules.label(value), "meaning": rag_rules.MEANINGS[value]}
            for value in rag_rules.ORDER
        ],
        "rag_rule": rag_rules.RULE_TEXT,
        "recommendation_count": total,
        "action_count": sum(len(r["actions"]) for r in rec_rows),
        "overdue_actions": overdue_rows,
        "recommendations": rec_rows,
    }


def _challenge_data(challenge: PeerChallenge) -> dict[str, Any]:
    themes = list(challenge.themes.all())
    return {
        "slug": challenge.slug,
        "title": challenge.title,
        "council": challenge.council.name,
        "kind": challenge.get_kind_display(),
        "onsite_start": challenge.onsite_start.isoformat(),
        "onsite_end": challenge.onsite_end.isoformat(),
        "feedback_report_date": (
            challenge.feedback_report_date.isoformat() if challenge.feedback_report_date else None
        ),
        "feedback_report_url": challenge.feedback_report_url,
        "action_plan_published_on": (
            challenge.action_plan_published_on.isoformat()
            if challenge.action_plan_published_on else None
        ),
        "people_spoken_to": challenge.people_spoken_to,
        "meetings_held": challenge.meetings_held,
        "hours_on_site": challenge.hours_on_site,
        "has_figures": bool(challenge.people_spoken_to or challenge.meetings_held),
        "core_components": [t.name for t in themes if t.kind == t.Kind.CORE_COMPONENT],
        "focus_areas": [t.name for t in themes if t.kind == t.Kind.FOCUS_AREA],
        "peer_team": [
            {"name": p.name, "role": p.role, "organisation": p.organisation}
            for p in challenge.peer_team.all()
        ],
    }
