"""Builds the data a committee pack is rendered from, as plain JSON-ready values.

The snapshot is what an issued pack stores beside its PDF: the report's text, the
challenge, every recommendation with its derived RAG and movement since the previous
pack, and each action with its latest update and the names of the evidence files attached to its
updates by then (the files themselves stay in peertrack), all as they stood on `as_of`. The PDF
template reads only the snapshot, so a stored snapshot renders the same pack again.

Every figure comes from the plan as at the date (`recommendations.asof`), the same picture the
dashboards, the action plan and its exports show, so a pack never says something they do not.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from recommendations import rag as rag_rules
from recommendations.asof import moment_of, plan_as_at
from recommendations.models import Action, EvidenceFile, PeerChallenge, ProgressUpdate
from recommendations.periods import ReportingPeriod
from reviews.models import CommitteeReport, IssuedPack

SNAPSHOT_VERSION = 1


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
    direction = rag_rules.movement(before, now)
    if direction == "same":
        return {"kind": "same", "text": "No change"}
    was = rag_rules.label(before)
    if direction == "up":
        return {"kind": "improved", "text": f"Improved from {was}"}
    if direction == "down":
        return {"kind": "worse", "text": f"Worse than {was} before"}
    return {"kind": "changed", "text": f"Was {was}"}


def _update_data(update: ProgressUpdate | None, files: list[dict[str, Any]]) -> dict[str, Any] | None:
    if update is None:
        return None
    return {
        "period": str(ReportingPeriod(update.period_year, update.period_quarter)),
        "created_on": timezone.localtime(update.created_at).date().isoformat(),
        "rag": update.rag,
        "narrative": update.narrative,
        "evidence": update.evidence,
        # Packs stored before evidence files existed lack this key; the template reads it as none.
        "evidence_files": [file["name"] for file in files if file["update"] == update.pk],
        "next_steps": update.next_steps,
        "author": _person(update.author),
    }


def evidence_files(action_ids: Iterable[int], day: dt.date) -> dict[int, list[dict[str, Any]]]:
    """Returns, per action, the evidence files attached to its updates by the end of `day`, oldest first."""
    files = EvidenceFile.objects.filter(update__action_id__in=list(action_ids)).select_related("update")
    moment = moment_of(day)
    if moment is not None:
        files = files.filter(update__created_at__lte=moment)
    by_action: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for file in files.order_by("update__created_at", "update_id", "pk"):
        by_action[file.update.action_id].append({
            "update": file.update_id,
            "period": str(file.update.period),
            "name": file.name,
            "kind": file.kind_label,
            "size": file.size,
            "sha256": file.sha256,
        })
    return by_action


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
    plan = plan_as_at(challenge, figures_date, details=True)

    previous = previous_pack(challenge, figures_date)
    before: dict[int, str] = {}
    if previous is not None:
        before = {r["number"]: r["rag"] for r in previous.snapshot.get("recommendations", [])}

    files = evidence_files((then.action.pk for item in plan.recommendations for then in item.actions),
                           figures_date)
    rec_rows: list[dict[str, Any]] = []
    overdue_rows = []
    file_rows = []
    for item in plan.recommendations:
        recommendation = item.recommendation
        action_rows = []
        for then in sorted(item.actions, key=lambda then: then.action.reference):
            action = then.action
            row = {
                "reference": action.reference,
                "description": then.description,
                "lead_officer": _person(action.lead_officer),
                "cabinet_member": action.cabinet_member,
                "directorate": action.directorate,
                "due_date": then.due_date.isoformat() if then.due_date else None,
                "status": then.status,
                # "returned" split out of "in_progress": the state the plan shows (asof.STATE_LABELS).
                "state": then.state,
                "status_label": then.status_label,
                "rag": then.rating,
                "overdue": then.overdue,
                # Packs stored before this key existed lack it; the template reads it as "action plan".
                "from_progress_review": action.origin == Action.Origin.PROGRESS_REVIEW,
                "latest_update": _update_data(then.latest_update, files[action.pk]),
                "evidence_files": files[action.pk],
            }
            action_rows.append(row)
            if then.overdue:
                overdue_rows.append({"recommendation": recommendation.number, **row})
            file_rows += [{"recommendation": recommendation.number, "action": action.reference, **file}
                          for file in files[action.pk]]
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
            "rag": item.rating,
            "previous_rag": before.get(recommendation.number),
            "movement": movement(item.rating, before.get(recommendation.number),
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
        # Packs stored before this key existed lack it; the template then leaves it out.
        "action_rule": rag_rules.ACTION_RULE_TEXT,
        "recommendation_count": total,
        "action_count": sum(len(r["actions"]) for r in rec_rows),
        "overdue_actions": overdue_rows,
        "recommendations": rec_rows,
        # Packs stored before evidence files existed lack this key: no appendix of files.
        "evidence_files": file_rows,
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
